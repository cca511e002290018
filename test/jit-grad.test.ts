/**
 * jit(grad(f)) and jit(valueAndGrad(f)): the gradient with leaf sums as kernels and adjoints
 * gathered per array element (compiler/passes/materializeLeaves.ts, adjointKernels.ts), on the
 * backends CI has, against central finite differences of the float64 function. Kernels compute in
 * float32, so the tolerance is a float32 one relative to the gradient's largest element.
 */
import { expect } from 'chai';
import * as path from 'node:path';
import { compile, finiteDiff, formatDiagnostics, repoRoot, rng } from './harness.js';

const out = compile([path.join(repoRoot, 'test', 'jit-cases', 'grads.ts')]);
const m = () => out.modules.get('test/jit-cases/grads')!;
const backends = ['cpu', 'webasm', 'js'] as const;

const rand = rng(11);
const uniform = (length: number, lo = -1, hi = 1): Float32Array => Float32Array.from({ length }, () => lo + (hi - lo) * rand());

function scaledError(got: number | ArrayLike<number>, want: number | ArrayLike<number>): number {
  const g = typeof got === 'number' ? [got] : Array.from(got);
  const w = typeof want === 'number' ? [want] : Array.from(want);
  expect(g.length).to.equal(w.length);
  const scale = Math.max(1e-12, ...w.map(Math.abs));
  return Math.max(...g.map((x, i) => Math.abs(x - w[i]))) / scale;
}

