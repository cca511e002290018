import { expect } from 'chai';
import * as path from 'node:path';
import { expectClose, expectGradFD, modes } from './check.js';
import { casesDir, compile, formatDiagnostics, repoRoot, rng } from './harness.js';

const f64 = (...v: number[]): Float64Array => new Float64Array(v);
function randomValues(seed: number, n: number, lo: number, hi: number): number[] {
  const r = rng(seed);
  return Array.from({ length: n }, () => lo + (hi - lo) * r());
}
/** Values exact in float32 (multiples of 1/64), so float32 and float64 inputs agree. */
const f32Exact = (seed: number, n: number): number[] => randomValues(seed, n, -2, 2).map((v) => Math.round(v * 64) / 64);

for (const optimize of modes) {
  describe(`arrays (optimize: ${optimize})`, () => {
    const out = compile([path.join(casesDir, 'arrays.ts')], { optimize });
    const m = out.modules.get('test/cases/arrays')!;

    it('compiles without diagnostics', () => {
      expect(formatDiagnostics(out.diagnostics)).to.equal('');
    });

    it('Float64Array parameter: gradient is a Float64Array (by hand)', () => {
      const a = f64(0.5, -1.25, 2, -0.75);
      const g = m.sumSquaresF64_grad(a);
      expect(g).to.be.instanceOf(Float64Array);
      expectClose(g, a.map((v, i) => 2 * v * (i + 1)), 1e-12, 'grad');
      expect(Array.from(a)).to.deep.equal([0.5, -1.25, 2, -0.75]);
    });

    it('Float32Array parameter: gradient is a Float32Array', () => {
      const values = f32Exact(3, 5);
      const a = new Float32Array(values);
      const g = m.sumSquaresF32_grad(a);
      expect(g).to.be.instanceOf(Float32Array);
      expectClose(g, values.map((v, i) => 2 * v * (i + 1)), 1e-7, 'grad');
      expectGradFD(m.sumSquaresF32, m.sumSquaresF32_grad, [a]);
    });

    it('number[] parameter: gradient is a number[]', () => {
      const a = [0.5, -1.25, 2, -0.75];
      const g = m.sumSquaresNum_grad(a);
      expect(Array.isArray(g)).to.equal(true);
      expect(g).to.deep.equal(a.map((v, i) => 2 * v * (i + 1)));
      expectGradFD(m.sumSquaresNum, m.sumSquaresNum_grad, [a]);
    });

    it('empty array parameter', () => {
      expect(Array.from(m.sumSquaresF64_grad(new Float64Array(0)))).to.deep.equal([]);
      expect(m.sumSquaresNum_grad([])).to.deep.equal([]);
    });

    it('computed indices, elements read several times', () => {
      for (let seed = 1; seed <= 3; seed++) {
        expectGradFD(m.stencil, m.stencil_grad01, [f64(...randomValues(seed, 6, -1.5, 1.5)), seed - 2.5], [0, 1]);
      }
    });

    it('several array arguments of different types, argnums [0, 1], [1, 2, 3], 2', () => {
      for (let seed = 1; seed <= 3; seed++) {
        const args = [f64(...randomValues(seed, 4, -1, 1)), randomValues(seed + 10, 4, -1, 1), new Float32Array(f32Exact(seed + 20, 4)), 0.7 - seed * 0.4];
        expectGradFD(m.mixed, m.mixed_grad01, args, [0, 1]);
        expectGradFD(m.mixed, m.mixed_grad123, args, [1, 2, 3]);
        expectGradFD(m.mixed, m.mixed_grad2, args, 2);
        const [value, [ga, gc]] = m.mixed_vg(...args);
        expect(value).to.equal(m.mixed(...args));
        expect(ga).to.be.instanceOf(Float64Array);
        expect(gc).to.be.instanceOf(Float32Array);
        expectClose(ga, m.mixed_grad01(...args)[0], 1e-15, 'valueAndGrad [0]');
        expectClose(gc, m.mixed_grad2(...args), 1e-15, 'valueAndGrad [2]');
      }
    });

    it('local Float64Array (by hand: 4 xⱼ x²ₙ₋₁₋ⱼ)', () => {
      const x = f64(0.5, -1.5, 2, 0.25, -0.75);
      const n = x.length;
      expectClose(m.localF64_grad(x), x.map((v, j) => 4 * v * x[n - 1 - j] ** 2), 1e-12, 'grad');
    });

    it('local Float32Array (by hand: 8x)', () => {
      const x = f64(0.5, -1.5, 2, 0.25, -0.75);
      expectClose(m.localF32_grad(x), x.map((v) => 8 * v), 1e-12, 'grad');
    });

    it('new Array(n).fill(0), .fill(active value), Float64Array.fill (by hand)', () => {
      for (const x of [-1.3, 0.6]) {
        for (const n of [0, 1, 4]) expectClose(m.localFill_grad(x, n), 2 * x * n * (n - 1) + n, 1e-12, `x=${x} n=${n}`);
      }
    });

    it('array literals [a, b, c] (by hand)', () => {
      for (const [x, y] of [[1.3, 0.7], [-0.8, -1.9]]) {
        const [gx, gy] = m.literal_grad01(x, y);
        expectClose(gx, 10 + 2 * y + 2 * x * y, 1e-12, 'd/dx');
        expectClose(gy, 2 * x + 4 * Math.cos(y) + x * x, 1e-12, 'd/dy');
      }
    });

    it('a local array allocated inside a loop', () => {
      for (const reps of [1, 3]) expectGradFD(m.allocInLoop, m.allocInLoop_grad, [f64(0.3, -0.8, 1.1), reps]);
    });

    it('in-place recurrence u[i] = u[i]·x + u[i-1] over time steps', () => {
      for (let seed = 1; seed <= 3; seed++) {
        for (const steps of [1, 4]) {
          expectGradFD(m.recurrence, m.recurrence_grad01, [f64(...randomValues(seed, 5, -1, 1)), 0.9 - 0.3 * seed, steps], [0, 1]);
        }
      }
    });

    it('prefix sums overwritten repeatedly', () => {
      for (let seed = 1; seed <= 3; seed++) {
        for (const passes of [1, 3]) expectGradFD(m.prefixRepeat, m.prefixRepeat_grad, [f64(...randomValues(seed, 6, -1, 1)), passes]);
      }
    });

    it('an array element as loop-carried state', () => {
      for (const x of [-1.2, 0.3, 1.4]) for (const n of [0, 1, 6]) expectGradFD(m.elementState, m.elementState_grad, [x, n]);
    });

    it('bubble sort in a local number[] (gradient follows the permutation)', () => {
      const x = f64(0.3, -1.2, 2.5, 0.9, -0.4);
      // sorted: -1.2, -0.4, 0.3, 0.9, 2.5 with weights 1, 4, 9, 16, 25
      expectClose(m.sortNetwork_grad(x), [9, 1, 25, 16, 4], 1e-12, 'by hand');
      expectGradFD(m.sortNetwork, m.sortNetwork_grad, [x]);
    });

    it('gather x[idx[i]] through an Int32Array (repeated indices)', () => {
      const x = f64(0.5, -1.2, 2.0, 0.7, -0.3);
      const idx = new Int32Array([4, 0, 0, 2, 3, 2]);
      expectGradFD(m.gather, m.gather_grad, [x, idx]);
      expect(Array.from(idx)).to.deep.equal([4, 0, 0, 2, 3, 2]);
    });

    it('scatter-add out[idx[i]] += …', () => {
      const x = f64(0.5, -1.2, 2.0, 0.7, -0.3, 1.1);
      expectGradFD(m.scatter, m.scatter_grad, [x, new Int32Array([1, 0, 1, 2, 2, 1]), 3]);
    });

    it('local Int32Array and Math.floor of data as an index', () => {
      const x = f64(0.3, -1.1, 2.6, 0.9, -0.35);
      const w = f64(1.5, -0.5, 2, 0.25);
      expectGradFD(m.bins, m.bins_grad01, [x, w], [0, 1]);
    });

    it('running max from -Infinity and log-sum-exp (by hand: softmax)', () => {
      for (const a of [f64(0.5, -1.2, 2.0, 0.7), f64(-3, -2.5, -0.1), f64(1.5)]) {
        const top = Math.max(...a);
        const e = a.map((v) => Math.exp(v - top));
        const total = e.reduce((s, v) => s + v, 0);
        expectClose(m.logSumExp_grad(a), e.map((v) => v / total), 1e-12, `softmax of ${Array.from(a)}`);
      }
    });

    it('a value selected by a data-dependent index (gradient goes to the selected element)', () => {
      const a = [0.5, -1.2, 2.0, 0.7, 1.9];
      expect(m.maxTimesIndex_grad(a)).to.deep.equal([0, 0, 3, 0, 0]);
      expectGradFD(m.maxTimesIndex, m.maxTimesIndex_grad, [a]);
    });

    it('.length of parameters and locals', () => {
      expectGradFD(m.lengths, m.lengths_grad01, [f64(0.5, -1.2, 2.0), [0.7, -0.3]], [0, 1]);
      expectGradFD(m.lengths, m.lengths_grad01, [f64(0.5), [0.7, -0.3, 1.1, 0.2]], [0, 1]);
    });
  });
}

