/**
 * jit: the function's IR as host JavaScript, with each `// @parallel` loop (checked by
 * parallelLoops.ts) replaced by gpu.js kernel launches.
 *
 * One kernel per output of the loop, one thread per output element:
 *   - a reduction `total += e`: thread i runs iteration i with a private `total` starting at the
 *     operation's identity and returns it; the host folds the partials in iteration order, in float64;
 *   - an array written `out[base + i*S + slot]`: thread (slot, i) runs iteration i and returns the
 *     value the iteration stores at that slot; the host copies the block back.
 * Each kernel keeps only the statements its output depends on (a backward slice), reads every
 * scalar the loop does not assign as `this.constants.name`, and receives the arrays it reads as
 * arguments. Inner loops stay sequential inside the thread, bounded by constants, so gpu.js's
 * `loopMaxIterations` never cuts them short.
 *
 *   host:   _r0 = __tsgrad.runKernel(__backend, f_jit_total, [trips], { d, c, start }, [theta, X, y]);
 *           for (_t = 0; _t < trips; _t++) total = total + _r0[_t];
 *   kernel: function (theta, X, y) { const i = this.thread.x + this.constants.start; let total = 0; …; return total; }
 */
import { add, assign, bin, call, type CExpr, countUp, type CStmt, id, index, member, mul, n, namesIn, postfix } from '../code.js';
import { type Atom, type Expr, type IRFunction, type Loop, type Stmt, type Var, walk } from '../ir.js';
import type { NameScope } from '../naming.js';
import { jitNamespace } from '../naming.js';
import { atom, initialValue } from './irCode.js';
import { primalCode } from './emitPrimal.js';
import { type ArrayWrite, type Monomial, type ParallelLoop, type Poly, type Reduction, declaresFresh, findParallelLoops, scalarOperands } from './parallelLoops.js';

export interface Kernel {
  readonly name: string;
  readonly params: readonly string[];
  readonly body: readonly CStmt[];
}

export interface JitCode {
  readonly params: readonly string[];
  readonly body: readonly CStmt[];
  readonly kernels: readonly Kernel[];
}

export const backendParam = '__backend';

/** `kernelName` gives a name free at module level, where kernels are declared. */
export function lowerKernels(fn: IRFunction, generated: string, names: NameScope, isAsync: boolean, kernelName: (base: string) => string): JitCode {
  return new JitLowering(fn, generated, names, isAsync, kernelName).run();
}

const constants = member(id('this'), 'constants');
const identity = { sum: 0, max: -Infinity, min: Infinity } as const;

class JitLowering {
  private readonly kernels: Kernel[] = [];
  private readonly plans: Map<Loop, ParallelLoop>;
  private readonly hostLocals: string[] = [];

  constructor(
    private readonly fn: IRFunction,
    private readonly generated: string,
    private readonly names: NameScope,
    private readonly isAsync: boolean,
    private readonly kernelName: (base: string) => string,
  ) {
    this.plans = new Map(findParallelLoops(fn).map((p) => [p.loop, p]));
  }

  run(): JitCode {
    const body = this.hostBlock(this.fn.body);
    const used = namesIn(body);
    used.add(this.fn.result.name);
    const decls = this.fn.locals.filter((v) => !v.outer && used.has(v.name)).map((v) => ({ name: v.name, init: initialValue(v) }));
    decls.push(...this.hostLocals.map((name) => ({ name, init: undefined })));
    const out: CStmt[] = decls.length > 0 ? [{ k: 'let', decls }] : [];
    out.push(...body, { k: 'return', e: id(this.fn.result.name) });
    return { params: [backendParam, ...this.fn.params.map((p) => p.v.name)], body: out, kernels: this.kernels };
  }

  // ── host code: the primal, with parallel loops launched as kernels ──────────────────────────

  private hostBlock(stmts: readonly Stmt[]): CStmt[] {
    return primalCode(stmts, (loop, out) => {
      const plan = this.plans.get(loop);
      if (plan) this.launch(plan, out);
      return plan !== undefined;
    });
  }

  private local(base: string): string {
    const name = this.names.unique(base);
    this.hostLocals.push(name);
    return name;
  }

