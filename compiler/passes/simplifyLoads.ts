/**
 * Loads as a person would write them, before the analyses (with `optimize` on): an element read
 * twice in a row is read once, and an element that no iteration of a loop changes is read once
 * before the loop. Each saves the reverse sweep a value to keep: per element rather than per read,
 * per run of the loop rather than per iteration. An index computed twice in a row is computed
 * once, so that the loads through it are one too.
 *
 *   sq += qx[j] * qx[j]                    _t1 = qx[j]; _t3 = _t1 * _t1    (not _t1 * _t2)
 *   frob += L[c*s + j] * L[c*s + j]        _t1 = c * s + j; _t2 = L[_t1]; _t2 * _t2
 *   for (b…) qx[b] += L[t] * centered[a]   _t5 = centered[a] before the b loop
 *
 * A post-increment's step reads the variable itself, not the copy just taken of it (the same
 * number), so that the variable is stepped as inductionVars.ts recognizes:
 *
 *   s += L[k++] * v[j]                     _t1 = k; k = k + 1; _t2 = L[_t1]    (not k = _t1 + 1)
 *
 * Loads are hoisted only from arrays no other name can reach (plainArrays.ts); an element loaded
 * twice from another array is read once only where nothing at all is stored or called between.
 */
import { type Atom, atomVar, type IRFunction, type Loop, readsOf, type Stmt, type Var, useSites, walk } from '../ir.js';
import { plainArrays } from './plainArrays.js';

type Load = Stmt & { k: 'assign'; expr: { k: 'load' } };

export function simplifyLoads(fn: IRFunction): IRFunction {
  const { assigns } = useSites(fn.body);
  const params = new Set(fn.params.map((p) => p.v));
  const plain = plainArrays(fn);
  const temp = (v: Var): boolean => v.kind === 'num' && !params.has(v) && !v.outer && assigns.get(v)?.length === 1;
  const anyLoad = (s: Stmt): s is Load => s.k === 'assign' && s.expr.k === 'load' && !s.expr.sub && temp(s.target);
  const isLoad = (s: Stmt): s is Load => anyLoad(s) && plain.has(s.expr.arr);
  const hoisted = hoist(postIncrements(fn.body), isLoad);
  // statements reading each variable
  const reads = new Map([...useSites(hoisted).readers].map(([v, rs]) => [v, new Set(rs).size]));
  const coalesced = coalesceCopies(hoisted, temp, reads);
  const isArith = (s: Stmt): s is Arith => s.k === 'assign' && (s.expr.k === 'bin' || s.expr.k === 'un') && temp(s.target);
  // a load from an array another name may reach is read once too, where nothing at all is stored
  // or called in between (`dot(v, v)` over a refilled array: `ai = out[i]; _t2 = out[i]`)
  const aliased = (s: Load | Arith): boolean => s.expr.k === 'load' && !plain.has(s.expr.arr);
  return { ...fn, body: dedup(coalesced, (s): s is Load | Arith => anyLoad(s) || isArith(s), reads, aliased) };
}

type Arith = Stmt & { k: 'assign'; expr: { k: 'bin' | 'un' } };

const atomKey = (a: Atom): string => (a.k === 'var' ? `v${a.v.id}` : `c${typeof a.value}:${String(a.value)}`);

/**
 * What identifies a load's or an operation's value: the same key, the same value while none of its
 * operands changes (operands read through `resolve`: a copy as what it copied).
 */
function keyOf(s: Load | Arith, resolve: (a: Atom) => Atom): string {
  const e = s.expr;
  const key = (a: Atom): string => atomKey(resolve(a));
  if (e.k === 'load') return `${e.arr.id}:${key(e.index)}`;
  return e.k === 'bin' ? `${e.op}(${key(e.a)},${key(e.b)})` : `${e.op}(${key(e.a)})`;
}

/** The variables (and arrays) whose change ends a load's or operation's value. */
function operandsOf(s: Load | Arith): Var[] {
  const e = s.expr;
  const atoms = e.k === 'load' ? [e.index] : e.k === 'bin' ? [e.a, e.b] : [e.a];
  return [...(e.k === 'load' ? [e.arr] : []), ...atoms.map(atomVar).filter((v): v is Var => v !== undefined)];
}

/** What a statement (with everything nested in it) may change: variables assigned, arrays stored into, and whether it calls a function (which may write into arrays it can reach). */
function effects(stmts: readonly Stmt[]): { assigned: Set<Var>; stored: Set<Var>; calls: boolean } {
  const assigned = new Set<Var>();
  const stored = new Set<Var>();
  let calls = false;
  walk(stmts, (s) => {
    if (s.k === 'assign') {
      assigned.add(s.target);
      if (s.expr.k === 'call' || s.expr.k === 'userCall' || s.expr.k === 'custom') calls = true;
    }
    if (s.k === 'store') stored.add(s.arr);
  });
  return { assigned, stored, calls };
}

/** Variables read anywhere in `stmts`. */
function readers(stmts: readonly Stmt[], v: Var): Stmt[] {
  const out: Stmt[] = [];
  walk(stmts, (s) => {
    if (readsOf(s).some((a) => a !== undefined && atomVar(a) === v)) out.push(s);
  });
  return out;
}

