// Inputs are never written by a derivative (test/inputs.test.ts): functions that write into their
// array parameters, directly or through a helper, under every transformation. The first two are
// the fuzzer's reports; the rest cover number[], Float32Array, Float64Array, objects, vector
// outputs and an array written but not differentiated.
import { grad, hessian, hvp, jacfwd, jacrev, jvp, valueAndGrad, vjp } from 'tsgrad';

/** The fuzzer's first report: grad wrote `a[0] * x0` into the caller's a. */
export function scaleFirst(x0: number, a: number[]): number {
  a[0] = a[0] * x0;
  return a[0] * a[1];
}
export const scaleFirst_grad01 = grad(scaleFirst, [0, 1]);
export const scaleFirst_valueAndGrad1 = valueAndGrad(scaleFirst, 1);
export const scaleFirst_vjp = (x0: number, a: number[]) => vjp(scaleFirst, x0, a);
export const scaleFirst_jvp = (x0: number, a: number[], dx0: number, da: number[]) => jvp(scaleFirst, [x0, a], [dx0, da]);
export const scaleFirst_jacfwd1 = jacfwd(scaleFirst, 1);
export const scaleFirst_jacrev1 = jacrev(scaleFirst, 1);
export const scaleFirst_hvp1 = hvp(scaleFirst, 1);
export const scaleFirst_hessian1 = hessian(scaleFirst, 1);

/** The fuzzer's second report: hvp(f, 1) wrote into the caller's v where f writes into a. */
export function copyThrough(x0: number, a: number[]): number {
  const p = a[0];
  a[1] = p;
  return p + x0 + a[1];
}
export const copyThrough_hvp1 = hvp(copyThrough, 1);

/** Nonlinear, written through a helper, read back after the write: a Float64Array. */
function squareInto(a: Float64Array, s: number): void {
  for (let i = 0; i < a.length; i++) a[i] = s * a[i] * a[i] + a[(i + 1) % a.length];
}
export function viaHelper(x: Float64Array, s: number): number {
  squareInto(x, s);
  let t = 0;
  for (let i = 0; i < x.length; i++) t += Math.sin(x[i]) * x[(i + 1) % x.length];
  return t * s;
}
export const viaHelper_grad01 = grad(viaHelper, [0, 1]);
export const viaHelper_valueAndGrad = valueAndGrad(viaHelper);
export const viaHelper_vjp = (x: Float64Array, s: number) => vjp(viaHelper, x, s);
export const viaHelper_jvp = (x: Float64Array, s: number, dx: Float64Array, ds: number) => jvp(viaHelper, [x, s], [dx, ds]);
export const viaHelper_jacfwd = jacfwd(viaHelper);
export const viaHelper_jacrev = jacrev(viaHelper);
export const viaHelper_hvp = hvp(viaHelper);
export const viaHelper_hessian = hessian(viaHelper);

/** grad(grad(f)) with respect to a number, f writing into an array argument. */
export function scaleBySin(x: number, a: Float64Array): number {
  a[0] = a[0] * Math.sin(x);
  a[1] = a[1] + x * a[0];
  return a[0] * a[1] + x * x * a[1];
}
export const scaleBySin_d2 = grad(grad(scaleBySin));
export const scaleBySin_hessian = hessian(scaleBySin);

/** A Float32Array written in place: the copy must stay a Float32Array, so stores round as in f. */
export function decayInPlace(x: Float32Array, rate: number): number {
  for (let i = 0; i < x.length; i++) x[i] = x[i] * Math.exp(-rate * (i + 1));
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return s;
}
export const decayInPlace_grad01 = grad(decayInPlace, [0, 1]);
export const decayInPlace_valueAndGrad = valueAndGrad(decayInPlace);

/** A vector output: writes into its input and returns it (an in-place model step). */
export function stepInPlace(x: number[], a: number): number[] {
  for (let i = 0; i < x.length; i++) x[i] = Math.tanh(a * x[i]) + x[(i + 1) % x.length] * x[i];
  return x;
}
export const stepInPlace_vjp = (x: number[], a: number) => vjp(stepInPlace, x, a);
export const stepInPlace_jvp = (x: number[], a: number, dx: number[], da: number) => jvp(stepInPlace, [x, a], [dx, da]);
export const stepInPlace_jacfwd = jacfwd(stepInPlace);
export const stepInPlace_jacrev = jacrev(stepInPlace);
export const stepInPlace_jacfwd1 = jacfwd(stepInPlace, 1);

/** An array written but not differentiated (scratch space), next to one that is only read. */
export function withScratch(x: Float64Array, scratch: Float64Array): number {
  for (let i = 0; i < x.length; i++) scratch[i] = x[i] * x[i] + scratch[i];
  let s = 0;
  for (let i = 0; i < x.length; i++) s += scratch[i] * x[i];
  return s;
}
export const withScratch_grad = grad(withScratch);
export const withScratch_vjp = (x: Float64Array, scratch: Float64Array) => vjp(withScratch, x, scratch);
export const withScratch_jvp = (x: Float64Array, scratch: Float64Array, dx: Float64Array, ds: Float64Array) => jvp(withScratch, [x, scratch], [dx, ds]);
export const withScratch_hvp = hvp(withScratch);

/** An object parameter whose array field is written. */
export interface Model {
  w: Float64Array;
  b: number;
}
export function normalizeWeights(m: Model, x: Float64Array): number {
  let norm = 0;
  for (let i = 0; i < m.w.length; i++) norm += m.w[i] * m.w[i];
  for (let i = 0; i < m.w.length; i++) m.w[i] = m.w[i] / Math.sqrt(norm);
  let s = m.b;
  for (let i = 0; i < m.w.length; i++) s += m.w[i] * x[i];
  return s * s;
}
export const normalizeWeights_grad = grad(normalizeWeights);
export const normalizeWeights_vjp = (m: Model, x: Float64Array) => vjp(normalizeWeights, m, x);
export const normalizeWeights_jvp = (m: Model, x: Float64Array, dm: Model, dx: Float64Array) => jvp(normalizeWeights, [m, x], [dm, dx]);
export const normalizeWeights_hvp = hvp(normalizeWeights);
