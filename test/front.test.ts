/**
 * Front-end regressions found by a random-program fuzzer (test/cases/front.ts): emitted JavaScript
 * that did not load (`**` precedence), code inside the subset that the fence rejected (literal,
 * `any` and `never` types), and NaN gradients from dead statements (0 · ∞ in derivative code
 * whose adjoint or tangent is 0). Values are checked against central finite differences and
 * derivatives worked out by hand.
 */
import { expect } from 'chai';
import * as path from 'node:path';
import * as ts from 'typescript';
import { bin, type CExpr, cond, id, n } from '../compiler/code.js';
import { emitExpr } from '../compiler/emit.js';
import { useTypeScript } from '../compiler/tsapi.js';
import { expectClose, expectGradFD, modes } from './check.js';
import { casesDir, compile, formatDiagnostics, rng } from './harness.js';

/** A CExpr evaluated directly, with JavaScript's operators: what its printed form must compute. */
function evaluate(e: CExpr, env: Record<string, number>): unknown {
  const v = (x: CExpr): any => evaluate(x, env);
  switch (e.k) {
    case 'num':
      return e.value;
    case 'id':
      return env[e.name];
    case 'un':
      return e.op === '-' ? -v(e.a) : !v(e.a);
    case 'cond':
      return v(e.c) ? v(e.a) : v(e.b);
    case 'bin': {
      const a = v(e.a);
      const b = v(e.b);
      const ops: Record<string, (x: any, y: any) => unknown> = {
        '+': (x, y) => x + y, '-': (x, y) => x - y, '*': (x, y) => x * y, '/': (x, y) => x / y, '%': (x, y) => x % y,
        '**': (x, y) => x ** y, '<': (x, y) => x < y, '===': (x, y) => x === y, '&&': (x, y) => x && y, '||': (x, y) => x || y,
      };
      return ops[e.op](a, b);
    }
    default:
      throw new Error(`evaluate: ${e.k}`);
  }
}

function randomTree(r: () => number, depth: number): CExpr {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(r() * xs.length)];
  if (depth === 0 || r() < 0.2) return r() < 0.5 ? id(pick(['x', 'y', 'z'])) : n(pick([-0.5, -1, 0, 0.1, 2, -3, 0.7, -Infinity]));
  const kid = (): CExpr => randomTree(r, depth - 1);
  const choice = r();
  if (choice < 0.15) return { k: 'un', op: r() < 0.8 ? '-' : '!', a: kid() };
  if (choice < 0.22) return cond(kid(), kid(), kid());
  return bin(pick(['+', '-', '*', '/', '%', '**', '**', '<', '===', '&&', '||']), kid(), kid());
}

describe('front end: the emitter', () => {
  useTypeScript(ts);
  const printer = ts.createPrinter();
  const source = ts.createSourceFile('expr.ts', '', ts.ScriptTarget.ES2022);
  const print = (e: CExpr): string => printer.printNode(ts.EmitHint.Expression, emitExpr(e), source);
  const neg = (a: CExpr): CExpr => ({ k: 'un', op: '-', a });
  const [x, y, z] = [id('x'), id('y'), id('z')];

  it('a negative literal base of ** is parenthesized', () => {
    expect(print(bin('**', n(-0.5), n(2)))).to.equal('(-0.5) ** 2');
    expect(print(bin('**', neg(x), y))).to.equal('(-x) ** y');
    expect(print(bin('**', n(-Infinity), y))).to.equal('(-Infinity) ** y');
    expect(print(bin('**', bin('**', x, y), z))).to.equal('(x ** y) ** z');
    expect(print(bin('**', x, bin('**', y, z)))).to.equal('x ** y ** z');
    expect(print(bin('**', x, neg(y)))).to.equal('x ** -y');
    expect(print(neg(bin('**', x, y)))).to.equal('-(x ** y)');
  });

  it('negative literals and double negation print as they evaluate', () => {
    expect(print(bin('-', x, n(-1)))).to.equal('x - -1');
    expect(print(neg(neg(x)))).to.equal('- -x');
    expect(print(neg(n(-1)))).to.equal('- -1');
  });

  it('parentheses keep the tree\'s evaluation order (float rounding included)', () => {
    expect(print(bin('*', x, bin('*', y, z)))).to.equal('x * (y * z)');
    expect(print(bin('+', x, bin('+', y, z)))).to.equal('x + (y + z)');
    expect(print(bin('-', x, bin('-', y, z)))).to.equal('x - (y - z)');
    expect(print(bin('*', bin('*', x, y), z))).to.equal('x * y * z');
  });

  it('random expression trees print as code that parses and computes the same value', () => {
    const r = rng(20240611);
    const env = { x: 0.1, y: -1.3, z: 0.7 };
    for (let i = 0; i < 3000; i++) {
      const e = randomTree(r, 4);
      const text = print(e);
      let got: unknown;
      try {
        got = new Function('x', 'y', 'z', `return ${text};`)(env.x, env.y, env.z);
      } catch (err) {
        throw new Error(`${text}: ${String(err)}`);
      }
      expect(Object.is(got, evaluate(e, env)), `${text}: ${String(got)}, tree ${String(evaluate(e, env))}`).to.equal(true);
    }
  });
});

