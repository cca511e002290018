/**
 * Regressions found by the random-program fuzzer (test/cases/regressions.ts), each named for the
 * bug it was. Every value is checked against central differences of f in float64: first
 * differences for gradients, second differences (of f along v and along each coordinate) for
 * Hessian-vector products, Hessians and grad(grad(f)).
 */
import { expect } from 'chai';
import * as path from 'node:path';
import { expectClose, expectGradFD, modes } from './check.js';
import { casesDir, compile, finiteDiff, formatDiagnostics } from './harness.js';

type Vec = ArrayLike<number>;

/** f''(x) by the central second difference. */
function secondDiff(f: (x: number) => number, x: number, h = 1e-4): number {
  return (f(x + h) - 2 * f(x) + f(x - h)) / (h * h);
}

/** (H·v)ᵢ = ∂²f/∂t∂sᵢ at x + t v + s eᵢ, by central mixed differences. */
function hvpFD(f: (x: number[]) => number, x: Vec, v: Vec, h = 1e-4): number[] {
  return Array.from(x, (_, i) => {
    const at = (t: number, s: number): number => f(Array.from(x, (xj, j) => xj + t * h * v[j] + (i === j ? s * h : 0)));
    return (at(1, 1) - at(1, -1) - at(-1, 1) + at(-1, -1)) / (4 * h * h);
  });
}

/** The Hessian, column by column: H eⱼ. */
function hessianFD(f: (x: number[]) => number, x: Vec): number[] {
  const n = x.length;
  const H = new Array<number>(n * n);
  for (let j = 0; j < n; j++) {
    const column = hvpFD(f, x, Array.from({ length: n }, (_, i) => (i === j ? 1 : 0)));
    for (let i = 0; i < n; i++) H[i * n + j] = column[i];
  }
  return H;
}

const f64 = (...v: number[]): Float64Array => Float64Array.from(v);

