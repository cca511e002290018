/**
 * Objects as values inside differentiated code: object literals (shorthand, spread, nested),
 * helpers returning objects (one return or several), fields read from a call's result,
 * destructuring of results, and number fields of a local object updated in place. Checked
 * against central finite differences under grad, jvp, vjp and hvp, optimized and not.
 */
import { expect } from 'chai';
import * as path from 'node:path';
import { expectClose } from './check.js';
import { compile, finiteDiff, formatDiagnostics, repoRoot } from './harness.js';

const file = path.join(repoRoot, 'test', 'virtual', 'objectvalues.ts');
const libFile = path.join(repoRoot, 'test', 'virtual', 'objectvalues_lib.ts');
const libSource = `export function st(a: number[], k: number): { lo: number; hi: number } {
  return { lo: a[0] * k, hi: a[1] + k };
}
`;
const source = `import { grad, hvp, jvp, vjp } from 'tsgrad';
import * as lib from './objectvalues_lib.js';

interface Stats { mean: number; sd: number }
function stats(xs: number[]): Stats {
  const mean = xs.reduce((s, x) => s + x, 0) / xs.length;
  const sd = Math.sqrt(xs.reduce((s, x) => s + (x - mean) ** 2, 0) / xs.length);
  return { mean, sd };
}
type P = { x: number; y: number };
const add = (a: P, b: P): P => ({ x: a.x + b.x, y: a.y + b.y });
function clampStats(s: Stats, lo: number): Stats {
  if (s.sd < lo) return { mean: s.mean, sd: lo };
  return { ...s };
}
function polar(r: number, t: number): { p: P; scale: { r: number }; data: number[] } {
  return { p: { x: r * Math.cos(t), y: r * Math.sin(t) }, scale: { r }, data: [r, t] };
}

export function loss(xs: number[], w: number): number {
  const { mean, sd } = stats(xs);
  const c = clampStats(stats(xs.map((x) => x * w)), 0.05);
  const p = add({ x: mean, y: sd }, { x: w, y: c.sd });
  const acc = { sum: 0, n: 0, data: xs };
  for (const x of acc.data) {
    acc.sum += ((x - mean) / sd) ** 3;
    acc.n++;
  }
  const q = polar(w, xs[0]);
  const moved = { ...q.p, y: q.p.y * 2 };
  return acc.sum / acc.n + p.x * p.y + stats(xs).mean * c.mean + moved.x * moved.y + q.scale.r * q.data[1];
}

export class Vec {
  constructor(public x: number, public y: number) {}
  add(o: Vec): Vec {
    return new Vec(this.x + o.x, this.y + o.y);
  }
  scaled(k: number): Vec {
    return new Vec(k * this.x, k * this.y);
  }
  get norm(): number {
    return Math.hypot(this.x, this.y);
  }
}
class Particle {
  mass = 1;
  readonly v: Vec;
  constructor(public pos: Vec, speed: number, readonly tags: number[]) {
    const angle = speed * 0.3;
    this.v = new Vec(speed * Math.cos(angle), speed * Math.sin(angle));
    this.mass = 1 + tags.length * 0.5;
  }
  energy(): number {
    return 0.5 * this.mass * this.v.norm ** 2 + this.pos.y * this.mass * 9.81;
  }
}
export function physics(xs: number[], w: number): number {
  const p = new Vec(xs[0], xs[1]).add(new Vec(w, 1).scaled(xs[2]));
  const q = new Particle(p, w * xs[3], [1, 2]);
  return p.norm * q.energy() + q.v.x;
}

const K0 = 0.5;
export function viaNamespace(x: number[], k: number): number {
  const o = lib.st(x, k);
  const c = { K0, y: lib.st(x, 2).hi };
  return o.lo * o.hi + c.K0 * c.y;
}
export const gNamespace = grad(viaNamespace, [0, 1]);

/** A field of a several-return helper's result updated in place; a recursive helper given swapped arrays (fuzz findings). */
function pick(a: number[], k: number): { m: number; s: number } {
  if (k > 1) return { m: a[0] * k, s: a[1] };
  return { m: a[1], s: a[0] * k };
}
function r(x: number, a: number[], d: number): number {
  return d <= 0 ? x * a[0] : Math.sin(x) + r(x * 0.7, a, d - 1);
}
export function updated(x: number[], k: number): number {
  const o = pick(x, k);
  o.s += k * o.m;
  let cur = [0.5, 1.5];
  let nxt = cur.slice();
  [cur, nxt] = [nxt, cur];
  return o.s * o.m + r(k, cur, 2);
}
export const gUpdated = grad(updated, [0, 1]);

export const g = grad(loss, [0, 1]);
export const gPhysics = grad(physics, [0, 1]);
export const h = hvp(loss);
export const jv = (xs: number[], w: number, dx: number[], dw: number) => jvp(loss, [xs, w], [dx, dw]);
export const vj = (xs: number[], w: number) => vjp(loss, xs, w);
`;

