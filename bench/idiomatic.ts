/**
 * Three objectives written twice: idiomatically (map/reduce, closures, arrays of arrays, helpers
 * that return arrays; the GMM and Lorenz-96 code is the idiomatic corpus's, test/cases/idiomatic/)
 * and with loops over flat typed arrays, the way tsgrad's subset had to be written before (the MLP
 * here; the GMM and Lorenz-96 loop versions are bench/workloads/'s).
 */
import * as fs from 'node:fs';
import { gmmObjective, type Wishart } from '../test/cases/idiomatic/mixtures.js';
import { lorenz96Forecast } from '../test/cases/idiomatic/dynamics.js';
import { type GmmInput, parseGmm } from './workloads/gmmData.js';

// ── GMM (ADBench d = 10, K = 25, n = 1000) ──────────────────────────────────────────────────────

export interface GmmData {
  d: number;
  k: number;
  n: number;
  alphas: number[];
  means: number[][];
  icf: number[][];
  x: number[][];
  wishart: Wishart;
  /** The same input as flat Float64Arrays (bench/workloads/gmm.ts's layout). */
  flat: GmmInput;
}

export function readGmm(file: string): GmmData {
  const flat = parseGmm(fs.readFileSync(file, 'utf8'));
  const { d, k, n } = flat;
  const s = d + (d * (d - 1)) / 2;
  const rows = (a: Float64Array, width: number): number[][] => Array.from({ length: a.length / width }, (_, r) => Array.from(a.subarray(r * width, (r + 1) * width)));
  return { d, k, n, alphas: Array.from(flat.alphas), means: rows(flat.means, d), icf: rows(flat.icf, s), x: rows(flat.x, d), wishart: { gamma: flat.gamma, m: flat.m }, flat };
}

export const gmmIdiomatic = (alphas: number[], means: number[][], icf: number[][], x: number[][], w: Wishart): number =>
  gmmObjective(alphas, means, icf, x, w);

// ── a two-layer MLP, squared loss over a batch ──────────────────────────────────────────────────

const affine = (W: number[][], b: number[], v: number[]): number[] => W.map((row, i) => row.reduce((s, w, j) => s + w * v[j], b[i]));

export function mlpIdiomatic(W1: number[][], b1: number[], W2: number[][], b2: number[], X: number[][], Y: number[][]): number {
  return X.reduce((loss, x, i) => {
    const hidden = affine(W1, b1, x).map(Math.tanh);
    const out = affine(W2, b2, hidden);
    return loss + out.reduce((s, o, j) => s + (o - Y[i][j]) ** 2, 0);
  }, 0) / X.length;
}

/** W1[h*din + j], W2[o*dh + h], X[i*din + j], Y[i*dout + o]. */
export function mlpLoops(W1: Float64Array, b1: Float64Array, W2: Float64Array, b2: Float64Array, X: Float64Array, Y: Float64Array, din: number): number {
  const dh = b1.length;
  const dout = b2.length;
  const n = X.length / din;
  const hidden = new Float64Array(dh);
  let loss = 0;
  for (let i = 0; i < n; i++) {
    for (let h = 0; h < dh; h++) {
      let z = b1[h];
      for (let j = 0; j < din; j++) z += W1[h * din + j] * X[i * din + j];
      hidden[h] = Math.tanh(z);
    }
    for (let o = 0; o < dout; o++) {
      let z = b2[o];
      for (let h = 0; h < dh; h++) z += W2[o * dh + h] * hidden[h];
      loss += (z - Y[i * dout + o]) ** 2;
    }
  }
  return loss / n;
}

// ── an ODE integrator: Lorenz-96, RK4, 200 steps, loss = |x(T)|² ────────────────────────────────

export const odeIdiomatic = (x0: number[]): number => lorenz96Forecast(x0, 8, 0.01, 200).reduce((s, v) => s + v * v, 0);
