/**
 * jit: the function's IR as host JavaScript, with each `// @parallel` loop (checked by
 * parallelLoops.ts) replaced by gpu.js kernel launches.
 *
 * One kernel per output of the loop, one thread per output element:
 *   - a reduction `total += e`: thread i runs iteration i with a private `total` starting at the
 *     operation's identity and returns it; the host folds the partials in iteration order, in float64;
 *   - an array written `out[base + i*S + slot]`: thread (slot, i) runs iteration i and returns the
 *     value the iteration stores at that slot; the host copies the block back. The threads are
 *     numbered i*S + slot in one dimension (kernelGrid.ts), not laid out as an S × trips output.
 * Each kernel keeps only the statements its output depends on (a backward slice), reads every
 * scalar the loop does not assign as `this.constants.name`, and receives the arrays it reads as
 * arguments (by name: runtime/gpu/kernel.ts names an array too large to index in float32). Inner
 * loops stay sequential inside the thread, bounded by constants, so gpu.js's `loopMaxIterations`
 * never cuts them short. A loop that does not start at 0 is checked first (`checkLoop`): its counter
 * is a float32 in the kernel.
 *
 *   host:   _r0 = __tsgrad.runKernel(__backend, f_jit_total, [trips], { d, c, start }, { theta, X, y });
 *           for (_t = 0; _t < trips; _t++) total = total + _r0[_t];
 *   kernel: function (theta, X, y) { const i = this.thread.x + this.constants.start; let total = 0; …; return total; }
 */
import { add, assign, bin, call, type CExpr, countUp, type CStmt, id, index, member, mul, n, namesIn, postfix } from '../code.js';
import { type Atom, type Expr, type IRFunction, type Loop, type Stmt, type Var, walk } from '../ir.js';
import type { NameScope } from '../naming.js';
import { jitNamespace } from '../naming.js';
import { atom, initialValue } from './irCode.js';
import { divMod, threadX } from './kernelGrid.js';
import { primalCode } from './emitPrimal.js';
import { type ArrayWrite, atomPoly, declaresFresh, findParallelLoops, type Monomial, mulPoly, type ParallelLoop, type Poly, polyEqual, type Reduction, scalarOperands } from './parallelLoops.js';

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
    const args = (k: Kernel): CExpr => kernelArguments(k, k.params.map((p) => id(p)));
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
      const startsAtZero = plan.start.k === 'const' && plan.start.value === 0;
      const first = add(polyExpr(w.base, (v) => id(v.name)), startsAtZero ? n(0) : mul(atom(plan.start), S));
      const copy = [
        run(k, [one ? id(trips) : mul(S, id(trips))]),
        loopOver(one ? id(trips) : mul(id(trips), S), [assign(index(id(w.arr.name), add(first, id(t))), index(id(result), id(t)))]),
      ];
      // empty blocks (a slot loop of no iterations) write nothing, and gpu.js takes no output of 0 elements
      inner.push(...(one || S.k === 'num' ? copy : [{ k: 'if', cond: bin('>', S, n(0)), then: copy, else: [] } as CStmt]));
    }
    out.push({ k: 'comment', text: `parallel loop over ${plan.counter.name}: ${this.kernels.length} kernel(s)` });
    out.push(assign(id(trips), bin('-', atom(plan.bound), atom(plan.start))));
    const check = checkLoop(plan.counter.name, plan.start, plan.bound);
    out.push({ k: 'if', cond: bin('>', id(trips), n(0)), then: [...check, ...inner], else: [] });
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
    ]);
  }

  private writeKernel(plan: ParallelLoop, w: ArrayWrite): Kernel {
    const kept = slice(plan, (s) => s.k === 'store' && s.arr === w.arr);
    const value = this.names.unique(`${w.arr.name}_i`);
    const one = isOne(w.stride);
    // a block per iteration: thread t runs iteration ⌊t / S⌋ for slot t mod S
    const grid = one ? undefined : { iteration: this.names.unique('_iter'), slot: this.names.unique('_slot'), width: polyExpr(w.stride, constant) };
    const body = new KernelBody(plan, kept, undefined, { arr: w.arr, value }, collapsible(plan, w, kept), grid && id(grid.slot), this.names);
    const stmts = body.block(plan.loop.body);
    const target: CExpr = add(add(polyExpr(w.base, constant), mul(id(plan.counter.name), polyExpr(w.stride, constant))), grid ? id(grid.slot) : n(0));
    return this.addKernel(`${this.generated}_${w.arr.name}`, body, [
      { k: 'let', decls: [{ name: value, init: n(0) }] },
      { k: 'let', decls: [{ name: body.target, init: target }], isConst: true },
      ...stmts,
      { k: 'return', e: id(value) },
    ], grid);
  }

  private addKernel(base: string, body: KernelBody, stmts: CStmt[], grid?: { iteration: string; slot: string; width: CExpr }): Kernel {
    const plan = body.plan;
    const thread = grid ? id(grid.iteration) : threadX;
    const start = plan.start.k === 'const' && plan.start.value === 0 ? thread : add(thread, body.atom(plan.start));
    const locals = body.locals();
    const prologue: CStmt[] = [];
    if (grid) {
      prologue.push({ k: 'let', decls: [{ name: grid.iteration, init: n(0) }, { name: grid.slot, init: n(0) }] });
      prologue.push(...divMod(threadX, grid.width, id(grid.iteration), id(grid.slot)));
    }
    prologue.push({ k: 'let', decls: [{ name: plan.counter.name, init: start }], isConst: true });
    if (locals.length > 0) prologue.push({ k: 'let', decls: locals });
    const name = this.kernelName(base);
    this.names.reserve(name);
    const kernel: Kernel = { name, params: body.arrays(), body: [...prologue, ...body.extraLocals(), ...stmts] };
    this.kernels.push(kernel);
    return kernel;
  }
}