  /** The kernels of one parallel loop, and the host code around them. */
  private launch(plan: ParallelLoop, out: CStmt[]): void {
    const trips = this.local('_trips');
    const result = this.local('_r');
    const t = this.local('_i');
    const uniforms = new Set<Var>(plan.uniforms);
    if (plan.start.k === 'var') uniforms.add(plan.start.v);
    for (const w of plan.writes) for (const m of [...w.stride, ...w.base]) m.vars.forEach((v) => uniforms.add(v));
    const consts: CExpr = { k: 'object', props: [...uniforms].map((v) => ({ name: v.name, value: atom({ k: 'var', v }) })) };
    const args = (k: Kernel): CExpr => ({ k: 'array', items: k.params.map((p) => id(p)) });
    const run = (k: Kernel, shape: CExpr[]): CStmt => {
      const launched = call(member(id(jitNamespace), this.isAsync ? 'runKernelAsync' : 'runKernel'), id(backendParam), id(k.name), { k: 'array', items: shape }, consts, args(k));
      return assign(id(result), this.isAsync ? { k: 'await', e: launched } : launched);
    };
    const loopOver = (limit: CExpr, body: CStmt[]): CStmt => ({
      k: 'for',
      init: assign(id(t), n(0)),
      cond: bin('<', id(t), limit),
      update: postfix(t, '++'),
      body,
    });
    const inner: CStmt[] = [];
    for (const r of plan.reductions) {
      const k = this.reductionKernel(plan, r);
      inner.push({ k: 'comment', text: `${r.v.name}: ${r.op} of ${k.name} over the iterations` });
      inner.push(run(k, [id(trips)]));
      const v = id(r.v.name);
      const partial = index(id(result), id(t));
      inner.push(loopOver(id(trips), [assign(v, r.op === 'sum' ? add(v, partial) : call(member(id('Math'), r.op), v, partial))]));
    }
    for (const w of plan.writes) {
      const k = this.writeKernel(plan, w);
      const S = polyExpr(w.stride, (v) => id(v.name));
      const one = isOne(w.stride);
      inner.push({ k: 'comment', text: `${w.arr.name}: ${k.name} writes ${one ? 'one element' : 'a block'} per iteration` });
      inner.push(run(k, one ? [id(trips)] : [S, id(trips)]));
      const startsAtZero = plan.start.k === 'const' && plan.start.value === 0;
      const first = add(polyExpr(w.base, (v) => id(v.name)), startsAtZero ? n(0) : mul(atom(plan.start), S));
      inner.push(loopOver(one ? id(trips) : mul(id(trips), S), [assign(index(id(w.arr.name), add(first, id(t))), index(id(result), id(t)))]));
    }
    out.push({ k: 'comment', text: `parallel loop over ${plan.counter.name}: ${this.kernels.length} kernel(s)` });
    out.push(assign(id(trips), bin('-', atom(plan.bound), atom(plan.start))));
    out.push({ k: 'if', cond: bin('>', id(trips), n(0)), then: inner, else: [] });
  }

  // ── kernels ─────────────────────────────────────────────────────────────────────────────────

  private reductionKernel(plan: ParallelLoop, r: Reduction): Kernel {
    const kept = slice(plan, (s) => s.k === 'assign' && s.target === r.v);
    const body = new KernelBody(plan, kept, r.v);
    const stmts = body.block(plan.loop.body);
    return this.addKernel(`${this.generated}_${r.v.name}`, body, [
      { k: 'let', decls: [{ name: r.v.name, init: n(identity[r.op]) }] },
      ...stmts,
      { k: 'return', e: id(r.v.name) },
    ], false);
  }

  private writeKernel(plan: ParallelLoop, w: ArrayWrite): Kernel {
    const kept = slice(plan, (s) => s.k === 'store' && s.arr === w.arr);
    const value = this.names.unique(`${w.arr.name}_i`);
    const body = new KernelBody(plan, kept, undefined, { arr: w.arr, value }, collapsible(plan, w, kept));
    const stmts = body.block(plan.loop.body);
    const one = isOne(w.stride);
    const target: CExpr = add(add(polyExpr(w.base, constant), mul(id(plan.counter.name), polyExpr(w.stride, constant))), one ? n(0) : member(member(id('this'), 'thread'), 'x'));
    return this.addKernel(`${this.generated}_${w.arr.name}`, body, [
      { k: 'let', decls: [{ name: value, init: n(0) }] },
      { k: 'let', decls: [{ name: body.target, init: target }], isConst: true },
      ...stmts,
      { k: 'return', e: id(value) },
    ], !one);
  }

