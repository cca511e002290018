/// <reference path="./special.d.ts" />
// Custom derivatives (test/custom.test.ts): a function with no body in the program, and a
// function whose rule replaces its automatic derivative.
import { customDerivative, grad, hessian, hvp, jvp, valueAndGrad } from 'tsgrad';

customDerivative(erfSeries, (x) => (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x));

/** Clipping with a straight-through derivative (1 everywhere), as quantized-training code uses. */
export function clip(x: number, lo: number): number {
  return Math.max(lo, Math.min(-lo, x));
}
customDerivative(clip, () => 1, () => 0);

/** A Gaussian-CDF likelihood through erf. */
export function probit(w: Float64Array, x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < w.length; i++) s += Math.log(0.5 * (1 + erfSeries(w[i] * x[i])));
  return s;
}

export function clipped(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += 3 * clip(a[i], -1) * a[i];
  return s;
}

export const probit_grad = grad(probit);
export const probit_valueAndGrad = valueAndGrad(probit);
export const probit_jvp = (w: Float64Array, x: Float64Array, dw: Float64Array) => jvp(probit, [w, x], [dw, new Float64Array(x.length)]);
export const probit_hvp = hvp(probit);
export const probit_hessian = hessian(probit);
export const clipped_grad = grad(clipped);
