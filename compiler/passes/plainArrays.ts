/**
 * Arrays that only one name reaches: a parameter or a fresh array of numbers (`new
 * Float64Array(n)`, `[]`, …) that is never handed on — not copied to another variable, passed to a
 * call, stored in an array or returned. Whatever changes its elements is then a store into that
 * variable, which the passes can see. Parameters the function writes into are copies by the time
 * the generated code writes (copyWrittenParams), so two parameters given the same array do not
 * alias either.
 */
import { type IRFunction, type Var, walk } from '../ir.js';
import { FLAT, handsOn } from './analyzeBuffers.js';

export function plainArrays(fn: IRFunction): Set<Var> {
  const handed = new Set<Var>([fn.result]);
  const assigned = new Set<Var>();
  walk(fn.body, (s) => {
    for (const a of handsOn(s)) if (a?.k === 'var' && a.v.kind === 'array') handed.add(a.v);
    if (s.k === 'assign' && s.target.kind === 'array') {
      assigned.add(s.target);
      if (s.expr.k !== 'newArray') handed.add(s.target);
    }
  });
  const params = new Set(fn.params.map((p) => p.v));
  return new Set([...params, ...fn.locals].filter((v) =>
    v.kind === 'array' && FLAT.has(v.arrayType ?? '') && !v.growable && !v.outer && !handed.has(v) && (params.has(v) ? !assigned.has(v) : true)));
}
