/**
 * jit(grad(f)), step one: find the *leaf sums* of each `// @parallel` loop and take them out of the
 * IR, so that they run as kernels while the rest of the loop is differentiated as usual.
 *
 * A leaf sum is an innermost counted loop inside a parallel loop whose body is straight-line code
 * ending in sum updates, `acc += e(j)`, where `e` reads only the loop counters, arrays that `f`
 * never writes, and values recomputable from those (nothing with a derivative of its own):
 *
 *   // @parallel
 *   for (let i = 0; i < n; i++)
 *     for (let k = 0; k < c; k++) {
 *       let z = 0;
 *       for (let j = 0; j < d; j++) z += theta[k * d + j] * X[i * d + j];   ← leaf sum: z += L[i, k]
 *       …
 *
 * Each leaf sum becomes a buffer L with one element per instance (iteration i × counters of the
 * loops between the parallel loop and the leaf), filled by a kernel before the loop runs; the IR
 * reads `acc += L[instance]` instead. Reverse mode then treats L as an array with an adjoint L_b,
 * and adjointKernels.ts turns L_b into the adjoints of the arrays the sums read, as gathers over
 * each array's elements: no iteration writes to a shared adjoint, so nothing races.
 *
 * Loops that are not leaf sums stay where they are and are differentiated on the host, correct but
 * sequential; this pass never rejects code.
 */
import type { ActivityInfo } from './analyzeActivity.js';
import { type Atom, type Expr, type IRFunction, type Loop, num, ref, type Stmt, type Var, walk } from '../ir.js';
import type { NameScope } from '../naming.js';
import { declaresFresh, type ParallelLoop, scalarOperands } from './parallelLoops.js';

/** A counted loop `for (let v = start; v < bound; v++)` with start and bound fixed for the call. */
export interface Counter {
  readonly v: Var;
  readonly start: Atom;
  readonly bound: Atom;
  /** Trip count (a host variable holding max(bound - start, 0), or a constant). */
  readonly trips: Atom;
}

export interface LeafSum {
  readonly leaf: Loop;
  /** Counters of the loops between the parallel loop and the leaf, outermost first. */
  readonly outer: readonly Counter[];
  readonly inner: Counter;
  readonly acc: Var;
  /** `acc += e` (1) or `acc -= e` (-1). */
  readonly sign: 1 | -1;
  readonly summand: Atom;
  /** Float32Array of trips × instances: L[(i - start) * instances + flat(outer)]. */
  readonly buffer: Var;
  /** Instances per iteration: the product of the outer trip counts (1 when there are none). */
  readonly instances: Atom;
  /** Elements of the buffer: instances × trips of the parallel loop. */
  readonly length: Atom;
  /** Whether the sum reads an array with a derivative (then its adjoint is gathered). */
  readonly active: boolean;
}

export interface LeafGroup {
  readonly plan: ParallelLoop;
  readonly counter: Counter;
  readonly sums: readonly LeafSum[];
  /** Single-assignment definitions in the parallel loop's body, recomputable inside a kernel. */
  readonly defs: ReadonlyMap<Var, Expr>;
  /** Variables the loop's body assigns (every other scalar it reads is a kernel constant). */
  readonly assigned: ReadonlySet<Var>;
}

export interface Materialized {
  readonly fn: IRFunction;
  /** By the id of the parallel loop. */
  readonly groups: ReadonlyMap<number, LeafGroup>;
  /** Buffers whose adjoint is wanted: reverse mode treats them as varied. */
  readonly seeds: readonly Var[];
}

export function materializeLeaves(fn: IRFunction, plans: readonly ParallelLoop[], activity: ActivityInfo, names: NameScope): Materialized {
  return new LeafFinder(fn, activity, names).run(plans);
}

type Assign = Stmt & { k: 'assign' };

class LeafFinder {
  /** Assignment sites of each variable, over the whole function. */
  private readonly sites = new Map<Var, Assign[]>();
  private readonly stored = new Set<Var>();
  private readonly loopsOf = new Map<Stmt, readonly Loop[]>();
  private readonly extra: Var[] = [];
  private nextId: number;
  /** Statements inserted before a parallel loop, and replacements of leaf loops. */
  private readonly before = new Map<Loop, Stmt[]>();
  private readonly replaced = new Map<Loop, Stmt[]>();

  constructor(
    private readonly fn: IRFunction,
    private readonly activity: ActivityInfo,
    private readonly names: NameScope,
  ) {
    walk(fn.body, (s, loops) => {
      this.loopsOf.set(s, [...loops]);
      if (s.k === 'assign') this.sites.set(s.target, [...(this.sites.get(s.target) ?? []), s]);
      else if (s.k === 'store') this.stored.add(s.arr);
    });
    this.nextId = Math.max(0, ...[...fn.params.map((p) => p.v), ...fn.locals].map((v) => v.id)) + 1;
  }

