/**
 * Binomial checkpointing (`// @checkpoint`, test/cases/checkpoint.ts; runtime/checkpoint.ts).
 *
 * The schedule is checked by running it on a model of the state (every reversal finds the right
 * state, at most `snapshots` are held) and its cost against an exhaustive search for the fewest
 * forward steps. Derivatives of checkpointed loops are checked against central finite differences
 * and against the same function without the comment, which reverse mode tapes (the two do the same
 * arithmetic, so they agree to the last bit or nearly).
 */
import { expect } from 'chai';
import * as path from 'node:path';
import { checkpointSchedule, CheckpointOp as Op, defaultSnapshots } from '../runtime/index.js';
import { expectClose, modes } from './check.js';
import { casesDir, compile, finiteDiff, formatDiagnostics, randomArray, relError } from './harness.js';

/**
 * Runs a schedule on a model: a state is the index of the step it precedes, and a slot holds the
 * last state saved into it. Returns the steps reversed, in order, the number of slots used, and the
 * steps run forward in the reverse sweep.
 */
function simulate(steps: number, snapshots: number): { reversed: number[]; held: number; advanced: number } {
  const { shots, ops } = checkpointSchedule(steps, snapshots);
  const slots = new Map<number, number>();
  let held = 0;
  const keep = (slot: number, step: number): void => {
    expect(slot, 'slot index').to.be.within(0, snapshots - 1);
    slots.set(slot, step);
    held = Math.max(held, slots.size);
  };
  // forward sweep: runs every step once, saving the state before `step` where the schedule says
  let last = -1;
  for (let i = 0; i < shots.length; i += 2) {
    expect(shots[i], 'forward saves in order').to.be.greaterThan(last);
    last = shots[i];
    keep(shots[i + 1], shots[i]);
  }
  let position = steps;
  const reversed: number[] = [];
  let advanced = 0;
  for (let pc = 0; pc < ops.length; pc += 3) {
    const [op, a, b] = [ops[pc], ops[pc + 1], ops[pc + 2]];
    if (op === Op.Restore) {
      expect(slots.has(a), `restore from an empty slot ${a}`).to.equal(true);
      position = slots.get(a)!;
      expect(position, 'restore says which step').to.equal(b);
    } else if (op === Op.Advance) {
      expect(a, 'advance starts where the state is').to.equal(position);
      expect(b).to.be.greaterThan(a);
      advanced += b - a;
      position = b;
    } else if (op === Op.Save) {
      expect(b, 'save records the current step').to.equal(position);
      keep(a, position);
    } else {
      expect(op).to.equal(Op.Reverse);
      expect(a, 'reverse step from its own state').to.equal(position);
      reversed.push(a);
      position = -1;
    }
  }
  return { reversed, held, advanced };
}

/** Fewest forward steps to reverse l steps with the start state saved and s more snapshots (exhaustive). */
function fewestSteps(l: number, s: number, memo = new Map<string, number>()): number {
  if (l === 1) return 0;
  if (s === 0) return (l * (l - 1)) / 2;
  const key = `${l},${s}`;
  const known = memo.get(key);
  if (known !== undefined) return known;
  let best = Infinity;
  for (let m = 1; m < l; m++) best = Math.min(best, m + fewestSteps(l - m, s - 1, memo) + fewestSteps(m, s, memo));
  memo.set(key, best);
  return best;
}

describe('checkpoint schedule (runtime/checkpoint.ts)', () => {
  it('reverses every step once, last to first, within the snapshot budget', () => {
    for (const steps of [1, 2, 3, 7, 10, 31, 100, 257]) {
      for (const snapshots of [1, 2, 3, 5, 8, 300]) {
        const s = Math.min(snapshots, steps);
        const { reversed, held } = simulate(steps, s);
        expect(reversed, `T=${steps} s=${s}`).to.deep.equal(Array.from({ length: steps }, (_, i) => steps - 1 - i));
        expect(held, `T=${steps} s=${s}`).to.be.at.most(s);
      }
    }
  });

  it('runs the fewest forward steps (against an exhaustive search)', () => {
    const memo = new Map<string, number>();
    for (let steps = 1; steps <= 70; steps++) {
      for (let snapshots = 1; snapshots <= 6; snapshots++) {
        const { shots } = checkpointSchedule(steps, snapshots);
        const { advanced } = simulate(steps, snapshots);
        // The forward sweep runs all steps; the optimal schedule would stop before the last one and
        // reverse it from the last save, so the reverse sweep first re-runs that distance.
        const lastSave = shots[shots.length - 2];
        const rerun = steps - 1 - lastSave;
        expect((steps - 1) + advanced - rerun, `T=${steps} s=${snapshots}`).to.equal(fewestSteps(steps, snapshots - 1, memo));
      }
    }
  });

  it('with s snapshots and C(s + r, s) ≥ T, no step runs forward more than r + 1 times', () => {
    const binomial = (n: number, k: number): number => {
      let b = 1;
      for (let i = 1; i <= k; i++) b = (b * (n - k + i)) / i;
      return b;
    };
    for (const [steps, snapshots] of [[10000, 14], [10000, 28], [10000, 40], [1000, 5]]) {
      let r = 0;
      while (binomial(snapshots + r, snapshots) < steps) r++;
      const { ops } = checkpointSchedule(steps, snapshots);
      const runs = new Int32Array(steps).fill(1); // the forward sweep
      for (let pc = 0; pc < ops.length; pc += 3) {
        if (ops[pc] === Op.Advance) for (let j = ops[pc + 1]; j < ops[pc + 2]; j++) runs[j]++;
      }
      expect(Math.max(...runs), `T=${steps} s=${snapshots} r=${r}`).to.be.at.most(r + 1);
    }
    expect(defaultSnapshots(10000)).to.equal(28);
  });
});

