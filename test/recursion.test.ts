/**
 * Recursion and large call graphs. A recursive function (directly or mutually) is compiled on its
 * own, with companions f_primal, f_pullback and f_jvp (lower/separate.ts), and so is a function
 * inlined more than a few times in one derivative, so the generated code grows linearly with the
 * program: a chain of 30 helpers each calling the next twice is checked for code size. Second
 * order goes through them too (companions of their tangent functions). Every derivative against
 * central finite differences, by hand, or (jvp/vjp) against grad, optimized and not.
 */
import { expect } from 'chai';
import * as path from 'node:path';
import { expectClose } from './check.js';
import { compile, finiteDiff, formatDiagnostics, repoRoot } from './harness.js';

/** A chain of n helpers, each calling the next twice (2ⁿ calls in all, were they inlined). */
const chainOf = (n: number): string => Array.from({ length: n }, (_, k) => k < n - 1
  ? `function h${k}(x: number, d: number): number {\n  return d <= 0 ? Math.sin(x) * x : h${k + 1}(x * 0.5, d - 1) + h${k + 1}(x + 0.25, d - 1);\n}`
  : `function h${k}(x: number, d: number): number {\n  return Math.sin(x) * x + d;\n}`).join('\n');
const chain = chainOf(30);
const shortFile = path.join(repoRoot, 'test', 'virtual', 'recursion-short.ts');
const shortSource = `import { grad } from 'tsgrad';\n${chainOf(20)}\nexport const deep = (x: number, d: number): number => h0(x, d);\nexport const gDeep = grad(deep);\n`;

const file = path.join(repoRoot, 'test', 'virtual', 'recursion.ts');
const source = `import { grad, jvp, vjp, jacrev, hvp, hessian } from 'tsgrad';

/** det A by cofactor expansion along the first row (minors of arrays of arrays). */
const minor = (A: number[][], j: number): number[][] => A.slice(1).map((row) => row.filter((_, k) => k !== j));
export function detMinors(A: number[][]): number {
  if (A.length === 1) return A[0][0];
  return A[0].reduce((det, a, j) => det + (j % 2 === 0 ? 1 : -1) * a * detMinors(minor(A, j)), 0);
}
export const gDet = grad(detMinors);
export const vDet = (A: number[][]) => vjp(detMinors, A);
export const hvpDet = hvp(detMinors);

/** c₀ + x(c₁ + x(c₂ + …)), recursively, over a Float64Array. */
export function horner(c: Float64Array, x: number, from = 0): number {
  return from >= c.length ? 0 : c[from] + x * horner(c, x, from + 1);
}
export const gHorner = grad(horner, [0, 1]);
export const jHorner = (c: Float64Array, x: number, dc: Float64Array, dx: number) => jvp(horner, [c, x, 0], [dc, dx, 0]);

/** Mutual recursion: even and odd terms of a series, with a loop and an array inside. */
function even(x: number, n: number, w: number[]): number {
  if (n <= 0) return 1;
  let s = 0;
  for (const v of w) s += Math.cos(v * x);
  return 1 + x * x * odd(x, n - 1, w) / n + 0.1 * s;
}
function odd(x: number, n: number, w: number[]): number {
  return n <= 0 ? x : Math.sin(x) + even(x * 0.9, n - 1, w.map((v) => v * 0.5));
}
export function series(x: number, w: number[]): number {
  return even(x, 6, w) * odd(x, 3, w);
}
export const gSeries = grad(series, [0, 1]);
export const jrSeries = jacrev(series, 1);

/** A recursive tree walk over implicit binary-tree arrays (children of i at 2i + 1, 2i + 2). */
function walk(values: number[], i: number, depth: number): number {
  if (i >= values.length) return 0;
  return Math.tanh(values[i] * depth) + walk(values, 2 * i + 1, depth + 1) * 0.5 + walk(values, 2 * i + 2, depth + 1) * 0.25;
}
export const tree = (values: number[]): number => walk(values, 0, 1);
export const gTree = grad(tree);
export const hTree = hessian(tree);
export const hvpSeries = hvp(series, 1);

/** x to the n-th by squaring, recursively; its second derivative by grad(grad(f)). */
function power(x: number, n: number): number {
  if (n === 0) return 1;
  const half = power(x, Math.floor(n / 2));
  return n % 2 === 0 ? half * half : x * half * half;
}
export const cube = (x: number): number => power(x, 3) + Math.sin(power(x, 2));
export const cubeGG = grad(grad(cube));

/** A number given its own recursive image, x = r(x, …) (fuzz seed 120656: its adjoint was zeroed after the pullback added to it). */
function shifted(x: number, d: number): number {
  return d <= 0 ? d * x : Math.sin(x) + shifted(2 * x, d - 1);
}
export function selfCall(x: number, y: number): number {
  x = shifted(x, 3);
  y = shifted(y * x, 2);
  return x * y;
}
export const gSelf = grad(selfCall, [0, 1]);
export const vSelf = (x: number, y: number) => vjp(selfCall, x, y);
export const hvpSelf = hvp(selfCall);

${chain}
export const deep = (x: number, d: number): number => h0(x, d);
export const gDeep = grad(deep);
`;

