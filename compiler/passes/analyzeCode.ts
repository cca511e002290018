/**
 * Facts about the emitted code tree (code.ts) that tidyCode.ts needs to move and remove code
 * without changing a bit of what it computes. Analyses only: nothing here rewrites.
 *
 *   effects        what evaluating an expression or a statement reads and writes: locals, the heap
 *                  (array elements, fields), the tape's stacks; calls of unknown effect
 *   liveness       the locals read later, after each statement
 *   knownZero      the locals that hold +0 before an accumulation (`_t6_b += z_b` after `_t6_b = 0`)
 *   neverNegZero   the locals, and arrays' elements, that never hold -0 (adjoint accumulators)
 *
 * The last two exist for the sign of zero: `t_b += e` on a t_b known to be +0 leaves `0 + e`, which
 * is e except when e is -0. Where that value only ever reaches `acc += …` of an accumulator that is
 * never -0 itself (through `*`, `+`, `-`), the sign cannot show: acc ± (+0) and acc ± (-0) are the
 * same number when acc is not -0. That is what lets `_t6_b += z_b; theta_b[k] += _t6_b * x` become
 * `theta_b[k] += z_b * x` and stay bit for bit what it was.
 */
import { type CExpr, type CStmt, identifiers } from '../code.js';
import { runtimeNamespace } from '../naming.js';

/** The function's locals (parameters and every `let`), and the name of its tape, if any. */
export interface CodeScope {
  readonly locals: ReadonlySet<string>;
  readonly tape?: string;
}

/** What evaluating some code may do, as far as moving it past other code or removing it goes. */
export interface Effects {
  readonly reads: Set<string>;
  readonly writes: Set<string>;
  heapRead: boolean;
  heapWrite: boolean;
  tapeRead: boolean;
  tapeWrite: boolean;
  /** A call or `new` whose effects are unknown here (it may write anything, or throw): never moved, never removed. */
  opaque: boolean;
  /** A `break` out of the code, or a `return`: control may leave without reaching what follows. */
  exits: boolean;
}

export const noEffects = (): Effects => ({ reads: new Set(), writes: new Set(), heapRead: false, heapWrite: false, tapeRead: false, tapeWrite: false, opaque: false, exits: false });

export function addEffects(into: Effects, e: Effects): Effects {
  for (const r of e.reads) into.reads.add(r);
  for (const w of e.writes) into.writes.add(w);
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
const arrayCtors = new Set(['Float64Array', 'Float32Array', 'Int32Array', 'Int16Array', 'Int8Array', 'Uint32Array', 'Uint16Array', 'Uint8Array', 'Array']);

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
function copyCall(callee: CExpr, scope: CodeScope): boolean {
  if (callee.k !== 'member' || callee.obj.k !== 'id' || scope.locals.has(callee.obj.name)) return false;
  return (callee.prop === 'from' && arrayCtors.has(callee.obj.name)) || (callee.obj.name === runtimeNamespace && callee.prop === 'copyOf');
}

function setOpaque(out: Effects): void {
  out.opaque = out.heapRead = out.heapWrite = out.tapeRead = out.tapeWrite = true;
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
      // a property of a global (Math.PI, __tsgrad.zerosLike) is a constant; of a value, a heap read
      if (e.obj.k === 'id' && !scope.locals.has(e.obj.name)) break;
      exprEffects(e.obj, scope, out);
      out.heapRead = true;
      break;
    case 'index':
      exprEffects(e.obj, scope, out);
      exprEffects(e.index, scope, out);
      out.heapRead = true;
      break;
    case 'call':
      if (tapeCall(e.callee, scope)) {
        out.reads.add(scope.tape!);
        out.tapeRead = out.tapeWrite = true;
      } else if (!mathCall(e.callee, scope)) {
        exprEffects(e.callee, scope, out);
        if (copyCall(e.callee, scope)) out.heapRead = true;
        else setOpaque(out);
      }
      e.args.forEach((a) => exprEffects(a, scope, out));
      break;
    case 'new':
      e.args.forEach((a) => exprEffects(a, scope, out));
      // a typed array or Array: allocated, maybe copied from its argument
      if (e.callee.k === 'id' && arrayCtors.has(e.callee.name) && !scope.locals.has(e.callee.name)) out.heapRead = true;
      else setOpaque(out);
      break;
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
  }
  if (s.op !== '=') out.heapRead = true;
  out.heapWrite = true;
  return out;
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
  if (e.opaque) return !m.heapRead && !m.heapWrite && !m.tapeRead && !m.tapeWrite && !m.opaque;
  if (m.opaque && (e.heapRead || e.tapeRead)) return false;
  if ((e.heapRead && m.heapWrite) || (e.heapWrite && (m.heapRead || m.heapWrite))) return false;
  return !((e.tapeRead && m.tapeWrite) || (e.tapeWrite && (m.tapeRead || m.tapeWrite)));
}

