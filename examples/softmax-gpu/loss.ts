/**
 * Mean softmax cross-entropy of a linear classifier, written as plain loops. theta is C×D row-major,
 * X is N×D row-major, y holds labels 0…C-1. The sample loop is marked `// @parallel`: its
 * iterations are independent, so jit runs it as kernels (and so does the derivative).
 */
export function softmaxLoss(theta: Float32Array, X: Float32Array, y: Int32Array, n: number, d: number, c: number): number {
  let total = 0;
  // @parallel
  for (let i = 0; i < n; i++) {
    // max logit, for a log-sum-exp that cannot overflow
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