for (const optimize of modes) {
  describe(`checkpointed loops (optimize: ${optimize})`, () => {
    const out = compile([path.join(casesDir, 'checkpoint.ts')], { optimize });
    const m = out.modules.get('test/cases/checkpoint')!;

    it('compiles without diagnostics', () => {
      expect(formatDiagnostics(out.diagnostics)).to.equal('');
      expect(out.loadError).to.equal(undefined);
    });

    it('the generated code saves states and runs the schedule instead of taping every step', () => {
      const code = out.generated.get('chain_grad_0_1')!;
      expect(code).to.match(/\.begin\(_T\d+, 3, /);
      expect(code).to.match(/\.take\(\)/);
      expect(code).to.match(/\.next\(\)/);
      expect(out.generated.get('chainTaped_grad_0_1')).to.not.match(/checkpoints/);
    });

    it('gradient of an array model with a running misfit: equal to the taped one, and to finite differences', () => {
      for (const steps of [0, 1, 2, 5, 13, 40]) {
        const x0 = randomArray(steps + 1, 6);
        const k = 0.15;
        const [gx, gk] = m.chain_grad(x0, k, steps);
        const [tx, tk] = m.chainTaped_grad(x0, k, steps);
        expect(relError(gx, tx), `steps=${steps}`).to.be.below(1e-14);
        expect(relError(gk, tk), `steps=${steps}`).to.be.below(1e-14);
        expectClose(gx, finiteDiff(m.chain, [x0, k, steps], 0) as Float64Array, 1e-6, `x0, steps=${steps}`);
        expectClose(gk, finiteDiff(m.chain, [x0, k, steps], 1) as number, 1e-6, `k, steps=${steps}`);
      }
    });

    it('the default number of snapshots and a single snapshot give the same gradient', () => {
      for (const steps of [1, 6, 33]) {
        const x0 = randomArray(steps + 7, 5);
        const [tx, tk] = m.chainTaped_grad(x0, 0.15, steps);
        for (const g of [m.chainDefault_grad, m.chainOne_grad]) {
          const [gx, gk] = g(x0, 0.15, steps);
          expect(relError(gx, tx), `steps=${steps}`).to.be.below(1e-14);
          expect(relError(gk, tk), `steps=${steps}`).to.be.below(1e-14);
        }
      }
    });

    it('calls in a row reuse the saved states and schedule, with different trip counts', () => {
      const x0 = randomArray(3, 6);
      for (const steps of [9, 9, 4, 12, 9]) {
        const [gx] = m.chain_grad(x0, 0.1, steps);
        const [tx] = m.chainTaped_grad(x0, 0.1, steps);
        expect(relError(gx, tx), `steps=${steps}`).to.be.below(1e-14);
      }
    });

    it('scalar state, a counter stepping down by 2 from a computed start', () => {
      for (const n of [0, 1, 3, 10]) {
        for (const [r, x0] of [[3.3, 0.2], [2.1, 0.7]]) {
          const [v, [gr, gx]] = m.logistic_vg(r, x0, n);
          const [tv, [tr, tx]] = m.logisticTaped_vg(r, x0, n);
          expect(v).to.equal(m.logistic(r, x0, n));
          expect(tv).to.equal(v);
          expect(relError(gr, tr)).to.be.below(1e-14);
          expect(relError(gx, tx)).to.be.below(1e-14);
          expectClose(gr, finiteDiff(m.logistic, [r, x0, n], 0) as number, 1e-6, `r, n=${n}`);
          expectClose(gx, finiteDiff(m.logistic, [r, x0, n], 1) as number, 1e-6, `x0, n=${n}`);
        }
      }
    });

    it('state with a boolean, a number[] and an Int32Array, branches, continue and a scratch array per step', () => {
      for (const steps of [1, 4, 9, 20]) {
        const x0 = randomArray(steps, 5);
        const [gx, gw] = m.mixed_grad(x0, 0.7, steps);
        const [tx, tw] = m.mixedTaped_grad(x0, 0.7, steps);
        expect(relError(gx, tx), `steps=${steps}`).to.be.below(1e-14);
        expect(relError(gw, tw), `steps=${steps}`).to.be.below(1e-14);
        expectClose(gx, finiteDiff(m.mixed, [x0, 0.7, steps], 0) as Float64Array, 1e-6, `x0, steps=${steps}`);
        expectClose(gw, finiteDiff(m.mixed, [x0, 0.7, steps], 1) as number, 1e-6, `w, steps=${steps}`);
      }
    });

    it('vjp of a model run returning its state, with a value the loop overwrites read before it', () => {
      for (const steps of [1, 3, 11]) {
        const x0 = randomArray(steps + 40, 6);
        const u = randomArray(steps + 50, 6);
        const [y, pull] = m.run_vjp(x0, 0.3, steps);
        const [ty, tpull] = m.runTaped_vjp(x0, 0.3, steps);
        expect(Array.from(y)).to.deep.equal(Array.from(ty));
        const [cx, ck] = pull(u);
        const [tcx, tck] = tpull(u);
        expect(relError(cx, tcx), `steps=${steps}`).to.be.below(1e-14);
        expect(relError(ck, tck), `steps=${steps}`).to.be.below(1e-14);
        // uᵀ J against finite differences of uᵀ run(x0)
        const uRun = (x: Float64Array, k: number, s: number): number => {
          const r = m.run(x, k, s) as Float64Array;
          return r.reduce((acc: number, ri: number, i: number) => acc + ri * u[i], 0);
        };
        expectClose(cx, finiteDiff(uRun, [x0, 0.3, steps], 0) as Float64Array, 1e-6, `x0, steps=${steps}`);
        expectClose(ck, finiteDiff(uRun, [x0, 0.3, steps], 1) as number, 1e-6, `k, steps=${steps}`);
      }
    });

    it('hvp through a checkpointed loop: equal to the taped one, and to differences of the gradient', () => {
      for (const steps of [1, 4, 15]) {
        const x0 = randomArray(steps + 60, 6);
        const v = randomArray(steps + 70, 6);
        const hv = m.chain_hvp(x0, 0.2, steps, v);
        expect(relError(hv, m.chainTaped_hvp(x0, 0.2, steps, v)), `steps=${steps}`).to.be.below(1e-13);
        const h = 1e-5;
        const gAt = (sign: number): Float64Array => m.chainTaped_grad(x0.map((xi: number, i: number) => xi + sign * h * v[i]), 0.2, steps)[0];
        const [gp, gm] = [gAt(1), gAt(-1)];
        expectClose(hv, gp.map((p, i) => (p - gm[i]) / (2 * h)), 1e-5, `steps=${steps}`);
      }
    });

    it('another name for the state taken in each step and read through it (fuzz seed 932470): equal to the taped gradient, and to finite differences', () => {
      for (const steps of [1, 5, 12]) {
        const x0 = Array.from(randomArray(4, steps + 9));
        const got = m.aliased_grad(x0, 0.6, steps);
        const taped = m.aliasedTaped_grad(x0, 0.6, steps);
        got.forEach((g: number | number[], k: number) => {
          expect(relError(g, taped[k]), `argument ${k}, steps=${steps}`).to.be.below(1e-14);
          expectClose(g, finiteDiff(m.aliased, [x0, 0.6, steps], k), 1e-6, `argument ${k}, steps=${steps}`);
        });
      }
    });

    it('what the loop only reads and code after it changes is saved with each state (an array written, a number reassigned)', () => {
      for (const steps of [1, 5, 12]) {
        const x0 = randomArray(steps, 2);
        const w = randomArray(steps + 1, 3);
        const args = [x0, w, 0.4, steps];
        const got = m.readThenChanged_grad(...args);
        const taped = m.readThenChangedTaped_grad(...args);
        got.forEach((g: number | Float64Array, k: number) => {
          expect(relError(g, taped[k]), `argument ${k}, steps=${steps}`).to.be.below(1e-14);
          expectClose(g, finiteDiff(m.readThenChanged, args, k), 1e-6, `argument ${k}, steps=${steps}`);
        });
      }
    });
  });
}
