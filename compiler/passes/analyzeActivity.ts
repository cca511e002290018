/**
 * Activity analysis: a variable is active when it is *varied* (depends on a selected parameter)
 * and *useful* (the result depends on it). Only active variables get adjoints; everything else is
 * plain primal code in both sweeps. Varied is a flow-insensitive fixpoint over the whole function;
 * useful is a liveness, flow-aware: a value overwritten before any use, or never used, is not
 * useful, and the assignment that computes it is *inert* (no derivative code at all). An array is
 * one variable, except that a store at a constant index overwrites that one element.
 *
 *   f(x, n) { let s = 0; for (i…) { const k = i * n; s += Math.sin(x * k) } return s }
 *   varied: x, _t(x*k), _t(sin), s        useful: s, _t(sin), _t(x*k), x, k
 *   active: x, _t(x*k), _t(sin), s        (k and i: no adjoint)
 *
 *   g(x) { let d = Math.exp(1000 * x); d = 0; return x * x + d }
 *   active: x, d, …   inert: d = exp(_t0), whose adjoint is 0: its derivative code would be
 *   0 · exp(1000x) = 0 · ∞ = NaN
 */
import { type Atom, type Expr, type IRFunction, type Stmt, type Var, walk } from '../ir.js';
import { zeroDerivative } from '../rules.js';

export interface ActivityInfo {
  readonly active: ReadonlySet<Var>;
  /**
   * Assignments of active numbers, and stores into active arrays, whose value reaches the result
   * through no derivative (dead for differentiation): they get no derivative code.
   */
  readonly inert: ReadonlySet<Stmt>;
}

/** Whether a statement gets derivative code: it writes an active variable, and the value written is useful. */
export function differentiated(activity: ActivityInfo, s: Stmt & { k: 'assign' | 'store' }): boolean {
  return activity.active.has(s.k === 'assign' ? s.target : s.arr) && !activity.inert.has(s);
}

/** The operands through which a derivative flows (empty for comparisons, floor, length, …). */
export function differentiableOperands(e: Expr): Atom[] {
  switch (e.k) {
    case 'atom':
      return [e.a];
    case 'bin':
      return ['+', '-', '*', '/', '%', '**'].includes(e.op) ? [e.a, e.b] : [];
    case 'un':
      return e.op === '-' ? [e.a] : [];
    case 'select':
      return [e.a, e.b];
    case 'math':
      return zeroDerivative.has(e.fn) ? [] : [...e.args];
    case 'load':
      return [{ k: 'var', v: e.arr }];
    case 'field':
      return [{ k: 'var', v: e.obj }];
    case 'newArray':
      return [e.fill];
    case 'length':
    case 'call':
      return [];
    case 'custom':
    case 'userCall':
      return [...e.args];
  }
}

export const canHoldDerivative = (v: Var): boolean => !v.outer && !v.constant && v.kind !== 'bool' && v.arrayType !== 'int' && v.row !== 'int';

/** `seeds`: further variables that carry a derivative from the start (jit's leaf-sum buffers). */
export function analyzeActivity(fn: IRFunction, seeds: readonly Var[] = []): ActivityInfo {
  // edges: from → to, meaning "to's value depends differentiably on from's"
  const edges: [Var, Var][] = [];
  walk(fn.body, (s) => {
    if (s.k === 'assign') {
      for (const a of differentiableOperands(s.expr)) if (a.k === 'var') edges.push([a.v, s.target]);
    } else if (s.k === 'store' && s.value.k === 'var') {
      edges.push([s.value.v, s.arr]);
    }
  });
  const varied = reach([...fn.params.filter((p) => p.selected).map((p) => p.v), ...seeds], edges, false);
  const { useful, live } = liveness(fn);
  const active = new Set([...varied].filter((v) => useful.has(v) && canHoldDerivative(v)));
  const inert = new Set<Stmt>();
  walk(fn.body, (s) => {
    const written = s.k === 'assign' ? s.target : s.k === 'store' ? s.arr : undefined;
    // an array's allocation stays: its adjoint array must exist for the stores and loads that follow
    if (written && active.has(written) && !live.has(s) && !(s.k === 'assign' && written.kind === 'array')) inert.add(s);
  });
  return { active, inert };
}

