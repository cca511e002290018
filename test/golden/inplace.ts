// Inputs are never written by a derivative: f writes into x, so its gradient starts by copying x
// (`x = Float64Array.from(x)`) and works on the copy; the caller's x stays as it was.
import { grad } from 'tsgrad';

export function f(x: Float64Array, w: Float64Array): number {
  for (let i = 1; i < x.length; i++) x[i] = Math.tanh(x[i] * x[i - 1] * w[i]);
  return x[x.length - 1] * x[0];
}
export const df = grad(f);
export const args = [
  [Float64Array.from([0.3, -1.1, 0.8]), Float64Array.from([0.5, 2, -1])],
  [Float64Array.from([2.0, 0.1, -0.4]), Float64Array.from([1, 1, 1])],
];
