/**
 * A scratch array that every iteration of a loop writes whole before reading it, kept one slice
 * per iteration instead of saved on the tape, where the loop's reverse runs in the same block right
 * after it (a component loop inside a fused sample loop, fuseSweeps.ts): the reverse of iteration
 * c finds iteration c's values still in slice c, so the forward part saves nothing and the reverse
 * part restores nothing. A value loaded from such a slice and saved per inner iteration is loaded
 * again in the reverse instead (`_t47 = qx[c * d + j]`). The hand-written GMM gradient keeps its
 * k·d centered points the same way.
 *
 *   before:  for (c = 0; c < k; c++) { for (j …) { push(centered[j]); centered[j] = x[…] - means[…]; } … }
 *            for (c = k - 1; c >= 0; c--) { … for (j …) { … centered[j] = pop(); } }
 *   after:   for (c = 0; c < k; c++) { for (j …) { centered[c * d + j] = x[…] - means[…]; } … }
 *            for (c = k - 1; c >= 0; c--) { … }                   (centered: new Float64Array(k * d))
 *
 * Only arrays made once at the top level with a settled length L (BodyFacts.lengthOf), indexed
 * in the two loops only, at a loop counter provably in [0, L); the loop's trip count a length
 * kept in a local before the array is made. The array's adjoint keeps length L: made with it
 * first, it throws where the array's own `new Float64Array(L)` would. Every value is computed
 * as before, bit for bit; the pass runs with fuseSweeps (where a body has a fused loop), so
 * test/fuzz/tidyExact.ts, which runs without it, does not cover it: the fuzzer's componentSum
 * idiom does, against differences.
 */
import { add, assign, type CExpr, children, type CStmt, id, mapExprsIn, mul, samePure, walk } from '../code.js';
import { countMentions } from '../codeEdit.js';
import { BodyFacts, lastOf } from './iterationFacts.js';
import { stackOp } from './indexedTape.js';
import { codeScope } from './tidyCode.js';

type Loop = CStmt & { k: 'for' };

/** The body with every scratch array that qualifies kept in slices, and the `sweep` tags of the loops it did that for. */
export function componentSlices(code: readonly CStmt[], params: readonly string[], tape?: string): { code: readonly CStmt[]; sliced: ReadonlySet<number> } {
  const sliced = new Set<number>();
  if (!tape) return { code, sliced };
  let out = code;
  const tried = new Set<string>();
  for (;;) {
    const scope = codeScope(out, params, tape);
    const next = scope && sliceOne(out, new BodyFacts(scope, out), tape, tried);
    if (!next) return { code: out, sliced };
    out = next.code;
    sliced.add(next.sweep);
  }
}

/** The body with one more array sliced, or undefined when none qualifies (`tried`: arrays already looked at). */
function sliceOne(code: readonly CStmt[], facts: BodyFacts, tape: string, tried: Set<string>): { code: CStmt[]; sweep: number } | undefined {
  for (const [f, r, between] of loopPairs(code)) {
    const arrays = new Set<string>();
    walk([f, r], () => {}, (e) => walkExpr(e, (x) => {
      if (x.k === 'index' && x.obj.k === 'id') arrays.add(x.obj.name);
    }));
    for (const a of arrays) {
      if (tried.has(a)) continue;
      tried.add(a);
      const edits = slices(a, f, r, between, code, facts, tape);
      if (edits) return { code: edited(code, edits), sweep: f.sweep! };
    }
  }
  return undefined;
}

/**
 * Forward and reverse loops of one sweep in the same block, `for (c = 0; c < K; c++)` and
 * `for (c = K - 1; c >= 0; c--)`, with the statements between them.
 */
function loopPairs(code: readonly CStmt[]): [Loop, Loop, CStmt[]][] {
  const out: [Loop, Loop, CStmt[]][] = [];
  const block = (b: readonly CStmt[]): void => {
    b.forEach((s, at) => {
      if (s.k === 'for' && s.sweep !== undefined && upFromZero(s)) {
        const r = b.findIndex((x, k) => k > at && x.k === 'for' && x.sweep === s.sweep);
        if (r > at && downToZero(b[r] as Loop, s)) out.push([s, b[r] as Loop, b.slice(at + 1, r)]);
      }
      if (s.k === 'for' || s.k === 'while') block(s.body);
      else if (s.k === 'if') block(s.then), block(s.else);
    });
  };
  block(code);
  return out;
}

