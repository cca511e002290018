/**
 * Projects for the end-to-end tests, set up as a user sets one up: tsgrad installed with npm from
 * `npm pack` of this checkout (so a file missing from the package fails the tests), next to the
 * toolchain the user builds with. The install is shared by all projects of a kind (one npm install per
 * test run); each project is a folder inside it, so Node and the bundlers find the install's
 * node_modules by walking up.
 *
 * Kinds:
 * - `ts7`: the project's own `typescript` is 7 (npm's `latest`), with the bundlers and vitest; no gpu.js
 *   (a grad-only install);
 * - `ts6`: TypeScript 6 and ts-patch, for the `tspc` path, and gpu.js (what `jit` needs).
 */
import { expect } from 'chai';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { finiteDiff, relError, repoRoot } from '../harness.js';

export type InstallKind = 'ts6' | 'ts7';

/** Versions from this checkout's lock file, so the install comes from npm's cache where it can. */
function locked(name: string): string {
  const lock = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package-lock.json'), 'utf8'));
  const entry = lock.packages[`node_modules/${name}`];
  if (!entry) throw new Error(`${name} is not in package-lock.json`);
  return `${name}@${entry.version}`;
}

const toolchains: Record<InstallKind, () => string[]> = {
  ts7: () => ['typescript@7.0.2', ...['vite', 'esbuild', 'rollup', 'webpack', 'vitest'].map(locked)],
  ts6: () => [locked('typescript'), locked('ts-patch'), locked('gpu.js')],
};

const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
let tarball: string | undefined;
const installs = new Map<InstallKind, string>();

/** `npm pack` of the checkout (built by `npm test` before the tests run), once per run. */
function packed(): string {
  if (tarball) return tarball;
  const dest = fs.mkdtempSync(path.join(os.tmpdir(), 'tsgrad-pack-'));
  const result = spawnSync(npm, ['pack', '--ignore-scripts', '--pack-destination', dest, '--json'], { cwd: repoRoot, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`npm pack failed:\n${result.stderr}`);
  tarball = path.join(dest, JSON.parse(result.stdout)[0].filename as string);
  return tarball;
}

/** The folder of a shared install of `kind`: `npm install <tarball> <toolchain>`, as a user runs it. */
export function install(kind: InstallKind): string {
  const existing = installs.get(kind);
  if (existing) return existing;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), `tsgrad-e2e-${kind}-`));
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `tsgrad-e2e-${kind}`, private: true }));
  const result = spawnSync(npm, ['install', packed(), ...toolchains[kind](), '--prefer-offline', '--no-audit', '--no-fund'], { cwd: dir, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`npm install failed in ${dir}:\n${result.stdout}${result.stderr}`);
  installs.set(kind, dir);
  return dir;
}

export interface ProjectOptions {
  /** Which shared install the project sits in (default ts7). */
  readonly install?: InstallKind;
  /** tsconfig.json names `tsgrad/transform` as a ts-patch plugin (the `tspc` path). */
  readonly plugin?: boolean;
  /** The project's package.json "type" (none by default: .ts files compile to CommonJS). */
  readonly packageType?: 'module' | 'commonjs';
}

