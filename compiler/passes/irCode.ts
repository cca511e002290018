/**
 * IR → code, the pieces every emitting pass shares (reverseMode, emitPrimal, checkpointLoops,
 * lowerKernels, adjointKernels): atoms and primal expressions as code, loops as code, locals'
 * initial values, zero arrays. Below the passes, so they import it and not each other.
 */
import { assign, call, type CExpr, comment, cond, type CStmt, id, index, member, n } from '../code.js';
import { type Atom, type Callee, type Expr, type IRFunction, type Loop, type Stmt, storedArrays, type Var } from '../ir.js';
import { runtimeNamespace } from '../naming.js';

/** What a local is declared with: 0, false, or nothing for an array. */
export function initialValue(v: Var): CExpr | undefined {
  return v.kind === 'num' ? n(0) : v.kind === 'bool' ? { k: 'bool', value: false } : undefined;
}

/** The loop's `pre` when it is only the test `t = <expr>` of `cond`. */
export function testOnly(loop: Loop): (Stmt & { k: 'assign' }) | undefined {
  const [test] = loop.pre;
  return loop.pre.length === 1 && test.k === 'assign' && loop.cond.k === 'var' && test.target === loop.cond.v ? test : undefined;
}

/**
 * A loop as code: `while (<test>)` when the test can be inlined (`test`), `while (cond)` when `pre`
 * is empty, else `for (;;) { pre; if (!cond) break; inner }`.
 */
export function loopStatement(loop: Loop, test: (Stmt & { k: 'assign' }) | undefined, pre: CStmt[], inner: CStmt[]): CStmt {
  if (test) return { k: 'while', cond: primal(test.expr), body: inner };
  if (pre.length === 0) return { k: 'while', cond: atom(loop.cond), body: inner };
  const exit: CStmt = { k: 'if', cond: { k: 'un', op: '!', a: atom(loop.cond) }, then: [{ k: 'break' }], else: [] };
  return { k: 'for', body: [...pre, exit, ...inner] };
}

export function atom(a: Atom): CExpr {
  if (a.k === 'var') return a.v.use ? { k: 'id', name: a.v.name, original: a.v.use } : id(a.v.name);
  if (typeof a.value === 'string') return { k: 'str', value: a.value };
  return typeof a.value === 'boolean' ? { k: 'bool', value: a.value } : n(a.value);
}

export function calleeOf(c: Callee): CExpr {
  if (c.runtime) return member(id(runtimeNamespace), c.name);
  return c.use ? { k: 'id', name: c.name, original: c.use } : id(c.name);
}

/** `arr[index]`, or `arr[index][sub]`, of an array or its adjoint. */
export function elementOf(arr: CExpr, at: { readonly index: Atom; readonly sub?: Atom }): CExpr {
  const row = index(arr, atom(at.index));
  return at.sub ? index(row, atom(at.sub)) : row;
}

/** Zeros shaped like an object or an array of objects, in their own types (runtime/values.ts). */
export const zerosLike = (value: CExpr): CExpr => call(member(id(runtimeNamespace), 'zerosLike'), value);

export const zeros = (length: CExpr): CExpr => ({ k: 'new', callee: id('Float64Array'), args: [length] });

/** The primal expression, as code. */
export function primal(e: Expr): CExpr {
  switch (e.k) {
    case 'atom':
      return atom(e.a);
    case 'bin':
      return { k: 'bin', op: e.op, a: atom(e.a), b: atom(e.b) };
    case 'un':
      return { k: 'un', op: e.op, a: atom(e.a) };
    case 'select':
      return cond(atom(e.c), atom(e.a), atom(e.b));
    case 'math':
      return call(member(id('Math'), e.fn), ...e.args.map(atom));
    case 'load':
      return elementOf(atom({ k: 'var', v: e.arr }), e);
    case 'length':
      return member(atom({ k: 'var', v: e.arr }), 'length');
    case 'field':
      return member(atom({ k: 'var', v: e.obj }), e.name);
    case 'userCall':
      return call(id(e.fn.companion('primal')), ...e.args.map(atom));
    case 'call':
      return call(calleeOf(e.callee), ...e.args.map(atom));
    case 'custom':
      return atom(e.value);
    case 'newArray': {
      const made: CExpr = { k: 'new', callee: id(e.ctor), args: [atom(e.length)] };
      const zeroFill = e.fill.k === 'const' && e.fill.value === 0 && e.ctor !== 'Array';
      return zeroFill ? made : call(member(made, 'fill'), atom(e.fill));
    }
  }
}

/**
 * `v = <newArray e>` for a private array (analyzeBuffers.ts), whose old array is dead: the old
 * one again when it has the length wanted (refilled unless every element is written next).
 *
 *   k1 = k1 !== undefined && k1.length === n ? k1 : new Array(n).fill(0);
 */
export function reuseArray(v: Var, e: Expr & { k: 'newArray' }): CExpr {
  const same: CExpr = { k: 'bin', op: '&&', a: { k: 'bin', op: '!==', a: id(v.name), b: id('undefined') }, b: { k: 'bin', op: '===', a: member(id(v.name), 'length'), b: atom(e.length) } };
  return { k: 'cond', c: same, a: e.written ? id(v.name) : call(member(id(v.name), 'fill'), atom(e.fill)), b: primal(e) };
}

/**
 * Inputs are never written by a derivative: each array parameter that `fn` stores into is replaced,
 * on entry, by a copy in its declared type (a Float32Array stays a Float32Array, so stores round as
 * in f; a tangent is a Float64Array, whatever array the caller passed). Arrays only read are not
 * copied. Used by every generated derivative (reverse mode here, jvp in pipeline.ts).
 *
 *   a = Array.from(a);                  // a number[] f writes into
 *   a_dot = Float64Array.from(a_dot);   // its tangent, where the tangent program writes (hvp's v)
 */
export function copyWrittenParams(fn: IRFunction): CStmt[] {
  const stored = storedArrays(fn.body);
  const written = fn.params.filter((p) => stored.has(p.v)).map((p) => p.v);
  if (written.length === 0) return [];
  return [comment('arrays written below: copies, so the caller\'s stay as they were'), ...written.map((v) => assign(id(v.name), copyOf(v)))];
}

/** A fresh copy of array `v`; integer arrays (any Int*Array/Uint*Array) by their own `slice`. */
function copyOf(v: Var): CExpr {
  if (v.arrayType === 'f64') return call(member(id('Float64Array'), 'from'), id(v.name));
  if (v.arrayType === 'f32') return call(member(id('Float32Array'), 'from'), id(v.name));
  if (v.arrayType === 'numarr') return call(member(id('Array'), 'from'), id(v.name));
  return call(member(id(v.name), 'slice'));
}
