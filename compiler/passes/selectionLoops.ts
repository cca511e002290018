/**
 * Selections: a branch in a counted loop that keeps the largest (or smallest, or last matching)
 * value,
 *
 *   mx = main[0];
 *   for (c = 1; c < k; c++) if (main[c] > mx) mx = main[c];
 *
 * Taped bit by bit, its reverse pops a bit per iteration, though only one iteration's branch has
 * work: the last that took it. Each taking zeroes mx's adjoint after handing it on, so an earlier
 * one hands on 0. The forward sweep keeps that iteration's counter instead (`mx_at`, -1 for none;
 * pushed once per run of the loop where a loop encloses it), and the reverse compares:
 *
 *   forward:  mx_at = -1; for (c…) { …; if (z > mx) { mx = z; mx_at = c; } }
 *   reverse:  for (c…) { …; if (c === mx_at) { z_b += mx_b; mx_b = 0; } … }
 *
 * When nothing else in the loop has adjoint work (`alone`), the reverse runs that one iteration
 * and no loop, as a person writing the gradient would:
 *
 *   reverse:  c = mx_at; if (c >= 0) { main_b[c] += mx_b; mx_b = 0; }
 *
 * What makes the other iterations' branch reverse nothing, checked for each loop:
 *   - the loop is counted, its counter recomputed, from a constant integer ≥ 0 upwards (so -1 is
 *     no counter value); no enclosing loop is parallel;
 *   - the branch is an `if` directly in its body, without `else`, taped as a bit, ending with
 *     `mx = e` after the temporaries e needs, none of which pushes anything or is read outside the
 *     branch, and with no `if`, loop or store in it;
 *   - nothing else in the loop assigns mx, and nothing reads it differentiably, e included (a
 *     comparison may read it; `mx = mx + v` accumulates, it does not select).
 * Alone, besides: the branch ends the body; the loop has no other `if`, loop or store and pushes
 * nothing; its other differentiated assignments give temporaries of one iteration, assigned once
 * in the loop, read differentiably nowhere outside it, and read only after their assignment. The
 * reverse of the selected iteration starts from the adjoints on loop exit; in every other
 * iteration each adjoint it would read is 0, so the skipped work adds only zeros.
 */
import { atomVar, exprOperands, type IRFunction, type Loop, type Stmt, useSites, type Var, walk } from '../ir.js';
import { type ActivityInfo, differentiated } from './analyzeActivity.js';
import type { Induction } from './inductionVars.js';

export interface Selection {
  /** The `if` in the loop's body whose branch assigns `target`. */
  readonly branch: Stmt & { k: 'if' };
  /** The variable selected (`mx`). */
  readonly target: Var;
  /** Nothing else in the loop has adjoint work: the reverse runs the selected iteration alone. */
  readonly alone: boolean;
}

/** What analyzeSaves has decided, that a selection depends on. */
export interface SelectionFacts {
  readonly saved: ReadonlySet<Var>;
  readonly covered: ReadonlySet<Stmt>;
  readonly canonical: ReadonlySet<Loop>;
  readonly reversed: ReadonlySet<Stmt>;
  readonly tapedBranches: ReadonlySet<Stmt>;
  readonly inductions: ReadonlyMap<Loop, readonly Induction[]>;
}

type Assign = Stmt & { k: 'assign' };

interface Uses {
  readonly activity: ActivityInfo;
  readonly facts: SelectionFacts;
  readonly assigns: ReadonlyMap<Var, Stmt[]>;
  readonly readers: ReadonlyMap<Var, Stmt[]>;
  /** Every statement nested in each loop. */
  readonly inside: ReadonlyMap<Loop, readonly Stmt[]>;
}

export function findSelections(fn: IRFunction, activity: ActivityInfo, facts: SelectionFacts): Map<Loop, Selection> {
  const out = new Map<Loop, Selection>();
  const { assigns, readers } = useSites(fn.body);
  const inside = new Map<Loop, Stmt[]>();
  const loops: Loop[] = [];
  walk(fn.body, (s, around) => {
    around.forEach((l) => inside.get(l)!.push(s));
    if (s.k === 'loop') {
      inside.set(s, []);
      if (!around.some((l) => l.parallel)) loops.push(s);
    }
  });
  const uses: Uses = { activity, facts, assigns, readers, inside };
  for (const loop of loops) {
    const selection = selectionIn(loop, uses);
    if (selection) out.set(loop, selection);
  }
  return out;
}

