/**
 * Forward mode and the transformations built on it (test/cases/forward.ts): jvp against central
 * finite differences, vjp against jvp by the dot-product test <ū, J v> = <Jᵀ ū, v>, Jacobians
 * against finite differences column by column, Hessians against second differences of f.
 */
import { expect } from 'chai';
import * as path from 'node:path';
import { expectClose, modes } from './check.js';
import { casesDir, compile, dot, formatDiagnostics, relError, randomArray } from './harness.js';

type Vec = Float64Array;
const axpy = (x: Vec, a: number, v: Vec): Vec => x.map((xi, i) => xi + a * v[i]);
const flat = (y: number | ArrayLike<number>): number[] => (typeof y === 'number' ? [y] : Array.from(y));

/**
 * Central difference of `f` along a direction: `g(h)` evaluates f at primal + h·tangent (fresh
 * copies each time, since some functions write into their input).
 */
function directional(g: (h: number) => number | ArrayLike<number>, h = 1e-6): number[] {
  const plus = flat(g(h));
  const minus = flat(g(-h));
  return plus.map((p, i) => (p - minus[i]) / (2 * h));
}

/** ∂²f/∂xᵢ∂xⱼ by central second differences in float64. */
function hessianFD(f: (x: Vec) => number, x: Vec, h = 1e-4): Float64Array {
  const n = x.length;
  const H = new Float64Array(n * n);
  const at = (i: number, si: number, j: number, sj: number): number => {
    const y = x.slice();
    y[i] += si * h;
    y[j] += sj * h;
    return f(y);
  };
  for (let i = 0; i < n; i++) {
    for (let j = 0; j < n; j++) H[i * n + j] = (at(i, 1, j, 1) - at(i, 1, j, -1) - at(i, -1, j, 1) + at(i, -1, j, -1)) / (4 * h * h);
  }
  return H;
}