/** A project folder inside a shared install, with `files` and a tsconfig.json (src → dist, NodeNext). */
export function makeProject(files: Record<string, string>, options: ProjectOptions = {}): string {
  const dir = fs.mkdtempSync(path.join(install(options.install ?? 'ts7'), 'project-'));
  const tsconfig = {
    compilerOptions: {
      target: 'es2022', module: 'nodenext', strict: true, outDir: 'dist', rootDir: 'src', types: [],
      ...(options.plugin ? { plugins: [{ transform: 'tsgrad/transform' }] } : { sourceMap: true, declaration: true }),
    },
    include: ['src'],
  };
  const packageJson = options.packageType ? { 'package.json': JSON.stringify({ type: options.packageType }) } : {};
  for (const [name, text] of Object.entries({ 'tsconfig.json': JSON.stringify(tsconfig, null, 2), ...packageJson, ...files })) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

/** Runs node with `args` in `dir`. */
export const node = (dir: string, ...args: string[]): SpawnSyncReturns<string> =>
  spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8' });

/** Runs an installed command (node_modules/.bin/`name`, what npx runs) in `dir`. */
export function bin(dir: string, name: string, ...args: string[]): SpawnSyncReturns<string> {
  let root = dir;
  while (!fs.existsSync(path.join(root, 'node_modules', '.bin', name))) {
    const up = path.dirname(root);
    if (up === root) throw new Error(`no node_modules/.bin/${name} above ${dir}`);
    root = up;
  }
  return spawnSync(path.join(root, 'node_modules', '.bin', name), args, { cwd: dir, encoding: 'utf8' });
}

/** Runs the installed `tsgrad` command in `dir`. */
export const tsgrad = (dir: string, ...args: string[]): SpawnSyncReturns<string> => bin(dir, 'tsgrad', ...args);

/** A two-module model and a main.ts that prints its value and gradients as JSON. */
export const lossProject = (): Record<string, string> => ({
  'src/util.ts': `export function softplus(z: number): number { return z > 30 ? z : Math.log1p(Math.exp(z)); }\n`,
  'src/model.ts': [
    `import { softplus } from './util.js';`,
    `export function loss(w: Float64Array, x: Float64Array, n: number): number {`,
    `  let s = 0;`,
    `  for (let i = 0; i < n; i++) s += softplus(w[i] * x[i]) + 0.5 * w[i] * w[i];`,
    `  return s / n;`,
    `}`,
  ].join('\n'),
  'src/main.ts': [
    `import { grad, valueAndGrad } from 'tsgrad';`,
    `import { loss } from './model.js';`,
    `const w = new Float64Array([0.5, -1, 2]);`,
    `const x = new Float64Array([1, 2, -0.5]);`,
    `const [value, g] = valueAndGrad(loss)(w, x, 3);`,
    `const g2 = grad(loss)(w, x, 3);`,
    `console.log(JSON.stringify({ value, g: Array.from(g), g2: Array.from(g2) }));`,
  ].join('\n'),
});

/** lossProject with model.ts edited (a term whose derivative calls Math.sin), as the watch and dev-server tests edit it. */
export const editedLossProject = (): Record<string, string> => {
  const files = lossProject();
  return { ...files, 'src/model.ts': files['src/model.ts'].replace('0.5 * w[i] * w[i]', '0.5 * Math.cos(w[i]) * w[i]') };
};

/** A project whose main.ts differentiates through a declared function (no body: a tsgrad error at 4:10), then `extra`. */
export const unsupportedProject = (...extra: string[]): Record<string, string> => ({
  'src/main.ts': [
    `import { grad } from 'tsgrad';`,
    `declare function external(x: number): number;`,
    `export function f(x: number): number {`,
    `  return external(x) * 2;`,
    `}`,
    `export const df = grad(f);`,
    ...extra,
  ].join('\n'),
});

/** tsgrad's diagnostic for unsupportedProject, as tsc formats it. */
export const unsupportedDiagnostic = /src\/main\.ts\(4,10\): error TS99001: tsgrad: .*no body in the program/;

/**
 * Checks what a lossProject's main printed (`output`, its stdout) against central finite differences
 * of the model, compiled on its own here by TypeScript (no transformer: model.ts has no tsgrad call);
 * `source` holds the project's files if they are not lossProject's (its util and model files, named
 * util and model, .ts, .cts or .mts).
 */
export function checkLossOutput(output: string, source: Record<string, string> = lossProject()): void {
  const printed = JSON.parse(output);
  const named = (base: string): string => {
    const file = Object.keys(source).find((f) => new RegExp(`(^|/)${base}\\.[cm]?ts$`).test(f));
    if (!file) throw new Error(`no ${base}.ts among ${Object.keys(source).join(', ')}`);
    return source[file];
  };
  const js = [named('util'), named('model')]
    .map((text) => require('typescript').transpileModule(text, { compilerOptions: { module: 'commonjs', target: 'es2022' } }).outputText as string);
  const util: Record<string, unknown> = {};
  new Function('exports', 'require', js[0])(util, () => undefined);
  const model: { loss: (w: Float64Array, x: Float64Array, n: number) => number } = {} as never;
  new Function('exports', 'require', js[1])(model, () => util);
  const w = new Float64Array([0.5, -1, 2]);
  const x = new Float64Array([1, 2, -0.5]);
  expect(printed.value).to.equal(model.loss(w, x, 3));
  expect(relError(printed.g, finiteDiff(model.loss, [w, x, 3], 0))).to.be.below(1e-7);
  expect(printed.g2).to.deep.equal(printed.g);
}

/** Runs `file` (a built or bundled lossProject main) with node in `dir` and checks what it printed. */
export function checkLossRun(dir: string, file: string, ...nodeArgs: string[]): void {
  const run = node(dir, ...nodeArgs, file);
  expect(run.status, run.stdout + run.stderr).to.equal(0);
  checkLossOutput(run.stdout);
}
