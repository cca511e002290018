/**
 * Structured parameters (test/cases/structs.ts): derivatives come back as objects of the
 * parameter's shape; each leaf is checked against central finite differences, forward against
 * reverse by the dot-product test, and hvp against differences of f along two directions.
 */
import { expect } from 'chai';
import * as path from 'node:path';
import { expectClose, modes } from './check.js';
import { casesDir, compile, formatDiagnostics, rng } from './harness.js';

interface Params {
  hidden: { W: Float64Array; b: Float64Array };
  out: { w: Float64Array; b: number };
  scale: number;
  order: Int32Array;
}
const leafPaths = [['hidden', 'W'], ['hidden', 'b'], ['out', 'w'], ['out', 'b'], ['scale']] as const;

function params(seed: number): Params {
  const r = rng(seed);
  const a = (n: number) => Float64Array.from({ length: n }, () => 2 * r() - 1);
  return { hidden: { W: a(6), b: a(2) }, out: { w: a(2), b: r() }, scale: 1 + r(), order: Int32Array.from([1, 0]) };
}
const get = (o: any, p: readonly string[]): any => p.reduce((x, k) => x[k], o);
const clone = (p: Params): Params => ({
  hidden: { W: p.hidden.W.slice(), b: p.hidden.b.slice() },
  out: { w: p.out.w.slice(), b: p.out.b },
  scale: p.scale,
  order: p.order,
});
/** p + h·d on every differentiable leaf. */
function shifted(p: Params, d: Params, h: number): Params {
  const q = clone(p);
  for (const leaf of leafPaths) {
    const parent = get(q, leaf.slice(0, -1));
    const key = leaf[leaf.length - 1];
    const v = get(p, leaf);
    const dv = get(d, leaf);
    parent[key] = typeof v === 'number' ? v + h * dv : (v as Float64Array).map((x, i) => x + h * dv[i]);
  }
  return q;
}
const dotLeaves = (a: Params, b: Params): number =>
  leafPaths.reduce((s, leaf) => {
    const x = get(a, leaf);
    const y = get(b, leaf);
    return s + (typeof x === 'number' ? x * y : (x as Float64Array).reduce((t, xi, i) => t + xi * y[i], 0));
  }, 0);

for (const optimize of modes) {
  describe(`structured parameters (optimize: ${optimize})`, () => {
    const out = compile([path.join(casesDir, 'structs.ts')], { optimize });
    const m = out.modules.get('test/cases/structs')!;
    const x = Float64Array.from([0.5, -1, 2]);

    it('compiles without diagnostics', () => {
      expect(formatDiagnostics(out.diagnostics)).to.equal('');
      expect(out.loadError).to.equal(undefined);
    });

    it('grad returns an object of the same shape; every leaf matches finite differences', () => {
      for (let seed = 1; seed <= 3; seed++) {
        const p = params(seed);
        const g = m.mlp_grad(p, x, 0.4);
        expect(Object.keys(g).sort()).to.deep.equal(['hidden', 'order', 'out', 'scale']);
        expect(g.order).to.equal(null);
        for (const leaf of leafPaths) {
          const v = get(p, leaf);
          const n = typeof v === 'number' ? 1 : v.length;
          const fd = Array.from({ length: n }, (_, i) => {
            const at = (h: number): number => {
              const q = clone(p);
              const parent = get(q, leaf.slice(0, -1));
              const key = leaf[leaf.length - 1];
              if (typeof v === 'number') parent[key] = v + h;
              else parent[key][i] += h;
              return m.mlp(q, x, 0.4);
            };
            return (at(1e-6) - at(-1e-6)) / 2e-6;
          });
          const got = get(g, leaf);
          expect(typeof got, leaf.join('.')).to.equal(typeof v);
          expectClose(typeof got === 'number' ? got : Array.from(got), typeof v === 'number' ? fd[0] : fd, 1e-7, leaf.join('.'));
        }
      }
    });

    it('valueAndGrad with argnums [0, 1], and vjp/jvp agree to 1e-12 on random directions', () => {
      const p = params(4);
      const [value, [gp, gx]] = m.mlp_valueAndGrad01(p, x, 0.4);
      expect(value).to.equal(m.mlp(p, x, 0.4));
      expectClose(gp.hidden.W, m.mlp_grad(p, x, 0.4).hidden.W, 1e-15, 'same gradient');
      const dp = params(5);
      const dx = Float64Array.from([0.3, 0.1, -0.7]);
      const [, tangent] = m.mlp_jvp(p, x, 0.4, dp, dx);
      const [, pullback] = m.mlp_vjp(p, x, 0.4);
      const [cp, cx, cy] = pullback(1.3);
      const lhs = 1.3 * tangent;
      const rhs = dotLeaves(cp, dp) + cx.reduce((s: number, c: number, i: number) => s + c * dx[i], 0);
      expect(Math.abs(lhs - rhs) / Math.abs(lhs)).to.be.below(1e-12);
      expectClose(cx, gx.map((g: number) => 1.3 * g), 1e-14, 'cotangent of x');
      expectClose(cy, (1.3 * (m.mlp(p, x, 0.4 + 1e-6) - m.mlp(p, x, 0.4 - 1e-6))) / 2e-6, 1e-7, 'cotangent of y');
    });

    it('hvp takes and returns objects: H·v against differences of f along v and w', () => {
      const p = params(6);
      const v = params(7);
      const w = params(8);
      const hv = m.mlp_hvp(p, x, 0.4, v);
      // wᵀ H v = ∂²/∂s∂t f(p + s w + t v) at 0, by central differences
      const h = 1e-4;
      const f = (s: number, t: number): number => m.mlp(shifted(shifted(p, w, s), v, t), x, 0.4);
      const want = (f(h, h) - f(h, -h) - f(-h, h) + f(-h, -h)) / (4 * h * h);
      expectClose(dotLeaves(hv, w), want, 1e-6, 'wᵀ H v');
    });
  });
}
