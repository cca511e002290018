/**
 * What one fused iteration (fuseSweeps.ts), its reverse part right after its forward part, no
 * longer needs.
 *
 * The tape between them. The forward part pushes at its top level
 * and the reverse part pops at its top level, mirrored, in the same iteration; such a pair needs
 * no tape when
 *   - nothing between the push and the pop writes the variable pushed: the pop reads it instead
 *     (`max_at` kept by the selection loop, read back by the reverse of the same sample);
 *   - or the pop restores a variable that nothing reads again before writing it (`sum`, which
 *     each sample sets to 0 first, and nothing after the loop reads): both go.
 *
 *   for (i …) { ints.push(max_at); floats.push(sum); sum = 0; …  …; sum = floats.pop(); max_at = ints.pop(); … }
 *   for (i …) { sum = 0; …  … }
 *
 * Pairs are matched by position: the top-level pushes and the statements holding pushes (loops,
 * branches) of the forward part, last first, against the top-level pops and the statements holding
 * pops of the reverse part, first first. Where the two lists do not line up one for one, that
 * stack is left as it is.
 *
 * Loads done again: the reverse part's `row = W[i]`, where `row` still holds `W[i]` from the
 * forward part (nothing between writes row, i, or W's elements).
 */
import { assign, type CExpr, type CStmt, children, mapExprsIn, samePure, walk } from '../code.js';
import type { BodyFacts } from './iterationFacts.js';
import { type Stack, stackOp } from './indexedTape.js';

/** `target`: a pop that is all of `target = pop()`; `nested`: one inside an expression (a loop's start, `ints.pop() - 1`). */
type Unit = { kind: 'push'; at: number; value: CExpr } | { kind: 'pop'; at: number; target?: string; nested?: boolean } | { kind: 'block' };

/**
 * `F` and `R` of a fused loop `for (…; cond; update) { F; R }`, with the pairs that need no tape
 * and the loads done again gone; `after`: the code that runs after the loop.
 */
export function fusedIteration(F: readonly CStmt[], R: readonly CStmt[], loop: CStmt & { k: 'for' }, after: readonly CStmt[], facts: BodyFacts, tape: string | undefined): { F: CStmt[]; R: CStmt[] } {
  let f = [...F];
  let r = [...R];
  if (tape === undefined) return { F: f, R: withoutReloads(f, r, facts) };
  const loopReads = new Set([...(loop.cond ? facts.reads(loop.cond) : []), ...(loop.update ? facts.reads(loop.update) : [])]);
  for (const stack of ['floats', 'ints'] as const) {
    for (let changed = true; changed; ) {
      changed = false;
      for (const [p, q] of pairs(f, r, stack, tape)) {
        const next = simplify(f, r, p, q, stack, tape, loopReads, after, facts);
        if (next) {
          [f, r] = next;
          changed = true;
          break;
        }
      }
    }
  }
  return { F: f, R: withoutReloads(f, r, facts) };
}

/** `R` without its top-level `x = E` where `x` already holds E: the same assignment came last, in F or R, and nothing since changed x or what E reads. */
function withoutReloads(F: readonly CStmt[], R: readonly CStmt[], facts: BodyFacts): CStmt[] {
  const body = [...F, ...R];
  const drop = new Set<number>();
  body.forEach((s, b) => {
    if (b < F.length || s.k !== 'assign' || s.op !== '=' || s.target.k !== 'id' || !samePure(s.value, s.value)) return;
    const x = s.target.name;
    const e = facts.effects.stmt(s);
    if (e.reads.has(x)) return;
    for (let a = b - 1; a >= 0; a--) {
      const t = body[a];
      if (drop.has(a)) continue;
      if (t.k === 'assign' && t.op === '=' && t.target.k === 'id' && t.target.name === x && samePure(t.value, s.value)) {
        drop.add(b);
        return;
      }
      const w = facts.effects.stmt(t);
      if (w.opaque || w.writes.has(x) || [...e.reads].some((r) => w.writes.has(r)) || (e.heapRead && w.heapWrite) || [...e.privateReads].some((g) => w.privateWrites.has(g))) return;
    }
  });
  return R.filter((_, at) => !drop.has(at + F.length));
}

