/**
 * Issue 16, readable output (compiler/passes/tidyCode.ts): generated code folded back into
 * expressions and `for` loops must compute exactly what the A-normal form computed. Checked on
 * small code trees run both ways (tape pops in order, stores in between, -0 against +0), on the
 * softmax gradient's shape, and on a fixed-seed slice of random programs compiled tidied and not,
 * whose every result must agree bit for bit (test/fuzz/tidyExact.ts; more seeds with
 * `node dist/test/fuzz/tidyExact.js --seed S --count N [--idioms supported]`).
 */
import { expect } from 'chai';
import * as path from 'node:path';
import * as ts from 'typescript';
import { type CExpr, type CStmt } from '../compiler/code.js';
import { emitFunction } from '../compiler/emit.js';
import { tidyCode } from '../compiler/passes/tidyCode.js';
import { useTypeScript } from '../compiler/tsapi.js';
import { Tape } from '../runtime/tape.js';
import { compareTidy, exactText } from './fuzz/tidyExact.js';
import { generateWithIdioms, supportedIdioms } from './fuzz/idioms.js';
import { programs } from './fuzz/main.js';
import { compile, repoRoot } from './harness.js';

useTypeScript(ts);

const id = (name: string): CExpr => ({ k: 'id', name });
const n = (value: number): CExpr => ({ k: 'num', value });
const bin = (op: string, a: CExpr, b: CExpr): CExpr => ({ k: 'bin', op, a, b });
const at = (arr: string, i: CExpr): CExpr => ({ k: 'index', obj: id(arr), index: i });
const set = (target: CExpr, value: CExpr, op: '=' | '+=' | '-=' = '='): CStmt => ({ k: 'assign', target, op, value });
const pop: CExpr = { k: 'call', callee: { k: 'member', obj: { k: 'member', obj: id('tape'), prop: 'floats' }, prop: 'pop' }, args: [] };
const push = (e: CExpr): CStmt => ({ k: 'expr', e: { k: 'call', callee: { k: 'member', obj: { k: 'member', obj: id('tape'), prop: 'floats' }, prop: 'push' }, args: [e] } });
const decl = (...names: string[]): CStmt => ({ k: 'let', decls: names.map((name) => ({ name, init: n(0) })) });

function source(params: readonly string[], body: readonly CStmt[]): string {
  const file = ts.createSourceFile('t.js', '', ts.ScriptTarget.ES2022);
  return ts.createPrinter().printNode(ts.EmitHint.Unspecified, emitFunction('f', params, body), file);
}

/** The function `body` defines, as JavaScript (a `tape` parameter for the tape). */
function run(params: readonly string[], body: readonly CStmt[]): (...args: unknown[]) => unknown {
  return new Function(`${source(params, body)}\nreturn f;`)() as (...args: unknown[]) => unknown;
}

/** tidyCode's output for body, and both run on each argument list: the same results, bit for bit. */
function sameBothWays(params: string[], body: CStmt[], argLists: (() => unknown[])[]): string {
  const tidied = tidyCode(body, params, 'tape');
  const [before, after] = [run(params, body), run(params, tidied)];
  for (const args of argLists) expect(exactText(after(...args()))).to.equal(exactText(before(...args())));
  return source(params, tidied);
}

