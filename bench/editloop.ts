/**
 * The edit loop with the bundler plugin: the time from saving one file to the transformed module,
 * in the vite dev server and in vitest's watch mode, on the sources of examples/softmax-regression
 * and examples/lorenz96-4dvar (copied to bench/dist/editloop-work/, which is edited).
 *
 *   npx tsc -p tsconfig.json && npx tsc -p bench/tsconfig.editloop.json && node bench/dist/editloop/editloop.js [rounds]
 *
 * Each round saves a file (a line appended) and times, from just before the write:
 * - vite: until the module that calls tsgrad (train.ts, assimilate.ts) has been transformed again
 *   in the ssr environment (what ssrLoadModule, or a browser after the HMR update, asks for), once
 *   for an edit of the model file it imports (loss.ts, model.ts) and once for an edit of itself;
 *   `watch` is the part until the file watcher reported the change;
 * - vitest watch: a test file calling grad on the example's function; until the test file's
 *   transform (a plugin after tsgrad's sees it) and until the test run ended, for an edit of the
 *   model file (vitest waits 100 ms for more changes before it runs tests again).
 * The plugin's program counters say how many programs were made and files parsed and emitted.
 * For comparison: a fresh program and emit of the same module (what a new program per change costs).
 * Timings are medians over the rounds (min–max beside them), in milliseconds.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import * as TS from 'typescript';

const repo = path.resolve(__dirname, '..', '..', '..');
// The checkout's own build (not whatever node_modules/tsgrad links to).
const tsgradVite = require(path.join(repo, 'dist', 'compiler', 'plugins', 'vite.js')) as () => import('vite').Plugin;
const { emitModule, moduleOptions } = require(path.join(repo, 'dist', 'compiler', 'project.js')) as typeof import('../dist/compiler/project.js');
const { IncrementalProgram } = require(path.join(repo, 'dist', 'compiler', 'plugins', 'program.js')) as typeof import('../dist/compiler/plugins/program.js');

const rounds = Number(process.argv[2] ?? 10);
const work = path.join(repo, 'bench', 'dist', 'editloop-work');

interface Example {
  readonly name: string;
  /** The module that calls tsgrad, and the model file it imports. */
  readonly gradFile: string;
  readonly modelFile: string;
  /** A tsgrad call in gradFile, which the transform replaces. */
  readonly marker: string;
  /** A vitest test calling grad on the example's function. */
  readonly test: string;
}

const examples: Example[] = [
  {
    name: 'softmax-regression',
    gradFile: 'train.ts',
    modelFile: 'loss.ts',
    marker: 'valueAndGrad(softmaxLoss)',
    test: [
      `import { valueAndGrad } from 'tsgrad';`,
      `import { expect, test } from 'vitest';`,
      `import { softmaxLoss } from './loss.js';`,
      `test('gradient', () => {`,
      `  const [n, d, c] = [4, 3, 2];`,
      `  const theta = Float64Array.from({ length: c * d }, (_, i) => 0.1 * i);`,
      `  const X = Float64Array.from({ length: n * d }, (_, i) => Math.sin(i));`,
      `  const y = Int32Array.from({ length: n }, (_, i) => i % c);`,
      `  const [, g] = valueAndGrad(softmaxLoss)(theta, X, y, n, d, c);`,
      `  expect(g.length).toBe(c * d);`,
      `});`,
    ].join('\n'),
  },
  {
    name: 'lorenz96-4dvar',
    gradFile: 'assimilate.ts',
    modelFile: 'model.ts',
    marker: 'grad(cost, 0)',
    test: [
      `import { grad } from 'tsgrad';`,
      `import { expect, test } from 'vitest';`,
      `import { spinUp, twinWindow } from './experiment.js';`,
      `import { cost, F } from './model.js';`,
      `test('gradient', () => {`,
      `  const truth0 = spinUp(8, F);`,
      `  const w = twinWindow(truth0, { steps: 20, dt: 0.01, every: 5, stride: 2, sigmaO: 0.5, sigmaB: 1, seed: 3 });`,
      `  expect(grad(cost, 0)(w.background, w).length).toBe(8);`,
      `});`,
    ].join('\n'),
  },
];

/** A fresh copy of the example's sources (and tsconfig) in the work folder, where `tsgrad` is this checkout. */
function copyExample(example: Example): string {
  const link = path.join(work, 'node_modules', 'tsgrad');
  if (!fs.existsSync(link)) {
    fs.mkdirSync(path.dirname(link), { recursive: true });
    fs.symlinkSync(repo, link, 'junction');
  }
  const dir = path.join(work, example.name);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(dir, { recursive: true });
  const from = path.join(repo, 'examples', example.name);
  for (const f of fs.readdirSync(from)) if (f.endsWith('.ts') || f === 'tsconfig.json') fs.copyFileSync(path.join(from, f), path.join(dir, f));
  fs.writeFileSync(path.join(dir, 'editloop.test.ts'), example.test);
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ private: true, type: 'module' }));
  return dir;
}

