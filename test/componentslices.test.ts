/**
 * A component loop inside a fused sample loop, GMM's shape (compiler/passes/componentSlices.ts,
 * ascendingLoops.ts): scratch arrays each component writes whole are kept one slice per component
 * instead of saved on the tape, a value loaded from a slice is loaded again in the reverse, and
 * the reverse's inner loops run forward, the index stepped through the triangle set to its first
 * value again. The near misses keep their tape: a scratch stored twice in a component (the reverse
 * needs the first value), read before it is written, or an index stepped under a condition. Every
 * gradient is checked against central differences, and against the sweeps apart
 * (fuseSweeps: false, where neither pass runs).
 */
import { expect } from 'chai';
import * as path from 'node:path';
import { expectClose, modes } from './check.js';
import { type Arg, compile, finiteDiff, formatDiagnostics, randomArray, repoRoot } from './harness.js';

const file = path.join(repoRoot, 'test', 'virtual', 'componentslices.ts');
const source = `import { grad } from 'tsgrad';

/** Σ_i log Σ_c exp(alpha_c - ½|Q_c (x_i - mu_c)|²): Q_c's diagonal and its strict lower triangle (w[c * s + d …]) walked by ix. */
export function mixture(alpha: Float64Array, mu: Float64Array, w: Float64Array, x: Float64Array, d: number): number {
  const k = alpha.length;
  const n = x.length / d;
  const s = d + (d * (d - 1)) / 2;
  const cen = new Float64Array(d);
  const qv = new Float64Array(d);
  const score = new Float64Array(k);
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) {
      for (let j = 0; j < d; j++) cen[j] = x[i * d + j] - mu[c * d + j];
      for (let j = 0; j < d; j++) qv[j] = Math.exp(w[c * s + j]) * cen[j];
      let ix = c * s + d;
      for (let a = 0; a < d; a++) {
        for (let b = a + 1; b < d; b++) {
          qv[b] += w[ix] * cen[a];
          ix++;
        }
      }
      let sq = 0;
      for (let j = 0; j < d; j++) sq += qv[j] * qv[j];
      score[c] = alpha[c] - 0.5 * sq;
    }
    let mx = score[0];
    for (let c = 1; c < k; c++) if (score[c] > mx) mx = score[c];
    let se = 0;
    for (let c = 0; c < k; c++) se += Math.exp(score[c] - mx);
    total += mx + Math.log(se);
  }
  return total;
}

/** The scratch stored twice in each component: the reverse of qv's loop needs its first values, which only the tape has. */
export function storedTwice(alpha: Float64Array, mu: Float64Array, x: Float64Array, d: number): number {
  const k = alpha.length;
  const n = x.length / d;
  const sc = new Float64Array(d);
  const qv = new Float64Array(d);
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) {
      for (let j = 0; j < d; j++) sc[j] = x[i * d + j] - mu[c * d + j];
      for (let j = 0; j < d; j++) {
        qv[j] = 0;
        for (let b = 0; b < d; b++) qv[j] += sc[j] * sc[b];
      }
      for (let j = 0; j < d; j++) sc[j] = Math.sin(sc[j]);
      let q = 0;
      for (let j = 0; j < d; j++) q += qv[j] * sc[j];
      total += q * alpha[c];
    }
  }
  return total;
}

/**
 * The scratch read whole before each element is written: a component reads the one before's
 * values. The component loop and its reverse are at the top level, beside a sample loop that is
 * fused (the passes run where a body has one).
 */
export function readAhead(alpha: Float64Array, mu: Float64Array, x: Float64Array, d: number): number {
  const k = alpha.length;
  const sc = new Float64Array(d);
  let total = 0;
  for (let c = 0; c < k; c++) {
    for (let j = 0; j < d; j++) {
      let t = 0;
      for (let b = 0; b < d; b++) t += sc[b];
      sc[j] = x[j] * mu[c * d + j] + 0.25 * Math.sin(t);
    }
    let q = 0;
    for (let j = 0; j < d; j++) q += sc[j] * sc[j];
    total += q * alpha[c];
  }
  const pair = new Float64Array(2);
  for (let i = 0; i < x.length; i++) {
    for (let j = 0; j < 2; j++) pair[j] = Math.sin(alpha[0] * x[i] + j);
    total += pair[0] * pair[1];
  }
  return total;
}

/** The index stepped by 2, and only where the scratch is positive: its reverse stays as it is. */
export function stepWhere(alpha: Float64Array, mu: Float64Array, w: Float64Array, x: Float64Array, d: number): number {
  const k = alpha.length;
  const n = x.length / d;
  const cen = new Float64Array(d);
  const qv = new Float64Array(d);
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) {
      for (let j = 0; j < d; j++) cen[j] = x[i * d + j] - mu[c * d + j];
      for (let j = 0; j < d; j++) qv[j] = cen[j];
      let ix = c * d;
      for (let a = 0; a < d; a++) {
        for (let b = a + 1; b < d; b++) {
          qv[b] += w[ix] * cen[a];
          if (cen[a] > 0) ix += 2;
        }
      }
      let sq = 0;
      for (let j = 0; j < d; j++) sq += qv[j] * qv[j];
      total += Math.log(1 + sq) * alpha[c];
    }
  }
  return total;
}

/** One index stepped through two nests in each component (taped per step: nothing to set again). */
export function twoWalks(alpha: Float64Array, mu: Float64Array, w: Float64Array, x: Float64Array, d: number): number {
  const k = alpha.length;
  const n = x.length / d;
  const cen = new Float64Array(d);
  const qv = new Float64Array(d);
  const score = new Float64Array(k);
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) {
      for (let j = 0; j < d; j++) cen[j] = x[i * d + j] - mu[c * d + j];
      for (let j = 0; j < d; j++) qv[j] = cen[j];
      let ix = c;
      for (let a = 0; a < d; a++) {
        for (let b = a + 1; b < d; b++) {
          qv[b] += w[ix] * cen[a];
          ix++;
        }
      }
      for (let a = 0; a < d; a++) {
        for (let b = 0; b < a; b++) {
          qv[b] += w[ix] * cen[a];
          ix++;
        }
      }
      let sq = 0;
      for (let j = 0; j < d; j++) sq += qv[j] * qv[j];
      score[c] = alpha[c] - 0.5 * sq;
    }
    let se = 0;
    for (let c = 0; c < k; c++) se += Math.exp(score[c]);
    total += Math.log(se);
  }
  return total;
}

export const gMixture = grad(mixture, [0, 1, 2, 3]);
export const gStoredTwice = grad(storedTwice, [0, 1, 2]);
export const gReadAhead = grad(readAhead, [0, 1, 2]);
export const gStepWhere = grad(stepWhere, [0, 1, 2, 3]);
export const gTwoWalks = grad(twoWalks, [0, 1, 2, 3]);
`;

