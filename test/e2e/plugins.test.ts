/** The bundler plugins building a project (tsgrad/esbuild, tsgrad/vite, tsgrad/rollup, tsgrad/webpack), from config files as the bundlers' docs show them. */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { rollupConfig, webpackBuild, webpackConfig } from './bundlers.js';
import { bin, checkLossRun, lossProject, makeProject, node, unsupportedDiagnostic, unsupportedProject } from './project.js';

describe('end to end: bundler plugins', function () {
  this.timeout(300000);
  const esbuildScript = (entry: string) => [
    `const esbuild = require('esbuild');`,
    `const tsgrad = require('tsgrad/esbuild');`,
    `esbuild.build({ entryPoints: ['${entry}'], bundle: true, platform: 'node', format: 'cjs', outfile: 'out/main.cjs', sourcemap: true, plugins: [tsgrad()], logLevel: 'silent' })`,
    `  .catch((e) => { console.error(e.message); process.exit(1); });`,
  ].join('\n');

  it('esbuild bundles a project with tsgrad/esbuild; the gradient matches finite differences, with a source map', () => {
    const dir = makeProject({ ...lossProject(), 'build.cjs': esbuildScript('src/main.ts') });
    const result = node(dir, 'build.cjs');
    expect(result.status, result.stdout + result.stderr).to.equal(0);
    expect(fs.existsSync(path.join(dir, 'out', 'main.cjs.map'))).to.equal(true);
    checkLossRun(dir, 'out/main.cjs');
  });

  it('esbuild fails the build with tsgrad\'s diagnostic at file:line:col', () => {
    const dir = makeProject({ ...unsupportedProject(), 'build.cjs': esbuildScript('src/main.ts') });
    const result = node(dir, 'build.cjs');
    expect(result.status).to.not.equal(0);
    expect(result.stderr).to.match(unsupportedDiagnostic);
  });

  it('vite builds a project with tsgrad/vite (vite.config.mjs); the gradient matches finite differences', () => {
    const config = [
      `import tsgrad from 'tsgrad/vite';`,
      `export default { plugins: [tsgrad()], logLevel: 'warn', build: { ssr: 'src/main.ts', outDir: 'vdist', rollupOptions: { output: { format: 'cjs', entryFileNames: 'main.cjs' } } } };`,
    ].join('\n');
    const dir = makeProject({ ...lossProject(), 'vite.config.mjs': config });
    const result = node(dir, path.join('..', 'node_modules', 'vite', 'bin', 'vite.js'), 'build');
    expect(result.status, result.stdout + result.stderr).to.equal(0);
    checkLossRun(dir, 'vdist/main.cjs');
  });

  it('rollup bundles a project with tsgrad/rollup (rollup -c, rollup.config.mjs): TypeScript compiled, ./model.js found as model.ts; the gradient matches finite differences', () => {
    const dir = makeProject({ ...lossProject(), 'rollup.config.mjs': rollupConfig });
    const result = bin(dir, 'rollup', '-c');
    expect(result.status, result.stdout + result.stderr).to.equal(0);
    expect(fs.existsSync(path.join(dir, 'out', 'main.cjs.map'))).to.equal(true);
    checkLossRun(dir, 'out/main.cjs');
  });

  it('rollup fails the build with tsgrad\'s diagnostic at file:line:col', () => {
    const dir = makeProject({ ...unsupportedProject(), 'rollup.config.mjs': rollupConfig });
    const result = bin(dir, 'rollup', '-c');
    expect(result.status).to.not.equal(0);
    expect(result.stderr).to.match(unsupportedDiagnostic);
  });

  it('webpack bundles a project with tsgrad/webpack (webpack.config.cjs, no ts-loader, no extensionAlias); the gradient matches finite differences', () => {
    const dir = makeProject({ ...lossProject(), 'webpack.config.cjs': webpackConfig, 'build.cjs': webpackBuild });
    const result = node(dir, 'build.cjs');
    expect(result.status, result.stdout + result.stderr).to.equal(0);
    expect(fs.existsSync(path.join(dir, 'out', 'main.cjs.map'))).to.equal(true);
    checkLossRun(dir, 'out/main.cjs');
  });

  it('webpack fails the build with tsgrad\'s diagnostic at file:line:col', () => {
    const dir = makeProject({ ...unsupportedProject(), 'webpack.config.cjs': webpackConfig, 'build.cjs': webpackBuild });
    const result = node(dir, 'build.cjs');
    expect(result.status).to.not.equal(0);
    expect(result.stderr).to.match(unsupportedDiagnostic);
  });
});