describe('arrays: new Array(n).fill(0) without a type annotation', () => {
  // TypeScript types `new Array(n).fill(0)` as any[], so element reads have type any; tsgrad
  // allocates the array as number[] and must accept `z[i] * x` (it once rejected it: "operand of type any").
  it('an unannotated new Array(n).fill(0) can be read in arithmetic', () => {
    for (const optimize of modes) {
      const out = compile([path.join(repoRoot, 'test', 'fixtures', 'arrays_untyped.ts')], { optimize });
      expect(formatDiagnostics(out.diagnostics)).to.equal('');
      const m = out.modules.get('test/fixtures/arrays_untyped')!;
      for (const x of [-1.3, 0.6]) expectClose(m.untypedFill_grad(x, 4), 2 * x * 6, 1e-12, `x=${x}`);
    }
  });

  it("find on it (type any) keeps the fallback of '??' when nothing is found (fuzz seed 1010561: the fallback was dropped, NaN)", () => {
    for (const optimize of modes) {
      const m = compile([path.join(repoRoot, 'test', 'fixtures', 'arrays_untyped.ts')], { optimize }).modules.get('test/fixtures/arrays_untyped')!;
      // nothing above 10: v = 2, f = 2x + x; x = 20 is found: f = x² + x
      for (const [x, value, slope] of [[0.7, 2.1, 3], [20, 420, 41]]) {
        const [v, g] = m.untypedFind_vg(x);
        expectClose(v, value, 1e-12, `value at ${x}`);
        expectClose(g, slope, 1e-12, `slope at ${x}`);
      }
    }
  });
});
