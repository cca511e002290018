/**
 * The code of adjointKernels.ts's kernels, one KernelWriter per kernel: a leaf sum's forward kernel
 * (thread = instance × iteration, the sum over j) and the gather of one array's adjoint (thread =
 * element × block of iterations), with the index inversion that finds the instances reading an
 * element. The writer collects what the kernel reads as it writes it: locals, constants (scalars
 * the loop does not assign) and array arguments (the leaf buffers' adjoints first).
 */
import { add, assign, bin, call, type CExpr, countUp, type CStmt, id, identifiers, index, member, mul, n } from '../code.js';
import { type Atom, type Expr, type Var, walk } from '../ir.js';
import type { NameScope } from '../naming.js';
import { differentiableOperands } from './analyzeActivity.js';
import { ruleArgs, ruleFor } from './exprRules.js';
import { kernelExpr } from './lowerKernels.js';
import type { Counter, LeafGroup, LeafSum } from './materializeLeaves.js';
import { addPoly, atomPoly, constPoly, degree, leading, mulPoly, type Poly, polyEqual, scalarOperands } from './parallelLoops.js';
import { atom } from './irCode.js';
import { divMod, threadX } from './kernelGrid.js';

const and = (a: CExpr, b: CExpr): CExpr => bin('&&', a, b);

/** `idx = Σ coef·counter + poly + Σ k·opaque`, where opaque values do not involve the decoded counters. */
interface Linear {
  readonly terms: ReadonlyMap<Var, Poly>;
  readonly poly: Poly;
  readonly opaque: readonly { readonly v: Var; readonly k: Poly }[];
}

/** One kernel's code: its locals, constants and array arguments, collected as statements are written. */
export class KernelWriter {
  private readonly locals = new Set<string>();
  private readonly consts = new Map<string, Var>();
  readonly arrays: Var[] = [];
  private readonly extraArrays: { name: string; v: Var }[] = [];
  /** Counters as this kernel names them (loop counters may be renamed per site). */
  private renames = new Map<Var, string>();
  /** Where each definition sits in the parallel loop's body (definitions are emitted in this order). */
  private readonly order = new Map<Var, number>();
  /** Definitions local to each leaf body. */
  private readonly leafDefs = new Map<Var, Expr>();
  /** Iterations per block of a gather (a host constant), and the block's range inside the kernel. */
  private chunkName?: string;
  get chunk(): string {
    return (this.chunkName ??= this.names.unique('_chunk'));
  }
  /** The elements of a gather's array (a host constant): the width of its grid of threads. */
  private lengthName?: string;
  get length(): string {
    return (this.lengthName ??= this.names.unique('_length'));
  }
  private block?: { first: CExpr; end: CExpr };
  /** Defined variables by name, to find the values a derivative expression reads. */
  private readonly byName = new Map<string, Var>();

  constructor(
    private readonly group: LeafGroup,
    private readonly names: NameScope,
  ) {
    let k = 0;
    walk(group.plan.loop.body, (s) => {
      if (s.k === 'assign' && !this.order.has(s.target)) this.order.set(s.target, k++);
    });
    const accs = new Set(group.sums.map((x) => x.acc));
    for (const sum of group.sums) for (const s of sum.leaf.body) if (s.k === 'assign' && !accs.has(s.target)) this.leafDefs.set(s.target, s.expr);
    for (const v of [...this.leafDefs.keys(), ...group.defs.keys()]) this.byName.set(v.name, v);
  }

  params(): string[] {
    return [...this.extraArrays.map((a) => a.name), ...this.arrays.map((a) => a.name)];
  }

  args(adjoint: (v: Var) => CExpr): CExpr[] {
    return [...this.extraArrays.map((a) => adjoint(a.v)), ...this.arrays.map((a) => id(a.name))];
  }

  constants(): CExpr {
    return { k: 'object', props: [...this.consts].map(([name, v]) => ({ name, value: atom({ k: 'var', v }) })) };
  }

  prologue(): CStmt[] {
    return this.locals.size > 0 ? [{ k: 'let', decls: [...this.locals].map((name) => ({ name, init: n(0) })) }] : [];
  }

  private local(name: string): CExpr {
    this.locals.add(name);
    return id(name);
  }

  private isCounter(v: Var): boolean {
    return this.renames.has(v);
  }

