/**
 * Arrays of objects built inside differentiated code (map, Array.from, literals of objects), held
 * as one array per field and only read: by index, destructuring, .length, for…of, forEach,
 * reduce, reduceRight, map to numbers, some, every, findIndex, and through inlined helpers.
 * Checked against central finite differences under grad, and jvp/vjp/hvp against grad, optimized
 * and not; writes into such arrays and other uses rejected at build time.
 */
import { expect } from 'chai';
import * as path from 'node:path';
import { copyArgs, expectClose, show } from './check.js';
import { compile, finiteDiff, formatDiagnostics, repoRoot } from './harness.js';

const file = path.join(repoRoot, 'test', 'virtual', 'objectarrays.ts');
const source = `import { grad, hvp, jvp, vjp } from 'tsgrad';

type Sample = { x: number; y: number };
function residual(s: Sample, a: number, b: number): number {
  return a * s.x + b - s.y;
}
function makeSample(x: number, y: number): Sample {
  return { x: Math.sin(x), y };
}
function total(samples: Sample[], a: number, b: number): number {
  let s = 0;
  for (const p of samples) s += residual(p, a, b) ** 2;
  return s;
}

/** Built by map, read by index, destructuring, length, for…of, reduce, forEach. */
export function fit(xs: number[], ys: number[], ab: number[]): number {
  const [a, b] = ab;
  const samples = xs.map((x, i) => ({ x, y: ys[i] }));
  let loss = 0;
  for (let i = 0; i < samples.length; i++) {
    const r = a * samples[i].x + b - samples[i].y;
    loss += r * r;
  }
  const { x, y } = samples[1];
  loss += 0.1 * x * y;
  for (const { x: u, y: v } of samples) loss += 0.01 * Math.exp(u * v * a);
  loss += samples.reduce((acc, s, i) => acc + residual(s, a, b) * (i + 1), 0);
  samples.forEach((s) => {
    loss += 0.5 * Math.sin(s.x * b);
  });
  return loss + total(samples, a, b);
}

/** Array.from, a helper returning the object, map to numbers, some/every/findIndex, reduceRight. */
export function more(xs: number[], w: number): number {
  const pts = Array.from({ length: xs.length - 1 }, (_, i) => makeSample(xs[i] * w, xs[i + 1]));
  const d = pts.map((p) => p.x - p.y);
  const big = pts.some((p) => p.x > 0.5) ? 1 : 0;
  const all = pts.every(({ y }) => y > -5) ? 2 : 1;
  const k = pts.findIndex((p) => p.y > 0.9);
  const back = pts.reduceRight((acc, p, i) => acc * 0.9 + p.x * p.y * (i + 1), 0);
  let s = 0;
  for (const v of d) s += v * v;
  const first = pts[0];
  return s * all + big * w + k * w * w + back + first.x * first.y;
}

/** A literal of objects, nested objects and array fields, a map of an array of objects to another. */
export function nested(x: number[], w: number): number {
  const parts = [
    { p: { x: x[0], y: w }, m: 1, v: [x[1], x[2]] },
    { p: { x: x[1] * w, y: x[2] }, m: 2, v: [w, x[0]] },
  ];
  const scaled = parts.map((q) => ({ c: q.p.x * q.m, d: q.v[0] * q.v[1] + q.p.y }));
  let s = 0;
  for (let i = 0; i < parts.length; i++) s += parts[i].p.x * parts[i].v[1] + parts[i].v.length * scaled[i].d;
  return s + scaled.reduce((a, { c, d }) => a + c * d, 0);
}

/** An array of objects built from an array of objects parameter, and chained at once. */
type Layer = { w: number; b: number };
export function fromParams(layers: Layer[], x: number): number {
  const eff = layers.map((l) => ({ k: l.w * x, c: l.b * l.b }));
  const chained = layers.map((l) => ({ z: l.w + l.b })).reduce((a, q) => a + q.z * q.z, 0);
  return eff.reduce((a, q) => a + Math.tanh(q.k + q.c), 0) + chained;
}

/** A callback with several returns; for…of over entries(). */
export function several(xs: number[], a: number): number {
  const s = xs.map((x) => {
    if (x > a) return { x, y: 1 };
    return { x: -x * a, y: a };
  });
  let t = 0;
  for (const [i, p] of s.entries()) t += p.x * p.y * (i + 1);
  return t;
}

/** Fields holding elements of \`new Array(n).fill(0)\` (type any): read as numbers (fuzz seeds 931938, 972089). */
export function untyped(xs: number[], w: number): number {
  const t = new Array(xs.length).fill(0);
  for (let i = 0; i < xs.length; i++) t[i] = xs[i] * w;
  const s = t.map((v, i) => ({ x: t[0], y: v * (i + 1) }));
  return s.reduce((a, p) => a + Math.sin(p.x) * p.y, 0);
}

export const gFit = grad(fit, [0, 1, 2]);
export const gUntyped = grad(untyped, [0, 1]);
export const gSeveral = grad(several, [0, 1]);
export const gMore = grad(more, [0, 1]);
export const gNested = grad(nested, [0, 1]);
export const gFrom = grad(fromParams, [0, 1]);
export const hFit = hvp(fit);
export const jFit = (xs: number[], ys: number[], ab: number[], dx: number[], dy: number[], dab: number[]) => jvp(fit, [xs, ys, ab], [dx, dy, dab]);
export const vFit = (xs: number[], ys: number[], ab: number[]) => vjp(fit, xs, ys, ab);
export const hMore = hvp(more);
`;