describe('issue 16: tidied generated code computes what it computed', () => {
  it('folds a chain of temporaries into one expression', () => {
    const body = [decl('_t0', '_t1', '_t2', 'z'), set(id('_t0'), bin('*', id('k'), id('d'))), set(id('_t1'), bin('+', id('_t0'), id('j'))),
      set(id('_t2'), at('theta', id('_t1'))), set(id('z'), bin('+', id('z'), id('_t2'))), { k: 'return', e: id('z') } as CStmt];
    const out = sameBothWays(['theta', 'k', 'd', 'j'], body, [() => [Float64Array.of(1, 2, 3, 4), 1, 2, 1]]);
    expect(out).to.include('z += theta[k * d + j]');
    expect(out).not.to.include('_t');
  });

  it('keeps tape pops in their order', () => {
    // a = pop(); b = pop(); return b - a: the second pop may not move before the first
    const body = [decl('a', 'b', '_t0', '_t1'), set(id('_t0'), pop), set(id('_t1'), pop), set(id('a'), bin('-', id('_t1'), id('_t0'))), { k: 'return', e: id('a') } as CStmt];
    const tape = (): Tape => {
      const t = new Tape(false);
      t.floats.push(1);
      t.floats.push(10);
      return t;
    };
    const out = sameBothWays(['tape'], body, [() => [tape()]]);
    expect(out).to.match(/_t0 = tape\.floats\.pop\(\);\s+a = tape\.floats\.pop\(\) - _t0/);
  });

  it('does not move a load past a store that may write the same element (the store moves instead), but past one into a private array', () => {
    const shared = [decl('_t0', 'y'), set(id('_t0'), at('a', n(0))), set(at('b', n(0)), n(5)), set(id('y'), id('_t0')), { k: 'return', e: id('y') } as CStmt];
    const a = (): Float64Array => Float64Array.of(1, 2);
    expect(sameBothWays(['a', 'b'], shared, [() => {
      const same = a();
      return [same, same];
    }])).to.match(/y = a\[0\];\s+b\[0\] = 5;/);
    const own = [decl('_t0', 'y'), { k: 'let', decls: [{ name: 'b' }] } as CStmt, set(id('b'), { k: 'new', callee: id('Float64Array'), args: [n(2)] }),
      set(id('_t0'), at('a', n(0))), set(at('b', n(0)), n(5)), set(id('y'), bin('+', id('_t0'), at('b', n(0)))), { k: 'return', e: id('y') } as CStmt];
    expect(sameBothWays(['a'], own, [() => [a()]])).to.include('return a[0] + b[0];');
  });

  it('does not move a read of a private array with a call in it past a write of that element (fuzz seed 925302)', () => {
    // g = b[0] * h(); b[0] = 0; b[1] += g: the call reaches no private array, but the read does
    const call: CExpr = { k: 'call', callee: id('h'), args: [] };
    const body = [decl('_g'), { k: 'let', decls: [{ name: 'b' }] } as CStmt, set(id('b'), { k: 'new', callee: id('Float64Array'), args: [n(2)] }),
      set(at('b', n(0)), id('x')), set(id('_g'), bin('*', at('b', n(0)), call)), set(at('b', n(0)), n(0)), set(at('b', n(1)), id('_g'), '+='),
      { k: 'return', e: at('b', n(1)) } as CStmt];
    sameBothWays(['x', 'h'], body, [() => [3, () => 2]]);
  });

  it('keeps +0 where an accumulation into zero gave +0 and the sign could show', () => {
    // t_b += p * q on t_b = 0 is 0 + p*q: +0 for p = -0, q = 1; returned, the sign shows
    const body = [decl('_t_b', 'r'), set(id('_t_b'), bin('*', id('p'), id('q')), '+='), set(id('r'), bin('/', n(1), id('_t_b'))), { k: 'return', e: id('r') } as CStmt];
    const out = sameBothWays(['p', 'q'], body, [() => [-0, 1], () => [2, 3]]);
    expect(out).to.include('_t_b += p * q');
  });

  it('writes the accumulation directly where the sign cannot show (an accumulator never -0)', () => {
    // _t6_b += z_b; theta_b[k] += _t6_b * x; the adjoint array only ever accumulates
    const body = [decl('_t6_b', 'z_b'), { k: 'let', decls: [{ name: 'theta_b', init: { k: 'new', callee: id('Float64Array'), args: [n(2)] } }], isConst: true } as CStmt,
      set(id('z_b'), id('g'), '+='), set(id('_t6_b'), bin('*', id('z_b'), id('p')), '+='), set(at('theta_b', n(1)), bin('*', id('_t6_b'), id('x')), '+='),
      set(id('_t6_b'), n(0)), { k: 'return', e: id('theta_b') } as CStmt];
    const out = sameBothWays(['g', 'p', 'x'], body, [() => [-0, 1, 2], () => [1, -0, 3], () => [0.5, 2, -0]]);
    expect(out).to.include('theta_b[1] += g * p * x');
  });

  it('moves a reset after the read that needs the value before it', () => {
    // fn_b = s_b[i]; s_b[i] = 0; w_b[i] += fn_b * x[i]  →  w_b[i] += s_b[i] * x[i]; s_b[i] = 0
    const arr = (name: string): CStmt => ({ k: 'let', decls: [{ name, init: { k: 'new', callee: id('Float64Array'), args: [n(3)] } }], isConst: true });
    const body = [decl('_f_b'), arr('s_b'), arr('w_b'), set(at('s_b', id('i')), n(2)), set(id('_f_b'), at('s_b', id('i'))), set(at('s_b', id('i')), n(0)),
      set(at('w_b', id('i')), bin('*', id('_f_b'), at('x', id('i'))), '+='), { k: 'return', e: { k: 'array', items: [id('s_b'), id('w_b')] } } as CStmt];
    const out = sameBothWays(['x', 'i'], body, [() => [Float64Array.of(1, 2, 3), 1]]);
    expect(out).to.match(/w_b\[i\] \+= s_b\[i\] \* x\[i\];\s+s_b\[i\] = 0;/);
  });

  it('restores counted loops, the trip counter read off the index', () => {
    const body = [decl('j', 'z', '_n0'), set(id('z'), n(0)), set(id('j'), n(0)), set(id('_n0'), n(0)),
      { k: 'while', cond: bin('<', id('j'), id('d')), body: [set(id('z'), bin('+', id('z'), at('x', id('j')))), set(id('j'), bin('+', id('j'), n(1))), set(id('_n0'), n(1), '+=')] } as CStmt,
      { k: 'return', e: { k: 'array', items: [id('z'), id('_n0')] } } as CStmt];
    const out = sameBothWays(['x', 'd'], body, [() => [Float64Array.of(1, 2, 3), 3], () => [Float64Array.of(1, 2, 3), 0], () => [Float64Array.of(1, 2, 3), 2.5]]);
    expect(out).to.include('for (j = 0; j < d; j++)');
    expect(out).not.to.include('_n0 += 1');
  });
});

