// Powers and sines in kernels (compiler/passes/kernelMath.ts): small integer powers, the adjoint's
// Math.pow(a, 2 - 1) included, become products; other powers and Math.sin/cos call the runtime's
// helpers, which keep JavaScript's meaning on GPUs (a negative base, sin far from 0).
import { grad, jit } from 'tsgrad';

export function f(u: Float32Array, X: Float32Array, n: number, d: number): number {
  let total = 0;
  // @parallel
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < d; j++) total += (u[j] - X[i * d + j]) ** 2 + Math.pow(X[i * d + j] - u[j], 3) + Math.sin(u[j] * X[i * d + j]);
    total += Math.pow(Math.abs(X[i * d]) + 0.5, 1.5);
  }
  return total;
}
export const jf = jit(grad(f), { backend: 'cpu' });
/** The forward kernel: Math.pow(a, 1.5) calls tsgrad_pow. */
export const jv = jit(f, { backend: 'cpu' });
/** jf is the gradient with respect to this argument: checked against central finite differences of f. */
export const argnum = 0;
export const args = [
  [new Float32Array([0.1, -0.7, 0.3]), new Float32Array([1, 2, -1, 0.5, 0.3, -0.7, 2, 1, -2, -0.3, 0.2, 0.9]), 4, 3],
];
