/**
 * Binomial checkpointing for loops marked `// @checkpoint` (Griewank and Walther's revolve).
 *
 * Reversing T steps of a loop needs the state at the start of every step, last to first. Taping
 * keeps all T; here at most `snapshots` states are kept, and the missing ones are recomputed by
 * running steps forward again from the nearest kept one. With s snapshots and r the smallest
 * number with C(s + r, s) ≥ T, no step runs forward more than r times, and the schedule below
 * runs the fewest forward steps possible, r·T − C(s + r, r − 1) (Griewank 1992).
 *
 * Generated code drives it. The forward sweep runs every step once, saving the state before step
 * `shot` when it gets there (`take()`); the reverse sweep asks `next()` what to do until it says 0:
 *
 *   1  RESTORE   copy the state in `state()` back into the loop's variables
 *   2  ADVANCE   run steps from..to-1 forward, plainly
 *   3  SAVE      copy the loop's variables into `state()`
 *   4  REVERSE   run step `from` forward with taping, then its adjoint
 *
 * One instance per `// @checkpoint` loop of a generated function, reused across calls; the
 * schedule is kept for the next call with the same trip count.
 */

export const Op = { Done: 0, Restore: 1, Advance: 2, Save: 3, Reverse: 4 } as const;

/** A schedule: the forward sweep's saves, then the reverse sweep's operations. */
export interface Schedule {
  readonly steps: number;
  readonly snapshots: number;
  /** (step, slot) pairs: before running `step`, the forward sweep saves the state into `slot`. */
  readonly shots: Int32Array;
  /** (op, a, b) triples for the reverse sweep: Restore/Save slot a; Advance a..b-1; Reverse step a. */
  readonly ops: Int32Array;
  /** Steps run forward again during the reverse sweep (Advance), besides the T taped ones. */
  readonly recomputed: number;
}

export class Checkpoints {
  /** Operands of the current operation (ADVANCE: steps from..to-1; REVERSE: step from). */
  from = 0;
  to = 0;
  /** Forward sweep: the next step whose starting state is saved, or -1. */
  shot = -1;
  private schedule?: Schedule;
  private states = new Float64Array(0);
  private width = 0;
  private slot = 0;
  private pc = 0;
  private nextShot = 0;

  /** Starts a run of `steps` steps keeping `snapshots` states (0: the default) of `width` numbers each. */
  begin(steps: number, snapshots: number, width: number): void {
    const s = Math.max(1, Math.min(snapshots > 0 ? snapshots : defaultSnapshots(steps), steps));
    if (!this.schedule || this.schedule.steps !== steps || this.schedule.snapshots !== s) this.schedule = schedule(steps, s);
    if (this.states.length < s * width) this.states = new Float64Array(s * width);
    this.width = width;
    this.pc = 0;
    this.nextShot = 0;
    this.shot = this.schedule.shots.length > 0 ? this.schedule.shots[0] : -1;
  }

  /** Forward sweep, at step `shot`: where to save the state; moves `shot` to the next one. */
  take(): Float64Array {
    const shots = this.schedule!.shots;
    this.slot = shots[this.nextShot + 1];
    this.nextShot += 2;
    this.shot = this.nextShot < shots.length ? shots[this.nextShot] : -1;
    return this.state();
  }

  /** Reverse sweep: the next operation (Op), its operands in `from`/`to`/`state()`. */
  next(): number {
    const ops = this.schedule!.ops;
    if (this.pc >= ops.length) return Op.Done;
    const op = ops[this.pc];
    const a = ops[this.pc + 1];
    const b = ops[this.pc + 2];
    this.pc += 3;
    if (op === Op.Restore || op === Op.Save) this.slot = a;
    this.from = a;
    this.to = b;
    return op;
  }

  /** The saved state the current operation reads or writes. */
  state(): Float64Array {
    return this.states.subarray(this.slot * this.width, (this.slot + 1) * this.width);
  }

  /** The current schedule (for reports: snapshots used, steps recomputed). */
  get current(): Schedule | undefined {
    return this.schedule;
  }

  /** Numbers held in saved states. */
  get size(): number {
    return this.states.length;
  }
}

/** ⌈log₂ T⌉ snapshots when `// @checkpoint` does not say (at least 1). */
export function defaultSnapshots(steps: number): number {
  return Math.max(1, Math.ceil(Math.log2(Math.max(steps, 2))));
}

/** C(s + r, s): the most steps that s free snapshots reverse with r forward runs of each step. */
function beta(s: number, r: number): number {
  if (r < 0) return 0;
  let b = 1;
  for (let i = 1; i <= s; i++) b = (b * (r + i)) / i;
  return Math.round(b);
}

/**
 * The binomial schedule for `steps` steps and `snapshots` saved states. Built recursively: to
 * reverse steps a..b-1 with the state at a saved and `free` more snapshots, advance to a split
 * point m, save there, reverse m..b-1 with one snapshot fewer, restore a, reverse a..m-1. The split
 * is taken in the range where the total number of forward steps is smallest (checked against an
 * exhaustive search in test/checkpoint.test.ts).
 */
export function schedule(steps: number, snapshots: number): Schedule {
  const shots: number[] = [];
  const ops: number[] = [];
  let forwardPhase = true;
  let position = 0;
  let lastShot = { step: 0, slot: 0 };
  let recomputed = 0;

  const save = (slot: number): void => {
    if (forwardPhase) {
      shots.push(position, slot);
      lastShot = { step: position, slot };
    } else {
      ops.push(Op.Save, slot, position);
    }
  };
  const advance = (to: number): void => {
    if (to === position) return;
    if (!forwardPhase) {
      ops.push(Op.Advance, position, to);
      recomputed += to - position;
    }
    position = to;
  };
  const restore = (slot: number, step: number): void => {
    ops.push(Op.Restore, slot, step);
    position = step;
  };
  const reverse = (step: number): void => {
    if (forwardPhase) {
      // The forward sweep ran on to the end; come back to this step from the last saved state.
      forwardPhase = false;
      restore(lastShot.slot, lastShot.step);
      advance(step);
    }
    ops.push(Op.Reverse, step, step + 1);
    position = -1;
  };
  const reverseRange = (a: number, b: number, slotA: number, free: number): void => {
    const l = b - a;
    if (l === 1) return reverse(a);
    if (free === 0) {
      for (let j = b - 1; j >= a; j--) {
        if (position !== a) restore(slotA, a);
        advance(j);
        reverse(j);
      }
      return;
    }
    let r = 0;
    while (beta(free + 1, r) < l) r++;
    const m = Math.min(l - 1, beta(free + 1, r - 1), l - beta(free, r - 1));
    advance(a + m);
    const slot = slotA + 1;
    save(slot);
    reverseRange(a + m, b, slot, free - 1);
    restore(slotA, a);
    reverseRange(a, a + m, slotA, free);
  };

  if (steps > 0) {
    save(0);
    reverseRange(0, steps, 0, snapshots - 1);
  }
  return { steps, snapshots, shots: Int32Array.from(shots), ops: Int32Array.from(ops), recomputed };
}