/** `for (c = 0; c < K; c++)`: its counter and bound. */
function upFromZero(s: Loop): { c: string; bound: CExpr } | undefined {
  const init = s.init;
  if (init?.k !== 'assign' || init.op !== '=' || init.target.k !== 'id' || init.value.k !== 'num' || init.value.value !== 0) return undefined;
  const c = init.target.name;
  if (s.update?.k !== 'postfix' || s.update.op !== '++' || s.update.name !== c || s.cond?.k !== 'bin' || s.cond.op !== '<' || s.cond.a.k !== 'id' || s.cond.a.name !== c) return undefined;
  return { c, bound: s.cond.b };
}

/** `for (c = K - 1; c >= 0; c--)` (K also as `Math.ceil(K)`) with f's counter and bound K. */
function downToZero(r: Loop, f: Loop): boolean {
  const up = upFromZero(f)!;
  const init = r.init;
  if (init?.k !== 'assign' || init.op !== '=' || init.target.k !== 'id' || init.target.name !== up.c) return false;
  if (r.update?.k !== 'postfix' || r.update.op !== '--' || r.update.name !== up.c) return false;
  if (r.cond?.k !== 'bin' || r.cond.op !== '>=' || r.cond.a.k !== 'id' || r.cond.a.name !== up.c || r.cond.b.k !== 'num' || r.cond.b.value !== 0) return false;
  const last = lastOf(init.value);
  return last !== undefined && samePure(last, up.bound);
}

/** Statements replaced (by identity) in the whole tree; null removes one. */
type Edits = Map<CStmt, CStmt | null>;

function edited(code: readonly CStmt[], edits: Edits): CStmt[] {
  const block = (b: readonly CStmt[]): CStmt[] =>
    b.flatMap((s): CStmt[] => {
      if (edits.has(s)) {
        const by = edits.get(s);
        return by ? [by] : [];
      }
      if (s.k === 'for' || s.k === 'while') return [{ ...s, body: block(s.body) }];
      if (s.k === 'if') return [{ ...s, then: block(s.then), else: block(s.else) }];
      return [s];
    });
  return block(code);
}

/** The edits that keep array `a` in slices over the pair (f, r), or undefined where that is not sure to compute the same. */
function slices(a: string, f: Loop, r: Loop, between: readonly CStmt[], code: readonly CStmt[], facts: BodyFacts, tape: string): Edits | undefined {
  const group = facts.group(a);
  const length = facts.lengthOf(a);
  const { c, bound } = upFromZero(f)!;
  if (!group || !length || bound.k !== 'id') return undefined;
  // made once at the top level; the trip count a length kept before it
  const made = code.findIndex((s) => s.k === 'assign' && s.op === '=' && s.target.k === 'id' && s.target.name === a && s.value.k === 'new');
  const counted = code.findIndex((s) => s.k === 'assign' && s.op === '=' && s.target.k === 'id' && s.target.name === bound.name && s.value.k === 'member' && s.value.prop === 'length');
  if (made < 0 || counted < 0 || counted > made || facts.writeCounts.get(bound.name) !== 1) return undefined;
  const ctor = code[made] as CStmt & { k: 'assign'; value: { k: 'new' } };
  // mentioned only there, in its adjoint's `new Float64Array(a.length)`, and as `a[j]` in the loops
  const adjoints = code.filter((s, at) => at > made && s.k === 'assign' && s.op === '=' && s.value.k === 'new' && s.value.args.length === 1 && isLengthOf(s.value.args[0], a));
  const inLoops = countMentions([f, r]).get(a) ?? 0;
  let indexed = 0;
  walk([f, r], () => {}, (e) => walkExpr(e, (x) => {
    if (isElementOf(x, a)) indexed++;
  }));
  if (adjoints.length === 0 || indexed !== inLoops || (countMentions(code).get(a) ?? 0) !== 1 + adjoints.length + inLoops) return undefined;
  if (facts.writes([...f.body, ...r.body]).has(c)) return undefined;
  // each iteration writes it whole before it reads it
  if (facts.exposedReads(f.body).has(group)) return undefined;
  if (!inBounds(a, length, f.body, facts, new Map(), new Map()) || !inBounds(a, length, r.body, facts, new Map(), new Map())) return undefined;
  // its saves and restores, one for one
  const saves = { pushes: 0, pops: 0 };
  const fBody = dropStmts(f.body, (s) => {
    const op = s.k === 'expr' ? stackOp(s.e, tape) : undefined;
    const hit = op?.op === 'push' && op.stack === 'floats' && isElementOf(op.args[0], a);
    if (hit) saves.pushes++;
    return hit;
  });
  const rBody = dropStmts(r.body, (s) => {
    const hit = s.k === 'assign' && s.op === '=' && isElementOf(s.target, a) && stackOp(s.value, tape)?.op === 'pop' && stackOp(s.value, tape)?.stack === 'floats';
    if (hit) saves.pops++;
    return hit;
  });
  if (saves.pushes !== saves.pops || facts.writes(rBody).has(group)) return undefined;
  // what the reverse reads of it is each element's last value in the iteration: it is stored once
  // (in a loop that writes it whole), or the reverse reads none of it
  if (!storedOnce(a, f.body, facts) && facts.readsIn(rBody).has(group)) return undefined;
  const at = (e: CExpr): CExpr => (e.k === 'index' && e.obj.k === 'id' && e.obj.name === a ? { ...e, index: add(mul(id(c), length), e.index) } : e);
  const sliced = { f: { ...f, body: mapExprsIn(fBody, at) }, r: { ...r, body: mapExprsIn(rBody, at) } };
  const reloaded = reloads(a, group, sliced.f, sliced.r, between, code, facts, tape);
  // nothing gained: the array grows, the tape does not shrink
  if (saves.pushes === 0 && reloaded.f === sliced.f) return undefined;
  const edits: Edits = new Map<CStmt, CStmt | null>([
    [ctor, { ...ctor, value: { ...ctor.value, args: [mul(id(bound.name), length)] } }],
    [f, reloaded.f],
    [r, reloaded.r],
  ]);
  for (const s of adjoints) {
    const x = s as CStmt & { k: 'assign'; value: { k: 'new' } };
    edits.set(s, { ...x, value: { ...x.value, args: [length] } });
  }
  return edits;
}

