/**
 * End to end, as a user does it: a small multi-file project whose tsconfig names
 * `tsgrad/transform`, built with ts-patch's `tspc` CLI, then run with node; and the same project
 * built by `tsgrad build` (no plugin entry needed), also where the project's own `typescript` is
 * version 7 (which tsgrad must not load).
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { finiteDiff, relError, repoRoot } from './harness.js';

const tspc = path.join(repoRoot, 'node_modules', 'ts-patch', 'bin', 'tspc.js');

/** A project in a temporary folder; `typescript7`: its node_modules/typescript is a TypeScript 7 stand-in that throws if loaded. */
function makeProject(files: Record<string, string>, how: { plugin?: boolean; typescript7?: boolean } = { plugin: true }): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsgrad-e2e-'));
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(repoRoot, path.join(dir, 'node_modules', 'tsgrad'), 'dir');
  if (how.typescript7) {
    fs.mkdirSync(path.join(dir, 'node_modules', 'typescript'));
    fs.writeFileSync(path.join(dir, 'node_modules', 'typescript', 'package.json'), JSON.stringify({ name: 'typescript', version: '7.0.2', main: 'index.js' }));
    fs.writeFileSync(path.join(dir, 'node_modules', 'typescript', 'index.js'), "throw new Error('TypeScript 7 has no JavaScript API');\n");
  } else {
    fs.symlinkSync(path.join(repoRoot, 'node_modules', 'typescript'), path.join(dir, 'node_modules', 'typescript'), 'dir');
  }
  const tsconfig = {
    compilerOptions: {
      target: 'es2022', module: 'nodenext', strict: true, outDir: 'dist', rootDir: 'src', types: [],
      ...(how.plugin ? { plugins: [{ transform: 'tsgrad/transform' }] } : { sourceMap: true, declaration: true }),
    },
    include: ['src'],
  };
  files['tsconfig.json'] = JSON.stringify(tsconfig, null, 2);
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  return dir;
}

const build = (dir: string) => spawnSync(process.execPath, [tspc, '-p', dir], { encoding: 'utf8' });