  /** An atom as the kernel reads it: counters by their kernel name, loop-invariant scalars as constants. */
  atom(a: Atom): CExpr {
    if (a.k === 'const') return atom(a);
    const v = a.v;
    const renamed = this.renames.get(v);
    if (renamed) return id(renamed);
    if (v.kind === 'array') {
      if (!this.arrays.includes(v)) this.arrays.push(v);
      return id(v.name);
    }
    if (this.group.assigned.has(v) || v === this.group.counter.v) return this.local(v.name);
    this.consts.set(v.name, v);
    return member(member(id('this'), 'constants'), v.name);
  }

  private poly(p: Poly): CExpr {
    return p.reduce<CExpr>((acc, m) => add(acc, m.vars.reduce<CExpr>((x, v) => mul(x, this.atom({ k: 'var', v })), n(m.c))), n(0));
  }

  private expr(e: Expr): CExpr {
    return kernelExpr(e, (a) => this.atom(a), (arr) => this.atom({ k: 'var', v: arr }));
  }

  private definition(v: Var): Expr | undefined {
    return this.leafDefs.get(v) ?? this.group.defs.get(v);
  }

  /** Statements computing `roots` from counters, constants and arrays, in program order. */
  private compute(roots: readonly Atom[]): CStmt[] {
    const needed = new Set<Var>();
    const visit = (a: Atom): void => {
      if (a.k !== 'var' || a.v.kind === 'array' || this.isCounter(a.v) || needed.has(a.v)) return;
      const e = this.definition(a.v);
      if (!e) return; // a constant
      needed.add(a.v);
      scalarOperands(e).forEach(visit);
    };
    roots.forEach(visit);
    return [...needed]
      .sort((a, b) => this.order.get(a)! - this.order.get(b)!)
      .map((v) => assign(this.local(v.name), this.expr(this.definition(v)!)));
  }

  /** `for (let name = start; name < bound; name++)`, with the counter renamed to `name` (the parallel counter over its block). */
  private loopOver(c: Counter, name: string, body: () => CStmt[]): CStmt {
    this.renames.set(c.v, name);
    const block = c.v === this.group.counter.v ? this.block : undefined;
    return countUp(name, block ? block.first : this.atom(c.start), block ? block.end : this.atom(c.bound), body());
  }

  /** `name = name + start`, nothing for a start of 0. */
  private offset(name: string, start: Atom): CStmt[] {
    return start.k === 'const' && start.value === 0 ? [] : [assign(this.local(name), add(this.local(name), this.atom(start)))];
  }

  /** Position of instance (i, outer counters) in a leaf buffer. */
  private slot(sum: LeafSum): CExpr {
    const P = this.group.counter;
    let q: CExpr = bin('-', this.atom({ k: 'var', v: P.v }), this.atom(P.start));
    if (P.start.k === 'const' && P.start.value === 0) q = this.atom({ k: 'var', v: P.v });
    for (const c of sum.outer) q = add(mul(q, this.atom(c.trips)), c.start.k === 'const' && c.start.value === 0 ? this.atom({ k: 'var', v: c.v }) : bin('-', this.atom({ k: 'var', v: c.v }), this.atom(c.start)));
    return q;
  }

  // ── forward: one leaf sum per thread ─────────────────────────────────────────────────────────

  leafKernel(sum: LeafSum): CStmt[] {
    const P = this.group.counter;
    this.renames = new Map([[P.v, P.v.name]]);
    const out: CStmt[] = [];
    if (sum.outer.length === 0) {
      out.push(assign(this.local(P.v.name), add(threadX, this.atom(P.start))));
    } else {
      // thread t is instance q = t mod instances of iteration ⌊t / instances⌋; q enumerates the
      // outer counters in mixed radix, the last one fastest
      const q = this.local(this.names.unique('_q'));
      const width = sum.outer.map((c) => this.atom(c.trips)).reduce((a, b) => mul(a, b));
      out.push(...divMod(threadX, width, this.local(P.v.name), q));
      out.push(...this.offset(P.v.name, P.start));
      for (let a = sum.outer.length - 1; a >= 0; a--) {
        const c = sum.outer[a];
        const v = this.local(c.v.name);
        this.renames.set(c.v, c.v.name);
        if (a > 0) {
          // v = start + q mod trips, q = ⌊q / trips⌋
          const rest = this.local(this.names.unique('_r'));
          out.push(...divMod(q, this.atom(c.trips), rest, v), assign(q, rest), ...this.offset(c.v.name, c.start));
        } else {
          // what is left is below the outermost trips
          out.push(assign(v, add(this.atom(c.start), q)));
        }
      }
    }
    const acc = this.names.unique('_sum');
    const j = sum.inner;
    out.push(assign(this.local(acc), n(0)));
    out.push(this.loopOver(j, j.v.name, () => [...this.compute([sum.summand]), assign(id(acc), add(id(acc), this.atom(sum.summand)))]));
    out.push({ k: 'return', e: id(acc) });
    return out;
  }

