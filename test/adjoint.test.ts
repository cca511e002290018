/**
 * Issue 16's yardstick (bench/adjoint.bench.ts) times tsgrad's gradients against gradients written
 * by hand (bench/workloads/): those references are checked here against central finite differences
 * in float64, coordinate by coordinate, at small sizes, and tsgrad's gradients against them with
 * and without optimization. The GMM objective is checked against ADBench's published values through
 * an independent dense-matrix implementation. No timing here.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { expectClose, expectGradFD, modes } from './check.js';
import { compile, formatDiagnostics, randomArray, relError, repoRoot, rng } from './harness.js';

const workloads = path.join(repoRoot, 'bench', 'workloads');
const files = ['gmm', 'gmmData', 'lorenz96', 'softmax'].map((f) => path.join(workloads, `${f}.ts`));
const readData = (file: string): string => fs.readFileSync(path.join(repoRoot, 'bench', 'data', file), 'utf8');

interface GmmInput {
  d: number;
  k: number;
  n: number;
  alphas: Float64Array;
  means: Float64Array;
  icf: Float64Array;
  x: Float64Array;
  gamma: number;
  m: number;
}

/** A small random GMM input in ADBench's layout. */
function randomGmm(seed: number, d: number, k: number, n: number): GmmInput {
  const s = d + (d * (d - 1)) / 2;
  const r = rng(seed);
  return {
    d, k, n,
    alphas: randomArray(seed + 1, k),
    means: randomArray(seed + 2, k * d),
    icf: randomArray(seed + 3, k * s, -0.5, 0.5),
    x: randomArray(seed + 4, n * d, -1.5, 1.5),
    gamma: 0.5 + r(),
    m: 2,
  };
}

/** log Γ(z) by Lanczos' approximation (g = 7, 9 terms; ~15 digits for z > 0). */
function lgamma(z: number): number {
  const c = [0.99999999999980993, 676.5203681218851, -1259.1392167224028, 771.32342877765313, -176.61502916214059,
    12.507343278686905, -0.13857109526572012, 9.9843695780195716e-6, 1.5056327351493116e-7];
  if (z < 0.5) return Math.log(Math.PI / Math.abs(Math.sin(Math.PI * z))) - lgamma(1 - z);
  const w = z - 1;
  let a = c[0];
  const t = w + 7.5;
  for (let i = 1; i < 9; i++) a += c[i] / (w + i);
  return 0.5 * Math.log(2 * Math.PI) + (w + 0.5) * Math.log(t) - t + Math.log(a);
}

/**
 * ADBench's GMM objective written independently of bench/workloads/gmm.ts: each precision factor
 * as a dense lower-triangular matrix, Q·(x − μ) as a matrix–vector product, the Wishart prior with
 * its normalizing constant (Lanczos log Γ).
 */
function gmmDense({ d, k, n, alphas, means, icf, x, gamma, m }: GmmInput): number {
  const s = (d * (d + 1)) / 2;
  const lse = (v: number[]): number => {
    const top = Math.max(...v);
    return top + Math.log(v.reduce((acc, vi) => acc + Math.exp(vi - top), 0));
  };
  const Q = Array.from({ length: k }, (_, c) => {
    const q = Array.from({ length: d }, () => new Array<number>(d).fill(0));
    for (let j = 0; j < d; j++) q[j][j] = Math.exp(icf[c * s + j]);
    let p = d;
    for (let col = 0; col < d; col++) for (let row = col + 1; row < d; row++) q[row][col] = icf[c * s + p++];
    return q;
  });
  const logDet = Q.map((q) => q.reduce((acc, row, j) => acc + Math.log(row[j]), 0));
  let total = -0.5 * n * d * Math.log(2 * Math.PI);
  for (let i = 0; i < n; i++) {
    total += lse(Q.map((q, c) => {
      const v = Array.from({ length: d }, (_, j) => x[i * d + j] - means[c * d + j]);
      const y = q.map((row) => row.reduce((acc, qij, j) => acc + qij * v[j], 0));
      return alphas[c] + logDet[c] - 0.5 * y.reduce((acc, yj) => acc + yj * yj, 0);
    }));
  }
  total -= n * lse(Array.from(alphas));
  const nw = d + m + 1;
  let logGammaD = 0.25 * d * (d - 1) * Math.log(Math.PI);
  for (let j = 1; j <= d; j++) logGammaD += lgamma(0.5 * nw + 0.5 * (1 - j));
  const C = nw * d * (Math.log(gamma) - 0.5 * Math.log(2)) - logGammaD;
  for (let c = 0; c < k; c++) {
    const frob = Q[c].reduce((acc, row) => acc + row.reduce((a2, q) => a2 + q * q, 0), 0);
    total += 0.5 * gamma * gamma * frob - m * logDet[c] - C;
  }
  return total;
}