/** Invariant loads out of loops, innermost loops first; the hoisted load goes just before its loop. */
function hoist(body: readonly Stmt[], isLoad: (s: Stmt) => s is Load): Stmt[] {
  const out: Stmt[] = [];
  for (const s of body) {
    if (s.k === 'if') {
      out.push({ ...s, then: hoist(s.then, isLoad), else: hoist(s.else, isLoad) });
      continue;
    }
    if (s.k !== 'loop') {
      out.push(s);
      continue;
    }
    const loop: Loop = { ...s, pre: hoist(s.pre, isLoad), body: hoist(s.body, isLoad), update: hoist(s.update, isLoad) };
    if (loop.parallel || loop.checkpoint) {
      out.push(loop);
      continue;
    }
    const { assigned, stored } = effects([loop]);
    const invariant = (a: Atom): boolean => a.k === 'const' || !assigned.has(a.v);
    const moved: Stmt[] = [];
    const kept: Stmt[] = [];
    for (const b of loop.body) {
      const ok = isLoad(b) && !stored.has(b.expr.arr) && !assigned.has(b.expr.arr) && invariant(b.expr.index) &&
        // read only after it, in the body (nothing sees the value of another time)
        readers([...loop.pre, ...kept], b.target).length === 0 && readers(loop.update, b.target).length === 0;
      (ok ? moved : kept).push(b);
    }
    out.push(...moved, moved.length > 0 ? { ...loop, body: kept } : loop);
  }
  return out;
}

/**
 * A temporary copied into a variable, `t = e; …; x = t` (an inlined callback's parameter,
 * `ai = _t9`; neither plainVar's exceptions), as `x = e; …` with t read as x: both assigned nowhere
 * else, t read only after its assignment in this block, x not read between the two (so x may take
 * the value earlier). One variable instead of two, which dedup can then see loaded twice
 * (`ai * b[i]` of `dot(v, v)`). `reads` follows.
 */
function coalesceCopies(body: readonly Stmt[], temp: (v: Var) => boolean, reads: Map<Var, number>): Stmt[] {
  const stmts = inNested(body, (b) => coalesceCopies(b, temp, reads));
  const out: Stmt[] = [];
  const defAt = new Map<Var, number>();
  const rename = new Map<Var, Var>();
  for (let i = 0; i < stmts.length; i++) {
    let s = stmts[i];
    if (rename.size > 0) s = substitute(s, rename);
    if (s.k === 'assign' && s.expr.k === 'atom') {
      const [t, x] = [atomVar(s.expr.a), s.target];
      const q = t && defAt.get(t);
      // every read of t in this block after its assignment; x read nowhere in between
      const ok = t !== undefined && q !== undefined && t !== x && x.kind === 'num' && plainVar(x) && plainVar(t) && temp(x) && temp(t) &&
        readers(out.slice(0, q + 1), t).length === 0 && readers(out.slice(q + 1), x).length === 0 &&
        readers([...out, ...stmts.slice(i)], t).length === reads.get(t);
      if (ok) {
        const one = new Map([[t, x]]);
        out[q] = { ...(out[q] as Stmt & { k: 'assign' }), target: x };
        for (let j = q + 1; j < out.length; j++) out[j] = substitute(out[j], one);
        rename.set(t, x);
        reads.set(x, (reads.get(x) ?? 0) + (reads.get(t) ?? 0) - 1);
        defAt.delete(t);
        defAt.set(x, q);
        continue;
      }
    }
    if (s.k === 'assign') defAt.set(s.target, out.length);
    out.push(s);
  }
  return out;
}

/**
 * A variable that is only its value: not `stopGradient`'s (whose copy must stay a copy, the
 * derivative stopping there: forward.test's normalized) nor an inlined call's result.
 */
const plainVar = (v: Var): boolean => !v.constant && !v.callResult;

/** `t = k; k = t + c` (or `t - c`, `c + t`) as `t = k; k = k + c`: t holds k's value there. */
function postIncrements(body: readonly Stmt[]): Stmt[] {
  const out = inNested(body, postIncrements);
  for (let i = 1; i < out.length; i++) {
    const [copy, step] = [out[i - 1], out[i]];
    if (copy.k !== 'assign' || copy.expr.k !== 'atom' || step.k !== 'assign' || step.expr.k !== 'bin') continue;
    const k = atomVar(copy.expr.a);
    const e = step.expr;
    if (!k || k !== step.target || copy.target === k || (e.op !== '+' && e.op !== '-')) continue;
    const t = copy.target;
    if (!plainVar(t)) continue;
    if (atomVar(e.a) === t && e.b.k === 'const') out[i] = { ...step, expr: { ...e, a: copy.expr.a } };
    else if (e.op === '+' && atomVar(e.b) === t && e.a.k === 'const') out[i] = { ...step, expr: { ...e, b: copy.expr.a } };
  }
  return out;
}