/**
 * In f's body, `push(t); t = a[…]` in a loop; in r's body, its reverse loop's `t = pop()`: the
 * reverse loop loads t again instead, where nothing writes a after f's loop or the load's other
 * inputs in either body, and t is mentioned nowhere else.
 */
function reloads(a: string, group: string, f: Loop, r: Loop, between: readonly CStmt[], code: readonly CStmt[], facts: BodyFacts, tape: string): { f: Loop; r: Loop } {
  let fBody = f.body;
  let rBody = r.body;
  const bodyWrites = facts.writes([...f.body, ...r.body, ...between]);
  const mentions = countMentions(code);
  f.body.forEach((jf, at) => {
    if (jf.k !== 'for' || jf.sweep === undefined || jf.init?.k !== 'assign' || jf.init.target.k !== 'id') return;
    const counter = jf.init.target.name;
    const jr = r.body.find((x): x is Loop => x.k === 'for' && x.sweep === jf.sweep);
    if (!jr || jr.init?.k !== 'assign' || jr.init.target.k !== 'id' || jr.init.target.name !== counter) return;
    if (f.body.slice(at).some((s) => facts.writes([s]).has(group)) || facts.writes(r.body).has(group)) return;
    const p = jf.body.findIndex((s, k) => {
      const op = s.k === 'expr' ? stackOp(s.e, tape) : undefined;
      const next = jf.body[k + 1];
      return op?.op === 'push' && op.stack === 'floats' && op.args[0].k === 'id' && next?.k === 'assign' && next.op === '=' && next.target.k === 'id' && next.target.name === op.args[0].name && isElementOf(next.value, a);
    });
    if (p < 0) return;
    const load = jf.body[p + 1] as CStmt & { k: 'assign' };
    const t = (load.target as { name: string }).name;
    const q = jr.body.findIndex((s) => s.k === 'assign' && s.op === '=' && s.target.k === 'id' && s.target.name === t && stackOp(s.value, tape)?.op === 'pop');
    if (q < 0 || (countMentions(jr.body.slice(q + 1)).get(t) ?? 0) > 0) return;
    if ((mentions.get(t) ?? 0) !== (countMentions([jf, jr]).get(t) ?? 0) || facts.writeCounts.get(t) !== 2) return;
    for (const x of facts.reads(load.value)) if (x !== group && x !== a && x !== counter && bodyWrites.has(x)) return;
    if (facts.writes(jf.body).has(counter) || facts.writes(jr.body).has(counter)) return;
    const jf2: Loop = { ...jf, body: jf.body.filter((_, k) => k !== p) };
    const jr2: Loop = { ...jr, body: [assign(load.target, load.value), ...jr.body.filter((_, k) => k !== q)] };
    fBody = fBody.map((s) => (s === jf ? jf2 : s));
    rBody = rBody.map((s) => (s === jr ? jr2 : s));
  });
  return fBody === f.body ? { f, r } : { f: { ...f, body: fBody }, r: { ...r, body: rBody } };
}

/** Whether the loop body stores into `a` once, in a top-level loop that writes it whole (BodyFacts.wholeWrite): each element once per iteration. */
function storedOnce(a: string, body: readonly CStmt[], facts: BodyFacts): boolean {
  let stores = 0;
  walk(body, (s) => {
    if (s.k === 'assign' && isElementOf(s.target, a)) stores++;
  }, () => {});
  return stores === 1 && body.some((s) => facts.wholeWrite(s).some((w) => w.array === a));
}

