/**
 * Reverse-mode code for private arrays (analyzeBuffers.ts): one adjoint buffer per array variable,
 * primal arrays refilled, a state and a step's temporary swapped. reverseMode.ts calls these
 * where a private array is given an array.
 *
 *   forward:  k1 = k1 !== undefined && k1.length === n ? k1 : new Array(n).fill(0);
 *             if (k1_b.length < k1.length) k1_b = new Float64Array(k1.length);
 *             _swap = x; x = next; next = _swap;   (and x_b, next_b)
 *   reverse:  k1_b.fill(0) where the array's stores do not clear it; the swap undone
 */
import { accumulate, assign, call, type CExpr, countUp, type CStmt, exprStmt, id, index, member, n } from '../code.js';
import { type Atom, type Expr, type IRFunction, type Stmt, type Var, walk } from '../ir.js';
import type { NameScope } from '../naming.js';
import { type ActivityInfo, differentiated } from './analyzeActivity.js';
import type { Buffers } from './analyzeBuffers.js';
import { primal, reuseArray, zeros, zerosLike } from './irCode.js';

type Assign = Stmt & { k: 'assign' };
type NewArray = Expr & { k: 'newArray' };

export class BufferCode {
  /** The temporary of the swaps, once one is generated (declared with the locals). */
  swapName?: string;
  private readonly cleared = new Map<Var, boolean>();
  /** Private arrays a swap hands an array to (the steps' temporaries). */
  private readonly swappedIn: ReadonlySet<Var>;
  /** The private arrays: their primal arrays are refilled (in plain steps of checkpointed loops too). */
  readonly reused: ReadonlySet<Var>;

  constructor(
    private readonly fn: IRFunction,
    private readonly activity: ActivityInfo,
    private readonly buffers: Buffers,
    private readonly names: NameScope,
    private readonly adj: (v: Var) => CExpr,
  ) {
    this.reused = buffers.private;
    this.swappedIn = new Set([...buffers.moves].map((m) => ((m as Assign).expr as Expr & { k: 'atom' }).a).map((a) => (a as Atom & { k: 'var' }).v));
  }

  /** The forward sweep of `s` where it gives a private array an array (an allocation or a swap); undefined elsewhere. */
  forward(s: Assign, depth: number): CStmt[] | undefined {
    if (this.buffers.private.has(s.target) && s.expr.k === 'newArray') return this.allocate(s.target, s.expr, depth);
    return this.buffers.moves.has(s) ? this.swap(s, true) : undefined;
  }

  /** The reverse sweep of `s` where it gives a private array an array; undefined elsewhere. */
  reverse(s: Assign): CStmt[] | undefined {
    if (this.buffers.private.has(s.target) && s.expr.k === 'newArray') return this.reverseAllocate(s, s.expr);
    return this.buffers.moves.has(s) ? this.swap(s, false) : undefined;
  }

  /**
   * `v = new Array(n).fill(0)`: the array v held before is dead, so it is refilled when it has the
   * length wanted; the adjoint buffer grows to the longest array v holds (zeros until the reverse
   * sweep, which clears it again at each array's allocation). Outside loops, where v holds no
   * array yet unless a swap gave it one, a plain allocation.
   */
  private allocate(v: Var, e: NewArray, depth: number): CStmt[] {
    const out = [assign(id(v.name), depth === 0 && !this.swappedIn.has(v) ? primal(e) : reuseArray(v, e))];
    if (this.activity.active.has(v)) out.push(this.grow(v));
    return out;
  }

  /** The reverse of an allocation: the fill's adjoint; the buffer cleared for the array v held before. */
  private reverseAllocate(s: Assign, e: NewArray): CStmt[] {
    const v = s.target;
    if (!this.activity.active.has(v)) return [];
    const out = differentiated(this.activity, s) ? this.reverseFill(v, e) : [];
    // every element written next, and each write's reverse clears its element: clear already
    if (!e.written || !this.storesDifferentiated(v)) out.push(exprStmt(call(member(this.adj(v), 'fill'), n(0))));
    return out;
  }

  /** `new Array(n).fill(x)`: x's adjoint is the sum of the array's. */
  reverseFill(v: Var, e: NewArray): CStmt[] {
    if (e.fill.k !== 'var' || !this.activity.active.has(e.fill.v)) return [];
    const k = this.names.unique('_i');
    return [countUp(k, n(0), member(this.adj(v), 'length'), [accumulate(this.adj(e.fill.v), index(this.adj(v), id(k)))])];
  }

  /**
   * `x = next`, next dead after it: x's old array (dead too) goes to next, which refills it; their
   * adjoint buffers swap the same way (`forward`), and swap back in the reverse sweep.
   */
  private swap(s: Assign, forward: boolean): CStmt[] {
    const from = (s.expr as Expr & { k: 'atom' }).a as Atom & { k: 'var' };
    const swap = (this.swapName ??= this.names.unique('_swap'));
    const exchange = (a: CExpr, b: CExpr): CStmt[] => [assign(id(swap), a), assign(a, b), assign(b, id(swap))];
    const out = forward ? exchange(id(s.target.name), id(from.v.name)) : [];
    if (!this.activity.active.has(s.target)) return out;
    if (this.activity.active.has(from.v)) out.push(...exchange(this.adj(s.target), this.adj(from.v)));
    // next carries no derivative (x gets its derivative from later writes): x's buffer starts here
    else out.push(forward ? this.grow(s.target) : exprStmt(call(member(this.adj(s.target), 'fill'), n(0))));
    return out;
  }

  /** The adjoint buffer, grown to its array's length if shorter (zeros in the forward sweep). */
  private grow(v: Var): CStmt {
    const length = member(id(v.name), 'length');
    return { k: 'if', cond: { k: 'bin', op: '<', a: member(this.adj(v), 'length'), b: length }, then: [assign(this.adj(v), zeros(length))], else: [] };
  }

  private storesDifferentiated(v: Var): boolean {
    let all = this.cleared.get(v);
    if (all === undefined) {
      all = true;
      walk(this.fn.body, (s) => {
        if (s.k === 'store' && s.arr === v && !differentiated(this.activity, s)) all = false;
      });
      this.cleared.set(v, all);
    }
    return all;
  }
}

/** The adjoint of an array variable given a fresh array (or, for objects, a value with no adjoint of its own). */
export function freshAdjoint(v: Var): CExpr {
  const length = member(id(v.name), 'length');
  if (v.arrayType === 'rows') return { k: 'new', callee: id('Array'), args: [length] };
  if (v.arrayType === 'record' || v.arrayType === 'objects') return zerosLike(id(v.name));
  return v.growable ? call(member({ k: 'new', callee: id('Array'), args: [length] }, 'fill'), n(0)) : zeros(length);
}

/** `const A_b = new Array(A.length); for (…) A_b[k] = new Float64Array(A[k].length)`: zeros shaped like A, rows of A's row type. */
export function rowsOfZeros(name: string, v: Var): CStmt[] {
  const k = `${name}_k`;
  const length = member(index(id(v.name), id(k)), 'length');
  const row: CExpr = v.row === 'numarr' ? call(member({ k: 'new', callee: id('Array'), args: [length] }, 'fill'), n(0)) : zeros(length);
  return [
    { k: 'let', decls: [{ name, init: { k: 'new', callee: id('Array'), args: [member(id(v.name), 'length')] } }], isConst: true },
    countUp(k, n(0), member(id(v.name), 'length'), [assign(index(id(name), id(k)), row)]),
  ];
}
