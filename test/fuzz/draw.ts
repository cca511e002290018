/** The random choices of the program generators, deterministic in the seed. */
import { rng } from '../harness.js';

export class Draw {
  protected readonly r: () => number;
  private next = 0;

  constructor(seed: number) {
    this.r = rng(seed);
  }

  protected int(n: number): number {
    return Math.floor(this.r() * n);
  }
  protected chance(p: number): boolean {
    return this.r() < p;
  }
  protected pick<T>(xs: readonly T[]): T {
    return xs[this.int(xs.length)];
  }
  /** A name not used before in this program: `base` and a serial number. */
  protected fresh(base: string): string {
    return `${base}${this.next++}`;
  }
}
