/**
 * Regressions found by the jit fuzzer (npm run fuzz -- --jit), each checked against the js backend
 * (float64) and central finite differences.
 */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { chromiumHint } from './browser/chromium.js';
import { compile, finiteDiff, formatDiagnostics, repoRoot, rng, scaledError } from './harness.js';
import { virtualDir } from './fuzz/run.js';
import { cases as webgpuCases, type RegressionResult, source as webgpuSource } from './webgpu/regressions.js';
import { swiftShaderEnv, swiftShaderIcd } from './webgpu/dawn.js';

const file = path.join(virtualDir, 'jit_regressions.ts');
const source = `
import { grad, jit } from 'tsgrad';

/** A helper whose inner loop is bounded by its own parameter: inlined, the bound is a private copy of d. */
function rowDot(u: Float64Array, X: Float32Array, i: number, d: number): number {
  let s = 0;
  for (let j = 0; j < d; j++) s += u[j] * X[i * d + j];
  return s;
}
export function helperLoop(u: Float64Array, X: Float32Array, n: number, d: number): number {
  let total = 0;
  // @parallel
  for (let i = 0; i < n; i++) total += Math.tanh(rowDot(u, X, i, d));
  return total;
}
export const helperLoopOn = (backend: 'cpu' | 'webasm' | 'js') => jit(helperLoop, { backend });
export const helperLoopGradOn = (backend: 'cpu' | 'webasm' | 'js') => jit(grad(helperLoop), { backend });

/** A local first read from an Int32Array (no adjoint), then assigned an active value. */
export function labelThenActive(w: Float64Array, y: Int32Array, n: number): number {
  let total = 0;
  // @parallel
  for (let i = 0; i < n; i++) {
    let t = y[i];
    if (w[0] > 0) t = w[1] * t;
    total += t * w[0];
  }
  return total;
}
export const labelThenActiveGrad = grad(labelThenActive);
export const labelThenActiveGradOn = (backend: 'cpu' | 'webasm' | 'js') => jit(grad(labelThenActive), { backend });
`;
const out = compile([file], {}, new Map([[file, source]]));
const m = () => out.modules.get(path.relative(repoRoot, file).replace(/\.ts$/, ''))!;
const rand = rng(23);
const uniform = (length: number): Float64Array => Float64Array.from({ length }, () => -1 + 2 * rand());

