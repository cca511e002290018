/**
 * `node --import tsgrad/register app.ts`: TypeScript run directly, as ES modules and as CommonJS
 * (as TypeScript's NodeNext setting decides), with tsgrad's transform and the loader's disk cache.
 * Every gradient is checked against central finite differences of the model's source.
 *
 * On Node ≥ 22.15 each test runs twice: with module.registerHooks (what the loader uses there) and
 * with module.register (what it uses on older Node; TSGRAD_LOADER_HOOKS=async forces it).
 */
import { expect } from 'chai';
import { spawnSync, type SpawnSyncReturns } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkLossOutput, install, lossProject, makeProject, type ProjectOptions, unsupportedDiagnostic, unsupportedProject } from './project.js';

const hasRegisterHooks = typeof (require('node:module') as { registerHooks?: unknown }).registerHooks === 'function';
const modes: { name: string; env: Record<string, string> }[] = hasRegisterHooks
  ? [{ name: 'module.registerHooks', env: {} }, { name: 'module.register', env: { TSGRAD_LOADER_HOOKS: 'async' } }]
  : [{ name: 'module.register', env: {} }];

/** `node --import tsgrad/register file` in `dir`, saying what the loader does on stderr (TSGRAD_DEBUG). */
function run(dir: string, file: string, env: Record<string, string> = {}): SpawnSyncReturns<string> {
  const environment: Record<string, string | undefined> = { ...process.env, TSGRAD_DEBUG: '1', ...env };
  for (const k of ['TSGRAD_CACHE', 'TSGRAD_CACHE_DIR', 'TSGRAD_LOADER_HOOKS']) if (!(k in env)) delete environment[k];
  return spawnSync(process.execPath, ['--import', 'tsgrad/register', file], { cwd: dir, encoding: 'utf8', env: environment });
}

/** Runs and checks the gradient printed against finite differences of `files`' model. */
function runAndCheck(dir: string, file: string, files: Record<string, string>, env: Record<string, string> = {}): SpawnSyncReturns<string> {
  const result = run(dir, file, env);
  expect(result.status, result.stdout + result.stderr).to.equal(0);
  checkLossOutput(result.stdout, files);
  return result;
}

/** A project and a way to change its files (written to disk, and kept for the finite-difference check). */
function project(files: Record<string, string>, options: ProjectOptions = {}): { dir: string; files: Record<string, string>; edit: (name: string, text: string) => void } {
  const dir = makeProject(files, options);
  const current = { ...files };
  return {
    dir,
    files: current,
    edit: (name, text) => {
      current[name] = text;
      fs.writeFileSync(path.join(dir, name), text);
    },
  };
}

/** What lossProject's main prints, from a main that also says which module system it ran in. */
const printing = (extra: string): string => [
  `const w = new Float64Array([0.5, -1, 2]);`,
  `const x = new Float64Array([1, 2, -0.5]);`,
  `const [value, g] = valueAndGrad(loss)(w, x, 3);`,
  `const g2 = grad(loss)(w, x, 3);`,
  `console.log(JSON.stringify({ value, g: Array.from(g), g2: Array.from(g2), ${extra} }));`,
].join('\n');

