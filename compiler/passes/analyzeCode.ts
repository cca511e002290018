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
import { type CExpr, children, type CStmt, identifiers, namesIn } from '../code.js';
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
    case 'new':
      if (e.k === 'call' && tapeCall(e.callee, scope)) {
        out.reads.add(scope.tape!);
      } else if (!(e.k === 'call' && mathCall(e.callee, scope))) {
        exprEffects(e.callee, scope, out);
      }
      e.args.forEach((a) => exprEffects(a, scope, out));
      callEffects(e, scope, out);
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

/** What a call or `new` does itself, once its callee and arguments are evaluated. */
export function callEffects(e: CExpr & { k: 'call' | 'new' }, scope: CodeScope, out: Effects): Effects {
  if (e.k === 'call' && tapeCall(e.callee, scope)) {
    out.tapeRead = out.tapeWrite = true;
  } else if (e.k === 'call' && mathCall(e.callee, scope)) {
    // pure
  } else if (e.k === 'call' ? copyCall(e.callee, scope) : e.callee.k === 'id' && arrayCtors.has(e.callee.name) && !scope.locals.has(e.callee.name)) {
    // a fresh array, maybe copied from its argument
    for (const a of e.args) accessEffects(a, scope, out);
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
  if (e.opaque) return !m.heapRead && !m.heapWrite && !m.tapeRead && !m.tapeWrite && !m.opaque;
  if (m.opaque && (e.heapRead || e.tapeRead)) return false;
  if ((e.heapRead && m.heapWrite) || (e.heapWrite && (m.heapRead || m.heapWrite))) return false;
  for (const g of e.privateReads) if (m.privateWrites.has(g)) return false;
  for (const g of e.privateWrites) if (m.privateReads.has(g) || m.privateWrites.has(g)) return false;
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

// ── sets of names, as bits ────────────────────────────────────────────────────────────────────

/** What liveness and knownZero answer with, per statement. */
export interface NameSet {
  has(name: string): boolean;
}

/** Bit sets over the names of one function (a few words each: copied freely, never edited once made). */
class Names {
  private readonly index = new Map<string, number>();
  readonly words: number;

  constructor(names: Iterable<string>) {
    for (const n of names) if (!this.index.has(n)) this.index.set(n, this.index.size);
    this.words = Math.max(1, Math.ceil(this.index.size / 32));
  }

  empty(): Bits {
    return new Bits(this, new Uint32Array(this.words));
  }

  bit(name: string): number | undefined {
    return this.index.get(name);
  }

  /** The bits of the names an expression reads. */
  reads(e: CExpr | undefined, into: Bits = this.empty()): Bits {
    if (!e) return into;
    let out = into;
    for (const n of identifiers(e)) out = out.with(n, true);
    return out;
  }
}

class Bits implements NameSet {
  constructor(readonly names: Names, readonly w: Uint32Array) {}

  has(name: string): boolean {
    const b = this.names.bit(name);
    return b !== undefined && (this.w[b >>> 5] & (1 << (b & 31))) !== 0;
  }

  /** With `name` in or out: this same set when that is already so. */
  with(name: string, present: boolean): Bits {
    const b = this.names.bit(name);
    if (b === undefined || this.has(name) === present) return this;
    const w = this.w.slice();
    w[b >>> 5] ^= 1 << (b & 31);
    return new Bits(this.names, w);
  }

  or(o: Bits): Bits {
    let w: Uint32Array | undefined;
    for (let i = 0; i < this.w.length; i++) {
      if ((o.w[i] & ~this.w[i]) !== 0) (w ??= this.w.slice())[i] |= o.w[i];
    }
    return w ? new Bits(this.names, w) : this;
  }

  and(o: Bits): Bits {
    let w: Uint32Array | undefined;
    for (let i = 0; i < this.w.length; i++) {
      if ((this.w[i] & ~o.w[i]) !== 0) (w ??= this.w.slice())[i] &= o.w[i];
    }
    return w ? new Bits(this.names, w) : this;
  }

  equals(o: Bits): boolean {
    return this.w.every((x, i) => x === o.w[i]);
  }
}

/** Every name a body mentions (declared, read or written). */
function allNames(body: readonly CStmt[]): Set<string> {
  const out = namesIn(body);
  const decls = (stmts: readonly CStmt[]): void => {
    for (const s of stmts) {
      if (s.k === 'let') s.decls.forEach((d) => out.add(d.name));
      else if (s.k === 'if') decls(s.then), decls(s.else);
      else if (s.k === 'for') decls(s.init ? [s.init, ...s.body] : s.body);
      else if (s.k === 'while') decls(s.body);
    }
  };
  decls(body);
  return out;
}

// ── liveness ──────────────────────────────────────────────────────────────────────────────────

/**
 * For each statement, the locals that may be read after it before being written again; for a
 * `break`, those live where the loop exits.
 */
export function liveness(body: readonly CStmt[]): Map<CStmt, NameSet> {
  const names = new Names(allNames(body));
  const liveOut = new Map<CStmt, NameSet>();
  const block = (stmts: readonly CStmt[], out: Bits, exit: Bits): Bits => {
    let live = out;
    for (let i = stmts.length - 1; i >= 0; i--) {
      liveOut.set(stmts[i], live);
      live = stmt(stmts[i], live, exit);
    }
    return live;
  };
  const loop = (cond: CExpr | undefined, update: CExpr | undefined, body: readonly CStmt[], out: Bits): Bits => {
    // live at the test: what the exit needs (if there is a test), the test, and the body's own
    let head = cond ? names.reads(cond, out) : names.empty();
    for (;;) {
      const next = block(body, names.reads(update, head), out).or(head);
      if (next.equals(head)) return head;
      head = next;
    }
  };
  const stmt = (s: CStmt, out: Bits, exit: Bits): Bits => {
    switch (s.k) {
      case 'assign': {
        const t = s.target;
        let live = t.k === 'id' && s.op === '=' ? out.with(t.name, false) : out;
        if (t.k !== 'id') live = names.reads(t, live);
        else if (s.op !== '=') live = live.with(t.name, true);
        return names.reads(s.value, live);
      }
      case 'let': {
        let live = out;
        for (let i = s.decls.length - 1; i >= 0; i--) live = names.reads(s.decls[i].init, live.with(s.decls[i].name, false));
        return live;
      }
      case 'expr':
        return names.reads(s.e, out);
      case 'return':
        return names.reads(s.e);
      case 'break':
        return exit;
      case 'comment':
        return out;
      case 'if':
        return names.reads(s.cond, block(s.then, out, exit).or(block(s.else, out, exit)));
      case 'while':
        return loop(s.cond, undefined, s.body, out);
      case 'for': {
        const head = loop(s.cond, s.update, s.body, out);
        if (!s.init) return head;
        liveOut.set(s.init, head);
        return stmt(s.init, head, exit);
      }
    }
  };
  const none = names.empty();
  block(body, none, none);
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
  return children(e);
}

type Zeros = Bits | null; // null: not reached

const meet = (a: Zeros, b: Zeros): Zeros => (a === null ? b : b === null ? a : a.and(b));

/** The locals some `x += e` or `x -= e` accumulates into: the only ones knownZero is asked about. */
function accumulators(stmts: readonly CStmt[], out: Set<string> = new Set()): Set<string> {
  for (const s of stmts) {
    if (s.k === 'assign' && s.op !== '=' && s.target.k === 'id') out.add(s.target.name);
    else if (s.k === 'if') accumulators(s.then, out), accumulators(s.else, out);
    else if (s.k === 'for' || s.k === 'while') accumulators(s.body, out);
  }
  return out;
}

/**
 * Before each `x += e` / `x -= e` of a local, the locals certainly holding +0 there: set to the
 * literal 0 (or from one that holds it) on every path, not written since.
 */
export function knownZero(body: readonly CStmt[]): Map<CStmt, NameSet> {
  const names = new Names(accumulators(body));
  const before = new Map<CStmt, NameSet>();
  let breaks: Zeros[] = [];
  const expr = (e: CExpr | undefined, z: Zeros): Zeros => {
    if (z === null || !e) return z;
    const w = new Set<string>();
    postfixWrites(e, w);
    for (const x of w) z = z.with(x, false);
    return z;
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
      if (next === head || (next !== null && head !== null && next.equals(head))) {
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
        return z.with(t.name, s.op === '=' && (isPositiveZero(s.value) || (s.value.k === 'id' && z.has(s.value.name))));
      }
      case 'let': {
        let next: Zeros = z;
        for (const d of s.decls) {
          next = expr(d.init, next);
          if (next === null) return null;
          next = next.with(d.name, isPositiveZero(d.init));
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
  block(body, names.empty());
  return before;
}

// ── where arrays go ───────────────────────────────────────────────────────────────────────────

/** How references move through the code: what privateArrays and neverNegZero are computed from. */
interface Flows {
  /** Every write of a local (`element`: of an element of the array it holds). */
  readonly writes: readonly { readonly target: string; readonly value: CExpr | undefined; readonly element: boolean; readonly op: string }[];
  /** Locals whose value (an array, an object) may be kept where this code cannot follow it: a call, another array, the tape. */
  readonly escapes: ReadonlySet<string>;
  /** [y, x]: `x = y` by reference, so the array y holds is x's too. */
  readonly flows: readonly (readonly [string, string])[];
}

function collectFlows(body: readonly CStmt[], scope: CodeScope): Flows {
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
      case 'new': {
        // a typed array made from an array copies it
        const byValue = e.callee.k === 'id' && arrayCtors.has(e.callee.name) && !scope.locals.has(e.callee.name);
        e.args.forEach((a) => visitExpr(a, byValue ? undefined : escape));
        return;
      }
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
  // a number is copied, not shared: locals declared as numbers (`let x = 0`) or accumulated into
  // (`x += …`) hold no array, whatever they are stored into
  const numeric = new Set(writes.filter((w) => !w.element && (w.op !== '=' || (w.value !== undefined && (w.value.k === 'num' || w.value.k === 'bool')))).map((w) => w.target));
  return { writes, escapes: new Set([...escapes].filter((x) => !numeric.has(x))), flows: flows.filter(([y, x]) => !numeric.has(y) && !numeric.has(x)) };
}

/** The locals that hold one of the function's own arrays and no other, grouped by who may share it. */
export function privateArrays(body: readonly CStmt[], scope: CodeScope, params: ReadonlySet<string>): Map<string, string> {
  const { writes, escapes, flows } = collectFlows(body, scope);
  const names = new Set([...scope.locals].filter((x) => !params.has(x) && !escapes.has(x) && x !== scope.tape));
  const made = (e: CExpr): boolean => {
    if (e.k === 'id') return names.has(e.name);
    if (e.k === 'cond') return made(e.a) && made(e.b);
    if (e.k === 'array') return true;
    if (e.k === 'new') return e.callee.k === 'id' && arrayCtors.has(e.callee.name) && !scope.locals.has(e.callee.name);
    if (e.k !== 'call') return false;
    if (copyCall(e.callee, scope)) return true;
    // new Array(n).fill(v)
    return e.callee.k === 'member' && e.callee.prop === 'fill' && e.callee.obj.k === 'new' && made(e.callee.obj);
  };
  let changed = true;
  while (changed) {
    changed = false;
    for (const w of writes) {
      if (w.element || !names.has(w.target) || (w.op === '=' && (w.value === undefined || made(w.value)))) continue;
      names.delete(w.target);
      changed = true;
    }
    for (const [y, x] of flows) {
      if (names.has(y) && !names.has(x)) {
        names.delete(y);
        changed = true;
      }
    }
  }
  // groups: locals that may hold the same array
  const group = new Map([...names].map((x) => [x, x]));
  const find = (x: string): string => {
    let r = x;
    while (group.get(r) !== r) r = group.get(r)!;
    return r;
  };
  for (const [y, x] of flows) if (names.has(y) && names.has(x)) group.set(find(y), find(x));
  return new Map([...names].map((x) => [x, find(x)]));
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
  const { writes, escapes, flows } = collectFlows(body, scope);
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