describe('issue 16: the softmax gradient reads like the hand-written one', () => {
  const file = path.join(repoRoot, 'test', 'golden', 'softmax.ts');

  it('optimized: nested expressions, for loops, one accumulation per weight; with optimize false as the sweeps produce it', () => {
    const tidied = [...compile([file]).generated.values()].join('\n');
    expect(tidied).to.include('z += theta[k * d + j] * X[i * d + j];');
    expect(tidied).to.include('theta_b[k * d + j] += z_b * X[i * d + j];');
    expect(tidied).to.include('for (j = 0; j < d; j++)');
    expect(tidied).not.to.match(/while \(/);
    expect(tidied).not.to.match(/_t\d+ = k \* d/);
    const plain = [...compile([file], { optimize: false }).generated.values()].join('\n');
    expect(plain).to.match(/_t\d+ = k \* d;/);
  });
});

describe('issue 16: tidied and untidied code agree bit for bit on random programs (tidyExact.ts)', () => {
  it('30 programs of the core subset (seeds 1…30), on random arguments and on ones with ±0 among them', () => {
    const found = compareTidy(programs(1, 30));
    expect(found.map((d) => `seed ${d.program.seed} ${d.transform}: ${d.detail}`)).to.deep.equal([]);
  });

  it('10 programs with the supported idioms (seeds 500…509)', () => {
    const found = compareTidy(Array.from({ length: 10 }, (_, i) => generateWithIdioms(500 + i, `p${500 + i}`, supportedIdioms)));
    expect(found.map((d) => `seed ${d.program.seed} ${d.transform}: ${d.detail}`)).to.deep.equal([]);
  });
});