  run(plans: readonly ParallelLoop[]): Materialized {
    const groups = new Map<number, LeafGroup>();
    const seeds: Var[] = [];
    for (const plan of plans) {
      const group = this.group(plan);
      if (!group) continue;
      groups.set(plan.loop.id, group);
      seeds.push(...group.sums.filter((s) => s.active).map((s) => s.buffer));
    }
    const body = this.rewrite(this.fn.body);
    return { fn: { ...this.fn, body, locals: [...this.fn.locals, ...this.extra] }, groups, seeds };
  }

  // ── which loops are leaf sums ───────────────────────────────────────────────────────────────

  /** A value that cannot change during the call: a parameter or constant never assigned, or a local assigned once outside loops. */
  private stable(a: Atom): boolean {
    if (a.k === 'const') return typeof a.value === 'number';
    const v = a.v;
    if (v.kind !== 'num' || this.activity.active.has(v)) return false;
    const sites = this.sites.get(v) ?? [];
    if (v.outer || this.fn.params.some((p) => p.v === v)) return sites.length === 0;
    return sites.length === 1 && this.loopsOf.get(sites[0])!.length === 0;
  }

  private readOnlyArray(v: Var): boolean {
    return v.kind === 'array' && !this.stored.has(v) && (this.sites.get(v) ?? []).length === 0;
  }

  private counterOf(loop: Loop): Omit<Counter, 'trips'> | undefined {
    const c = loop.canonical;
    const [test] = loop.pre;
    if (!c || c.step !== 1 || loop.pre.length !== 1 || test.k !== 'assign' || test.expr.k !== 'bin' || test.expr.op !== '<') return undefined;
    if (test.expr.a.k !== 'var' || test.expr.a.v !== c.counter || !this.stable(test.expr.b) || !this.stable(c.start)) return undefined;
    return { v: c.counter, start: c.start, bound: test.expr.b };
  }

  private group(plan: ParallelLoop): LeafGroup | undefined {
    const P = plan.loop;
    const counter = this.counterOf(P);
    if (!counter) return undefined;
    const assigned = new Set<Var>();
    const defs = new Map<Var, Expr>();
    walk(P.body, (s) => {
      if (s.k !== 'assign') return;
      assigned.add(s.target);
      if (declaresFresh(s) && this.sites.get(s.target)!.length === 1 && s.expr.k !== 'newArray' && s.expr.k !== 'length') defs.set(s.target, s.expr);
    });
    const recomputable = (a: Atom, chain: readonly Loop[], depth = 0): boolean => {
      if (a.k === 'const') return true;
      const v = a.v;
      if (v.kind === 'array') return this.readOnlyArray(v);
      if (this.activity.active.has(v) || depth > 64) return false;
      if (v === counter.v || chain.some((l) => l.canonical?.counter === v)) return true;
      if (!assigned.has(v)) return this.stable(a);
      const e = defs.get(v);
      if (!e) return false;
      // defined in a loop that encloses the use (so its value is this instance's)
      const site = this.sites.get(v)![0];
      const within = this.loopsOf.get(site)!.slice(this.loopsOf.get(site)!.indexOf(P) + 1);
      if (!within.every((l) => chain.includes(l))) return false;
      if ((e.k === 'load' && !this.readOnlyArray(e.arr)) || e.k === 'call' || e.k === 'custom') return false;
      return scalarOperands(e).every((x) => recomputable(x, chain, depth + 1));
    };

    const sums: LeafSum[] = [];
    const shared = new Map<string, LeafSum>();
    const tripsOf = new Map<Var, Counter>();
    const pTrips = this.tripVar(counter, `_trips${P.id}`, P);
    const withTrips = (c: Omit<Counter, 'trips'>): Counter => {
      let known = tripsOf.get(c.v);
      if (!known) tripsOf.set(c.v, (known = this.tripVar(c, `_T_${c.v.name}`, P)));
      return known;
    };
    walk(P.body, (s, loops) => {
      if (s.k !== 'loop') return;
      const chain = loops.slice(loops.indexOf(P) + 1);
      const found = this.leafSums(s, chain, recomputable);
      if (!found) return;
      const outerCounters = chain.map((l) => this.counterOf(l));
      if (outerCounters.some((c) => c === undefined)) return;
      const outer = (outerCounters as Omit<Counter, 'trips'>[]).map(withTrips);
      const inner = { ...this.counterOf(s)!, trips: num(0) };
      const instances = this.product(outer.map((c) => c.trips), P);
      const stmts: Stmt[] = [];
      const positions = new Map<Var, string>([[counter.v, 'i'], [inner.v, 'j'], ...outer.map((c, a): [Var, string] => [c.v, `o${a}`])]);
      const ranges = [...outer, inner].map((c) => `${atomKey(c.start)}:${atomKey(c.bound)}`).join(',');
      for (const f of found) {
        // a sum computed twice (the same expression over the same ranges) shares one buffer
        const key = `${ranges}|${expressionKey(f.summand, defs, positions)}`;
        const same = shared.get(key);
        const buffer = same?.buffer ?? this.newVar(`_L${sums.length}`, 'array');
        const length = same?.length ?? this.temp(P, { k: 'bin', op: '*', a: instances, b: pTrips.trips });
        if (!same) this.before.get(P)!.push({ k: 'assign', target: buffer, expr: { k: 'newArray', type: 'f32', ctor: 'Float32Array', length, fill: num(0) }, init: true });
        // acc ±= L[(i - start) * instances + flat(outer)]
        let q: Atom = counter.start.k === 'const' && counter.start.value === 0 ? ref(counter.v) : this.op('-', ref(counter.v), counter.start, stmts);
        for (const c of outer) q = this.op('+', this.op('*', q, c.trips, stmts), this.op('-', ref(c.v), c.start, stmts), stmts);
        const value = this.newVar('_l', 'num');
        stmts.push({ k: 'assign', target: value, expr: { k: 'load', arr: buffer, index: q }, init: true });
        stmts.push({ k: 'assign', target: f.acc, expr: { k: 'bin', op: f.sign === 1 ? '+' : '-', a: ref(f.acc), b: ref(value) } });
        if (same) continue;
        const sum: LeafSum = { leaf: s, outer, inner, acc: f.acc, sign: f.sign, summand: f.summand, buffer, instances, length, active: f.active };
        sums.push(sum);
        shared.set(key, sum);
      }
      this.replaced.set(s, stmts);
    });
    if (sums.length === 0) {
      this.before.delete(P);
      return undefined;
    }
    return { plan, counter: pTrips, sums, defs, assigned };
  }

