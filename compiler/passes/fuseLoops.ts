/**
 * Adjacent counted loops over the same range fused into one, with `optimize` on, where each
 * iteration of the second reads only what the same iteration of the first wrote:
 *
 *   for (j = 0; j < d; j++) centered[j] = x[i * d + j] - means[c * d + j];
 *   for (j2 = 0; j2 < d; j2++) qx[j2] = diags[c * d + j2] * centered[j2];
 *
 * becomes one loop doing both, and so does its adjoint: one loop's overhead instead of two in
 * each sweep, which is most of the cost where the loops are short (GMM at d = 2).
 *
 * Same values: the iterations run in the order j: first(j), second(j) instead of all of the
 * first, then all of the second. That is the same computation when
 *   - both are counted loops (`for (let j = a; j <op> b; j += k)`) with the same start, bound,
 *     comparison and step, the bound and start unchanged by either loop, no jumps out, no loops
 *     inside (so every statement of an iteration runs once per iteration of the fused loop);
 *   - the second's counter is set just before it and read nowhere but in it;
 *   - every array either loop writes is reached by no other name (plainArrays.ts), and where the
 *     other reads or writes it, it is indexed by exactly the counter in both, so iteration j of
 *     either touches element j only;
 *   - no number is assigned in one loop and read or assigned in the other.
 */
import { type Atom, atomVar, exprOperands, type Expr, type IRFunction, type Loop, readsOf, type Stmt, useSites, type Var, walk } from '../ir.js';
import { plainArrays } from './plainArrays.js';

type Counted = Loop & { canonical: NonNullable<Loop['canonical']> };
type Assign = Stmt & { k: 'assign' };

export function fuseLoops(fn: IRFunction): IRFunction {
  const plain = plainArrays(fn);
  // where each counter is read: a fused-away counter must not be read after its loop
  const { readers } = useSites(fn.body);
  let changed = false;
  const block = (stmts: readonly Stmt[]): readonly Stmt[] => {
    const out: Stmt[] = [];
    for (const s0 of stmts) {
      const s = nested(s0);
      const init = out[out.length - 1];
      const first = out[out.length - 2];
      if (s.k === 'loop' && init?.k === 'assign' && first?.k === 'loop') {
        const fused = fuse(first, init, s, plain, readers);
        if (fused) {
          out.splice(out.length - 2, 2, fused);
          changed = true;
          continue;
        }
      }
      out.push(s);
    }
    return out.length === stmts.length && out.every((s, i) => s === stmts[i]) ? stmts : out;
  };
  const nested = (s: Stmt): Stmt => {
    if (s.k === 'if') {
      const [then, els] = [block(s.then), block(s.else)];
      return then === s.then && els === s.else ? s : { ...s, then, else: els };
    }
    if (s.k === 'loop') {
      const body = block(s.body);
      return body === s.body ? s : { ...s, body };
    }
    return s;
  };
  const body = block(fn.body);
  return changed ? { ...fn, body } : fn;
}

/** The loop's test `counter <op> bound`, if it is a plain counted loop with nothing else in its header. */
function header(l: Loop): { counter: Var; op: string; bound: Atom; step: number; start: Atom } | undefined {
  const c = l.canonical;
  if (!c || l.parallel || l.checkpoint || l.pre.length !== 1 || l.update.length !== 1) return undefined;
  const [test] = l.pre;
  if (test.k !== 'assign' || test.expr.k !== 'bin' || atomVar(l.cond) !== test.target || atomVar(test.expr.a) !== c.counter) return undefined;
  if (!['<', '<=', '>', '>='].includes(test.expr.op)) return undefined;
  const [step] = l.update;
  if (step.k !== 'assign' || step.target !== c.counter) return undefined;
  let inner = false;
  walk(l.body, (s) => {
    if (s.k === 'loop') inner = true;
  });
  return inner ? undefined : { counter: c.counter, op: test.expr.op, bound: test.expr.b, step: c.step, start: c.start };
}

const sameAtom = (a: Atom, b: Atom): boolean => (a.k === 'const' && b.k === 'const' ? a.value === b.value : atomVar(a) !== undefined && atomVar(a) === atomVar(b));