let edits = 0;
const save = (file: string): void => fs.appendFileSync(file, `\n// edit ${++edits}\n`);

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
async function waitFor(what: string, ready: () => boolean): Promise<void> {
  const start = performance.now();
  while (!ready()) {
    if (performance.now() - start > 30000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setImmediate(resolve));
  }
}

function summary(times: number[]): string {
  const sorted = [...times].sort((a, b) => a - b);
  const median = sorted[Math.floor(sorted.length / 2)];
  return `${median.toFixed(0).padStart(5)} ms (${sorted[0].toFixed(0)}–${sorted[sorted.length - 1].toFixed(0)})`;
}

/** The plugin's IncrementalProgram, found through its emit: its counters, and when each emit of a module ended. */
function spyPrograms() {
  const instances: InstanceType<typeof IncrementalProgram>[] = [];
  const emits: { file: string; at: number }[] = [];
  const emit = IncrementalProgram.prototype.emit;
  IncrementalProgram.prototype.emit = function (this: InstanceType<typeof IncrementalProgram>, ...args) {
    if (!instances.includes(this)) instances.push(this);
    try {
      return emit.apply(this, args);
    } finally {
      emits.push({ file: path.resolve(args[0]), at: performance.now() });
    }
  };
  return {
    emits,
    stats: () => instances.reduce((s, p) => ({ programs: s.programs + p.stats.programs, parsed: s.parsed + p.stats.parsed, emitted: s.emitted + p.stats.emitted }), { programs: 0, parsed: 0, emitted: 0 }),
  };
}
const spy = spyPrograms();
const delta = (before: ReturnType<typeof spy.stats>, after: ReturnType<typeof spy.stats>, n: number): string =>
  `per save: ${((after.programs - before.programs) / n).toFixed(1)} programs, ${((after.parsed - before.parsed) / n).toFixed(1)} files parsed, ${((after.emitted - before.emitted) / n).toFixed(1)} modules emitted`;

async function viteDev(example: Example): Promise<void> {
  const { createServer } = await import('vite');
  const dir = copyExample(example);
  const transformed: { id: string; at: number }[] = [];
  const watched: { file: string; at: number }[] = [];
  const probe = {
    name: 'editloop-probe',
    transform(_code: string, id: string) {
      transformed.push({ id, at: performance.now() });
    },
    watchChange(id: string) {
      watched.push({ file: id, at: performance.now() });
    },
  };
  const start = performance.now();
  const server = await createServer({ root: dir, configFile: false, logLevel: 'silent', plugins: [tsgradVite(), probe], server: { port: 0, hmr: { port: 0 } } });
  await server.listen();
  const ssr = server.environments.ssr;
  const url = '/' + example.gradFile;
  const first = await ssr.transformRequest(url);
  const cold = performance.now() - start;
  if (!first || first.code.includes(example.marker)) throw new Error(`${example.gradFile} still calls ${example.marker}: not transformed`);
  const gradPath = path.join(dir, example.gradFile);
  const transformsOf = (file: string) => transformed.filter((t) => t.id.split('?')[0] === file.replace(/\\/g, '/'));

  const measure = async (edited: string) => {
    const total: number[] = [];
    const watch: number[] = [];
    const emitted: number[] = [];
    const before = spy.stats();
    for (let i = 0; i < rounds; i++) {
      await sleep(50);
      const emitsBefore = spy.emits.length;
      const transformsBefore = transformsOf(gradPath).length;
      const watchedBefore = watched.length;
      const t0 = performance.now();
      save(edited);
      await waitFor('the watcher', () => watched.slice(watchedBefore).some((w) => w.file === edited.replace(/\\/g, '/')));
      const t1 = watched[watched.length - 1].at;
      await waitFor('the invalidation', () => ssr.moduleGraph.getModulesByFile(gradPath.replace(/\\/g, '/'))?.values().next().value?.transformResult == null);
      const again = await ssr.transformRequest(url);
      if (!again || again.code.includes(example.marker)) throw new Error(`${example.gradFile} still calls ${example.marker}: not transformed`);
      if (transformsOf(gradPath).length === transformsBefore) throw new Error(`${example.gradFile} was not transformed again after ${path.basename(edited)} was saved`);
      total.push(performance.now() - t0);
      watch.push(t1 - t0);
      emitted.push(spy.emits.slice(emitsBefore).find((e) => e.file === gradPath)!.at - t0);
    }
    const after = spy.stats();
    console.log(`  save ${path.basename(edited).padEnd(13)} → ${example.gradFile} transformed: ${summary(total)}; watcher ${summary(watch)}; emitted by tsgrad ${summary(emitted)}; ${delta(before, after, rounds)}`);
  };
  console.log(`vite dev server, ${example.name}: server start and first transform of ${example.gradFile}: ${cold.toFixed(0)} ms`);
  await measure(path.join(dir, example.modelFile));
  await measure(gradPath);
  await server.close();
}