  /** The sums a loop computes, if it is a leaf sum. */
  private leafSums(
    loop: Loop,
    chain: readonly Loop[],
    recomputable: (a: Atom, chain: readonly Loop[]) => boolean,
  ): { acc: Var; sign: 1 | -1; summand: Atom; active: boolean }[] | undefined {
    if (!this.counterOf(loop) || loop.body.some((s) => s.k !== 'assign')) return undefined;
    const body = loop.body as Assign[];
    const local = new Set<Var>();
    const sums: { acc: Var; sign: 1 | -1; summand: Atom; active: boolean }[] = [];
    for (const s of body) {
      const e = s.expr;
      const v = s.target;
      const isV = (a: Atom): boolean => a.k === 'var' && a.v === v;
      if (declaresFresh(s) && this.sites.get(v)!.length === 1) {
        if (e.k === 'newArray' || e.k === 'length' || e.k === 'call' || e.k === 'custom' || (e.k === 'load' && !this.readOnlyArray(e.arr))) return undefined;
        local.add(v);
      } else if (v.kind === 'num' && e.k === 'bin' && (e.op === '+' || e.op === '-') && isV(e.a) !== isV(e.b) && (e.op === '+' || isV(e.a))) {
        // an accumulator: declared outside the leaf, updated once per iteration
        const inside = this.sites.get(v)!.filter((x) => x === s || this.loopsOf.get(x)!.includes(loop));
        if (sums.some((x) => x.acc === v) || inside.length !== 1) return undefined;
        sums.push({ acc: v, sign: e.op === '+' ? 1 : -1, summand: isV(e.a) ? e.b : e.a, active: false });
      } else {
        return undefined;
      }
    }
    if (sums.length === 0) return undefined;
    const accs = new Set(sums.map((x) => x.acc));
    const within = [...chain, loop];
    let readsActive = false;
    for (const s of body) {
      const reads = scalarOperands(s.expr);
      if (s.expr.k === 'load' && this.activity.active.has(s.expr.arr)) readsActive = true;
      for (const a of reads) {
        if (a.k !== 'var') continue;
        if (accs.has(a.v) && !(accs.has(s.target) && s.target === a.v)) return undefined;
        if (accs.has(a.v) || local.has(a.v)) continue;
        if (!recomputable(a, within)) return undefined;
      }
    }
    return sums.map((x) => ({ ...x, active: readsActive }));
  }