const lossProject = (): Record<string, string> => ({
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

/** A project whose main.ts differentiates through a declared function (no body: a tsgrad error at 4:10), then `extra`. */
const unsupportedProject = (...extra: string[]): Record<string, string> => ({
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

/** Runs dist/main.js of a built lossProject and checks what it printed against finite differences. */
function checkLoss(dir: string): void {
  const run = spawnSync(process.execPath, [path.join(dir, 'dist', 'main.js')], { encoding: 'utf8' });
  expect(run.status, run.stderr).to.equal(0);
  const printed = JSON.parse(run.stdout);
  const model = require(path.join(dir, 'dist', 'model.js'));
  const w = new Float64Array([0.5, -1, 2]);
  const x = new Float64Array([1, 2, -0.5]);
  expect(printed.value).to.equal(model.loss(w, x, 3));
  const reference = finiteDiff(model.loss, [w, x, 3], 0);
  expect(relError(printed.g, reference)).to.be.below(1e-7);
  expect(printed.g2).to.deep.equal(printed.g);
}

describe('end to end: a project built with tspc', function () {
  this.timeout(120000);

  it('builds a multi-file project and the compiled gradient matches finite differences', () => {
    const dir = makeProject(lossProject());
    const result = build(dir);
    expect(result.status, result.stdout + result.stderr).to.equal(0);
    checkLoss(dir);
  });

  it('fails the build with a file:line:col diagnostic for unsupported code, and the output throws', () => {
    const dir = makeProject(unsupportedProject());
    const result = build(dir);
    const output = result.stdout + result.stderr;
    expect(result.status).to.not.equal(0);
    expect(output).to.match(/main\.ts[:(]4[,:]10/);
    expect(output).to.contain('no body in the program');
    const run = spawnSync(process.execPath, [path.join(dir, 'dist', 'main.js')], { encoding: 'utf8' });
    expect(run.status).to.not.equal(0);
    expect(run.stderr).to.contain('tsgrad/transform');
    expect(run.stderr).to.contain('npx tsgrad build');
  });

  it('tsgrad emit (the npx entry) prints the generated code', () => {
    // node_modules/.bin/tsgrad, the link npm makes for the package's bin (what npx runs)
    const bin = path.join(repoRoot, 'node_modules', '.bin', 'tsgrad');
    const result = spawnSync(bin, ['emit', path.join(repoRoot, 'test', 'golden', 'looppow.ts')], { encoding: 'utf8' });
    expect(result.status, result.stderr).to.equal(0);
    expect(result.stdout).to.contain('function f_grad(x)');
    expect(result.stdout).to.contain('// reverse sweep');
  });
});

describe('end to end: tsgrad build', function () {
  this.timeout(120000);
  const tsgrad = (...args: string[]) => spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'tsgrad.js'), ...args], { encoding: 'utf8' });

  for (const typescript7 of [false, true]) {
    it(`builds a project with no plugin entry, like tsc -p (declarations, source maps)${typescript7 ? ', the project\'s own typescript being version 7' : ''}`, () => {
      const dir = makeProject(lossProject(), { typescript7 });
      const result = tsgrad('build', '-p', dir);
      expect(result.status, result.stdout + result.stderr).to.equal(0);
      for (const f of ['main.js', 'main.js.map', 'main.d.ts', 'model.js', 'util.d.ts']) expect(fs.existsSync(path.join(dir, 'dist', f)), f).to.equal(true);
      checkLoss(dir);
    });
  }

  it('reports tsgrad and type errors at file:line:col, tsc\'s format, and exits 1', () => {
    const dir = makeProject(unsupportedProject(`export const wrong: string = 1;`), {});
    const result = tsgrad('build', '-p', path.join(dir, 'tsconfig.json'));
    expect(result.status).to.equal(1);
    expect(result.stdout).to.match(/src\/main\.ts\(4,10\): error TS99001: tsgrad: .*no body in the program/);
    expect(result.stdout).to.match(/src\/main\.ts\(7,14\): error TS2322/);
  });

  it('says what it needs when there is no tsconfig', () => {
    const result = tsgrad('build', '-p', path.join(os.tmpdir(), 'no-such-project'));
    expect(result.status).to.equal(2);
    expect(result.stderr).to.contain('no tsconfig.json');
  });
});

describe('end to end: tsgrad generate', function () {
  this.timeout(120000);

  it('writes the transformed sources as TypeScript that plain tsc (no transformer) compiles; the gradient matches finite differences', () => {
    const dir = makeProject(lossProject(), {});
    const gen = spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'tsgrad.js'), 'generate', path.join(dir, 'src'), '--out', path.join(dir, 'gen')], { encoding: 'utf8' });
    expect(gen.status, gen.stdout + gen.stderr).to.equal(0);
    const main = fs.readFileSync(path.join(dir, 'gen', 'main.ts'), 'utf8');
    expect(main.split('\n')[0]).to.match(/^\/\/ Generated by tsgrad generate from main\.ts/);
    expect(main).to.contain('function loss_valueAndGrad');
    expect(fs.readFileSync(path.join(dir, 'gen', 'util.ts'), 'utf8')).to.equal(fs.readFileSync(path.join(dir, 'src', 'util.ts'), 'utf8'));
    // compiled by TypeScript's own tsc, which applies no transformer, from gen/ into dist/
    const tsconfig = JSON.parse(fs.readFileSync(path.join(dir, 'tsconfig.json'), 'utf8'));
    tsconfig.compilerOptions.rootDir = 'gen';
    tsconfig.include = ['gen'];
    fs.writeFileSync(path.join(dir, 'tsconfig.json'), JSON.stringify(tsconfig));
    const tsc = spawnSync(process.execPath, [path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc'), '-p', dir], { encoding: 'utf8' });
    expect(tsc.status, tsc.stdout + tsc.stderr).to.equal(0);
    checkLoss(dir);
  });
});

describe('end to end: node --import tsgrad/register', function () {
  this.timeout(120000);
  const run = (dir: string, file: string) => spawnSync(process.execPath, ['--import', 'tsgrad/register', file], { cwd: dir, encoding: 'utf8' });

  it('runs a TypeScript project as written (./model.js finds model.ts); the gradient matches finite differences', () => {
    const dir = makeProject(lossProject(), {});
    const result = run(dir, 'src/main.ts');
    expect(result.status, result.stderr).to.equal(0);
    const printed = JSON.parse(result.stdout);
    // the reference: the model compiled by tsgrad build, loaded as CommonJS
    expect(spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'tsgrad.js'), 'build', '-p', dir], { encoding: 'utf8' }).status).to.equal(0);
    const model = require(path.join(dir, 'dist', 'model.js'));
    const w = new Float64Array([0.5, -1, 2]);
    const x = new Float64Array([1, 2, -0.5]);
    expect(printed.value).to.equal(model.loss(w, x, 3));
    expect(relError(printed.g, finiteDiff(model.loss, [w, x, 3], 0))).to.be.below(1e-7);
  });

  it('stops with tsgrad\'s diagnostic at file:line:col for unsupported code', () => {
    const dir = makeProject(unsupportedProject(), {});
    const result = run(dir, 'src/main.ts');
    expect(result.status).to.not.equal(0);
    expect(result.stderr).to.match(/src\/main\.ts\(4,10\): error TS99001: tsgrad: .*no body in the program/);
  });
});