const sources = new Map([[file, source]]);
const key = 'test/virtual/componentslices';

describe('component loops in a fused sample loop: scratch slices, loops run forward', () => {
  const d = 3;
  const k = 4;
  const n = 5;
  const alpha = randomArray(60, k);
  const mu = randomArray(61, k * d);
  // the triangle's weights: k · (d + d(d-1)/2) for mixture, up to c·d + 2·d(d-1)/2 for stepWhere
  const w = randomArray(62, k * d * 2, -0.6, 0.6);
  const x = randomArray(63, n * d);
  const cases: [string, Arg[], number[]][] = [
    ['mixture', [alpha, mu, w, x, d], [0, 1, 2, 3]],
    ['storedTwice', [alpha, mu, x, d], [0, 1, 2]],
    ['readAhead', [alpha, mu, x, d], [0, 1, 2]],
    ['stepWhere', [alpha, mu, w, x, d], [0, 1, 2, 3]],
    ['twoWalks', [alpha, mu, w, x, d], [0, 1, 2, 3]],
  ];
  const apart = compile([file], { optimize: true, fuseSweeps: false }, sources).modules.get(key)!;

  for (const optimize of modes) {
    describe(`optimize: ${optimize}`, () => {
      const out = compile([file], { optimize }, sources);
      const m = out.modules.get(key)!;

      it('compiles without diagnostics', () => {
        expect(formatDiagnostics(out.diagnostics)).to.equal('');
        expect(out.loadError).to.equal(undefined);
      });

      for (const [name, args, argnums] of cases) {
        it(`${name}: gradients match central differences and the sweeps apart`, () => {
          const g = m[`g${name[0].toUpperCase()}${name.slice(1)}`](...args) as Float64Array[];
          const h = apart[`g${name[0].toUpperCase()}${name.slice(1)}`](...args) as Float64Array[];
          argnums.forEach((a, t) => {
            expectClose(g[t], finiteDiff(m[name], args, a) as Float64Array, 1e-6, `${name} d/d${a}`);
            expectClose(g[t], h[t], 1e-12, `${name} d/d${a} against the sweeps apart`);
          });
        });
      }

      if (!optimize) return;
      it('mixture: the scratch kept per component, nothing of it on the tape, the reverse loops forward with ix set again', () => {
        const code = out.generated.get('mixture_grad_0_1_2_3')!;
        expect(code).to.contain('cen = new Float64Array(k * d)');
        expect(code).to.contain('qv = new Float64Array(k * d)');
        expect(code).to.contain('cen_b = new Float64Array(d)');
        expect(code).not.to.match(/floats\[nf\+\+\] = (cen|qv|ix)/);
        expect(code.match(/ix = c_?\d* \* s \+ d;/g)?.length).to.equal(2);
        expect(code).not.to.match(/for \(\w+ = Math\.ceil\(d\) - 1/);
      });
      it('the near misses keep their tape: a scratch stored twice, read ahead; an index stepped under a condition', () => {
        expect(out.generated.get('storedTwice_grad_0_1_2')).to.match(/floats\[nf\+\+\] = sc\[/);
        expect(out.generated.get('readAhead_grad_0_1_2')).to.contain('sc = new Float64Array(d)');
        expect(out.generated.get('stepWhere_grad_0_1_2_3')).to.match(/ix = (floats|ints)\[--n[fi]\]/);
      });
    });
  }
});