  private addKernel(base: string, body: KernelBody, stmts: CStmt[], twoD: boolean): Kernel {
    const plan = body.plan;
    const thread = member(member(id('this'), 'thread'), twoD ? 'y' : 'x');
    const start = plan.start.k === 'const' && plan.start.value === 0 ? thread : add(thread, body.atom(plan.start));
    const locals = body.locals();
    const prologue: CStmt[] = [{ k: 'let', decls: [{ name: plan.counter.name, init: start }], isConst: true }];
    if (locals.length > 0) prologue.push({ k: 'let', decls: locals });
    const name = this.kernelName(base);
    this.names.reserve(name);
    const kernel: Kernel = { name, params: body.arrays(), body: [...prologue, ...stmts] };
    this.kernels.push(kernel);
    return kernel;
  }
}

/** A scalar the kernel reads from `this.constants`. */
const constant = (v: Var): CExpr => member(constants, v.name);

function isOne(p: Poly): boolean {
  return p.length === 1 && p[0].vars.length === 0 && p[0].c === 1;
}

function polyExpr(p: Poly, ref: (v: Var) => CExpr): CExpr {
  const term = (m: Monomial): CExpr => m.vars.reduce<CExpr>((acc, v) => mul(acc, ref(v)), n(m.c));
  return p.reduce<CExpr>((acc, m) => add(acc, term(m)), n(0));
}

/**
 * The statements of the loop body that the kept seeds depend on: flow-insensitive, so it keeps a
 * superset of what is needed, never less. Enclosing conditions and loop bounds come along.
 */
function slice(plan: ParallelLoop, seed: (s: Stmt) => boolean): Set<Stmt> {
  const parents = new Map<Stmt, Stmt | undefined>();
  const assigns = new Map<Var, Stmt[]>();
  const visit = (body: readonly Stmt[], parent: Stmt | undefined): void => {
    for (const s of body) {
      parents.set(s, parent);
      if (s.k === 'assign') assigns.set(s.target, [...(assigns.get(s.target) ?? []), s]);
      if (s.k === 'if') {
        visit(s.then, s);
        visit(s.else, s);
      } else if (s.k === 'loop') {
        visit(s.pre, s);
        visit(s.body, s);
        visit(s.update, s);
      }
    }
  };
  visit(plan.loop.body, undefined);
  const kept = new Set<Stmt>();
  const work: Stmt[] = [...parents.keys()].filter(seed);
  const need = (a: Atom): void => {
    if (a.k === 'var') for (const s of assigns.get(a.v) ?? []) work.push(s);
  };
  while (work.length > 0) {
    const s = work.pop()!;
    if (kept.has(s)) continue;
    kept.add(s);
    const parent = parents.get(s);
    if (parent) work.push(parent);
    if (s.k === 'assign') scalarOperands(s.expr).forEach(need);
    else if (s.k === 'store') [s.index, s.value].forEach(need);
    else if (s.k === 'if') need(s.cond);
    else {
      need(s.cond);
      s.pre.forEach((x) => work.push(x));
      if (s.canonical) {
        need(s.canonical.start);
        need({ k: 'var', v: s.canonical.counter });
      }
    }
  }
  return kept;
}

/**
 * Inner loops a block-write kernel runs for one iteration only: thread (slot, i) needs just the
 * iteration of each loop whose counter the slot determines (`floor(slot / coef) % bound`), provided
 * everything the kept statements assign inside that loop is local to one of its iterations (no
 * value carried from one iteration to the next).
 */
function collapsible(plan: ParallelLoop, w: ArrayWrite, kept: ReadonlySet<Stmt>): Map<Loop, { coef: Poly; bound: Atom }> {
  const out = new Map<Loop, { coef: Poly; bound: Atom }>();
  if (!w.slots) return out;
  walk(plan.loop.body, (s) => {
    if (s.k !== 'loop' || !s.canonical || !kept.has(s)) return;
    const slot = w.slots!.find((x) => x.counter === s.canonical!.counter);
    if (!slot) return;
    // declared inside the loop's body: a fresh copy in each of its iterations
    const fresh = new Set<Var>();
    walk(s.body, (x) => {
      if (x.k === 'assign' && declaresFresh(x)) fresh.add(x.target);
    });
    let local = true;
    walk(s.body, (x) => {
      if (x.k === 'assign' && kept.has(x) && !fresh.has(x.target)) local = false;
    });
    if (local) out.set(s, slot);
  });
  return out;
}

/** Kernel statements for the kept part of one iteration. */
class KernelBody {
  private readonly used = new Set<Var>();
  private readonly arrayArgs = new Set<Var>();
  private readonly counters = new Set<Var>();
  readonly target = '_target';

