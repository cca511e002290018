/**
 * Loop-level saves, for analyzeSaves (with `optimize`): a saved number assigned inside a loop L
 * where nothing within L reads it in the reverse sweep needs no push at each assignment. The loop
 * saves it once on entry instead (a snapshot, popped after the loop's reverse), or not at all
 * where the assignment just before the loop sets it:
 *
 *   for (k…) sum += e        →   tape.push(sum) before the loop, tape.pop() after its reverse
 *   sum = 0; for (k…) sum += e   →   nothing saved: the value on entry is never read
 */
import { type Loop, type Stmt, type Var, walk } from '../ir.js';

/** An assignment, with the loops around it (outermost first). */
export interface Site {
  readonly stmt: Stmt & { k: 'assign' };
  readonly loops: readonly Loop[];
}

/** Each statement's block and its place there. */
export type Places = ReadonlyMap<Stmt, { readonly block: readonly Stmt[]; readonly at: number }>;

export interface SnapshotFacts {
  /** Every assignment of each variable. */
  readonly sites: ReadonlyMap<Var, readonly Site[]>;
  /** The statements whose reverse reads each variable. */
  readonly reads: ReadonlyMap<Var, readonly Stmt[]>;
  /** The loops around each statement. */
  readonly loopsOf: ReadonlyMap<Stmt, readonly Loop[]>;
  readonly places: Places;
}

/**
 * `covered`: the assignments of `saved` numbers that push nothing; `snapshots`: per loop, the
 * numbers it saves on entry.
 */
export function loopSnapshots(saved: ReadonlySet<Var>, { sites, reads, loopsOf, places }: SnapshotFacts): { covered: Set<Stmt>; snapshots: Map<Loop, Var[]> } {
  const covered = new Set<Stmt>();
  const snapshots = new Map<Loop, Var[]>();
  const inside = (s: Stmt, loop: Loop): boolean => s === loop || loopsOf.get(s)!.includes(loop);
  // `sum = 0; for (…) sum += e`: the loop's reverse is followed by that of the assignment just
  // before it, which reads no sum and restores the older value (pops it, or a loop around both
  // does, in whose reverse nothing reads sum; a declaration outside loops has none): the value
  // on entry, which a snapshot would put back, is never read
  const setJustBefore = (v: Var, loop: Loop): boolean => {
    const place = places.get(loop);
    const readers = reads.get(v) ?? [];
    // back over assignments of other variables whose reverses read no v (the loop's counter's start)
    for (let at = (place?.at ?? 0) - 1; at >= 0; at--) {
      const prev = place!.block[at];
      if (prev.k !== 'assign' || readers.includes(prev)) return false;
      if (prev.target === v) return true;
    }
    return false;
  };
  for (const v of saved) {
    if (v.kind === 'array') continue;
    for (const site of sites.get(v) ?? []) {
      const loop = site.loops.find((l) => !(reads.get(v) ?? []).some((r) => inside(r, l)));
      if (!loop) continue;
      covered.add(site.stmt);
      if (setJustBefore(v, loop)) continue;
      const list = snapshots.get(loop) ?? [];
      if (!list.includes(v)) list.push(v);
      snapshots.set(loop, list);
    }
  }
  return { covered, snapshots };
}

/** For each statement, its block and its place there. */
export function placesInBlocks(body: readonly Stmt[]): Map<Stmt, { block: readonly Stmt[]; at: number }> {
  const out = new Map<Stmt, { block: readonly Stmt[]; at: number }>();
  walk(body, (s, _loops, block, at) => out.set(s, { block, at }));
  return out;
}
