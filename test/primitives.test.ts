import { expect } from 'chai';
import * as path from 'node:path';
import { expectClose, expectGradFD, modes } from './check.js';
import { casesDir, compile, formatDiagnostics } from './harness.js';

/** d/dx of each unary primitive, written out by hand, and points inside its domain. */
const unary: [name: string, derivative: (x: number) => number, points: number[]][] = [
  ['exp', (x) => Math.exp(x), [-2.5, -0.3, 0, 1.7]],
  ['log', (x) => 1 / x, [0.05, 0.7, 3.2]],
  ['log1p', (x) => 1 / (1 + x), [-0.9, -0.2, 0, 4.5]],
  ['log2', (x) => 1 / (x * Math.LN2), [0.05, 0.7, 3.2]],
  ['log10', (x) => 1 / (x * Math.LN10), [0.05, 0.7, 3.2]],
  ['expm1', (x) => Math.exp(x), [-2.5, -1e-3, 0, 1.7]],
  ['sqrt', (x) => 0.5 / Math.sqrt(x), [0.01, 0.7, 9]],
  ['cbrt', (x) => 1 / (3 * Math.cbrt(x) ** 2), [-8, -0.3, 0.2, 5]],
  ['sin', (x) => Math.cos(x), [-2.5, -0.3, 0, 1.7]],
  ['cos', (x) => -Math.sin(x), [-2.5, -0.3, 0, 1.7]],
  ['tan', (x) => 1 / Math.cos(x) ** 2, [-1.2, -0.3, 0, 1.1]],
  ['asin', (x) => 1 / Math.sqrt(1 - x * x), [-0.9, -0.3, 0, 0.6]],
  ['acos', (x) => -1 / Math.sqrt(1 - x * x), [-0.9, -0.3, 0, 0.6]],
  ['atan', (x) => 1 / (1 + x * x), [-2.5, -0.3, 0, 1.7]],
  ['sinh', (x) => Math.cosh(x), [-2.5, -0.3, 0, 1.7]],
  ['cosh', (x) => Math.sinh(x), [-2.5, -0.3, 0, 1.7]],
  ['tanh', (x) => 1 / Math.cosh(x) ** 2, [-2.5, -0.3, 0, 1.7]],
  ['asinh', (x) => 1 / Math.sqrt(x * x + 1), [-2.5, -0.3, 0, 1.7]],
  ['acosh', (x) => 1 / Math.sqrt(x * x - 1), [1.05, 1.7, 6]],
  ['atanh', (x) => 1 / (1 - x * x), [-0.9, -0.3, 0, 0.6]],
  ['abs', (x) => (x > 0 ? 1 : -1), [-2.5, -0.3, 0.2, 1.7]],
  ['powConst', (x) => 3 * x * x + 2 ** x * Math.LN2, [-2.5, -0.3, 0, 1.7]],
  // g(x) · x with g piecewise constant: the derivative is g(x)
  ['floor', (x) => Math.floor(x), [-2.5, -0.3, 0.2, 1.7]],
  ['ceil', (x) => Math.ceil(x), [-2.5, -0.3, 0.2, 1.7]],
  ['round', (x) => Math.round(x), [-2.7, -0.3, 0.2, 1.7]],
  ['sign', (x) => Math.sign(x), [-2.5, -0.3, 0.2, 1.7]],
  ['trunc', (x) => Math.trunc(x), [-2.5, -0.3, 0.2, 1.7]],
  ['floorOnly', () => 0, [-2.5, -0.3, 0.2, 1.7]],
  ['constants', (x) => 2 * Math.PI * x + Math.E, [-2.5, 0.2, 1.7]],
];