describe('jit of gradients: leaf sums as kernels, adjoints as gathers', () => {
  it('compiles without diagnostics', () => {
    expect(formatDiagnostics(out.diagnostics)).to.equal('');
    expect(out.loadError).to.equal(undefined);
  });

  it('runs leaf sums as kernels and gathers adjoints, except where a sum reads an active value', () => {
    const kernels = (prefix: string) => [...out.generated.keys()].filter((k) => k.startsWith(prefix) && k !== prefix).sort();
    // the two logit sums (for the max, then for the sum of exponentials) are one expression: one buffer
    expect(kernels('softmaxLoss_jit_valueAndGrad')).to.deep.equal(['softmaxLoss_jit_valueAndGrad_L0', 'softmaxLoss_jit_valueAndGrad_L1', 'softmaxLoss_jit_valueAndGrad_theta_b']);
    expect(kernels('mixed_jit_grad_0_1_2')).to.deep.equal(['mixed_jit_grad_0_1_2_L0', 'mixed_jit_grad_0_1_2_L1', 'mixed_jit_grad_0_1_2_X_b', 'mixed_jit_grad_0_1_2_v_b']);
    expect(kernels('hostOnly_jit_grad')).to.deep.equal([]);
    expect(kernels('repeated_jit_grad')).to.deep.equal(['repeated_jit_grad_L0', 'repeated_jit_grad_v_b']);
    expect(kernels('twoLevels_jit_grad_0_1')).to.deep.equal(['twoLevels_jit_grad_0_1_L0', 'twoLevels_jit_grad_0_1_X_b', 'twoLevels_jit_grad_0_1_theta_b']);
  });

  const n = 1200;
  const d = 7;
  const c = 3;
  const theta = uniform(c * d);
  const X = uniform(n * d);
  const y = Int32Array.from({ length: n }, () => Math.floor(rand() * c));

  for (const b of backends) {
    describe(`on ${b}`, () => {
      // js: float64 throughout, limited by the finite differences' rounding (sums of ~1000 terms, h = 1e-6)
      const tol = b === 'js' ? 1e-6 : 1e-4;
      it('softmax cross-entropy: value and gradient (theta read as theta[k*d+j] and theta[y[i]*d+j])', () => {
        const [value, g] = m().softmaxOn[b](theta, X, y, n, d, c);
        expect(m().softmaxOn[b].backend.name).to.equal(b);
        expect(g).to.be.instanceOf(Float32Array);
        expect(Math.abs(value - m().softmax(theta, X, y, n, d, c))).to.be.below(1e-5);
        const want = finiteDiff(m().softmax, [Float64Array.from(theta), X, y, n, d, c], 0, 1e-6);
        expect(scaledError(g, want)).to.be.below(tol);
      });

      it('gradient with respect to the data, a vector and a scalar (loop from an offset)', () => {
        const nn = 1100;
        const dd = 3;
        const Xd = Float64Array.from(uniform(nn * dd));
        const v = Float64Array.from(uniform(dd));
        const args = [Xd, v, 0.7, 3, nn, dd];
        const [gX, gv, gw] = m().mixedOn[b](...args);
        expect(scaledError(gX, finiteDiff(m().mixed, args, 0, 1e-6))).to.be.below(tol);
        expect(scaledError(gv, finiteDiff(m().mixed, args, 1, 1e-6))).to.be.below(tol);
        expect(scaledError(gw, finiteDiff(m().mixed, args, 2, 1e-6))).to.be.below(tol);
        // samples before `from` take no part
        expect(Array.from(gX.subarray(0, 3 * dd))).to.deep.equal(new Array(3 * dd).fill(0));
      });

      it('an index the gather cannot invert is compared with every element', () => {
        const v = uniform(d);
        const nn = 300;
        const Xs = uniform(nn * d);
        const g = m().scrambledOn[b](v, Xs, nn, d, c);
        expect(scaledError(g, finiteDiff(m().scrambled, [Float64Array.from(v), Xs, nn, d, c], 0, 1e-6))).to.be.below(tol);
      });

      it('a parallel loop inside a sequential loop, a sum under a branch', () => {
        const v = uniform(d);
        const Xr = uniform(n * d);
        const g = m().repeatedOn[b](v, Xr, n, d, 3);
        expect(scaledError(g, finiteDiff(m().repeated, [Float64Array.from(v), Xr, n, d, 3], 0, 1e-6))).to.be.below(tol);
      });

      it('even and odd powers of negative differences and a sine of up to ±40: partials 2·a, 3·a², cos (was: GPU pow of a negative base)', () => {
        const u = uniform(d, -1, 1);
        const Xp = uniform(n * d, -1, 1);
        const g = m().powerSumsOn[b](u, Xp, n, d);
        expect(scaledError(g, finiteDiff(m().powerSums, [Float64Array.from(u), Xp, n, d], 0, 1e-6))).to.be.below(tol);
      });

      it('a leaf sum inside two loops (instance k × l), its index inverted to three counters', () => {
        const [nn, h] = [120, 5];
        const th = uniform(c * h * d);
        const Xt = uniform(nn * d);
        const [gt, gX] = m().twoLevelsOn[b](th, Xt, nn, d, c, h);
        const args = [Float64Array.from(th), Float64Array.from(Xt), nn, d, c, h];
        expect(scaledError(gt, finiteDiff(m().twoLevels, args, 0, 1e-6))).to.be.below(tol);
        expect(scaledError(gX, finiteDiff(m().twoLevels, args, 1, 1e-6))).to.be.below(tol);
      });

      it('a sum that reads an active value from outside it stays on the host', () => {
        const v = Float64Array.from(uniform(d));
        const Xh = Float64Array.from(uniform(n * d));
        const g = m().hostOnlyOn[b](v, Xh, n, d);
        expect(scaledError(g, finiteDiff(m().hostOnly, [v, Xh, n, d], 0, 1e-6))).to.be.below(1e-7);
      });
    });
  }

  it('the async form returns a promise of the same value and gradient', async () => {
    const [value, g] = await m().softmaxAsync(theta, X, y, n, d, c);
    const [v2, g2] = m().softmaxOn.webasm(theta, X, y, n, d, c);
    expect(value).to.equal(v2);
    expect(Array.from(g)).to.deep.equal(Array.from(g2));
  });
});
