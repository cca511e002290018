/**
 * Inputs are never written by a derivative (test/cases/inputs.ts; README, "Using tsgrad"): for
 * functions that write into their array arguments, every transformation leaves its arguments —
 * primals, tangents, hvp's v, cotangents — as they were, gives the same result when called twice,
 * and agrees with central finite differences of f in float64 (first derivatives) or second
 * differences (hvp, hessian, grad(grad(f))). f itself writes into its arguments, so every
 * reference evaluation runs on fresh copies.
 */
import { expect } from 'chai';
import * as path from 'node:path';
import { copyArgs, expectClose, expectGradFD, modes } from './check.js';
import { type Arg, casesDir, compile, finiteDiff, formatDiagnostics, randomArray } from './harness.js';

type Fn = (...args: any[]) => any;
type Direction = number | ArrayLike<number> | undefined;

/**
 * Calls `run` twice on `args`: neither call changes an argument (deep copies compared, array types
 * included), and the second result equals the first. Returns the first.
 */
function twice(what: string, args: unknown[], run: Fn): any {
  const before = structuredClone(args);
  const first = run(...args);
  expect(args, `${what}: arguments after the first call`).to.deep.equal(before);
  const second = run(...args);
  expect(args, `${what}: arguments after the second call`).to.deep.equal(before);
  expect(second, `${what}: a second call`).to.deep.equal(first);
  return first;
}

/** Fresh copies of `args`, argument i moved by `delta[i]` (Float32Arrays widened to float64). */
function moved(args: readonly Arg[], delta: readonly Direction[]): Arg[] {
  return copyArgs(args).map((a, i) => {
    const d = delta[i];
    const wide = a instanceof Float32Array ? Float64Array.from(a) : a;
    if (d === undefined) return wide;
    if (typeof wide === 'number') return wide + (d as number);
    const arr = wide as number[];
    for (let j = 0; j < arr.length; j++) arr[j] += (d as ArrayLike<number>)[j];
    return arr;
  });
}

const scale = (d: Direction, h: number): Direction => (d === undefined ? undefined : typeof d === 'number' ? h * d : Array.from(d, (x) => h * x));
const flat = (y: number | ArrayLike<number>): number[] => (typeof y === 'number' ? [y] : Array.from(y));

/** J·dirs by central differences of f (one direction per argument, undefined: held fixed). */
function directionalFD(f: Fn, args: readonly Arg[], dirs: readonly Direction[], h = 1e-6): number[] {
  const plus = flat(f(...moved(args, dirs.map((d) => scale(d, h)))));
  const minus = flat(f(...moved(args, dirs.map((d) => scale(d, -h)))));
  return plus.map((p, i) => (p - minus[i]) / (2 * h));
}

const plus = (a: Direction, b: Direction): Direction =>
  a === undefined ? b : b === undefined ? a : typeof a === 'number' ? a + (b as number) : Array.from(a, (x, i) => x + (b as ArrayLike<number>)[i]);

/** uᵀ H w by second central differences of f in float64 (u, w: one direction per argument). */
function secondFD(f: Fn, args: readonly Arg[], u: readonly Direction[], w: readonly Direction[], h = 1e-4): number {
  const at = (s: number, t: number): number => f(...moved(args, args.map((_, i) => plus(scale(u[i], s * h), scale(w[i], t * h)))));
  return (at(1, 1) - at(1, -1) - at(-1, 1) + at(-1, -1)) / (4 * h * h);
}

/** A direction for argument k alone. */
const on = (args: readonly Arg[], k: number, d: Direction): Direction[] => args.map((_, i) => (i === k ? d : undefined));
const unit = (n: number, j: number): Float64Array => Float64Array.from({ length: n }, (_, i) => (i === j ? 1 : 0));
const basis = (x: Arg): Direction[] => (typeof x === 'number' ? [1] : Array.from({ length: (x as ArrayLike<number>).length }, (_, j) => unit((x as ArrayLike<number>).length, j)));

/** H·v for argument k by second differences: (H v)ᵢ = eᵢᵀ H v. */
const hvpFD = (f: Fn, args: readonly Arg[], k: number, v: Direction): number[] => basis(args[k]).map((e) => secondFD(f, args, on(args, k, e), on(args, k, v)));
/** The row-major Hessian for argument k by second differences. */
const hessianFD = (f: Fn, args: readonly Arg[], k: number): number[] =>
  basis(args[k]).flatMap((ei) => basis(args[k]).map((ej) => secondFD(f, args, on(args, k, ei), on(args, k, ej))));