/** Whether code with effects `e` can be dropped when the value it computes is not needed. */
export const removable = (e: Effects): boolean => !e.opaque && !e.tapeRead && !e.tapeWrite && !e.heapWrite && e.writes.size === 0 && !e.exits;

// ── liveness ──────────────────────────────────────────────────────────────────────────────────

/** The locals an expression reads. */
const readsOf = (e: CExpr | undefined, out: Set<string>): Set<string> => (e ? identifiers(e, out) : out);

/**
 * For each statement, the locals that may be read after it before being written again; for a
 * `break`, those live where the loop exits.
 */
export function liveness(body: readonly CStmt[]): Map<CStmt, ReadonlySet<string>> {
  const liveOut = new Map<CStmt, ReadonlySet<string>>();
  const block = (stmts: readonly CStmt[], out: ReadonlySet<string>, exit: ReadonlySet<string>): Set<string> => {
    let live = new Set(out);
    for (let i = stmts.length - 1; i >= 0; i--) {
      liveOut.set(stmts[i], live);
      live = stmt(stmts[i], live, exit);
    }
    return live;
  };
  const loop = (cond: CExpr | undefined, update: CExpr | undefined, body: readonly CStmt[], out: ReadonlySet<string>): Set<string> => {
    // live at the test: what the exit needs (if there is a test), the test, and the body's own
    let head = new Set<string>(cond ? [...out, ...readsOf(cond, new Set())] : []);
    for (;;) {
      const beforeUpdate = readsOf(update, new Set(head));
      const next = new Set(block(body, beforeUpdate, out));
      for (const x of head) next.add(x);
      if (next.size === head.size) return head;
      head = next;
    }
  };
  const stmt = (s: CStmt, out: Set<string>, exit: ReadonlySet<string>): Set<string> => {
    switch (s.k) {
      case 'assign': {
        const live = new Set(out);
        if (s.target.k === 'id') {
          if (s.op === '=') live.delete(s.target.name);
        } else {
          readsOf(s.target, live);
        }
        if (s.target.k === 'id' && s.op !== '=') live.add(s.target.name);
        return readsOf(s.value, live);
      }
      case 'let': {
        let live = new Set(out);
        for (let i = s.decls.length - 1; i >= 0; i--) {
          live.delete(s.decls[i].name);
          live = readsOf(s.decls[i].init, live);
        }
        return live;
      }
      case 'expr':
        return readsOf(s.e, new Set(out));
      case 'return':
        return readsOf(s.e, new Set());
      case 'break':
        return new Set(exit);
      case 'comment':
        return out;
      case 'if':
        return readsOf(s.cond, new Set([...block(s.then, out, exit), ...block(s.else, out, exit)]));
      case 'while':
        return loop(s.cond, undefined, s.body, out);
      case 'for': {
        const head = loop(s.cond, s.update, s.body, out);
        if (!s.init) return head;
        liveOut.set(s.init, head);
        return stmt(s.init, new Set(head), exit);
      }
    }
  };
  block(body, new Set(), new Set());
  return liveOut;
}