describe('recursion and large call graphs', () => {
  for (const optimize of [true, false]) {
    describe(`optimize: ${optimize}`, () => {
      const out = compile([file, shortFile], { optimize }, new Map([[file, source], [shortFile, shortSource]]));
      const m = out.modules.get('test/virtual/recursion')!;

      it('compiles without diagnostics', () => {
        expect(formatDiagnostics(out.diagnostics)).to.equal('');
      });

      it('det by minors (recursion through reduce and a helper making minors): grad, vjp and hvp', () => {
        const A = [[0.2, 1.5, -0.3, 0.8], [2.1, -0.4, 0.9, 0.1], [-1.2, 0.6, 0.3, 1.7], [0.5, 0.2, -2.2, 0.4]];
        const g = m.gDet(A);
        A.forEach((row, i) => row.forEach((_, j) => {
          const f = (v: number) => m.detMinors(A.map((r, p) => r.map((x, q) => (p === i && q === j ? v : x))));
          expectClose(g[i][j], (f(A[i][j] + 1e-6) - f(A[i][j] - 1e-6)) / 2e-6, 1e-6, `d det / d A[${i}][${j}]`);
        }));
        const [value, pullback] = m.vDet(A);
        expect(value).to.equal(m.detMinors(A));
        const [ct] = pullback(3);
        ct.forEach((row: number[], i: number) => expectClose(row, g[i].map((x: number) => 3 * x), 1e-12, `vjp row ${i}`));
        // hvp with respect to the matrix (second order through the recursion): differences of the gradient along V
        const V = A.map((r, i) => r.map((_, j) => Math.cos(i + 3 * j)));
        const gAt = (e: number) => m.gDet(A.map((r, i) => r.map((x, j) => x + e * V[i][j])));
        const [gp, gm] = [gAt(1e-5), gAt(-1e-5)];
        m.hvpDet(A, V).forEach((row: number[], i: number) => expectClose(row, row.map((_, j) => (gp[i][j] - gm[i][j]) / 2e-5), 1e-5, `hvp row ${i}`));
      });

      it('recursive Horner over a Float64Array with a default argument: grad and jvp', () => {
        const c = Float64Array.of(0.5, -1.2, 0.3, 2, -0.7);
        const [gc, gx] = m.gHorner(c, 0.8);
        expectClose(gc, finiteDiff(m.horner, [c, 0.8], 0), 1e-6, 'grad c');
        expectClose(gx, finiteDiff(m.horner, [c, 0.8], 1), 1e-6, 'grad x');
        const dc = Float64Array.of(1, 0, -1, 0.5, 2);
        const [value, tangent] = m.jHorner(c, 0.8, dc, 0.3);
        expectClose(value, m.horner(c, 0.8), 1e-15, 'jvp value');
        expectClose(tangent, (gc as Float64Array).reduce((s, g, i) => s + g * dc[i], 0) + 0.3 * gx, 1e-12, 'jvp = ⟨grad, t⟩');
      });

      it('mutual recursion with loops and arrays: grad and jacrev', () => {
        const w = [0.3, -0.5, 1.1];
        const [gx, gw] = m.gSeries(0.7, w);
        expectClose(gx, finiteDiff(m.series, [0.7, w], 0), 1e-6, 'grad x');
        expectClose(gw, finiteDiff(m.series, [0.7, w], 1), 1e-6, 'grad w');
        expectClose(m.jrSeries(0.7, w), gw, 1e-12, 'jacrev = grad');
      });

      it('a recursive tree walk: grad and hessian', () => {
        const values = [0.3, -0.2, 0.9, 0.4, -0.6, 0.1, 0.8, -0.3, 0.5];
        expectClose(m.gTree(values), finiteDiff(m.tree, [values], 0), 1e-6, 'grad');
        const H = m.hTree(values) as Float64Array;
        const n = values.length;
        for (let j = 0; j < n; j++) {
          const column = finiteDiff((v: number[]) => (m.gTree(v) as Float64Array)[j], [values], 0, 1e-5) as Float64Array;
          expectClose(H.slice(j * n, (j + 1) * n), column, 1e-5, `hessian column ${j}`);
        }
      });

      it('second order through recursion: hvp of mutual recursion, grad(grad f) of recursive squaring', () => {
        const w = [0.3, -0.5, 1.1];
        const v = [1, -0.5, 2];
        const Hv = finiteDiff((ws: number[]) => (m.gSeries(0.7, ws)[1] as Float64Array).reduce((s, g, i) => s + g * v[i], 0), [w], 0, 1e-5);
        expectClose(m.hvpSeries(0.7, w, v), Hv, 1e-5, 'hvp wrt w');
        for (const x of [0.4, -1.3]) expectClose(m.cubeGG(x), 6 * x + 2 * Math.cos(x * x) - 4 * x * x * Math.sin(x * x), 1e-9, `(x³ + sin x²)'' at ${x}, by hand`);
      });

      it('a number given its own recursive image (x = r(x, …), fuzz seed 120656): grad, vjp, hvp', () => {
        const want = [0, 1].map((k) => finiteDiff((a: number, b: number) => m.selfCall(a, b), [0.4, -0.7], k) as number);
        expectClose(m.gSelf(0.4, -0.7), want, 1e-6, 'grad');
        expectClose(m.vSelf(0.4, -0.7)[1](2), want.map((g) => 2 * g), 1e-6, 'vjp');
        const h = (eps: number) => (m.gSelf(0.4 + eps, -0.7)[0] as number);
        expectClose(m.hvpSelf(0.4, -0.7, 1), (h(1e-5) - h(-1e-5)) / 2e-5, 1e-5, 'hvp');
      });

      it('a chain of 30 helpers each calling the next twice: code linear in the chain, derivative right', () => {
        expectClose(m.gDeep(0.6, 6), finiteDiff(m.deep, [0.6, 6], 0), 1e-6, 'grad at depth 6');
        expectClose(m.gDeep(0.6, 0), finiteDiff(m.deep, [0.6, 0], 0), 1e-6, 'grad at depth 0');
        const js = out.js.get('test/virtual/recursion')!;
        const short = out.js.get('test/virtual/recursion-short')!;
        // inlined throughout, 10 more helpers would multiply the code by 2¹⁰; compiled on their own, they add to it
        const perHelper = (js.length - short.length) / 10;
        expect(perHelper, 'generated code per added helper').to.be.below(short.length / 5);
        expect((js.match(/function h\d+_pullback/g) ?? []).length, 'helpers compiled on their own').to.be.above(10);
        expect(out.modules.get('test/virtual/recursion-short')!.gDeep(0.6, 4)).to.be.closeTo(finiteDiff(m.deep, [0.6, 4], 0) as number, 1e-6);
      });
    });
  }

});
