/**
 * Mean softmax cross-entropy: examples/softmax-regression/loss.ts without its ridge term, copied
 * because a tsconfig with rootDir "." cannot compile files outside bench/. theta is c×d and X is
 * n×d, both row-major.
 */
export function softmaxLoss(
  theta: Float64Array,
  X: Float64Array,
  y: Int32Array,
  n: number,
  d: number,
  c: number,
): number {
  const logits = new Float64Array(c);
  let total = 0;
  for (let i = 0; i < n; i++) {
    let zmax = -Infinity;
    for (let k = 0; k < c; k++) {
      let z = 0;
      for (let j = 0; j < d; j++) z += theta[k * d + j] * X[i * d + j];
      logits[k] = z;
      if (z > zmax) zmax = z;
    }
    let sumExp = 0;
    for (let k = 0; k < c; k++) sumExp += Math.exp(logits[k] - zmax);
    total += zmax + Math.log(sumExp) - logits[y[i]];
  }
  return total / n;
}

/** The gradient of softmaxLoss with respect to theta, derived and written by hand. */
export function softmaxLossGradByHand(
  theta: Float64Array,
  X: Float64Array,
  y: Int32Array,
  n: number,
  d: number,
  c: number,
): Float64Array {
  const g = new Float64Array(c * d);
  const p = new Float64Array(c);
  for (let i = 0; i < n; i++) {
    const row = i * d;
    let zmax = -Infinity;
    for (let k = 0; k < c; k++) {
      let z = 0;
      for (let j = 0; j < d; j++) z += theta[k * d + j] * X[row + j];
      p[k] = z;
      if (z > zmax) zmax = z;
    }
    let sumExp = 0;
    for (let k = 0; k < c; k++) {
      p[k] = Math.exp(p[k] - zmax);
      sumExp += p[k];
    }
    // d(loss_i)/d(logit_k) = softmax_k - [k == y_i]; spread over the row's features
    for (let k = 0; k < c; k++) {
      const r = (p[k] / sumExp - (k === y[i] ? 1 : 0)) / n;
      for (let j = 0; j < d; j++) g[k * d + j] += r * X[row + j];
    }
  }
  return g;
}
