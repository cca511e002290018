/**
 * Checks a benchmark runs before it times anything: two gradients of the same function agree with
 * each other, and with central finite differences in float64 along a few random directions.
 */
import { rng } from '../test/random.js';

export type Grads = readonly ArrayLike<number>[];

export interface GradientCheck {
  /** The active arguments, as they are passed. */
  inputs: readonly ArrayLike<number>[];
  /** The function at other values of the active arguments (the rest held fixed). */
  value: (inputs: Float64Array[]) => number;
  /** Named gradients with respect to the active arguments, in their order; the first is the reference for agreement. */
  grads: readonly (readonly [string, () => Grads])[];
}

export interface CheckResult {
  /** max |g - reference| / max |reference| over every other gradient. */
  agreement: number;
  /** Per direction v: |Σ g·v - fd| / Σ |g·v|, worst over the gradients. */
  directional: number[];
}

const flat = (gs: Grads): number[] => gs.flatMap((g) => Array.from(g));

/** Compares the gradients, then each with (f(x + hv) - f(x - hv)) / 2h for `directions` random v. */
export function checkGradients(c: GradientCheck, directions = 3, seed = 7, h = 1e-7): CheckResult {
  const gs = c.grads.map(([, g]) => flat(g()));
  const ref = gs[0];
  const scale = Math.max(...ref.map(Math.abs));
  let agreement = 0;
  for (const g of gs.slice(1)) {
    if (g.length !== ref.length) return { agreement: Infinity, directional: [] };
    for (let t = 0; t < g.length; t++) agreement = Math.max(agreement, Math.abs(g[t] - ref[t]) / scale);
  }
  const r = rng(seed);
  const directional: number[] = [];
  for (let dir = 0; dir < directions; dir++) {
    const v = c.inputs.map((x) => Float64Array.from({ length: x.length }, () => 2 * r() - 1));
    // a step relative to each input's size, so that large and small inputs move alike
    const step = c.inputs.map((x) => h * Math.max(1, ...Array.from(x, Math.abs)));
    const at = (sign: number): number => c.value(c.inputs.map((x, a) => Float64Array.from(x, (xi, i) => xi + sign * step[a] * v[a][i])));
    const fd = (at(1) - at(-1)) / 2;
    const dv = flat(v.map((va, a) => va.map((vi) => vi * step[a])));
    let worst = 0;
    for (const g of gs) {
      let dot = 0;
      let mag = 0;
      for (let t = 0; t < g.length; t++) {
        dot += g[t] * dv[t];
        mag += Math.abs(g[t] * dv[t]);
      }
      worst = Math.max(worst, Math.abs(dot - fd) / mag);
    }
    directional.push(Number.isNaN(worst) ? Infinity : worst);
  }
  return { agreement, directional };
}
