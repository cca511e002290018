import { expect } from 'chai';
import * as path from 'node:path';
import { expectClose, expectGradFD, modes } from './check.js';
import { casesDir, compile, finiteDiff, formatDiagnostics } from './harness.js';

for (const optimize of modes) {
  describe(`arith (optimize: ${optimize})`, () => {
    const out = compile([path.join(casesDir, 'arith.ts')], { optimize });
    const m = out.modules.get('test/cases/arith')!;
    const pairs: [number, number][] = [[1.3, 0.7], [-0.8, 1.9], [2.4, -1.1], [-1.7, -0.45]];

    it('compiles without diagnostics', () => {
      expect(formatDiagnostics(out.diagnostics)).to.equal('');
    });

    it('+ - * / on two active arguments', () => {
      for (const [x, y] of pairs) {
        expectGradFD(m.ops, m.ops_grad01, [x, y], [0, 1]);
        expectGradFD(m.quotient, m.quotient_grad01, [x, y], [0, 1]);
      }
    });

    it('+ - * / by hand', () => {
      for (const [x, y] of pairs) {
        const [gx, gy] = m.ops_grad01(x, y);
        expectClose(gx, 1 + y + y / (x * x) + 3 * x * x, 1e-12, `d/dx at ${x},${y}`);
        expectClose(gy, x - 1 / x - 1, 1e-12, `d/dy at ${x},${y}`);
      }
    });

    it('** with constant and active exponents', () => {
      for (const [x, a, b] of [[1.2, 0.5, 1.5], [-0.7, 2.5, -0.3], [0.3, 1.7, 2]]) {
        expectGradFD(m.power, m.power_grad012, [x, a, b], [0, 1, 2]);
        const [gx, ga, gb] = m.power_grad012(x, a, b);
        expectClose(gx, 3 * x * x + 2 ** x * Math.log(2), 1e-12, 'd/dx');
        expectClose(ga, b * a ** (b - 1), 1e-12, 'd/da');
        expectClose(gb, a ** b * Math.log(a), 1e-12, 'd/db');
      }
    });

    it('% (JS remainder, negative operands included)', () => {
      for (const [x, y] of [[5.3, 1.7], [-5.3, 1.7], [5.3, -1.7], [-2.2, -0.9], [0.4, 2.5]]) {
        expectGradFD(m.remainder, m.remainder_grad01, [x, y], [0, 1]);
        const [gx, gy] = m.remainder_grad01(x, y);
        expectClose(gx, (x % y) + x + 3, 1e-12, `d/dx at ${x},${y}`);
        expectClose(gy, -Math.trunc(x / y) * x, 1e-12, `d/dy at ${x},${y}`);
      }
    });

    it('unary minus and unary plus', () => {
      for (const [x, y] of pairs) {
        // a = -x, b = -xy: -a·b + y + x = -x²y + y + x
        const [gx, gy] = m.negation_grad01(x, y);
        expectClose(gx, -2 * x * y + 1, 1e-12, 'd/dx');
        expectClose(gy, -x * x + 1, 1e-12, 'd/dy');
        expectGradFD(m.negation, m.negation_grad01, [x, y], [0, 1]);
      }
    });

    it('compound assignment on scalars (+= -= *= /= **= %=)', () => {
      for (const [x, y] of [[1.3, 0.7], [-0.8, 1.9], [2.4, 1.1], [-1.7, 0.45]]) {
        expectGradFD(m.compoundScalar, m.compoundScalar_grad01, [x, y], [0, 1]);
      }
    });

    it('compound assignment on array elements', () => {
      for (const [x, y] of [[1.3, 0.7], [-0.8, 1.9], [2.4, 1.1], [-1.7, 0.45]]) {
        expectGradFD(m.compoundElements, m.compoundElements_grad01, [x, y], [0, 1]);
      }
    });

    it('compound assignment used as a value', () => {
      for (const x of [-1.5, 0.3, 2]) expectClose(m.compoundValue_grad(x), 4 * x ** 3 + 2 * x, 1e-12, `x=${x}`);
    });

    it('++ and -- prefix and postfix, values used in expressions (by hand: 6x + 15)', () => {
      for (const x of [-2.5, -0.3, 0, 1.7]) {
        expectClose(m.increments(x), 2 * x * (x + 3) + (x + 4) ** 2 + x, 1e-12, 'primal');
        expectClose(m.increments_grad(x), 6 * x + 15, 1e-12, `x=${x}`);
      }
    });

    it('a[i++], v[j++] * v[j++], out[--i] *= x, out[k]++', () => {
      for (const [v, x] of [[[0.5, -1.2, 2.0, 0.75], 1.3], [[-0.3, 0.8, -1.5, 2.2], -0.6]] as [number[], number][]) {
        const args = [new Float64Array(v), x];
        const want = v[0] * v[1] + v[3] * x + v[0] * x * (v[1] + x) * x + x + v[2];
        expectClose(m.indexIncrement(...args), want, 1e-12, 'primal');
        expectGradFD(m.indexIncrement, m.indexIncrement_grad01, args, [0, 1]);
      }
    });

    it('++ on an active array element', () => {
      for (const x of [-1.1, 0.4, 2.2]) {
        // (x² + 2)(x² + 1) + (1 + x)²
        expectClose(m.elementIncrement_grad(x), 2 * x * (x * x + 1) + 2 * x * (x * x + 2) + 2 * (1 + x), 1e-12, `x=${x}`);
      }
    });

    it('const/let shadowing in nested blocks', () => {
      for (const x of [-1.4, 0.6, 2.1]) {
        // s = (2x + x²) · 3x + x² + sin x; result s + 2x
        expectClose(m.shadowing(x), (2 * x + x * x) * 3 * x + x * x + Math.sin(x) + 2 * x, 1e-12, 'primal');
        expectClose(m.shadowing_grad(x), 12 * x + 9 * x * x + 2 * x + Math.cos(x) + 2, 1e-12, `x=${x}`);
      }
    });

    it('let reassignment (by hand: x³ + 3x² + 3)', () => {
      for (const x of [-1.4, 0.6, 2.1]) expectClose(m.reassignment_grad(x), 3 * x * x + 6 * x, 1e-12, `x=${x}`);
    });

    it('parameter reassignment', () => {
      for (const [x, y] of pairs) expectGradFD(m.paramReassign, m.paramReassign_grad01, [x, y], [0, 1]);
    });

    it('parameter overwritten by a constant (by hand)', () => {
      for (const [x, y] of pairs) {
        const [gx, gy] = m.paramOverwrite_grad01(x, y);
        expectClose(gx, y, 1e-12, 'd/dx');
        expectClose(gy, x + 5, 1e-12, 'd/dy');
      }
    });

    it('ternary: select, arms with work, nested; both sides of each condition', () => {
      for (const [x, y] of [[1.3, 0.7], [0.5, 1.9], [-0.8, 1.9], [2.4, -1.1], [-1.7, -0.45], [0.6, -0.2]]) {
        expectGradFD(m.ternary, m.ternary_grad01, [x, y], [0, 1]);
      }
    });

    it('&& / || / ! in conditions, boolean parameter', () => {
      for (const [x, y] of [[1.3, 0.7], [0.5, 2.9], [-0.8, 1.9], [2.4, -1.1], [-1.7, -0.45], [0.6, -0.2]]) {
        for (const flag of [true, false]) expectGradFD(m.logic, m.logic_grad01, [x, y, flag], [0, 1]);
      }
    });

    it('boolean locals, == and !=', () => {
      for (const x of [-1.3, 0.4, 1.6]) for (const n of [1, 2, 3]) expectGradFD(m.booleans, m.booleans_grad, [x, n]);
    });

    it('comma operator', () => {
      // c = x² + x³, result x³ + x⁴
      for (const x of [-1.3, 0.4, 1.6]) expectClose(m.comma_grad(x), 3 * x * x + 4 * x ** 3, 1e-12, `x=${x}`);
    });

    it('numeric literal forms and Infinity', () => {
      for (const x of [-3, 0.25]) expectClose(m.literals_grad(x), 1001.0005, 1e-12, `x=${x}`);
    });

    it('user names that look like generated names (x_b, _t0, _g, _y, _n0, _brk0, _k0, tape, value, __tsgrad)', () => {
      for (const [x, xb, t0] of [[1.3, 0.7, -0.4], [-0.8, 1.9, 2.2]]) {
        // _y = x·xb + 0.5; _n0 = _y·x + 3; result = 2·(2·_n0·t0) + x
        const [gx, gxb, gt0] = m.lookalikes_grad012(x, xb, t0);
        const n0 = (x * xb + 0.5) * x + 3;
        expectClose(gx, 4 * t0 * (2 * x * xb + 0.5) + 1, 1e-12, 'd/dx');
        expectClose(gxb, 4 * t0 * x * x, 1e-12, 'd/dx_b');
        expectClose(gt0, 4 * n0, 1e-12, 'd/d_t0');
      }
    });

    it('user names that the stacks of the tape would take (floats, ints, nf, ni): gradients match central differences', () => {
      for (const args of [[0.7, 1.3, 5], [-0.4, 0.9, 5]]) {
        const g = m.stackNames_grad(...args);
        for (const k of [0, 1]) expectClose(g[k], finiteDiff(m.stackNames, args, k), 1e-6, `argument ${k}`);
      }
    });

    it('valueAndGrad, grad(f, 1), grad(f, [0, 1]) agree', () => {
      for (const [x, y] of pairs) {
        const [value, gx] = m.ops_vg(x, y);
        expect(value).to.equal(m.ops(x, y));
        const [value2, [gx2, gy2]] = m.ops_vg01(x, y);
        expect(value2).to.equal(m.ops(x, y));
        const [wx, wy] = m.ops_grad01(x, y);
        expect(gx).to.equal(wx);
        expect(gx2).to.equal(wx);
        expect(gy2).to.equal(wy);
        expect(m.ops_grad1(x, y)).to.equal(wy);
      }
    });

    it('a result that does not depend on the argument has zero gradient', () => {
      expect(m.constant_grad(1.5, 2)).to.equal(0);
      const [value, g] = m.constant_vg(1.5, 2);
      expect(value).to.equal(5);
      expect(g).to.equal(0);
    });
  });
}