describe('the package', function () {
  this.timeout(120000);

  it('npm pack ships the compiler, runtime, CLI and loader, and no tests', () => {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const result = spawnSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repoRoot, encoding: 'utf8' });
    expect(result.status, result.stderr).to.equal(0);
    const files = (JSON.parse(result.stdout)[0].files as { path: string }[]).map((f) => f.path);
    for (const f of ['bin/tsgrad.js', 'dist/runtime/index.js', 'dist/runtime/index.d.ts', 'dist/compiler/transform.js', 'dist/compiler/cli.js', 'dist/compiler/loader/register.js', 'dist/compiler/loader/hooks.js']) {
      expect(files, f).to.include(f);
    }
    expect(files.filter((f) => f.startsWith('dist/test/'))).to.deep.equal([]);
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
    for (const entry of Object.values(pkg.exports as Record<string, string | { default: string }>)) {
      const target = typeof entry === 'string' ? entry : entry.default;
      expect(files, target).to.include(target.replace(/^\.\//, ''));
    }
  });
});

describe('end to end: bundler plugins (tsgrad/esbuild, tsgrad/vite)', function () {
  this.timeout(120000);
  const node = (dir: string, ...args: string[]) => spawnSync(process.execPath, args, { cwd: dir, encoding: 'utf8' });
  const esbuildScript = (entry: string) => [
    `const esbuild = require(${JSON.stringify(path.join(repoRoot, 'node_modules', 'esbuild'))});`,
    `const tsgrad = require('tsgrad/esbuild');`,
    `esbuild.build({ entryPoints: ['${entry}'], bundle: true, platform: 'node', format: 'cjs', outfile: 'out/main.cjs', sourcemap: true, plugins: [tsgrad()], logLevel: 'silent' })`,
    `  .catch((e) => { console.error(e.message); process.exit(1); });`,
  ].join('\n');

  /** Checks what a bundled lossProject printed against finite differences of its model (built by tsgrad build). */
  function checkBundle(dir: string, bundle: string): void {
    const run = node(dir, bundle);
    expect(run.status, run.stderr).to.equal(0);
    const printed = JSON.parse(run.stdout);
    expect(spawnSync(process.execPath, [path.join(repoRoot, 'bin', 'tsgrad.js'), 'build', '-p', dir], { encoding: 'utf8' }).status).to.equal(0);
    const model = require(path.join(dir, 'dist', 'model.js'));
    const w = new Float64Array([0.5, -1, 2]);
    const x = new Float64Array([1, 2, -0.5]);
    expect(printed.value).to.equal(model.loss(w, x, 3));
    expect(relError(printed.g, finiteDiff(model.loss, [w, x, 3], 0))).to.be.below(1e-7);
  }

  it('esbuild bundles a project with tsgrad/esbuild; the gradient matches finite differences, with a source map', () => {
    const dir = makeProject({ ...lossProject(), 'build.cjs': esbuildScript('src/main.ts') }, {});
    const result = node(dir, 'build.cjs');
    expect(result.status, result.stdout + result.stderr).to.equal(0);
    expect(fs.existsSync(path.join(dir, 'out', 'main.cjs.map'))).to.equal(true);
    checkBundle(dir, 'out/main.cjs');
  });

  it('esbuild fails the build with tsgrad\'s diagnostic at file:line:col', () => {
    const dir = makeProject({ ...unsupportedProject(), 'build.cjs': esbuildScript('src/main.ts') }, {});
    const result = node(dir, 'build.cjs');
    expect(result.status).to.not.equal(0);
    expect(result.stderr).to.match(/src\/main\.ts\(4,10\): error TS99001: tsgrad: .*no body in the program/);
  });

  it('vite builds a project with tsgrad/vite (vite.config.mjs); the gradient matches finite differences', () => {
    const config = [
      `import tsgrad from 'tsgrad/vite';`,
      `export default { plugins: [tsgrad()], logLevel: 'warn', build: { ssr: 'src/main.ts', outDir: 'vdist', rollupOptions: { output: { format: 'cjs', entryFileNames: 'main.cjs' } } } };`,
    ].join('\n');
    const dir = makeProject({ ...lossProject(), 'vite.config.mjs': config }, {});
    fs.symlinkSync(path.join(repoRoot, 'node_modules', 'vite'), path.join(dir, 'node_modules', 'vite'), 'dir');
    const result = node(dir, path.join(repoRoot, 'node_modules', 'vite', 'bin', 'vite.js'), 'build');
    expect(result.status, result.stdout + result.stderr).to.equal(0);
    checkBundle(dir, 'vdist/main.cjs');
  });
});

