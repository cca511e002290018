/**
 * Reversed loops whose iterations are independent run forward, the way a hand-written gradient
 * runs them: inside the reverse loop of a sweep whose forward loop is in the same block and whose
 * scratch arrays componentSlices.ts keeps in slices (GMM's component loop), a counted loop
 * `for (j = L - 1; j >= S; j--)` becomes `for (j = S; j < L; j++)` (S an integer: reverseMode
 * writes that first index only then) where no iteration reads what another writes:
 *   - a number it writes is set before it is read in each iteration and dead after the loop, or
 *     only added into (`+=`: the same sum, rounded in another order), or zero when the loop
 *     starts and left zero by each iteration (`_t41_b`: its sum goes out before it is zeroed);
 *   - an array it writes is only added into, or read and written only at the counter (`qx_b[j]`);
 *   - the counter is dead after the loop, and nothing on the tape.
 * An index one forward loop nest steps (`idx += 1` in the innermost body), saved after it and
 * stepped back in the reverse (`idx = pop(); … { idx -= 1; … }`), is set to its first value
 * again instead and stepped forward: `idx = c * s + d; … { …; idx += 1 }`.
 * Adjoint sums add in another order, as fuseSweeps's do: tidyExact runs without either.
 * Only there: turned forward alone, softmax's inner reverse loop (`theta_b[k * d + j] += …`) took
 * 3–5 % longer; GMM's gained only with the slices and the index set again, all together
 * (README, "Benchmark").
 */
import { assign, type CExpr, children, type CStmt, id, samePure, walk } from '../code.js';
import { countMentions } from '../codeEdit.js';
import { knownZero, liveness, type NameSet } from './analyzeLiveness.js';
import { BodyFacts, reversedBound } from './iterationFacts.js';
import { stackOp } from './indexedTape.js';
import { opsIn } from './fusedIteration.js';
import { codeScope } from './tidyCode.js';

type Loop = CStmt & { k: 'for' };

/** An index stepped in the forward loop nest by `step` each innermost iteration, back in the reverse. */
interface Stepped {
  readonly v: string;
  readonly step: number;
}

interface Facts {
  readonly facts: BodyFacts;
  readonly live: Map<CStmt, NameSet>;
  readonly zeros: Map<CStmt, NameSet>;
}

/** `sweeps`: the loops whose reverse to look into (componentSlices' `sliced`). */
export function ascendingLoops(code: readonly CStmt[], params: readonly string[], sweeps: ReadonlySet<number>, tape?: string): readonly CStmt[] {
  const scope = codeScope(code, params, tape);
  if (!scope || !tape || sweeps.size === 0) return code;
  const at: Facts = { facts: new BodyFacts(scope, code), live: liveness(code), zeros: knownZero(code) };
  // (statements keep their identity where nothing inside changes: the analyses are keyed by them)
  const block = (b: readonly CStmt[]): readonly CStmt[] => {
    const out = b.map((s): CStmt => {
      if (s.k === 'for' || s.k === 'while') {
        const body = block(s.body);
        return body === s.body ? s : { ...s, body };
      }
      if (s.k !== 'if') return s;
      const [then, other] = [block(s.then), block(s.else)];
      return then === s.then && other === s.else ? s : { ...s, then, else: other };
    });
    b.forEach((s, k) => {
      if (s.k !== 'for' || s.sweep === undefined || !sweeps.has(s.sweep)) return;
      const r = b.findIndex((x, m) => m > k && x.k === 'for' && x.sweep === s.sweep);
      if (r < 0) return;
      const between = b.slice(k + 1, r);
      const f = out[k] as Loop;
      const rev = out[r] as Loop;
      const next = reverseBody(f, rev, between, at, tape);
      if (next) [out[k], out[r]] = next;
    });
    return out.every((s, k) => s === b[k]) ? b : out;
  };
  return block(code);
}

/** Whether `name` may be read after `s` before it is written (yes, where `s` was not analyzed). */
const liveAfter = (at: Facts, s: CStmt, name: string): boolean => at.live.get(s)?.has(name) ?? true;

