/**
 * Binomial checkpointing for loops marked `// @checkpoint` (Griewank and Walther's revolve).
 *
 * Reversing T steps of a loop needs the state at the start of every step, last to first. Taping
 * keeps all T; here at most `snapshots` states are kept, and the missing ones are recomputed by
 * running steps forward again from the nearest kept one. With s snapshots and r the smallest
 * number with C(s + r, s) ≥ T, no step runs forward more than r times, and the schedule below
 * runs the fewest forward steps possible (Griewank 1992; checked in test/checkpoint.test.ts).
 *
 * Generated code drives it. The forward sweep runs every step once, saving the state before step
 * `shot` when it gets there (`take()`); the reverse sweep asks `next()` what to do until it says 0:
 *
 *   1  RESTORE   copy the state in `state()` back into the loop's variables (arrays: `load`)
 *   2  ADVANCE   run steps from..to-1 forward, plainly
 *   3  SAVE      copy the loop's variables into `state()`
 *   4  REVERSE   run step `from` forward with taping, then its adjoint
 *
 * One instance per `// @checkpoint` loop of a generated function, reused across calls. The
 * schedule is computed as it is consumed, in O(snapshots) memory, so the memory an adjoint holds
 * is the saved states plus one step's tape, whatever the number of steps.
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
  private revolve?: Revolve;
  private states = new Float64Array(0);
  private width = 0;
  private slot = 0;
  /** An operation taken from the schedule but not yet handed out. */
  private pending = -1;

  /** Starts a run of `steps` steps keeping `snapshots` states (0: the default) of `width` numbers each. */
  begin(steps: number, snapshots: number, width: number): void {
    const s = Math.max(1, Math.min(snapshots > 0 ? snapshots : defaultSnapshots(steps), steps));
    this.revolve ??= new Revolve();
    this.revolve.start(steps, s);
    if (this.states.length < s * width) this.states = new Float64Array(s * width);
    this.width = width;
    this.pending = -1;
    this.shot = -1;
    this.pull();
  }

  /** Forward sweep, at step `shot`: where to save the state; moves `shot` to the next one. */
  take(): Float64Array {
    this.slot = this.revolve!.a;
    this.pending = -1;
    this.shot = -1;
    this.pull();
    return this.state();
  }

  /** Reverse sweep: the next operation (Op), its operands in `from`/`to`/`state()`. */
  next(): number {
    const r = this.revolve!;
    const op = this.pending >= 0 ? this.pending : r.next();
    this.pending = -1;
    if (op === Op.Restore || op === Op.Save) this.slot = r.a;
    this.from = r.a;
    this.to = r.b;
    return op;
  }

  /** The saved state the current operation reads or writes. */
  state(): Float64Array {
    return this.states.subarray(this.slot * this.width, (this.slot + 1) * this.width);
  }

  /** Restore: copies the current state's numbers from `offset` on into `array` (any array of numbers). */
  load(array: { readonly length: number; [i: number]: number }, offset: number): void {
    const states = this.states;
    const from = this.slot * this.width + offset;
    for (let i = 0; i < array.length; i++) array[i] = states[from + i];
  }

  /** Numbers held in saved states. */
  get size(): number {
    return this.states.length;
  }

  /** Reads the next operation: a save of the forward sweep sets `shot`; anything else waits for next(). */
  private pull(): void {
    const r = this.revolve!;
    this.pending = r.next();
    if (this.pending === ForwardSave) this.shot = r.b;
  }
}

/** A save made by the forward sweep as it passes (slot a, step b); only Checkpoints.take sees it. */
const ForwardSave = 5;

/**
 * The binomial schedule, one operation at a time, in O(snapshots) memory (a stack of segments
 * still to reverse). To reverse steps a..b-1 with the state at a saved in slot `slotA` and `free`
 * more snapshots: advance to a split point m, save there, reverse m..b-1 with one snapshot fewer,
 * restore a, reverse a..m-1. With no snapshot free, reverse a..b-1 from a, last step first. The
 * split is taken where the total number of forward steps is smallest (checked against an
 * exhaustive search in test/checkpoint.test.ts).
 *
 * The forward sweep runs every step (the loop's results are needed after it): until the first
 * reversal the schedule only says where to save (ForwardSave); then it goes back to the last saved
 * state and on to step T-1.
 */
class Revolve {
  /** Operands of the operation last returned. */
  a = 0;
  b = 0;
  /** Steps run forward again in the reverse sweep so far. */
  recomputed = 0;
  private stack = new Int32Array(64);
  private depth = 0;
  private queue: number[] = [];
  private head = 0;
  private position = 0;
  private forwardPhase = true;
  private lastShotStep = 0;
  private lastShotSlot = 0;

