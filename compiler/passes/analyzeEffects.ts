/**
 * What evaluating a piece of the emitted code tree (code.ts) does, as far as moving it past other
 * code or removing it goes (tidyCode.ts): the locals it reads and writes, the heap (elements and
 * fields), the elements of the function's own arrays (analyzeArrays.ts's privateArrays, one heap
 * per group), the tape's stacks, calls of unknown effect, and whether control may leave. Analyses
 * only: nothing here rewrites.
 *
 *   _t0 = a[i];  tape.floats.push(p);  b_b[i] += g    (b_b one of the function's own arrays)
 *   reads a, i, the heap; writes _t0        reads p, the tape; writes it     reads and writes b_b's group
 */
import { type CExpr, type CStmt, fillOf } from '../code.js';
import { runtimeNamespace } from '../naming.js';

/** The function's locals (parameters and every `let`), and the name of its tape, if any. */
export interface CodeScope {
  readonly locals: ReadonlySet<string>;
  readonly tape?: string;
  /**
   * Arrays only this function can reach (privateArrays): each local holding one, with the group of
   * locals that may hold the same one. Their elements are a heap of their own, per group.
   */
  readonly privates?: ReadonlyMap<string, string>;
  /** Locals declared inside a block (`const _s = …` in a branch): values reading them stay in their block. */
  readonly scoped?: ReadonlySet<string>;
}

/** What evaluating some code may do, as far as moving it past other code or removing it goes. */
export interface Effects {
  readonly reads: Set<string>;
  readonly writes: Set<string>;
  /** Elements and fields of arrays and objects others can see. */
  heapRead: boolean;
  heapWrite: boolean;
  /** Elements of private arrays, by group (CodeScope.privates). */
  readonly privateReads: Set<string>;
  readonly privateWrites: Set<string>;
  tapeRead: boolean;
  tapeWrite: boolean;
  /** A call or `new` whose effects are unknown here (it may write anything, or throw): never moved, never removed. */
  opaque: boolean;
  /** A `break` out of the code, or a `return`: control may leave without reaching what follows. */
  exits: boolean;
}

export const noEffects = (): Effects => ({
  reads: new Set(), writes: new Set(), heapRead: false, heapWrite: false, privateReads: new Set(), privateWrites: new Set(), tapeRead: false, tapeWrite: false, opaque: false, exits: false,
});

export function addEffects(into: Effects, e: Effects): Effects {
  for (const r of e.reads) into.reads.add(r);
  for (const w of e.writes) into.writes.add(w);
  for (const r of e.privateReads) into.privateReads.add(r);
  for (const w of e.privateWrites) into.privateWrites.add(w);
  into.heapRead ||= e.heapRead;
  into.heapWrite ||= e.heapWrite;
  into.tapeRead ||= e.tapeRead;
  into.tapeWrite ||= e.tapeWrite;
  into.opaque ||= e.opaque;
  into.exits ||= e.exits;
  return into;
}

export const copyEffects = (e: Effects): Effects => addEffects(noEffects(), e);

const mathImpure = new Set(['random']);
export const arrayCtors: ReadonlySet<string> = new Set(['Float64Array', 'Float32Array', 'Int32Array', 'Int16Array', 'Int8Array', 'Uint32Array', 'Uint16Array', 'Uint8Array', 'Array']);

/** `tape.floats.push`, `tape.ints.pop`, `tape.refs.push`, …, `tape.mark`: keep in sync with runtime/tape.ts. */
export function tapeCall(callee: CExpr, scope: CodeScope): boolean {
  if (!scope.tape || callee.k !== 'member') return false;
  const o = callee.obj;
  if (o.k === 'id') return o.name === scope.tape && (callee.prop === 'mark' || callee.prop === 'reset');
  return o.k === 'member' && o.obj.k === 'id' && o.obj.name === scope.tape && ['floats', 'ints', 'refs'].includes(o.prop) && (callee.prop === 'push' || callee.prop === 'pop');
}

/** `Math.exp`, … : a pure function of numbers. */
export function mathCall(callee: CExpr, scope: CodeScope): boolean {
  return callee.k === 'member' && callee.obj.k === 'id' && callee.obj.name === 'Math' && !scope.locals.has('Math') && !mathImpure.has(callee.prop);
}

/** `Float64Array.from(a)`, `Array.from(a)`, `__tsgrad.copyOf(a)`: a fresh copy, nothing written. */
export function copyCall(callee: CExpr, scope: CodeScope): boolean {
  if (callee.k !== 'member' || callee.obj.k !== 'id' || scope.locals.has(callee.obj.name)) return false;
  return (callee.prop === 'from' && arrayCtors.has(callee.obj.name)) || (callee.obj.name === runtimeNamespace && callee.prop === 'copyOf');
}