/** The row-major Jacobian for argument k by central differences, one column per input direction. */
function jacobianFD(f: Fn, args: readonly Arg[], k: number): number[] {
  const columns = basis(args[k]).map((e) => directionalFD(f, args, on(args, k, e)));
  return columns[0].flatMap((_, i) => columns.map((c) => c[i]));
}

for (const optimize of modes) {
  describe(`inputs are never written by a derivative (optimize: ${optimize})`, () => {
    const out = compile([path.join(casesDir, 'inputs.ts')], { optimize });
    const m = out.modules.get('test/cases/inputs')!;

    it('compiles without diagnostics', () => {
      expect(formatDiagnostics(out.diagnostics)).to.equal('');
      expect(out.loadError).to.equal(undefined);
    });

    describe('the fuzzer\'s reports', () => {
      const x0 = 1.5;
      const a = (): number[] => [0.5, 2];

      it('grad does not write into an array argument f writes into', () => {
        const args = [x0, a()];
        twice('grad', args, m.scaleFirst_grad01);
        expectGradFD(m.scaleFirst, m.scaleFirst_grad01, args, [0, 1]);
      });

      it('valueAndGrad does not write into an array argument f writes into', () => {
        const args = [x0, a()];
        const [value, g] = twice('valueAndGrad', args, m.scaleFirst_valueAndGrad1);
        expect(value).to.equal(m.scaleFirst(...copyArgs(args)));
        expectClose(g, finiteDiff(m.scaleFirst, args, 1), 1e-6, 'valueAndGrad');
      });

      it('hvp does not write into the array argument f writes into, nor into v', () => {
        const args = [x0, a(), [1, -0.5]];
        const hv = twice('hvp', args, m.scaleFirst_hvp1);
        expectClose(hv, hvpFD(m.scaleFirst, args.slice(0, 2) as Arg[], 1, [1, -0.5]), 1e-5, 'H·v');
      });

      it('hvp does not write into v where f copies one element of its array into another', () => {
        const args = [x0, a(), [0.3, 0.7]];
        const hv = twice('hvp', args, m.copyThrough_hvp1);
        expectClose(hv, hvpFD(m.copyThrough, args.slice(0, 2) as Arg[], 1, [0.3, 0.7]), 1e-5, 'H·v');
      });

      it('jvp, vjp, jacfwd, jacrev and hessian do not write into it either', () => {
        const args: Arg[] = [x0, a()];
        const [y, dy] = twice('jvp', [...args, 0.4, [-1, 0.25]], m.scaleFirst_jvp);
        expect(y).to.equal(m.scaleFirst(...copyArgs(args)));
        expectClose(dy, directionalFD(m.scaleFirst, args, [0.4, [-1, 0.25]]), 1e-6, 'jvp');
        const [value, pullback] = m.scaleFirst_vjp(...args);
        expect(value).to.equal(m.scaleFirst(...copyArgs(args)));
        expect(args).to.deep.equal([x0, a()]);
        const [cx, ca] = twice('pullback', [1.7], pullback);
        expectClose([cx, ...ca], [finiteDiff(m.scaleFirst, args, 0) as number, ...(finiteDiff(m.scaleFirst, args, 1) as Float64Array)].map((g) => 1.7 * g), 1e-6, 'vjp');
        expectClose(twice('jacfwd', args, m.scaleFirst_jacfwd1), jacobianFD(m.scaleFirst, args, 1), 1e-6, 'jacfwd');
        expectClose(twice('jacrev', args, m.scaleFirst_jacrev1), jacobianFD(m.scaleFirst, args, 1), 1e-6, 'jacrev');
        expectClose(twice('hessian', args, m.scaleFirst_hessian1), hessianFD(m.scaleFirst, args, 1), 1e-5, 'hessian');
      });
    });

    describe('an array written through a helper (Float64Array)', () => {
      const x = randomArray(1, 5, -1, 1);
      const args = (): Arg[] => [x.slice(), 0.8];
      const dx = randomArray(2, 5);

      it('grad, valueAndGrad', () => {
        twice('grad', args(), m.viaHelper_grad01);
        expectGradFD(m.viaHelper, m.viaHelper_grad01, args(), [0, 1]);
        const [value, g] = twice('valueAndGrad', args(), m.viaHelper_valueAndGrad);
        expect(value).to.equal(m.viaHelper(...args()));
        expectClose(g, finiteDiff(m.viaHelper, args(), 0), 1e-6, 'valueAndGrad');
      });

      it('vjp: the primals and the cotangent are not written, the pullback can be called again', () => {
        const primals = args();
        const [value, pullback] = m.viaHelper_vjp(...primals);
        expect(primals).to.deep.equal(args());
        expect(m.viaHelper_vjp(...primals)[0]).to.equal(value);
        expect(value).to.equal(m.viaHelper(...args()));
        const [cx, cs] = twice('pullback', [-0.6], pullback);
        expectClose(cx, (finiteDiff(m.viaHelper, args(), 0) as Float64Array).map((g) => -0.6 * g), 1e-6, 'x̄');
        expectClose(cs, -0.6 * (finiteDiff(m.viaHelper, args(), 1) as number), 1e-6, 's̄');
        expect(primals).to.deep.equal(args());
      });

      it('jvp does not write into the primals or the tangents', () => {
        const [, dy] = twice('jvp', [...args(), dx.slice(), 0.3], m.viaHelper_jvp);
        expectClose(dy, directionalFD(m.viaHelper, args(), [dx, 0.3]), 1e-6, 'jvp');
      });

      it('jacfwd, jacrev', () => {
        expectClose(twice('jacfwd', args(), m.viaHelper_jacfwd), jacobianFD(m.viaHelper, args(), 0), 1e-6, 'jacfwd');
        expectClose(twice('jacrev', args(), m.viaHelper_jacrev), jacobianFD(m.viaHelper, args(), 0), 1e-6, 'jacrev');
      });

      it('hvp does not write into v, hessian into x', () => {
        expectClose(twice('hvp', [...args(), dx.slice()], m.viaHelper_hvp), hvpFD(m.viaHelper, args(), 0, dx), 1e-5, 'H·v');
        expectClose(twice('hessian', args(), m.viaHelper_hessian), hessianFD(m.viaHelper, args(), 0), 1e-5, 'hessian');
      });
    });

    it('grad(grad(f)) and hessian with respect to a number do not write into the array f writes into', () => {
      for (const x of [-0.7, 0.4, 1.3]) {
        const args: Arg[] = [x, Float64Array.from([0.9, -1.2])];
        const d2 = secondFD(m.scaleBySin, args, on(args, 0, 1), on(args, 0, 1));
        expectClose(twice('grad(grad(f))', args, m.scaleBySin_d2), d2, 1e-5, `f'' at ${x}`);
        expectClose(twice('hessian', args, m.scaleBySin_hessian), [d2], 1e-5, `hessian at ${x}`);
      }
    });

    it('a Float32Array written in place is copied as a Float32Array: stores round as in f', () => {
      const x = Float32Array.from([0.75, -1.5, 0.125, 2]);
      const args = [x, 0.3];
      const [value, g] = twice('valueAndGrad', args, m.decayInPlace_valueAndGrad);
      expect(value).to.equal(m.decayInPlace(x.slice(), 0.3));
      expect(g).to.be.instanceOf(Float32Array);
      twice('grad', args, m.decayInPlace_grad01);
      expectGradFD(m.decayInPlace, m.decayInPlace_grad01, args, [0, 1], 1e-5);
    });

    describe('a vector output: f writes into its number[] argument and returns it', () => {
      const x = (): number[] => [0.4, -0.9, 1.1];
      const args = (): Arg[] => [x(), 0.7];

      it('vjp: an array cotangent is not written', () => {
        const [y, pullback] = m.stepInPlace_vjp(...args());
        expect(y).to.deep.equal(m.stepInPlace(...args()));
        const u = [0.5, -1, 2];
        const [cx, ca] = twice('pullback', [u], pullback);
        const J = jacobianFD(m.stepInPlace, args(), 0);
        expectClose(cx, [0, 1, 2].map((j) => u.reduce((s, ui, i) => s + ui * J[i * 3 + j], 0)), 1e-6, 'x̄');
        const Ja = jacobianFD(m.stepInPlace, args(), 1);
        expectClose(ca, u.reduce((s, ui, i) => s + ui * Ja[i], 0), 1e-6, 'ā');
      });

      it('jvp: the value is f\'s, the primal and tangent arrays are not written', () => {
        const [y, dy] = twice('jvp', [...args(), [1, 0.5, -0.25], 0.2], m.stepInPlace_jvp);
        expect(y).to.deep.equal(m.stepInPlace(...args()));
        expectClose(dy, directionalFD(m.stepInPlace, args(), [[1, 0.5, -0.25], 0.2]), 1e-6, 'jvp');
      });

      it('jacfwd and jacrev, with respect to the array and the number', () => {
        expectClose(twice('jacfwd', args(), m.stepInPlace_jacfwd), jacobianFD(m.stepInPlace, args(), 0), 1e-6, 'jacfwd');
        expectClose(twice('jacrev', args(), m.stepInPlace_jacrev), jacobianFD(m.stepInPlace, args(), 0), 1e-6, 'jacrev');
        expectClose(twice('jacfwd', args(), m.stepInPlace_jacfwd1), jacobianFD(m.stepInPlace, args(), 1), 1e-6, 'jacfwd 1');
      });
    });

    describe('an array written but not differentiated (scratch space)', () => {
      const args = (): Arg[] => [Float64Array.from([0.3, -0.8, 1.4]), Float64Array.from([0.1, 0.2, -0.5])];

      it('grad copies the scratch array it writes into, not the array it only reads', () => {
        twice('grad', args(), m.withScratch_grad);
        expectGradFD(m.withScratch, m.withScratch_grad, args());
        const code = [...out.generated.entries()].find(([name]) => name.startsWith('withScratch_grad'))![1];
        expect(code).to.match(/scratch = Float64Array\.from\(scratch\)/);
        expect(code).to.not.match(/\bx = Float64Array\.from\(x\)/);
      });

      it('vjp, jvp and hvp leave both arrays and their tangents as they were', () => {
        const [, pullback] = m.withScratch_vjp(...args());
        const [cx, cs] = twice('pullback', [2], pullback);
        expectClose(cx, (finiteDiff(m.withScratch, args(), 0) as Float64Array).map((g) => 2 * g), 1e-6, 'x̄');
        expectClose(cs, (finiteDiff(m.withScratch, args(), 1) as Float64Array).map((g) => 2 * g), 1e-6, 'scratch̄');
        const dx = randomArray(5, 3);
        const ds = randomArray(6, 3);
        const [, dy] = twice('jvp', [...args(), dx, ds], m.withScratch_jvp);
        expectClose(dy, directionalFD(m.withScratch, args(), [dx, ds]), 1e-6, 'jvp');
        expectClose(twice('hvp', [...args(), dx], m.withScratch_hvp), hvpFD(m.withScratch, args(), 0, dx), 1e-5, 'H·v');
      });
    });

    describe('an object parameter whose array field f writes into', () => {
      const w = Float64Array.from([0.6, -0.3, 0.9]);
      const x = Float64Array.from([1.2, 0.4, -0.7]);
      const model = () => ({ w: w.slice(), b: 0.25 });
      /** f of the leaves, for finite differences. */
      const flatLoss = (wv: Float64Array, b: number, xv: Float64Array): number => m.normalizeWeights({ w: wv, b }, xv);
      const leaves = (): Arg[] => [w.slice(), 0.25, x.slice()];

      it('grad, vjp, jvp and hvp take objects and leave them as they were', () => {
        const g = twice('grad', [model(), x.slice()], m.normalizeWeights_grad);
        expectClose(g.w, finiteDiff(flatLoss, leaves(), 0), 1e-6, 'grad w');
        expectClose(g.b, finiteDiff(flatLoss, leaves(), 1), 1e-6, 'grad b');
        const primals = [model(), x.slice()];
        const [value, pullback] = m.normalizeWeights_vjp(...primals);
        expect(primals, 'vjp: its object argument').to.deep.equal([model(), x]);
        expect(value).to.equal(m.normalizeWeights(model(), x.slice()));
        const [cm] = twice('pullback', [1], pullback);
        expectClose(cm.w, g.w, 1e-12, 'vjp against grad');
        const dw = randomArray(7, 3);
        const dx = randomArray(8, 3);
        const [, dy] = twice('jvp', [model(), x.slice(), { w: dw, b: -0.5 }, dx], m.normalizeWeights_jvp);
        expectClose(dy, directionalFD(flatLoss, leaves(), [dw, -0.5, dx]), 1e-6, 'jvp');
        const hv = twice('hvp', [model(), x.slice(), { w: dw, b: -0.5 }], m.normalizeWeights_hvp);
        const v: Direction[] = [dw, -0.5, undefined];
        expectClose(hv.w, [0, 1, 2].map((j) => secondFD(flatLoss, leaves(), on(leaves(), 0, unit(3, j)), v)), 1e-5, 'H·v, w');
        expectClose(hv.b, secondFD(flatLoss, leaves(), on(leaves(), 1, 1), v), 1e-5, 'H·v, b');
      });
    });
  });
}
