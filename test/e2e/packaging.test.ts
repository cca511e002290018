/**
 * The package as installed: what `npm pack` ships, what a grad-only install downloads, ES modules
 * and CommonJS, tree-shaking (gpu.js only in programs that call jit), and jit where gpu.js is
 * installed or is not.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { finiteDiff, relError, repoRoot } from '../harness.js';
import { checkLossRun, install, lossProject, makeProject, node, tsgrad } from './project.js';

/** Every file an `exports` entry points to, through nested conditions. */
function targets(entry: unknown): string[] {
  if (typeof entry === 'string') return [entry];
  return Object.values(entry as Record<string, unknown>).flatMap(targets);
}

/** A loss whose loop is a `// @parallel` kernel under jit, and a main that prints jit(valueAndGrad(loss)). */
const jitProject = (): Record<string, string> => ({
  'src/main.ts': [
    `import { jit, valueAndGrad } from 'tsgrad';`,
    `export function loss(w: Float64Array, x: Float64Array, n: number): number {`,
    `  let s = 0;`,
    `  // @parallel`,
    `  for (let i = 0; i < n; i++) s += Math.log1p(Math.exp(w[i] * x[i])) + 0.5 * w[i] * w[i];`,
    `  return s / n;`,
    `}`,
    `const fast = jit(valueAndGrad(loss));`,
    `const [value, g] = fast(new Float64Array([0.5, -1, 2]), new Float64Array([1, 2, -0.5]), 3);`,
    `console.log(JSON.stringify({ backend: fast.backend.name, value, g: Array.from(g) }));`,
  ].join('\n'),
});

/** The jit loss in plain JavaScript, for the finite-difference reference. */
function jitLoss(w: Float64Array, x: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += Math.log1p(Math.exp(w[i] * x[i])) + 0.5 * w[i] * w[i];
  return s / n;
}

describe('the package', function () {
  this.timeout(300000);

  it('npm pack ships the compiler, both runtime builds, CLI and loader, and no tests', () => {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const result = spawnSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repoRoot, encoding: 'utf8' });
    expect(result.status, result.stderr).to.equal(0);
    const files = (JSON.parse(result.stdout)[0].files as { path: string }[]).map((f) => f.path);
    for (const f of ['bin/tsgrad.js', 'dist/esm/package.json', 'dist/compiler/transform.js', 'dist/compiler/cli.js', 'dist/compiler/loader/register.js', 'dist/compiler/loader/hooks.js']) {
      expect(files, f).to.include(f);
    }
    expect(files.filter((f) => f.startsWith('dist/test/'))).to.deep.equal([]);
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
    for (const target of targets(pkg.exports)) expect(files, target).to.include(target.replace(/^\.\//, ''));
  });

  it('a grad-only install downloads neither gpu.js nor the webgpu bindings', () => {
    const modules = path.join(install('ts7'), 'node_modules');
    expect(fs.existsSync(path.join(modules, 'tsgrad', 'package.json'))).to.equal(true);
    for (const absent of ['gpu.js', 'webgpu', 'gl']) expect(fs.existsSync(path.join(modules, absent)), absent).to.equal(false);
  });

  it('an ES-module project gets the ES-module runtime, and its gradient matches finite differences', () => {
    const dir = makeProject(lossProject(), { packageType: 'module' });
    const build = tsgrad(dir, 'build');
    expect(build.status, build.stdout + build.stderr).to.equal(0);
    expect(fs.readFileSync(path.join(dir, 'dist', 'main.js'), 'utf8')).to.match(/^import .* from 'tsgrad';$/m);
    const resolved = node(dir, '--input-type=module', '-e', `console.log(import.meta.resolve('tsgrad'))`);
    expect(resolved.stdout.trim()).to.match(/\/node_modules\/tsgrad\/dist\/esm\/runtime\/index\.js$/);
    checkLossRun(dir, 'dist/main.js');
  });

  it('a grad-only browser bundle has no gpu.js in it (the runtime tree-shakes)', () => {
    const dir = makeProject({
      ...lossProject(),
      'bundle.mjs': [
        `import * as esbuild from 'esbuild';`,
        `import tsgrad from 'tsgrad/esbuild';`,
        `await esbuild.build({ entryPoints: ['src/main.ts'], bundle: true, platform: 'browser', format: 'esm', minify: true, outfile: 'out/main.js', plugins: [tsgrad()], logLevel: 'silent' });`,
      ].join('\n'),
    });
    const result = node(dir, 'bundle.mjs');
    expect(result.status, result.stdout + result.stderr).to.equal(0);
    const bundle = fs.readFileSync(path.join(dir, 'out', 'main.js'), 'utf8');
    expect(bundle).to.not.match(/gpu\.js|createKernel|WebGL/);
    // the model, its generated gradient and the few runtime helpers it calls: a few KB, where gpu.js alone is ~600 KB
    expect(bundle.length).to.be.below(20000);
    // and it runs: the bundle is an ES module that prints the same JSON
    fs.renameSync(path.join(dir, 'out', 'main.js'), path.join(dir, 'out', 'main.mjs'));
    checkLossRun(dir, 'out/main.mjs');
  });

  it('jit without gpu.js installed is a build error that names the package to install', () => {
    const dir = makeProject(jitProject());
    const build = tsgrad(dir, 'build');
    expect(build.status).to.equal(1);
    expect(build.stdout).to.match(/src\/main\.ts\(8,14\): error TS99002: tsgrad: jit compiles kernels for gpu\.js, which is not installed.*npm install gpu\.js@2\.24\.1/);
  });

  for (const packageType of ['commonjs', 'module'] as const) {
    it(`jit with gpu.js installed runs its kernels (${packageType === 'module' ? 'ES module' : 'CommonJS'} project, cpu backend); value and gradient match finite differences to float32 precision`, () => {
      const dir = makeProject(jitProject(), { install: 'ts6', packageType });
      const build = tsgrad(dir, 'build');
      expect(build.status, build.stdout + build.stderr).to.equal(0);
      const run = spawnSync(process.execPath, ['dist/main.js'], { cwd: dir, encoding: 'utf8', env: { ...process.env, TSGRAD_BACKEND: 'cpu' } });
      expect(run.status, run.stderr).to.equal(0);
      const printed = JSON.parse(run.stdout);
      expect(printed.backend).to.equal('cpu');
      const w = new Float64Array([0.5, -1, 2]);
      const x = new Float64Array([1, 2, -0.5]);
      expect(relError([printed.value], [jitLoss(w, x, 3)])).to.be.below(1e-5);
      expect(relError(printed.g, finiteDiff(jitLoss, [w, x, 3], 0))).to.be.below(1e-5);
    });
  }
});
