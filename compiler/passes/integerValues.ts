/**
 * Numbers that only ever hold integers (or ±∞, NaN): loop counters, lengths, indices computed from
 * them with + − * %, rounding, bitwise operations. Unlike integerVars (analyzeBuffers.ts: int32
 * values, for the integer stack) their size is not bounded: a sum or product of float64 integers
 * is an integer, since every float64 past 2^53 is one. Parameters are not assumed integers.
 *
 * Used where a formula is simpler for an integer: the first index of a reversed counted loop,
 * `for (b = Math.ceil(d) - 1; b >= a + 1; b--)` instead of going through its trip count.
 */
import { type Atom, type Expr, type IRFunction, type Stmt, type Var, walk } from '../ir.js';

const rounding = new Set(['floor', 'ceil', 'trunc', 'round', 'sign']);

export function integerValues(fn: IRFunction): ReadonlySet<Var> {
  return integersWhere(fn, Number.isInteger, (e, integer) => {
    if (e.k === 'math') return rounding.has(e.fn) || ((e.fn === 'abs' || e.fn === 'max' || e.fn === 'min') && e.args.every(integer));
    if (e.k === 'un') return e.op === '-' && integer(e.a);
    if (e.k !== 'bin') return false;
    if (['|', '&', '^', '<<', '>>', '>>>'].includes(e.op)) return true;
    return ['+', '-', '*', '%'].includes(e.op) && integer(e.a) && integer(e.b);
  });
}

/**
 * The numbers (parameters and module-level ones aside) every assignment of which gives an
 * integer: a length, an integer constant (`isInteger`) or variable, a select between those, or
 * what `more` accepts. Every candidate is assumed an integer, then those with another
 * assignment are dropped until none changes. Shared with analyzeBuffers.integerVars (int32 values).
 */
export function integersWhere(fn: IRFunction, isInteger: (x: number) => boolean, more: (e: Expr, integer: (a: Atom) => boolean) => boolean): ReadonlySet<Var> {
  const sites = new Map<Var, (Stmt & { k: 'assign' })[]>();
  walk(fn.body, (s) => {
    if (s.k === 'assign' && s.target.kind === 'num') sites.set(s.target, [...(sites.get(s.target) ?? []), s]);
  });
  for (const p of fn.params) sites.delete(p.v);
  const ints = new Set([...sites.keys()].filter((v) => !v.outer));
  const integer = (a: Atom): boolean => (a.k === 'const' ? typeof a.value === 'number' && isInteger(a.value) : ints.has(a.v));
  for (let changed = true; changed; ) {
    changed = false;
    for (const [v, list] of sites) {
      if (!ints.has(v)) continue;
      const ok = list.every(({ expr: e }) => {
        if (e.k === 'length') return true;
        if (e.k === 'atom') return integer(e.a);
        if (e.k === 'select') return integer(e.a) && integer(e.b);
        return more(e, integer);
      });
      if (!ok) {
        ints.delete(v);
        changed = true;
      }
    }
  }
  return ints;
}