const rejected = `import { grad } from 'tsgrad';
export function writeField(xs: number[]): number {
  const s = xs.map((x) => ({ x, y: 2 * x }));
  s[0].x = 3;
  return s[0].x;
}
export function writeElement(xs: number[]): number {
  const s = xs.map((x) => ({ x, y: 2 * x }));
  s.forEach((p) => {
    p.y += 1;
  });
  return s[0].y;
}
function keep(xs: { x: number }[]): number {
  return xs.length;
}
export function push(xs: number[]): number {
  const s = xs.map((x) => ({ x }));
  s.push({ x: 1 });
  return s.length;
}
export function sameObject(xs: number[]): number {
  const p = { x: 1 };
  const s = xs.map(() => p);
  p.x = 2;
  return s[0].x;
}
export function stored(xs: number[]): number {
  const s = xs.map((x) => ({ x }));
  const o = { all: s };
  return o.all.length;
}
export function flags(xs: number[]): number {
  const s = xs.map((x) => ({ x, on: x > 0 }));
  return s[0].x;
}
export const r1 = grad(writeField);
export const r2 = grad(writeElement);
export const r3 = grad(push);
export const r4 = grad(sameObject);
export const r5 = grad(stored);
export const r6 = grad(flags);
void keep;
`;

function expectGrad(f: (...a: any[]) => number, g: (...a: any[]) => unknown, args: any[], argnums: number[], tol = 1e-6): unknown[] {
  const before = copyArgs(args);
  const got = g(...args) as unknown[];
  expect(show(args), 'arguments modified').to.equal(show(before));
  argnums.forEach((k, j) => expectClose(got[j] as number[], finiteDiff(f, args, k) as Float64Array, tol, `d/d arg ${k}`));
  return got;
}

