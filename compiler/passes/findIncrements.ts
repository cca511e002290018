/**
 * Increments of an array element, `A[i] += e` (or `-= e`), which the IR spells as a load, a sum
 * and a store of the same element:
 *
 *   _t1 = A[i]; _t2 = e…; _t3 = _t1 + _t2; A[i] = _t3
 *
 * Reversed statement by statement, that zeroes A's adjoint element, moves it through two
 * temporaries and adds it back. Its adjoint is A_b[i] unchanged and e_b += A_b[i] (−= for `-=`):
 * reverseMode emits that alone for the store, and nothing for the load and the sum, whose
 * temporaries are read nowhere else. Found with `optimize` on (analyzeSaves).
 */
import { type Atom, atomVar, type IRFunction, type Stmt, type Var, useSites } from '../ir.js';

type Assign = Stmt & { k: 'assign' };

export interface Increment {
  readonly load: Assign;
  readonly sum: Assign;
  /** What is added to the element (`e`). */
  readonly delta: Atom;
  /** −1 for `A[i] = A[i] - e`. */
  readonly sign: 1 | -1;
}

/** The increments of `fn`, by their store. */
export function findIncrements(fn: IRFunction): Map<Stmt, Increment> {
  const { assigns, readers } = useSites(fn.body);
  const params = new Set(fn.params.map((p) => p.v));
  // a temporary: a number assigned once and read once, by the statement that follows it in the pattern
  const temp = (v: Var): boolean => v.kind === 'num' && !params.has(v) && !v.outer && v !== fn.result && assigns.get(v)?.length === 1 && readers.get(v)?.length === 1;
  const found = new Map<Stmt, Increment>();
  const visit = (block: readonly Stmt[]): void => {
    block.forEach((s, at) => {
      if (s.k === 'if') {
        visit(s.then);
        visit(s.else);
      } else if (s.k === 'loop') {
        visit(s.pre);
        visit(s.body);
        visit(s.update);
      } else if (s.k === 'store') {
        const inc = incrementAt(block, at, temp);
        if (inc) found.set(s, inc);
      }
    });
  };
  visit(fn.body);
  return found;
}

function incrementAt(block: readonly Stmt[], at: number, temp: (v: Var) => boolean): Increment | undefined {
  const store = block[at];
  if (store.k !== 'store' || store.sub || store.append || store.arr.arrayType === 'rows' || store.value.k !== 'var' || !temp(store.value.v)) return undefined;
  const sumAt = findAssign(block, at, store.value.v);
  const sum = block[sumAt] as Assign | undefined;
  if (!sum || sum.expr.k !== 'bin' || (sum.expr.op !== '+' && sum.expr.op !== '-')) return undefined;
  const { a, b, op } = sum.expr;
  const loadOf = (x: Atom): number => (x.k === 'var' && temp(x.v) ? findAssign(block, sumAt, x.v) : -1);
  let loadAt = loadOf(a);
  let delta = b;
  let sign: 1 | -1 = op === '+' ? 1 : -1;
  if (!isLoadOf(block[loadAt], store) && op === '+') {
    loadAt = loadOf(b);
    delta = a;
    sign = 1;
  }
  if (loadAt < 0 || !isLoadOf(block[loadAt], store)) return undefined;
  // between the load and the store: plain assignments that change neither the index nor any array
  const index = atomVar(store.index);
  for (let k = loadAt + 1; k < at; k++) {
    const s = block[k];
    if (s.k !== 'assign' || s.target === index || s.target.kind !== 'num') return undefined;
    if (s.expr.k === 'call' || s.expr.k === 'userCall' || s.expr.k === 'custom') return undefined;
  }
  return { load: block[loadAt] as Assign, sum, delta, sign };
}

/** The place in `block`, before `before`, of the assignment of `v` (-1 if none). */
function findAssign(block: readonly Stmt[], before: number, v: Var): number {
  for (let k = before - 1; k >= 0; k--) {
    const s = block[k];
    if (s.k === 'assign' && s.target === v) return k;
  }
  return -1;
}

function isLoadOf(s: Stmt | undefined, store: Stmt & { k: 'store' }): boolean {
  if (!s || s.k !== 'assign' || s.expr.k !== 'load' || s.expr.sub || s.expr.arr !== store.arr) return false;
  return sameAtom(s.expr.index, store.index);
}

function sameAtom(x: Atom, y: Atom): boolean {
  if (x.k === 'var' || y.k === 'var') return x.k === 'var' && y.k === 'var' && x.v === y.v;
  return x.value === y.value;
}
