/**
 * Class instances in differentiated code: fields (parameter properties included), methods that
 * call each other through `this`, getters, static methods, arrow functions in methods that read
 * `this`, and arrays of instances whose methods are called per element. A method is inlined where
 * no class of the program overrides it; where one does, the call is rejected (the method that
 * runs is known only at run time). Derivatives against central finite differences, every numeric
 * leaf, optimized and not.
 */
import { expect } from 'chai';
import * as path from 'node:path';
import { expectClose } from './check.js';
import { compile, formatDiagnostics, repoRoot } from './harness.js';
import { getAt, leafPaths, shapeMismatch, shifted } from './idiomatic/tree.js';

const file = path.join(repoRoot, 'test', 'virtual', 'classes.ts');
const source = `import { grad, jvp, vjp, hvp } from 'tsgrad';

export class Spring {
  constructor(public k: number, public rest: number, readonly ends: [number, number]) {}
  stretch(pos: number[]): number {
    return Math.abs(pos[this.ends[1]] - pos[this.ends[0]]) - this.rest;
  }
  energy(pos: number[]): number {
    return 0.5 * this.k * this.stretch(pos) ** 2;
  }
}

export class Chain {
  constructor(public springs: Spring[], public gravity = 9.81, public masses: Float64Array = new Float64Array(0)) {}
  get totalMass(): number {
    return this.masses.reduce((s, m) => s + m, 0);
  }
  static square(v: number): number {
    return v * v;
  }
  potential(pos: number[]): number {
    const elastic = this.springs.reduce((e, s) => e + s.energy(pos), 0);
    const weight = pos.reduce((e, y, i) => e + this.masses[i] * this.gravity * y, 0);
    return elastic + weight + Chain.square(this.totalMass) * 1e-3;
  }
}

export const chainEnergy = (chain: Chain, pos: number[]): number => chain.potential(pos);
export const g = grad(chainEnergy, [0, 1]);
export const jv = (c: Chain, p: number[], dc: Chain, dp: number[]) => jvp(chainEnergy, [c, p], [dc, dp]);
export const vj = (c: Chain, p: number[]) => vjp(chainEnergy, c, p);
export const h = hvp(chainEnergy, 1);
`;

const rejected = `import { grad } from 'tsgrad';
export class Shape {
  constructor(public size: number) {}
  area(): number { return this.size * this.size; }
  perimeter(): number { return 4 * this.size; }
}
export class Circle extends Shape {
  override area(): number { return Math.PI * this.size * this.size; }
}
export function total(s: Shape): number {
  return s.area() + s.perimeter();
}
export function loose(x: number): number {
  return this.k * x;
}
export const a = grad(total);
export const b = grad(loose);
`;

type Fn = (...args: any[]) => any;

function expectLeaves(got: unknown, f: Fn, args: unknown[], argnum: number, what: string, tol = 1e-6): void {
  expect(shapeMismatch(got, args[argnum], [argnum]), `${what}: shape`).to.equal(undefined);
  // the springs' end indices are numbers, not inputs: their derivative is 0 and not compared
  for (const p of leafPaths(args[argnum], [argnum], (q) => q.includes('ends'))) {
    const fd = (f(...shifted(args, [p], [[[1], 1e-6]])) - f(...shifted(args, [p], [[[1], -1e-6]]))) / 2e-6;
    expectClose(getAt([got], [0, ...p.slice(1)]) as number, fd, tol, `${what} at ${p.slice(1).join('.')}`);
  }
}

