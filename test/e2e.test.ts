/**
 * End to end, as a user does it: a small multi-file project whose tsconfig names
 * `tsgrad/transform`, built with ts-patch's `tspc` CLI, then run with node.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { finiteDiff, relError, repoRoot } from './harness.js';

const tspc = path.join(repoRoot, 'node_modules', 'ts-patch', 'bin', 'tspc.js');

function makeProject(files: Record<string, string>): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsgrad-e2e-'));
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(repoRoot, path.join(dir, 'node_modules', 'tsgrad'), 'dir');
  fs.symlinkSync(path.join(repoRoot, 'node_modules', 'typescript'), path.join(dir, 'node_modules', 'typescript'), 'dir');
  const tsconfig = {
    compilerOptions: {
      target: 'es2022', module: 'nodenext', strict: true, outDir: 'dist', rootDir: 'src', types: [],
      plugins: [{ transform: 'tsgrad/transform' }],
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

describe('end to end: a project built with tspc', function () {
  this.timeout(120000);

  it('builds a multi-file project and the compiled gradient matches finite differences', () => {
    const dir = makeProject({
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
    const result = build(dir);
    expect(result.status, result.stdout + result.stderr).to.equal(0);
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
  });

  it('fails the build with a file:line:col diagnostic for unsupported code, and the output throws', () => {
    const dir = makeProject({
      'src/main.ts': [
        `import { grad } from 'tsgrad';`,
        `declare function external(x: number): number;`,
        `export function f(x: number): number {`,
        `  return external(x) * 2;`,
        `}`,
        `export const df = grad(f);`,
      ].join('\n'),
    });
    const result = build(dir);
    const output = result.stdout + result.stderr;
    expect(result.status).to.not.equal(0);
    expect(output).to.match(/main\.ts[:(]4[,:]10/);
    expect(output).to.contain('no body in the program');
    const run = spawnSync(process.execPath, [path.join(dir, 'dist', 'main.js')], { encoding: 'utf8' });
    expect(run.status).to.not.equal(0);
    expect(run.stderr).to.contain('tsgrad/transform');
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
