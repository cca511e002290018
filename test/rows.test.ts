/**
 * Arrays of arrays (`number[][]`, `Float64Array[]`, as parameters and object fields): rows read
 * with `A[i][j]`, `const row = A[i]`, `for…of`, `map`, `reduce`, destructuring and helpers. The
 * gradient comes back in the same shape (a `number[][]` gradient is a `number[][]`); grad,
 * valueAndGrad, jvp and vjp are checked against central finite differences in float64, element by
 * element, optimized and not; jvp and vjp also against each other (the dot-product test).
 */
import { expect } from 'chai';
import * as path from 'node:path';
import { expectClose } from './check.js';
import { compile, formatDiagnostics, repoRoot, rng } from './harness.js';

const file = path.join(repoRoot, 'test', 'virtual', 'rows.ts');
const source = `import { grad, valueAndGrad, jvp, vjp } from 'tsgrad';

const dot = (a: ArrayLike<number>, b: ArrayLike<number>): number => {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
};

/** A dense layer and a log-sum-exp: rows by index, by name, by for…of, by map and reduce. */
export function layer(W: number[][], x: number[], b: Float64Array[]): number {
  let s = 0;
  for (let i = 0; i < W.length; i++) {
    const row = W[i];
    s += Math.tanh(dot(row, x) + b[i][0]);
  }
  for (const row of W) s += 0.1 * row[1] * row[1];
  const z = W.map((row, i) => dot(row, x) * b[i][1]);
  const m = Math.max(...z);
  const lse = m + Math.log(z.reduce((t, v) => t + Math.exp(v - m), 0));
  const [first, second] = W;
  return s + lse + first[0] * second[2] + W.reduce((t, r) => t + r[0] * x[1], 0);
}
export const layerGrad = grad(layer, [0, 1, 2]);
export const layerVG = valueAndGrad(layer, [0]);
export const layerJvp = (W: number[][], x: number[], b: Float64Array[], dW: number[][], dx: number[], db: Float64Array[]) => jvp(layer, [W, x, b], [dW, dx, db]);
export const layerVjp = (W: number[][], x: number[], b: Float64Array[]) => vjp(layer, W, x, b);

interface Params {
  Wx: number[][];
  bias: number[];
}
/** An object parameter with an array of arrays as a field (an LSTM gate's weights). */
export function gate(p: Params, h: number[]): number {
  let s = 0;
  p.Wx.forEach((row, i) => {
    s += 1 / (1 + Math.exp(-(dot(row, h) + p.bias[i])));
  });
  return s;
}
export const gateGrad = grad(gate, [0, 1]);

type Matrix = number[][];
const matmul = (A: Matrix, B: Matrix): Matrix => A.map((row) => B[0].map((_, j) => row.reduce((s, a, k) => s + a * B[k][j], 0)));
const transpose = (A: Matrix): Matrix => A[0].map((_, j) => A.map((row) => row[j]));

/** Matrices built by literals and map, reassigned in a loop; a destructured object parameter. */
export function quad({ scale, shift }: { scale: number; shift: number[] }, W: Matrix): number {
  const S: Matrix = [[scale, 0.5], [0, scale * scale]];
  let P = matmul(W, transpose(W));
  for (let t = 0; t < 2; t++) P = P.map((row, i) => row.map((v, j) => v * S[i % 2][j % 2] + shift[j]));
  return P.reduce((t, row) => t + row.reduce((u, v) => u + Math.sin(v), 0), 0);
}
export const quadGrad = grad(quad, [0, 1]);
export const quadJvp = (p: { scale: number; shift: number[] }, W: Matrix, dp: { scale: number; shift: number[] }, dW: Matrix) => jvp(quad, [p, W], [dp, dW]);

/** Reads past the end of a row (fuzz seed 10100055): the values read there (undefined) are never used. */
export function pastEnd(W: number[][], layers: { w: number[]; b: number }[]): number {
  const pairs = Array.from({ length: 9 }, (_, q) => W[2][q >> 1]);
  let s = 0;
  for (let i = 0; i < 3; i++) s += pairs[i] * (i + 1);
  for (const l of layers) {
    const ws = Array.from({ length: l.w.length + 2 }, (_, q) => l.w[q]);
    s += ws[0] * ws[1] * l.b;
  }
  return s;
}
export const pastEndGrad = grad(pastEnd, [0, 1]);
export const pastEndVjp = (W: number[][], layers: { w: number[]; b: number }[]) => vjp(pastEnd, W, layers);
`;

