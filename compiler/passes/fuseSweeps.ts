/**
 * A top-level loop whose iterations meet only in sums, reversed one iteration at a time: each
 * iteration's reverse runs right after its forward, so the tape holds one iteration, not all of
 * them (Tapenade's independent-iterations loops; the shape of a hand-written per-sample gradient).
 *
 *   before:  for (i = 0; i < n; i++) { F }  …  for (i = n - 1; i >= 0; i--) { R }
 *   after:   for (i = 0; i < n; i++) { F; R }  …
 *
 * Runs after tidyCode, when the adjoints the reverse loop starts from are folded to what they are
 * (`mx_b = 1`, not `mx_b += slse_b`). Every iteration of the reverse loop must read the state the
 * same iteration of the forward loop left (the reverse sweep's own model: that is true right after
 * it) and leave nothing the next forward iteration or another reverse iteration reads:
 *   - the code between the loops (the rest of the forward sweep, the start of the reverse) reads
 *     and writes nothing the reverse loop writes, and writes nothing it reads, except adjoints both
 *     only add into (their sums come out the same in any order, up to rounding); an assignment the
 *     reverse loop reads, such as `total_b = 1 / n`, moves before the forward loop if it can;
 *   - the primal's iteration, as the sweeps produce it (before tidyCode drops what the forward
 *     sweep does not need, such as the sum itself), reads nothing from the iteration before that
 *     the reverse body puts back (a value it pushes to the tape aside: only a restore reads that);
 *   - what a fused iteration reads of what the reverse part of the one before wrote (found over
 *     forward and reverse together, a reversed loop reading what its forward loop's body writes as
 *     written) are adjoints the forward part never mentions, which the reverse part only adds
 *     into, or which start zero and are left zero;
 *   - and the code after the reverse loop reads only such adjoints of all it writes.
 * What the fused iteration's tape then no longer needs goes (fusedIteration.ts).
 * Adjoint sums then add in the forward order instead of the reverse one: the same derivatives,
 * rounded differently, which is why tidyCode's bit-for-bit check (test/fuzz/tidyExact.ts) runs
 * with this pass off.
 */
import { comment, type CStmt, namesIn } from '../code.js';
import { commute, type EffectsOf } from './analyzeEffects.js';
import { BodyFacts, type Names, withGroups } from './iterationFacts.js';
import { fusedIteration } from './fusedIteration.js';
import { codeScope, declared, loopsRestored } from './tidyCode.js';

type Loop = CStmt & { k: 'for' };

/**
 * What each top-level forward loop of the body as the sweeps produce it (before tidyCode, which
 * drops computations the forward sweep does not need, such as the sum itself) reads in an
 * iteration before writing it, by the loops' `sweep` tags: the primal's own dependences between
 * iterations. Reads inside pushes aside: a value saved there is read again only by its restore.
 */
export function primalExposure(body: readonly CStmt[], params: readonly string[], tape?: string): ReadonlyMap<number, Names> {
  const out = new Map<number, Names>();
  const restored = loopsRestored(body, params, tape);
  if (!restored) return out;
  const facts = new BodyFacts(restored.scope, restored.code);
  // (the first loop with a tag is the forward one; its reverse comes later)
  for (const s of restored.code) if ((s.k === 'for' || s.k === 'while') && s.sweep !== undefined && !out.has(s.sweep)) out.set(s.sweep, facts.exposedReads(s.body));
  return out;
}

/** `primal`: primalExposure of the body before tidyCode. */
export function fuseSweeps(body: readonly CStmt[], params: readonly string[], primal: ReadonlyMap<number, Names>, tape?: string): readonly CStmt[] {
  let code = body;
  for (;;) {
    const scope = codeScope(code, params, tape);
    if (!scope) return code;
    const facts = new BodyFacts(scope, code);
    const effects = facts.effects;
    let next: CStmt[] | undefined;
    for (let f = 0; f < code.length && !next; f++) {
      const fwd = code[f];
      if (fwd.k !== 'for' || fwd.sweep === undefined) continue;
      const r = code.findIndex((s, at) => at > f && s.k === 'for' && s.sweep === fwd.sweep);
      if (r > f) next = fusePair(code, f, r, facts, effects, primal.get(fwd.sweep));
    }
    if (!next) return code === body ? body : withoutEmptyReverse(code);
    code = next;
  }
}