for (const optimize of modes) {
  describe(`forward mode and second order (optimize: ${optimize})`, () => {
    const out = compile([path.join(casesDir, 'forward.ts')], { optimize });
    const m = out.modules.get('test/cases/forward')!;

    it('compiles without diagnostics', () => {
      expect(formatDiagnostics(out.diagnostics)).to.equal('');
      expect(out.loadError).to.equal(undefined);
    });

    it('jvp of a scalar function with a loop and branches matches finite differences', () => {
      for (const x of [-2.1, -0.6, 0.3, 0.7, 1.9]) {
        const [y, dy] = m.wiggle_jvp(x, 0.8);
        expect(y).to.equal(m.wiggle(x));
        expectClose(dy, directional((h) => m.wiggle(x + 0.8 * h)), 1e-7, `x=${x}`);
      }
    });

    it('jvp of a model step (vector output) w.r.t. the state and the forcing', () => {
      for (let seed = 1; seed <= 3; seed++) {
        const x = randomArray(seed, 8, -3, 3);
        const dx = randomArray(seed + 10, 8);
        const [y, dy] = m.step_jvp(x, 8, 0.05, dx, 0.7);
        expect(Array.from(y)).to.deep.equal(Array.from(m.step(x, 8, 0.05)));
        expect(dy).to.be.instanceOf(Float64Array);
        expectClose(dy, directional((h) => m.step(axpy(x, h, dx), 8 + 0.7 * h, 0.05)), 1e-7, `seed ${seed}`);
      }
    });

    it('vjp and jvp agree: <ū, J v> = <Jᵀ ū, v> to 1e-12 on random directions', () => {
      for (let seed = 1; seed <= 5; seed++) {
        const x = randomArray(seed, 8, -3, 3);
        const [v, vf] = [randomArray(seed + 20, 8), seed - 2.5];
        const u = randomArray(seed + 30, 8);
        const [, Jv] = m.step_jvp(x, 8, 0.05, v, vf);
        const jvpWithDt = m.step_jvp(x, 8, 0.05, new Float64Array(8), 0)[1];
        expect(Array.from(jvpWithDt)).to.deep.equal(new Array(8).fill(0));
        const [value, pullback] = m.step_vjp(x, 8, 0.05);
        expect(Array.from(value)).to.deep.equal(Array.from(m.step(x, 8, 0.05)));
        const [ux, uf, udt] = pullback(u);
        expect(ux).to.be.instanceOf(Float64Array);
        const lhs = dot(u, Jv);
        const rhs = dot(ux, v) + uf * vf;
        expect(Math.abs(lhs - rhs) / Math.abs(lhs), `<u, Jv> = ${lhs}, <J'u, v> = ${rhs}`).to.be.below(1e-12);
        // the dt cotangent against a finite difference in dt alone
        expectClose(udt, dot(u, directional((h) => m.step(x, 8, 0.05 + h))), 1e-7, 'cotangent of dt');
        // the pullback can be called again, with another cotangent
        const again = pullback(u.map((a) => 2 * a))[0];
        expectClose(again, ux.map((a: number) => 2 * a), 1e-14, 'second pullback call');
      }
    });

    it('jacfwd and jacrev agree and match finite differences column by column', () => {
      const x = randomArray(7, 6, -2, 2);
      const J1 = m.step_jacfwd(x, 8, 0.05);
      const J2 = m.step_jacrev(x, 8, 0.05);
      expect(J1.length).to.equal(36);
      expect(relError(J1, J2)).to.be.below(1e-14);
      for (let j = 0; j < 6; j++) {
        const e = new Float64Array(6);
        e[j] = 1;
        const column = directional((h) => m.step(axpy(x, h, e), 8, 0.05));
        expectClose(Array.from({ length: 6 }, (_, i) => J1[i * 6 + j]), column, 1e-7, `column ${j}`);
      }
    });

    it('a function that writes into its input: the caller\'s tangent is untouched, Jacobians re-run on copies', () => {
      const x = randomArray(3, 5, -1, 1);
      const dx = randomArray(4, 5);
      const dxBefore = dx.slice();
      const [, dy] = m.inPlace_jvp(x.slice(), 0.6, dx, 0.2);
      expect(Array.from(dx)).to.deep.equal(Array.from(dxBefore));
      expectClose(dy, directional((h) => m.inPlace(axpy(x, h, dx), 0.6 + 0.2 * h)), 1e-7, 'jvp');
      const u = randomArray(5, 5);
      const xv = x.slice();
      const [, pullback] = m.inPlace_vjp(xv, 0.6);
      const [ux, ua] = pullback(u);
      expect(Math.abs(dot(u, dy) - (dot(ux, dx) + ua * 0.2)) / Math.abs(dot(u, dy))).to.be.below(1e-12);
      const J1 = m.inPlace_jacfwd(x.slice(), 0.6);
      const J2 = m.inPlace_jacrev(x.slice(), 0.6);
      expect(relError(J1, J2)).to.be.below(1e-14);
      expect(relError(Array.from({ length: 5 }, (_, i) => dot(J1.subarray(i * 5, i * 5 + 5), dx)),
        directional((h) => m.inPlace(axpy(x, h, dx), 0.6)))).to.be.below(1e-7);
    });

    it('integer parameters take any tangent and get a null cotangent; number[] output', () => {
      const w = Float64Array.from([0.5, -0.3, 1.1, 0.2]);
      const idx = Int32Array.from([3, 0, 3]);
      const dw = randomArray(9, 4);
      const [y, dy] = m.gather_jvp(w, idx, 1.5, dw, 0.5);
      expect(Array.isArray(y)).to.equal(true);
      expectClose(dy, directional((h) => m.gather(axpy(w, h, dw), idx, 1.5 + 0.5 * h)), 1e-7, 'jvp');
      const u = [0.3, -1.2, 0.8];
      const [cw, cidx, cs] = m.gather_vjp(w, idx, 1.5)[1](u);
      expect(cidx).to.equal(null);
      expect(Math.abs(dot(u, dy) - (dot(cw, dw) + cs * 0.5)) / Math.abs(dot(u, dy))).to.be.below(1e-12);
      const Js = m.gather_jacrev2(w, idx, 1.5);
      expectClose(Js, directional((h) => m.gather(w, idx, 1.5 + h)), 1e-7, 'jacrev w.r.t. argument 2');
    });

    it('a Float32Array result: value in float32, tangent and Jacobian in float64 (by hand)', () => {
      const x = Float32Array.from([0.5, -1.25, 2]);
      const dx = Float32Array.from([1, 0.5, -0.25]);
      const [y, dy] = m.decay32_jvp(x, 0.3, dx, 0.7);
      expect(y).to.be.instanceOf(Float32Array);
      expect(dy).to.be.instanceOf(Float64Array);
      // the product is stored in float32 (derivative 1, like Math.fround), so the tangent is exact in float64
      const want = Array.from(x, (xi, i) => (dx[i] - 0.7 * (i + 1) * xi) * Math.exp(-0.3 * (i + 1)));
      expectClose(dy, want, 1e-14, 'jvp');
      expectClose(m.decay32_jacrev1(x, 0.3), Array.from(x, (xi, i) => -(i + 1) * xi * Math.exp(-0.3 * (i + 1))), 1e-14, 'jacrev w.r.t. the rate');
    });

    it('hvp matches second differences of f, without forming the Hessian; hessian is its symmetric matrix', () => {
      for (let seed = 1; seed <= 3; seed++) {
        const x = randomArray(seed, 6, -1.5, 1.5);
        const v = randomArray(seed + 40, 6);
        const Hfd = hessianFD((y) => m.energy(y, 2), x);
        const want = Array.from({ length: 6 }, (_, i) => dot(Hfd.subarray(i * 6, i * 6 + 6), v));
        const hv = m.energy_hvp(x, 2, v);
        expect(hv).to.be.instanceOf(Float64Array);
        expectClose(hv, want, 1e-5, `H·v, seed ${seed}`);
        const H = m.energy_hessian(x, 2);
        expectClose(H, Hfd, 1e-5, 'hessian');
        for (let i = 0; i < 6; i++) for (let j = 0; j < i; j++) expect(Math.abs(H[i * 6 + j] - H[j * 6 + i])).to.be.below(1e-12);
      }
      // with respect to the number c: f is linear in c
      expect(m.energy_hvp1(randomArray(1, 6), 2, 1)).to.equal(0);
    });

    it('grad(grad(f)) and hessian of a scalar function match second differences', () => {
      for (const x of [-2.1, -0.6, 0.3, 0.7, 1.9]) {
        const h = 1e-4;
        const want = (m.wiggle(x + h) - 2 * m.wiggle(x) + m.wiggle(x - h)) / (h * h);
        expectClose(m.wiggle_d2(x), want, 1e-5, `f''(${x})`);
        expect(m.wiggle_hessian(x)[0]).to.equal(m.wiggle_d2(x));
      }
    });

    it('stopGradient: the scale is a constant for grad and jvp (by hand)', () => {
      const x = Float64Array.from([0.3, -1.2, 0.8, 2.1, -0.4]);
      const s = 2.1;
      const want = x.map((xi) => (2 * xi) / (s * s));
      expectClose(m.normalized_grad(x), want, 1e-14, 'grad');
      const dx = randomArray(2, 5);
      expectClose(m.normalized_jvp(x, dx)[1], dot(want, dx), 1e-14, 'jvp');
      // and differs from the full derivative, which finite differences see
      expect(relError(directional((h) => m.normalized(axpy(x, h, dx))), [dot(want, dx)])).to.be.above(1e-3);
    });
  });
}