type Rows = number[][];
const shape = (r: () => number, n: number, m: number): Rows => Array.from({ length: n }, () => Array.from({ length: m }, () => -1 + 2 * r()));
const f64Rows = (rows: Rows): Float64Array[] => rows.map((row) => Float64Array.from(row));

/** Central differences of f with respect to element [i][j] of argument k (an array of arrays), or [j] of a flat array. */
function fdRows(f: (...args: any[]) => number, args: any[], k: number, h = 1e-6): number[][] | number[] {
  const at = (i: number, j: number | undefined, d: number): number => {
    const copy = args.map((a, q) => (q !== k ? a : Array.isArray(a) && Array.isArray(a[0]) || ArrayBuffer.isView(a[0]) ? a.map((row: any) => row.slice()) : a.slice()));
    if (j === undefined) copy[k][i] += d;
    else copy[k][i][j] += d;
    return f(...copy);
  };
  const a = args[k];
  if (typeof a[0] === 'number') return a.map((_: number, i: number) => (at(i, undefined, h) - at(i, undefined, -h)) / (2 * h));
  return a.map((row: ArrayLike<number>, i: number) => Array.from(row, (_, j) => (at(i, j, h) - at(i, j, -h)) / (2 * h)));
}

const flat = (x: any): number[] => (typeof x === 'number' ? [x] : Array.from(x as ArrayLike<any>).flatMap(flat));

