/**
 * Arrays of arrays built in the function and then only read: a row read out of one after its
 * last store is the same row, holding the same numbers, when the reverse sweep reads it again, so
 * the row and the loads through it are recomputed rather than taped (analyzeSaves' rematerialized
 * references). ADBench's GMM written with `map`s builds `ltris = icf.map((row) => row.slice(d))`
 * once and reads `ltris[k][j]` for every sample: a taped load per element before.
 *
 * A container C qualifies when nothing but loads can reach it or its rows:
 *   - C is one fresh array (assigned once, outside loops), never handed on (copied, passed,
 *     stored, returned: plainArrays' sense);
 *   - each array stored into C as a row is handed on nowhere else;
 *   - each row read out of C (`row = C[k]`) is handed on nowhere and never stored into.
 * Then only two kinds of stores change what C's rows hold: stores into C (a row put in, or an
 * element of a row, `C[k][j] = v`) and stores into the arrays put in as rows, by their own names.
 * `frozenRows` gives those stores for each such C; C is frozen at a statement that all of them
 * precede in program order, in no loop around both.
 */
import { atomVar, type IRFunction, type Stmt, type Var, walk } from '../ir.js';
import { handsOn } from './analyzeBuffers.js';

export function frozenRows(fn: IRFunction): Map<Var, readonly Stmt[]> {
  const handed = new Map<Var, Stmt[]>();
  const assigns = new Map<Var, { s: Stmt; inLoop: boolean }[]>();
  const storesInto = new Map<Var, Stmt[]>();
  const readOut = new Map<Var, Var[]>();
  const add = <T>(m: Map<Var, T[]>, v: Var, x: T): void => {
    const list = m.get(v);
    if (list) list.push(x);
    else m.set(v, [x]);
  };
  walk(fn.body, (s, loops) => {
    for (const a of handsOn(s)) {
      const v = a && atomVar(a);
      if (v?.kind === 'array') add(handed, v, s);
    }
    if (s.k === 'assign') {
      add(assigns, s.target, { s, inLoop: loops.length > 0 });
      if (s.expr.k === 'load' && !s.expr.sub && s.target.kind === 'array') add(readOut, s.expr.arr, s.target);
    }
    if (s.k === 'store') add(storesInto, s.arr, s);
  });
  const params = new Set(fn.params.map((p) => p.v));
  const local = (v: Var): boolean => !params.has(v) && !v.outer && v !== fn.result;
  const out = new Map<Var, readonly Stmt[]>();
  for (const [c, list] of assigns) {
    const [only] = list;
    if (c.kind !== 'array' || c.arrayType !== 'rows' || !local(c) || list.length !== 1 || only.inLoop || only.s.k !== 'assign' || only.s.expr.k !== 'newArray') continue;
    if (handed.has(c)) continue;
    const stores = storesInto.get(c) ?? [];
    // the arrays put in as rows: handed on only by these stores, as their value
    const rows = new Set<Var>();
    let ok = true;
    for (const t of stores) {
      if (t.k !== 'store' || t.sub !== undefined) continue;
      const r = atomVar(t.value);
      if (!r || r.kind !== 'array' || !local(r)) ok = false;
      else rows.add(r);
    }
    for (const r of rows) {
      if (!(handed.get(r) ?? []).every((t) => t.k === 'store' && t.arr === c && atomVar(t.value) === r)) ok = false;
    }
    // rows read out: only indexed
    for (const x of readOut.get(c) ?? []) {
      if (handed.has(x) || storesInto.has(x) || !local(x)) ok = false;
    }
    if (ok) out.set(c, [...stores, ...[...rows].flatMap((r) => storesInto.get(r) ?? [])]);
  }
  return out;
}
