// Softmax cross-entropy loss, the motivating case (theta is c×d row-major).
import { grad } from 'tsgrad';

export function f(theta: Float64Array, X: Float64Array, y: Int32Array, n: number, d: number, c: number): number {
  let total = 0;
  const logits = new Float64Array(c);
  for (let i = 0; i < n; i++) {
    let max = -Infinity;
    for (let k = 0; k < c; k++) {
      let z = 0;
      for (let j = 0; j < d; j++) z += theta[k * d + j] * X[i * d + j];
      logits[k] = z;
      if (z > max) max = z;
    }
    let sum = 0;
    for (let k = 0; k < c; k++) sum += Math.exp(logits[k] - max);
    total += Math.log(sum) + max - logits[y[i]];
  }
  return total / n;
}
export const df = grad(f);
export const args = [
  [new Float64Array([0.1, -0.2, 0.3, 0.05, 0.4, -0.1]), new Float64Array([1, 2, -1, 0.5, 0.3, -0.7, 2, 1]), new Int32Array([0, 2, 1, 2]), 4, 2, 3],
];
