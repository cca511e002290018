// `// @checkpoint` loops (test/checkpoint.test.ts): each checkpointed function has a twin without
// the comment, which reverse mode tapes; the two gradients must agree, and both match finite
// differences.
import { grad, hvp, valueAndGrad, vjp } from 'tsgrad';

// A nonlinear map on an array state and a running misfit: the time loop of a small model.
function relax(x: Float64Array, k: number): void {
  const n = x.length;
  for (let i = 0; i < n; i++) {
    const left = x[(i + n - 1) % n];
    x[i] = x[i] + k * (Math.sin(left) - 0.3 * x[i] * x[i]);
  }
}

/** One step of the chain functions below: relax x, return the step's misfit. */
function chainStep(x: Float64Array, k: number, t: number): number {
  relax(x, k);
  return x[0] * x[1] + 0.1 * t * x[2];
}

export function chain(x0: Float64Array, k: number, steps: number): number {
  const x = new Float64Array(x0.length);
  for (let i = 0; i < x.length; i++) x[i] = x0[i];
  let J = 0;
  // @checkpoint snapshots=3
  for (let t = 0; t < steps; t++) J += chainStep(x, k, t);
  return J;
}

export function chainTaped(x0: Float64Array, k: number, steps: number): number {
  const x = new Float64Array(x0.length);
  for (let i = 0; i < x.length; i++) x[i] = x0[i];
  let J = 0;
  for (let t = 0; t < steps; t++) J += chainStep(x, k, t);
  return J;
}

// The default number of snapshots, and a single one (every step recomputed from the start).
export function chainDefault(x0: Float64Array, k: number, steps: number): number {
  const x = new Float64Array(x0.length);
  for (let i = 0; i < x.length; i++) x[i] = x0[i];
  let J = 0;
  // @checkpoint
  for (let t = 0; t < steps; t++) J += chainStep(x, k, t);
  return J;
}

export function chainOne(x0: Float64Array, k: number, steps: number): number {
  const x = new Float64Array(x0.length);
  for (let i = 0; i < x.length; i++) x[i] = x0[i];
  let J = 0;
  // @checkpoint snapshots=1
  for (let t = 0; t < steps; t++) J += chainStep(x, k, t);
  return J;
}

// Scalar state only, a counter running down by 2 from a computed start, and a bound expression.
export function logistic(r: number, x0: number, n: number): number {
  let x = x0;
  let s = 0;
  /* @checkpoint snapshots=2 */
  for (let t = 2 * n + 1; t > 1; t -= 2) {
    x = r * x * (1 - x);
    s = s + x * t;
  }
  return s + x;
}

export function logisticTaped(r: number, x0: number, n: number): number {
  let x = x0;
  let s = 0;
  for (let t = 2 * n + 1; t > 1; t -= 2) {
    x = r * x * (1 - x);
    s = s + x * t;
  }
  return s + x;
}

// Everything at once: a boolean and a number carried from one step to the next, a branch on
// them, `continue`, a scratch array allocated in each step, a number[] and an Int32Array state.
function mixedBody(x: Float64Array, hist: number[], seen: Int32Array, w: number, t: number, up: boolean, last: number): number {
  const scratch = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) scratch[i] = Math.tanh(w * x[i] + last);
  let gain = 0;
  for (let i = 0; i < x.length; i++) {
    if (seen[i] > 2 && i % 2 === 0) continue;
    x[i] = up ? x[i] + 0.2 * scratch[i] : x[i] - 0.1 * scratch[i] * x[i];
    gain += x[i];
    seen[i] = seen[i] + 1;
  }
  hist[t % hist.length] = hist[t % hist.length] * 0.5 + gain;
  return gain;
}

export function mixed(x0: Float64Array, w: number, steps: number): number {
  const x = new Float64Array(x0.length);
  for (let i = 0; i < x.length; i++) x[i] = x0[i];
  const hist = [0, 0, 0];
  const seen = new Int32Array(x.length);
  let up = true;
  let last = 0.1;
  let total = 0;
  // @checkpoint snapshots=4
  for (let t = 1; t <= steps; t++) {
    const gain = mixedBody(x, hist, seen, w, t, up, last);
    up = gain < last;
    last = 0.5 * gain;
    total += gain * gain;
  }
  return total + hist[0] * hist[1] + hist[2];
}

export function mixedTaped(x0: Float64Array, w: number, steps: number): number {
  const x = new Float64Array(x0.length);
  for (let i = 0; i < x.length; i++) x[i] = x0[i];
  const hist = [0, 0, 0];
  const seen = new Int32Array(x.length);
  let up = true;
  let last = 0.1;
  let total = 0;
  for (let t = 1; t <= steps; t++) {
    const gain = mixedBody(x, hist, seen, w, t, up, last);
    up = gain < last;
    last = 0.5 * gain;
    total += gain * gain;
  }
  return total + hist[0] * hist[1] + hist[2];
}