describe('issue 16: the hand-written gradients of the adjoint benchmark (bench/workloads/)', () => {
  const out = compile(files);
  const gmm = out.modules.get('bench/workloads/gmm')!;
  const data = out.modules.get('bench/workloads/gmmData')!;
  const lorenz = out.modules.get('bench/workloads/lorenz96')!;
  const softmax = out.modules.get('bench/workloads/softmax')!;
  const gmmArgs = (g: GmmInput): [Float64Array, Float64Array, Float64Array, Float64Array, number, number, number] =>
    [g.alphas, g.means, g.icf, g.x, g.d, g.gamma, g.m];

  it('compiles without diagnostics', () => {
    expect(formatDiagnostics(out.diagnostics)).to.equal('');
    expect(out.loadError).to.equal(undefined);
  });

  it("GMM: an independent dense implementation and gmmObjective + the Wishart constant give ADBench's values", () => {
    for (const file of ['gmm_d2_K5.txt', 'gmm_d10_K25.txt']) {
      const g: GmmInput = data.parseGmm(readData(file));
      const known: number = data.adbenchObjective[file];
      expectClose(gmmDense(g), known, 1e-10, `${file}, dense`);
      const loops = gmm.gmmObjective(...gmmArgs(g)) + data.gmmWishartConstant(g.d, g.k, g.gamma, g.m);
      expect(Math.abs(loops - known) / Math.abs(known), `${file}, loops`).to.be.below(1e-12);
    }
  });

  it('GMM: gmmObjective agrees with the dense implementation on random inputs (up to the constant)', () => {
    for (const [seed, d, k, n] of [[1, 3, 4, 6], [2, 1, 2, 3], [3, 5, 2, 4]]) {
      const g = randomGmm(seed, d, k, n);
      const loops = gmm.gmmObjective(...gmmArgs(g)) + data.gmmWishartConstant(d, k, g.gamma, g.m);
      expectClose(loops, gmmDense(g), 1e-12, `d=${d} k=${k} n=${n}`);
    }
  });

  it('GMM: the hand-written gradient against central differences (random inputs, and ADBench d=2 K=5)', () => {
    for (const [seed, d, k, n] of [[1, 3, 4, 6], [2, 1, 2, 3], [3, 4, 3, 5]]) {
      expectGradFD(gmm.gmmObjective, gmm.gmmGradByHand, gmmArgs(randomGmm(seed, d, k, n)), [0, 1, 2], 1e-7);
    }
    // n = 1000: the objective is ~5000, so a larger step keeps rounding below the tolerance
    expectGradFD(gmm.gmmObjective, gmm.gmmGradByHand, gmmArgs(data.parseGmm(readData('gmm_d2_K5.txt'))), [0, 1, 2], 1e-6, 1e-4);
  });

  it('Lorenz-96: the hand-written gradient against central differences', () => {
    for (const [n, steps] of [[4, 5], [8, 30], [40, 20]]) {
      const x0 = Array.from(randomArray(n, n, 7, 9));
      expectGradFD(lorenz.lorenz96Cost, lorenz.lorenz96CostGradByHand, [x0, 8, 0.01, steps], 0, 1e-8, 1e-4);
    }
  });

  it('softmax: the hand-written gradient against central differences', () => {
    for (const [n, d, c] of [[7, 4, 3], [20, 3, 5]]) {
      const { theta, X, y } = softmax.softmaxDataset(n, d, c, n + d);
      expectGradFD(softmax.softmaxLoss, softmax.softmaxLossGradByHand, [theta, X, y, n, d, c], 0, 1e-8);
    }
  });

  for (const optimize of modes) {
    it(`tsgrad's gradients equal the hand-written ones (optimize: ${optimize})`, () => {
      const compiled = optimize ? out : compile(files, { optimize });
      const [gm, lz, sm] = ['gmm', 'lorenz96', 'softmax'].map((f) => compiled.modules.get(`bench/workloads/${f}`)!);
      const g = randomGmm(5, 3, 4, 6);
      const [want, got] = [gm.gmmGradByHand(...gmmArgs(g)), gm.gmmGrad(...gmmArgs(g))];
      for (let a = 0; a < 3; a++) expectClose(got[a], want[a], 1e-12, `GMM argument ${a}`);
      const x0 = Array.from(randomArray(9, 8, 7, 9));
      expectClose(lz.lorenz96CostGrad(x0, 8, 0.01, 30), lz.lorenz96CostGradByHand(x0, 8, 0.01, 30), 1e-12, 'Lorenz-96');
      const { theta, X, y } = sm.softmaxDataset(9, 4, 3, 4);
      expect(relError(sm.softmaxLossGrad(theta, X, y, 9, 4, 3), sm.softmaxLossGradByHand(theta, X, y, 9, 4, 3))).to.be.below(1e-12);
    });
  }
});
