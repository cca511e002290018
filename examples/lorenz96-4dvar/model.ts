/**
 * The Lorenz-96 model (Lorenz 1996): N variables on a circle, each forced, damped and advected by
 * its neighbours,
 *
 *     dxᵢ/dt = (xᵢ₊₁ − xᵢ₋₂)·xᵢ₋₁ − xᵢ + F,   indices mod N,   F = 8 (chaotic),
 *
 * stepped with fourth-order Runge–Kutta, and the 4D-Var cost of an initial state. Plain
 * TypeScript: tsgrad differentiates it as written (assimilate.ts).
 */

export const F = 8;

/** The tendency dx/dt into `out`. */
export function tendency(x: Float64Array, out: Float64Array): void {
  const n = x.length;
  for (let i = 0; i < n; i++) {
    out[i] = (x[(i + 1) % n] - x[(i + n - 2) % n]) * x[(i + n - 1) % n] - x[i] + F;
  }
}

/** One RK4 step of length dt, in place; k1…k4 and tmp are scratch arrays as long as x. */
export function rk4Step(x: Float64Array, dt: number, k1: Float64Array, k2: Float64Array, k3: Float64Array, k4: Float64Array, tmp: Float64Array): void {
  const n = x.length;
  tendency(x, k1);
  for (let i = 0; i < n; i++) tmp[i] = x[i] + 0.5 * dt * k1[i];
  tendency(tmp, k2);
  for (let i = 0; i < n; i++) tmp[i] = x[i] + 0.5 * dt * k2[i];
  tendency(tmp, k3);
  for (let i = 0; i < n; i++) tmp[i] = x[i] + dt * k3[i];
  tendency(tmp, k4);
  for (let i = 0; i < n; i++) x[i] = x[i] + (dt / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]);
}

/** The model M: the state after `steps` RK4 steps from x0 (x0 is not changed). */
export function forecast(x0: Float64Array, steps: number, dt: number): Float64Array {
  const n = x0.length;
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = x0[i];
  const k1 = new Float64Array(n);
  const k2 = new Float64Array(n);
  const k3 = new Float64Array(n);
  const k4 = new Float64Array(n);
  const tmp = new Float64Array(n);
  // @checkpoint
  for (let t = 0; t < steps; t++) rk4Step(x, dt, k1, k2, k3, k4, tmp);
  return x;
}

/**
 * Observations along a window: after every `every` steps, the variables listed in `observed`.
 * values[k·m + j] observes variable observed[j] after (k + 1)·every steps (m = observed.length).
 */
export interface Window {
  readonly steps: number;
  readonly dt: number;
  readonly every: number;
  readonly observed: Int32Array;
  readonly values: Float64Array;
  /** Background (prior) state and its error standard deviation; observation error. */
  readonly background: Float64Array;
  readonly sigmaB: number;
  readonly sigmaO: number;
}

/** One step of the window: advance x (step t, from 1) and return the squared misfit of its observations, if any. */
function stepMisfit(x: Float64Array, t: number, w: Window, k1: Float64Array, k2: Float64Array, k3: Float64Array, k4: Float64Array, tmp: Float64Array): number {
  rk4Step(x, w.dt, k1, k2, k3, k4, tmp);
  let misfit = 0;
  if (t % w.every === 0) {
    const m = w.observed.length;
    const k = t / w.every - 1;
    for (let j = 0; j < m; j++) {
      const d = x[w.observed[j]] - w.values[k * m + j];
      misfit += d * d;
    }
  }
  return misfit;
}

/** ‖a − b‖² */
function squaredDistance(a: Float64Array, b: Float64Array): number {
  let d2 = 0;
  for (let i = 0; i < a.length; i++) d2 += (a[i] - b[i]) * (a[i] - b[i]);
  return d2;
}

/**
 * The 4D-Var cost of an initial state: J(x0) = ½‖x0 − xb‖²/σb² + ½ Σ (H M_t x0 − y_t)²/σo²,
 * the distance to the background plus the misfit to every observation in the window. The time
 * loop is reversed with binomial checkpointing: the adjoint keeps 2⌈log₂(steps)⌉ model states,
 * not every intermediate value of every step.
 */
export function cost(x0: Float64Array, w: Window): number {
  const n = x0.length;
  const Jb = squaredDistance(x0, w.background);
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = x0[i];
  const k1 = new Float64Array(n);
  const k2 = new Float64Array(n);
  const k3 = new Float64Array(n);
  const k4 = new Float64Array(n);
  const tmp = new Float64Array(n);
  let Jo = 0;
  // @checkpoint
  for (let t = 1; t <= w.steps; t++) Jo += stepMisfit(x, t, w, k1, k2, k3, k4, tmp);
  return (0.5 * Jb) / (w.sigmaB * w.sigmaB) + (0.5 * Jo) / (w.sigmaO * w.sigmaO);
}

/** The same cost without `// @checkpoint`: reverse mode tapes every step (for comparison). */
export function costTaped(x0: Float64Array, w: Window): number {
  const n = x0.length;
  const Jb = squaredDistance(x0, w.background);
  const x = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = x0[i];
  const k1 = new Float64Array(n);
  const k2 = new Float64Array(n);
  const k3 = new Float64Array(n);
  const k4 = new Float64Array(n);
  const tmp = new Float64Array(n);
  let Jo = 0;
  for (let t = 1; t <= w.steps; t++) Jo += stepMisfit(x, t, w, k1, k2, k3, k4, tmp);
  return (0.5 * Jb) / (w.sigmaB * w.sigmaB) + (0.5 * Jo) / (w.sigmaO * w.sigmaO);
}