// A model run returning its final state (vjp), and a loop preceded by code that reads a value
// the loop overwrites (its pre-loop value must be back when the reverse sweep reaches that code).
export function run(x0: Float64Array, k: number, steps: number): Float64Array {
  const x = new Float64Array(x0.length);
  let m = k * k;
  for (let i = 0; i < x.length; i++) x[i] = x0[i] * m;
  // @checkpoint snapshots=2
  for (let t = 0; t < steps; t++) {
    relax(x, k);
    m = x[0];
  }
  for (let i = 0; i < x.length; i++) x[i] = x[i] * m;
  return x;
}

export function runTaped(x0: Float64Array, k: number, steps: number): Float64Array {
  const x = new Float64Array(x0.length);
  let m = k * k;
  for (let i = 0; i < x.length; i++) x[i] = x0[i] * m;
  for (let t = 0; t < steps; t++) {
    relax(x, k);
    m = x[0];
  }
  for (let i = 0; i < x.length; i++) x[i] = x[i] * m;
  return x;
}

export const chain_grad = grad(chain, [0, 1]);
export const chainTaped_grad = grad(chainTaped, [0, 1]);
export const chainDefault_grad = grad(chainDefault, [0, 1]);
export const chainOne_grad = grad(chainOne, [0, 1]);
export const chain_hvp = hvp(chain);
export const chainTaped_hvp = hvp(chainTaped);
export const logistic_vg = valueAndGrad(logistic, [0, 1]);
export const logisticTaped_vg = valueAndGrad(logisticTaped, [0, 1]);
export const mixed_grad = grad(mixed, [0, 1]);
export const mixedTaped_grad = grad(mixedTaped, [0, 1]);
export const run_vjp = (x0: Float64Array, k: number, steps: number) => vjp(run, x0, k, steps);
export const runTaped_vjp = (x0: Float64Array, k: number, steps: number) => vjp(runTaped, x0, k, steps);

/**
 * The loop only reads `w` and `c`, and code after it writes `w` and reassigns `c`: the reverse
 * sweep re-ran steps with the later values (fuzz seed 400900: a gradient where the true one is 0).
 */
export function readThenChanged(x0: Float64Array, w: Float64Array, c: number, steps: number): number {
  let s = x0[0];
  // @checkpoint snapshots=2
  for (let t = 0; t < steps; t++) {
    s = Math.sin(s * w[t % w.length] + c);
  }
  for (let i = 0; i < w.length; i++) w[i] = 2 * w[i] + 1;
  c = c * 3;
  return s + w[0] * c;
}
export function readThenChangedTaped(x0: Float64Array, w: Float64Array, c: number, steps: number): number {
  let s = x0[0];
  for (let t = 0; t < steps; t++) {
    s = Math.sin(s * w[t % w.length] + c);
  }
  for (let i = 0; i < w.length; i++) w[i] = 2 * w[i] + 1;
  c = c * 3;
  return s + w[0] * c;
}
export const readThenChanged_grad = grad(readThenChanged, [0, 1, 2]);
export const readThenChangedTaped_grad = grad(readThenChangedTaped, [0, 1, 2]);

/**
 * Another name for the state taken in each step (`const r = x`, after the step's write), read
 * through it by index and by reduce: it names the saved state's own array, no state of its own
 * (fuzz seed 932470 was rejected). x is given a new array before the loop, so it is a variable
 * tsgrad does not fold into its one value.
 */
export function aliased(x0: number[], k: number, steps: number): number {
  let x = [...x0];
  x = x.map((v) => 0.5 * v);
  let s = 0;
  // @checkpoint snapshots=2
  for (let t = 0; t < steps; t++) {
    x[t % x.length] = Math.sin(x[(t + 1) % x.length] * k) + 0.5 * x[t % x.length];
    const r = x;
    s += r.reduce((a, v) => a + v * v, 0) * k + r[(t + 2) % r.length];
  }
  return s + x[0];
}
export function aliasedTaped(x0: number[], k: number, steps: number): number {
  let x = [...x0];
  x = x.map((v) => 0.5 * v);
  let s = 0;
  for (let t = 0; t < steps; t++) {
    x[t % x.length] = Math.sin(x[(t + 1) % x.length] * k) + 0.5 * x[t % x.length];
    const r = x;
    s += r.reduce((a, v) => a + v * v, 0) * k + r[(t + 2) % r.length];
  }
  return s + x[0];
}
export const aliased_grad = grad(aliased, [0, 1]);
export const aliasedTaped_grad = grad(aliasedTaped, [0, 1]);
