/**
 * To-be-recorded analysis: which primal values the reverse sweep reads, and how each is made
 * available there. A value read by the reverse sweep is
 *   - kept:        assigned once, outside loops; it still holds its value when the reverse runs;
 *   - recomputed:  a counted loop's counter (`i = start + k*step`), or a temporary whose inputs are
 *                  themselves kept or recomputed (`_t = X[i*d + j]` with X not written after
 *                  the load: every store into X comes before it, in no loop around both): its
 *                  definition is re-emitted at the top of the reversed block (rematerialization);
 *   - saved:       otherwise; every assignment pushes the old value, the reverse pops it back.
 * Branch decisions and trip counts go on the integer tape only where they would be lost.
 * With `optimize: false` nothing is recomputed: every overwritten value is saved.
 */
import { type Atom, atomVar, type Expr, exprOperands, type IRFunction, type Loop, type Stmt, type Var, walk } from '../ir.js';
import { ruleArgs, ruleFor, ruleReads } from './exprRules.js';
import { type Bound, boundOf } from './loopBounds.js';
import { type ActivityInfo, differentiated } from './analyzeActivity.js';
import { plainArrays } from './plainArrays.js';
import { findInductions, type Induction } from './inductionVars.js';
import { findIncrements, type Increment } from './findIncrements.js';
import { findSelections, type Selection } from './selectionLoops.js';
import { frozenRows } from './frozenRows.js';
import { loopSnapshots, type Places, placesInBlocks, type Site } from './loopSnapshots.js';

export interface SaveInfo {
  /** Variables whose old value is pushed at each assignment (for arrays: the adjoint reference). */
  readonly saved: ReadonlySet<Var>;
  /** Variables recomputed at the top of the reversed block that defines them. */
  readonly recomputed: ReadonlySet<Var>;
  /** Counted loops whose counter the reverse sweep recomputes. */
  readonly canonical: ReadonlySet<Loop>;
  /** `if`s and loops with work in the reverse sweep. */
  readonly reversed: ReadonlySet<Stmt>;
  /** `if`s whose branch goes on the integer tape. */
  readonly tapedBranches: ReadonlySet<Stmt>;
  /** Loops whose trip count goes on the integer tape (they run inside another loop). */
  readonly tapedCounts: ReadonlySet<Loop>;
  /**
   * Counted loops whose trip count the reverse sweep computes from the counter's start and a bound
   * nothing changes (`for (b = a + 1; b < d; b++)`: max(0, ⌈(d − (a + 1)) / 1⌉)): of those, and
   * outermost loops (with `optimize`), whose forward sweep then counts nothing.
   */
  readonly boundedCounts: ReadonlyMap<Loop, Bound>;
  /** Assigned more than once per call. */
  readonly overwritten: ReadonlySet<Var>;
  /**
   * Assignments of saved variables that need no push: nothing in their enclosing loop reads the
   * variable in reverse, so the loop saves it once on entry instead (`snapshots`).
   *   for (k…) sum += e   →   tape.push(sum) before the loop, tape.pop() after its reverse
   */
  readonly covered: ReadonlySet<Stmt>;
  readonly snapshots: ReadonlyMap<Loop, readonly Var[]>;
  /**
   * Arrays whose old element each store pushes, and the reverse sweep puts back: there the array
   * holds, at every point, what it held at the same point going forward, so loads from it are
   * recomputed (Tapenade's save-on-overwrite; chosen where it saves fewer values than the loads).
   */
  readonly restored: ReadonlySet<Var>;
  /** Induction variables (inductionVars.ts), stepped back in the reverse of their loop; by loop. */
  readonly inductions: ReadonlyMap<Loop, readonly Induction[]>;
  /** The same, by the loop after which their value is kept (Induction.home). */
  readonly inductionHomes: ReadonlyMap<Loop, readonly Induction[]>;
  /** Stores that increment an element, `A[i] += e` (findIncrements.ts): reversed as e_b += A_b[i]. */
  readonly increments: ReadonlyMap<Stmt, Increment>;
  /**
   * Loops that select a value (`if (a[c] > mx) mx = a[c]`, selectionLoops.ts): the forward sweep
   * keeps the counter of the last iteration that took the branch, whose reverse alone reverses it.
   */
  readonly selections: ReadonlyMap<Loop, Selection>;
}