/** The same element loaded (or the same operation computed) again in a block, nothing written in between: the first one's variable is used. */
function dedup(body: readonly Stmt[], isValue: (s: Stmt) => s is Load | Arith, reads: ReadonlyMap<Var, number>, aliased: (s: Load | Arith) => boolean): Stmt[] {
  const stmts = inNested(body, (b) => dedup(b, isValue, reads, aliased));
  // each value seen, with the variables whose change ends it (its operands, and what copies of
  // them stood for: `i_3 = i_2; … a[i_3]` is a[i_2] while neither changes)
  const seen = new Map<string, { s: Load | Arith; vars: Var[] }>();
  const copies = new Map<Var, Atom>();
  const resolve = (a: Atom): Atom => (a.k === 'var' ? copies.get(a.v) ?? a : a);
  const replace = new Map<Var, Var>();
  const out: Stmt[] = [];
  for (let i = 0; i < stmts.length; i++) {
    let s = stmts[i];
    if (replace.size > 0) s = substitute(s, replace);
    const first = isValue(s) ? seen.get(keyOf(s, resolve))?.s : undefined;
    if (first && isValue(s)) {
      // every read of the second is in a later statement of this block, and the first keeps its value through them
      const later = stmts.slice(i + 1);
      let last = -1;
      later.forEach((x, j) => readers([x], s.target).length > 0 && (last = j));
      const through = effects(later.slice(0, last + 1));
      if (last >= 0 && readers(later, s.target).length === reads.get(s.target) && !through.assigned.has(first.target)) {
        replace.set(s.target, first.target);
        continue;
      }
    }
    out.push(s);
    const { assigned, stored, calls } = effects([s]);
    for (const [k, { s: f, vars }] of seen) {
      if (assigned.has(f.target) || vars.some((v) => assigned.has(v) || (f.expr.k === 'load' && stored.has(v)))) seen.delete(k);
      else if (aliased(f) && (stored.size > 0 || calls)) seen.delete(k);
    }
    for (const [c, a] of copies) if (assigned.has(c) || (a.k === 'var' && assigned.has(a.v))) copies.delete(c);
    if (isValue(s) && !operandsOf(s).includes(s.target) && !seen.has(keyOf(s, resolve))) {
      const vars = operandsOf(s);
      const stoodFor = vars.map((v) => atomVar(resolve({ k: 'var', v }))).filter((v): v is Var => v !== undefined);
      seen.set(keyOf(s, resolve), { s, vars: [...vars, ...stoodFor] });
    }
    if (s.k === 'assign' && s.expr.k === 'atom' && s.target.kind === 'num' && plainVar(s.target) && atomVar(s.expr.a) !== s.target) copies.set(s.target, resolve(s.expr.a));
  }
  return out;
}

/** `body` with `f` applied to the blocks nested in its statements (the `if`s' branches, the loops' parts). */
function inNested(body: readonly Stmt[], f: (block: readonly Stmt[]) => Stmt[]): Stmt[] {
  return body.map((s): Stmt => {
    if (s.k === 'if') return { ...s, then: f(s.then), else: f(s.else) };
    if (s.k === 'loop') return { ...s, pre: f(s.pre), body: f(s.body), update: f(s.update) };
    return s;
  });
}

/** `s` with the variables of `map` read as their images (nested statements too). */
function substitute(s: Stmt, map: ReadonlyMap<Var, Var>): Stmt {
  const at = (a: Atom): Atom => (a.k === 'var' && map.has(a.v) ? { k: 'var', v: map.get(a.v)! } : a);
  const block = (b: readonly Stmt[]): Stmt[] => b.map((x) => substitute(x, map));
  switch (s.k) {
    case 'store':
      return { ...s, index: at(s.index), value: at(s.value), ...(s.sub ? { sub: at(s.sub) } : {}) };
    case 'if':
      return { ...s, cond: at(s.cond), then: block(s.then), else: block(s.else) };
    case 'loop':
      return { ...s, cond: at(s.cond), pre: block(s.pre), body: block(s.body), update: block(s.update) };
    case 'assign':
      return { ...s, expr: substituteExpr(s.expr, at) };
  }
}

function substituteExpr(e: Extract<Stmt, { k: 'assign' }>['expr'], at: (a: Atom) => Atom): Extract<Stmt, { k: 'assign' }>['expr'] {
  switch (e.k) {
    case 'atom': return { ...e, a: at(e.a) };
    case 'bin': return { ...e, a: at(e.a), b: at(e.b) };
    case 'un': return { ...e, a: at(e.a) };
    case 'select': return { ...e, c: at(e.c), a: at(e.a), b: at(e.b) };
    case 'math': return { ...e, args: e.args.map(at) };
    case 'load': return { ...e, index: at(e.index), ...(e.sub ? { sub: at(e.sub) } : {}) };
    case 'newArray': return { ...e, length: at(e.length), fill: at(e.fill) };
    case 'call': return { ...e, args: e.args.map(at) };
    case 'custom': return { ...e, value: at(e.value), args: e.args.map(at), partials: e.partials.map(at) };
    case 'userCall': return { ...e, args: e.args.map(at) };
    case 'length':
    case 'field':
      return e;
  }
}
