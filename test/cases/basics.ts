import { grad, valueAndGrad } from 'tsgrad';

export function loopPow(x: number): number {
  let p = 1;
  for (let i = 0; i < 5; i++) {
    p *= x;
  }
  return p;
}
export const loopPow_grad = grad(loopPow);

export function dot(a: Float64Array, b: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) s += a[i] * b[i] + Math.sin(a[i]);
  return s;
}
export const dot_vg = valueAndGrad(dot);
export const dot_grad01 = grad(dot, [0, 1]);

// a helper called through a namespace import, and Math.hypot with one argument (|x|)
import * as H from './helpers.js';
export function viaNamespace(x: number): number {
  return H.cube(x) + Math.hypot(x);
}
export const viaNamespace_grad = grad(viaNamespace);
