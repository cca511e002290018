/**
 * Arrays of arrays written in place: a local number[][] or Float64Array[] built in the function
 * (A.map((row) => [...row]), Array.from({ length: n }, () => new Float64Array(m))) and written
 * element by element (M[i][j] = v, M[i][j] -= f * M[k][j]) or by swapping rows. Checked against
 * central finite differences under grad, jvp, vjp and hvp, optimized and not; what would let
 * another name see the writes is rejected.
 */
import { expect } from 'chai';
import * as path from 'node:path';
import { expectClose } from './check.js';
import { compile, finiteDiff, formatDiagnostics, repoRoot } from './harness.js';

const file = path.join(repoRoot, 'test', 'virtual', 'rowwrites.ts');
const source = `import { grad, jvp, vjp, hvp, hessian } from 'tsgrad';

/** det A by elimination with partial pivoting; A is copied, rows swapped in the copy. */
export function det(A: number[][]): number {
  const n = A.length;
  const M = A.map((row) => [...row]);
  let d = 1;
  for (let k = 0; k < n; k++) {
    let p = k;
    for (let i = k + 1; i < n; i++) if (Math.abs(M[i][k]) > Math.abs(M[p][k])) p = i;
    if (p !== k) {
      [M[k], M[p]] = [M[p], M[k]];
      d = -d;
    }
    d *= M[k][k];
    for (let i = k + 1; i < n; i++) {
      const f = M[i][k] / M[k][k];
      for (let j = k; j < n; j++) M[i][j] -= f * M[k][j];
    }
  }
  return d;
}
export const gDet = grad(det);
export const hDet = hvp(det);

/** Explicit heat steps on a grid of Float64Array rows: a new grid, then copied back (nonlinearly) each step. */
export function heat(u0: number[][], kappa: number, steps: number): number {
  const n = u0.length;
  const m = u0[0].length;
  let u = Array.from({ length: n }, () => new Float64Array(m));
  let v = Array.from({ length: n }, () => new Float64Array(m));
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) u[i][j] = u0[i][j];
  for (let t = 0; t < steps; t++) {
    for (let i = 1; i < n - 1; i++) {
      for (let j = 1; j < m - 1; j++) {
        v[i][j] = u[i][j] + kappa * (u[i - 1][j] + u[i + 1][j] + u[i][j - 1] + u[i][j + 1] - 4 * u[i][j]);
      }
    }
    for (let i = 1; i < n - 1; i++) for (let j = 1; j < m - 1; j++) u[i][j] = v[i][j] * v[i][j] * 0.5 + v[i][j];
  }
  let s = 0;
  for (let i = 0; i < n; i++) for (let j = 0; j < m; j++) s += u[i][j] ** 2;
  return s;
}
export const gHeat = grad(heat, [0, 1]);

/** Two buffers swapped each step, [cur, nxt] = [nxt, cur]; rows of a matrix swapped the same way. */
export function relax(u0: number[], steps: number, w: number): number {
  let cur = Float64Array.from(u0);
  let nxt = new Float64Array(u0.length);
  const n = u0.length;
  for (let t = 0; t < steps; t++) {
    for (let i = 1; i < n - 1; i++) nxt[i] = cur[i] + w * (cur[i - 1] - 2 * cur[i] + cur[i + 1]) + 0.1 * cur[i] ** 2;
    [nxt[0], nxt[n - 1]] = [cur[0], cur[n - 1]];
    [cur, nxt] = [nxt, cur];
  }
  let [a, b] = [cur.slice(0, 2), cur.slice(2)];
  [a, b] = [b, a];
  return cur.reduce((s, x) => s + x * x, 0) + a[0] * b[1];
}
export const gRelax = grad(relax, [0, 2]);

/** Buffers made in a checkpointed step and swapped there are not loop state (fuzz finding). */
export function stepSwap(x: number[]): number {
  let s = 0;
  // @checkpoint
  for (let t = 0; t < 3; t++) {
    let [h, c] = [x.slice(0, 1), x.slice(1)];
    [h, c] = [c, h];
    s += h[0] * c[0] * (t + 1) + Math.sin(s);
  }
  return s;
}
export const gStepSwap = grad(stepSwap);

/**
 * Elimination then a row swap, where the rows after the swap feed the result only linearly: in
 * the Hessian's tangent program the primal rows' swap is inert (fuzz seed 20033 gave a wrong
 * Hessian: the inert store replaced the adjoint's rows, and nothing put them back).
 */
export function elimSwap(p: Float64Array): number {
  const M = Array.from({ length: 3 }, (_, i) => [p[i] * p[(i + 1) % 3], Math.sin(p[i]), p[(i + 2) % 3] - p[i]]);
  for (let k = 0; k < 3; k++) for (let i = k + 1; i < 3; i++) {
    const c = M[i][k] / (1 + M[k][k] ** 2);
    for (let j = 0; j < 3; j++) M[i][j] -= c * M[k][j];
  }
  [M[2], M[0]] = [M[0], M[2]];
  let s = 0;
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) s += M[i][j] * (i + 1) * (j + 2);
  return s;
}
export const gElimSwap = grad(elimSwap);

/** Rows built from an any[] (new Array(n).fill(v)): number[] rows (fuzz seed 20170 was rejected: "returns any[]"). */
export function anyRows(x: number): number {
  const t = new Array(3).fill(x * 2);
  const M = Array.from({ length: 3 }, (_, i) => [i + t[0], t[0] * t[2], x]);
  M[1][2] = M[0][1] * M[2][0];
  let s = 0;
  for (let i = 0; i < 3; i++) for (let j = 0; j < 3; j++) s += M[i][j] * (i + j + 1);
  return s;
}
export const gAnyRows = grad(anyRows);
export const hElimSwap = hessian(elimSwap);
export const jHeat = (u0: number[][], k: number, du: number[][], dk: number) => jvp(heat, [u0, k, 3], [du, dk, 0]);
export const vHeat = (u0: number[][], k: number) => vjp(heat, u0, k, 3);
`;

