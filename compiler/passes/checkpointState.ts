/**
 * The state of a `// @checkpoint` loop kept in one array: a time loop written the idiomatic way,
 * the state given each step's new array,
 *
 *   let x = x0;
 *   // @checkpoint
 *   for (let t = 0; t < steps; t++) x = step(x);
 *
 * becomes, for checkpointLoops (which saves and restores a state by value, in place),
 *
 *   let x = x0;  x = <a copy of x>;
 *   for (…) { next = <step(x)>; <x.length === next.length, or a RangeError>; x[i] = next[i] for each i }
 *
 * Same values: `next` is a temporary of the step (made in it, dead after the copy; analyzeBuffers'
 * `temporary`), and the loop only indexes x, so no other name sees the array written in place;
 * the copy before the loop keeps the caller's array (or any other holder of x's first array)
 * as it was. Any other way of giving the state a new array is left for checkpointLoops to reject.
 */
import { type Atom, type Expr, type IRFunction, type Loop, num, ref, type Stmt, type Var, walk } from '../ir.js';
import type { NameScope } from '../naming.js';
import { handsOn, temporary } from './analyzeBuffers.js';

type Assign = Stmt & { k: 'assign' };

export function keepCheckpointState(fn: IRFunction, names: NameScope): IRFunction {
  let any = false;
  walk(fn.body, (s) => {
    if (s.k === 'loop' && s.checkpoint) any = true;
  });
  if (!any) return fn;
  const b = new Builder(fn, names);
  const body = b.block(fn.body);
  return body === fn.body ? fn : { ...fn, body, locals: [...fn.locals, ...b.made] };
}

/**
 * A state that starts as another name for an array and is then given each step's result,
 *
 *   let x = x0;  for (…) x = step(x);
 *
 * starts as a copy instead (`x = [...x0]`): the arrays it holds are then all its own, so
 * reverseMode can swap them with the step's temporaries (analyzeBuffers.ts) where it would
 * otherwise hand the caller's array to a temporary to refill. Same values: x is only indexed.
 */
export function ownStates(fn: IRFunction, names: NameScope): IRFunction {
  const sites = new Map<Var, Assign[]>();
  walk(fn.body, (s) => {
    if (s.k === 'assign' && s.target.kind === 'array') sites.set(s.target, [...(sites.get(s.target) ?? []), s]);
  });
  const allocations = (v: Var): Assign[] => (sites.get(v) ?? []).filter((s) => s.expr.k === 'newArray');
  const copies = new Map<Assign, Var>();
  for (const [x, list] of sites) {
    if (!['f64', 'f32', 'numarr'].includes(x.arrayType ?? '') || x.growable || x.outer) continue;
    const from = (s: Assign): Var | undefined => (s.expr.k === 'atom' && s.expr.a.k === 'var' && s.expr.a.v !== x ? s.expr.a.v : undefined);
    const moves = list.filter((s) => {
      const u = from(s);
      return !!u && u.arrayType === x.arrayType && temporary(fn, u, s, allocations(u));
    });
    const rest = list.filter((s) => !moves.includes(s));
    const start = rest.length === 1 && fn.body.includes(rest[0]) ? rest[0] : undefined;
    const p = start && from(start);
    if (!start || !p || p.arrayType !== x.arrayType || moves.length === 0 || handedOnIn(fn.body, x)) continue;
    copies.set(start, p);
  }
  if (copies.size === 0) return fn;
  const b = new Builder(fn, names);
  const body = fn.body.flatMap((s) => (s.k === 'assign' && copies.has(s) ? b.copyFrom(s.target, copies.get(s)!) : [s]));
  return { ...fn, body, locals: [...fn.locals, ...b.made] };
}

class Builder {
  readonly made: Var[] = [];
  private nextId: number;
  private nextLoop: number;

  constructor(
    private readonly fn: IRFunction,
    private readonly names: NameScope,
  ) {
    this.nextId = Math.max(0, ...[...fn.params.map((p) => p.v), ...fn.locals].map((v) => v.id)) + 1;
    let loopId = 0;
    walk(fn.body, (s) => {
      if (s.k === 'loop') loopId = Math.max(loopId, s.id);
    });
    this.nextLoop = loopId + 1;
  }

  /**
   * The checkpointed loops of a statement list, and of the branches of its ifs (code after an
   * early return is such a branch); not inside other loops, where checkpointLoops rejects them.
   */
  block(body: readonly Stmt[]): readonly Stmt[] {
    let out = body;
    for (const s of body) {
      if (s.k === 'loop' && s.checkpoint) out = this.rewrite(out, s);
      if (s.k !== 'if') continue;
      const [then, otherwise] = [this.block(s.then), this.block(s.else)];
      if (then !== s.then || otherwise !== s.else) out = out.map((x) => (x === s ? { ...s, then, else: otherwise } : x));
    }
    return out;
  }

