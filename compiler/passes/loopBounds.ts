/**
 * A counted loop's test as a bound on its counter (`i < n`, `i >= a + 1`, `i < x.length`): from
 * it the reverse sweep computes a loop's trip count, or where its reverse starts, instead of
 * keeping them (analyzeSaves' boundedCounts, sweepState's tripCount and firstIndex).
 */
import { type Atom, atomVar, type Loop, type Var } from '../ir.js';

/** `i < bound` (`<=`, `>`, `>=`); `length`: the bound is that array's length, read in the loop's test (`i < x.length`). */
export interface Bound {
  readonly op: '<' | '<=' | '>' | '>=';
  readonly bound: Atom;
  readonly length?: Var;
}

/** A counted loop's test `counter < bound` (or <=, >, >= in the counter's direction), if that is all its condition does. */
export function boundOf(loop: Loop): Bound | undefined {
  const test = loop.pre[loop.pre.length - 1];
  const c = loop.canonical;
  if (!c || test?.k !== 'assign' || loop.cond.k !== 'var' || test.target !== loop.cond.v) return undefined;
  const e = test.expr;
  if (e.k !== 'bin' || atomVar(e.a) !== c.counter || atomVar(e.b) === c.counter) return undefined;
  // the test alone, or `_t = x.length` before it
  const [before, ...more] = loop.pre.slice(0, -1);
  let length: Var | undefined;
  if (before) {
    if (more.length > 0 || before.k !== 'assign' || before.expr.k !== 'length' || atomVar(e.b) !== before.target) return undefined;
    length = before.expr.arr;
  }
  if (c.step > 0 && (e.op === '<' || e.op === '<=')) return { op: e.op, bound: e.b, length };
  if (c.step < 0 && (e.op === '>' || e.op === '>=')) return { op: e.op, bound: e.b, length };
  return undefined;
}