const rejected = `import { grad } from 'tsgrad';
export function rowsRead(A: number[][]): number {
  const M = A.map((row) => [...row]);
  M[0][0] = 2 * M[1][1];
  let s = 0;
  for (const row of M) s += row[0];
  return s;
}
export function named(A: number[][]): number {
  const r = [A[0][0], A[0][1]];
  const M = [r, [1, 2]];
  M[0][0] = 5;
  return r[0] + M[0][0];
}
export function checkpointed(A: number[][]): number {
  const M = A.map((row) => [...row]);
  // @checkpoint
  for (let t = 0; t < 3; t++) M[0][0] = M[0][0] * M[1][1];
  return M[0][0];
}
export const a = grad(rowsRead);
export const b = grad(named);
export const c = grad(checkpointed);
`;

function fdRows(f: (A: number[][]) => number, A: number[][], h = 1e-6): number[][] {
  return A.map((row, i) => row.map((_, j) => {
    const plus = A.map((r) => [...r]);
    const minus = A.map((r) => [...r]);
    plus[i][j] += h;
    minus[i][j] -= h;
    return (f(plus) - f(minus)) / (2 * h);
  }));
}

describe('arrays of arrays written in place', () => {
  for (const optimize of [true, false]) {
    describe(`optimize: ${optimize}`, () => {
      const out = compile([file], { optimize }, new Map([[file, source]]));
      const m = out.modules.get('test/virtual/rowwrites')!;
      const A = [[0.2, 1.5, -0.3, 0.8], [2.1, -0.4, 0.9, 0.1], [-1.2, 0.6, 0.3, 1.7], [0.5, 0.2, -2.2, 0.4]];
      const u0 = [[0.1, 0.3, 0.2, 0.5], [0.4, 0.9, 0.7, 0.3], [0.2, 0.8, 0.6, 0.1], [0.3, 0.2, 0.4, 0.2]];

      it('compiles without diagnostics', () => {
        expect(formatDiagnostics(out.diagnostics)).to.equal('');
      });

      it('det by LU with row swaps: grad (= det · A⁻ᵀ), hvp, the input unchanged', () => {
        const before = A.map((r) => [...r]);
        const g = m.gDet(A);
        const want = fdRows(m.det, A);
        g.forEach((row: number[], i: number) => expectClose(row, want[i], 1e-6, `grad row ${i}`));
        expect(A).to.deep.equal(before);
        const V = [[1, 0, 0.5, 0], [0, -1, 0, 0.2], [0.3, 0, 0, 1], [0, 0.4, -0.7, 0]];
        const gAt = (e: number) => m.gDet(A.map((r, i) => r.map((x, j) => x + e * V[i][j])));
        const [gp, gm] = [gAt(1e-5), gAt(-1e-5)];
        const Hv = m.hDet(A, V);
        Hv.forEach((row: number[], i: number) => expectClose(row, row.map((_, j) => (gp[i][j] - gm[i][j]) / 2e-5), 1e-5, `hvp row ${i}`));
      });

      it('buffers swapped with [cur, nxt] = [nxt, cur]', () => {
        const u = [0.3, -0.2, 0.8, 0.5, -0.6];
        for (const steps of [0, 1, 4]) {
          const [gu, gw] = m.gRelax(u, steps, 0.2);
          expectClose(gu, u.map((_, i) => {
            const [p, q] = [[...u], [...u]];
            p[i] += 1e-6;
            q[i] -= 1e-6;
            return (m.relax(p, steps, 0.2) - m.relax(q, steps, 0.2)) / 2e-6;
          }), 1e-6, `grad u0, ${steps} steps`);
          expectClose(gw, (m.relax(u, steps, 0.2 + 1e-6) - m.relax(u, steps, 0.2 - 1e-6)) / 2e-6, 1e-6, `grad w, ${steps} steps`);
        }
      });

      it('rows built from an any[] array', () => {
        for (const x of [0.4, -1.3]) expectClose(m.gAnyRows(x), finiteDiff(m.anyRows, [x], 0), 1e-6, `grad at ${x}`);
      });

      it('the Hessian of elimination followed by a row swap', () => {
        const p = Float64Array.of(0.3, -0.8, 1.1);
        const H = m.hElimSwap(p) as Float64Array;
        for (let j = 0; j < 3; j++) {
          const column = finiteDiff((q: Float64Array) => (m.gElimSwap(q) as Float64Array)[j], [p], 0, 1e-5) as Float64Array;
          expectClose(H.slice(j * 3, j * 3 + 3), column, 1e-5, `hessian column ${j}`);
        }
      });

      it('arrays made and swapped inside a checkpointed step', () => {
        const x = [0.3, -0.7, 1.2];
        expectClose(m.gStepSwap(x), x.map((_, i) => {
          const [p, q] = [[...x], [...x]];
          p[i] += 1e-6;
          q[i] -= 1e-6;
          return (m.stepSwap(p) - m.stepSwap(q)) / 2e-6;
        }), 1e-6, 'grad');
      });

      it('heat steps on Float64Array rows written in place: grad, jvp and vjp', () => {
        const [gu, gk] = m.gHeat(u0, 0.1, 3);
        const want = fdRows((U) => m.heat(U, 0.1, 3), u0);
        gu.forEach((row: number[], i: number) => expectClose(row, want[i], 1e-6, `grad u0 row ${i}`));
        expectClose(gk, (m.heat(u0, 0.1 + 1e-6, 3) - m.heat(u0, 0.1 - 1e-6, 3)) / 2e-6, 1e-6, 'grad kappa');
        const du = u0.map((r, i) => r.map((_, j) => Math.sin(i + 2 * j)));
        const [value, tangent] = m.jHeat(u0, 0.1, du, 0.5);
        expect(value).to.equal(m.heat(u0, 0.1, 3));
        const dot = gu.reduce((s: number, row: number[], i: number) => s + row.reduce((t, g, j) => t + g * du[i][j], 0), 0) + 0.5 * gk;
        expectClose(tangent, dot, 1e-10, 'jvp = ⟨grad, t⟩');
        const [, pullback] = m.vHeat(u0, 0.1);
        const [cu, ck] = pullback(2);
        cu.forEach((row: number[], i: number) => expectClose(row, gu[i].map((x: number) => 2 * x), 1e-12, `vjp row ${i}`));
        expectClose(ck, 2 * gk, 1e-12, 'vjp kappa');
      });
    });
  }

  it('rows also read by reference, a named row, a checkpointed loop: rejected with the reason', () => {
    const bad = path.join(repoRoot, 'test', 'virtual', 'rowwrites-rejected.ts');
    const text = formatDiagnostics(compile([bad], {}, new Map([[bad, rejected]])).diagnostics);
    expect(text).to.match(/rowwrites-rejected\.ts:4:3 .*writing into 'M', an array of arrays whose rows are also read by reference.*index it as M\[i\]\[j\] throughout/);
    expect(text).to.match(/rowwrites-rejected\.ts:12:3 .*writing into 'M', an array of arrays holding a row that is also named elsewhere/);
    expect(text).to.match(/rowwrites-rejected\.ts:18:3 .*checkpoint loop cannot be saved: it writes into 'M', an array of arrays/);
  });
});