/** The array `e` fills, where it is `a.fill(v)` of a local array or `new Array(n).fill(v)`: tsgrad's own fills. */
function filledArray(e: CExpr, scope: CodeScope): CExpr | undefined {
  const o = fillOf(e)?.obj;
  if (o === undefined) return undefined;
  return (o.k === 'id' && scope.locals.has(o.name)) || (o.k === 'new' && o.callee.k === 'id' && arrayCtors.has(o.callee.name) && !scope.locals.has(o.callee.name)) ? o : undefined;
}

/** An unknown call: it can reach anything but private arrays (which never go into calls). */
function setOpaque(out: Effects): void {
  out.opaque = out.heapRead = out.heapWrite = out.tapeRead = out.tapeWrite = true;
}

/** Reading an element or a field of `obj` (its evaluation not included). */
export function accessEffects(obj: CExpr, scope: CodeScope, out: Effects, write = false): Effects {
  const group = obj.k === 'id' ? scope.privates?.get(obj.name) : undefined;
  if (group !== undefined) (write ? out.privateWrites : out.privateReads).add(group);
  else if (write) out.heapWrite = true;
  // a property of a global (Math.PI, __tsgrad.zerosLike) is a constant
  else if (obj.k !== 'id' || scope.locals.has(obj.name)) out.heapRead = true;
  return out;
}

/** The effects of evaluating `e`, added to `out`. */
export function exprEffects(e: CExpr, scope: CodeScope, out: Effects = noEffects()): Effects {
  switch (e.k) {
    case 'id':
      if (scope.locals.has(e.name)) out.reads.add(e.name);
      break;
    case 'postfix':
      out.reads.add(e.name);
      out.writes.add(e.name);
      break;
    case 'bin':
      exprEffects(e.a, scope, out);
      exprEffects(e.b, scope, out);
      break;
    case 'un':
      exprEffects(e.a, scope, out);
      break;
    case 'cond':
      exprEffects(e.c, scope, out);
      exprEffects(e.a, scope, out);
      exprEffects(e.b, scope, out);
      break;
    case 'member':
      exprEffects(e.obj, scope, out);
      accessEffects(e.obj, scope, out);
      break;
    case 'index':
      exprEffects(e.obj, scope, out);
      exprEffects(e.index, scope, out);
      accessEffects(e.obj, scope, out);
      break;
    case 'call':
    case 'new': {
      const filled = filledArray(e, scope);
      if (e.k === 'call' && tapeCall(e.callee, scope)) {
        out.reads.add(scope.tape!);
      } else if (filled) {
        // (the array's `fill` method is not one of its elements)
        exprEffects(filled, scope, out);
      } else if (!(e.k === 'call' && mathCall(e.callee, scope))) {
        exprEffects(e.callee, scope, out);
      }
      e.args.forEach((a) => exprEffects(a, scope, out));
      callEffects(e, scope, out);
      break;
    }
    case 'array':
      e.items.forEach((x) => exprEffects(x, scope, out));
      break;
    case 'object':
      e.props.forEach((p) => exprEffects(p.value, scope, out));
      break;
    case 'await':
      exprEffects(e.e, scope, out);
      setOpaque(out);
      break;
  }
  return out;
}

/** What a call or `new` does itself, once its callee and arguments are evaluated. */
export function callEffects(e: CExpr & { k: 'call' | 'new' }, scope: CodeScope, out: Effects): Effects {
  const filled = filledArray(e, scope);
  if (e.k === 'call' && tapeCall(e.callee, scope)) {
    out.tapeRead = out.tapeWrite = true;
  } else if (e.k === 'call' && mathCall(e.callee, scope)) {
    // pure
  } else if (e.k === 'call' ? copyCall(e.callee, scope) : e.callee.k === 'id' && arrayCtors.has(e.callee.name) && !scope.locals.has(e.callee.name)) {
    // a fresh array, maybe copied from its argument
    for (const a of e.args) accessEffects(a, scope, out);
  } else if (filled) {
    // every element written: of a local array (generated code fills only arrays), or of a fresh one
    if (filled.k === 'id') accessEffects(filled, scope, out, true);
  } else {
    setOpaque(out);
  }
  return out;
}

/** The effects of an assignment's target: what it evaluates (`a[i]`: a, i) and what it writes. */
export function targetEffects(s: CStmt & { k: 'assign' }, scope: CodeScope, out: Effects): Effects {
  const t = s.target;
  if (t.k === 'id') {
    if (s.op !== '=') out.reads.add(t.name);
    out.writes.add(t.name);
    return out;
  }
  if (t.k === 'index') {
    exprEffects(t.obj, scope, out);
    exprEffects(t.index, scope, out);
  } else if (t.k === 'member') {
    exprEffects(t.obj, scope, out);
  } else {
    setOpaque(out);
    return out;
  }
  if (s.op !== '=') accessEffects(t.obj, scope, out);
  return accessEffects(t.obj, scope, out, true);
}