/** Partial derivatives of each primitive of several arguments, by hand. */
const multi: [name: string, partials: (...a: number[]) => number[], points: number[][]][] = [
  ['pow', (x, y) => [y * x ** (y - 1), x ** y * Math.log(x)], [[0.5, 2.5], [1.7, -1.3], [3, 0.5]]],
  ['atan2', (y, x) => [x / (x * x + y * y), -y / (x * x + y * y)], [[0.5, 2.5], [1.7, -1.3], [-0.4, -0.8], [-2, 0.3]]],
  ['min2', (x, y) => (x < y ? [1, 0] : [0, 1]), [[0.5, 2.5], [1.7, -1.3], [-0.4, -0.8]]],
  ['max2', (x, y) => (x > y ? [1, 0] : [0, 1]), [[0.5, 2.5], [1.7, -1.3], [-0.4, -0.8]]],
  ['min3', (...a) => a.map((v) => (v === Math.min(...a) ? 1 : 0)), [[0.5, 2.5, -1], [1.7, -1.3, 2], [-0.4, -0.8, -0.9], [-3, 1, 2]]],
  ['max3', (...a) => a.map((v) => (v === Math.max(...a) ? 1 : 0)), [[0.5, 2.5, -1], [1.7, -1.3, 2], [-0.4, -0.8, -0.9], [-3, 1, 2]]],
  ['hypot2', (x, y) => [x / Math.hypot(x, y), y / Math.hypot(x, y)], [[0.5, 2.5], [1.7, -1.3], [-0.4, -0.8], [3, 0]]],
  ['hypot3', (...a) => a.map((v) => v / Math.hypot(...a)), [[0.5, 2.5, -1], [1.7, -1.3, 2], [-0.4, -0.8, -0.9]]],
];

for (const optimize of modes) {
  describe(`primitives (optimize: ${optimize})`, () => {
    const out = compile([path.join(casesDir, 'math.ts')], { optimize });
    const m = out.modules.get('test/cases/math')!;

    it('compiles without diagnostics', () => {
      expect(formatDiagnostics(out.diagnostics)).to.equal('');
    });

    for (const [name, derivative, points] of unary) {
      it(`${name}`, () => {
        for (const x of points) expectClose(m[name](x), derivative(x), 1e-12, `${name}'(${x})`);
      });
    }

    for (const [name, partials, points] of multi) {
      it(`${name} (each argument)`, () => {
        for (const args of points) expectClose(m[name](...args), partials(...args), 1e-12, `∇${name}(${args.join(', ')})`);
      });
    }

    it('ties: min/max split the derivative evenly, |x|\' = 0 and hypot\' = 0 at 0', () => {
      expect(m.min2(1.5, 1.5)).to.deep.equal([0.5, 0.5]);
      expect(m.max2(-2, -2)).to.deep.equal([0.5, 0.5]);
      expect(m.abs(0)).to.equal(0);
      expect(m.hypot2(0, 0)).to.deep.equal([0, 0]);
    });

    // d/dx (x ** c) is generated as c · x ** (c - 1): at x = 0, c = 0 that is 0 · Infinity = NaN.
    it('x ** 0 has derivative 0 at x = 0', () => {
      expect(m.powZero(0)).to.equal(1);
      expect(m.powZero(2)).to.equal(1);
    });

    it('a Float32Array store passes the derivative through (rounding has derivative 1)', () => {
      for (const x of [-1.3, 0.3, 2.7]) expect(m.float32Store(x)).to.equal(2);
    });

    // Regression: Math.fround was once treated like floor/ceil/round (derivative 0), while the same
    // rounding done by a Float32Array store has derivative 1 (test above).
    it('Math.fround has derivative 1, like a Float32Array store', () => {
      for (const x of [-1.3, 0.3, 2.7]) expect(m.fround(x)).to.equal(2);
    });

    it('composite of primitives against finite differences', () => {
      for (const [x, y] of [[0.3, 1.2], [-1.1, 0.4], [2.2, -0.7], [-0.5, -1.9]]) {
        expectGradFD(m.composite, m.composite_grad01, [x, y], [0, 1]);
      }
    });
  });
}
