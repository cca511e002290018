/**
 * Buffers and integers: two facts about a function that let the reverse sweep allocate and save
 * less, as a person writing the adjoint by hand would.
 *
 * Private arrays: an array variable only ever given fresh arrays (`new Array(n).fill(0)`, a
 * `map`'s result) and only ever indexed (read, written, its length taken), never handed on: not
 * copied to another variable, stored in an array of arrays, passed to a call, or returned. The
 * variable holds the only reference, so each array it held is dead once it is given the next.
 *
 *   for (t…) { const k1 = x.map(…); … k1[i] … }     k1 is private; x (given k4's array) is not
 *
 * reverseMode gives such a variable one adjoint buffer for all the arrays it holds (their
 * lifetimes do not overlap, in the reverse sweep as in the forward one) instead of a fresh adjoint
 * per array kept on the tape, and reuses the primal array when the next one has the same length.
 * A state variable given a step's result (`x = next`, next a temporary of the loop body) swaps
 * arrays and buffers with it: the loop then runs on two arrays, as one written by hand would.
 *
 *   for (t…) { const next = x.map(…); x = next; }   forward:  _swap = x; x = next; next = _swap
 *                                                     (and the same for x_b, next_b, both sweeps)
 *
 * Integer variables: numbers only ever given array lengths, integer constants or bitwise results
 * (`n = x.length`). Saved on the integer tape, they come back as integers, so the index arithmetic
 * the reverse sweep recomputes (`(i + n - 1) % n`) stays integer arithmetic.
 */
import { type Atom, atomVar, type Expr, exprOperands, type IRFunction, type Stmt, type Var, walk } from '../ir.js';
import { integersWhere } from './integerValues.js';

/** Array types whose adjoint is one flat buffer (arrays of arrays and objects are not). */
export const FLAT = new Set(['f64', 'f32', 'numarr', 'int']);

export interface Buffers {
  readonly private: ReadonlySet<Var>;
  /**
   * Copies `w = u` between private arrays where u is a temporary, dead after the copy (the
   * array a step returns, handed to the state variable): the two swap arrays and adjoint buffers,
   * so the state's old array, dead now, is the one the temporary refills next time.
   */
  readonly moves: ReadonlySet<Stmt>;
}

type Assign = Stmt & { k: 'assign' };

/**
 * The operands through which a statement (itself, not the ones nested in it) may hand an array on:
 * all but the array of a load or a length, since indexing an array only reads through it.
 */
export function handsOn(s: Stmt): (Atom | undefined)[] {
  if (s.k === 'assign') return s.expr.k === 'load' || s.expr.k === 'length' ? exprOperands(s.expr).slice(1) : exprOperands(s.expr);
  if (s.k === 'store') return [s.index, s.sub, s.value];
  return [s.cond];
}

