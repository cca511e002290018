/**
 * Counted loops back as `for` loops, as the user wrote them; the trip counter a reverse sweep needs
 * read off the loop index where the two always agree.
 *
 *   before:  j = 0; _n2 = 0; while (j < d) { z = z + …; j = j + 1; _n2 += 1; } tape.ints.push(_n2);
 *   after:   for (j = 0; j < d; j++) { z = z + …; } _n2 = j; tape.ints.push(_n2);
 *
 *   before:  for (;;) { if (!(i < x.length)) { break; } … }
 *   after:   while (i < x.length) { … }
 *
 * Exact rewrites only: the index's first value moves into the loop past statements that neither
 * read nor write it, its step moves to the update past statements that neither read it nor break;
 * a counter and an index that both start at +0 and both grow by 1 in the same iterations hold the
 * same number when the loop ends.
 */
import { type CExpr, type CStmt, postfix } from '../code.js';
import { canMovePast, type EffectsOf, exprEffects, mentions } from './analyzeEffects.js';

/** Whether anything changed. */
export function restoreLoops(stmts: CStmt[], effects: EffectsOf): boolean {
  let changed = false;
  for (const s of stmts) {
    if (s.k === 'if') {
      changed = restoreLoops(s.then as CStmt[], effects) || changed;
      changed = restoreLoops(s.else as CStmt[], effects) || changed;
    } else if (s.k === 'for' || s.k === 'while') {
      changed = restoreLoops(s.body as CStmt[], effects) || changed;
    }
  }
  for (let w = 0; w < stmts.length; w++) {
    const loop = whileOf(stmts[w]);
    if (!loop) continue;
    changed ||= loop !== stmts[w];
    stmts[w] = loop;
    const counted = countedFor(stmts, w, effects);
    if (counted !== undefined) {
      changed = true;
      w = counted;
      readCounter(stmts, w, effects);
    }
  }
  return changed;
}

/** `for (;;) { if (!c) break; … }` as `while (c) { … }`; a `while` as it is. */
function whileOf(s: CStmt): (CStmt & { k: 'while' }) | undefined {
  if (s.k === 'while') return s;
  if (s.k !== 'for' || s.init || s.cond || s.update) return undefined;
  const [test, ...rest] = s.body;
  if (test?.k !== 'if' || test.else.length > 0 || test.then.length !== 1 || test.then[0].k !== 'break') return undefined;
  const cond: CExpr = test.cond.k === 'un' && test.cond.op === '!' ? test.cond.a : { k: 'un', op: '!', a: test.cond };
  return { k: 'while', cond, body: rest, ...(s.sweep !== undefined ? { sweep: s.sweep } : {}) };
}

/** `i = i + 1`, `i = i - 1`, `i += 1`, `i -= 1`: the step of `i`, as `i++` or `i--`. */
function stepOf(s: CStmt): { name: string; update: CExpr } | undefined {
  if (s.k !== 'assign' || s.target.k !== 'id') return undefined;
  const i = s.target.name;
  const v = s.value;
  const one = (e: CExpr): boolean => e.k === 'num' && e.value === 1;
  let op: '+' | '-' | undefined;
  if (s.op === '=' && v.k === 'bin' && (v.op === '+' || v.op === '-') && v.a.k === 'id' && v.a.name === i && one(v.b)) op = v.op;
  else if (s.op !== '=' && one(v)) op = s.op === '+=' ? '+' : '-';
  return op ? { name: i, update: postfix(i, op === '+' ? '++' : '--') } : undefined;
}

/**
 * `i = S; …; while (C) { B; i = i + 1; Y }` as `…; for (i = S; C; i++) { B; Y }` when the
 * statements between neither read nor write i (nor S's inputs), and Y neither reads i nor breaks.
 * Returns the loop's new index, or undefined.
 */
function countedFor(stmts: CStmt[], w: number, effects: EffectsOf): number | undefined {
  const loop = stmts[w] as CStmt & { k: 'while' };
  const body = loop.body;
  // the step of a variable the test reads (a trip counter `_n0 += 1` also steps, but is not the index)
  const tested = exprEffects(loop.cond, effects.scope).reads;
  let u = body.length - 1;
  while (u >= 0 && !tested.has(stepOf(body[u])?.name ?? '')) u--;
  if (u < 0) return undefined;
  const { name: i, update } = stepOf(body[u])!;
  const after = body.slice(u + 1);
  if (after.some((s) => mentions(effects.stmt(s), i) || effects.stmt(s).exits)) return undefined;
  // the index's first value: the last assignment to it before the loop
  let a = w - 1;
  while (a >= 0 && !mentions(effects.stmt(stmts[a]), i)) a--;
  const init = stmts[a];
  if (a < 0 || init.k !== 'assign' || init.op !== '=' || init.target.k !== 'id' || init.target.name !== i) return undefined;
  const value = exprEffects(init.value, effects.scope);
  if (value.reads.has(i)) return undefined;
  for (let k = a + 1; k < w; k++) if (!canMovePast(value, effects.stmt(stmts[k]))) return undefined;
  stmts[w] = { k: 'for', init, cond: loop.cond, update, body: [...body.slice(0, u), ...after], ...(loop.sweep !== undefined ? { sweep: loop.sweep } : {}) };
  stmts.splice(a, 1);
  return w - 1;
}

/**
 * `n = 0; …; for (i = 0; C; i++) { B; n += 1 }` where nothing else touches n and B does not write
 * i: n and i count alike, so `n = i` after the loop instead.
 */
function readCounter(stmts: CStmt[], w: number, effects: EffectsOf): void {
  const loop = stmts[w] as CStmt & { k: 'for' };
  const init = loop.init as CStmt & { k: 'assign'; target: { k: 'id'; name: string } };
  const i = init.target.name;
  if (!isPositiveZero(init.value) || loop.update?.k !== 'postfix' || loop.update.op !== '++') return;
  const body = loop.body;
  const last = body[body.length - 1];
  if (last?.k !== 'assign' || last.target.k !== 'id' || last.op !== '+=' || !(last.value.k === 'num' && last.value.value === 1)) return;
  const n = last.target.name;
  const rest = body.slice(0, -1);
  if (rest.some((s) => mentions(effects.stmt(s), n) || effects.stmt(s).writes.has(i))) return;
  if (loop.cond && exprEffects(loop.cond, effects.scope).reads.has(n)) return;
  let z = w - 1;
  while (z >= 0 && !mentions(effects.stmt(stmts[z]), n)) z--;
  const start = stmts[z];
  if (z < 0 || start.k !== 'assign' || start.op !== '=' || start.target.k !== 'id' || start.target.name !== n || !isPositiveZero(start.value)) return;
  stmts[w] = { ...loop, body: rest };
  stmts.splice(w + 1, 0, { k: 'assign', target: { k: 'id', name: n }, op: '=', value: { k: 'id', name: i } });
  stmts.splice(z, 1);
}

const isPositiveZero = (e: CExpr): boolean => e.k === 'num' && e.value === 0 && !Object.is(e.value, -0);