/** The forward loop f and its reverse r with r's inner loops run forward, where they can. */
function reverseBody(f: Loop, r: Loop, between: readonly CStmt[], at: Facts, tape: string): [Loop, Loop] | undefined {
  let fBody = f.body;
  const body = [...r.body];
  let changed = false;
  // an index stepped back from its saved value: set to its first value instead
  const stepped = steppedIndex(f, r, between, at, tape);
  if (stepped) {
    // one nest: two, each run forward where it stands, would take each other's values of v
    const nest = body.slice(stepped.pop + 1).filter((s) => (countMentions([s]).get(stepped.v) ?? 0) > 0);
    const up = nest.length === 1 && nest[0].k === 'for' ? ascending(nest[0], at, stepped) : undefined;
    const before = (countMentions(body.slice(0, stepped.pop)).get(stepped.v) ?? 0) > 0;
    if (up && !before && !liveAfter(at, nest[0], stepped.v)) {
      body[body.indexOf(nest[0])] = up;
      body[stepped.pop] = assign(id(stepped.v), stepped.first);
      fBody = f.body.filter((_, k) => k !== stepped.push);
      changed = true;
    }
  }
  for (let k = 0; k < body.length; k++) {
    const s = body[k];
    if (s.k !== 'for' || s !== r.body[k]) continue;
    const up = ascending(s, at);
    if (up) {
      body[k] = up;
      changed = true;
    }
  }
  return changed ? [{ ...f, body: fBody }, { ...r, body }] : undefined;
}

/**
 * `push(v)` in f's body, the only use of the tape there, after `v = first` and loops that only add
 * a constant step to v; `v = pop()` in r's body, the only use of the tape there.
 */
function steppedIndex(f: Loop, r: Loop, between: readonly CStmt[], at: Facts, tape: string): (Stepped & { push: number; pop: number; first: CExpr }) | undefined {
  const ops = (b: readonly CStmt[]): number => {
    let count = 0;
    for (const s of b) {
      for (const stack of ['floats', 'ints'] as const) {
        const o = opsIn(s, stack, tape);
        count += o.pushes + o.pops;
      }
    }
    return count;
  };
  if (ops(f.body) !== 1 || ops(r.body) !== 1) return undefined;
  const push = f.body.findIndex((s) => s.k === 'expr' && stackOp(s.e, tape)?.op === 'push' && stackOp(s.e, tape)?.stack === 'floats');
  const pop = r.body.findIndex((s) => s.k === 'assign' && s.op === '=' && s.target.k === 'id' && stackOp(s.value, tape)?.op === 'pop' && stackOp(s.value, tape)?.stack === 'floats');
  if (push < 0 || pop < 0) return undefined;
  const pushed = (f.body[push] as CStmt & { k: 'expr'; e: { k: 'call' } }).e.args[0];
  const popped = (r.body[pop] as CStmt & { k: 'assign'; target: { k: 'id'; name: string } }).target.name;
  if (pushed.k !== 'id' || pushed.name !== popped) return undefined;
  const v = popped;
  // v = first, then loops that step it
  let set = push - 1;
  const setsV = (x: CStmt): boolean => x.k === 'assign' && x.op === '=' && x.target.k === 'id' && x.target.name === v;
  while (set >= 0 && !setsV(f.body[set])) set--;
  const init = f.body[set];
  if (!init || init.k !== 'assign' || init.op !== '=' || init.target.k !== 'id' || init.target.name !== v) return undefined;
  const first = init.value;
  const reads = at.facts.reads(first);
  if (reads.has(v) || [...at.facts.writes([...f.body, ...r.body, ...between])].some((w) => reads.has(w))) return undefined;
  let step: number | undefined;
  let ok = true;
  walk(f.body.slice(set + 1, push), (s) => {
    if (s.k !== 'assign' || s.target.k !== 'id' || s.target.name !== v) return;
    if (s.op !== '+=' || s.value.k !== 'num' || (step !== undefined && step !== s.value.value)) ok = false;
    else step = s.value.value;
  }, (e) => {
    if (e.k === 'postfix' && e.name === v) ok = false;
  });
  if (!ok || step === undefined) return undefined;
  return { v, step, push, pop, first };
}

