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
 * Only arrays no other name can reach are touched (plainArrays.ts).
 */
import { type Atom, atomVar, type IRFunction, type Loop, readsOf, type Stmt, type Var, useSites, walk } from '../ir.js';
import { plainArrays } from './plainArrays.js';

type Load = Stmt & { k: 'assign'; expr: { k: 'load' } };

export function simplifyLoads(fn: IRFunction): IRFunction {
  const { assigns } = useSites(fn.body);
  const params = new Set(fn.params.map((p) => p.v));
  const plain = plainArrays(fn);
  const temp = (v: Var): boolean => v.kind === 'num' && !params.has(v) && !v.outer && assigns.get(v)?.length === 1;
  const isLoad = (s: Stmt): s is Load => s.k === 'assign' && s.expr.k === 'load' && !s.expr.sub && plain.has(s.expr.arr) && temp(s.target);
  const hoisted = hoist(postIncrements(fn.body), isLoad);
  // statements reading each variable
  const reads = new Map([...useSites(hoisted).readers].map(([v, rs]) => [v, new Set(rs).size]));
  const isArith = (s: Stmt): s is Arith => s.k === 'assign' && (s.expr.k === 'bin' || s.expr.k === 'un') && temp(s.target);
  return { ...fn, body: dedup(hoisted, (s): s is Load | Arith => isLoad(s) || isArith(s), reads) };
}

type Arith = Stmt & { k: 'assign'; expr: { k: 'bin' | 'un' } };

const atomKey = (a: Atom): string => (a.k === 'var' ? `v${a.v.id}` : `c${typeof a.value}:${String(a.value)}`);

/** What identifies a load's or an operation's value: the same key, the same value while none of its operands changes. */
function keyOf(s: Load | Arith): string {
  const e = s.expr;
  if (e.k === 'load') return `${e.arr.id}:${atomKey(e.index)}`;
  return e.k === 'bin' ? `${e.op}(${atomKey(e.a)},${atomKey(e.b)})` : `${e.op}(${atomKey(e.a)})`;
}

/** The variables (and arrays) whose change ends a load's or operation's value. */
function operandsOf(s: Load | Arith): Var[] {
  const e = s.expr;
  const atoms = e.k === 'load' ? [e.index] : e.k === 'bin' ? [e.a, e.b] : [e.a];
  return [...(e.k === 'load' ? [e.arr] : []), ...atoms.map(atomVar).filter((v): v is Var => v !== undefined)];
}

/** What a statement (with everything nested in it) may change: variables assigned, arrays stored into. */
function effects(stmts: readonly Stmt[]): { assigned: Set<Var>; stored: Set<Var> } {
  const assigned = new Set<Var>();
  const stored = new Set<Var>();
  walk(stmts, (s) => {
    if (s.k === 'assign') assigned.add(s.target);
    if (s.k === 'store') stored.add(s.arr);
  });
  return { assigned, stored };
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

/** `t = k; k = t + c` (or `t - c`, `c + t`) as `t = k; k = k + c`: t holds k's value there. */
function postIncrements(body: readonly Stmt[]): Stmt[] {
  const out = body.map((s): Stmt => {
    if (s.k === 'if') return { ...s, then: postIncrements(s.then), else: postIncrements(s.else) };
    if (s.k === 'loop') return { ...s, pre: postIncrements(s.pre), body: postIncrements(s.body), update: postIncrements(s.update) };
    return s;
  });
  for (let i = 1; i < out.length; i++) {
    const [copy, step] = [out[i - 1], out[i]];
    if (copy.k !== 'assign' || copy.expr.k !== 'atom' || step.k !== 'assign' || step.expr.k !== 'bin') continue;
    const k = atomVar(copy.expr.a);
    const e = step.expr;
    if (!k || k !== step.target || copy.target === k || (e.op !== '+' && e.op !== '-')) continue;
    const t = copy.target;
    if (atomVar(e.a) === t && e.b.k === 'const') out[i] = { ...step, expr: { ...e, a: copy.expr.a } };
    else if (e.op === '+' && atomVar(e.b) === t && e.a.k === 'const') out[i] = { ...step, expr: { ...e, b: copy.expr.a } };
  }
  return out;
}

/** The same element loaded (or the same operation computed) again in a block, nothing written in between: the first one's variable is used. */
function dedup(body: readonly Stmt[], isValue: (s: Stmt) => s is Load | Arith, reads: ReadonlyMap<Var, number>): Stmt[] {
  const stmts = body.map((s): Stmt => {
    if (s.k === 'if') return { ...s, then: dedup(s.then, isValue, reads), else: dedup(s.else, isValue, reads) };
    if (s.k === 'loop') return { ...s, pre: dedup(s.pre, isValue, reads), body: dedup(s.body, isValue, reads), update: dedup(s.update, isValue, reads) };
    return s;
  });
  const seen = new Map<string, Load | Arith>();
  const replace = new Map<Var, Var>();
  const out: Stmt[] = [];
  for (let i = 0; i < stmts.length; i++) {
    let s = stmts[i];
    if (replace.size > 0) s = substitute(s, replace);
    const first = isValue(s) ? seen.get(keyOf(s)) : undefined;
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
    const { assigned, stored } = effects([s]);
    for (const [k, first] of seen) {
      if (assigned.has(first.target) || operandsOf(first).some((v) => assigned.has(v) || (first.expr.k === 'load' && stored.has(v)))) seen.delete(k);
    }
    if (isValue(s) && !operandsOf(s).includes(s.target) && !seen.has(keyOf(s))) seen.set(keyOf(s), s);
  }
  return out;
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
