/**
 * ADBench's Gaussian-mixture objective written with loops over flat Float64Arrays, the way
 * ADBench's C reference writes it (gmm.c: preprocess_qs, Qtimesx, logsumexp, log_wishart_prior),
 * and its gradient written by hand. Layout: alphas[c], means[c*d + j], icf[c*s + j] with
 * s = d + d(d-1)/2 (d log-diagonal entries, then the strictly-lower entries column by column),
 * x[i*d + j]. No Node imports: the tests compile this file in memory (test/adjoint.test.ts).
 */
import { grad } from 'tsgrad';

/**
 * The log-likelihood with the Wishart prior, without the prior's normalizing constant
 * (gmmWishartConstant adds it; ADBench's published values include it).
 */
export function gmmObjective(alphas: Float64Array, means: Float64Array, icf: Float64Array, x: Float64Array, d: number, gamma: number, m: number): number {
  const k = alphas.length;
  const n = x.length / d;
  const s = d + (d * (d - 1)) / 2;
  // the diagonal of each precision factor Q_c, exp(log-diagonal), and Σ_j log Q_c[j][j]
  const diags = new Float64Array(k * d);
  const sumQs = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < d; j++) {
      diags[c * d + j] = Math.exp(icf[c * s + j]);
      sumQs[c] += icf[c * s + j];
    }
  }
  const centered = new Float64Array(d);
  const qx = new Float64Array(d);
  const main = new Float64Array(k);
  let slse = 0;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) {
      for (let j = 0; j < d; j++) centered[j] = x[i * d + j] - means[c * d + j];
      // qx = Q_c · centered: the diagonal, then the strict lower triangle column by column
      for (let j = 0; j < d; j++) qx[j] = diags[c * d + j] * centered[j];
      let idx = c * s + d;
      for (let a = 0; a < d; a++) {
        for (let b = a + 1; b < d; b++) {
          qx[b] += icf[idx] * centered[a];
          idx++;
        }
      }
      let sq = 0;
      for (let j = 0; j < d; j++) sq += qx[j] * qx[j];
      main[c] = alphas[c] + sumQs[c] - 0.5 * sq;
    }
    // log Σ_c exp(main[c]), shifted by the largest term
    let mx = main[0];
    for (let c = 1; c < k; c++) if (main[c] > mx) mx = main[c];
    let se = 0;
    for (let c = 0; c < k; c++) se += Math.exp(main[c] - mx);
    slse += mx + Math.log(se);
  }
  let amax = alphas[0];
  for (let c = 1; c < k; c++) if (alphas[c] > amax) amax = alphas[c];
  let ase = 0;
  for (let c = 0; c < k; c++) ase += Math.exp(alphas[c] - amax);
  let prior = 0;
  for (let c = 0; c < k; c++) {
    let frob = 0;
    for (let j = 0; j < d; j++) frob += diags[c * d + j] * diags[c * d + j];
    for (let j = d; j < s; j++) frob += icf[c * s + j] * icf[c * s + j];
    prior += 0.5 * gamma * gamma * frob - m * sumQs[c];
  }
  return -n * d * 0.5 * Math.log(2 * Math.PI) + slse - n * (amax + Math.log(ase)) + prior;
}

/** tsgrad's gradient with respect to alphas, means and icf. */
export const gmmGrad = grad(gmmObjective, [0, 1, 2]);

/**
 * The gradient with respect to alphas, means and icf, written by hand. Per sample, one forward
 * pass over the components keeps each component's centered point and Q·centered (k·d values,
 * reused across samples); the log-sum-exp gives each component's weight w_c, and the reverse pass
 * needs nothing else. Gradients with respect to Q's diagonal and Σ log-diagonal are accumulated and
 * turned into icf gradients once at the end.
 */
