// Logits of every sample: each iteration writes its own block of c elements.
import { jit } from 'tsgrad';

export function f(theta: Float32Array, X: Float32Array, out: Float64Array, n: number, d: number, c: number): number {
  // @parallel
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < c; k++) {
      let z = 0;
      for (let j = 0; j < d; j++) z += theta[k * d + j] * X[i * d + j];
      out[i * c + k] = z;
    }
  }
  return out[n * c - 1];
}
export const jf = jit(f, { backend: 'cpu' });
export const args = [
  [new Float32Array([0.1, -0.2, 0.3, 0.05, 0.4, -0.1]), new Float32Array([1, 2, -1, 0.5, 0.3, -0.7, 2, 1]), new Float64Array(12), 4, 2, 3],
];
