/**
 * Induction variables: a number that a counted loop steps by an integer constant once per
 * iteration and that only indexes arrays there. The reverse sweep recomputes it from the loop's
 * counter instead of saving it every iteration (and then the loads it indexes can be recomputed
 * too):
 *
 *   let idx = c * s + d;                          forward:  idx_start = idx before the b loop
 *   for (let a…) for (let b = a + 1; b < d; b++) {          (saved once per loop run, with its
 *     qx[b] += icf[idx] * centered[a];                      trip count)
 *     idx++;                                      reverse:  idx = idx_start + (b - (a + 1))
 *   }                                                       at the top of each reversed iteration
 *
 * Conditions, each needed for the recomputed value to be the one the forward sweep had:
 *   - one assignment inside the loop, `v = v + k` (or `v = v - k`, `v = k + v`) with k an integer
 *     constant, directly in the loop's body or update (so it runs every iteration), the loop
 *     counted with step ±1 (its counter gives the iteration number);
 *   - every read of v is inside that loop, before the step in the iteration (so it sees
 *     start + j·k), and every use is an index, index arithmetic or a copy used so: an integer
 *     start keeps start + j·k exact, and a start that is not an integer reads no element in
 *     either sweep.
 *
 * The value kept is v's value after the outermost loop around whose other statements never
 * assign v (`home`): the reverse sweep then steps v back one step per reversed iteration, so a
 * triangular nest keeps one value per run of the nest, not one per row:
 *
 *   idx = c * s + d;                              forward:  push idx after the a loop
 *   for (a…) for (b = a + 1; b < d; b++) {        reverse:  idx = pop before the reversed a loop;
 *     qx[b] += icf[idx] * centered[a]; idx++;               idx -= 1 at the top of each reversed
 *   }                                                       b iteration
 */
import { atomVar, type IRFunction, type Loop, type Stmt, type Var, useSites, walk } from '../ir.js';

export interface Induction {
  readonly v: Var;
  readonly loop: Loop & { canonical: NonNullable<Loop['canonical']> };
  /** Added to v each iteration. */
  readonly step: number;
  /** The assignment `v = v + step`. */
  readonly site: Stmt;
  /**
   * The outermost loop around `loop` (or `loop` itself) inside which nothing but the step assigns
   * v: v's value after it is kept (pushed, for a nested one), and the reverse sweep steps v back
   * from there, `v -= step` at the top of each reversed iteration of `loop`.
   */
  readonly home: Loop;
}

/** The induction variables of `fn` among loops whose counter the reverse sweep recomputes. */
export function findInductions(fn: IRFunction, counted: ReadonlySet<Loop>): Map<Var, Induction> {
  const order = new Map<Stmt, number>();
  const loopsOf = new Map<Stmt, readonly Loop[]>();
  const { assigns: sites, readers } = useSites(fn.body);
  walk(fn.body, (s, loops) => {
    order.set(s, order.size);
    loopsOf.set(s, [...loops]);
  });
  const params = new Set(fn.params.map((p) => p.v));

  // a value used only as an index, directly or through + - * into temporaries used so
  const indexOnlyMemo = new Map<Var, boolean>();
  const indexOnly = (v: Var, except: Stmt): boolean => {
    const memo = indexOnlyMemo.get(v);
    if (memo !== undefined) return memo;
    indexOnlyMemo.set(v, false);
    const ok = (readers.get(v) ?? []).every((r) => {
      if (r === except) return true;
      if (r.k === 'store') return (atomVar(r.index) === v || (r.sub !== undefined && atomVar(r.sub) === v)) && atomVar(r.value) !== v;
      if (r.k !== 'assign') return false;
      const e = r.expr;
      if (e.k === 'load') return atomVar(e.index) === v || (e.sub !== undefined && atomVar(e.sub) === v);
      // index arithmetic, or a copy (`L[k++]`: `_t = k; k = k + 1; … L[_t]`), into a temporary used so
      if (e.k === 'atom' || (e.k === 'bin' && (e.op === '+' || e.op === '-' || e.op === '*'))) {
        return (sites.get(r.target) ?? []).length === 1 && !params.has(r.target) && indexOnly(r.target, except);
      }
      return false;
    });
    indexOnlyMemo.set(v, ok);
    return ok;
  };

  const found = new Map<Var, Induction>();
  for (const loop of counted) {
    const c = loop.canonical;
    if (!c || (c.step !== 1 && c.step !== -1) || loop.parallel || loop.checkpoint) continue;
    for (const site of [...loop.body, ...loop.update]) {
      if (site.k !== 'assign' || site.expr.k !== 'bin') continue;
      const v = site.target;
      const e = site.expr;
      if (v.kind !== 'num' || v.outer || params.has(v) || v === c.counter || found.has(v)) continue;
      const [x, y] = [atomVar(e.a), atomVar(e.b)];
      let step: number | undefined;
      if (e.op === '+' && x === v && e.b.k === 'const') step = Number(e.b.value);
      else if (e.op === '+' && y === v && e.a.k === 'const') step = Number(e.a.value);
      else if (e.op === '-' && x === v && e.b.k === 'const') step = -Number(e.b.value);
      if (step === undefined || !Number.isInteger(step) || step === 0) continue;
      const inside = (s: Stmt): boolean => loopsOf.get(s)!.includes(loop);
      if ((sites.get(v) ?? []).some((s) => s !== site && inside(s))) continue;
      const at = order.get(site)!;
      if (!(readers.get(v) ?? []).every((r) => r === site || (inside(r) && order.get(r)! < at))) continue;
      if (!indexOnly(v, site)) continue;
      // climb while the enclosing loop assigns v nowhere but at the step (checkpointed and parallel
      // loops reverse their steps their own way: not crossed)
      const around = loopsOf.get(loop)!;
      let home: Loop = loop;
      for (let k = around.length - 1; k >= 0; k--) {
        const outer = around[k];
        if (outer.parallel || outer.checkpoint) break;
        const within = (s: Stmt): boolean => loopsOf.get(s)!.includes(outer);
        if ((sites.get(v) ?? []).some((s) => s !== site && within(s))) break;
        home = outer;
      }
      found.set(v, { v, loop: loop as Induction['loop'], step, site, home });
    }
  }
  return found;
}