/** The body with loops `f` and `r` made one, or undefined where that would change what it computes. */
function fusePair(code: readonly CStmt[], f: number, r: number, facts: BodyFacts, effects: EffectsOf, primal: Names | undefined): CStmt[] | undefined {
  const fwd = code[f] as Loop;
  const rev = code[r] as Loop;
  // for (i = S; …; i++) and for (i = …; …; i--)
  if (fwd.init?.k !== 'assign' || fwd.init.target.k !== 'id' || fwd.update?.k !== 'postfix' || fwd.update.op !== '++' || !fwd.cond) return undefined;
  const i = fwd.init.target.name;
  if (fwd.update.name !== i || rev.init?.k !== 'assign' || rev.init.target.k !== 'id' || rev.init.target.name !== i || rev.update?.k !== 'postfix' || rev.update.name !== i || rev.update.op !== '--') return undefined;
  const F = fwd.body;
  const R = rev.body;
  const fx = effects.block(F);
  const rx = effects.block(R);
  if (fx.exits || rx.exits || fx.opaque || rx.opaque || rx.heapWrite) return undefined;
  const fWrites = facts.writes(F);
  const rWrites = facts.writes(R);
  const rReads = withGroups(rx.reads, rx.privateReads);
  if (fWrites.has(i) || rWrites.has(i) || [...facts.reads(fwd.cond)].some((x) => rWrites.has(x))) return undefined;
  // the primal iteration reads nothing the reverse one puts back (a value from the iteration
  // before: the forward part would save, and the reverse part read, the one before the loop)
  if (!primal || [...primal].some((x) => rWrites.has(x))) return undefined;
  // block-scoped names of one body meet nothing of the other's
  const fNames = namesIn(F);
  const rNames = namesIn(R);
  const fDecl = new Set<string>();
  const rDecl = new Set<string>();
  declared(F, fDecl);
  declared(R, rDecl);
  if ([...rDecl].some((x) => fNames.has(x)) || [...fDecl].some((x) => rNames.has(x))) return undefined;

  // the code between: what the reverse loop reads of it moves before the forward loop
  const hoisted = hoist(code.slice(f + 1, r), rReads, rWrites, fwd, facts, effects);
  if (!hoisted) return undefined;
  const between = code.slice(f + 1, r).filter((s) => !hoisted.includes(s));
  const mx = effects.block(between);
  const mReads = withGroups(mx.reads, mx.privateReads);
  const mWrites = facts.writes(between);
  if (rx.heapRead && mx.heapWrite) return undefined;
  const shared = (x: string): boolean => facts.accumulateOnly(between, x) && facts.accumulateOnly(R, x);
  for (const w of rWrites) if ((mReads.has(w) || mWrites.has(w)) && !shared(w)) return undefined;
  for (const x of rReads) if (mWrites.has(x) && !rWrites.has(x)) return undefined;

  // what one fused iteration reads of what the reverse part of the one before wrote: only
  // adjoints the forward part never mentions, summed or left zero
  const fReads = facts.readsIn(F);
  const carried = [...facts.exposedReads([...F, ...R])].filter((x) => rWrites.has(x));
  if (carried.some((x) => fWrites.has(x) || fReads.has(x))) return undefined;
  const prefix = code.slice(0, f);
  // (the locals' declarations aside: zeroAtStart reads their initial values)
  const prefixWrites = facts.writes(prefix.filter((s) => s.k !== 'let'));
  const sums = new Set(carried.filter((x) => facts.accumulateOnly(R, x)));
  const zeros = new Set(carried.filter((x) => !sums.has(x)));
  for (const x of zeros) if (!zeroAtStart(x, code, prefixWrites, fWrites, facts)) return undefined;
  const stay = facts.staysZero(R, zeros);
  if ([...zeros].some((x) => !stay.has(x))) return undefined;

  // after the loops: only sums and adjoints left zero, of all the reverse loop wrote
  for (const x of facts.exposedReads(code.slice(r + 1))) {
    if (x === i || (rWrites.has(x) && !sums.has(x) && !zeros.has(x))) return undefined;
  }

  const { sweep: _tag, ...loop } = fwd;
  const after = [...between, ...code.slice(r + 1)];
  const own = fusedIteration(F, R, fwd, after, facts, facts.scope.tape);
  const fused: CStmt = { ...loop, body: [...own.F, ...own.R] };
  return [...prefix, ...hoisted, comment('each iteration reversed right after it runs: they meet only in sums'), fused, ...after];
}