/** What a counter is known to be: at least 0; below the array's length. */
type Range = { nonneg: boolean; below: boolean };

/** Whether every `a[e]` in `body` indexes at a loop counter known to lie in [0, length). */
function inBounds(a: string, length: CExpr, body: readonly CStmt[], facts: BodyFacts, counters: Map<string, Range>, defs: Map<string, CExpr>): boolean {
  const scoped = new Map(defs);
  const nonneg = (e: CExpr): boolean => {
    if (e.k === 'num') return e.value >= 0;
    if (e.k === 'id') return counters.get(e.name)?.nonneg ?? (scoped.has(e.name) && nonneg(scoped.get(e.name)!));
    return e.k === 'bin' && (e.op === '+' || e.op === '*') && nonneg(e.a) && nonneg(e.b);
  };
  const isLength = (e: CExpr): boolean => samePure(e, length) || isLengthOf(e, a);
  let ok = true;
  const check = (e: CExpr): void => {
    walkExpr(e, (x) => {
      if (x.k === 'index' && x.obj.k === 'id' && x.obj.name === a) {
        const r = x.index.k === 'id' ? counters.get(x.index.name) : undefined;
        if (!r?.nonneg || !r.below) ok = false;
      }
    });
  };
  for (const s of body) {
    if (s.k === 'for') {
      if (s.init) walk([s.init], () => {}, check);
      if (s.cond) check(s.cond);
      const range = counterRange(s, nonneg, isLength, facts);
      const inner = new Map(counters);
      if (range) inner.set(range.name, range.range);
      else if (s.init?.k === 'assign' && s.init.target.k === 'id') inner.delete(s.init.target.name);
      if (!inBounds(a, length, s.body, facts, inner, scoped)) return false;
      continue;
    }
    if (s.k === 'while' || s.k === 'if') {
      walk([s], () => {}, check);
      continue;
    }
    walk([s], () => {}, check);
    // a number assigned once in the whole body: its value wherever this assignment reaches
    if (s.k === 'assign' && s.op === '=' && s.target.k === 'id' && facts.writeCounts.get(s.target.name) === 1) scoped.set(s.target.name, s.value);
  }
  return ok;
}

/** The counter of `for (j = S; j < L; j++)` or `for (j = L - 1; j >= S; j--)` (j written by nothing else) and what it is known to be. */
function counterRange(s: Loop, nonneg: (e: CExpr) => boolean, isLength: (e: CExpr) => boolean, facts: BodyFacts): { name: string; range: Range } | undefined {
  const init = s.init;
  if (init?.k !== 'assign' || init.op !== '=' || init.target.k !== 'id' || s.update?.k !== 'postfix' || s.cond?.k !== 'bin' || s.cond.a.k !== 'id') return undefined;
  const j = init.target.name;
  if (s.update.name !== j || s.cond.a.name !== j || facts.writes(s.body).has(j)) return undefined;
  if (s.update.op === '++' && s.cond.op === '<') return { name: j, range: { nonneg: nonneg(init.value), below: isLength(s.cond.b) } };
  if (s.update.op === '--' && s.cond.op === '>=') {
    const last = lastOf(init.value);
    // the bound is read again each iteration: nothing in the body may change it
    const boundReads = facts.reads(s.cond.b);
    const stable = ![...facts.writes(s.body)].some((w) => boundReads.has(w));
    return { name: j, range: { nonneg: stable && nonneg(s.cond.b), below: last !== undefined && isLength(last) } };
  }
  return undefined;
}

const isLengthOf = (e: CExpr, a: string): boolean => e.k === 'member' && e.prop === 'length' && e.obj.k === 'id' && e.obj.name === a;
const isElementOf = (e: CExpr, a: string): boolean => e.k === 'index' && e.obj.k === 'id' && e.obj.name === a;

function walkExpr(e: CExpr, f: (x: CExpr) => void): void {
  f(e);
  for (const x of children(e)) walkExpr(x, f);
}

/** `stmts` (nested blocks included) without those `drop` picks. */
function dropStmts(stmts: readonly CStmt[], drop: (s: CStmt) => boolean): CStmt[] {
  return stmts.flatMap((s): CStmt[] => {
    if (drop(s)) return [];
    if (s.k === 'for' || s.k === 'while') return [{ ...s, body: dropStmts(s.body, drop) }];
    if (s.k === 'if') return [{ ...s, then: dropStmts(s.then, drop), else: dropStmts(s.else, drop) }];
    return [s];
  });
}
