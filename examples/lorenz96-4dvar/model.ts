/**
 * The Lorenz-96 model (Lorenz 1996): N variables on a circle, each forced, damped and advected by
 * its neighbours,
 *
 *     dxᵢ/dt = (xᵢ₊₁ − xᵢ₋₂)·xᵢ₋₁ − xᵢ + F,   indices mod N,   F = 8 (chaotic),
 *
 * stepped with fourth-order Runge–Kutta, and the 4D-Var cost of an initial state. Plain
 * TypeScript, helpers returning new arrays (map), the state given each step's result: tsgrad
 * differentiates it as written (assimilate.ts).
 */

export const F = 8;

/** The tendency dx/dt. */
export function tendency(x: number[]): number[] {
  const n = x.length;
  return x.map((xi, i) => (x[(i + 1) % n] - x[(i + n - 2) % n]) * x[(i + n - 1) % n] - xi + F);
}

/** y + a·x */
const axpy = (a: number, x: number[], y: number[]): number[] => y.map((yi, i) => yi + a * x[i]);

/** One RK4 step of length dt. */
export function rk4Step(x: number[], dt: number): number[] {
  const k1 = tendency(x);
  const k2 = tendency(axpy(dt / 2, k1, x));
  const k3 = tendency(axpy(dt / 2, k2, x));
  const k4 = tendency(axpy(dt, k3, x));
  return x.map((xi, i) => xi + (dt / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]));
}

/** The model M: the state after `steps` RK4 steps from x0 (x0 is not changed). */
export function forecast(x0: number[], steps: number, dt: number): number[] {
  let x = x0;
  // @checkpoint
  for (let t = 0; t < steps; t++) x = rk4Step(x, dt);
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
  readonly background: number[];
  readonly sigmaB: number;
  readonly sigmaO: number;
}

/** The squared misfit of the observations after step t (from 1): none between observation times. */
function misfit(x: number[], t: number, w: Window): number {
  if (t % w.every !== 0) return 0;
  const k = t / w.every - 1;
  const m = w.observed.length;
  return w.observed.reduce((sum, v, j) => sum + (x[v] - w.values[k * m + j]) ** 2, 0);
}

/** ‖a − b‖² */
const squaredDistance = (a: number[], b: number[]): number => a.reduce((sum, ai, i) => sum + (ai - b[i]) ** 2, 0);

/**
 * The 4D-Var cost of an initial state: J(x0) = ½‖x0 − xb‖²/σb² + ½ Σ (H M_t x0 − y_t)²/σo²,
 * the distance to the background plus the misfit to every observation in the window. The time
 * loop is reversed with binomial checkpointing: the adjoint keeps 2⌈log₂(steps)⌉ model states,
 * not every intermediate value of every step.
 */
export function cost(x0: number[], w: Window): number {
  let x = x0;
  let Jo = 0;
  // @checkpoint
  for (let t = 1; t <= w.steps; t++) {
    x = rk4Step(x, w.dt);
    Jo += misfit(x, t, w);
  }
  return (0.5 * squaredDistance(x0, w.background)) / w.sigmaB ** 2 + (0.5 * Jo) / w.sigmaO ** 2;
}

/** The same cost without `// @checkpoint`: reverse mode tapes every step (for comparison). */
export function costTaped(x0: number[], w: Window): number {
  let x = x0;
  let Jo = 0;
  for (let t = 1; t <= w.steps; t++) {
    x = rk4Step(x, w.dt);
    Jo += misfit(x, t, w);
  }
  return (0.5 * squaredDistance(x0, w.background)) / w.sigmaB ** 2 + (0.5 * Jo) / w.sigmaO ** 2;
}