/** A kernel's array arguments for `runKernel`, by parameter name (named in its size errors). */
export function kernelArguments(k: Kernel, values: readonly CExpr[]): CExpr {
  return { k: 'object', props: k.params.map((name, i) => ({ name, value: values[i] })) };
}

/**
 * `checkLoop(backend, 'i', start, bound)` (runtime/gpu/kernel.ts: counters past 2^24 are an error on
 * the backends that index in float32), for a parallel loop that does not start at 0.
 */
export function checkLoop(counter: string, start: Atom, bound: Atom): CStmt[] {
  if (start.k === 'const' && start.value === 0) return [];
  return [{ k: 'expr', e: call(member(id(jitNamespace), 'checkLoop'), id(backendParam), { k: 'str', value: counter }, atom(start), atom(bound)) }];
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
function collapsible(plan: ParallelLoop, w: ArrayWrite, kept: ReadonlySet<Stmt>): Map<Loop, Collapsed> {
  const out = new Map<Loop, Collapsed>();
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
    // the most significant digit of the slot (the loop's bound times its coefficient is the block) needs no `mod bound`
    if (local) out.set(s, { ...slot, top: polyEqual(mulPoly(slot.coef, atomPoly(slot.bound)), w.stride) });
  });
  return out;
}

/** A loop that a block write's slot fixes: its counter is ⌊slot / coef⌋ mod bound (just ⌊slot / coef⌋ at the top). */
interface Collapsed {
  readonly coef: Poly;
  readonly bound: Atom;
  readonly top: boolean;
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
    private readonly collapsed: ReadonlyMap<Loop, Collapsed> = new Map(),
    /** A block write's slot (this thread's position in the block). */
    private readonly slot?: CExpr,
    private readonly names?: NameScope,
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

  /** Locals of the slot decoding in collapsed loops. */
  private readonly decodeLocals: string[] = [];

  extraLocals(): CStmt[] {
    return this.decodeLocals.length > 0 ? [{ k: 'let', decls: this.decodeLocals.map((name) => ({ name, init: n(0) })) }] : [];
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
          // this thread's slot fixes the counter, ⌊slot / coef⌋ mod bound: run that one iteration
          const local = (base: string): CExpr => {
            const x = this.names!.unique(base);
            this.decodeLocals.push(x);
            return id(x);
          };
          const coef = polyExpr(only.coef, constant);
          let once = this.slot!;
          if (!isOne(only.coef)) {
            // once = ⌊slot / coef⌋
            const [quotient, rest] = [local(`_${name}`), local(`_${name}_r`)];
            out.push(...divMod(once, coef, quotient, rest));
            once = quotient;
          }
          if (!only.top) {
            // once = once mod bound
            const [quotient, rest] = [local(`_${name}_q`), local(`_${name}`)];
            out.push(...divMod(once, this.atom(only.bound), quotient, rest));
            once = rest;
          }
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