function selectionIn(loop: Loop, uses: Uses): Selection | undefined {
  const { facts } = uses;
  const c = loop.canonical;
  if (!c || !facts.canonical.has(loop) || !facts.reversed.has(loop) || loop.checkpoint || loop.parallel) return undefined;
  if (c.start.k !== 'const' || typeof c.start.value !== 'number' || !Number.isInteger(c.start.value) || c.start.value < 0 || !(c.step > 0)) return undefined;
  for (const branch of loop.body) {
    if (branch.k !== 'if') continue;
    const target = selected(loop, branch, uses);
    if (target) return { branch, target, alone: alone(loop, branch, target, uses) };
  }
  return undefined;
}

const isDiff = (s: Stmt, activity: ActivityInfo): boolean => (s.k === 'assign' || s.k === 'store') && differentiated(activity, s);

/**
 * An assignment of a number that pushes nothing (analyzeSaves: not saved, or covered by a snapshot
 * of its loop), calls no user function and allocates nothing: its reverse needs no tape.
 */
const untaped = (s: Stmt, facts: SelectionFacts): s is Assign =>
  s.k === 'assign' && !(facts.saved.has(s.target) && !facts.covered.has(s)) && s.expr.k !== 'userCall' && s.expr.k !== 'newArray' && s.target.kind !== 'array';

/** The variable `branch` selects, if it is a selection of `loop`. */
function selected(loop: Loop, branch: Stmt & { k: 'if' }, { activity, facts, assigns, readers, inside }: Uses): Var | undefined {
  if (branch.else.length > 0 || branch.then.length === 0 || !facts.tapedBranches.has(branch)) return undefined;
  const pick = branch.then[branch.then.length - 1];
  if (pick.k !== 'assign' || !differentiated(activity, pick) || pick.target.kind !== 'num') return undefined;
  const target = pick.target;
  const then = new Set<Stmt>(branch.then);
  for (const [at, s] of branch.then.entries()) {
    if (!untaped(s, facts)) return undefined;
    if (s === pick) continue;
    // a temporary of the branch: assigned once, there, read only after it there
    if (s.target === target || (assigns.get(s.target) ?? []).some((x) => x !== s)) return undefined;
    const read = readers.get(s.target) ?? [];
    if (read.some((r) => !then.has(r) || branch.then.indexOf(r) <= at)) return undefined;
  }
  // nothing else assigns it, nothing reads it differentiably, the branch's `mx = e` included (`mx = mx + v` accumulates)
  for (const s of inside.get(loop)!) {
    if (s.k === 'assign' && s.target === target && s !== pick) return undefined;
    if (!isDiff(s, activity)) continue;
    if (s.k === 'assign' && exprOperands(s.expr).some((a) => atomVar(a) === target)) return undefined;
    if (s.k === 'store' && atomVar(s.value) === target) return undefined;
  }
  return target;
}

/** Nothing in `loop` but the branch's selection has adjoint work (see the file's comment). */
function alone(loop: Loop, branch: Stmt & { k: 'if' }, target: Var, { activity, facts, assigns, readers, inside }: Uses): boolean {
  if (loop.body[loop.body.length - 1] !== branch || (facts.inductions.get(loop) ?? []).length > 0) return false;
  // the iteration's statements in order, the branch's between the body's and the update
  const steps: Stmt[] = [...loop.pre, ...loop.body.slice(0, -1), ...branch.then, ...loop.update];
  const inLoop = new Set<Stmt>([...steps, branch]);
  if (inside.get(loop)!.some((s) => !inLoop.has(s))) return false;
  if (steps.some((s) => !untaped(s, facts))) return false;
  for (const [at, s] of steps.entries()) {
    if (!isDiff(s, activity)) continue;
    const a = s as Assign;
    for (const u of exprOperands(a.expr).map(atomVar)) {
      if (!u || !activity.active.has(u)) continue;
      const sites = (assigns.get(u) ?? []).filter((x) => inLoop.has(x));
      // assigned in the loop: once, earlier in the same iteration
      if (sites.length > 1 || (sites.length === 1 && steps.indexOf(sites[0]) >= at)) return false;
    }
    if (a.target === target) continue;
    // a temporary of one iteration: nothing outside the loop reads it differentiably
    if ((readers.get(a.target) ?? []).some((r) => !inLoop.has(r) && isDiff(r, activity))) return false;
    if ((assigns.get(a.target) ?? []).some((x) => inLoop.has(x) && x !== s)) return false;
  }
  return true;
}