/** The pair without the tape, or undefined where it needs it. */
function simplify(F: CStmt[], R: CStmt[], p: Unit & { kind: 'push' }, q: Unit & { kind: 'pop' }, stack: Stack, tape: string, loopReads: ReadonlySet<string>, after: readonly CStmt[], facts: BodyFacts): [CStmt[], CStmt[]] | undefined {
  const v = p.value;
  if (v.k !== 'id' && v.k !== 'num') return undefined;
  const f = F.filter((_, at) => at !== p.at);
  const between = facts.writes([...F.slice(p.at + 1), ...R.slice(0, q.at)]);
  if (v.k === 'num' || !between.has(v.name)) {
    // the value is still there
    const r = [...R];
    if (q.nested) r[q.at] = popRead(R[q.at], v, stack, tape);
    else if (q.target === undefined || (v.k === 'id' && q.target === v.name)) r.splice(q.at, 1);
    else r[q.at] = assign({ k: 'id', name: q.target }, v);
    return [f, r];
  }
  // a restore of a variable nothing reads before it is written again
  if (q.target !== v.name || loopReads.has(v.name)) return undefined;
  const rest = R.slice(q.at + 1);
  if (facts.exposedReads([...rest, ...f]).has(v.name) || facts.exposedReads([...rest, ...after]).has(v.name)) return undefined;
  return [f, R.filter((_, at) => at !== q.at)];
}

/** The push and pop pairs on `stack` where the forward and reverse parts line up, else none. */
function pairs(F: readonly CStmt[], R: readonly CStmt[], stack: Stack, tape: string): [Unit & { kind: 'push' }, Unit & { kind: 'pop' }][] {
  const forward: Unit[] = [];
  const reverse: Unit[] = [];
  for (const [at, s] of F.entries()) {
    const ops = opsIn(s, stack, tape);
    if (ops.pops > 0) return [];
    if (ops.pushes === 0) continue;
    if (s.k === 'expr' && op(s.e, stack, tape) === 'push' && s.e.k === 'call') forward.push({ kind: 'push', at, value: s.e.args[0] });
    else forward.push({ kind: 'block' });
  }
  for (const [at, s] of R.entries()) {
    const ops = opsIn(s, stack, tape);
    if (ops.pushes > 0) return [];
    if (ops.pops === 0) continue;
    if (s.k === 'expr' && op(s.e, stack, tape) === 'pop') reverse.push({ kind: 'pop', at });
    else if (s.k === 'assign' && s.op === '=' && s.target.k === 'id' && op(s.value, stack, tape) === 'pop') reverse.push({ kind: 'pop', at, target: s.target.name });
    else if (s.k === 'for' && s.init) {
      // its start (a trip count), then its body
      const start = opsIn(s.init, stack, tape).pops;
      if (start > 1) return [];
      if (start === 1) reverse.push({ kind: 'pop', at, nested: true });
      if (start < ops.pops) reverse.push({ kind: 'block' });
    } else if (s.k !== 'if' && s.k !== 'while' && s.k !== 'for' && ops.pops === 1) reverse.push({ kind: 'pop', at, nested: true });
    else reverse.push({ kind: 'block' });
  }
  forward.reverse();
  if (forward.length !== reverse.length || forward.some((u, k) => (u.kind === 'block') !== (reverse[k].kind === 'block'))) return [];
  const out: [Unit & { kind: 'push' }, Unit & { kind: 'pop' }][] = [];
  forward.forEach((u, k) => {
    const w = reverse[k];
    if (u.kind === 'push' && w.kind === 'pop') out.push([u, w]);
  });
  return out;
}

/** `s` reading `by` where its own expressions (a loop: its start) pop `stack`. */
function popRead(s: CStmt, by: CExpr, stack: Stack, tape: string): CStmt {
  const read = (x: CExpr): CExpr => (op(x, stack, tape) === 'pop' ? by : x);
  return s.k === 'for' ? { ...s, init: s.init && mapExprsIn([s.init], read)[0] } : mapExprsIn([s], read)[0];
}

/** How many pushes and pops of `stack` a statement makes in its text, nested code included. */
export function opsIn(s: CStmt, stack: Stack, tape: string): { pushes: number; pops: number } {
  const out = { pushes: 0, pops: 0 };
  const visit = (e: CExpr): void => {
    const o = op(e, stack, tape);
    if (o === 'push') out.pushes++;
    else if (o === 'pop') out.pops++;
    children(e).forEach(visit);
  };
  walk([s], () => true, visit);
  return out;
}

/** `tape.floats.push(…)` → 'push', `tape.floats.pop()` → 'pop' (for the stack asked). */
function op(e: CExpr, stack: Stack, tape: string): 'push' | 'pop' | undefined {
  const t = stackOp(e, tape);
  return t?.stack === stack ? t.op : undefined;
}
