// Mixture models and classifiers: GradBench's gmm objective (ADBench), k-means, logsumexp and a
// softmax classifier, as a TypeScript developer would write them.
import { dot, sqnorm, sum } from './vec.js';

/** log Σ exp(xᵢ), shifted by the largest element so that exp cannot overflow. */
export function logsumexp(xs: number[]): number {
  const max = Math.max(...xs);
  return max + Math.log(xs.map((x) => Math.exp(x - max)).reduce((a, b) => a + b));
}

export interface Wishart {
  gamma: number;
  m: number;
}

/**
 * Q·v for the lower-triangular factor Q of a precision matrix, given as its diagonal and its strict
 * lower part packed column by column (ADBench's `icf` layout).
 */
function qTimes(qdiag: number[], ltri: number[], v: number[]): number[] {
  const out = qdiag.map((q, i) => q * v[i]);
  let k = 0;
  for (let i = 0; i < v.length; i++) {
    for (let j = i + 1; j < v.length; j++) out[j] += ltri[k++] * v[i];
  }
  return out;
}

/**
 * Log-likelihood of a Gaussian mixture with a Wishart prior (ADBench's gmm objective,
 * without the prior's normalizing constant): alphas[k] are the log-weights, means[k] the centres,
 * icf[k] the log-diagonal then the lower triangle of each precision factor, x the samples.
 */
export function gmmObjective(alphas: number[], means: number[][], icf: number[][], x: number[][], wishart: Wishart): number {
  const d = x[0].length;
  const n = x.length;
  const qdiags = icf.map((row) => row.slice(0, d).map(Math.exp));
  const sumQs = icf.map((row) => sum(row.slice(0, d)));
  const ltris = icf.map((row) => row.slice(d));

  const slse = x.reduce((total, xi) => {
    const mainTerm = means.map((mu, k) => {
      const centered = xi.map((v, j) => v - mu[j]);
      return alphas[k] + sumQs[k] - 0.5 * sqnorm(qTimes(qdiags[k], ltris[k], centered));
    });
    return total + logsumexp(mainTerm);
  }, 0);

  const { gamma, m } = wishart;
  const prior = qdiags.reduce((s, qd, k) => s + 0.5 * gamma * gamma * (sqnorm(qd) + sqnorm(ltris[k])) - m * sumQs[k], 0);
  const constant = -n * d * 0.5 * Math.log(2 * Math.PI);
  return constant + slse - n * logsumexp(alphas) + prior;
}

const squaredDistance = (a: number[], b: number[]): number => a.reduce((s, ai, j) => s + (ai - b[j]) ** 2, 0);

/** The k-means cost (GradBench's kmeans): each point's squared distance to its nearest centroid. */
export function kmeansCost(centroids: number[][], points: number[][]): number {
  let cost = 0;
  for (const p of points) {
    cost += Math.min(...centroids.map((c) => squaredDistance(p, c)));
  }
  return cost;
}

export interface Sample {
  features: number[];
  label: number;
}

/** Mean cross-entropy of a linear softmax classifier, with L2 regularization of the weights. */
export function softmaxLoss(W: number[][], b: number[], data: Sample[], lambda = 1e-2): number {
  const nll = data.reduce((total, { features, label }) => {
    const logits = W.map((w, k) => dot(w, features) + b[k]);
    return total + logsumexp(logits) - logits[label];
  }, 0);
  const penalty = W.flat().reduce((s, w) => s + w * w, 0);
  return nll / data.length + 0.5 * lambda * penalty;
}
