/**
 * What the optimized reverse sweep saves instead of taping (issue 16), checked where a wrong
 * choice would give a wrong gradient, against central finite differences, with `optimize` on and
 * off: loads from arrays no later store changes (recomputed), induction variables (`idx++` in a
 * triangular loop nest, stepped back from their value after the nest), loads hoisted out of loops that do not
 * change them, repeated loads read once, and arrays restored in the reverse sweep (the old element
 * pushed at each store) — including stores after the load in the same block, which must not be
 * read back, and an array both restored and read after the loop.
 */
import { expect } from 'chai';
import * as path from 'node:path';
import { expectClose } from './check.js';
import { compile, finiteDiff, formatDiagnostics, randomArray, repoRoot } from './harness.js';

const file = path.join(repoRoot, 'test', 'virtual', 'adjointopt.ts');
const source = `import { grad, hvp, stopGradient } from 'tsgrad';

/** The loop GMM's inner part: centered rewritten per (i, c), L's lower triangle walked by idx++. */
export function tri(L: Float64Array, mu: Float64Array, x: Float64Array, d: number): number {
  const n = x.length / d;
  const k = mu.length / d;
  const s = (d * (d - 1)) / 2;
  const scale = new Float64Array(k);
  for (let c = 0; c < k; c++) scale[c] = Math.exp(mu[c * d]);
  const centered = new Float64Array(d);
  const qx = new Float64Array(d);
  let total = 0;
  for (let i = 0; i < n; i++) {
    for (let c = 0; c < k; c++) {
      for (let j = 0; j < d; j++) centered[j] = x[i * d + j] - mu[c * d + j];
      for (let j = 0; j < d; j++) qx[j] = scale[c] * centered[j];
      let idx = c * s;
      for (let a = 0; a < d; a++) {
        for (let b = a + 1; b < d; b++) {
          qx[b] += L[idx] * centered[a];
          idx++;
        }
      }
      for (let j = 0; j < d; j++) total += Math.sin(qx[j] * qx[j]) * centered[j];
    }
  }
  return total;
}
export const gTri = grad(tri, [0, 1, 2]);

/** A stage loop over a buffer, as RK4 writes it: tmp rewritten, then read at shifted indices. */
export function stages(x0: Float64Array, a: number): number {
  const n = x0.length;
  const x = Float64Array.from(x0);
  const tmp = new Float64Array(n);
  const k = new Float64Array(n);
  for (let t = 0; t < 3; t++) {
    for (let i = 0; i < n; i++) tmp[i] = x[i] + a * k[i];
    for (let i = 0; i < n; i++) k[i] = tmp[(i + 1) % n] * tmp[(i + n - 1) % n] - Math.sin(tmp[i]);
    for (let i = 0; i < n; i++) x[i] += 0.1 * k[i];
  }
  let s = 0;
  for (let i = 0; i < n; i++) s += x[i] * tmp[i];
  return s;
}
export const gStages = grad(stages, [0, 1]);

/** A load followed, in the same block, by a store into the same element: the load's value is the old one. */
export function readThenWrite(x: Float64Array): number {
  const buf = new Float64Array(x.length);
  let s = 0;
  for (let r = 0; r < 3; r++) {
    for (let i = 0; i < x.length; i++) {
      const old = buf[i];
      buf[i] = Math.cos(old + x[i] * (r + 1));
      s += old * buf[i] * x[i];
    }
  }
  return s + buf[0];
}
export const gReadThenWrite = grad(readThenWrite);

/** An induction variable stepped by 2 in a loop counting down; its start changes per outer step. */
export function strided(w: Float64Array, v: Float64Array): number {
  let s = 0;
  let p = 0;
  for (let r = 0; r < 3; r++) {
    p = r;
    for (let j = v.length - 1; j >= 0; j--) {
      s += Math.tanh(w[p] * v[j]) * v[j];
      p += 2;
    }
  }
  return s;
}
export const gStrided = grad(strided, [0, 1]);

/** Inner trip counts computed from bounds: <=, a fractional bound, a loop counting down by 2 with >=, an empty loop; reversed from the bound alone (an integer start): <, <=, > and >= with fractional bounds; a fractional start. */
export function bounds(x: Float64Array, h: number): number {
  let s = 0;
  const last = x.length - 1;
  const top = h + 1.7;
  for (let r = 0; r < 3; r++) {
    for (let i = r; i <= last; i++) s += Math.sin(x[i] * (r + 1));
    for (let i = 0; i < h + r; i++) s += x[i % x.length] * x[(i + 1) % x.length];
    for (let i = x.length - 1; i >= r; i -= 2) s += Math.exp(0.1 * x[i]) * h;
    for (let i = 5; i < r; i++) s += x[0] * 100;
    for (let i = r; i < h; i++) s += x[i] * Math.sin(x[i + 1] * h);
    for (let i = r; i <= h; i++) s += Math.exp(0.2 * x[i + 2]) * (i + 1);
    for (let i = r + 3; i > h; i--) s += x[i % x.length] * Math.cos(h * i);
    for (let i = r + 2; i >= h - 1; i--) s += x[(i + 1) % x.length] * x[i % x.length] * h;
    for (let t = r + 0.5; t < top; t++) s += x[Math.floor(t) % x.length] * t * h;
  }
  return s;
}
export const gBounds = grad(bounds, [0, 1]);

/** Outermost loops reversed from their bound: fractional, <=, counting down by 2, x.length; and a bound reassigned after its loop, whose trip count is kept. */
export function outerBounds(x: Float64Array, h: number): number {
  let s = 0;
  const n = x.length;
  for (let i = 0; i < h; i++) s += Math.sin(x[i] * h);
  for (let i = 1; i <= n - 1; i++) s += x[i] * x[i - 1];
  for (let i = n - 1; i >= 0; i -= 2) s += Math.exp(0.3 * x[i]) * h;
  let m = 3;
  for (let i = 0; i < m; i++) s += x[i + 1] * Math.cos(x[i] * h);
  m = 1;
  for (let i = 0; i < x.length; i++) s += x[i] * x[i] + m;
  return s;
}
export const gOuterBounds = grad(outerBounds, [0, 1]);

/** Increments A[i] += e, -= e, e + A[i], one into an element of another index that may be the same one, one reading the element twice. */
export function increments(x: Float64Array, w: number): number {
  const n = x.length;
  const acc = new Float64Array(n);
  for (let r = 0; r < 2; r++) {
    for (let i = 0; i < n; i++) {
      acc[i] += Math.sin(x[i] * w);
      acc[(i * 3) % n] -= x[i] * acc[i];
      acc[i] = x[(i + 1) % n] * w + acc[i];
      const j = i % 2;
      acc[j] += acc[i];
      acc[i] += acc[i] * w;
    }
  }
  let s = 0;
  for (let i = 0; i < n; i++) s += acc[i] * acc[i];
  return s;
}
export const gIncrements = grad(increments, [0, 1]);

/** Sums started just before their loop: from 0 (no snapshot of the sum needed), from exp(…) (whose reverse reads the sum's value on entry); inner loops up to x.length (trip counts not taped) and up to the length of an array that gets shorter (taped). */
export function sums(x: Float64Array): number {
  let total = 0;
  for (let r = 0; r < 3; r++) {
    let s = 0;
    for (let i = 0; i < x.length; i++) s += x[i] * (r + 1);
    let e = Math.exp(x[r] * 0.5);
    for (let i = 0; i < x.length; i++) e += x[i] * x[r];
    total += Math.sin(s) * e;
  }
  // a bound read from an array that gets shorter: not the same length each time
  let tail = x.slice(0);
  for (let r = 0; r < 3; r++) {
    for (let i = 0; i < tail.length; i++) total += tail[i] * tail[i] * (r + 1);
    tail = tail.slice(1);
  }
  return total;
}
export const gSums = grad(sums);

/** The row index read only through a load the reverse sweep recomputes (fuzz seed 1130131: hvp wrong). */
export function walk(x: Float64Array, c: number): number {
  const w = Array.from({ length: 16 }, (_, q) => ((q + 1) % 4) + 0.5);
  let s = 0;
  for (let a = 0; a < 4; a++) {
    let idx = a * 4;
    for (let b = a + 1; b < 4; b++) {
      s += w[idx] * Math.sin(x[b] * c);
      idx++;
    }
  }
  return s;
}
export const gWalk = grad(walk, [0, 1]);
export const hWalk = hvp(walk);

/** ADBench's triangle walk written as C writes it, \`L[k++]\`, restarted per repetition. */
export function postInc(v: Float64Array, L: Float64Array): number {
  const n = v.length;
  let s = 0;
  for (let r = 0; r < 3; r++) {
    let k = r;
    for (let i = 0; i < n; i++) {
      for (let j = i + 1; j < n; j++) s += L[k++] * Math.sin(v[i] * v[j] * (r + 1));
    }
  }
  return s;
}
export const gPostInc = grad(postInc, [0, 1]);
export const hPostInc = hvp(postInc);

/** k-- walking down (an induction variable stepping by -1); k++ read as a number, and k++ under a branch (none). */
export function postIncMisses(L: Float64Array, v: Float64Array): number {
  let s = 0;
  let k = L.length - 1;
  for (let i = 0; i < v.length; i++) s += L[k--] * v[i] * v[i];
  let m = 0;
  for (let i = 0; i < v.length; i++) s += Math.sin(m++ * v[i]) * L[m];
  let q = 0;
  for (let i = 0; i < v.length; i++) if (v[i] > 0) s += L[q++] * v[i];
  return s;
}
export const gPostIncMisses = grad(postIncMisses, [0, 1]);

/**
 * stopGradient's copy of an element beside the element itself: the same numbers, but the copies
 * must stay apart (reading s * 3 as the a = x[i] * 3 before it, or s as a copy of x[i], would let
 * the derivative through).
 */
export function stopCopies(x: Float64Array): number {
  let t = 0;
  for (let i = 0; i < x.length; i++) {
    const a = x[i] * 3;
    const s = stopGradient(x[i]);
    t += a * (s * 3) + Math.sin(s);
  }
  return t;
}
export const gStopCopies = grad(stopCopies);

/** A number stepped from stopGradient's copy of itself: each step's derivative starts again at 0. */
export function stopStep(x: number): number {
  let k = x;
  let t = 0;
  for (let i = 0; i < 3; i++) {
    t += k * k;
    k = stopGradient(k) + 1;
  }
  return t;
}
export const gStopStep = grad(stopStep);
`;