  // ── reverse: the adjoint of one array, gathered per element ──────────────────────────────────

  gatherKernel(A: Var, sums: readonly LeafSum[], adjoint: (v: Var) => CExpr): CStmt[] {
    const g = this.names.unique('_g');
    const out: CStmt[] = [assign(this.local(g), n(0))];
    const m = this.names.unique('_m');
    // thread t is element m = t mod length in block b = ⌊t / length⌋, which takes the iterations [first, end)
    const P = this.group.counter;
    const chunk: Var = { id: -1, name: this.chunk, kind: 'num' };
    const length: Var = { id: -1, name: this.length, kind: 'num' };
    this.block = { first: this.local(this.names.unique('_first')), end: this.local(this.names.unique('_end')) };
    out.push(...divMod(threadX, this.atom({ k: 'var', v: length }), this.block.first, this.local(m)));
    out.push(assign(this.block.first, add(this.atom(P.start), mul(this.block.first, this.atom({ k: 'var', v: chunk })))));
    out.push(assign(this.block.end, call(member(id('Math'), 'min'), add(this.block.first, this.atom({ k: 'var', v: chunk })), this.atom(P.bound))));
    for (const sum of sums) {
      const buffer = adjoint(sum.buffer) as CExpr & { k: 'id' };
      for (const s of sum.leaf.body) {
        if (s.k !== 'assign' || s.expr.k !== 'load' || s.expr.arr !== A) continue;
        const dt = this.localDerivative(sum, s.target);
        if (!dt) continue;
        if (!this.extraArrays.some((x) => x.v === sum.buffer)) this.extraArrays.push({ name: buffer.name, v: sum.buffer });
        out.push({ k: 'comment', text: `${A.name}[…] read in the sum into ${sum.acc.name}` });
        out.push(...this.site(sum, s.expr.index, id(m), buffer.name, dt, id(g)));
      }
    }
    out.push({ k: 'return', e: id(g) });
    return out;
  }

  /**
   * ∂e/∂t for one j, as an expression: the leaf body's reverse over the variables that depend on t
   * (`reach`, t first), written out symbolically so that the kernel computes only the values the
   * partials read (for e = theta[k*d+j] * X[i*d+j], just X[i*d+j]).
   */
  private derivative(sum: LeafSum, reach: readonly Var[]): CExpr {
    const inReach = new Set(reach);
    const adj = new Map<Var, CExpr>([[(sum.summand as { v: Var }).v, n(1)]]);
    const accumulate = (v: Var, x: CExpr): void => {
      adj.set(v, adj.has(v) ? add(adj.get(v)!, x) : x);
    };
    for (let k = sum.leaf.body.length - 1; k >= 0; k--) {
      const s = sum.leaf.body[k];
      const gv = s.k === 'assign' ? adj.get(s.target) : undefined;
      if (s.k !== 'assign' || !gv || s.target === reach[0]) continue;
      const e = s.expr;
      if (e.k === 'atom') {
        if (e.a.k === 'var' && inReach.has(e.a.v)) accumulate(e.a.v, gv);
        continue;
      }
      const rule = ruleFor(e);
      if (!rule) continue;
      const args = ruleArgs(e);
      const partials = rule.partials(args.map((a) => this.atom(a)), this.atom({ k: 'var', v: s.target }));
      const flows = new Set(differentiableOperands(e));
      args.forEach((a, i) => {
        const p = partials[i];
        if (p && a.k === 'var' && inReach.has(a.v) && flows.has(a)) accumulate(a.v, mul(gv, p));
      });
    }
    return adj.get(reach[0]) ?? n(0);
  }

  /** Variables of the leaf body that depend on `t`, in order, if the summand is one of them. */
  private localDerivative(sum: LeafSum, t: Var): Var[] | undefined {
    const reach = new Set<Var>([t]);
    for (const s of sum.leaf.body) {
      if (s.k !== 'assign' || !this.leafDefs.has(s.target)) continue;
      if (differentiableOperands(s.expr).some((a) => a.k === 'var' && reach.has(a.v))) reach.add(s.target);
    }
    return sum.summand.k === 'var' && reach.has(sum.summand.v) ? [...reach] : undefined;
  }