  // ── the rewritten IR ────────────────────────────────────────────────────────────────────────

  private rewrite(body: readonly Stmt[]): Stmt[] {
    const out: Stmt[] = [];
    for (const s of body) {
      if (s.k === 'if') {
        out.push({ ...s, then: this.rewrite(s.then), else: this.rewrite(s.else) });
      } else if (s.k === 'loop') {
        const replacement = this.replaced.get(s);
        if (replacement) {
          out.push(...replacement);
          continue;
        }
        out.push(...(this.before.get(s) ?? []));
        out.push({ ...s, pre: this.rewrite(s.pre), body: this.rewrite(s.body), update: this.rewrite(s.update) });
      } else {
        out.push(s);
      }
    }
    return out;
  }

  private newVar(base: string, kind: 'num' | 'array'): Var {
    const v: Var = { id: this.nextId++, name: this.names.unique(base), kind, arrayType: kind === 'array' ? 'f32' : undefined };
    this.extra.push(v);
    return v;
  }

  /** `max(bound - start, 0)`, computed before the parallel loop `P` (folded when both are numbers). */
  private tripVar(c: Omit<Counter, 'trips'>, base: string, P: Loop): Counter {
    if (c.start.k === 'const' && c.bound.k === 'const') return { ...c, trips: num(Math.max(Number(c.bound.value) - Number(c.start.value), 0)) };
    const list = this.before.get(P) ?? [];
    this.before.set(P, list);
    const diff = this.newVar('_t', 'num');
    list.push({ k: 'assign', target: diff, expr: { k: 'bin', op: '-', a: c.bound, b: c.start }, init: true });
    const trips = this.newVar(base, 'num');
    list.push({ k: 'assign', target: trips, expr: { k: 'math', fn: 'max', args: [ref(diff), num(0)] }, init: true });
    return { ...c, trips: ref(trips) };
  }

  private product(factors: readonly Atom[], P: Loop): Atom {
    let p: Atom = num(1);
    for (const f of factors) {
      if (p.k === 'const' && f.k === 'const') p = num(Number(p.value) * Number(f.value));
      else if (p.k === 'const' && p.value === 1) p = f;
      else p = this.temp(P, { k: 'bin', op: '*', a: p, b: f });
    }
    return p;
  }

  /** A temporary computed before `P`. */
  private temp(P: Loop, expr: Expr): Atom {
    const list = this.before.get(P) ?? [];
    this.before.set(P, list);
    const v = this.newVar('_t', 'num');
    list.push({ k: 'assign', target: v, expr, init: true });
    return ref(v);
  }

  /** `a op b` into `out`, folding the cases that need no code. */
  private op(op: '+' | '-' | '*', a: Atom, b: Atom, out: Stmt[]): Atom {
    const isNum = (x: Atom, value: number): boolean => x.k === 'const' && x.value === value;
    if (op === '+' && isNum(a, 0)) return b;
    if ((op === '+' || op === '-') && isNum(b, 0)) return a;
    if (op === '*' && (isNum(a, 0) || isNum(b, 0))) return num(0);
    if (op === '*' && isNum(a, 1)) return b;
    if (op === '*' && isNum(b, 1)) return a;
    const v = this.newVar('_t', 'num');
    out.push({ k: 'assign', target: v, expr: { k: 'bin', op, a, b }, init: true });
    return ref(v);
  }
}

const atomKey = (a: Atom): string => (a.k === 'const' ? `c${String(a.value)}` : `v${a.v.id}`);

/** The summand as a string, definitions expanded and counters named by position: equal strings, equal values. */
function expressionKey(a: Atom, defs: ReadonlyMap<Var, Expr>, positions: ReadonlyMap<Var, string>, depth = 0): string {
  if (a.k === 'const') return atomKey(a);
  const position = positions.get(a.v);
  if (position) return position;
  const e = defs.get(a.v);
  if (!e || depth > 64) return atomKey(a);
  const sub = (x: Atom): string => expressionKey(x, defs, positions, depth + 1);
  switch (e.k) {
    case 'atom':
      return sub(e.a);
    case 'bin':
      return `(${sub(e.a)}${e.op}${sub(e.b)})`;
    case 'un':
      return `(${e.op}${sub(e.a)})`;
    case 'select':
      return `(${sub(e.c)}?${sub(e.a)}:${sub(e.b)})`;
    case 'math':
      return `${e.fn}(${e.args.map(sub).join(',')})`;
    case 'load':
      return `v${e.arr.id}[${sub(e.index)}]`;
    default:
      return atomKey(a);
  }
}