export function gmmGradByHand(alphas: Float64Array, means: Float64Array, icf: Float64Array, x: Float64Array, d: number, gamma: number, m: number): [Float64Array, Float64Array, Float64Array] {
  const k = alphas.length;
  const n = x.length / d;
  const s = d + (d * (d - 1)) / 2;
  const gAlphas = new Float64Array(k);
  const gMeans = new Float64Array(k * d);
  const gIcf = new Float64Array(k * s);
  const diags = new Float64Array(k * d);
  const sumQs = new Float64Array(k);
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < d; j++) {
      diags[c * d + j] = Math.exp(icf[c * s + j]);
      sumQs[c] += icf[c * s + j];
    }
  }
  const gDiags = new Float64Array(k * d); // d(objective)/d(diags), without the prior
  const gSumQs = new Float64Array(k);
  const centered = new Float64Array(k * d);
  const qx = new Float64Array(k * d);
  const main = new Float64Array(k);
  const gCentered = new Float64Array(d);
  for (let i = 0; i < n; i++) {
    const xi = i * d;
    for (let c = 0; c < k; c++) {
      const cd = c * d;
      for (let j = 0; j < d; j++) {
        centered[cd + j] = x[xi + j] - means[cd + j];
        qx[cd + j] = diags[cd + j] * centered[cd + j];
      }
      let idx = c * s + d;
      for (let a = 0; a < d; a++) {
        const ca = centered[cd + a];
        for (let b = a + 1; b < d; b++) qx[cd + b] += icf[idx++] * ca;
      }
      let sq = 0;
      for (let j = 0; j < d; j++) sq += qx[cd + j] * qx[cd + j];
      main[c] = alphas[c] + sumQs[c] - 0.5 * sq;
    }
    let mx = main[0];
    for (let c = 1; c < k; c++) if (main[c] > mx) mx = main[c];
    let se = 0;
    for (let c = 0; c < k; c++) {
      main[c] = Math.exp(main[c] - mx);
      se += main[c];
    }
    for (let c = 0; c < k; c++) {
      // w = d(log Σ exp main)/d(main[c]); main[c] = alphas[c] + sumQs[c] - ½|qx|²
      const w = main[c] / se;
      gAlphas[c] += w;
      gSumQs[c] += w;
      const cd = c * d;
      // d/d(qx[j]) = -w·qx[j]; qx[j] = diags[j]·centered[j] + Σ_{a<j} L[j][a]·centered[a]
      for (let j = 0; j < d; j++) {
        const gq = -w * qx[cd + j];
        qx[cd + j] = gq; // qx now holds its adjoint
        gDiags[cd + j] += gq * centered[cd + j];
        gCentered[j] = gq * diags[cd + j];
      }
      let idx = c * s + d;
      for (let a = 0; a < d; a++) {
        const ca = centered[cd + a];
        let ga = gCentered[a];
        for (let b = a + 1; b < d; b++) {
          const gq = qx[cd + b];
          gIcf[idx] += gq * ca;
          ga += icf[idx] * gq;
          idx++;
        }
        gMeans[cd + a] -= ga;
      }
    }
  }
  // -n·logsumexp(alphas)
  let amax = alphas[0];
  for (let c = 1; c < k; c++) if (alphas[c] > amax) amax = alphas[c];
  let ase = 0;
  for (let c = 0; c < k; c++) ase += Math.exp(alphas[c] - amax);
  for (let c = 0; c < k; c++) gAlphas[c] -= (n * Math.exp(alphas[c] - amax)) / ase;
  // the prior ½γ²(Σ diags² + Σ L²) - m·sumQs, and the chain through diags = exp(icf), sumQs = Σ icf
  const g2 = gamma * gamma;
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < d; j++) {
      const q = diags[c * d + j];
      gIcf[c * s + j] += (gDiags[c * d + j] + g2 * q) * q + gSumQs[c] - m;
    }
    for (let j = d; j < s; j++) gIcf[c * s + j] += g2 * icf[c * s + j];
  }
  return [gAlphas, gMeans, gIcf];
}