  start(steps: number, snapshots: number): void {
    this.depth = 0;
    this.queue.length = 0;
    this.head = 0;
    this.position = 0;
    this.forwardPhase = true;
    this.recomputed = 0;
    if (steps > 0) {
      this.save(0);
      this.push(Range, 0, steps, 0, snapshots - 1);
    }
  }

  next(): number {
    while (this.head === this.queue.length && this.depth > 0) this.expand();
    if (this.head === this.queue.length) return Op.Done;
    const op = this.queue[this.head];
    this.a = this.queue[this.head + 1];
    this.b = this.queue[this.head + 2];
    this.head += 3;
    if (this.head === this.queue.length) {
      this.queue.length = 0;
      this.head = 0;
    }
    return op;
  }

  /** Pops one segment and emits its first operations. */
  private expand(): void {
    const top = --this.depth * 5;
    const st = this.stack;
    const [kind, a, b, slotA, x] = [st[top], st[top + 1], st[top + 2], st[top + 3], st[top + 4]];
    if (kind === Range) {
      const l = b - a;
      if (l === 1) return this.reverse(a);
      if (x === 0) return this.push(Sweep, a, b, slotA, b - 1);
      let r = 0;
      while (beta(x + 1, r) < l) r++;
      const m = Math.min(l - 1, beta(x + 1, r - 1), l - beta(x, r - 1));
      this.advance(a + m);
      this.save(slotA + 1);
      this.push(Left, a, a + m, slotA, x);
      this.push(Range, a + m, b, slotA + 1, x - 1);
    } else if (kind === Left) {
      this.restore(slotA, a);
      this.push(Range, a, b, slotA, x);
    } else {
      // Sweep: reverse step x from the state at a, then the ones before it
      if (this.position !== a) this.restore(slotA, a);
      this.advance(x);
      this.reverse(x);
      if (x > a) this.push(Sweep, a, b, slotA, x - 1);
    }
  }

  private push(kind: number, a: number, b: number, slot: number, x: number): void {
    if ((this.depth + 1) * 5 > this.stack.length) {
      const grown = new Int32Array(this.stack.length * 2);
      grown.set(this.stack);
      this.stack = grown;
    }
    const top = this.depth++ * 5;
    const st = this.stack;
    st[top] = kind;
    st[top + 1] = a;
    st[top + 2] = b;
    st[top + 3] = slot;
    st[top + 4] = x;
  }

  private emit(op: number, a: number, b: number): void {
    this.queue.push(op, a, b);
  }

  private save(slot: number): void {
    if (this.forwardPhase) {
      this.lastShotStep = this.position;
      this.lastShotSlot = slot;
      this.emit(ForwardSave, slot, this.position);
    } else {
      this.emit(Op.Save, slot, this.position);
    }
  }

  private advance(to: number): void {
    if (to === this.position) return;
    if (!this.forwardPhase) {
      this.emit(Op.Advance, this.position, to);
      this.recomputed += to - this.position;
    }
    this.position = to;
  }

  private restore(slot: number, step: number): void {
    this.emit(Op.Restore, slot, step);
    this.position = step;
  }

  private reverse(step: number): void {
    if (this.forwardPhase) {
      // The forward sweep ran on to the end; come back to this step from the last saved state.
      this.forwardPhase = false;
      this.restore(this.lastShotSlot, this.lastShotStep);
      this.advance(step);
    }
    this.emit(Op.Reverse, step, step + 1);
    this.position = -1;
  }
}

/** Segment kinds on Revolve's stack: [kind, a, b, slotA, x]. */
const Range = 0; // reverse a..b-1; x = free snapshots
const Left = 1; // after the right part: restore a, then reverse a..b-1 with x free
const Sweep = 2; // no snapshot free: reverse step x, then x-1, … down to a

/**
 * Snapshots when `// @checkpoint` does not say: 2⌈log₂ T⌉, so memory grows with log T while each
 * step runs forward a handful of times (T = 10,000: 28 states, every step at most 5 times).
 */
export function defaultSnapshots(steps: number): number {
  return 2 * Math.ceil(Math.log2(Math.max(steps, 2)));
}

/** C(s + r, s): the most steps that s free snapshots reverse with r forward runs of each step. */
function beta(s: number, r: number): number {
  if (r < 0) return 0;
  let b = 1;
  for (let i = 1; i <= s; i++) b = (b * (r + i)) / i;
  return Math.round(b);
}

/** The whole schedule at once (for tests and reports; generated code streams it through Checkpoints). */
export function schedule(steps: number, snapshots: number): Schedule {
  const r = new Revolve();
  r.start(steps, snapshots);
  const shots: number[] = [];
  const ops: number[] = [];
  for (let op = r.next(); op !== Op.Done; op = r.next()) {
    if (op === ForwardSave) shots.push(r.b, r.a);
    else ops.push(op, r.a, r.b);
  }
  return { steps, snapshots, shots: Int32Array.from(shots), ops: Int32Array.from(ops), recomputed: r.recomputed };
}