// ── known zero ────────────────────────────────────────────────────────────────────────────────

const isPositiveZero = (e: CExpr | undefined): boolean => e?.k === 'num' && e.value === 0 && !Object.is(e.value, -0);

/** Locals an expression writes (`i++`). */
function postfixWrites(e: CExpr | undefined, out: Set<string>): void {
  if (!e) return;
  if (e.k === 'postfix') out.add(e.name);
  else for (const c of childrenOf(e)) postfixWrites(c, out);
}

function childrenOf(e: CExpr): readonly CExpr[] {
  switch (e.k) {
    case 'bin':
      return [e.a, e.b];
    case 'un':
      return [e.a];
    case 'cond':
      return [e.c, e.a, e.b];
    case 'call':
    case 'new':
      return [e.callee, ...e.args];
    case 'member':
      return [e.obj];
    case 'index':
      return [e.obj, e.index];
    case 'array':
      return e.items;
    case 'object':
      return e.props.map((p) => p.value);
    case 'await':
      return [e.e];
    default:
      return [];
  }
}

type Zeros = ReadonlySet<string> | null; // null: not reached

const meet = (a: Zeros, b: Zeros): Zeros => (a === null ? b : b === null ? a : new Set([...a].filter((x) => b.has(x))));
const sameZeros = (a: Zeros, b: Zeros): boolean => (a === null || b === null ? a === b : a.size === b.size && [...a].every((x) => b.has(x)));

/**
 * Before each `x += e` / `x -= e` of a local, the locals certainly holding +0 there: set to the
 * literal 0 (or from one that holds it) on every path, not written since.
 */
export function knownZero(body: readonly CStmt[]): Map<CStmt, ReadonlySet<string>> {
  const before = new Map<CStmt, ReadonlySet<string>>();
  let breaks: Zeros[] = [];
  const expr = (e: CExpr | undefined, z: Zeros): Zeros => {
    if (z === null || !e) return z;
    const w = new Set<string>();
    postfixWrites(e, w);
    if (w.size === 0) return z;
    return new Set([...z].filter((x) => !w.has(x)));
  };
  const block = (stmts: readonly CStmt[], z: Zeros): Zeros => {
    for (const s of stmts) z = stmt(s, z);
    return z;
  };
  const loop = (cond: CExpr | undefined, update: CExpr | undefined, body: readonly CStmt[], entry: Zeros): Zeros => {
    const outer = breaks;
    let head = entry;
    for (;;) {
      breaks = [];
      const test = expr(cond, head);
      const end = expr(update, block(body, test));
      const next = meet(entry, end);
      if (sameZeros(next, head)) {
        const exits = breaks.reduce<Zeros>((a, b) => meet(a, b), cond ? test : null);
        breaks = outer;
        return exits;
      }
      head = next;
    }
  };
  const stmt = (s: CStmt, z: Zeros): Zeros => {
    if (z === null) return null;
    switch (s.k) {
      case 'assign': {
        const t = s.target;
        z = expr(s.value, expr(t, z));
        if (t.k !== 'id' || z === null) return z;
        if (s.op !== '=') before.set(s, z);
        const next = new Set(z);
        const zero = s.op === '=' && (isPositiveZero(s.value) || (s.value.k === 'id' && z.has(s.value.name)));
        if (zero) next.add(t.name);
        else next.delete(t.name);
        return next;
      }
      case 'let': {
        let next: Zeros = z;
        for (const d of s.decls) {
          next = expr(d.init, next);
          if (next === null) return null;
          const n = new Set(next);
          if (isPositiveZero(d.init)) n.add(d.name);
          else n.delete(d.name);
          next = n;
        }
        return next;
      }
      case 'expr':
        return expr(s.e, z);
      case 'return':
        return null;
      case 'break':
        breaks.push(z);
        return null;
      case 'comment':
        return z;
      case 'if': {
        const c = expr(s.cond, z);
        return meet(block(s.then, c), block(s.else, c));
      }
      case 'while':
        return loop(s.cond, undefined, s.body, z);
      case 'for':
        return loop(s.cond, s.update, s.body, s.init ? stmt(s.init, z) : z);
    }
  };
  block(body, new Set());
  return before;
}

