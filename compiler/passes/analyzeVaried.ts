/**
 * Varied, flow-sensitively: which assignments compute a value that, at that point of the program,
 * does not depend on the selected inputs. Activity (analyzeActivity.ts) is flow-insensitive: a
 * variable that is varied anywhere has a derivative everywhere. Here an assignment whose operands
 * carry no derivative *where it runs* is *constant*: forward mode gives its target a zero tangent
 * instead of differentiating the operation.
 *
 *   let a = 0; const h = Math.sqrt(a); a = x; return h + a * a;
 *   a is varied (a = x), so h = sqrt(a) was differentiated: h_dot = 0.5 / sqrt(0) · a_dot = ∞ · 0 = NaN.
 *   Here h = sqrt(a) is constant: a holds 0 when it runs, so h_dot = 0.
 *
 * Forward data flow over the structured IR: an assignment makes its target varied iff one of its
 * differentiable operands is varied there (a strong update), a store makes its array varied if the
 * value is (arrays stay varied once varied); branches join by union; loops iterate to a fixpoint,
 * and only the final pass, from the fixpoint, records constant assignments.
 */
import type { IRFunction, Stmt, Var } from '../ir.js';
import { canHoldDerivative, differentiableOperands } from './analyzeActivity.js';

export function constantAssignments(fn: IRFunction, seeds: readonly Var[] = []): ReadonlySet<Stmt> {
  const constant = new Set<Stmt>();
  const start = new Set([...fn.params.filter((p) => p.selected).map((p) => p.v), ...seeds].filter(canHoldDerivative));
  block(fn.body, start, constant);
  return constant;
}

type State = ReadonlySet<Var>;

/** The state after `body`; with `record`, notes the constant assignments met. */
function block(body: readonly Stmt[], state: State, record?: Set<Stmt>): State {
  let s = state;
  for (const stmt of body) s = step(stmt, s, record);
  return s;
}

function step(s: Stmt, state: State, record?: Set<Stmt>): State {
  switch (s.k) {
    case 'assign': {
      const varied = differentiableOperands(s.expr).some((a) => a.k === 'var' && state.has(a.v));
      const out = new Set(state);
      if (varied && canHoldDerivative(s.target)) {
        out.add(s.target);
      } else {
        out.delete(s.target);
        record?.add(s);
      }
      return out;
    }
    case 'store':
      if (s.value.k !== 'var' || !state.has(s.value.v) || state.has(s.arr) || !canHoldDerivative(s.arr)) return state;
      return new Set([...state, s.arr]);
    case 'if':
      return union(block(s.then, state, record), block(s.else, state, record));
    case 'loop': {
      // entry state: what holds before any iteration, widened by what an iteration leaves
      let entry = state;
      for (;;) {
        const after = block(s.update, block(s.body, block(s.pre, entry)));
        const next = union(entry, after);
        if (next.size === entry.size) break;
        entry = next;
      }
      const tested = block(s.pre, entry, record);
      block(s.update, block(s.body, tested, record), record);
      return tested;
    }
  }
}

function union(a: State, b: State): State {
  return a.size >= b.size && [...b].every((v) => a.has(v)) ? a : new Set([...a, ...b]);
}
