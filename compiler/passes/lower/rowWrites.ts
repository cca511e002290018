/**
 * Arrays of arrays written in place (`M[i][j] = v`, row swaps `[M[k], M[p]] = [M[p], M[k]]`) are
 * followed as one array: every store is a store into M, every read of an element a load from M.
 * That holds only while M's rows are reached through M alone, so the lowering checks, once the
 * function is lowered, that
 *   - M is a fresh array of this function, named by no other variable;
 *   - a row read out of M by reference (`const row = M[k]`) is only stored back into M (a swap)
 *     or asked its length;
 *   - a row stored into M is M's own (a swap) or a fresh array used for nothing else.
 * What breaks a rule gets a diagnostic saying to index M[i][j] throughout.
 */
import type * as TS from 'typescript';
import { unsupported } from '../../diagnostics.js';
import { type Atom, exprOperands, type Stmt, type Var, walk } from '../../ir.js';

type Use = { readonly k: 'length' } | { readonly k: 'read' } | { readonly k: 'element' } | { readonly k: 'built' } | { readonly k: 'storedInto'; readonly arr: Var; readonly sub: boolean };

export function checkRowWrites(body: readonly Stmt[], written: ReadonlyMap<Var, TS.Node>): void {
  if (written.size === 0) return;
  const uses = new Map<Var, Use[]>();
  const defs = new Map<Var, (Stmt & { k: 'assign' })[]>();
  const use = (a: Atom | undefined, u: Use): void => {
    if (a?.k !== 'var') return;
    uses.set(a.v, [...(uses.get(a.v) ?? []), u]);
  };
  walk(body, (s) => {
    if (s.k === 'assign') {
      defs.set(s.target, [...(defs.get(s.target) ?? []), s]);
      const e = s.expr;
      if (e.k === 'length') use({ k: 'var', v: e.arr }, { k: 'length' });
      else if (e.k === 'load') {
        use({ k: 'var', v: e.arr }, { k: 'element' });
        use(e.index, { k: 'read' });
        use(e.sub, { k: 'read' });
      } else for (const a of exprOperands(e)) use(a, { k: 'read' });
    } else if (s.k === 'store') {
      use({ k: 'var', v: s.arr }, { k: 'built' });
      use(s.index, { k: 'read' });
      use(s.sub, { k: 'read' });
      use(s.value, { k: 'storedInto', arr: s.arr, sub: !!s.sub });
    } else if (s.k === 'if') {
      use(s.cond, { k: 'read' });
    } else {
      use(s.cond, { k: 'read' });
    }
  });
  const fresh = (v: Var): boolean => (defs.get(v) ?? []).every((d) => d.expr.k === 'newArray');
  const rowOf = (v: Var, M: Var): boolean => (defs.get(v) ?? []).some((d) => d.expr.k === 'load' && d.expr.arr === M && !d.expr.sub);
  for (const [M, at] of written) {
    const name = M.node && 'name' in M.node ? (M.node as { name: TS.Node }).name.getText() : M.name;
    const fail = (what: string): never => unsupported(at, `writing into '${name}', an array of arrays ${what}`, `index it as ${name}[i][j] throughout (copy a row with ${name}[i].slice() to read it on its own)`);
    if (!fresh(M)) fail('that is not a fresh array of this function');
    if ((uses.get(M) ?? []).some((u) => u.k === 'read' || u.k === 'storedInto')) fail('that another variable also names');
    for (const [v, list] of uses) {
      if (rowOf(v, M) && list.some((u) => u.k !== 'length' && !(u.k === 'storedInto' && u.arr === M && !u.sub))) {
        fail(`whose rows are also read by reference (for…of, map, reduce, const row = ${name}[i])`);
      }
      const stored = list.filter((u) => u.k === 'storedInto' && u.arr === M && !u.sub);
      if (stored.length === 0 || rowOf(v, M)) continue;
      if (!fresh(v) || stored.length > 1 || list.some((u) => u.k === 'read' || u.k === 'element' || (u.k === 'storedInto' && u !== stored[0]))) {
        fail('holding a row that is also named elsewhere');
      }
    }
  }
}
