// Forward mode, vector outputs, Jacobians and Hessians (test/forward.test.ts).
import { grad, hessian, hvp, jacfwd, jacrev, jvp, stopGradient, vjp } from 'tsgrad';

/** Scalar → scalar with a loop and a branch. */
export function wiggle(x: number): number {
  let s = Math.sin(x) * x;
  for (let k = 1; k <= 3; k++) {
    if (s > 0) s = s * Math.exp(-0.1 * k * x);
    else s = s + Math.cos(k * x) / k;
  }
  return s;
}

/** A model step: state → new state (Lorenz-96 style tendencies, forward Euler). */
export function step(x: Float64Array, forcing: number, dt: number): Float64Array {
  const n = x.length;
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const xm2 = x[(i + n - 2) % n];
    const xm1 = x[(i + n - 1) % n];
    const xp1 = x[(i + 1) % n];
    out[i] = x[i] + dt * ((xp1 - xm2) * xm1 - x[i] + forcing);
  }
  return out;
}

/** Writes into its input and returns it (an in-place model step). */
export function inPlace(x: Float64Array, a: number): Float64Array {
  for (let i = 0; i < x.length; i++) x[i] = Math.tanh(a * x[i]) + x[i] * x[i];
  return x;
}

/** Mixed parameters: Float32Array data, integer indices, a number. */
export function gather(w: Float64Array, idx: Int32Array, scale: number): number[] {
  const out = [0, 0, 0];
  for (let k = 0; k < 3; k++) out[k] = scale * w[idx[k]] * w[idx[k]] + Math.log1p(w[k] * w[k]);
  return out;
}

/** A scalar loss of an array (for Hessians). */
export function energy(x: Float64Array, c: number): number {
  let e = 0;
  for (let i = 0; i < x.length; i++) {
    const next = x[(i + 1) % x.length];
    e += c * (next - x[i] * x[i]) ** 2 + (1 - x[i]) ** 2 + Math.exp(0.1 * x[i] * next);
  }
  return e;
}

/** stopGradient: the derivative ignores the scale's dependence on x. */
export function normalized(x: Float64Array): number {
  let m = 0;
  for (let i = 0; i < x.length; i++) m = Math.max(m, Math.abs(x[i]));
  const s = stopGradient(m);
  let t = 0;
  for (let i = 0; i < x.length; i++) t += (x[i] / s) ** 2;
  return t;
}

export const wiggle_jvp = (x: number, dx: number) => jvp(wiggle, [x], [dx]);
export const step_jvp = (x: Float64Array, f: number, dt: number, dx: Float64Array, df: number) => jvp(step, [x, f, dt], [dx, df, 0]);
export const step_vjp = (x: Float64Array, f: number, dt: number) => vjp(step, x, f, dt);
export const step_jacfwd = jacfwd(step);
export const step_jacrev = jacrev(step);
export const inPlace_jvp = (x: Float64Array, a: number, dx: Float64Array, da: number) => jvp(inPlace, [x, a], [dx, da]);
export const inPlace_vjp = (x: Float64Array, a: number) => vjp(inPlace, x, a);
export const inPlace_jacfwd = jacfwd(inPlace);
export const inPlace_jacrev = jacrev(inPlace);
export const gather_jvp = (w: Float64Array, idx: Int32Array, s: number, dw: Float64Array, ds: number) => jvp(gather, [w, idx, s], [dw, null, ds]);
export const gather_vjp = (w: Float64Array, idx: Int32Array, s: number) => vjp(gather, w, idx, s);
export const gather_jacrev2 = jacrev(gather, 2);
export const energy_hvp = hvp(energy);
export const energy_hessian = hessian(energy);
export const energy_jvp = (x: Float64Array, c: number, dx: Float64Array) => jvp(energy, [x, c], [dx, 0]);
export const energy_hvp1 = hvp(energy, 1);
export const wiggle_d2 = grad(grad(wiggle));
export const wiggle_hessian = hessian(wiggle);
export const normalized_grad = grad(normalized);
export const normalized_jvp = (x: Float64Array, dx: Float64Array) => jvp(normalized, [x], [dx]);

/** A Float32Array state: the output is stored in float32, its tangent in float64. */
export function decay32(x: Float32Array, rate: number): Float32Array {
  const out = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) out[i] = x[i] * Math.exp(-rate * (i + 1));
  return out;
}
export const decay32_jvp = (x: Float32Array, rate: number, dx: Float32Array, dr: number) => jvp(decay32, [x, rate], [dx, dr]);
export const decay32_jacrev1 = jacrev(decay32, 1);