const hits = (stderr: string): string[] => [...stderr.matchAll(/cache hit (\S+)/g)].map((m) => m[1]).sort();
const compiled = (stderr: string): string[] => [...stderr.matchAll(/compiled (\S+) \(/g)].map((m) => m[1]).sort();

for (const mode of modes) {
  const suffix = modes.length > 1 ? ` (${mode.name})` : '';

  describe(`end to end: node --import tsgrad/register${suffix}`, function () {
    this.timeout(300000);

    it('runs a CommonJS project (no "type"): ./model.js and ./model find the .ts files, require works in TypeScript and from plain CommonJS', () => {
      const files = {
        ...lossProject(),
        'src/main.ts': [
          `import { grad, valueAndGrad } from 'tsgrad';`,
          `import { loss } from './model';`, // extensionless, as CommonJS allows: require("./model")
          `const util: typeof import('./util.js') = require('./util.js');`,
          printing(`commonjs: typeof __dirname === 'string' && require.main === module && typeof require.cache === 'object', softplus: util.softplus(0)`),
        ].join('\n'),
        'src/run.cjs': `require('./main');\n`,
      };
      const p = project(files);
      for (const entry of ['src/main.ts', 'src/run.cjs']) {
        const result = runAndCheck(p.dir, entry, files, mode.env);
        const printed = JSON.parse(result.stdout);
        expect(printed.commonjs, entry).to.equal(entry === 'src/main.ts'); // require.main is run.cjs when it runs main.ts
        expect(printed.softplus).to.equal(Math.log(2));
      }
      // the lossProject main as written (import … from './model.js', compiled to require("./model.js"))
      const q = project(lossProject());
      runAndCheck(q.dir, 'src/main.ts', q.files, mode.env);
    });

    it('runs an ES module project ("type": "module"): import.meta, ./model.js finds model.ts', () => {
      const files = {
        ...lossProject(),
        'src/main.ts': [
          `import { grad, valueAndGrad } from 'tsgrad';`,
          `import { loss } from './model.js';`,
          printing(`esm: typeof import.meta.url === 'string' && typeof require === 'undefined'`),
        ].join('\n'),
      };
      const p = project(files, { packageType: 'module' });
      const result = runAndCheck(p.dir, 'src/main.ts', files, mode.env);
      expect(JSON.parse(result.stdout).esm).to.equal(true);
    });

    it('runs .mts importing .cts (named exports of a CommonJS module) importing .cts', () => {
      const base = lossProject();
      const files = {
        'src/util.cts': base['src/util.ts'],
        'src/model.cts': base['src/model.ts'].replace(`'./util.js'`, `'./util.cjs'`),
        'src/main.mts': base['src/main.ts'].replace(`'./model.js'`, `'./model.cjs'`),
      };
      const p = project(files);
      runAndCheck(p.dir, 'src/main.mts', files, mode.env);
    });

    it('require() of an .mts from CommonJS: runs with module.registerHooks, says to import() it otherwise', () => {
      const base = lossProject();
      const files = { ...base, 'src/model.mts': base['src/model.ts'], 'src/main.cts': base['src/main.ts'].replace(`'./model.js'`, `'./model.mjs'`) };
      delete (files as Record<string, string>)['src/model.ts'];
      const p = project(files);
      if (mode.name === 'module.registerHooks') runAndCheck(p.dir, 'src/main.cts', files, mode.env);
      else {
        const result = run(p.dir, 'src/main.cts', mode.env);
        expect(result.status).to.not.equal(0);
        expect(result.stderr, result.stderr).to.match(/src\/model\.mts is an ES module; require\(\) of an ES module written in TypeScript needs Node ≥ 22\.15.*import\(\) it instead/);
      }
    });

    it('a second run takes every file from the disk cache (node_modules/.cache/tsgrad): no TypeScript loaded, no program created', () => {
      const p = project(lossProject());
      const first = runAndCheck(p.dir, 'src/main.ts', p.files, mode.env);
      expect(first.stderr).to.match(/created a TypeScript program for src\/main\.ts/);
      expect(compiled(first.stderr)).to.deep.equal(['src/main.ts', 'src/model.ts', 'src/util.ts']);
      const second = runAndCheck(p.dir, 'src/main.ts', p.files, mode.env);
      expect(hits(second.stderr)).to.deep.equal(['src/main.ts', 'src/model.ts', 'src/util.ts']);
      expect(second.stderr).to.not.match(/created a TypeScript program|loaded TypeScript|compiled /);
      expect(second.stdout).to.equal(first.stdout);
      // the entries are in the install's node_modules/.cache/tsgrad, one per file
      const cache = path.join(install('ts7'), 'node_modules', '.cache', 'tsgrad');
      const entries = fs.readdirSync(cache).flatMap((d) => fs.statSync(path.join(cache, d)).isDirectory() ? fs.readdirSync(path.join(cache, d)).map((f) => path.join(cache, d, f)) : []);
      const mine = entries.map((f) => JSON.parse(fs.readFileSync(f, 'utf8')) as { file?: string }).filter((e) => e.file?.startsWith(fs.realpathSync(p.dir)));
      expect(mine.map((e) => path.basename(e.file!)).sort()).to.deep.equal(['main.ts', 'model.ts', 'util.ts']);
      // TSGRAD_CACHE=0: compiled again
      const off = runAndCheck(p.dir, 'src/main.ts', p.files, { ...mode.env, TSGRAD_CACHE: '0' });
      expect(off.stderr).to.match(/created a TypeScript program/);
    });

    it('an edit to an imported file, or to a file it imports, recompiles what depends on it: the new gradient matches finite differences', () => {
      const p = project(lossProject());
      const before = runAndCheck(p.dir, 'src/main.ts', p.files, mode.env);
      // model.ts, which main.ts imports: main.ts (its derivative of loss) and model.ts are compiled again, util.ts is not
      p.edit('src/model.ts', p.files['src/model.ts'].replace('0.5 * w[i] * w[i]', '0.25 * w[i] * w[i] * w[i] + Math.sin(x[i] * w[i])'));
      const afterModel = runAndCheck(p.dir, 'src/main.ts', p.files, mode.env);
      expect(compiled(afterModel.stderr)).to.deep.equal(['src/main.ts', 'src/model.ts']);
      expect(hits(afterModel.stderr)).to.deep.equal(['src/util.ts']);
      expect(JSON.parse(afterModel.stdout).g).to.not.deep.equal(JSON.parse(before.stdout).g);
      // util.ts, which main.ts imports only through model.ts: all three again
      p.edit('src/util.ts', `export function softplus(z: number): number { return z > 30 ? z : 2 * Math.log1p(Math.exp(0.5 * z)); }\n`);
      const afterUtil = runAndCheck(p.dir, 'src/main.ts', p.files, mode.env);
      expect(compiled(afterUtil.stderr)).to.deep.equal(['src/main.ts', 'src/model.ts', 'src/util.ts']);
      expect(JSON.parse(afterUtil.stdout).g).to.not.deep.equal(JSON.parse(afterModel.stdout).g);
      // and a run after that is all hits again
      const again = runAndCheck(p.dir, 'src/main.ts', p.files, mode.env);
      expect(hits(again.stderr)).to.deep.equal(['src/main.ts', 'src/model.ts', 'src/util.ts']);
    });

    it('stops with tsgrad\'s diagnostic at file:line:col for unsupported code, on every run', () => {
      const dir = makeProject(unsupportedProject());
      for (let i = 0; i < 2; i++) {
        const result = run(dir, 'src/main.ts', mode.env);
        expect(result.status).to.not.equal(0);
        expect(result.stderr).to.match(unsupportedDiagnostic);
      }
    });

    it('stops with the diagnostic when an edit to a cached model makes it unsupported (the cache is warm)', () => {
      const p = project(lossProject());
      runAndCheck(p.dir, 'src/main.ts', p.files, mode.env);
      runAndCheck(p.dir, 'src/main.ts', p.files, mode.env);
      p.edit('src/model.ts', [
        `import { softplus } from './util.js';`,
        `declare function external(z: number): number;`,
        `export function loss(w: Float64Array, x: Float64Array, n: number): number {`,
        `  let s = 0;`,
        `  for (let i = 0; i < n; i++) s += softplus(w[i] * x[i]) + external(w[i]);`,
        `  return s / n;`,
        `}`,
      ].join('\n'));
      for (let i = 0; i < 2; i++) {
        const result = run(p.dir, 'src/main.ts', mode.env);
        expect(result.status).to.not.equal(0);
        expect(result.stderr, result.stderr).to.match(/src\/model\.ts\(5,60\): error TS99001: tsgrad: .*'external' has no body in the program/);
      }
    });
  });
}
