import { Checkpoints } from './checkpoint.js';

/**
 * Stacks that generated reverse-mode code pushes to in the forward sweep and pops from in the
 * reverse sweep. One `Tape` is created per generated function (hoisted beside it) and reused
 * across calls: `reset()` at entry, so steady-state calls allocate nothing.
 *
 * Generated code uses the number stacks directly, by index with a local top: `floats[nf++] = p`
 * and `p = floats[--nf]` (compiler/passes/indexedTape.ts). A method of this class called from a
 * large derivative function may stay a call (the function's inlining budget is spent), and an
 * array's own push and pop resize it as it fills and empties: either made the tape most of a
 * gradient's time. Written by index, `floats` and `ints` keep the length of the deepest tape a
 * call needed, and the next call writes over it. `refs` keeps push and pop.
 *
 * Other representations, measured on the GMM gradient at d=2 (bench/, the tape's heaviest user;
 * tsgrad/hand-written 1.15 with these arrays): a Float64Array that V8 sees as a constant (a
 * module-level `const`, or a field never assigned again) gives 1.07, but as soon as it is replaced
 * by a larger one, which a tape must be able to do, it gives 1.16-1.22. None of the growable
 * typed variants does better: a fresh view per call over a kept ArrayBuffer 1.16-1.18, a resizable
 * ArrayBuffer 1.41 (Node 20), a Float64Array allocated per call 1.24, a capacity check before
 * every push 1.14-1.15. An array grown beforehand, so that no write of the first call grows it,
 * gives 1.13 (V8 compiles the writes without the growing path), but some call has to grow it
 * first.
 *
 * keep in sync with compiler/passes/reverseMode.ts (TAPE_STACKS) and checkpointLoops.ts.
 */

/**
 * Float64 values (any number: overwritten primal values, loop-carried state), integers (control
 * decisions, trip counts, lengths), array references, and the saved states of `// @checkpoint`
 * loops (checkpoint.ts).
 */
export class Tape {
  /** Numbers; an array of doubles from the start, so that it never changes representation. */
  readonly floats: number[] = [0.5];
  /** Branches taken, loop trip counts, lengths: small integers. */
  readonly ints: number[] = [];
  /** Array references (arrays allocated inside loops) and their adjoints. */
  readonly refs: unknown[] = [];
  private loops = new Map<number, Checkpoints>();
  /** The most entries held at once, as of the last `mark()`: for memory reports. */
  private peak = 0;

  /** `registered`: counted by tapeMemory (the tapes hoisted beside generated functions; not a companion's per-call tape). */
  constructor(registered = true) {
    this.floats.pop();
    if (registered) tapes.add(this);
  }

  /** Called at the start of each generated gradient: `refs` emptied (it is empty unless the last call threw); the number stacks are written over. */
  reset(): void {
    if (this.refs.length > 0) this.refs.length = 0;
  }

  /** Note how much the stacks hold (generated code calls it where they hold the most: the end of a forward sweep); the number stacks' lengths are the most any call needed. */
  mark(): void {
    const held = this.floats.length + this.ints.length + this.refs.length;
    if (held > this.peak) this.peak = held;
  }

  /** The saved states and schedule of the `// @checkpoint` loop with this id, kept across calls. */
  checkpoints(loop: number): Checkpoints {
    let c = this.loops.get(loop);
    if (!c) this.loops.set(loop, (c = new Checkpoints()));
    return c;
  }

  /** Bytes held by the stacks at their fullest (8 per entry) and by saved states: for memory reports. */
  get bytes(): number {
    let bytes = 8 * this.peak;
    for (const c of this.loops.values()) bytes += 8 * c.size;
    return bytes;
  }

  /** The stacks' lengths (floats, ints: the most any call needed; refs: entries held now): for tests and memory reports. */
  get size(): { floats: number; ints: number; refs: number } {
    return { floats: this.floats.length, ints: this.ints.length, refs: this.refs.length };
  }
}

/** Every tape created (one per generated function, module-level, so they live as long as the program). */
const tapes = new Set<Tape>();

/**
 * Bytes held by all tapes and saved states (capacities, which never shrink: after a call, what
 * that call needed at its peak). For memory reports such as examples/lorenz96-4dvar.
 */
export function tapeMemory(): number {
  let bytes = 0;
  for (const t of tapes) bytes += t.bytes;
  return bytes;
}