/** What one choice of restored arrays gives. */
type Trial = Omit<SaveInfo, 'increments' | 'selections'>;

export function analyzeSaves(fn: IRFunction, activity: ActivityInfo, optimize: boolean): SaveInfo {
  // what does not depend on the arrays restored, found once for every trial below
  const shape: Shape = { plain: plainArrays(fn), frozen: frozenRows(fn), places: placesInBlocks(fn.body) };
  let best = analyzeWith(fn, activity, optimize, shape, new Set());
  if (!optimize) return { ...best, increments: new Map(), selections: new Map() };
  let cost = savedValues(fn, best);
  for (const a of restorable(fn, shape.plain).slice(0, 8)) {
    const trial = analyzeWith(fn, activity, optimize, shape, new Set([...best.restored, a]));
    const c = savedValues(fn, trial);
    if (c < cost) [best, cost] = [trial, c];
  }
  const selections = findSelections(fn, activity, best);
  // their branches and trip counts go on no tape
  const tapedBranches = new Set(best.tapedBranches);
  const tapedCounts = new Set(best.tapedCounts);
  for (const [loop, { branch, alone }] of selections) {
    tapedBranches.delete(branch);
    if (alone) tapedCounts.delete(loop);
  }
  return { ...best, tapedBranches, tapedCounts, increments: findIncrements(fn), selections };
}

/**
 * Arrays the reverse sweep may restore: plain (plainArrays.ts), given one array for the whole
 * call (a parameter, or one allocation outside loops), written outside checkpointed and parallel
 * loops (which have their own ways of restoring state).
 */
function restorable(fn: IRFunction, plain: ReadonlySet<Var>): Var[] {
  const out = new Set<Var>();
  const excluded = new Set<Var>();
  const given = new Set<Var>();
  walk(fn.body, (s, loops) => {
    if (s.k === 'assign' && s.target.kind === 'array') {
      if (loops.length > 0 || given.has(s.target)) excluded.add(s.target);
      given.add(s.target);
    }
    if (s.k === 'store' && plain.has(s.arr)) (loops.some((l) => l.parallel || l.checkpoint) ? excluded : out).add(s.arr);
  });
  return [...out].filter((a) => !excluded.has(a));
}

/** Values a run pushes, roughly: each push site counts 10 per loop around it. */
function savedValues(fn: IRFunction, info: Trial): number {
  let total = 0;
  walk(fn.body, (s, loops) => {
    const w = 10 ** loops.length;
    if (s.k === 'assign' && info.saved.has(s.target) && !info.covered.has(s) && !(s.init && loops.length === 0)) total += w;
    if (s.k === 'store' && info.restored.has(s.arr)) total += w;
    if (s.k === 'loop') total += w * 10 * ((info.snapshots.get(s)?.length ?? 0) + (info.inductionHomes.get(s)?.length ?? 0));
  });
  return total;
}

interface Shape {
  /** plainArrays(fn). */
  readonly plain: ReadonlySet<Var>;
  /** frozenRows(fn): arrays of arrays, with the stores that change what their rows hold. */
  readonly frozen: ReadonlyMap<Var, readonly Stmt[]>;
  /** Each statement's block and its place there. */
  readonly places: Places;
}