// ── never negative zero ───────────────────────────────────────────────────────────────────────

export interface NegZeroInfo {
  /** Locals that never hold -0, and arrays (by the locals that hold them) whose elements never do. */
  readonly names: Set<string>;
  /** For each such local, the others whose membership rests on it (`g = p_b`: g on p_b). */
  readonly dependents: ReadonlyMap<string, ReadonlySet<string>>;
}

/**
 * The locals that never hold -0, and the arrays whose elements never do: the largest set in which
 * every write keeps the property. `x += e` and `x -= e` keep it whatever e is (a sum is -0 only
 * when both terms are); `x = e` when e is never -0; an array is one allocated as zeros
 * (`new Float64Array(n)`) whose element stores are accumulations or never -0, and which never leaves
 * the function's sight (into a call, another array, the tape) except by `return`.
 */
export function neverNegZero(body: readonly CStmt[], scope: CodeScope, params: ReadonlySet<string>): NegZeroInfo {
  const names = new Set([...scope.locals].filter((x) => !params.has(x)));
  const writes: { target: string; value: CExpr | undefined; element: boolean; op: string }[] = [];
  const escapes = new Set<string>();
  /** [y, x]: x = y, by reference (an array held by both): y keeps the property only if x does. */
  const flows: [string, string][] = [];
  /** `to`: where e's value goes if it is a reference (an array): a local's name, 'escape', or nowhere (a primitive is made of it). */
  const visitExpr = (e: CExpr, to: string | undefined): void => {
    switch (e.k) {
      case 'id':
        if (to === escape) escapes.add(e.name);
        else if (to !== undefined) flows.push([e.name, to]);
        return;
      case 'cond':
        visitExpr(e.c, undefined);
        visitExpr(e.a, to);
        visitExpr(e.b, to);
        return;
      case 'bin': {
        // && and || give one of their operands; arithmetic and comparisons give primitives
        const passes = e.op === '&&' || e.op === '||' ? to : undefined;
        visitExpr(e.a, passes);
        visitExpr(e.b, passes);
        return;
      }
      case 'call': {
        const tape = tapeCall(e.callee, scope);
        // Math and copies take values; the tape's number stacks copy them; anything else may keep a reference
        const byValue = mathCall(e.callee, scope) || copyCall(e.callee, scope) || (tape && e.callee.k === 'member' && e.callee.obj.k === 'member' && e.callee.obj.prop !== 'refs');
        if (!tape) visitExpr(e.callee, escape);
        e.args.forEach((a) => visitExpr(a, byValue ? undefined : escape));
        return;
      }
      case 'new':
      case 'array':
      case 'object':
      case 'await':
        for (const c of childrenOf(e)) visitExpr(c, escape);
        return;
      default:
        for (const c of childrenOf(e)) visitExpr(c, undefined);
    }
  };
  // what the function returns leaves it: what the caller does with it comes after
  const returned = (e: CExpr): void => {
    if (e.k === 'array' || e.k === 'object') childrenOf(e).forEach(returned);
    else visitExpr(e, undefined);
  };
  const visit = (stmts: readonly CStmt[]): void => {
    for (const s of stmts) {
      switch (s.k) {
        case 'let':
          for (const d of s.decls) {
            writes.push({ target: d.name, value: d.init, element: false, op: '=' });
            if (d.init) visitExpr(d.init, d.name);
          }
          break;
        case 'assign': {
          const t = s.target;
          if (t.k === 'id') {
            writes.push({ target: t.name, value: s.value, element: false, op: s.op });
            visitExpr(s.value, s.op === '=' ? t.name : undefined);
            break;
          }
          if (t.k === 'index' && t.obj.k === 'id') writes.push({ target: t.obj.name, value: s.value, element: true, op: s.op });
          else visitExpr(t.k === 'index' || t.k === 'member' ? t.obj : t, escape); // a row's or a field's element: the container escapes
          if (t.k === 'index') visitExpr(t.index, undefined);
          visitExpr(s.value, escape);
          break;
        }
        case 'expr':
          visitExpr(s.e, escape);
          break;
        case 'return':
          returned(s.e);
          break;
        case 'if':
          visitExpr(s.cond, undefined);
          visit(s.then);
          visit(s.else);
          break;
        case 'for':
          if (s.init) visit([s.init]);
          if (s.cond) visitExpr(s.cond, undefined);
          if (s.update) visitExpr(s.update, undefined);
          visit(s.body);
          break;
        case 'while':
          visitExpr(s.cond, undefined);
          visit(s.body);
          break;
      }
    }
  };
  visit(body);
  for (const x of escapes) names.delete(x);
  // a local holds zeros: new Float64Array(n) (n a number, not an array to copy), new Array(n).fill(0), [1, 2]
  const fresh = (e: CExpr): boolean => {
    if (e.k === 'new') return e.callee.k === 'id' && e.callee.name === 'Float64Array' && e.args.length === 1 && primitive(e.args[0]);
    if (e.k === 'call' && e.callee.k === 'member' && e.callee.prop === 'fill' && e.callee.obj.k === 'new') {
      const made = e.callee.obj;
      return made.callee.k === 'id' && made.callee.name === 'Array' && made.args.length === 1 && primitive(made.args[0]) && e.args.length === 1 && isNumberNotNegZero(e.args[0]);
    }
    return e.k === 'array' && e.items.every(isNumberNotNegZero);
  };
  let changed = true;
  while (changed) {
    changed = false;
    for (const w of writes) {
      if (!names.has(w.target)) continue;
      // an element: only a number is stored (a stored array would escape), so fresh() does not apply
      const ok = w.op !== '=' || w.value === undefined || (!w.element && fresh(w.value)) || notNegZero(w.value, names);
      if (!ok) {
        names.delete(w.target);
        changed = true;
      }
    }
    for (const [y, x] of flows) {
      if (names.has(y) && !names.has(x)) {
        names.delete(y);
        changed = true;
      }
    }
  }
  const dependents = new Map<string, Set<string>>();
  for (const w of writes) {
    if (w.element || w.op !== '=' || !w.value || !names.has(w.target)) continue;
    for (const o of identifiers(w.value)) {
      if (!dependents.has(o)) dependents.set(o, new Set());
      dependents.get(o)!.add(w.target);
    }
  }
  return { names, dependents };
}

