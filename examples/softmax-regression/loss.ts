/**
 * Softmax (multinomial logistic) regression loss, written as plain loops so that tsgrad can
 * differentiate it. theta is c×d row-major: row k holds the weights of class k. X is n×d
 * row-major; its column 0 is a constant 1, so theta[k*d] is the bias of class k.
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
    // log-sum-exp shifted by the largest logit, so exp never overflows
    let sumExp = 0;
    for (let k = 0; k < c; k++) sumExp += Math.exp(logits[k] - zmax);
    total += zmax + Math.log(sumExp) - logits[y[i]];
  }
  // small ridge penalty on the weights (not the biases) keeps the optimum finite
  const lambda = 1e-3;
  let penalty = 0;
  for (let k = 0; k < c; k++) {
    for (let j = 1; j < d; j++) penalty += theta[k * d + j] * theta[k * d + j];
  }
  return total / n + 0.5 * lambda * penalty;
}
