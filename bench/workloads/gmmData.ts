/**
 * ADBench's GMM inputs (bench/data/gmm_*.txt, see bench/data/README.md) as flat Float64Arrays, the
 * Wishart prior's normalizing constant that gmmObjective leaves out, and ADBench's objective values
 * on the two files. No Node imports (the tests compile this file in memory): callers read the text.
 */

export interface GmmInput {
  d: number;
  k: number;
  n: number;
  /** alphas[c] */
  alphas: Float64Array;
  /** means[c*d + j] */
  means: Float64Array;
  /** icf[c*s + j], s = d + d(d-1)/2: log-diagonal, then the strictly-lower entries column by column */
  icf: Float64Array;
  /** x[i*d + j] */
  x: Float64Array;
  gamma: number;
  m: number;
}

/** Parses ADBench's text layout: `d k n`, k alphas, k rows of means, k rows of icf, n points, `gamma m`. */
export function parseGmm(text: string): GmmInput {
  const v = text.trim().split(/\s+/).map(Number);
  let at = 0;
  const take = (count: number): Float64Array => Float64Array.from(v.slice(at, (at += count)));
  const [d, k, n] = take(3);
  const s = d + (d * (d - 1)) / 2;
  const alphas = take(k);
  const means = take(k * d);
  const icf = take(k * s);
  const x = take(n * d);
  const [gamma, m] = take(2);
  if (at !== v.length || v.some(Number.isNaN)) throw new Error(`parseGmm: expected ${at} numbers, got ${v.length}`);
  return { d, k, n, alphas, means, icf, x, gamma, m };
}

/**
 * ADBench's objective on its 1k inputs (what its reference implementations output; values as given
 * with the data in the shared data folder's README). test/adjoint.test.ts reproduces both with an
 * independent dense-matrix implementation of the objective.
 */
export const adbenchObjective: Readonly<Record<string, number>> = {
  'gmm_d2_K5.txt': -5240.59056254965,
  'gmm_d10_K25.txt': -25649.6526211976,
};

/** log Γ(x) for x a positive multiple of ½ (all the Wishart constant needs), exactly: Γ(x+1) = xΓ(x). */
function logGammaHalf(x: number): number {
  let lg = Number.isInteger(x) ? 0 : 0.5 * Math.log(Math.PI); // Γ(1) = 1, Γ(½) = √π
  for (let t = Number.isInteger(x) ? 1 : 0.5; t < x; t++) lg += Math.log(t);
  return lg;
}

/**
 * The term ADBench's log_wishart_prior subtracts and gmmObjective leaves out (it does not depend on
 * the parameters): -k·C, C = n·p·(log γ - ½ log 2) - log Γ_p(n/2), n = p + m + 1, p = d.
 */
export function gmmWishartConstant(d: number, k: number, gamma: number, m: number): number {
  const nw = d + m + 1;
  let logGammaP = 0.25 * d * (d - 1) * Math.log(Math.PI);
  for (let j = 1; j <= d; j++) logGammaP += logGammaHalf(0.5 * nw + 0.5 * (1 - j));
  const C = nw * d * (Math.log(gamma) - 0.5 * Math.log(2)) - logGammaP;
  return -k * C;
}
