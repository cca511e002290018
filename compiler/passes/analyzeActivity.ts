/**
 * Activity analysis: a variable is active when it is *varied* (depends on a selected parameter)
 * and *useful* (the result depends on it). Only active variables get adjoints; everything else is
 * plain primal code in both sweeps. Flow-insensitive fixpoints over the whole function; arrays
 * count as one variable.
 *
 *   f(x, n) { let s = 0; for (i…) { const k = i * n; s += Math.sin(x * k) } return s }
 *   varied: x, _t(x*k), _t(sin), s        useful: s, _t(sin), _t(x*k), x, k
 *   active: x, _t(x*k), _t(sin), s        (k and i: no adjoint)
 */
import { type Atom, type Expr, type IRFunction, type Var, walk } from '../ir.js';
import { zeroDerivative } from '../rules.js';

export interface ActivityInfo {
  readonly active: ReadonlySet<Var>;
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
    case 'newArray':
      return [e.fill];
    case 'length':
    case 'call':
      return [];
    case 'custom':
      return [...e.args];
  }
}

const canHoldDerivative = (v: Var): boolean => !v.outer && !v.constant && v.kind !== 'bool' && v.arrayType !== 'int';

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
  const useful = reach([fn.result], edges, true);
  const active = new Set([...varied].filter((v) => useful.has(v) && canHoldDerivative(v)));
  return { active };
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
