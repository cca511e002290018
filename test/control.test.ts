import { expect } from 'chai';
import * as path from 'node:path';
import { expectClose, expectGradFD, modes } from './check.js';
import { casesDir, compile, formatDiagnostics, randomArray } from './harness.js';

const f64 = (...v: number[]): Float64Array => new Float64Array(v);

for (const optimize of modes) {
  describe(`control (optimize: ${optimize})`, () => {
    const out = compile([path.join(casesDir, 'control.ts')], { optimize });
    const m = out.modules.get('test/cases/control')!;

    it('compiles without diagnostics', () => {
      expect(formatDiagnostics(out.diagnostics)).to.equal('');
    });

    it('if / else if / else chain: every branch', () => {
      for (const x of [-2.1, -1.3, -0.6, -0.2, 0.2, 0.5, 0.9, 1.2, 2.5]) expectGradFD(m.ifChain, m.ifChain_grad, [x]);
      // by hand on the last branch: y = (eˣ/x)², y' = 2y·(eˣ/x)(1 - 1/x)
      const x = 2.5;
      const e = Math.exp(x) / x;
      expectClose(m.ifChain_grad(x), 2 * e * e * (1 - 1 / x), 1e-12, 'x=2.5');
    });

    it('branches assigning different variables', () => {
      for (const [x, y] of [[1.3, 0.7], [0.2, 1.9], [-0.8, 0.3], [2.4, -1.1], [-1.7, -0.45]]) {
        expectGradFD(m.ifAssignsDifferent, m.ifAssignsDifferent_grad01, [x, y], [0, 1]);
      }
    });

    it('for loop (by hand: Σ xⁱ⁺¹/(i+1) → Σ xⁱ)', () => {
      for (const x of [-1.2, 0.4, 1.7]) {
        for (const n of [0, 1, 5]) {
          let want = 0;
          for (let i = 0; i < n; i++) want += x ** i;
          expectClose(m.forLoop_grad(x, n), want, 1e-12, `x=${x} n=${n}`);
        }
      }
    });

    it('while loop', () => {
      for (const x of [-1.2, 0.4, 1.7]) for (const n of [0, 1, 7]) expectGradFD(m.whileLoop, m.whileLoop_grad, [x, n]);
    });

    it('do…while runs once when the condition starts false', () => {
      for (const x of [-1.2, 0.4, 1.7]) {
        expectClose(m.doWhile_grad(x, 0), 1, 1e-12, 'n=0: s = x');
        expectClose(m.doWhile_grad(x, 1), 1, 1e-12, 'n=1: s = x');
        // n = 3: s = (x·x + 1)·x + 2 = x³ + x + 2
        expectClose(m.doWhile_grad(x, 3), 3 * x * x + 1, 1e-12, 'n=3');
        expectGradFD(m.doWhile, m.doWhile_grad, [x, 6]);
      }
    });

    it('while loop with a data-dependent trip count (halvings: d = (k+1)/2ᵏ)', () => {
      for (const x of [0.5, 1.5, 3, 7.3, -4, 1000.5]) {
        let k = 0;
        for (let v = x; v > 1; v /= 2) k++;
        expectClose(m.halvings_grad(x), (k + 1) / 2 ** k, 1e-12, `x=${x} (k=${k})`);
      }
    });

    it('counted loops with step 2, i--, i -= 3 and a non-canonical update', () => {
      for (let seed = 1; seed <= 3; seed++) {
        for (const n of [1, 2, 7, 8]) expectGradFD(m.steps, m.steps_grad, [randomArray(seed, n, -1.5, 1.5)]);
      }
    });

    it('nested loops, inner bound depends on the outer index', () => {
      for (let seed = 1; seed <= 3; seed++) expectGradFD(m.triangle, m.triangle_grad, [randomArray(seed, 6, -1.2, 1.2)]);
    });

    it('nested loops, inner trip count depends on the data', () => {
      expectGradFD(m.dataTrips, m.dataTrips_grad, [f64(0.3, -2.5, 1.7, 0, 4.2, -0.05)]);
      for (let seed = 4; seed <= 6; seed++) expectGradFD(m.dataTrips, m.dataTrips_grad, [randomArray(seed, 7, -5, 5)]);
    });

    it('loop with 5000 iterations', () => {
      for (const x of [-1.1, 0.7, 2.3]) expectGradFD(m.longLoop, m.longLoop_grad, [x, 5000]);
    });

    it('a taped branch in each of 3000 iterations', () => {
      for (const x of [-0.8, 0.4, 1.6]) expectGradFD(m.longBranches, m.longBranches_grad, [x, 3000]);
    });

    it('nested taped branches whose bodies also save values', () => {
      for (const x of [-0.8, 0.3, 0.7, 1.1, 1.6]) for (const n of [1, 3, 12]) expectGradFD(m.branchPushes, m.branchPushes_grad, [x, n]);
    });

    it('for (;;) with break, for with two counters and a comma update', () => {
      for (const x of [-2.2, -0.3, 0.4, 1.6]) expectGradFD(m.forForms, m.forForms_grad, [x]);
    });

    it('nested loops with 3000 iterations in all', () => {
      expectGradFD(m.longNested, m.longNested_grad, [randomArray(9, 30, -2, 2), 100]);
    });

    it('repeated calls give the same answer (the tape is reset)', () => {
      const [v1, g1] = m.longLoop_vg(0.7, 3000);
      const [v2, g2] = m.longLoop_vg(0.7, 3000);
      expect(m.longLoop_grad(1.3, 50)).to.equal(m.longLoop_grad(1.3, 50));
      expect(v1).to.equal(m.longLoop(0.7, 3000));
      expect([v2, g2]).to.deep.equal([v1, g1]);
    });

    it('a loop counter starting at an active value (by hand: Σ 2(x + k) over x + k < 5)', () => {
      for (const x of [-1.5, 0.3, 2.7, 4.5, 6]) {
        let want = 0;
        for (let i = x; i < 5; i++) want += 2 * i;
        expectClose(m.activeCounter_grad(x), want, 1e-12, `x=${x}`);
      }
    });

    it('fractional step t += 0.25', () => {
      for (const x of [-1.5, 0.3, 2.7]) expectGradFD(m.fractionalStep, m.fractionalStep_grad, [x]);
    });

    it('three nested loops, trip counts depending on enclosing indices', () => {
      for (let seed = 1; seed <= 3; seed++) expectGradFD(m.tripleNested, m.tripleNested_grad, [randomArray(seed, 6, -1, 1)]);
    });

    it('break on the first pass of a do…while inside a for', () => {
      for (const x of [-0.7, 0.4, 1.3]) expectGradFD(m.doBreak, m.doBreak_grad01, [f64(0.5, -1.2, 0.8, 1.9, -0.3), x], [0, 1]);
    });

    it('a value updated in a loop (with break) and read only after it', () => {
      const a = f64(0.5, -1.2, 0.8, 1.9, -0.3);
      for (const x of [-0.7, 0.3, 0.9, 2.2]) expectGradFD(m.readAfterLoop, m.readAfterLoop_grad01, [a, x], [0, 1]);
    });

    it('a value accumulated in an inner loop and read in the outer one', () => {
      for (let seed = 1; seed <= 3; seed++) {
        expectGradFD(m.readInOuterLoop, m.readInOuterLoop_grad01, [randomArray(seed, 5, -1, 1.5), 0.2 * seed], [0, 1]);
      }
    });

    it('a value written in one loop and read in the next', () => {
      for (let seed = 1; seed <= 3; seed++) expectGradFD(m.readInNextLoop, m.readInNextLoop_grad, [randomArray(seed, 6, -1, 1)]);
    });

    it('a value from before a loop that overwrites it and returns early', () => {
      const a = f64(0.5, -1.2, 0.8, 1.9, -0.3);
      for (const x of [-1.4, -0.3, 0.6, 1.2, 2]) expectGradFD(m.readBeforeLoop, m.readBeforeLoop_grad01, [a, x], [0, 1]);
    });

    it('break', () => {
      const a = f64(0.5, -1.2, 0.8, 1.9, -0.3, 0.7);
      for (const limit of [0.1, 1, 3, 100]) expectGradFD(m.breakLoop, m.breakLoop_grad, [a, limit]);
    });

    it('continue', () => {
      expectGradFD(m.continueLoop, m.continueLoop_grad, [f64(0.5, -1.2, 0.8, 1.9, -0.3, 0.7, 1.1)]);
      for (let seed = 1; seed <= 3; seed++) expectGradFD(m.continueLoop, m.continueLoop_grad, [randomArray(seed, 9, -1, 1)]);
    });

    it('break in an inner while(true), continue in while and do…while', () => {
      const a = f64(0.5, -1.2, 0.8, 1.9, -0.3);
      for (const x of [-0.5, 0.6, 1.0, 2.5]) expectGradFD(m.jumpsNested, m.jumpsNested_grad01, [a, x], [0, 1]);
    });

    it('early return inside if / else if', () => {
      for (const x of [-1.5, -0.2, 0.3, 0.9, 1.5]) expectGradFD(m.returnInIf, m.returnInIf_grad, [x]);
      expectClose(m.returnInIf_grad(-1.5), -3, 1e-12, 'x<0: x²');
      expectClose(m.returnInIf_grad(0.3), Math.exp(0.3) + 1, 1e-12, 'y ≤ 2: eˣ + x');
      expectClose(m.returnInIf_grad(0.9), Math.exp(0.9), 1e-12, '2 < y ≤ 3: eˣ');
      expectClose(m.returnInIf_grad(1.5), Math.exp(1.5) * 2.5, 1e-12, 'y > 3: x·eˣ');
    });

    it('early return inside a loop', () => {
      const a = f64(0.5, -1.2, 0.8, 1.9, -0.3, 0.7);
      for (const limit of [0.2, 0.8, 1.5, 100]) expectGradFD(m.returnInLoop, m.returnInLoop_grad, [a, limit]);
    });

    it('early return inside nested loops', () => {
      const a = f64(0.5, -1.2, 0.8, 1.9, -0.3, 0.7);
      for (const limit of [0.3, 1.2, 2.5, 1e9]) expectGradFD(m.returnInNested, m.returnInNested_grad, [a, limit]);
    });

    it('return from inside while (true)', () => {
      for (const x of [-3, -0.9, -0.3, 0.2, 4]) expectGradFD(m.returnInWhile, m.returnInWhile_grad, [x]);
    });

    it('assignment inside a while condition', () => {
      // s: 2, 6, 9, 36, 180 → stops at i = 4; s = a0·a1·a2·a3·a4
      const a = f64(2, 3, 1.5, 4, 5, 6);
      expectGradFD(m.conditionAssigns, m.conditionAssigns_grad, [a]);
      expectClose(m.conditionAssigns_grad(a), [90, 60, 120, 45, 36, 0], 1e-12, 'by hand');
    });

    // Regression: with optimize: true the reverse sweep of a counted loop's condition once used the
    // counter of the iteration before (and start - step after the loop), giving a[i] the wrong adjoint.
    it('assignment inside a counted for condition', () => {
      for (const a of [f64(2, 3, 1.5, 4, 5, 6), f64(3, 1.25, 7, 2, 9, 1)]) {
        expectGradFD(m.conditionAssignsFor, m.conditionAssignsFor_grad, [a]);
      }
    });
  });
}
