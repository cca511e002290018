/**
 * The files a project needs to build, watch or serve a lossProject with each bundler plugin: the
 * config files as README.md shows them, and the scripts the tests run with node in the project.
 * A watch script builds, runs the output, puts `edit/model.ts` (editedLossProject's model) in place
 * of src/model.ts, waits for the rebuild, runs the output again and prints both outputs as JSON.
 */
import { editedLossProject } from './project.js';

/** The edited model, where the watch scripts find it. */
export const editedModel = (): Record<string, string> => ({ 'edit/model.ts': editedLossProject()['src/model.ts'] });

export const rollupConfig = [
  `import tsgrad from 'tsgrad/rollup';`,
  ``,
  `export default {`,
  `  input: 'src/main.ts',`,
  `  output: { file: 'out/main.cjs', format: 'cjs', sourcemap: true },`,
  `  external: ['tsgrad'],`,
  `  plugins: [tsgrad()],`,
  `};`,
].join('\n');

export const webpackConfig = [
  `const path = require('node:path');`,
  `const tsgrad = require('tsgrad/webpack');`,
  ``,
  `module.exports = {`,
  `  mode: 'production',`,
  `  target: 'node',`,
  `  entry: './src/main.ts',`,
  `  output: { path: path.resolve(__dirname, 'out'), filename: 'main.cjs' },`,
  `  externals: { tsgrad: 'commonjs tsgrad' },`,
  `  devtool: 'source-map',`,
  `  plugins: [tsgrad()],`,
  `};`,
].join('\n');

/** webpack's Node API on webpack.config.cjs (webpack-cli's `npx webpack` is not installed here). */
export const webpackBuild = [
  `const webpack = require('webpack');`,
  ``,
  `webpack(require('./webpack.config.cjs'), (error, stats) => {`,
  `  if (error || stats.hasErrors()) {`,
  `    console.error(error ?? stats.toString('errors-only'));`,
  `    process.exit(1);`,
  `  }`,
  `});`,
].join('\n');

export const viteConfig = [
  `import tsgrad from 'tsgrad/vite';`,
  ``,
  `export default { plugins: [tsgrad()] };`,
].join('\n');

export const vitestConfig = [
  `import tsgrad from 'tsgrad/vite';`,
  `import { defineConfig } from 'vitest/config';`,
  ``,
  `export default defineConfig({ plugins: [tsgrad()] });`,
].join('\n');

/**
 * A vitest test of grad(loss) against central finite differences computed in the test, which also
 * prints what it got as lossProject's main does. `wrong` asserts against a wrong reference.
 */
export const lossTest = (wrong = false): string => [
  `import { grad, valueAndGrad } from 'tsgrad';`,
  `import { expect, test } from 'vitest';`,
  `import { loss } from './model.js';`,
  ``,
  `const w = new Float64Array([0.5, -1, 2]);`,
  `const x = new Float64Array([1, 2, -0.5]);`,
  ``,
  `function centralDifferences(h = 1e-6): number[] {`,
  `  return Array.from(w, (_, i) => {`,
  `    const plus = Float64Array.from(w);`,
  `    const minus = Float64Array.from(w);`,
  `    plus[i] += h;`,
  `    minus[i] -= h;`,
  `    return (loss(plus, x, 3) - loss(minus, x, 3)) / (2 * h);`,
  `  });`,
  `}`,
  ``,
  `test('grad(loss) matches central finite differences', () => {`,
  `  const [value, g] = valueAndGrad(loss)(w, x, 3);`,
  `  const fd = centralDifferences();`,
  `  for (let i = 0; i < w.length; i++) expect(g[i]).toBeCloseTo(fd[i]${wrong ? ' + 1e-3' : ''}, 6);`,
  `  console.log(JSON.stringify({ value, g: Array.from(g), g2: Array.from(grad(loss)(w, x, 3)) }));`,
  `});`,
].join('\n');

/** Waits for `ready()`, polling, or fails after 30 s (a script's helper). */
const waitFor = [
  `const waitFor = async (what, ready) => {`,
  `  const start = Date.now();`,
  `  while (!ready()) {`,
  `    if (Date.now() - start > 30000) throw new Error('timed out waiting for ' + what);`,
  `    await new Promise((resolve) => setTimeout(resolve, 20));`,
  `  }`,
  `};`,
].join('\n');

const runOutput = `const runOutput = () => execFileSync(process.execPath, ['out/main.cjs'], { encoding: 'utf8' }).trim();`;
const edit = `const edit = () => fs.copyFileSync('edit/model.ts', 'src/model.ts');`;

/** rollup's watch() on rollup.config.mjs. */
export const rollupWatch = [
  `import { execFileSync } from 'node:child_process';`,
  `import * as fs from 'node:fs';`,
  `import { watch } from 'rollup';`,
  `import config from './rollup.config.mjs';`,
  runOutput,
  edit,
  `const outputs = [];`,
  `const watcher = watch({ ...config, watch: { clearScreen: false } });`,
  `watcher.on('event', async (event) => {`,
  `  if (event.code === 'ERROR') { console.error(event.error); process.exit(1); }`,
  `  await event.result?.close();`,
  `  if (event.code !== 'END') return;`,
  `  outputs.push(runOutput());`,
  `  if (outputs.length === 1) setTimeout(edit, 200);`,
  `  else { await watcher.close(); console.log(JSON.stringify(outputs)); }`,
  `});`,
].join('\n');