/** Without the `// reverse sweep` comment when only the return follows it. */
function withoutEmptyReverse(code: readonly CStmt[]): readonly CStmt[] {
  const at = code.findIndex((s) => s.k === 'comment' && s.text === 'reverse sweep');
  return at >= 0 && code.slice(at + 1).every((s) => s.k === 'return') ? [...code.slice(0, at), ...code.slice(at + 1)] : code;
}

/**
 * The assignments between the loops that compute what the reverse loop reads (`total_b = 1 / n`),
 * in order, where they can run before the forward loop instead; undefined where one cannot.
 */
function hoist(between: readonly CStmt[], rReads: Names, rWrites: Names, fwd: Loop, facts: BodyFacts, effects: EffectsOf): CStmt[] | undefined {
  const mWrites = facts.writes(between);
  const need = new Set([...rReads].filter((x) => mWrites.has(x) && !rWrites.has(x)));
  const moved: CStmt[] = [];
  for (let m = between.length - 1; m >= 0 && need.size > 0; m--) {
    const s = between[m];
    const w = facts.writes([s]);
    if (![...w].some((x) => need.has(x))) continue;
    if (s.k !== 'assign' || s.op !== '=' || s.target.k !== 'id' || w.size !== 1) return undefined;
    const v = s.target.name;
    if (between.filter((x) => facts.writes([x]).has(v)).length !== 1) return undefined;
    const e = effects.stmt(s);
    if (e.opaque || e.tapeRead || e.tapeWrite || e.heapWrite || e.exits || e.privateWrites.size > 0) return undefined;
    need.delete(v);
    moved.unshift(s);
    for (const x of facts.reads(s.value)) if (mWrites.has(x)) need.add(x);
  }
  if (need.size > 0) return undefined;
  // each moves past the forward loop and whatever stays before it
  for (const s of moved) {
    const e = effects.stmt(s);
    const passed = [fwd, ...between.slice(0, between.indexOf(s)).filter((x) => !moved.includes(x))];
    if (passed.some((x) => !commute(e, effects.stmt(x)))) return undefined;
  }
  return moved;
}

/**
 * Whether `x` is zero when the forward loop starts and nothing before the reverse loop writes it:
 * a number declared `= 0`, or an array allocated at the top level (zeros) whose elements nothing
 * writes before.
 */
function zeroAtStart(x: string, code: readonly CStmt[], prefixWrites: Names, fWrites: Names, facts: BodyFacts): boolean {
  if (fWrites.has(x) || prefixWrites.has(x)) return false;
  if (x.startsWith('@')) {
    const array = x.slice(1);
    // allocated once as zeros, or only ever made as zeros (an adjoint buffer grown as needed)
    return facts.group(array) === x && (facts.lengthOf(array) !== undefined || facts.madeAsZeros(x));
  }
  return code.some((s) => s.k === 'let' && s.decls.some((d) => d.name === x && d.init?.k === 'num' && d.init.value === 0));
}
