import { Checkpoints } from './checkpoint.js';

/**
 * Stacks that generated reverse-mode code pushes to in the forward sweep and pops from in the
 * reverse sweep. One `Tape` is created per generated function (hoisted beside it) and reused
 * across calls: `reset()` at entry, so steady-state calls allocate nothing.
 *
 * keep in sync with compiler/passes/reverseMode.ts and checkpointLoops.ts (method names `push`, `pop`, `pushInt`, …).
 */

/**
 * Float64 values (any number: overwritten primal values, loop-carried state), control decisions,
 * array references, and the saved states of `// @checkpoint` loops (checkpoint.ts).
 */
export class Tape {
  private f = new Float64Array(1024);
  private nf = 0;
  private i = new Int32Array(256);
  private ni = 0;
  private r: unknown[] = [];
  private loops = new Map<number, Checkpoints>();

  constructor() {
    tapes.add(this);
  }

  /** Empty all stacks; called at the start of each generated gradient. */
  reset(): void {
    this.nf = 0;
    this.ni = 0;
    this.r.length = 0;
  }

  push(v: number): void {
    if (this.nf === this.f.length) this.f = grow(this.f, new Float64Array(this.f.length * 2));
    this.f[this.nf++] = v;
  }

  pop(): number {
    return this.f[--this.nf];
  }

  /** Control decisions: branch taken, loop trip counts. */
  pushInt(v: number): void {
    if (this.ni === this.i.length) this.i = grow(this.i, new Int32Array(this.i.length * 2));
    this.i[this.ni++] = v;
  }

  popInt(): number {
    return this.i[--this.ni];
  }

  /**
   * An integer a number variable holds (an array's length, a bitwise result), on the integer
   * stack so that it comes back as one. Lengths past int32 would wrap: refused, not corrupted.
   */
  pushLength(v: number): void {
    if (v > 0x7fffffff) throw new RangeError(`tsgrad: a length of ${v} does not fit the tape's integers (at most 2^31 - 1)`);
    this.pushInt(v);
  }

  /** Array references (arrays allocated inside loops) and their adjoints. */
  pushRef(v: unknown): void {
    this.r.push(v);
  }

  popRef<T>(): T {
    return this.r.pop() as T;
  }

  /** The saved states and schedule of the `// @checkpoint` loop with this id, kept across calls. */
  checkpoints(loop: number): Checkpoints {
    let c = this.loops.get(loop);
    if (!c) this.loops.set(loop, (c = new Checkpoints()));
    return c;
  }

  /** Bytes held by the stacks and saved states (capacity, not use): for memory reports. */
  get bytes(): number {
    let bytes = this.f.byteLength + this.i.byteLength + 8 * this.r.length;
    for (const c of this.loops.values()) bytes += 8 * c.size;
    return bytes;
  }

  /** Entries currently held (floats, ints, refs): for tests and memory reports. */
  get size(): { floats: number; ints: number; refs: number } {
    return { floats: this.nf, ints: this.ni, refs: this.r.length };
  }
}

function grow<T extends Float64Array | Int32Array>(from: T, to: T): T {
  to.set(from);
  return to;
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