function fuse(l1: Loop, init: Assign, l2: Loop, plain: ReadonlySet<Var>, readers: ReadonlyMap<Var, readonly Stmt[]>): Counted | undefined {
  const h1 = header(l1);
  const h2 = header(l2);
  if (!h1 || !h2 || init.target !== h2.counter || init.expr.k !== 'atom' || !sameAtom(init.expr.a, h2.start)) return undefined;
  if (h1.op !== h2.op || h1.step !== h2.step || !sameAtom(h1.bound, h2.bound) || !sameAtom(h1.start, h2.start)) return undefined;
  // the second counter read only by its own loop and its start
  const own = new Set<Stmt>([init]);
  walk([l2], (s) => own.add(s));
  if ([...(readers.get(h2.counter) ?? [])].some((s) => !own.has(s))) return undefined;
  const a = effects(l1.body, h1.counter);
  const b = effects(l2.body, h2.counter);
  if (!a || !b) return undefined;
  for (const v of [h1.bound, h1.start].map(atomVar)) if (v && (a.assigned.has(v) || b.assigned.has(v))) return undefined;
  // numbers: none passed between the two loops
  for (const [x, y] of [[a, b], [b, a]] as const) {
    for (const v of x.assigned) if (y.assigned.has(v) || y.read.has(v)) return undefined;
    // arrays: what either writes reached by no other name (the other loop may read it under one),
    // and element j of it touched by iteration j of the other only
    for (const arr of x.stored) {
      if (!plain.has(arr)) return undefined;
      if ((y.loaded.has(arr) || y.stored.has(arr)) && (x.offIndex.has(arr) || y.offIndex.has(arr))) return undefined;
    }
  }
  const c = h1.counter;
  const body = [...l1.body, ...l2.body.map((s) => renamed(s, h2.counter, c))];
  return { ...(l1 as Counted), body };
}

interface Effects {
  /** Numbers and booleans assigned, and every variable read. */
  readonly assigned: Set<Var>;
  readonly read: Set<Var>;
  readonly loaded: Set<Var>;
  readonly stored: Set<Var>;
  /** Arrays accessed at an index other than the counter (or at a row's element). */
  readonly offIndex: Set<Var>;
}

/** What a loop body does, or undefined for what fusion does not reason about (calls of companions). */
function effects(body: readonly Stmt[], counter: Var): Effects | undefined {
  const e: Effects = { assigned: new Set(), read: new Set(), loaded: new Set(), stored: new Set(), offIndex: new Set() };
  const at = (arr: Var, index: Atom, sub: Atom | undefined): void => {
    if (atomVar(index) !== counter || sub) e.offIndex.add(arr);
  };
  let opaque = false;
  walk(body, (s) => {
    for (const a of readsOf(s)) {
      const v = a && atomVar(a);
      if (v) e.read.add(v);
    }
    if (s.k === 'assign') {
      if (s.target.kind === 'array' || s.expr.k === 'userCall' || s.expr.k === 'call') opaque = true;
      e.assigned.add(s.target);
      if (s.expr.k === 'load') {
        e.loaded.add(s.expr.arr);
        at(s.expr.arr, s.expr.index, s.expr.sub);
      } else if (s.expr.k !== 'length' && exprOperands(s.expr).some((x) => atomVar(x)?.kind === 'array')) {
        opaque = true; // an array used other than by element or length
      }
    } else if (s.k === 'store') {
      if (s.append) opaque = true;
      e.stored.add(s.arr);
      at(s.arr, s.index, s.sub);
    }
  });
  return opaque ? undefined : e;
}

function renamed(s: Stmt, from: Var, to: Var): Stmt {
  const a = (x: Atom): Atom => (x.k === 'var' && x.v === from ? { k: 'var', v: to } : x);
  const opt = (x: Atom | undefined): Atom | undefined => x && a(x);
  switch (s.k) {
    case 'assign':
      return { ...s, expr: renamedExpr(s.expr, a) };
    case 'store':
      return { ...s, index: a(s.index), value: a(s.value), sub: opt(s.sub) };
    case 'if':
      return { ...s, cond: a(s.cond), then: s.then.map((t) => renamed(t, from, to)), else: s.else.map((t) => renamed(t, from, to)) };
    default:
      throw new Error('tsgrad internal: fuseLoops renames inside loops without inner loops only');
  }
}

function renamedExpr(e: Expr, a: (x: Atom) => Atom): Expr {
  switch (e.k) {
    case 'atom':
      return { ...e, a: a(e.a) };
    case 'bin':
      return { ...e, a: a(e.a), b: a(e.b) };
    case 'un':
      return { ...e, a: a(e.a) };
    case 'select':
      return { ...e, c: a(e.c), a: a(e.a), b: a(e.b) };
    case 'math':
      return { ...e, args: e.args.map(a) };
    case 'load':
      return { ...e, index: a(e.index), sub: e.sub && a(e.sub) };
    case 'newArray':
      return { ...e, length: a(e.length), fill: a(e.fill) };
    case 'custom':
      return { ...e, value: a(e.value), args: e.args.map(a), partials: e.partials.map(a) };
    case 'call':
    case 'userCall':
      return { ...e, args: e.args.map(a) };
    default:
      return e;
  }
}