async function vitestWatch(example: Example): Promise<void> {
  const { startVitest } = await import('vitest/node');
  const dir = copyExample(example);
  const testPath = path.join(dir, 'editloop.test.ts');
  const transformed: number[] = [];
  const ended: number[] = [];
  let failed = 0;
  const probe = {
    name: 'editloop-probe',
    transform(_code: string, id: string) {
      if (path.resolve(id.split('?')[0]) === testPath) transformed.push(performance.now());
    },
  };
  const reporter = {
    onTestRunEnd: (modules: readonly { state(): string }[]) => {
      ended.push(performance.now());
      if (!modules.every((m) => m.state() === 'passed')) failed++;
    },
  };
  const start = performance.now();
  const vitest = await startVitest('test', [], { watch: true, root: dir, config: false, reporters: process.env.EDITLOOP_VERBOSE ? ['default', reporter] : [reporter] }, { plugins: [tsgradVite(), probe] });
  await waitFor('the first run', () => ended.length === 1);
  console.log(`vitest watch, ${example.name}: start and first run: ${(performance.now() - start).toFixed(0)} ms`);
  const toEmit: number[] = [];
  const toTransform: number[] = [];
  const toRun: number[] = [];
  const before = spy.stats();
  for (let i = 0; i < rounds; i++) {
    await sleep(50);
    const [transforms, runs, emits] = [transformed.length, ended.length, spy.emits.length];
    const t0 = performance.now();
    save(path.join(dir, example.modelFile));
    await waitFor('the rerun', () => ended.length > runs);
    const emitted = spy.emits.slice(emits).filter((e) => e.file === testPath);
    if (transformed.length === transforms || emitted.length === 0) throw new Error('the test file was not transformed again');
    toEmit.push(emitted[0].at - t0);
    toTransform.push(transformed[transformed.length - 1] - t0);
    toRun.push(ended[ended.length - 1] - t0);
  }
  const after = spy.stats();
  await vitest.close();
  if (failed > 0) throw new Error(`${failed} vitest runs failed`);
  console.log(`  save ${example.modelFile.padEnd(13)} → editloop.test.ts emitted by tsgrad: ${summary(toEmit)}; transformed for the test run: ${summary(toTransform)}; test run ended: ${summary(toRun)}; ${delta(before, after, rounds)}`);
}

/** A fresh program and emit of the module that calls tsgrad, as a new program per change would cost. */
function freshProgram(example: Example): void {
  const dir = copyExample(example);
  const file = path.join(dir, example.gradFile);
  const options = moduleOptions(file, { sourceMap: true, inline: false });
  const fresh: number[] = [];
  const incremental: number[] = [];
  const kept = new IncrementalProgram(options);
  if (kept.emit(file, fs.readFileSync(file, 'utf8'), {}).code.includes(example.marker)) throw new Error(`${example.gradFile} was not transformed`);
  for (let i = 0; i < Math.min(rounds, 5); i++) {
    let t0 = performance.now();
    emitModule(TS.createProgram([file], options), file);
    fresh.push(performance.now() - t0);
    save(path.join(dir, example.modelFile));
    t0 = performance.now();
    kept.changed(path.join(dir, example.modelFile));
    kept.emit(file, fs.readFileSync(file, 'utf8'), {});
    incremental.push(performance.now() - t0);
  }
  console.log(`${example.name}: ${example.gradFile} emitted from a fresh program ${summary(fresh)}; from the incremental program after a save of ${example.modelFile} ${summary(incremental)}`);
}

async function main(): Promise<void> {
  console.log(`edit loop, ${rounds} saves each (node ${process.version}, TypeScript ${TS.version})`);
  for (const example of examples) freshProgram(example);
  for (const example of examples) await viteDev(example);
  for (const example of examples) await vitestWatch(example);
}

main().then(
  () => process.exit(0),
  (error) => {
    console.error(error);
    process.exit(1);
  },
);