describe('arrays of objects built in differentiated code', () => {
  for (const optimize of [true, false]) {
    describe(`optimize: ${optimize}`, () => {
      const out = compile([file], { optimize }, new Map([[file, source]]));
      const m = out.modules.get('test/virtual/objectarrays')!;
      const xs = [0.4, -0.3, 1.2, 0.8];
      const ys = [1.1, 0.2, -0.7, 0.95];
      const ab = [0.6, -0.2];

      it('compiles without diagnostics', () => {
        expect(formatDiagnostics(out.diagnostics)).to.equal('');
        expect(out.loadError).to.equal(undefined);
      });

      it('map to objects read by index, destructuring, length, for…of, reduce, forEach, an inlined helper: grad, jvp, vjp, hvp', () => {
        const [gx, gy, gab] = expectGrad(m.fit, m.gFit, [xs, ys, ab], [0, 1, 2]) as number[][];
        const dx = [0.3, -0.1, 0.2, 0.5];
        const dy = [-0.4, 0.1, 0.6, 0.2];
        const dab = [0.7, -0.3];
        const [value, tangent] = m.jFit(xs, ys, ab, dx, dy, dab);
        expect(value).to.equal(m.fit(xs, ys, ab));
        const dot = (a: ArrayLike<number>, b: number[]): number => b.reduce((s, v, i) => s + v * a[i], 0);
        expectClose(tangent, dot(gx, dx) + dot(gy, dy) + dot(gab, dab), 1e-10, 'jvp = ⟨grad, t⟩');
        const [, pullback] = m.vFit(xs, ys, ab);
        const [cx, cy, cab] = pullback(-1.5);
        expectClose(cx, gx.map((v: number) => -1.5 * v), 1e-12, 'vjp xs');
        expectClose(cy, gy.map((v: number) => -1.5 * v), 1e-12, 'vjp ys');
        expectClose(cab, gab.map((v: number) => -1.5 * v), 1e-12, 'vjp ab');
        const Hv = finiteDiff((a: number[]) => dot(m.gFit(a, ys, ab)[0], dx), [xs], 0, 1e-5);
        const before = copyArgs([xs, ys, ab, dx]);
        expectClose(m.hFit(xs, ys, ab, dx), Hv, 1e-5, 'hvp');
        expect(show([xs, ys, ab, dx])).to.equal(show(before));
      });

      for (const w of [0.7, 1.9]) {
        it(`Array.from with a helper, map to numbers, some/every/findIndex, reduceRight at w = ${w}`, () => {
          const [gx] = expectGrad(m.more, m.gMore, [xs, w], [0, 1]) as number[][];
          const dx = [0.2, 0.1, -0.3, 0.4];
          const Hv = finiteDiff((a: number[]) => (m.gMore(a, w)[0] as number[]).reduce((s, v, i) => s + v * dx[i], 0), [xs], 0, 1e-5);
          expectClose(m.hMore(xs, w, dx), Hv, 1e-5, 'hvp');
          expect(gx.length).to.equal(4);
        });
      }

      it('fields holding elements of new Array(n).fill(0), typed any, are numbers (fuzz seeds 931938, 972089)', () => {
        expectGrad(m.untyped, m.gUntyped, [xs, 0.8], [0, 1]);
      });

      it('a callback with several returns, for…of over entries()', () => {
        for (const a of [0.5, -0.5]) expectGrad(m.several, m.gSeveral, [xs, a], [0, 1]);
      });

      it('a literal of objects with nested objects and array fields; map of an array of objects to another', () => {
        expectGrad(m.nested, m.gNested, [[0.3, -1.1, 0.7], 1.3], [0, 1]);
      });

      it('built from an array of objects parameter; map chained into reduce', () => {
        const layers = [{ w: 0.3, b: -0.2 }, { w: -1.1, b: 0.5 }, { w: 0.8, b: 0.1 }];
        const [gl, gx] = m.gFrom(layers, 0.9) as [{ w: number; b: number }[], number];
        expectClose(gx, finiteDiff((x: number) => m.fromParams(layers, x), [0.9], 0) as number, 1e-6, 'd/dx');
        layers.forEach((l, i) => {
          for (const key of ['w', 'b'] as const) {
            const at = (v: number): number => m.fromParams(layers.map((q, j) => (j === i ? { ...q, [key]: v } : q)), 0.9);
            expectClose(gl[i][key], finiteDiff(at, [l[key]], 0) as number, 1e-6, `d/d layers[${i}].${key}`);
          }
        });
      });
    });
  }

  it('writes into elements, push, one object in every element, storing the array, boolean fields: rejected with the reason', () => {
    const bad = path.join(repoRoot, 'test', 'virtual', 'objectarrays-rejected.ts');
    const text = formatDiagnostics(compile([bad], {}, new Map([[bad, rejected]])).diagnostics);
    expect(text).to.match(/objectarrays-rejected\.ts:4:\d+ .*writing 's\[0\]\.x', in an array of objects built in this function.*read-only/);
    expect(text).to.match(/objectarrays-rejected\.ts:10:\d+ .*writing 'p\.y', in an array of objects built in this function/);
    expect(text).to.match(/objectarrays-rejected\.ts:19:\d+ .*'push' of 's', an array of objects built in this function/);
    expect(text).to.match(/objectarrays-rejected\.ts:24:\d+ .*an element of 's' is an object made before it/);
    expect(text).to.match(/objectarrays-rejected\.ts:30:\d+ .*'s', an array of objects built in this function, used as/);
    expect(text).to.match(/objectarrays-rejected\.ts:34:\d+ .*field 'on' of the objects in 's' has type boolean/);
  });
});