/**
 * `for (j = L - 1; j >= S; j--)` as `for (j = S; j < L; j++)`, its inner reversed loops first,
 * where no iteration meets another; with `stepped`, v stepped back at the top of each innermost
 * body is stepped forward at its end.
 */
function ascending(s: Loop, at: Facts, stepped?: Stepped): Loop | undefined {
  const init = s.init;
  if (init?.k !== 'assign' || init.op !== '=' || init.target.k !== 'id' || s.update?.k !== 'postfix' || s.update.op !== '--' || s.cond?.k !== 'bin' || s.cond.op !== '>=') return undefined;
  const j = init.target.name;
  const bound = reversedBound(init.value);
  if (!bound || s.update.name !== j || s.cond.a.k !== 'id' || s.cond.a.name !== j) return undefined;
  const start = s.cond.b;
  const { facts, zeros } = at;
  let body: CStmt[];
  const v = stepped?.v;
  const mentionsV = (x: readonly CStmt[]): boolean => v !== undefined && (countMentions(x).get(v) ?? 0) > 0;
  if (v !== undefined && (facts.reads(start).has(v) || facts.reads(bound).has(v))) return undefined;
  const first = s.body[0];
  if (v !== undefined && first?.k === 'assign' && first.target.k === 'id' && first.target.name === v && first.op === '-=' && first.value.k === 'num' && first.value.value === stepped!.step) {
    // the innermost body: v stepped back first; nothing inside writes v again or loops over it
    const rest = s.body.slice(1);
    if (rest.some((x) => facts.writes([x]).has(v) || ((x.k === 'for' || x.k === 'while' || x.k === 'if') && mentionsV([x])))) return undefined;
    body = [...rest, { k: 'assign', target: id(v), op: '+=', value: first.value }];
  } else {
    body = [];
    // (one loop of the body steps v, as above)
    if (s.body.filter((x) => mentionsV([x])).length > 1) return undefined;
    for (const x of s.body) {
      if (!mentionsV([x])) body.push(x);
      else if (x.k === 'for') {
        const up = ascending(x, at, stepped);
        if (!up) return undefined;
        body.push(up);
      } else return undefined;
    }
    if (v !== undefined && !mentionsV(body)) return undefined;
  }
  // inner reversed loops that do not step v: forward where they can, as they are where not
  body = body.map((x) => (x.k === 'for' && !mentionsV([x]) && s.body.includes(x) ? ascending(x, at) ?? x : x));
  const fx = facts.effects.block(body);
  if (fx.opaque || fx.exits || fx.heapWrite || fx.tapeRead || fx.tapeWrite) return undefined;
  const writes = facts.writes(body);
  // (the bound is read each iteration now, the start once)
  const headReads = new Set([...facts.reads(start), ...facts.reads(bound)]);
  if (writes.has(j) || [...writes].some((w) => headReads.has(w)) || liveAfter(at, s, j)) return undefined;
  const exposed = facts.exposedReads(body);
  for (const w of writes) {
    if (w === v || facts.accumulateOnly(body, w)) continue;
    if (w.startsWith('@')) {
      if (!atCounter(body, w, j, facts)) return undefined;
    } else if (exposed.has(w) || liveAfter(at, s, w)) {
      // zero when the loop starts, and zero after each iteration
      if (!zeros.get(s)?.has(w) || !facts.staysZero(body, new Set([w])).has(w)) return undefined;
    }
  }
  return { ...s, init: assign(id(j), start), cond: { k: 'bin', op: '<', a: id(j), b: bound }, update: { k: 'postfix', op: '++', name: j }, body };
}

/** Whether every element of group `g` the body reads or writes is at index `j` exactly. */
function atCounter(body: readonly CStmt[], g: string, j: string, facts: BodyFacts): boolean {
  let ok = true;
  const visit = (e: CExpr): void => {
    if (e.k === 'index') {
      if (e.obj.k === 'id' && facts.group(e.obj.name) === g && !samePure(e.index, id(j))) ok = false;
      if (e.obj.k !== 'id') visit(e.obj);
      visit(e.index);
      return;
    }
    if (e.k === 'id' && facts.group(e.name) === g) ok = false;
    for (const c of children(e)) visit(c);
  };
  walk(body, () => {}, visit);
  return ok;
}
