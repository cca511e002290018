/**
 * Mean softmax cross-entropy: examples/softmax-regression/loss.ts without its ridge term. theta is
 * c×d and X is n×d, both row-major. With tsgrad's gradient and one written by hand. No Node imports
 * (the tests compile this file in memory).
 */
import { grad } from 'tsgrad';
import { rng } from '../../test/random.js';

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

/** tsgrad's gradient with respect to theta. */
export const softmaxLossGrad = grad(softmaxLoss);

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

/**
 * Synthetic data: Gaussian features, labels from a random linear model plus noise (so the problem
 * has structure), and a small random theta.
 */
export function softmaxDataset(n: number, d: number, c: number, seed: number): { theta: Float64Array; X: Float64Array; y: Int32Array } {
  const rand = rng(seed);
  const gauss = (): number => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const X = Float64Array.from({ length: n * d }, gauss);
  const truth = Float64Array.from({ length: c * d }, gauss);
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestZ = -Infinity;
    for (let k = 0; k < c; k++) {
      let z = 2 * gauss();
      for (let j = 0; j < d; j++) z += truth[k * d + j] * X[i * d + j];
      if (z > bestZ) [best, bestZ] = [k, z];
    }
    y[i] = best;
  }
  const theta = Float64Array.from({ length: c * d }, () => 0.1 * gauss());
  return { theta, X, y };
}
