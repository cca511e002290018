import { expect } from 'chai';
import * as path from 'node:path';
import { expectClose, expectGradFD, modes } from './check.js';
import { casesDir, compile, formatDiagnostics, randomArray } from './harness.js';

const f64 = (...v: number[]): Float64Array => new Float64Array(v);
const xs = [-1.7, -0.4, 0.3, 1.2, 2.5];

for (const optimize of modes) {
  describe(`calls (optimize: ${optimize})`, () => {
    const out = compile([path.join(casesDir, 'calls.ts')], { optimize });
    const m = out.modules.get('test/cases/calls')!;
    const helpers = out.modules.get('test/cases/helpers')!;

    it('compiles without diagnostics', () => {
      expect(formatDiagnostics(out.diagnostics)).to.equal('');
    });

    it('helpers in the same file: function declarations and arrow consts (by hand)', () => {
      for (const [x, y] of [[1.3, 0.7], [-0.8, 1.9], [2.4, -1.1]]) {
        const [gx, gy] = m.sameFile_grad01(x, y);
        expectClose(gx, 2 * x + y + (x - y) + 2 * x * y * y + 1 + 4 * x + 1, 1e-12, 'd/dx');
        expectClose(gy, 2 * y + x - (x - y) + 2 * x * x * y, 1e-12, 'd/dy');
        expectGradFD(m.sameFile, m.sameFile_grad01, [x, y], [0, 1]);
      }
    });

    it('nested calls sq(add(sq(x), halfSquare(sq(x)))) (by hand)', () => {
      for (const x of xs) {
        const u = x * x + 0.5 * x ** 4;
        expectClose(m.nested_grad(x), 2 * u * (2 * x + 2 * x ** 3), 1e-12, `x=${x}`);
      }
    });

    it('helpers called inside loops, with early returns and boolean results', () => {
      const a = f64(0.5, -1.2, 2.6, 1.9, -0.3, -2.9);
      for (const x of [-1.1, 0.35, 1.3]) expectGradFD(m.inLoops, m.inLoops_grad01, [a, x], [0, 1]);
    });

    it('helpers that write into an array parameter', () => {
      for (let seed = 1; seed <= 3; seed++) {
        const args = [randomArray(seed, 4, -1, 1), randomArray(seed + 7, 4, -1, 1), 0.9 - 0.5 * seed];
        expectGradFD(m.writesArray, m.writesArray_grad012, args, [0, 1, 2]);
      }
    });

    it('helpers imported from another file (named imports, early return, module constant)', () => {
      const a = f64(0.5, -1.2, 2.6, 1.9);
      for (const x of [-1.5, -0.6, 0.35, 1.3, 2.1]) expectGradFD(m.imported, m.imported_grad01, [a, x], [0, 1]);
    });

    it('grad and valueAndGrad of an imported function', () => {
      for (let seed = 1; seed <= 3; seed++) {
        const w = randomArray(seed, 5, -2, 2);
        const x = seed - 1.5;
        expectGradFD(helpers.loss, m.loss_grad, [w, x]);
        const [value, [gw, gx]] = m.loss_vg01(w, x);
        expect(value).to.equal(helpers.loss(w, x));
        expectClose(gw, m.loss_grad(w, x), 1e-15, 'valueAndGrad [0]');
        expectClose(gx, finite(helpers.loss, w, x), 1e-6, 'valueAndGrad [1]');
      }
      for (const x of xs) {
        expectClose(m.cube_grad(x), 3 * x * x, 1e-12, `cube x=${x}`);
        expectClose(m.softplus_grad(x), 1 / (1 + Math.exp(-x)), 1e-12, `softplus x=${x}`);
      }
    });

    it('grad of an arrow const and of inline functions', () => {
      for (const x of xs) {
        expectClose(m.halfSquare_grad(x), x, 1e-12, 'halfSquare');
        expectClose(m.inlineArrow_grad(x), 2 * x, 1e-12, '(x) => x * x');
        expectClose(m.inlineArrowBlock_grad(x, 0.7), 3 * x * 0.49, 1e-12, 'block arrow, argnums 1');
        expectClose(m.inlineFunction_grad(x), Math.cos(x) * x * x + 2 * x * Math.sin(x), 1e-12, 'function expression');
        const [value, g] = m.inlineNamed_vg(x);
        expectClose(value, Math.exp(x) * x, 1e-15, 'named function expression: value');
        expectClose(g, Math.exp(x) * (1 + x), 1e-12, 'named function expression: grad');
      }
    });

    it('the same function differentiated twice; grad inside a function body', () => {
      for (const x of xs) {
        expect(m.sq_grad(x)).to.equal(2 * x);
        expect(m.sq_grad_again(x)).to.equal(2 * x);
        expect(m.makeGrad()(x)).to.equal(2 * x);
      }
    });
  });

  describe(`calls: scopes and stateful helpers (optimize: ${optimize})`, () => {
    const out = compile([path.join(casesDir, 'calls.ts')], { optimize });
    const m = out.modules.get('test/cases/calls')!;

    it('a function declared below its grad call', () => {
      for (const x of xs) expectClose(m.later_grad(x), Math.cos(x) * x + Math.sin(x), 1e-12, `x=${x}`);
    });

    it('grad of a function declared inside another function', () => {
      for (const x of xs) expectClose(m.makeLocal()(x), 3 * x * x, 1e-12, `x=${x}`);
    });

    it("a const of the enclosing function read by the differentiated arrow", () => {
      for (const k of [-0.5, 2]) for (const x of xs) expectClose(m.makeScaled(k)(x), 4 * k * x, 1e-12, `k=${k} x=${x}`);
    });

    it('module-level const array and computed const (by hand)', () => {
      const x = f64(0.5, -1.2, 2.6, 1.9, -0.3);
      const w = [0.5, -1.5, 2];
      expectClose(m.weighted_grad(x), x.map((v, i) => 2 * w[i % 3] * v), 1e-12, 'grad');
    });

    it('a helper that updates an array in place, called in a loop', () => {
      for (let seed = 1; seed <= 3; seed++) {
        for (const steps of [1, 5]) {
          expectGradFD(m.simulate, m.simulate_grad01, [randomArray(seed, 5, -1, 1), 1.1 - 0.3 * seed, steps], [0, 1]);
        }
      }
    });

    it('an imported helper returning from inside its loop, called in a loop', () => {
      const a = f64(0.5, -1.2, 2.6, 1.9, -0.3);
      for (const x of [-0.9, 0.45, 0.8, 1.7]) expectGradFD(m.searchLoop, m.searchLoop_grad01, [a, x], [0, 1]);
    });

    it('shadowed loop counter, a helper called twice per iteration, a boolean helper with a loop', () => {
      const a = f64(0.5, -1.2, 2.0, 0.7, -0.3);
      for (const x of [-0.7, 0.4, 1.3]) expectGradFD(m.kitchenSink, m.kitchenSink_grad01, [a, x], [0, 1]);
    });

    // Regression: the generated code once named imported bindings bare (`TABLE[1]`) while the
    // CommonJS output renames them (`helpers_js_1.TABLE`), so the gradient threw "TABLE is not defined".
    it('constants imported from another module can be read', () => {
      for (const x of [-1.5, 0.5, 2]) expectClose(m.importedConsts_grad(x), -3 * x + Math.SQRT2, 1e-12, `x=${x}`);
    });

    it('calls as arguments, in ternary arms and in loop conditions', () => {
      for (const [x, y] of [[1.3, 0.7], [0.5, 1.2], [-1.5, 0.4], [-0.3, -0.8]]) {
        expectGradFD(m.callArgs, m.callArgs_grad01, [x, y], [0, 1]);
      }
    });
  });

  describe(`grad imported under other names (optimize: ${optimize})`, () => {
    const out = compile([path.join(casesDir, 'aliases.ts')], { optimize });
    const m = out.modules.get('test/cases/aliases')!;

    it('compiles without diagnostics', () => {
      expect(formatDiagnostics(out.diagnostics)).to.equal('');
    });

    it("import { grad as g }, import * as tg: each call is compiled", () => {
      for (const [x, y] of [[1.3, 0.7], [-0.8, 1.9]]) {
        expectClose(m.viaAlias(x, y), 2 * x * y, 1e-12, 'g(f)');
        const [v1, g1] = m.viaAliasVg(x, y);
        expectClose(v1, x * x * y, 1e-15, 'vg(f, 1) value');
        expectClose(g1, x * x, 1e-12, 'vg(f, 1) grad');
        const [gx, gy] = m.viaNamespace(x, y);
        expectClose(gx, 2 * x * y, 1e-12, 'tg.grad(f, [0, 1])[0]');
        expectClose(gy, x * x, 1e-12, 'tg.grad(f, [0, 1])[1]');
        const [v2, g2] = m.viaNamespaceVg(x, y);
        expectClose(v2, x * x * y, 1e-15, 'tg.valueAndGrad(f) value');
        expectClose(g2, 2 * x * y, 1e-12, 'tg.valueAndGrad(f) grad');
      }
    });

    it("a user's own functions named grad and valueAndGrad are left alone", () => {
      expect(m.ownGrad).to.equal(42);
      expect(m.grad(5)).to.equal(10);
      expect(m.ownValueAndGrad).to.equal(103);
      const js = out.js.get('test/cases/aliases')!;
      expect(js).to.match(/\bgrad\(21\)/);
      expect(js).to.match(/function grad\(x\) \{\s*return 2 \* x;\s*\}/);
    });
  });
}

function finite(f: (w: Float64Array, x: number) => number, w: Float64Array, x: number, h = 1e-6): number {
  return (f(w, x + h) - f(w, x - h)) / (2 * h);
}