  /** The contributions of one load site: loops over the counters the index leaves free, then the inversion. */
  private site(sum: LeafSum, idx: Atom, m: CExpr, buffer: string, reach: Var[], g: CExpr): CStmt[] {
    const P = this.group.counter;
    const counters: Counter[] = [P, ...sum.outer, sum.inner];
    this.renames = new Map();
    for (const c of counters) this.renames.set(c.v, this.names.unique(c.v.name));
    const lin = this.linear(idx, new Set(counters.map((c) => c.v)));
    const plan = lin && this.inversion(lin, counters);
    const decoded = new Set<Var>(plan ? plan.decoded.map((d) => d.c.v) : []);
    if (plan?.decodeI) decoded.add(P.v);
    const free = counters.filter((c) => !decoded.has(c.v));

    const contribution = (): CStmt[] => {
      const lb = this.local(this.names.unique('_lb'));
      const dt = this.derivative(sum, reach);
      const values = [...identifiers(dt)].map((name) => this.byName.get(name)).filter((v): v is Var => v !== undefined);
      return [
        assign(lb, index(id(buffer), this.slot(sum))),
        {
          k: 'if',
          cond: bin('!==', lb, n(0)),
          then: [...this.compute(values.map((v) => ({ k: 'var', v }) as Atom)), { k: 'assign', target: g, op: '+=', value: mul(lb, dt) }],
          else: [],
        },
      ];
    };

    // Inversion: where m sits among the instances. `then` runs for the instances that read A[m].
    const invert = (then: () => CStmt[]): CStmt[] => {
      if (!plan) {
        // the index is not of a form that can be inverted: compare it with m at every instance
        return [...this.compute([idx]), { k: 'if', cond: bin('===', this.atom(idx), m), then: then(), else: [] }];
      }
      const out: CStmt[] = [...this.compute(lin!.opaque.map((o) => ({ k: 'var', v: o.v }) as Atom))];
      let base: CExpr = this.poly(lin!.poly);
      for (const o of lin!.opaque) base = add(base, mul(this.atom({ k: 'var', v: o.v }), this.poly(o.k)));
      for (const [v, coef] of lin!.terms) if (!decoded.has(v)) base = add(base, mul(this.atom({ k: 'var', v }), this.poly(coef)));
      const r = this.local(this.names.unique('_rest'));
      out.push(assign(r, bin('-', m, base)));
      let ok: CExpr;
      const R = this.poly(plan.radix);
      if (plan.decodeI) {
        // i = ⌊rest / R⌋, rest = rest mod R (R is a product of bounds: 0 leaves nothing to decode)
        const i = this.local(this.renames.get(P.v)!);
        const inBlock = this.block ? and(bin('>=', i, this.block.first), bin('<', i, this.block.end)) : and(bin('>=', i, this.atom(P.start)), bin('<', i, this.atom(P.bound)));
        if (R.k === 'num' && R.value > 0) {
          out.push(...divMod(r, R, i, r));
          ok = inBlock;
        } else {
          out.push({ k: 'if', cond: bin('>', R, n(0)), then: divMod(r, R, i, r), else: [] });
          ok = and(bin('>', R, n(0)), inBlock);
        }
      } else {
        ok = and(bin('>=', r, n(0)), bin('<', r, R));
      }
      // 0 <= rest < R: the decoded counters are its digits in the mixed radix of their bounds, the first fastest
      const decode: CStmt[] = [];
      plan.decoded.forEach(({ c }, k) => {
        const v = this.local(this.renames.get(c.v)!);
        if (k === plan.decoded.length - 1) {
          decode.push(assign(v, r));
        } else {
          const rest = this.local(this.names.unique('_r'));
          decode.push(...divMod(r, this.atom(c.bound), rest, v), assign(r, rest));
        }
      });
      out.push({ k: 'if', cond: ok, then: [...decode, ...then()], else: [] });
      return out;
    };

    // When the inversion does not depend on the counters left free, it runs once, outside their loops.
    const baseDeps = new Set<Var>();
    if (plan) {
      for (const o of lin!.opaque) this.countersIn({ k: 'var', v: o.v }, baseDeps);
      if (!plan.decodeI && lin!.terms.has(P.v)) baseDeps.add(P.v);
    }
    const hoist = plan !== undefined && !free.some((c) => baseDeps.has(c.v));
    const nest = (k: number, body: () => CStmt[]): CStmt[] =>
      k === free.length ? body() : [this.loopOver(free[k], this.renames.get(free[k].v)!, () => nest(k + 1, body))];
    return hoist ? invert(() => nest(0, contribution)) : nest(0, () => invert(contribution));
  }

