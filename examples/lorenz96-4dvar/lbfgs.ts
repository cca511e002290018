/**
 * Limited-memory BFGS (Nocedal & Wright, Numerical Optimization, algorithms 7.4 and 7.5): the
 * two-loop recursion over the last `memory` steps, and a backtracking line search on the Armijo
 * condition. Only needs the value and gradient of the function (here from tsgrad).
 */

export interface LbfgsOptions {
  readonly memory?: number;
  readonly maxIterations?: number;
  /** Stop when ‖g‖ has dropped by this factor from the start. */
  readonly gradientTolerance?: number;
  readonly onIteration?: (iteration: number, value: number, gradientNorm: number) => void;
}

export interface LbfgsResult {
  readonly x: number[];
  readonly value: number;
  readonly iterations: number;
  /** Calls of valueAndGrad. */
  readonly evaluations: number;
}

/** Σ aᵢ bᵢ */
export const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

export function lbfgs(valueAndGrad: (x: number[]) => [number, number[]], start: number[], options: LbfgsOptions = {}): LbfgsResult {
  const memory = options.memory ?? 7;
  const maxIterations = options.maxIterations ?? 100;
  const tolerance = options.gradientTolerance ?? 1e-6;
  const n = start.length;
  let x = [...start];
  let [f, g] = valueAndGrad(x);
  let evaluations = 1;
  const g0 = Math.sqrt(dot(g, g));
  const pairs: { s: number[]; y: number[]; rho: number }[] = [];
  options.onIteration?.(0, f, g0);
  let iteration = 0;
  while (iteration < maxIterations && Math.sqrt(dot(g, g)) > tolerance * g0) {
    // direction d = −H g by the two-loop recursion
    const q = [...g];
    const alphas: number[] = [];
    for (let k = pairs.length - 1; k >= 0; k--) {
      const { s, y, rho } = pairs[k];
      const a = rho * dot(s, q);
      alphas[k] = a;
      for (let i = 0; i < n; i++) q[i] -= a * y[i];
    }
    const last = pairs[pairs.length - 1];
    const gamma = last ? dot(last.s, last.y) / dot(last.y, last.y) : 1 / Math.sqrt(dot(g, g));
    for (let i = 0; i < n; i++) q[i] *= gamma;
    for (let k = 0; k < pairs.length; k++) {
      const { s, y, rho } = pairs[k];
      const b = rho * dot(y, q);
      for (let i = 0; i < n; i++) q[i] += s[i] * (alphas[k] - b);
    }
    const d = q.map((v) => -v);
    let slope = dot(g, d);
    if (slope >= 0) {
      // not a descent direction (numerical trouble): restart from steepest descent
      pairs.length = 0;
      for (let i = 0; i < n; i++) d[i] = -g[i] / Math.sqrt(dot(g, g));
      slope = dot(g, d);
    }
    // backtracking line search: f(x + t d) ≤ f(x) + 1e-4 · t · gᵀd
    let t = 1;
    let next: number[];
    let fNext: number;
    let gNext: number[];
    for (;;) {
      next = x.map((xi, i) => xi + t * d[i]);
      [fNext, gNext] = valueAndGrad(next);
      evaluations++;
      if (fNext <= f + 1e-4 * t * slope || t < 1e-10) break;
      t *= 0.5;
    }
    const s = next.map((v, i) => v - x[i]);
    const y = gNext.map((v, i) => v - g[i]);
    const sy = dot(s, y);
    if (sy > 1e-12 * Math.sqrt(dot(s, s) * dot(y, y))) {
      pairs.push({ s, y, rho: 1 / sy });
      if (pairs.length > memory) pairs.shift();
    }
    x = next;
    f = fNext;
    g = gNext;
    iteration++;
    options.onIteration?.(iteration, f, Math.sqrt(dot(g, g)));
  }
  return { x, value: f, iterations: iteration, evaluations };
}