describe('arrays of arrays', () => {
  for (const optimize of [true, false]) {
    describe(`optimize: ${optimize}`, () => {
      const out = compile([file], { optimize }, new Map([[file, source]]));
      const m = out.modules.get('test/virtual/rows')!;
      const r = rng(7);
      const W = shape(r, 3, 4);
      const x = shape(r, 1, 4)[0];
      const b = f64Rows(shape(r, 3, 2));

      it('compiles without diagnostics', () => {
        expect(formatDiagnostics(out.diagnostics)).to.equal('');
      });

      it('grad: the gradient of each argument has its shape and matches finite differences', () => {
        const [gW, gx, gb] = m.layerGrad(W, x, b);
        expect(Array.isArray(gW) && Array.isArray(gW[0])).to.equal(true);
        expect(gb[0]).to.be.instanceOf(Float64Array);
        expectClose(flat(gW), flat(fdRows(m.layer, [W, x, b], 0)), 1e-6, 'dW');
        expectClose(gx, fdRows(m.layer, [W, x, b], 1) as number[], 1e-6, 'dx');
        expectClose(flat(gb), flat(fdRows(m.layer, [W, x, b], 2)), 1e-6, 'db');
        const [value, [gW2]] = m.layerVG(W, x, b);
        expect(value).to.equal(m.layer(W, x, b));
        expectClose(flat(gW2), flat(gW), 1e-12, 'valueAndGrad');
      });

      it('jvp and vjp agree (dot-product test), the arguments unchanged', () => {
        const before = JSON.stringify([W, x, b.map((row) => Array.from(row))]);
        const dW = shape(r, 3, 4);
        const dx = shape(r, 1, 4)[0];
        const db = f64Rows(shape(r, 3, 2));
        const [y, dy] = m.layerJvp(W, x, b, dW, dx, db);
        expect(y).to.equal(m.layer(W, x, b));
        const [, pullback] = m.layerVjp(W, x, b);
        const [gW, gx, gb] = pullback(1);
        const dotted = [[flat(gW), flat(dW)], [gx, dx], [flat(gb), flat(db)]].reduce((s, [g, d]) => s + g.reduce((t: number, v: number, i: number) => t + v * d[i], 0), 0);
        expectClose(dy, dotted, 1e-10, '⟨vjp, d⟩ = jvp·d');
        expect(JSON.stringify([W, x, b.map((row) => Array.from(row))])).to.equal(before);
      });

      it('an object with an array-of-arrays field: the gradient is an object of the same shape', () => {
        const p = { Wx: shape(r, 3, 4), bias: shape(r, 1, 3)[0] };
        const h = shape(r, 1, 4)[0];
        const [gp, gh] = m.gateGrad(p, h);
        const fdW = fdRows((Wx: Rows) => m.gate({ Wx, bias: p.bias }, h), [p.Wx], 0);
        expectClose(flat(gp.Wx), flat(fdW), 1e-6, 'd/dWx');
        expectClose(gp.bias, fdRows((bias: number[]) => m.gate({ Wx: p.Wx, bias }, h), [p.bias], 0) as number[], 1e-6, 'd/dbias');
        expectClose(gh, fdRows((v: number[]) => m.gate(p, v), [h], 0) as number[], 1e-6, 'd/dh');
      });
    });
  }

  for (const optimize of [true, false]) {
    it(`matrices built by literals, map and helpers, reassigned in a loop; a destructured parameter (optimize: ${optimize})`, () => {
      const out = compile([file], { optimize }, new Map([[file, source]]));
      const m = out.modules.get('test/virtual/rows')!;
      const r = rng(11);
      const W = shape(r, 3, 3);
      const p = { scale: 0.7, shift: [0.1, -0.2, 0.3] };
      const [gp, gW] = m.quadGrad(p, W);
      const h = 1e-6;
      const fdScale = (m.quad({ ...p, scale: p.scale + h }, W) - m.quad({ ...p, scale: p.scale - h }, W)) / (2 * h);
      expectClose(gp.scale, fdScale, 1e-6, 'd/dscale');
      expectClose(gp.shift, fdRows((shift: number[]) => m.quad({ ...p, shift }, W), [p.shift], 0) as number[], 1e-6, 'd/dshift');
      expectClose(flat(gW), flat(fdRows((A: Rows) => m.quad(p, A), [W], 0)), 1e-6, 'd/dW');
      const dp = { scale: 0.3, shift: [1, -1, 0.5] };
      const dW = shape(r, 3, 3);
      const [, dy] = m.quadJvp(p, W, dp, dW);
      const dotted = gp.scale * dp.scale + gp.shift.reduce((s: number, g: number, i: number) => s + g * dp.shift[i], 0) + flat(gW).reduce((s, g, i) => s + g * flat(dW)[i], 0);
      expectClose(dy, dotted, 1e-10, 'jvp = ⟨grad, d⟩');
    });
  }

  for (const optimize of [true, false]) {
    it(`reads past the end of a row or an object's array, their values unused: the gradient keeps the argument's shape (optimize: ${optimize})`, () => {
      const out = compile([file], { optimize }, new Map([[file, source]]));
      const m = out.modules.get('test/virtual/rows')!;
      const r = rng(13);
      const W = shape(r, 3, 3);
      const layers = shape(r, 2, 3).map((w, i) => ({ w, b: 0.5 + i }));
      const fdW = flat(fdRows((A: Rows) => m.pastEnd(A, layers), [W], 0));
      const fdLayers = layers.map((l, i) => fdRows((w: number[]) => m.pastEnd(W, layers.map((o, j) => (j === i ? { w, b: o.b } : o))), [l.w], 0) as number[]);
      const [, pullback] = m.pastEndVjp(W, layers);
      for (const [gW, gLayers] of [m.pastEndGrad(W, layers), pullback(1)]) {
        expect(gW.map((row: number[]) => row.length)).to.deep.equal([3, 3, 3]);
        expectClose(flat(gW), fdW, 1e-6, 'd/dW');
        expect(gLayers.map((l: { w: number[] }) => l.w.length)).to.deep.equal([3, 3]);
        gLayers.forEach((l: { w: number[] }, i: number) => expectClose(l.w, fdLayers[i], 1e-6, `d/dlayers[${i}].w`));
      }
    });
  }

  it('writing into an argument\'s rows, and jacfwd with respect to an array of arrays, are rejected with the reason', () => {
    const bad = path.join(repoRoot, 'test', 'virtual', 'rows-rejected.ts');
    const text = `import { grad, jacfwd } from 'tsgrad';
export function f(A: number[][], x: number): number {
  A[0][1] = x * x;
  return A[0][1];
}
export const g = grad(f, [1]);
export function h(A: number[][]): number[] {
  return A.map((row) => row[0] * row[1]);
}
export const j = jacfwd(h);
`;
    const out = compile([bad], {}, new Map([[bad, text]]));
    const shown = formatDiagnostics(out.diagnostics);
    expect(shown).to.match(/rows-rejected\.ts:3:\d+ .*writing into 'A\[0\]\[1\]', an array of arrays the function was given.*copy it first/);
    expect(shown).to.match(/rows-rejected\.ts:7:\d+ .*jacfwd and jacrev with respect to an array of arrays \('A'\) is not supported yet/);
  });
});