describe('jit regressions (fuzz --jit)', () => {
  it('compiles without diagnostics', () => {
    expect(formatDiagnostics(out.diagnostics)).to.equal('');
  });

  const n = 300;
  const d = 5;
  const u = uniform(d);
  const X = Float32Array.from(uniform(n * d));
  it('a helper with an inner loop bounded by its parameter, called in a parallel loop (was: rejected, bounds "change from one iteration to the next")', () => {
    const want = m().helperLoop(u, X, n, d);
    expect(m().helperLoopOn('js')(u, X, n, d)).to.equal(want);
    const fd = finiteDiff(m().helperLoop, [u, X, n, d], 0);
    expect(scaledError(m().helperLoopGradOn('js')(u, X, n, d), fd)).to.be.below(1e-7);
    for (const b of ['cpu', 'webasm'] as const) {
      expect(scaledError(m().helperLoopOn(b)(u, X, n, d), want)).to.be.below(1e-4);
      expect(scaledError(m().helperLoopGradOn(b)(u, X, n, d), fd)).to.be.below(1e-4);
    }
  });

  it('a gather of one adjoint over five leaf sums, split into kernels of at most 7 arrays (fuzz --webgpu seed 30110), on cpu and webasm', () => {
    // the webgpu regression cases' program, here on the backends every machine has
    const file2 = path.join(virtualDir, 'jit_webgpu_regressions.ts');
    const out2 = compile([file2], {}, new Map([[file2, webgpuSource]]));
    expect(formatDiagnostics(out2.diagnostics)).to.equal('');
    const w = out2.modules.get(path.relative(repoRoot, file2).replace(/\.ts$/, ''))!;
    const data = [1, 2, 3, 4, 5].map((k) => Float32Array.from({ length: n * d }, (_, i) => Math.cos(k * i)));
    const fd = finiteDiff(w.manySums, [u, ...data, n, d], 0);
    for (const b of ['cpu', 'webasm']) expect(scaledError(w.manySumsGradOn(b)(u, ...data, n, d), fd), b).to.be.below(1e-4);
    // and it was split: two gathers of v's adjoint (five buffers and five arrays do not fit one)
    expect(out2.js.get(path.relative(repoRoot, file2).replace(/\.ts$/, ''))!.match(/const manySums_jit_grad_v_b\w* = `function/g)).to.have.length(2);
  });

  it('the gradient of a local read from an Int32Array, then assigned an active value (was: internal error "no adjoint for y")', () => {
    const y = Int32Array.from({ length: n }, () => Math.floor(rand() * 3));
    for (const w of [Float64Array.of(0.5, -0.7), Float64Array.of(-0.5, 0.3)]) {
      const fd = finiteDiff(m().labelThenActive, [w, y, n], 0);
      expect(scaledError(m().labelThenActiveGrad(w, y, n), fd)).to.be.below(1e-7);
      expect(scaledError(m().labelThenActiveGradOn('js')(w, y, n), fd)).to.be.below(1e-7);
      for (const b of ['cpu', 'webasm'] as const) expect(scaledError(m().labelThenActiveGradOn(b)(w, y, n), fd)).to.be.below(1e-4);
    }
  });
});

/**
 * Found by `npm run fuzz -- --webgpu`: cases of test/webgpu/regressions.ts, run on webgpu in a child
 * process with Dawn on SwiftShader (like test/webgpu-node.test.ts); skipped, saying why, without the
 * driver unless TSGRAD_REQUIRE_BROWSER is set. Pending: a case the compiler does not pass yet, with
 * the reason (`node dist/test/webgpu/regressions.js`, with the environment of swiftShaderEnv, runs
 * them all and prints their errors).
 */
describe('jit regressions on webgpu (fuzz --webgpu; Dawn on SwiftShader, in a child process)', function () {
  this.timeout(300000);
  let results: RegressionResult[] | undefined;
  const resultOf = (ctx: Mocha.Context, name: string): RegressionResult => {
    if (!results) {
      if (!fs.existsSync(swiftShaderIcd)) {
        if (process.env.TSGRAD_REQUIRE_BROWSER) throw new Error(`no Vulkan driver at ${swiftShaderIcd} (${chromiumHint}; or set TSGRAD_VK_ICD)`);
        console.log(`      skipped: no Vulkan driver at ${swiftShaderIcd} (${chromiumHint}; or set TSGRAD_VK_ICD)`);
        ctx.skip();
      }
      const running = Object.keys(webgpuCases).filter((k) => !webgpuCases[k].pending);
      const run = spawnSync(process.execPath, [path.join(__dirname, 'webgpu', 'regressions.js'), ...running], { env: swiftShaderEnv(), encoding: 'utf8' });
      expect(run.status, run.stdout + run.stderr).to.equal(0);
      const out = JSON.parse(run.stdout.trim().split('\n').pop() ?? '') as { skipped?: string; error?: string; results: RegressionResult[] };
      expect(out.error, out.error).to.equal(undefined);
      expect(out.skipped, out.skipped).to.equal(undefined);
      results = out.results;
    }
    return results.find((r) => r.name === name)!;
  };
  for (const [name, { pending }] of Object.entries(webgpuCases)) {
    (pending ? it.skip : it)(pending ? `${name} — pending, ${pending}` : name, function () {
      const r = resultOf(this, name);
      expect(r.threw, r.threw).to.equal(undefined);
      expect(r.backend).to.equal('webgpu');
      expect(r.fallbacks).to.deep.equal([]);
      expect(r.error, `error against js (tolerance ${r.tolerance})`).to.be.at.most(r.tolerance);
    });
  }
});