/** webpack's compiler.watch() on webpack.config.cjs. */
export const webpackWatch = [
  `const { execFileSync } = require('node:child_process');`,
  `const fs = require('node:fs');`,
  `const webpack = require('webpack');`,
  runOutput,
  edit,
  `const outputs = [];`,
  `let editedAt = 0;`,
  `const watching = webpack(require('./webpack.config.cjs')).watch({ aggregateTimeout: 50 }, (error, stats) => {`,
  `  if (error || stats.hasErrors()) { console.error(error ?? stats.toString('errors-only')); process.exit(1); }`,
  // a rebuild that started before the edit (the watcher may report the files just written): not the edit's
  `  if (outputs.length === 1 && !(editedAt > 0 && stats.startTime >= editedAt)) return;`,
  `  outputs.push(runOutput());`,
  `  if (outputs.length === 1) setTimeout(() => { editedAt = Date.now(); edit(); }, 200);`,
  `  else watching.close(() => console.log(JSON.stringify(outputs)));`,
  `});`,
].join('\n');

/** esbuild's incremental rebuilds (context().rebuild(), what its watch and serve modes run). */
export const esbuildRebuild = [
  `const { execFileSync } = require('node:child_process');`,
  `const fs = require('node:fs');`,
  `const esbuild = require('esbuild');`,
  `const tsgrad = require('tsgrad/esbuild');`,
  runOutput,
  edit,
  `(async () => {`,
  `  const context = await esbuild.context({ entryPoints: ['src/main.ts'], bundle: true, platform: 'node', format: 'cjs', outfile: 'out/main.cjs', plugins: [tsgrad()], logLevel: 'silent' });`,
  `  const outputs = [];`,
  `  await context.rebuild();`,
  `  outputs.push(runOutput());`,
  `  edit();`,
  `  await context.rebuild();`,
  `  outputs.push(runOutput());`,
  `  await context.dispose();`,
  `  console.log(JSON.stringify(outputs));`,
  `})().catch((e) => { console.error(e); process.exit(1); });`,
].join('\n');

/** vitest in watch mode (its Node API, vitest.config.ts), collecting what the test printed per run. */
export const vitestWatch = [
  `import * as fs from 'node:fs';`,
  `import { startVitest } from 'vitest/node';`,
  edit,
  waitFor,
  `const runs = [];`,
  `let logs = [];`,
  `const reporter = {`,
  `  onUserConsoleLog: (log) => { logs.push(log.content.trim()); },`,
  `  onTestRunEnd: (modules, errors) => {`,
  `    runs.push({ passed: modules.length > 0 && modules.every((m) => m.state() === 'passed') && errors.length === 0, logs });`,
  `    logs = [];`,
  `  },`,
  `};`,
  `const vitest = await startVitest('test', [], { watch: true, reporters: [reporter] });`,
  `await waitFor('the first run', () => runs.length === 1);`,
  `edit();`,
  `await waitFor('the rerun', () => runs.length === 2);`,
  `await vitest.close();`,
  `console.log(JSON.stringify(runs));`,
].join('\n');

/**
 * A page for the vite dev server (index.html loads src/page.ts): src/page.ts computes what
 * lossProject's main prints, exports it, shows it and accepts its own HMR updates.
 */
export const devPage = (): Record<string, string> => ({
  'index.html': `<!doctype html>\n<html><body><script type="module" src="/src/page.ts"></script></body></html>\n`,
  'src/page.ts': [
    `import { grad, valueAndGrad } from 'tsgrad';`,
    `import { loss } from './model.js';`,
    `const w = new Float64Array([0.5, -1, 2]);`,
    `const x = new Float64Array([1, 2, -0.5]);`,
    `const [value, g] = valueAndGrad(loss)(w, x, 3);`,
    `export const result = { value, g: Array.from(g), g2: Array.from(grad(loss)(w, x, 3)) };`,
    `if (typeof document !== 'undefined') document.body.textContent = JSON.stringify(result);`,
    `if (import.meta.hot) import.meta.hot.accept();`,
  ].join('\n'),
});

/**
 * The vite dev server (createServer, vite.config.mjs), no browser: the page and src/page.ts over
 * HTTP, src/page.ts evaluated with ssrLoadModule; then model.ts edited, the HMR payloads sent to
 * clients recorded, and both fetched and evaluated again.
 */
export const viteDev = [
  `import * as fs from 'node:fs';`,
  `import { createServer } from 'vite';`,
  edit,
  waitFor,
  `const server = await createServer({ logLevel: 'silent', server: { port: 0 } });`,
  `await server.listen();`,
  `const sent = [];`,
  `const hot = server.environments.client.hot;`,
  `const send = hot.send.bind(hot);`,
  `hot.send = (payload, ...rest) => { sent.push(payload); return send(payload, ...rest); };`,
  `const get = async (url) => { const r = await fetch(new URL(url, server.resolvedUrls.local[0])); return { status: r.status, text: await r.text() }; };`,
  `const page = await get('/');`,
  `const before = await get('/src/page.ts');`,
  `const first = (await server.ssrLoadModule('/src/page.ts')).result;`,
  `edit();`,
  `await waitFor('an HMR update', () => sent.some((p) => p.type === 'update'));`,
  `const after = await get('/src/page.ts');`,
  `const second = (await server.ssrLoadModule('/src/page.ts')).result;`,
  `await server.close();`,
  `console.log(JSON.stringify({ page, before, after, outputs: [JSON.stringify(first), JSON.stringify(second)], sent }));`,
].join('\n');