const escape = '\0escape';

const isNumberNotNegZero = (e: CExpr): boolean => (e.k === 'num' && !Object.is(e.value, -0)) || e.k === 'bool';

/** An expression whose value is a primitive (so `new Float64Array(it)` allocates zeros). */
function primitive(e: CExpr): boolean {
  return e.k === 'num' || (e.k === 'member' && e.prop === 'length') || e.k === 'bin' || (e.k === 'un' && e.op === '-');
}

/** Whether `e`'s value is never -0, given locals (and arrays' elements) `names` never are. */
export function notNegZero(e: CExpr, names: ReadonlySet<string>): boolean {
  switch (e.k) {
    case 'num':
      return !Object.is(e.value, -0);
    case 'bool':
    case 'str':
      return true;
    case 'id':
      return names.has(e.name);
    case 'bin':
      if (e.op === '+') return notNegZero(e.a, names) || notNegZero(e.b, names);
      if (e.op === '-') return notNegZero(e.a, names);
      // comparisons give booleans, bit operations int32s
      return ['<', '<=', '>', '>=', '===', '!==', '|', '&', '^', '<<', '>>', '>>>'].includes(e.op);
    case 'un':
      return e.op === '!';
    case 'cond':
      return notNegZero(e.a, names) && notNegZero(e.b, names);
    case 'member':
      return e.prop === 'length';
    case 'index':
      return e.obj.k === 'id' && names.has(e.obj.name);
    default:
      return false;
  }
}