export function analyzeBuffers(fn: IRFunction, active: ReadonlySet<Var>): Buffers {
  const candidates = new Set(fn.locals.filter((v) => v.kind === 'array' && FLAT.has(v.arrayType ?? '') && !v.growable && !v.outer && v !== fn.result));
  for (const p of fn.params) candidates.delete(p.v);
  const allocations = new Map<Var, Assign[]>();
  const copies: { s: Assign; from: Var }[] = [];
  const handedOn = (a: Atom | undefined): void => {
    if (a?.k === 'var') candidates.delete(a.v);
  };
  const inLoop = new Set<Stmt>();
  walk(fn.body, (s, loops) => {
    if (loops.length > 0) inLoop.add(s);
    const e = s.k === 'assign' ? s.expr : undefined;
    // `w = u` between arrays: a copy, which may be a move (below)
    const from = e?.k === 'atom' && e.a.k === 'var' && e.a.v.kind === 'array' ? e.a.v : undefined;
    if (s.k === 'assign' && from) {
      // a checkpointed loop reruns its steps as plain code, which gives arrays as they are: no swaps there
      if (loops.some((l) => l.checkpoint)) [s.target, from].forEach((v) => candidates.delete(v));
      else copies.push({ s, from });
      return;
    }
    if (s.k === 'assign' && e?.k === 'newArray') allocations.set(s.target, [...(allocations.get(s.target) ?? []), s]);
    else if (s.k === 'assign') candidates.delete(s.target);
    handsOn(s).forEach(handedOn);
  });
  const moves = new Set<Stmt>();
  const ctor = (v: Var): string | undefined => {
    const ctors = new Set((allocations.get(v) ?? []).map((a) => (a.expr as Expr & { k: 'newArray' }).ctor));
    return ctors.size === 1 ? [...ctors][0] : undefined;
  };
  for (const { s, from } of copies) {
    const to = s.target;
    const ok = to !== from && candidates.has(to) && candidates.has(from) && (active.has(to) || !active.has(from)) && ctor(from) !== undefined && [undefined, ctor(from)].includes(ctor(to)) && temporary(fn, from, s, allocations.get(from) ?? []);
    if (ok) moves.add(s);
    else [to, from].forEach((v) => candidates.delete(v));
  }
  // a move needs both sides private: drop pairs one of whose sides is not, until none changes
  for (let changed = true; changed; ) {
    changed = false;
    for (const s of moves) {
      const { target, expr } = s as Assign;
      const from = (expr as Expr & { k: 'atom' }).a as Atom & { k: 'var' };
      if (candidates.has(target) && candidates.has(from.v)) continue;
      moves.delete(s);
      candidates.delete(target);
      candidates.delete(from.v);
      changed = true;
    }
  }
  // an array given one array, outside loops, and in no move has nothing to share
  const moved = new Set([...moves].flatMap((s) => exprOperands((s as Assign).expr).map(atomVar).concat((s as Assign).target)));
  for (const v of candidates) {
    const given = allocations.get(v) ?? [];
    if (!moved.has(v) && given.length < 2 && !given.some((s) => inLoop.has(s))) candidates.delete(v);
  }
  return { private: candidates, moves };
}

/**
 * `u` is a temporary of one block: given one fresh array there, handed on by `copy` later in the
 * same block, and mentioned nowhere but between the two. Each pass through the block gives it a
 * new array before reading it, so it is dead after the copy.
 */
export function temporary(fn: IRFunction, u: Var, copy: Assign, allocations: readonly Assign[]): boolean {
  if (allocations.length !== 1) return false;
  const block = blockOf(fn.body, copy);
  const from = block?.indexOf(allocations[0]) ?? -1;
  const to = block?.indexOf(copy) ?? -1;
  if (!block || from < 0 || from > to) return false;
  return mentions(block.slice(from, to + 1), u) === mentions(fn.body, u);
}

/** The statement list `s` is directly in. */
function blockOf(body: readonly Stmt[], s: Stmt): readonly Stmt[] | undefined {
  if (body.includes(s)) return body;
  for (const x of body) {
    const inner = x.k === 'if' ? [x.then, x.else] : x.k === 'loop' ? [x.pre, x.body, x.update] : [];
    for (const b of inner) {
      const found = blockOf(b, s);
      if (found) return found;
    }
  }
  return undefined;
}

/** How many statements in `body` (nested ones included) mention `v`. */
function mentions(body: readonly Stmt[], v: Var): number {
  let count = 0;
  walk(body, (s) => {
    const vars: (Var | undefined)[] = [];
    if (s.k === 'assign') vars.push(s.target, ...exprOperands(s.expr).map(atomVar));
    else if (s.k === 'store') vars.push(s.arr, ...[s.index, s.sub, s.value].map((a) => a && atomVar(a)));
    else if (s.k === 'if') vars.push(atomVar(s.cond));
    else vars.push(atomVar(s.cond), s.canonical?.counter);
    if (vars.includes(v)) count++;
  });
  return count;
}

/** Numbers that hold only int32 values, saved on the integer stack (integerValues.ts: integersWhere). */
export function integerVars(fn: IRFunction): ReadonlySet<Var> {
  // |, &, ^, <<, >> give int32 (>>> a uint32, which may not fit)
  return integersWhere(fn, (x) => (x | 0) === x, (e) => e.k === 'bin' && ['|', '&', '^', '<<', '>>'].includes(e.op));
}