  /**
   * Which counters the index determines: those whose coefficients form a mixed radix (1, then the
   * bound of the previous, …) over loops from 0, and the parallel counter when its coefficient is
   * the whole radix. Undefined when the index is not of that form.
   */
  private inversion(lin: Linear, counters: readonly Counter[]): { decoded: { c: Counter; coef: Poly }[]; radix: Poly; decodeI: boolean } | undefined {
    const P = counters[0];
    const opaqueDeps = new Set<Var>();
    for (const o of lin.opaque) this.countersIn({ k: 'var', v: o.v }, opaqueDeps);
    const inner = [...lin.terms].filter(([v]) => v !== P.v && !opaqueDeps.has(v)).map(([v, coef]) => ({ c: counters.find((c) => c.v === v)!, coef }));
    if (inner.length !== [...lin.terms].filter(([v]) => v !== P.v).length) return undefined;
    inner.sort((a, b) => degree(a.coef) - degree(b.coef) || leading(a.coef) - leading(b.coef));
    let radix: Poly = constPoly(1);
    for (const { c, coef } of inner) {
      if (!(c.start.k === 'const' && c.start.value === 0) || !polyEqual(coef, radix)) return undefined;
      radix = mulPoly(radix, atomPoly(c.bound));
    }
    const coefI = lin.terms.get(P.v);
    const decodeI = coefI !== undefined && polyEqual(coefI, radix) && !opaqueDeps.has(P.v);
    return { decoded: inner, radix, decodeI };
  }

  /** Counters an atom's value depends on, through definitions. */
  private countersIn(a: Atom, out: Set<Var>, depth = 0): void {
    if (a.k !== 'var' || depth > 64) return;
    if (this.isCounter(a.v)) out.add(a.v);
    const e = this.definition(a.v);
    if (e) scalarOperands(e).forEach((x) => this.countersIn(x, out, depth + 1));
  }

  /** The index as a linear form in the counters, with coefficients polynomial in constants. */
  private linear(a: Atom, counters: ReadonlySet<Var>, depth = 0): Linear | undefined {
    if (a.k === 'const') return typeof a.value === 'number' ? { terms: new Map(), poly: constPoly(a.value), opaque: [] } : undefined;
    const v = a.v;
    if (counters.has(v)) return { terms: new Map([[v, constPoly(1)]]), poly: [], opaque: [] };
    const e = this.definition(v);
    if (!e) return v.kind === 'num' ? { terms: new Map(), poly: atomPoly(a), opaque: [] } : undefined;
    if (depth > 64) return undefined;
    const sub = (x: Atom): Linear | undefined => this.linear(x, counters, depth + 1);
    const opaque: Linear = { terms: new Map(), poly: [], opaque: [{ v, k: constPoly(1) }] };
    if (e.k === 'atom') return sub(e.a);
    if (e.k === 'un' && e.op === '-') {
      const x = sub(e.a);
      return x && scaleLinear(x, constPoly(-1));
    }
    if (e.k === 'bin' && (e.op === '+' || e.op === '-' || e.op === '*')) {
      const x = sub(e.a);
      const y = sub(e.b);
      if (x && y && e.op !== '*') return addLinear(x, e.op === '+' ? y : scaleLinear(y, constPoly(-1)));
      const pure = (l: Linear | undefined): l is Linear => !!l && l.terms.size === 0 && l.opaque.length === 0;
      if (e.op === '*' && pure(x) && y) return scaleLinear(y, x.poly);
      if (e.op === '*' && pure(y) && x) return scaleLinear(x, y.poly);
    }
    const deps = new Set<Var>();
    this.countersIn(a, deps);
    return [...deps].some((c) => counters.has(c)) && e.k === 'bin' && ['+', '-', '*'].includes(e.op) ? undefined : opaque;
  }
}

function addLinear(x: Linear, y: Linear): Linear {
  const terms = new Map(x.terms);
  for (const [v, p] of y.terms) {
    const sum = addPoly(terms.get(v) ?? [], p);
    if (sum.length === 0) terms.delete(v);
    else terms.set(v, sum);
  }
  return { terms, poly: addPoly(x.poly, y.poly), opaque: [...x.opaque, ...y.opaque] };
}

function scaleLinear(x: Linear, k: Poly): Linear {
  const terms = new Map<Var, Poly>();
  for (const [v, p] of x.terms) {
    const q = mulPoly(p, k);
    if (q.length > 0) terms.set(v, q);
  }
  return { terms, poly: mulPoly(x.poly, k), opaque: x.opaque.map((o) => ({ v: o.v, k: mulPoly(o.k, k) })).filter((o) => o.k.length > 0) };
}
