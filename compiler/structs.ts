/**
 * Structured parameters at the edges of generated functions. Inside, a struct parameter is one IR
 * parameter per leaf (`params_W`, `params_b`); at the boundary the function takes the object and
 * reads its leaves, and returns derivatives as objects of the same shape (JAX's pytrees).
 *
 *   function loss_grad(params, x) { let params_W = params.W, params_b = params.b; … return { W: params_W_b, b: params_b_b }; }
 */
import { type CExpr, type CStmt, id, member } from './code.js';
import type { IRFunction, Param, StructParam } from './ir.js';

const structOf = (fn: IRFunction, p: Param): StructParam | undefined => fn.structs?.find((s) => s.leaves.some((l) => l.v === p.v));

const field = (obj: CExpr, path: readonly string[]): CExpr => path.reduce((e, name) => member(e, name), obj);

/**
 * The generated function's parameters for the IR parameters of `fn`: `leaf(p)` names each
 * counterpart (the parameter itself, or its tangent) and says whether to read it from its object.
 */
export function gatherParams(
  fn: IRFunction,
  leaf: (p: Param) => { readonly name: string; readonly read: boolean },
  objectName: (s: StructParam) => string,
): { names: string[]; prologue: CStmt[] } {
  const names: string[] = [];
  const prologue: CStmt[] = [];
  const done = new Set<StructParam>();
  for (const p of fn.params) {
    const s = structOf(fn, p);
    if (!s) {
      names.push(leaf(p).name);
      continue;
    }
    if (done.has(s)) continue;
    done.add(s);
    const obj = objectName(s);
    names.push(obj);
    for (const l of s.leaves) {
      const counterpart = leaf(fn.params.find((q) => q.v === l.v)!);
      if (counterpart.read) prologue.push({ k: 'let', decls: [{ name: counterpart.name, init: field(id(obj), l.path) }] });
    }
  }
  return { names, prologue };
}

/** The user's function's parameters, each as its IR parameters (a struct's leaves, or itself). */
export function userParams(fn: IRFunction): Param[][] {
  const groups: Param[][] = [];
  const done = new Set<StructParam>();
  for (const p of fn.params) {
    const s = structOf(fn, p);
    if (!s) groups.push([p]);
    else if (!done.has(s)) {
      done.add(s);
      groups.push(s.leaves.map((l) => fn.params.find((q) => q.v === l.v)!));
    }
  }
  return groups;
}

/**
 * One value per parameter of the user's function, struct parameters as nested object literals of
 * their leaves' values (`value(leaf)`); `selected`: some leaf is differentiated.
 */
export function perParam(fn: IRFunction, value: (p: Param) => CExpr): { readonly selected: boolean; readonly expr: CExpr }[] {
  const out: { selected: boolean; expr: CExpr }[] = [];
  const done = new Set<StructParam>();
  for (const p of fn.params) {
    const s = structOf(fn, p);
    if (!s) {
      out.push({ selected: p.selected, expr: p.selected ? value(p) : id('null') });
      continue;
    }
    if (done.has(s)) continue;
    done.add(s);
    const leaves = s.leaves.map((l) => ({ path: l.path, p: fn.params.find((q) => q.v === l.v)! }));
    out.push({ selected: leaves.some((l) => l.p.selected), expr: nest(leaves.map((l) => ({ path: l.path, e: l.p.selected ? value(l.p) : id('null') })), 0) });
  }
  return out;
}

function nest(leaves: readonly { path: readonly string[]; e: CExpr }[], depth: number): CExpr {
  const keys = [...new Set(leaves.map((l) => l.path[depth]))];
  return {
    k: 'object',
    props: keys.map((name) => {
      const under = leaves.filter((l) => l.path[depth] === name);
      return { name, value: under.length === 1 && under[0].path.length === depth + 1 ? under[0].e : nest(under, depth + 1) };
    }),
  };
}