  /** `body` with the state moves of `loop` (one of its statements) turned into copies. */
  private rewrite(body: readonly Stmt[], loop: Loop): readonly Stmt[] {
    const at = body.indexOf(loop);
    const moves = new Map<Assign, Var>();
    const assigned = new Map<Var, Assign[]>();
    walk([...loop.pre, ...loop.body, ...loop.update], (s) => {
      if (s.k === 'assign') assigned.set(s.target, [...(assigned.get(s.target) ?? []), s]);
    });
    const allocations = (v: Var): Assign[] => (assigned.get(v) ?? []).filter((s) => s.expr.k === 'newArray');
    for (const [x, sites] of assigned) {
      if (x.kind !== 'array' || !['f64', 'f32', 'numarr'].includes(x.arrayType ?? '') || x.growable) continue;
      // given an array before the loop, at the top level, so it holds one when the loop starts
      if (!body.slice(0, at).some((s) => s.k === 'assign' && s.target === x)) continue;
      const ok = sites.every((s) => {
        const from = s.expr.k === 'atom' && s.expr.a.k === 'var' ? s.expr.a.v : undefined;
        return !!from && from.arrayType === x.arrayType && temporary(this.fn, from, s, allocations(from));
      });
      if (ok && !handedOn(loop, x)) for (const s of sites) moves.set(s, x);
    }
    if (moves.size === 0) return body;
    const states = [...new Set(moves.values())];
    const before = states.flatMap((x) => this.copyOf(x));
    const replace = (stmts: readonly Stmt[]): Stmt[] =>
      stmts.flatMap((s): Stmt[] => {
        if (s.k === 'assign' && moves.has(s)) return this.copyInto(s.target, (s.expr as Expr & { k: 'atom' }).a as Atom & { k: 'var' });
        if (s.k === 'if') return [{ ...s, then: replace(s.then), else: replace(s.else) }];
        if (s.k === 'loop') return [{ ...s, pre: replace(s.pre), body: replace(s.body), update: replace(s.update) }];
        return [s];
      });
    const rewritten: Loop = { ...loop, pre: replace(loop.pre), body: replace(loop.body), update: replace(loop.update) };
    return [...body.slice(0, at), ...before, rewritten, ...body.slice(at + 1)];
  }

  /** `x = <new array, x's length>; x[i] = old[i]`: the state's own array. */
  private copyOf(x: Var): Stmt[] {
    const old = this.newVar(`${x.name}_start`, { kind: 'array', arrayType: x.arrayType });
    return [{ k: 'assign', target: old, expr: { k: 'atom', a: ref(x) } }, ...this.copyFrom(x, old)];
  }

  /** `x = <new array, old's length>; x[i] = old[i]`. */
  copyFrom(x: Var, old: Var): Stmt[] {
    const length = this.newVar('_len', { kind: 'num' });
    const ctor = x.arrayType === 'f64' ? 'Float64Array' : x.arrayType === 'f32' ? 'Float32Array' : 'Array';
    return [
      { k: 'assign', target: length, expr: { k: 'length', arr: old } },
      { k: 'assign', target: x, expr: { k: 'newArray', type: x.arrayType!, ctor, length: ref(length), fill: num(0), written: true } },
      ...this.eachIndex(ref(length), (i, body) => {
        const e = this.newVar('_e', { kind: 'num' });
        body.push({ k: 'assign', target: e, expr: { k: 'load', arr: old, index: i } }, { k: 'store', arr: x, index: i, value: ref(e) });
      }),
    ];
  }

  /** `x = next` as a copy into x, after checking that the state keeps its length. */
  private copyInto(x: Var, next: Atom & { k: 'var' }): Stmt[] {
    const [n, m] = [this.newVar('_n', { kind: 'num' }), this.newVar('_m', { kind: 'num' })];
    const differs = this.newVar('_resized', { kind: 'bool' });
    const thrown = this.newVar('_thrown', { kind: 'num' });
    const message = `tsgrad: the state '${x.name}' of a // @checkpoint loop must keep its length (it is saved and restored in one array), but a step gave it `;
    return [
      { k: 'assign', target: n, expr: { k: 'length', arr: next.v } },
      { k: 'assign', target: m, expr: { k: 'length', arr: x } },
      { k: 'assign', target: differs, expr: { k: 'bin', op: '!==', a: ref(n), b: ref(m) } },
      { k: 'if', cond: ref(differs), then: [{ k: 'assign', target: thrown, expr: { k: 'call', callee: { name: 'raise', runtime: true }, args: [str('RangeError'), str(message), ref(n), str(' elements instead of '), ref(m)] } }], else: [] },
      ...this.eachIndex(ref(n), (i, body) => {
        const e = this.newVar('_e', { kind: 'num' });
        body.push({ k: 'assign', target: e, expr: { k: 'load', arr: next.v, index: i } }, { k: 'store', arr: x, index: i, value: ref(e) });
      }),
    ];
  }

  /** `for (i = 0; i < end; i++) fill(i)`, a counted loop as lowering makes them. */
  private eachIndex(end: Atom, fill: (i: Atom, body: Stmt[]) => void): Stmt[] {
    const counter = this.newVar('i', { kind: 'num' });
    const test = this.newVar('_t', { kind: 'bool' });
    const body: Stmt[] = [];
    fill(ref(counter), body);
    return [{ k: 'assign', target: counter, expr: { k: 'atom', a: num(0) } }, {
      k: 'loop',
      id: this.nextLoop++,
      pre: [{ k: 'assign', target: test, expr: { k: 'bin', op: '<', a: ref(counter), b: end } }],
      cond: ref(test),
      body,
      update: [{ k: 'assign', target: counter, expr: { k: 'bin', op: '+', a: ref(counter), b: num(1) } }],
      canonical: { counter, start: num(0), step: 1 },
    }];
  }

  private newVar(base: string, shape: Pick<Var, 'kind' | 'arrayType'>): Var {
    const v: Var = { id: this.nextId++, name: this.names.unique(base), ...shape };
    this.made.push(v);
    return v;
  }
}

const str = (value: string): Atom => ({ k: 'const', value });

/** Whether the loop uses x other than by indexing it (a load, a store, its length) or giving it a new array. */
function handedOn(loop: Loop, x: Var): boolean {
  return handedOnIn([...loop.pre, ...loop.body, ...loop.update], x);
}

/** Whether the statements use x other than by indexing it or giving it a new array. */
function handedOnIn(stmts: readonly Stmt[], x: Var): boolean {
  let found = false;
  walk(stmts, (s) => {
    if (handsOn(s).some((a) => a?.k === 'var' && a.v === x)) found = true;
  });
  return found;
}
