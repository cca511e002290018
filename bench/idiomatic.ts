/**
 * Three objectives written twice: idiomatically (map/reduce, closures, arrays of arrays, helpers
 * that return arrays; the GMM and Lorenz-96 code is the idiomatic corpus's, test/cases/idiomatic/)
 * and with loops over flat typed arrays, the way tsgrad's subset had to be written before.
 */
import * as fs from 'node:fs';
import { gmmObjective, type Wishart } from '../test/cases/idiomatic/mixtures.js';
import { lorenz96Forecast } from '../test/cases/idiomatic/dynamics.js';
import { lorenz96Loop } from '../test/cases/idiomatic/subset.js';

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
}

export function readGmm(file: string): GmmData {
  const v = fs.readFileSync(file, 'utf8').trim().split(/\s+/).map(Number);
  let at = 0;
  const take = (m: number): number[] => v.slice(at, (at += m));
  const [d, k, n] = take(3);
  const icfSize = d + (d * (d - 1)) / 2;
  const alphas = take(k);
  const means = Array.from({ length: k }, () => take(d));
  const icf = Array.from({ length: k }, () => take(icfSize));
  const x = Array.from({ length: n }, () => take(d));
  const [gamma, m] = take(2);
  return { d, k, n, alphas, means, icf, x, wishart: { gamma, m } };
}

export const gmmIdiomatic = (alphas: number[], means: number[][], icf: number[][], x: number[][], w: Wishart): number =>
  gmmObjective(alphas, means, icf, x, w);

/** The same objective over flat arrays: means[k*d + j], icf[k*s + j], x[i*d + j]. */
export function gmmLoops(alphas: Float64Array, means: Float64Array, icf: Float64Array, x: Float64Array, d: number, gamma: number, m: number): number {
  const k = alphas.length;
  const n = x.length / d;
  const s = d + (d * (d - 1)) / 2;
  const sumQs = new Float64Array(k);
  for (let c = 0; c < k; c++) for (let j = 0; j < d; j++) sumQs[c] += icf[c * s + j];
  const centered = new Float64Array(d);
  const qx = new Float64Array(d);
  const main = new Float64Array(k);
  let slse = 0;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) {
      for (let j = 0; j < d; j++) centered[j] = x[i * d + j] - means[c * d + j];
      for (let j = 0; j < d; j++) qx[j] = Math.exp(icf[c * s + j]) * centered[j];
      let t = d;
      for (let a = 0; a < d; a++) {
        for (let b = a + 1; b < d; b++) {
          qx[b] += icf[c * s + t] * centered[a];
          t++;
        }
      }
      let sq = 0;
      for (let j = 0; j < d; j++) sq += qx[j] * qx[j];
      main[c] = alphas[c] + sumQs[c] - 0.5 * sq;
    }
    let max = main[0];
    for (let c = 1; c < k; c++) max = Math.max(max, main[c]);
    let se = 0;
    for (let c = 0; c < k; c++) se += Math.exp(main[c] - max);
    slse += max + Math.log(se);
  }
  let amax = alphas[0];
  for (let c = 1; c < k; c++) amax = Math.max(amax, alphas[c]);
  let ase = 0;
  for (let c = 0; c < k; c++) ase += Math.exp(alphas[c] - amax);
  let prior = 0;
  for (let c = 0; c < k; c++) {
    let sq = 0;
    for (let j = 0; j < d; j++) sq += Math.exp(2 * icf[c * s + j]);
    for (let j = d; j < s; j++) sq += icf[c * s + j] * icf[c * s + j];
    prior += 0.5 * gamma * gamma * sq - m * sumQs[c];
  }
  return -n * d * 0.5 * Math.log(2 * Math.PI) + slse - n * (amax + Math.log(ase)) + prior;
}

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

export function odeLoops(x0: number[]): number {
  const x = lorenz96Loop(x0, 8, 0.01, 200);
  let s = 0;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i];
  return s;
}