  constructor(
    readonly plan: ParallelLoop,
    private readonly kept: ReadonlySet<Stmt>,
    private readonly reduction: Var | undefined,
    private readonly write?: { arr: Var; value: string },
    private readonly collapsed: ReadonlyMap<Loop, { coef: Poly; bound: Atom }> = new Map(),
  ) {
    walk(plan.loop.body, (s) => {
      if (s.k === 'loop' && s.canonical) this.counters.add(s.canonical.counter);
    });
  }

  /** An atom as the kernel reads it: loop-invariant scalars are constants. */
  atom(a: Atom): CExpr {
    if (a.k === 'const') return atom(a);
    const v = a.v;
    if (v.kind !== 'array' && !this.plan.privates.has(v) && v !== this.reduction) return constant(v);
    if (v.kind !== 'array') this.used.add(v);
    return id(v.name);
  }

  locals(): { name: string; init: CExpr }[] {
    return [...this.used]
      .filter((v) => v !== this.plan.counter && v !== this.reduction && !this.counters.has(v))
      .map((v) => ({ name: v.name, init: initialValue(v)! }));
  }

  arrays(): string[] {
    return [...this.arrayArgs].map((v) => v.name);
  }

  block(stmts: readonly Stmt[]): CStmt[] {
    const out: CStmt[] = [];
    for (const s of stmts) if (this.kept.has(s)) this.stmt(s, out);
    return out;
  }

  private expr(s: Stmt & { k: 'assign' }): CExpr {
    return kernelExpr(s.expr, (a) => this.atom(a), (arr) => {
      this.arrayArgs.add(arr);
      return id(arr.name);
    });
  }

  private stmt(s: Stmt, out: CStmt[]): void {
    switch (s.k) {
      case 'assign':
        if (this.counters.has(s.target)) return; // the `for` header sets counters
        this.used.add(s.target);
        out.push(assign(id(s.target.name), this.expr(s)));
        return;
      case 'store':
        if (this.write && s.arr === this.write.arr) {
          out.push({ k: 'if', cond: bin('===', this.atom(s.index), id(this.target)), then: [assign(id(this.write.value), this.atom(s.value))], else: [] });
        }
        return;
      case 'if':
        out.push({ k: 'if', cond: this.atom(s.cond), then: this.block(s.then), else: this.block(s.else) });
        return;
      case 'loop': {
        const c = s.canonical!;
        const test = s.pre[0] as Stmt & { k: 'assign'; expr: { k: 'bin'; op: string; a: Atom; b: Atom } };
        const name = c.counter.name;
        const only = this.collapsed.get(s);
        if (only) {
          // this thread's slot fixes the counter: run that one iteration
          const slot = member(member(id('this'), 'thread'), 'x');
          const quotient = isOne(only.coef) ? slot : call(member(id('Math'), 'floor'), bin('/', slot, polyExpr(only.coef, constant)));
          const once = bin('%', quotient, this.atom(only.bound));
          out.push(countUp(name, once, add(once, n(1)), this.block(s.body)));
          return;
        }
        const step = c.step === 1 ? postfix(name, '++') : c.step === -1 ? postfix(name, '--') : undefined;
        out.push({
          k: 'for',
          init: { k: 'let', decls: [{ name, init: this.atom(c.start) }] },
          cond: bin(test.expr.op, this.atom(test.expr.a), this.atom(test.expr.b)),
          update: step ?? { k: 'bin', op: '+=', a: id(name), b: n(c.step) },
          body: this.block(s.body),
        });
        return;
      }
    }
  }
}

/** An IR expression as kernel code: scalars through `atomOf`, arrays (read by loads) through `arrayOf`. */
export function kernelExpr(e: Expr, atomOf: (a: Atom) => CExpr, arrayOf: (arr: Var) => CExpr): CExpr {
  switch (e.k) {
    case 'atom':
      return atomOf(e.a);
    case 'bin':
      return bin(e.op, atomOf(e.a), atomOf(e.b));
    case 'un':
      return { k: 'un', op: e.op, a: atomOf(e.a) };
    case 'select':
      return { k: 'cond', c: atomOf(e.c), a: atomOf(e.a), b: atomOf(e.b) };
    case 'math':
      // float32 rounding is what every kernel already does
      if (e.fn === 'fround') return atomOf(e.args[0]);
      return call(member(id('Math'), e.fn), ...e.args.map(atomOf));
    case 'load':
      return index(arrayOf(e.arr), atomOf(e.index));
    case 'length':
    case 'newArray':
    case 'call':
    case 'custom':
    case 'field':
    case 'userCall':
      throw new Error(`tsgrad internal: ${e.k} in a kernel`);
  }
}