const rejected = `import { grad } from 'tsgrad';
type P = { x: number; y: number };
export function reassign(a: number): number {
  let p: P = { x: a, y: 1 };
  p = { x: p.y, y: p.x };
  return p.x;
}
export function choose(a: number): number {
  const p: P = a > 0 ? { x: a, y: 1 } : { x: 1, y: a };
  return p.x;
}
export function holdsFn(a: number): number {
  const o = { f: (v: number) => v * 2, a };
  return o.a;
}
export const r1 = grad(reassign);
export const r2 = grad(choose);
export const r3 = grad(holdsFn);
`;

describe('objects as values', () => {
  for (const optimize of [true, false]) {
    describe(`optimize: ${optimize}`, () => {
      const out = compile([file, libFile], { optimize }, new Map([[file, source], [libFile, libSource]]));
      const m = out.modules.get('test/virtual/objectvalues')!;
      const xs = [0.4, -0.3, 1.2, 0.8];

      it('compiles without diagnostics', () => {
        expect(formatDiagnostics(out.diagnostics)).to.equal('');
      });

      it('a helper returning an object through a namespace import; shorthand of a module constant (fuzz findings)', () => {
        const [gx, gk] = m.gNamespace([1, 2], 3);
        expectClose(gx, finiteDiff(m.viaNamespace, [[1, 2], 3], 0), 1e-6, 'grad x');
        expectClose(gk, finiteDiff(m.viaNamespace, [[1, 2], 3], 1), 1e-6, 'grad k');
        for (const k of [0.5, 3]) {
          const [ux, uk] = m.gUpdated([1.2, -0.4], k);
          expectClose(ux, finiteDiff(m.updated, [[1.2, -0.4], k], 0), 1e-6, `grad x, k = ${k}`);
          expectClose(uk, finiteDiff(m.updated, [[1.2, -0.4], k], 1), 1e-6, `grad k, k = ${k}`);
        }
      });

      for (const w of [0.7, 0.01]) {
        it(`grad, jvp, vjp and hvp at w = ${w} (the clamp ${w < 0.05 ? 'taken' : 'not taken'})`, () => {
          const [gx, gw] = m.g(xs, w);
          expectClose(gx, finiteDiff(m.loss, [xs, w], 0), 1e-6, 'grad xs');
          expectClose(gw, finiteDiff(m.loss, [xs, w], 1), 1e-6, 'grad w');
          const dx = [1, 0.5, -0.2, 0.3];
          const [value, tangent] = m.jv(xs, w, dx, 0.4);
          expect(value).to.equal(m.loss(xs, w));
          expectClose(tangent, dx.reduce((s, d, i) => s + d * gx[i], 0) + 0.4 * gw, 1e-10, 'jvp = ⟨grad, t⟩');
          const [, pullback] = m.vj(xs, w);
          const [cx, cw] = pullback(-1.5);
          expectClose(cx, Array.from(gx as ArrayLike<number>, (v) => -1.5 * v), 1e-12, 'vjp xs');
          expectClose(cw, -1.5 * gw, 1e-12, 'vjp w');
          const Hv = finiteDiff((a: number[]) => (m.g(a, w)[0] as Float64Array).reduce((s, gi, i) => s + gi * dx[i], 0), [xs], 0, 1e-5);
          expectClose(m.h(xs, w, dx), Hv, 1e-5, 'hvp');
        });
      }
    });
  }

  it('class instances made with new inside the function: methods returning new instances, getters, field initializers, constructor bodies', () => {
    const out = compile([file, libFile], {}, new Map([[file, source], [libFile, libSource]]));
    const m = out.modules.get('test/virtual/objectvalues')!;
    const xs = [0.4, -0.3, 1.2, 0.8];
    const [gx, gw] = m.gPhysics(xs, 0.7);
    expectClose(gx, finiteDiff(m.physics, [xs, 0.7], 0), 1e-6, 'grad xs');
    expectClose(gw, finiteDiff(m.physics, [xs, 0.7], 1), 1e-6, 'grad w');
  });

  it('reassigned objects, ternaries between objects, functions in objects: rejected with the reason', () => {
    const bad = path.join(repoRoot, 'test', 'virtual', 'objectvalues-rejected.ts');
    const text = formatDiagnostics(compile([bad], {}, new Map([[bad, rejected]])).diagnostics);
    expect(text).to.match(/objectvalues-rejected\.ts:5:\d+ .*reassigning object variable 'p'/);
    expect(text).to.match(/objectvalues-rejected\.ts:9:\d+ .*a ternary between objects/);
    expect(text).to.match(/objectvalues-rejected\.ts:13:\d+ .*a function held in an object/);
  });
});
