/**
 * Math in kernels (compiler/passes/kernelMath.ts, runtime/gpu/kernelMath.ts): the rewrite of powers
 * and trigonometric calls, and the runtime's helpers run as plain JavaScript (float64) against
 * JavaScript's own Math. On the GPU backends the same helpers run in float32: test/browser/suite.ts
 * (webgl2, webgpu) and test/webgpu-node.test.ts check them there.
 */
import { expect } from 'chai';
import { bin, call, type CExpr, id, member, n } from '../compiler/code.js';
import { emitExpr } from '../compiler/emit.js';
import { kernelHelpers as helperNames } from '../compiler/naming.js';
import { kernelMath } from '../compiler/passes/kernelMath.js';
import { useTypeScript } from '../compiler/tsapi.js';
import { helpersFor, kernelHelpers } from '../runtime/gpu/kernelMath.js';
import * as ts from 'typescript';

useTypeScript(ts);

/** The kernel code `kernelMath` makes of one expression, as text. */
function rewritten(e: CExpr): string {
  const k = kernelMath({ name: 'k', params: [], body: [{ k: 'return', e }] });
  const ret = k.body[0] as { k: 'return'; e: CExpr };
  return ts.createPrinter().printNode(ts.EmitHint.Expression, emitExpr(ret.e), ts.createSourceFile('k.js', '', ts.ScriptTarget.Latest));
}

const a = id('a');
const pow = (x: CExpr, y: CExpr): CExpr => call(member(id('Math'), 'pow'), x, y);
const helper = (name: string): ((...args: number[]) => number) => new Function(`return ${kernelHelpers[name]}`)() as (...args: number[]) => number;

describe('Math in kernels', () => {
  it('small integer powers become products (the adjoint\'s Math.pow(a, 2 - 1) too); others call tsgrad_pow', () => {
    expect(rewritten(bin('**', a, n(2)))).to.equal('a * a');
    expect(rewritten(pow(a, bin('-', n(3), n(1))))).to.equal('a * a');
    expect(rewritten(pow(a, bin('-', n(2), n(1))))).to.equal('a');
    expect(rewritten(bin('**', a, n(0)))).to.equal('1');
    expect(rewritten(bin('**', a, n(-3)))).to.equal('1 / (a * a * a)');
    expect(rewritten(bin('**', member(member(id('this'), 'constants'), 'x'), n(3)))).to.equal('this.constants.x * this.constants.x * this.constants.x');
    expect(rewritten(bin('**', a, n(5)))).to.equal('tsgrad_pow(a, 5)');
    expect(rewritten(pow(a, n(1.5)))).to.equal('tsgrad_pow(a, 1.5)');
    expect(rewritten(pow(a, bin('-', id('b'), n(1))))).to.equal('tsgrad_pow(a, b - 1)');
    expect(rewritten(call(member(id('Math'), 'sin'), a))).to.equal('tsgrad_sin(a)');
    expect(rewritten(call(member(id('Math'), 'exp'), a))).to.equal('Math.exp(a)');
  });

  it('the compiler calls the helpers by the names the runtime defines them under, and passes each kernel those it calls', () => {
    expect(Object.values(helperNames).sort()).to.deep.equal(Object.keys(kernelHelpers).sort());
    for (const [name, source] of Object.entries(kernelHelpers)) expect(source.startsWith(`function ${name}(`), name).to.equal(true);
    expect(helpersFor('function k(x) { return tsgrad_sin(x[0]) + tsgrad_pow(x[1], 3); }').map((h) => h.source)).to.deep.equal([kernelHelpers.tsgrad_pow, kernelHelpers.tsgrad_sin]);
    expect(helpersFor('function k(x) { return Math.sin(x[0]); }')).to.deep.equal([]);
  });

  it('tsgrad_pow is Math.pow: negative bases, signed zeros, NaN, infinities, 0 ** 0', () => {
    const f = helper('tsgrad_pow');
    const values = [0, -0, 1, -1, 2, -2, 0.5, -0.5, 3.7, -3.7, NaN, Infinity, -Infinity];
    const exponents = [0, -0, 1, -1, 2, -2, 3, -3, 0.5, -0.5, 1.5, 7, -7, 1e10, NaN];
    for (const x of values) {
      for (const y of exponents) {
        if (x === -Infinity && Math.floor(y) !== y) continue; // NaN, where JavaScript gives ∞ or 0 (README "Precision")
        const want = Math.pow(x, y);
        const got = f(x, y);
        expect(Object.is(got, want) || Math.abs(got - want) <= 1e-15 * Math.abs(want), `${x} ** ${y}: ${got}, want ${want}`).to.equal(true);
      }
    }
  });

  it('tsgrad_sin, tsgrad_cos, tsgrad_tan and tsgrad_asinh agree with Math to float32 accuracy (1e-7) over ±10^4', () => {
    const sin = helper('tsgrad_sin');
    const cos = helper('tsgrad_cos');
    const tan = helper('tsgrad_tan');
    const asinh = helper('tsgrad_asinh');
    let worst = 0;
    for (let i = 0; i <= 200000; i++) {
      const x = -1e4 + i * 0.1 + 1e-3 * Math.sin(i);
      worst = Math.max(worst, Math.abs(sin(x) - Math.sin(x)), Math.abs(cos(x) - Math.cos(x)));
      if (Math.abs(Math.cos(x)) > 0.1) worst = Math.max(worst, Math.abs(tan(x) - Math.tan(x)) / Math.max(1, Math.abs(Math.tan(x))));
      worst = Math.max(worst, Math.abs(asinh(x / 100) - Math.asinh(x / 100)) / Math.max(1, Math.abs(Math.asinh(x / 100))));
    }
    expect(worst).to.be.below(1e-7);
    expect([sin(NaN), cos(Infinity), tan(NaN), asinh(NaN)].every(Number.isNaN)).to.equal(true);
  });
});