/**
 * The effects of running statements, cached per statement object (tidyCode.ts only ever removes
 * statements from inside a cached one, or replaces them by ones with the same effects or fewer, so
 * a cached summary stays an over-approximation).
 */
export class EffectsOf {
  private readonly cache = new WeakMap<CStmt, Effects>();

  constructor(readonly scope: CodeScope) {}

  stmt(s: CStmt): Effects {
    let e = this.cache.get(s);
    if (!e) {
      e = this.compute(s, 0);
      this.cache.set(s, e);
    }
    return e;
  }

  block(stmts: readonly CStmt[], out: Effects = noEffects()): Effects {
    for (const s of stmts) addEffects(out, this.stmt(s));
    return out;
  }

  private compute(s: CStmt, loops: number): Effects {
    const out = noEffects();
    const scope = this.scope;
    const inner = (b: readonly CStmt[], l: number): void => {
      for (const x of b) addEffects(out, l === 0 ? this.stmt(x) : this.compute(x, l));
    };
    switch (s.k) {
      case 'let':
        for (const d of s.decls) {
          if (d.init) exprEffects(d.init, scope, out);
          out.writes.add(d.name);
        }
        break;
      case 'assign':
        targetEffects(s, scope, out);
        exprEffects(s.value, scope, out);
        break;
      case 'expr':
        exprEffects(s.e, scope, out);
        break;
      case 'return':
        exprEffects(s.e, scope, out);
        out.exits = true;
        break;
      case 'break':
        // a break inside a loop of the statement stays inside it
        if (loops === 0) out.exits = true;
        break;
      case 'if':
        exprEffects(s.cond, scope, out);
        inner(s.then, loops);
        inner(s.else, loops);
        break;
      case 'for':
        if (s.init) addEffects(out, this.compute(s.init, loops));
        if (s.cond) exprEffects(s.cond, scope, out);
        if (s.update) exprEffects(s.update, scope, out);
        inner(s.body, loops + 1);
        break;
      case 'while':
        exprEffects(s.cond, scope, out);
        inner(s.body, loops + 1);
        break;
      case 'comment':
        break;
    }
    return out;
  }
}

/** Locals named in code (read or written), nested blocks included. */
export const mentions = (e: Effects, name: string): boolean => e.reads.has(name) || e.writes.has(name);

/**
 * Whether `e`, evaluated before code with effects `m`, gives the same values and has the same
 * effects when evaluated after it instead (and `m` too): the test for moving a temporary's
 * definition down to its use.
 */
export function canMovePast(e: Effects, m: Effects): boolean {
  if (e.writes.size > 0 || m.exits) return false;
  for (const r of e.reads) if (m.writes.has(r)) return false;
  // private arrays before the opaque case: a call in e reaches no private array, but e's own reads
  // of one do (fuzz seed 925302: `p1_b[j4] * c2(…)` moved past `p1_b[j4] = 0`)
  for (const g of e.privateReads) if (m.privateWrites.has(g)) return false;
  for (const g of e.privateWrites) if (m.privateReads.has(g) || m.privateWrites.has(g)) return false;
  if (e.opaque) return !m.heapRead && !m.heapWrite && !m.tapeRead && !m.tapeWrite && !m.opaque;
  if (m.opaque && (e.heapRead || e.tapeRead)) return false;
  if ((e.heapRead && m.heapWrite) || (e.heapWrite && (m.heapRead || m.heapWrite))) return false;
  return !((e.tapeRead && m.tapeWrite) || (e.tapeWrite && (m.tapeRead || m.tapeWrite)));
}

/** Whether two pieces of code with effects `a` and `b` can run in either order with the same results. */
export function commute(a: Effects, b: Effects): boolean {
  if (a.exits || b.exits || ((a.opaque || b.opaque) && (a.heapRead || a.heapWrite || a.tapeRead || a.tapeWrite) && (b.heapRead || b.heapWrite || b.tapeRead || b.tapeWrite))) return false;
  const meets = (x: ReadonlySet<string>, y: ReadonlySet<string>): boolean => [...x].some((n) => y.has(n));
  if (meets(a.writes, b.reads) || meets(a.writes, b.writes) || meets(b.writes, a.reads)) return false;
  if ((a.heapWrite && (b.heapRead || b.heapWrite)) || (b.heapWrite && a.heapRead)) return false;
  if (meets(a.privateWrites, b.privateReads) || meets(a.privateWrites, b.privateWrites) || meets(b.privateWrites, a.privateReads)) return false;
  return !((a.tapeWrite && (b.tapeRead || b.tapeWrite)) || (b.tapeWrite && a.tapeRead));
}

/** Whether code with effects `e` can be dropped when the value it computes is not needed. */
export const removable = (e: Effects): boolean => !e.opaque && !e.tapeRead && !e.tapeWrite && !e.heapWrite && e.privateWrites.size === 0 && e.writes.size === 0 && !e.exits;
