// The gradient of softmax cross-entropy under jit: leaf-sum kernels, the gather of theta's adjoint,
// and the host code around them (theta is c×d row-major; the sample loop is parallel).
import { grad, jit } from 'tsgrad';

export function f(theta: Float32Array, X: Float32Array, y: Int32Array, n: number, d: number, c: number): number {
  let total = 0;
  // @parallel
  for (let i = 0; i < n; i++) {
    let m = -Infinity;
    for (let k = 0; k < c; k++) {
      let z = 0;
      for (let j = 0; j < d; j++) z += theta[k * d + j] * X[i * d + j];
      m = Math.max(m, z);
    }
    let s = 0;
    for (let k = 0; k < c; k++) {
      let z = 0;
      for (let j = 0; j < d; j++) z += theta[k * d + j] * X[i * d + j];
      s += Math.exp(z - m);
    }
    let zy = 0;
    for (let j = 0; j < d; j++) zy += theta[y[i] * d + j] * X[i * d + j];
    total += Math.log(s) + m - zy;
  }
  return total / n;
}
export const jf = jit(grad(f), { backend: 'cpu' });
/** jf is the gradient with respect to this argument: checked against central finite differences of f. */
export const argnum = 0;
export const args = [
  [new Float32Array([0.1, -0.2, 0.3, 0.05, 0.4, -0.1]), new Float32Array([1, 2, -1, 0.5, 0.3, -0.7, 2, 1]), new Int32Array([0, 2, 1, 2]), 4, 2, 3],
];
