/**
 * Lorenz-96 (dxᵢ/dt = (xᵢ₊₁ − xᵢ₋₂)·xᵢ₋₁ − xᵢ + F, indices mod n), RK4 in place over Float64Arrays
 * (test/cases/idiomatic/subset.ts's lorenz96Loop), and the cost |x(T)|² of the final state, with
 * tsgrad's gradient and one written by hand. No Node imports (the tests compile this file in memory).
 */
import { grad } from 'tsgrad';
import { lorenz96Loop } from '../../test/cases/idiomatic/subset.js';

/** |x(T)|² after `steps` RK4 steps of length dt from x0, forcing F. */
export function lorenz96Cost(x0: number[], forcing: number, dt: number, steps: number): number {
  const x = lorenz96Loop(x0, forcing, dt, steps);
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return s;
}

/** tsgrad's gradient with respect to x0. */
export const lorenz96CostGrad = grad(lorenz96Cost, 0);

/** The stage points of lorenz96CostGradByHand, kept across calls. */
let pointStore = new Float64Array(0);

/**
 * The gradient with respect to x0, written by hand. Stage s of a step evaluates the tendency k_s at
 * the point tmp_s = x + a_s·k_{s-1} (a = 0, dt/2, dt/2, dt); the step adds dt/6·(k₀ + 2k₁ + 2k₂ + k₃).
 * The forward sweep keeps every stage's point (4·n values a step: all the adjoint of the tendency
 * reads); the reverse sweep runs the stages' adjoints backwards from them, recomputing nothing.
 */
export function lorenz96CostGradByHand(x0: number[], forcing: number, dt: number, steps: number): number[] {
  const n = x0.length;
  const a = [0, dt / 2, dt / 2, dt];
  const weight = [dt / 6, dt / 3, dt / 3, dt / 6];
  // tmp_s of step t at (4t + s)·n; kept across calls, as tsgrad keeps its tape
  if (pointStore.length < steps * 4 * n) pointStore = new Float64Array(steps * 4 * n);
  const points = pointStore;
  const x = Float64Array.from(x0);
  const k = new Float64Array(4 * n);
  for (let t = 0; t < steps; t++) {
    for (let s = 0; s < 4; s++) {
      const at = (4 * t + s) * n;
      for (let i = 0; i < n; i++) points[at + i] = s === 0 ? x[i] : x[i] + a[s] * k[(s - 1) * n + i];
      for (let i = 0; i < n; i++) {
        const ip1 = i + 1 < n ? i + 1 : 0;
        const im1 = i > 0 ? i - 1 : n - 1;
        const im2 = i > 1 ? i - 2 : i + n - 2;
        k[s * n + i] = (points[at + ip1] - points[at + im2]) * points[at + im1] - points[at + i] + forcing;
      }
    }
    for (let i = 0; i < n; i++) x[i] += weight[0] * k[i] + weight[1] * k[n + i] + weight[2] * k[2 * n + i] + weight[3] * k[3 * n + i];
  }
  // reverse: xb = d cost/d x(T) = 2·x(T)
  const xb = new Float64Array(n);
  for (let i = 0; i < n; i++) xb[i] = 2 * x[i];
  const xbNext = new Float64Array(n); // the adjoint of the step's result, while xb gathers its start's
  const kb = new Float64Array(n);
  const tmpb = new Float64Array(n);
  for (let t = steps - 1; t >= 0; t--) {
    // x ← x + Σ weight_s·k_s: xb passes through, k_s gets weight_s·xb (plus stage s+1's share)
    xbNext.set(xb);
    kb.fill(0);
    for (let s = 3; s >= 0; s--) {
      const at = (4 * t + s) * n;
      for (let i = 0; i < n; i++) kb[i] += weight[s] * xbNext[i];
      // k_s[i] = (tmp[i+1] - tmp[i-2])·tmp[i-1] - tmp[i] + F
      tmpb.fill(0);
      for (let i = 0; i < n; i++) {
        const ip1 = i + 1 < n ? i + 1 : 0;
        const im1 = i > 0 ? i - 1 : n - 1;
        const im2 = i > 1 ? i - 2 : i + n - 2;
        const g = kb[i];
        const m1 = points[at + im1];
        tmpb[ip1] += g * m1;
        tmpb[im2] -= g * m1;
        tmpb[im1] += g * (points[at + ip1] - points[at + im2]);
        tmpb[i] -= g;
      }
      // tmp_s = x + a_s·k_{s-1}: the adjoint of k_{s-1} restarts from a_s·tmpb
      for (let i = 0; i < n; i++) {
        xb[i] += tmpb[i];
        kb[i] = a[s] * tmpb[i];
      }
    }
  }
  return Array.from(xb);
}