for (const optimize of modes) {
  describe(`regressions (optimize: ${optimize})`, () => {
    const out = compile([path.join(casesDir, 'regressions.ts')], { optimize });
    const m = out.modules.get('test/cases/regressions')!;

    it('compiles without diagnostics (TS99099 "no adjoint for …" on loads from inactive arrays)', () => {
      expect(formatDiagnostics(out.diagnostics)).to.equal('');
      expect(out.loadError).to.equal(undefined);
    });

    it('hvp: a reassigned number parameter that is not differentiated keeps its tangent for the reverse sweep', () => {
      for (const [x0, a, b] of [[2, [0.3, -0.4], f64(0.2, 0.9)], [-0.7, [1.1, 0.6], f64(-1.3, 0.4)]] as const) {
        const vb = f64(1, -0.5);
        const vb2 = [0.4, 1.1];
        expectClose(m.scaleParam_hvp_b(x0, a, b, vb), hvpFD((y) => m.scaleParam(x0, a, Float64Array.from(y)), b, vb), 1e-6, 'hvp w.r.t. b');
        expectClose(m.scaleParam_hvp_a(x0, a, b, vb2), hvpFD((y) => m.scaleParam(x0, y, b), a, vb2), 1e-6, 'hvp w.r.t. a');
        expectClose(m.scaleParam_hessian_b(x0, a, b), hessianFD((y) => m.scaleParam(x0, a, Float64Array.from(y)), b), 1e-6, 'hessian w.r.t. b');
      }
    });

    it('grad(grad(f)), hessian and hvp: a number parameter reassigned in a branch keeps its tangent', () => {
      for (const x of [-0.8, 0.6, 1.3]) {
        const want = secondDiff((y) => m.scaleInBranch(y, 1.7), x);
        expectClose(m.scaleInBranch_d2(x, 1.7), want, 1e-6, `grad(grad(f)) at ${x}`);
        expectClose(m.scaleInBranch_hessian(x, 1.7), [want], 1e-6, `hessian at ${x}`);
        expectClose(m.scaleInBranch_hvp(x, 1.7, 2), 2 * want, 1e-6, `hvp at ${x}`);
      }
    });

    it('hvp: a number parameter reassigned before a loop and inside it', () => {
      const x = f64(0.4, -0.9, 1.2, 0.3);
      const v = f64(0.5, 1, -1, 0.2);
      expectClose(m.scaleThenLoop_hvp(x, 0.8, v), hvpFD((y) => m.scaleThenLoop(Float64Array.from(y), 0.8), x, v), 1e-6, 'hvp');
    });

    it('grad(grad(f)): a number parameter overwritten without reading its old value', () => {
      for (const x of [-1.1, 0.6]) expectClose(m.replaceParam_d2(x, 3), secondDiff((y) => m.replaceParam(y, 3), x), 1e-6, `at ${x}`);
    });

    it('grad: an active variable overwritten by an element of a module-level const array', () => {
      for (const x of [-0.4, 0.6]) {
        expectGradFD(m.fromConst, m.fromConst_grad, [x]);
        const [value, g] = m.fromConst_vg(x);
        expect(value).to.equal(m.fromConst(x));
        expect(g).to.equal(m.fromConst_grad(x));
        const [, pullback] = m.fromConst_vjp(x);
        expectClose(pullback(2.5)[0], 2.5 * m.fromConst_grad(x), 1e-15, 'vjp');
        expectClose(m.fromConst_d2(x), secondDiff(m.fromConst, x), 1e-6, 'grad(grad(f))');
      }
    });

    it('grad: an active variable overwritten by an element of a local array never written', () => {
      for (const x of [-0.4, 0.6]) expectGradFD(m.fromFreshBuffer, m.fromFreshBuffer_grad, [x]);
    });

    it('grad: an active variable overwritten by an element of a local array written only with inactive values', () => {
      for (const x of [-0.4, 0.6]) expectGradFD(m.fromInactiveBuffer, m.fromInactiveBuffer_grad, [x, 1.5]);
    });

    it('grad and jacrev: an active variable overwritten by an element of an array parameter that is not differentiated', () => {
      for (const x of [-0.4, 0.6]) {
        expectGradFD(m.fromParam, m.fromParam_grad, [x, f64(2, -1)]);
        expectGradFD((y: number) => m.fromParam(y, f64(2, -1)), (y: number) => m.fromParam_jacrev(y, f64(2, -1))[0], [x]);
      }
    });

    it('grad: an active variable overwritten by an element of a module-level const array in a loop', () => {
      for (const x of [-0.4, 0.6, 1.7]) expectGradFD(m.fromConstInLoop, m.fromConstInLoop_grad, [x]);
    });

    it('grad and hvp: an active variable overwritten by an element of a module-level const array in a checkpointed loop', () => {
      for (const x of [-0.4, 0.7]) {
        expectGradFD(m.fromConstCheckpointed, m.fromConstCheckpointed_grad, [x, 7]);
        expectClose(m.fromConstCheckpointed_hvp(x, 7, 1.5), 1.5 * secondDiff((y) => m.fromConstCheckpointed(y, 7), x), 1e-6, `hvp at ${x}`);
      }
    });

    it('jit(grad(f)): an active variable overwritten by an element of a module-level const array after a parallel loop', () => {
      const x = f64(0.3, -0.8, 1.1, 0.5);
      expectClose(m.fromConstAfterParallel_grad(x, 4), finiteDiff(m.fromConstAfterParallel, [x, 4], 0), 1e-6, 'grad');
    });

    it('hvp: an active variable overwritten by an element of an array parameter or of its tangent', () => {
      for (const [x0, a] of [[0.5, [0.3, 2]], [-1.2, [-0.7, 0.4]]] as const) {
        const v = [1.5, -2];
        expectClose(m.fromArrayParam_hvp_a(x0, a, v), hvpFD((y) => m.fromArrayParam(x0, y), a, v), 1e-6, 'hvp w.r.t. a');
        expectClose(m.fromArrayParam_hessian_a(x0, a), hessianFD((y) => m.fromArrayParam(x0, y), a), 1e-6, 'hessian w.r.t. a');
        expectClose(m.fromArrayParam_hvp_x0(x0, a, 1.5), 1.5 * secondDiff((y) => m.fromArrayParam(y, a), x0), 1e-6, 'hvp w.r.t. x0');
      }
    });

    it('hvp: an active variable overwritten by an element of a module-level const array in a loop', () => {
      const x = f64(0.4, -0.9, 1.2, 0.3);
      const v = f64(0.5, 1, -1, 0.2);
      expectClose(m.tableInLoop_hvp(x, v), hvpFD((y) => m.tableInLoop(Float64Array.from(y)), x, v), 1e-6, 'hvp');
    });

    it('second order through a custom derivative whose partial reads the result: y carries its own derivative', () => {
      for (const [x, w0, w1] of [[0.7, 1.3, -0.4], [-1.1, 0.6, 0.9]]) {
        const w = f64(w0, w1);
        expectClose(m.throughExpSin_d2(x, w), secondDiff((t) => m.throughExpSin(t, w), x), 1e-5, "grad(grad(f))");
        const v = f64(0.3, -1.2);
        expectClose(m.throughExpSin_hvp(x, w, v), hvpFD((y) => m.throughExpSin(x, Float64Array.from(y)), w, v), 1e-6, 'hvp');
        expectClose(m.throughExpSin_hessian(x, w), hessianFD((y) => m.throughExpSin(x, Float64Array.from(y)), w), 1e-6, 'hessian');
        expectGradFD(m.throughExpSin, m.throughExpSin_grad, [x, w], [0, 1]);
      }
    });

    it('second order of Math.hypot at the origin: the arm not taken divides by 1, not 0', () => {
      for (const x of [0.7, -1.3]) {
        expectClose(m.hypotAtOrigin_d2(x), 2, 1e-12, 'grad(grad(f))');
        expectClose(m.hypotAtOrigin_hvp(x, 0.5), 1, 1e-12, 'hvp');
        expectGradFD(m.hypotAtOrigin, m.hypotAtOrigin_grad, [x], 0);
        expectClose(m.hypotAtOrigin_d2(x), secondDiff(m.hypotAtOrigin, x), 1e-5, 'second differences');
      }
    });

    it('Math.atan2 at the origin: partials 0, not 0 / 0 = NaN, in first and second order', () => {
      for (const x of [0.7, -1.3]) {
        expectClose(m.atan2AtOrigin_grad(x), 2 * x, 1e-12, 'grad (by hand)');
        expectClose(m.atan2AtOrigin_d2(x), 2, 1e-12, 'grad(grad(f)) (by hand)');
        expectGradFD(m.atan2AtOrigin, m.atan2AtOrigin_grad, [x], 0);
      }
    });
  });
}