for (const optimize of modes) {
  describe(`front end (optimize: ${optimize})`, () => {
    const out = compile([path.join(casesDir, 'front.ts')], { optimize });
    const m = out.modules.get('test/cases/front')!;

    it('compiles without diagnostics, and the emitted module loads', () => {
      expect(formatDiagnostics(out.diagnostics)).to.equal('');
      expect(out.loadError).to.equal(undefined);
    });

    it('a negative literal base of ** is parenthesized', () => {
      // f = x²/4 + (-2)^k x + 1/x (the rest cancels)
      for (const [x, k] of [[1.3, 3], [-0.7, 2], [2.2, 1]]) {
        expectClose(m.negativeBase(x, k), 0.25 * x * x + (-2) ** k * x + 1 / x, 1e-12, 'primal');
        expectClose(m.negativeBase_grad(x, k), 0.5 * x + (-2) ** k - 1 / (x * x), 1e-12, `f' at ${x}, ${k}`);
        expectGradFD(m.negativeBase, m.negativeBase_grad, [x, k], 0);
        expectClose(m.negativeBase_hvp(x, k, 1.5), 1.5 * (0.5 + 2 / x ** 3), 1e-12, `f'' v at ${x}, ${k}`);
      }
    });

    it('a ternary between number literals is accepted', () => {
      for (const [x, c] of [[1.7, true], [1.7, false], [-0.4, true], [-0.4, false]] as const) {
        const k = c ? 0.3 : 1.5;
        expectClose(m.literalTernary_grad(x, c), 2 * k * x + (x > 0 ? 1 : 2), 1e-12, `x=${x} c=${c}`);
        expectGradFD(m.literalTernary, m.literalTernary_grad, [x, c], 0);
      }
    });

    it('an element of new Array(n).fill(0) kept in an unannotated local is accepted', () => {
      // z = x, w = x³: f = x⁴ + 2x²
      for (const x of [-1.2, 0.5, 2]) {
        expectClose(m.filledElement_grad(x), 4 * x ** 3 + 4 * x, 1e-12, `x=${x}`);
        expectGradFD(m.filledElement, m.filledElement_grad, [x], 0);
      }
    });

    it('values narrowed to never (&&, comparisons, copies) are read as the numbers and booleans they are', () => {
      // s = 2x or 3x, then ± x: f = (k' ± 1) x² with k' = 2 (c) or 3
      for (const [x, c] of [[1.1, true], [1.1, false], [-0.8, true], [-0.8, false]] as const) {
        const factor = (c ? 2 : 3) + (x > 0 ? 1 : -1);
        expectClose(m.narrowedAway_grad(x, c), 2 * factor * x, 1e-12, `x=${x} c=${c}`);
        expectGradFD(m.narrowedAway, m.narrowedAway_grad, [x, c], 0);
        // s = 2x or 0: f = 2x² or 0
        expectClose(m.narrowedBoolean_grad(x, c), x > 0 ? 4 * x : 0, 1e-12, `x=${x} c=${c}`);
        expectGradFD(m.narrowedBoolean, m.narrowedBoolean_grad, [x, c], 0);
      }
    });

    it('a dead overflow does not make the gradient NaN (grad, jvp, hvp)', () => {
      // f = x² + x
      for (const x of [1, 3, -0.5]) {
        expectClose(m.deadOverflow(x), x * x + x, 1e-12, 'primal');
        expectClose(m.deadOverflow_grad(x), 2 * x + 1, 1e-12, `grad at ${x}`);
        expectGradFD(m.deadOverflow, m.deadOverflow_grad, [x], 0);
        const [y, dy] = m.deadOverflow_jvp(x, 0.5);
        expectClose(y, x * x + x, 1e-12, 'jvp primal');
        expectClose(dy, x + 0.5, 1e-12, `jvp at ${x}`);
        expectClose(m.deadOverflow_hvp(x, 0.5), 1, 1e-12, `hvp at ${x}`);
      }
    });

    it('a never-used overflow, and a -∞ used only by a comparison, do not make derivatives NaN', () => {
      // 1 ≤ x < 2, where log(x - 1) < 0 (log(0) = -∞ at x = 1): f = x² + 2x - 1
      for (const x of [1, 1.5, 1.9]) {
        expectClose(m.unusedOverflow_grad(x), 2 * x + 2, 1e-12, `grad at ${x}`);
        const [, dy] = m.unusedOverflow_jvp(x, -2);
        expectClose(dy, -2 * (2 * x + 2), 1e-12, `jvp at ${x}`);
        expectClose(m.unusedOverflow_hvp(x, -2), -4, 1e-12, `hvp at ${x}`);
      }
      expectGradFD(m.unusedOverflow, m.unusedOverflow_grad, [1.5], 0);
    });

    it('a statement overwritten in every iteration of a loop gets no derivative code', () => {
      // s = Σ_{i<n} (i x² + (i + 1) x) = n(n-1)/2 · x² + n(n+1)/2 · x
      for (const [x, n] of [[1, 3], [2.5, 4], [-0.3, 1]]) {
        const c = (n * (n - 1)) / 2;
        expectClose(m.deadInLoop_grad(x, n), 2 * c * x + (n * (n + 1)) / 2, 1e-12, `grad at ${x}, ${n}`);
        expectGradFD(m.deadInLoop, m.deadInLoop_grad, [x, n], 0);
        expectClose(m.deadInLoop_hvp(x, n, 0.5), c, 1e-12, `hvp at ${x}, ${n}`);
      }
    });

    it('a dead Math.hypot(0, 0) does not make the Hessian-vector product NaN', () => {
      // near (1, 1): f = x²y² + sqrt(|x - 1| + 1)
      for (const [x, y] of [[1, 1], [1.2, 0.9]]) {
        const kink = x === 1 ? 0 : Math.sign(x - 1) / (2 * Math.sqrt(Math.abs(x - 1) + 1));
        expectClose(m.deadHypot_grad(x, y), [2 * x * y * y + kink, 2 * x * x * y], 1e-12, `grad at ${x}, ${y}`);
        const [, dy] = m.deadHypot_jvp(x, y, 0.5, -1);
        expectClose(dy, 0.5 * (2 * x * y * y + kink) - 2 * x * x * y, 1e-12, `jvp at ${x}, ${y}`);
        // the kink's second derivative: -1/(4 (|x-1|+1)^{3/2}) away from x = 1, 0 at it (|x|'' = 0)
        const kink2 = x === 1 ? 0 : -1 / (4 * (Math.abs(x - 1) + 1) ** 1.5);
        const H = [2 * y * y + kink2, 4 * x * y, 4 * x * y, 2 * x * x];
        const v = [0.5, -1];
        expectClose(m.deadHypot_hvp(new Float64Array([x, y]), new Float64Array(v)), [H[0] * v[0] + H[1] * v[1], H[2] * v[0] + H[3] * v[1]], 1e-12, `hvp at ${x}, ${y}`);
      }
      expectGradFD(m.deadHypot, m.deadHypot_grad, [1.2, 0.9], [0, 1]);
    });

    it('a dead store into an array element does not make the gradient NaN', () => {
      for (const x of [1, 0.5, 3]) {
        expectClose(m.deadStore_grad(x), 2 * x, 1e-12, `grad at ${x}`);
        expectClose(m.deadStore_hvp(x, 0.5), 1, 1e-12, `hvp at ${x}`);
      }
      expectGradFD(m.deadStore, m.deadStore_grad, [-0.5], 0);
    });

    it('an operation on a value that carries no derivative yet gets a zero tangent, not ∞ · 0 = NaN', () => {
      for (const x of [0.7, 1.5, -2]) {
        const [y, dy] = m.sqrtBeforeVaried_jvp(x, 1);
        expect(y).to.equal(m.sqrtBeforeVaried(x));
        expectClose(dy, 2 * x, 1e-12, `jvp at ${x}`);
        expectClose(m.sqrtBeforeVaried_hvp(x, 0.5), 1, 1e-12, `hvp at ${x}`);
        expectGradFD(m.sqrtBeforeVaried, m.sqrtBeforeVaried_grad, [x], 0);
      }
    });

  });
}