describe('classes', () => {
  for (const optimize of [true, false]) {
    describe(`optimize: ${optimize}`, () => {
      const out = compile([file], { optimize }, new Map([[file, source]]));
      const m = out.modules.get('test/virtual/classes')!;
      const chain = (): unknown => new m.Chain([new m.Spring(2, 0.5, [0, 1]), new m.Spring(1.5, 0.7, [1, 2]), new m.Spring(0.8, 1.1, [0, 2])], 9.81, Float64Array.of(1, 2, 0.5));
      const pos = [0.1, 0.9, 1.7];

      it('compiles without diagnostics', () => {
        expect(formatDiagnostics(out.diagnostics)).to.equal('');
      });

      it('grad with respect to the instance (fields, an array of instances) and to the positions', () => {
        const c = chain();
        const [gc, gp] = m.g(c, pos);
        expectLeaves(gc, m.chainEnergy, [c, pos], 0, 'grad wrt chain');
        expectLeaves(gp, m.chainEnergy, [c, pos], 1, 'grad wrt pos');
      });

      it('jvp and vjp agree with grad; hvp against differences of the gradient', () => {
        const c = chain() as { springs: { k: number; rest: number }[]; gravity: number; masses: Float64Array };
        const [gc, gp] = m.g(c, pos);
        const dc = chain() as typeof c;
        const dp = [0.3, -0.2, 0.5];
        const [value, tangent] = m.jv(c, pos, dc, dp);
        expect(value).to.equal(m.chainEnergy(c, pos));
        let want = dp.reduce((s, d, i) => s + d * gp[i], 0);
        for (const p of leafPaths(c, [0], (q) => q.includes('ends'))) want += (getAt([gc], p) as number) * (getAt([dc], p) as number);
        expectClose(tangent, want, 1e-12, 'jvp = ⟨grad, t⟩');
        const [, pullback] = m.vj(c, pos);
        const [cc, cp] = pullback(2);
        expectClose(cp, gp.map((x: number) => 2 * x), 1e-12, 'vjp wrt pos = 2 grad');
        for (const p of leafPaths(c, [0])) expectClose(getAt([cc], p) as number, 2 * (getAt([gc], p) as number), 1e-12, `vjp wrt chain at ${p.join('.')}`);
        const v = [1, -0.5, 0.25];
        const gAt = (eps: number) => m.g(c, pos.map((x, i) => x + eps * v[i]))[1];
        const [gp1, gm1] = [gAt(1e-5), gAt(-1e-5)];
        expectClose(m.h(c, pos, v), gp1.map((x: number, i: number) => (x - gm1[i]) / 2e-5), 1e-5, 'hvp');
      });
    });
  }

  it('a method a subclass overrides, and this outside a method: rejected with the reason', () => {
    const bad = path.join(repoRoot, 'test', 'virtual', 'classes-rejected.ts');
    const out = compile([bad], {}, new Map([[bad, rejected]]));
    const text = formatDiagnostics(out.diagnostics);
    expect(text).to.match(/classes-rejected\.ts:11:10 .*'s\.area' may run an override of 'area' from a subclass/);
    expect(text).not.to.match(/perimeter/);
    expect(text).to.match(/classes-rejected\.ts:14:10 .*'this' outside a method/);
  });
});

/** `new` of a subclass inside differentiated code: the base constructor through super(…), an inherited constructor, fields of both. */
describe('new of a subclass in differentiated code', () => {
  const file2 = path.join(repoRoot, 'test', 'virtual', 'subclasses.ts');
  const source2 = `import { grad, hvp, jvp } from 'tsgrad';
class Shape {
  scale = 1;
  constructor(public w: number, readonly name: string) {}
  area(): number { return this.w * this.w * this.scale; }
}
class Scaled extends Shape {
  offset: number;
  constructor(w: number, public factor: number) {
    const twice = w * 2;
    super(twice, 'scaled');
    this.scale = Math.sin(factor) + 2;
    this.offset = w * this.w;
  }
  total(): number { return this.area() + this.offset; }
}
class Plain extends Scaled {
  extra = this.w * 0.5;
}
export function f(xy: number[]): number {
  const s = new Scaled(xy[0], xy[1]);
  const p = new Plain(xy[1], xy[0]);
  return s.total() + p.total() * s.factor + p.extra * Math.cos(p.scale);
}
export const g = grad(f);
export const h = hvp(f);
export const t = (xy: number[], v: number[]) => jvp(f, [xy], [v]);
`;
  for (const optimize of [true, false]) {
    it(`grad, jvp and hvp against finite differences (optimize: ${optimize})`, () => {
      const out = compile([file2], { optimize }, new Map([[file2, source2]]));
      expect(formatDiagnostics(out.diagnostics)).to.equal('');
      const m = out.modules.get('test/virtual/subclasses')!;
      const xy = [0.7, -1.3];
      const fd = (fn: (a: number[]) => number, at: number[]): number[] => at.map((_, i) => (fn(at.map((a, j) => a + (i === j ? 1e-6 : 0))) - fn(at.map((a, j) => a - (i === j ? 1e-6 : 0)))) / 2e-6);
      const g = m.g(xy);
      expectClose(g, fd(m.f, xy), 1e-6, 'grad');
      const v = [0.4, 0.9];
      expectClose(m.t(xy, v)[1], g[0] * v[0] + g[1] * v[1], 1e-12, 'jvp');
      const gAt = (eps: number) => m.g(xy.map((a, i) => a + eps * v[i]));
      const [gp, gm] = [gAt(1e-5), gAt(-1e-5)];
      expectClose(m.h(xy, v), gp.map((a: number, i: number) => (a - gm[i]) / 2e-5), 1e-5, 'hvp');
    });
  }
});

