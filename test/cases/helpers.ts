// Helpers imported by calls.ts. Nothing here calls grad itself.

export function cube(x: number): number {
  return x * x * x;
}

/** Returns early from inside a loop. */
export function firstAbove(a: Float64Array, limit: number): number {
  for (let i = 0; i < a.length; i++) {
    if (a[i] * a[i] > limit) return a[i] * limit;
  }
  return 0;
}

/** Writes into its array parameter, returns nothing. */
export function scaleInto(out: Float64Array, a: Float64Array, x: number): void {
  for (let i = 0; i < a.length; i++) out[i] = Math.tanh(a[i] * x);
}

export const softplus = (x: number): number => Math.log1p(Math.exp(x));

/** Calls a helper of this file that calls.ts does not import. */
export function poly(x: number): number {
  return cube(x) - 2 * square(x) + 1;
}

function square(x: number): number {
  return x * x;
}

/** Reads a module-level numeric constant. */
const SCALE = 2.5;
export function scaled(x: number): number {
  return x * SCALE;
}

/** A function differentiated from another file: grad(loss) in calls.ts. */
export function loss(w: Float64Array, x: number): number {
  let s = 0;
  for (let i = 0; i < w.length; i++) s += softplus(w[i] * x - i) + cube(w[i]) * 0.1;
  return s;
}

/** Module-level constants imported by calls.ts and read inside a differentiated function there. */
export const TABLE = new Float64Array([0.5, -1.5, 2]);
export const SHIFT = Math.sqrt(2);
