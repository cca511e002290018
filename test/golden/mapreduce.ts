// A map/reduce chain with a closure: the callbacks become loop bodies, the intermediate array a
// local array with an adjoint of its own.
import { grad } from 'tsgrad';

export function f(w: Float64Array, x: number[]): number {
  const scaled = w.map((v, i) => v * x[i]);
  const softplus = (z: number): number => Math.log(1 + Math.exp(z));
  return scaled.reduce((s, z) => s + softplus(z), 0);
}
export const df = grad(f);
export const args = [[Float64Array.from([0.3, -1.2, 0.8]), [1.5, 0.4, -2]]];