describe('optimized reverse sweep: recompute and restore instead of tape', () => {
  for (const optimize of [true, false]) {
    describe(`optimize: ${optimize}`, () => {
      const out = compile([file], { optimize }, new Map([[file, source]]));
      const m = out.modules.get('test/virtual/adjointopt')!;

      it('compiles without diagnostics', () => {
        expect(out.diagnostics, formatDiagnostics(out.diagnostics)).to.have.length(0);
      });

      it('GMM-like triangle walk: gradients match central differences', () => {
        const d = 4;
        const args = [randomArray(1, 2 * ((d * (d - 1)) / 2)), randomArray(2, 2 * d), randomArray(3, 3 * d), d];
        const g = m.gTri(...args);
        for (const i of [0, 1, 2]) expectClose(g[i], finiteDiff(m.tri, args, i), 1e-6, 'gradient');
      });

      it('RK-like stages over a rewritten buffer: gradients match central differences', () => {
        const args = [randomArray(4, 6), 0.3];
        const g = m.gStages(...args);
        expectClose(g[0], finiteDiff(m.stages, args, 0), 1e-6, 'gradient');
        expectClose(g[1], finiteDiff(m.stages, args, 1), 1e-6, 'gradient');
      });

      it('a load, then a store into the same element in the same block: the old value is used', () => {
        const args = [randomArray(5, 5)];
        expectClose(m.gReadThenWrite(...args), finiteDiff(m.readThenWrite, args, 0), 1e-6, 'gradient');
      });

      it('an induction variable stepping by 2 in a loop counting down: gradients match central differences', () => {
        const args = [randomArray(6, 12), randomArray(7, 4)];
        const g = m.gStrided(...args);
        expectClose(g[0], finiteDiff(m.strided, args, 0), 1e-6, 'gradient');
        expectClose(g[1], finiteDiff(m.strided, args, 1), 1e-6, 'gradient');
      });

      it('trip counts computed from loop bounds (<=, fractional bound, counting down by 2, empty, <, <=, >, >= with fractional bounds, fractional start): gradients match central differences', () => {
        const args = [randomArray(8, 6), 2.5];
        const g = m.gBounds(...args);
        expectClose(g[0], finiteDiff(m.bounds, args, 0), 1e-6, 'gradient');
        expectClose(g[1], finiteDiff(m.bounds, args, 1), 1e-6, 'gradient');
      });

      it('outermost loops reversed from their bounds, one whose bound is reassigned after it: gradients match central differences', () => {
        const args = [randomArray(9, 6), 2.5];
        const g = m.gOuterBounds(...args);
        expectClose(g[0], finiteDiff(m.outerBounds, args, 0), 1e-6, 'gradient');
        expectClose(g[1], finiteDiff(m.outerBounds, args, 1), 1e-6, 'gradient');
      });

      it('an induction variable read only through a recomputed load (fuzz seed 1130131): gradient and hvp match central differences', () => {
        const x = randomArray(13, 4);
        const g = m.gWalk(x, 0.8);
        expectClose(g[0], finiteDiff(m.walk, [x, 0.8], 0), 1e-6, 'd/dx');
        expectClose(g[1], finiteDiff(m.walk, [x, 0.8], 1), 1e-6, 'd/dc');
        const v = randomArray(14, 4);
        const hv = finiteDiff((y: Float64Array) => (m.gWalk(y, 0.8)[0] as Float64Array).reduce((t: number, gi: number, i: number) => t + gi * v[i], 0), [x], 0, 1e-5);
        expectClose(m.hWalk(x, 0.8, v), hv, 1e-5, 'hvp');
      });

      it('increments of array elements (+=, -=, e + A[i], into another index, reading the element twice): gradients match central differences', () => {
        const args = [randomArray(9, 5), 0.7];
        const g = m.gIncrements(...args);
        expectClose(g[0], finiteDiff(m.increments, args, 0), 1e-6, 'gradient');
        expectClose(g[1], finiteDiff(m.increments, args, 1), 1e-6, 'gradient');
      });

      it('sums started just before their loop, from 0 and from exp(…); loops up to a fixed and a shrinking length: gradients match central differences', () => {
        const args = [randomArray(10, 5)];
        expectClose(m.gSums(...args), finiteDiff(m.sums, args, 0), 1e-6, 'gradient');
      });

      it('post-increments (L[k++]) in a triangle, a post-decrement, and ones that are no induction variables: gradients and hvp match central differences', () => {
        const L = randomArray(15, 40);
        const v = randomArray(16, 6);
        const g = m.gPostInc(v, L);
        expectClose(g[0], finiteDiff(m.postInc, [v, L], 0), 1e-6, 'd/dv');
        expectClose(g[1], finiteDiff(m.postInc, [v, L], 1), 1e-6, 'd/dL');
        const dv = randomArray(17, 6);
        const hv = finiteDiff((y: Float64Array) => (m.gPostInc(y, L)[0] as Float64Array).reduce((t: number, gi: number, i: number) => t + gi * dv[i], 0), [v], 0, 1e-5);
        expectClose(m.hPostInc(v, L, dv), hv, 1e-5, 'hvp');
        const misses = [randomArray(18, 9), randomArray(19, 7)];
        const gm = m.gPostIncMisses(...misses);
        expectClose(gm[0], finiteDiff(m.postIncMisses, misses, 0), 1e-6, 'd/dL');
        expectClose(gm[1], finiteDiff(m.postIncMisses, misses, 1), 1e-6, 'd/dv');
        if (optimize) {
          // the walk's index is stepped back in the reverse sweep, nothing taped per iteration; each
          // r is reversed right after it (fuseSweeps), where k still holds its end (fusedTape)
          const code = [...out.generated.values()].find((c) => c.includes('function postInc_grad'))!;
          expect(code).not.to.match(/floats\[nf\+\+\]/);
          expect(code).to.match(/k -= 1;[^}]*L\[k\]/);
        }
      });

      it('a stopGradient copy beside the value it copies, and one a number is stepped from: the derivative stops there (by hand)', () => {
        const x = randomArray(20, 5);
        expectClose(m.gStopCopies(x), x.map((v) => 9 * v), 1e-14, 'gradient');
        // k's derivative is 1 only before the first step: d/dx of x² is 2x
        expect(m.gStopStep(0.7)).to.equal(2 * 0.7);
      });

      it(optimize ? 'tapes no value per iteration of the inner loops of the triangle walk' : 'tapes the loads of the triangle walk', () => {
        const code = out.generated.get('tri_grad_0_1_2') ?? [...out.generated.values()].find((c) => c.includes('function tri_grad'))!;
        const inner = code.slice(code.indexOf('while (b < d)'), code.indexOf('// reverse sweep'));
        const pushesInB = inner.slice(0, inner.indexOf('}')).match(/floats\[nf\+\+\]/g)?.length ?? 0;
        if (optimize) {
          expect(pushesInB, code).to.equal(0);
          // idx kept once per run of the a/b nest (not per row), stepped back in the reverse
          expect(code.match(/floats\[nf\+\+\] = idx;/g)?.length, code).to.equal(1);
          expect(code).to.match(/idx = floats\[--nf\];[\s\S]*idx -= 1;/);
          expect(code).not.to.include('idx_start');
          expect(code).to.include('floats[nf++] = centered[');
          // qx[b] += …: qx's adjoint element passes through, neither zeroed nor added back
          expect(code).not.to.match(/qx_b\[b\] (=|\+=)/);
        } else {
          expect(pushesInB, code).to.be.greaterThan(0);
        }
      });
    });
  }
});
