// Linear algebra and fitting: determinants (LU with partial pivoting; cofactor expansion by
// recursion), GradBench's llsq, a recursive Horner polynomial fit, Rosenbrock via reduce, and a
// Kalman-filter log-likelihood with matrices as number[][].
import { addMat, dot, matmul, transpose, type Matrix } from './vec.js';

/** det A by Gaussian elimination with partial pivoting (A is not modified). */
export function detLU(A: number[][]): number {
  const n = A.length;
  const M = A.map((row) => [...row]);
  let det = 1;
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) {
      if (Math.abs(M[i][k]) > Math.abs(M[p][k])) p = i;
    }
    if (p !== k) {
      [M[k], M[p]] = [M[p], M[k]];
      det = -det;
    }
    const pivot = M[k][k];
    if (pivot === 0) return 0;
    det *= pivot;
    for (let i = k + 1; i < n; i++) {
      const factor = M[i][k] / pivot;
      for (let j = k; j < n; j++) M[i][j] -= factor * M[k][j];
    }
  }
  return det;
}

/** The minor of A without row 0 and column j. */
const minor = (A: number[][], j: number): number[][] => A.slice(1).map((row) => row.filter((_, k) => k !== j));

/** det A by cofactor expansion along the first row. */
export function detMinors(A: number[][]): number {
  if (A.length === 1) return A[0][0];
  return A[0].reduce((det, a, j) => det + (j % 2 === 0 ? 1 : -1) * a * detMinors(minor(A, j)), 0);
}

/** GradBench's llsq: fit Σⱼ xⱼ tʲ to sign(t) at n points of [-1, 1]. */
export function llsq(x: number[], n: number): number {
  const ts = Array.from({ length: n }, (_, i) => -1 + (2 * i) / (n - 1));
  const residuals = ts.map((t) => Math.sign(t) - x.reduce((acc, xj, j) => acc + xj * t ** j, 0));
  return 0.5 * residuals.reduce((s, r) => s + r * r, 0);
}

/** c₀ + x(c₁ + x(c₂ + …)), recursively. */
export const horner = (coeffs: number[], x: number): number =>
  coeffs.length === 0 ? 0 : coeffs[0] + x * horner(coeffs.slice(1), x);

/** Mean squared error of a polynomial fit. */
export function polyFit(coeffs: number[], xs: number[], ys: number[]): number {
  return xs.reduce((s, x, i) => s + (horner(coeffs, x) - ys[i]) ** 2, 0) / xs.length;
}

/** The n-dimensional Rosenbrock function. */
export const rosenbrock = (x: number[]): number =>
  x.slice(0, -1).reduce((s, xi, i) => s + 100 * (x[i + 1] - xi ** 2) ** 2 + (1 - xi) ** 2, 0);

export interface NoiseParams {
  logQ: number;
  logR: number;
}

/**
 * Log-likelihood of noisy position observations under a constant-velocity model (state: position
 * and velocity; process noise q, observation noise r), by the Kalman filter.
 */
export function kalmanLogLikelihood({ logQ, logR }: NoiseParams, observations: number[], dt = 1): number {
  const q = Math.exp(logQ);
  const r = Math.exp(logR);
  const F: Matrix = [[1, dt], [0, 1]];
  const Q = [[dt ** 3 / 3, dt ** 2 / 2], [dt ** 2 / 2, dt]].map((row) => row.map((v) => q * v));
  let x = [observations[0], 0];
  let P: Matrix = [[1, 0], [0, 1]];
  let logLik = 0;
  for (const y of observations.slice(1)) {
    // predict
    x = F.map((row) => dot(row, x));
    P = addMat(matmul(matmul(F, P), transpose(F)), Q);
    // update with the observation of the position
    const S = P[0][0] + r;
    const innovation = y - x[0];
    const gain = [P[0][0] / S, P[1][0] / S];
    logLik -= 0.5 * (Math.log(2 * Math.PI * S) + innovation ** 2 / S);
    x = x.map((xi, i) => xi + gain[i] * innovation);
    P = P.map((row, i) => row.map((pij, j) => pij - gain[i] * P[0][j]));
  }
  return logLik;
}