function analyzeWith(fn: IRFunction, activity: ActivityInfo, optimize: boolean, { plain, frozen, places }: Shape, restored: ReadonlySet<Var>): Trial {
  const { active } = activity;
  const sites = new Map<Var, Site[]>();
  const stored = new Set<Var>();
  const loopsOf = new Map<Stmt, readonly Loop[]>();
  const order = new Map<Stmt, number>();
  const storesInto = new Map<Var, Stmt[]>();
  walk(fn.body, (s, loops) => {
    loopsOf.set(s, [...loops]);
    order.set(s, order.size);
    if (s.k === 'assign') {
      if (!sites.has(s.target)) sites.set(s.target, []);
      sites.get(s.target)!.push({ stmt: s, loops: [...loops] });
    } else if (s.k === 'store') {
      stored.add(s.arr);
      storesInto.set(s.arr, [...(storesInto.get(s.arr) ?? []), s]);
    }
  });
  /**
   * Whether the array `a` holds, at `load`, the contents the reverse sweep will find in it: every
   * store into it comes earlier in program order and no loop runs around both, so none runs after
   * the load (its array is only ever a fresh one or a parameter, and never handed on to an alias).
   *   for (c…) diags[c] = Math.exp(icf[c]);  for (i…) for (c…) … diags[c] …   (diags final)
   */
  const before = (t: Stmt, load: Stmt): boolean => order.get(t)! < order.get(load)! && !loopsOf.get(t)!.some((l) => loopsOf.get(load)!.includes(l));
  const finalAt = (a: Var, load: Stmt): boolean => plain.has(a) && (storesInto.get(a) ?? []).every((t) => before(t, load));
  /** An array of arrays whose rows hold, from `load` on, what they will hold in the reverse sweep (frozenRows.ts). */
  const frozenAt = (c: Var, load: Stmt): boolean => frozen.get(c)?.every((t) => before(t, load)) ?? false;
  /**
   * A restored array holds, where the reverse sweep recomputes a load (the top of the load's
   * reversed block), what it held at the end of that block going forward: the load's value unless
   * a store later in the block changed it.
   */
  const restoredAt = (a: Var, load: Stmt): boolean => {
    if (!restored.has(a)) return false;
    const place = places.get(load)!;
    let later = false;
    walk(place.block.slice(place.at + 1), (s) => {
      if (s.k === 'store' && s.arr === a) later = true;
    });
    return !later;
  };
  const isParam = (v: Var): boolean => fn.params.some((p) => p.v === v);
  const overwritten = new Set<Var>();
  for (const [v, list] of sites) {
    if (list.length + (isParam(v) ? 1 : 0) > 1 || list.some((s) => s.loops.length > 0)) overwritten.add(v);
  }

  // A counted loop's index is recomputed only when the condition does nothing but test: the
  // reverse sweep runs the condition's reverse with the index of the *next* iteration otherwise.
  const preOnly = (loop: Loop): boolean => {
    const inPre = new Set<Stmt>();
    walk(loop.pre, (s) => inPre.add(s));
    return [...inPre].every((s) => s.k !== 'assign' || (!active.has(s.target) && sites.get(s.target)!.every((x) => inPre.has(x.stmt))));
  };
  const canonical = new Set<Loop>();
  if (optimize) {
    walk(fn.body, (s) => {
      if (s.k === 'loop' && s.canonical && !active.has(s.canonical.counter) && preOnly(s)) canonical.add(s);
    });
  }
  const counterLoop = new Map<Var, Loop>([...canonical].map((l) => [l.canonical!.counter, l]));
  const induction = optimize ? findInductions(fn, canonical) : new Map<Var, Induction>();
  // counters and induction variables: recomputed in the reverse of their loop, never saved
  const stepped = (v: Var): boolean => counterLoop.has(v) || induction.has(v);

  // Rematerializable: one assignment site, pure expression, inputs kept/recomputable there.
  const rematMemo = new Map<Var, boolean>();
  const remat = (v: Var): boolean => {
    if (!optimize) return false;
    const memo = rematMemo.get(v);
    if (memo !== undefined) return memo;
    rematMemo.set(v, false); // cycle guard
    const list = sites.get(v);
    // an array variable only as a reference read out of a container nothing writes into (a row
    // of a parameter's array of arrays, an object's field, an element of an array of objects)
    const reference = (e: Expr, at: Stmt): boolean =>
      (e.k === 'load' && (!stored.has(e.arr) || (!e.sub && frozenAt(e.arr, at)))) || (e.k === 'field' && !stored.has(e.obj));
    let ok = !!list && list.length === 1 && !isParam(v) && (v.kind !== 'array' || reference(list[0].stmt.expr, list[0].stmt));
    if (ok) {
      const { stmt, loops } = list![0];
      const e = stmt.expr;
      // the length of an array that push() grows changes after the statement: not recomputable
      ok = e.k !== 'newArray' && e.k !== 'userCall' && (e.k !== 'load' || !stored.has(e.arr) || finalAt(e.arr, stmt) || frozenAt(e.arr, stmt) || restoredAt(e.arr, stmt)) && !(e.k === 'length' && e.arr.growable);
      ok &&= exprOperands(e).every((a) => available(a, loops, stmt));
    }
    rematMemo.set(v, ok);
    return ok;
  };
  /**
   * Numbers saved only so that values computed from them can be recomputed: `n` in
   * `n = x.length; for (i…) { j = (i + 1) % n; … }`, assigned outside the loop around the use,
   * where the reverse sweep holds its value of that time (the tape restores it at each assignment).
   */
  const pinned = new Set<Var>();
  const available = (a: Atom, loops: readonly Loop[], at: Stmt): boolean => {
    const u = atomVar(a);
    if (!u || u.outer || !overwritten.has(u)) return true;
    const loop = counterLoop.get(u) ?? induction.get(u)?.loop;
    if (loop) {
      // an induction variable is stepped back in the reverse sweep only where it is needed: a
      // value recomputed from it needs it (fuzz seed 1130131: w[idx] recomputed, idx never
      // stepped back, so the reverse read the elements of the last row)
      if (loops.includes(loop) && induction.has(u)) {
        readAt(u, at);
      }
      return loops.includes(loop);
    }
    if (remat(u)) return true;
    const inner = loops[loops.length - 1];
    if (!inner || u.kind === 'array' || !(sites.get(u) ?? []).every((s) => !s.loops.includes(inner))) return false;
    pinned.add(u);
    readAt(u, at);
    return true;
  };

  // Values the reverse sweep reads, from the active statements.
  const needed = new Set<Var>();
  const reads = new Map<Var, Stmt[]>();
  /** `v` is needed by the reverse sweep, read at `s`. */
  const readAt = (v: Var, s: Stmt): void => {
    needed.add(v);
    if (!reads.has(v)) reads.set(v, []);
    reads.get(v)!.push(s);
  };
  let at: Stmt;
  const need = (a: Atom | Var | undefined): void => {
    const v = a && ('k' in a ? atomVar(a) : a);
    if (!v || v.outer) return;
    readAt(v, at);
  };
  walk(fn.body, (s) => {
    at = s;
    if (s.k === 'store' && (differentiated(activity, s) || restored.has(s.arr))) {
      need(s.index);
      need(s.sub);
    }
    if (s.k !== 'assign' || !differentiated(activity, s)) return;
    const e = s.expr;
    if (e.k === 'load' && active.has(e.arr)) {
      need(e.index);
      need(e.sub);
    }
    // a user call's pullback takes its numbers again (its arrays: reverseMode copies them onto the tape)
    if (e.k === 'userCall') e.args.forEach((a) => (a.k === 'var' && a.v.kind === 'array') || need(a));
    const rule = ruleFor(e);
    if (!rule) return;
    const args = ruleArgs(e);
    const ruleUse = ruleReads(rule, args.length);
    args.forEach((arg, i) => {
      if (arg.k !== 'var' || !active.has(arg.v)) return;
      ruleUse.operands[i].forEach((j) => need(args[j]));
      if (ruleUse.result[i]) need(s.target);
    });
  });

  // Fixpoint: which statements reverse, what they additionally need, what must be saved.
  let saved = new Set<Var>();
  let reversed = new Set<Stmt>();
  for (let changed = true; changed; ) {
    [...needed].forEach(remat); // may pin numbers the recomputation reads (needed grows)
    const size = needed.size;
    saved = new Set([...needed].filter((v) => overwritten.has(v) && !stepped(v) && (!remat(v) || pinned.has(v))));
    for (const v of active) if (v.kind === 'array' && overwritten.has(v) && !remat(v)) saved.add(v);
    reversed = new Set<Stmt>();
    // every statement is visited (no short-circuit): `reversed` must list all of them
    const hasReverse = (body: readonly Stmt[]): boolean => body.map((s) => stmtReverses(s)).some(Boolean);
    const stmtReverses = (s: Stmt): boolean => {
      let r: boolean;
      if (s.k === 'assign') r = differentiated(activity, s) || saved.has(s.target);
      else if (s.k === 'store') r = differentiated(activity, s) || restored.has(s.arr);
      else if (s.k === 'if') r = [hasReverse(s.then), hasReverse(s.else)].some(Boolean);
      else r = [hasReverse(s.pre), hasReverse(s.body), hasReverse(s.update)].some(Boolean);
      if (r && (s.k === 'if' || s.k === 'loop')) reversed.add(s);
      return r;
    };
    hasReverse(fn.body);
    for (const s of reversed) {
      at = s;
      if (s.k === 'loop' && canonical.has(s)) need(s.canonical!.start);
      // a branch condition recomputed in the reverse sweep may pin numbers too
      const c = s.k === 'if' ? atomVar(s.cond) : undefined;
      if (c && !c.outer && overwritten.has(c)) remat(c);
    }
    changed = needed.size !== size;
  }
  // Branch conditions: recomputed when possible, otherwise taped as a bit (never saved as values).
  const conditions = new Set<Var>();
  for (const s of reversed) {
    const c = s.k === 'if' ? atomVar(s.cond) : undefined;
    if (c && !c.outer) conditions.add(c);
  }

  // Recomputed values, with the recomputable inputs they read.
  const recomputed = new Set<Var>();
  const addRemat = (v: Var): void => {
    if (recomputed.has(v)) return;
    recomputed.add(v);
    for (const a of exprOperands(sites.get(v)![0].stmt.expr)) {
      const u = atomVar(a);
      if (u && overwritten.has(u) && !stepped(u) && !u.outer && !pinned.has(u)) addRemat(u);
    }
  };
  for (const v of [...needed, ...conditions]) if (overwritten.has(v) && !stepped(v) && remat(v)) addRemat(v);
  // references into containers nothing writes (rows, fields, elements): recomputed with their adjoints
  for (const v of active) if (v.kind === 'array' && overwritten.has(v) && remat(v)) addRemat(v);

  // `_t = x.length` at every assignment, x one array for the whole call that never grows: the same
  // value each time (`i < x.length`)
  const sameLength = (v: Var): boolean => {
    const list = sites.get(v) ?? [];
    const arr = list[0]?.stmt.expr.k === 'length' ? list[0].stmt.expr.arr : undefined;
    if (!arr || arr.growable || arr.outer || list.some(({ stmt }) => stmt.expr.k !== 'length' || stmt.expr.arr !== arr)) return false;
    return isParam(arr) ? !sites.has(arr) : !overwritten.has(arr);
  };
  const tapedBranches = new Set<Stmt>();
  const tapedCounts = new Set<Loop>();
  const boundedCounts = new Map<Loop, Bound>();
  for (const s of reversed) {
    if (s.k === 'if') {
      const c = atomVar(s.cond);
      if (c && overwritten.has(c) && !recomputed.has(c) && !stepped(c)) tapedBranches.add(s);
    } else if (s.k === 'loop' && (loopsOf.get(s)!.length > 0 || (optimize && !s.parallel && !s.checkpoint))) {
      // nested: its trip count goes on the tape unless its bound gives it; outermost: kept in a local, or given by its bound
      if (loopsOf.get(s)!.length > 0) tapedCounts.add(s);
      const bounded = canonical.has(s) ? boundOf(s) : undefined;
      // a bound nothing changes, or the counter of a loop around this one (recomputed in its reverse)
      const fixed = (a: Atom): boolean => a.k === 'const' || a.v.outer || !overwritten.has(a.v) || loopsOf.get(s)!.includes(counterLoop.get(a.v)!) || sameLength(a.v);
      if (bounded && fixed(bounded.bound)) boundedCounts.set(s, bounded);
    }
  }
  // loop-level saves (loopSnapshots.ts)
  const { covered, snapshots } = optimize ? loopSnapshots(saved, { sites, reads, loopsOf, places }) : { covered: new Set<Stmt>(), snapshots: new Map<Loop, Var[]>() };
  const inductions = new Map<Loop, Induction[]>();
  const inductionHomes = new Map<Loop, Induction[]>();
  for (const ind of induction.values()) {
    if (!needed.has(ind.v) || !reversed.has(ind.loop)) continue;
    inductions.set(ind.loop, [...(inductions.get(ind.loop) ?? []), ind]);
    inductionHomes.set(ind.home, [...(inductionHomes.get(ind.home) ?? []), ind]);
  }
  return { saved, recomputed, canonical, reversed, tapedBranches, tapedCounts, boundedCounts, overwritten, covered, snapshots, inductions, inductionHomes, restored };
}