/**
 * What can be live: a variable (for an array, every element), or one element of an array at a
 * constant index (`a[0] = e` overwrites only a[0]; `[x, y]` literals are stored this way).
 */
type Key = Var | string;
const element = (arr: Var, index: number): string => `${arr.id}[${index}]`;

/**
 * Backward liveness of derivatives: which variables' current values reach the result through
 * differentiable operations. `live`: the assignments and stores whose value does; `useful`: the
 * variables live somewhere.
 */
function liveness(fn: IRFunction): { useful: Set<Var>; live: Set<Stmt> } {
  const live = new Set<Stmt>();
  const useful = new Set<Var>();
  const gen = (into: Set<Key>, a: Atom, index?: Atom): void => {
    if (a.k !== 'var' || !canHoldDerivative(a.v)) return;
    into.add(index?.k === 'const' ? element(a.v, Number(index.value)) : a.v);
    useful.add(a.v);
  };
  /** Some element of `arr` is live (constant-index keys start with its id). */
  const anyElement = (set: ReadonlySet<Key>, arr: Var): boolean =>
    set.has(arr) || [...set].some((k) => typeof k === 'string' && k.startsWith(`${arr.id}[`));
  const block = (stmts: readonly Stmt[], after: ReadonlySet<Key>): ReadonlySet<Key> => {
    let out = after;
    for (let i = stmts.length - 1; i >= 0; i--) out = stmt(stmts[i], out);
    return out;
  };
  const stmt = (s: Stmt, after: ReadonlySet<Key>): ReadonlySet<Key> => {
    switch (s.k) {
      case 'assign': {
        const v = s.target;
        if (v.kind === 'array' ? !anyElement(after, v) : !after.has(v)) return after;
        live.add(s);
        // a fresh array replaces all its elements
        const before = new Set([...after].filter((k) => k !== v && !(v.kind === 'array' && typeof k === 'string' && k.startsWith(`${v.id}[`))));
        const e = s.expr;
        if (e.k === 'load') gen(before, { k: 'var', v: e.arr }, e.sub ? undefined : e.index);
        else for (const a of differentiableOperands(e)) gen(before, a);
        return before;
      }
      case 'store': {
        const at = s.index.k === 'const' && !s.sub ? element(s.arr, Number(s.index.value)) : undefined;
        if (!(at ? after.has(s.arr) || after.has(at) : anyElement(after, s.arr))) return after;
        live.add(s);
        const before = new Set(after);
        if (at) before.delete(at); // the whole array may still be live: then the store kills nothing
        gen(before, s.value);
        return before;
      }
      case 'if':
        return new Set([...block(s.then, after), ...block(s.else, after)]);
      case 'loop': {
        // live at the loop's head: the exit's, and what the next iteration needs; grows to a fixpoint
        let head: ReadonlySet<Key> = new Set();
        for (;;) {
          const next = block(s.pre, new Set([...after, ...block(s.body, block(s.update, head))]));
          if (next.size === head.size) return next;
          head = next;
        }
      }
    }
  };
  const atEnd = new Set<Key>();
  gen(atEnd, { k: 'var', v: fn.result });
  block(fn.body, atEnd);
  return { useful, live };
}

function reach(seeds: Var[], edges: [Var, Var][], backward: boolean): Set<Var> {
  const next = new Map<Var, Var[]>();
  for (const [from, to] of edges) {
    const [a, b] = backward ? [to, from] : [from, to];
    if (!next.has(a)) next.set(a, []);
    next.get(a)!.push(b);
  }
  const seen = new Set<Var>(seeds.filter(canHoldDerivative));
  const stack = [...seen];
  while (stack.length > 0) {
    for (const w of next.get(stack.pop()!) ?? []) {
      if (!seen.has(w) && canHoldDerivative(w)) {
        seen.add(w);
        stack.push(w);
      }
    }
  }
  return seen;
}
