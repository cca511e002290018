/**
 * Reverse mode: IR → the body of `f_grad` as a code tree (code.ts). A forward sweep runs the
 * primal and records what SaveInfo says will be lost; the reverse sweep walks the statements
 * backwards, restoring and accumulating adjoints.
 *
 *   primal:  p = p * x                    (inside a loop, p saved)
 *   forward: tape.push(p); p = p * x
 *   reverse: _g = p_b; p_b = 0; p = tape.pop(); p_b += _g * x; x_b += _g * p
 *
 * Loops count their iterations (`_n0`); the reverse loop runs that many times, recomputing a
 * counted loop's index. Branches reuse their condition when it is still valid, else pop a bit.
 */
import {
  accumulate, add, assign, call, type CExpr, comment, countUp, type CStmt, exprStmt, id, identifiers, index, member, mul, n, namesIn, neg, postfix,
} from '../code.js';
import { type Atom, type Expr, type IRFunction, type Loop, type Stmt, storedArrays, type Var } from '../ir.js';
import { adjointName, counterName, type NameScope, reverseIndexName, runtimeNamespace } from '../naming.js';
import { gatherParams, perParam } from '../structs.js';
import { type ActivityInfo, differentiated } from './analyzeActivity.js';
import type { LoopHooks } from './adjointKernels.js';
import { ruleArgs, ruleFor, type SaveInfo } from './analyzeSaves.js';
import type { Induction } from './inductionVars.js';
import { atom, copyWrittenParams, elementOf, initialValue, loopStatement, primal, testOnly, zeros, zerosLike } from './irCode.js';
import { analyzeBuffers, integerVars } from './analyzeBuffers.js';
import { integerValues } from './integerValues.js';
import { BufferCode, freshAdjoint, rowsOfZeros } from './reverseBuffers.js';
import { type CheckpointNames, checkpointNames, checkpointedForward, checkpointedReverse, checkpointsOf, type CheckpointPlan } from './checkpointLoops.js';

export interface GradientSpec {
  readonly mode: 'grad' | 'valueAndGrad';
  /** Return a tuple of gradients (argnums given as an array). */
  readonly tuple: boolean;
  /**
   * vjp: the name of a leading parameter holding the cotangent of the result (a number or an array
   * as long as the result), which seeds the reverse sweep instead of 1.
   */
  readonly cotangent?: string;
  /** vjp: one tuple entry per parameter, `null` for those not differentiated. */
  readonly allParams?: boolean;
  /**
   * A companion `f_pullback(...params, ...arrayAdjoints, ct)` (lower/separate.ts): the adjoints of
   * array parameters are passed in and accumulated into, the numbers' are returned as an array.
   */
  readonly pullback?: boolean;
}

export interface GeneratedBody {
  readonly params: readonly string[];
  readonly body: readonly CStmt[];
  /** Whether the body uses the tape (then the emitter creates one beside the function). */
  readonly usesTape: boolean;
  /** The local the body holds the tape in. */
  readonly tapeLocal: string;
}

export interface LoopTreatments {
  /** jit(grad(f)): kernels around each parallel loop (adjointKernels.ts). */
  readonly hooks?: LoopHooks;
  /** `// @checkpoint` loops (checkpointLoops.ts). */
  readonly checkpoints?: ReadonlyMap<Loop, CheckpointPlan>;
}

export function reverseMode(
  fn: IRFunction,
  activity: ActivityInfo,
  saves: SaveInfo,
  spec: GradientSpec,
  names: NameScope,
  tapeExpr: CExpr,
  loops: LoopTreatments = {},
): GeneratedBody {
  return new ReverseMode(fn, activity, saves, names, tapeExpr, loops).generate(spec);
}

class ReverseMode {
  private readonly adjoints = new Map<Var, string>();
  private readonly counts = new Map<Loop, string>();
  /** Induction variables' values where their loops start. */
  private readonly starts = new Map<Var, string>();
  private readonly tapeName: string;
  private usesTape = false;
  private scratchG?: string;
  private scratchY?: string;
  private readonly extraLocals: string[] = [];
  /** Locals with their own initial value (a checkpointed loop's saved states). */
  private readonly extraDecls: { name: string; init: CExpr }[] = [];
  private readonly checkpointed = new Map<Loop, CheckpointNames>();
  private readonly hooks?: LoopHooks;
  /** Loops enclosing the statement being generated. */
  private depth = 0;
  /** A pullback companion: array parameters' adjoints are its parameters, not allocated. */
  private adjointsIn = false;
  /** `_d = f_pullback(…)`: the numbers' adjoints a pullback returns. */
  private scratchD?: string;
  /** Copies of the arrays passed to user calls, restored from the tape for their pullbacks. */
  private readonly snapshots: string[] = [];
  /** The arrays the body stores into (for snapshotted), found once. */
  private stored?: ReadonlySet<Var>;
  /** Private arrays: one adjoint buffer for all they hold, their primal arrays reused (analyzeBuffers.ts). */
  private readonly buffers: BufferCode;
  /** Numbers saved on the integer stack. */
  private readonly integers: ReadonlySet<Var>;
  /** Numbers that only hold integers (integerValues.ts). */
  private readonly integerValued: ReadonlySet<Var>;
  /** The loads and sums of increments, whose reverse is the store's. */
  private readonly incrementParts: ReadonlySet<Stmt>;

  constructor(
    private readonly fn: IRFunction,
    private readonly activity: ActivityInfo,
    private readonly saves: SaveInfo,
    private readonly names: NameScope,
    private readonly tapeExpr: CExpr,
    private readonly loops: LoopTreatments,
  ) {
    this.hooks = loops.hooks;
    this.tapeName = names.unique('tape');
    // kernels move adjoint arrays themselves: every array keeps its own there
    const buffers = loops.hooks ? { private: new Set<Var>(), moves: new Set<Stmt>() } : analyzeBuffers(fn, activity.active);
    this.buffers = new BufferCode(fn, activity, buffers, names, (v) => this.adj(v));
    this.integers = integerVars(fn);
    this.integerValued = integerValues(fn);
    this.incrementParts = new Set([...saves.increments.values()].flatMap((inc) => [inc.load, inc.sum]));
    const withAdjoint = new Set(activity.active);
    fn.params.forEach((p) => p.selected && withAdjoint.add(p.v));
    for (const v of [...fn.params.map((p) => p.v), ...fn.locals]) {
      if (withAdjoint.has(v)) this.adjoints.set(v, names.unique(adjointName(v.name)));
    }
  }

  generate(spec: GradientSpec): GeneratedBody {
    const forward = this.block(this.fn.body, (s, out) => this.forward(s, out));
    const valueName = spec.mode === 'valueAndGrad' ? this.names.unique('value') : undefined;
    const reverse: CStmt[] = [];
    if (this.activity.active.has(this.fn.result)) reverse.push(...this.seed(spec.cotangent));
    reverse.push(...this.reverseBlock(this.fn.body));

    this.adjointsIn = !!spec.pullback;
    const used = namesIn([...forward, ...reverse]);
    const signature = gatherParams(this.fn, (p) => ({ name: p.v.name, read: true }), (s) => s.name);
    const body: CStmt[] = [...signature.prologue, ...copyWrittenParams(this.fn)];
    if (this.usesTape) {
      body.push({ k: 'let', decls: [{ name: this.tapeName, init: this.tapeExpr }], isConst: true });
      body.push(exprStmt(call(member(id(this.tapeName), 'reset'))));
    }
    body.push(...this.declarations(used));
    body.push(comment('forward sweep'), ...forward);
    if (this.usesTape) body.push(exprStmt(this.tape('mark')));
    if (valueName) body.push({ k: 'let', decls: [{ name: valueName, init: id(this.fn.result.name) }], isConst: true });
    body.push(comment('reverse sweep'), ...reverse);

    const params = signature.names;
    if (spec.pullback) {
      const selected = this.fn.params.filter((p) => p.selected);
      body.push({ k: 'return', e: { k: 'array', items: selected.filter((p) => p.v.kind === 'num').map((p) => this.adj(p.v)) } });
      return { params: [...params, ...selected.filter((p) => p.v.kind === 'array').map((p) => this.adjoints.get(p.v)!), spec.cotangent!], body, usesTape: this.usesTape, tapeLocal: this.tapeName };
    }
    const each = perParam(this.fn, (p) => this.gradientOut(p.v));
    const grads = spec.allParams ? each.map((g) => (g.selected ? g.expr : id('null'))) : each.filter((g) => g.selected).map((g) => g.expr);
    const result: CExpr = spec.tuple ? { k: 'array', items: grads } : grads[0];
    body.push({ k: 'return', e: valueName ? { k: 'array', items: [id(valueName), result] } : result });
    return { params: spec.cotangent ? [spec.cotangent, ...params] : params, body, usesTape: this.usesTape, tapeLocal: this.tapeName };
  }

  /** The result's adjoint at the start of the reverse sweep: 1, or the cotangent passed in (vjp). */
  private seed(cotangent: string | undefined): CStmt[] {
    const r = this.fn.result;
    if (!cotangent) return [assign(this.adj(r), n(1))];
    if (r.kind !== 'array') return [assign(this.adj(r), id(cotangent))];
    const k = this.names.unique('_k');
    return [countUp(k, n(0), member(id(cotangent), 'length'), [accumulate(index(this.adj(r), id(k)), index(id(cotangent), id(k)))])];
  }

  // ── declarations and results ────────────────────────────────────────────────────────────────

  /** `let` for every local the sweeps use (declared up front: the reverse sweep needs them all). */
  private declarations(used: ReadonlySet<string>): CStmt[] {
    const primal = this.fn.locals.filter((v) => !v.outer && used.has(v.name)).map((v) => ({ name: v.name, init: initialValue(v) }));
    primal.push(...this.extraLocals.map((name) => ({ name, init: n(0) })), ...this.extraDecls);
    const out: CStmt[] = [];
    if (primal.length > 0) out.push({ k: 'let', decls: primal });
    const scalars: { name: string; init?: CExpr }[] = [];
    for (const [v, name] of this.adjoints) {
      if (!used.has(name) && !this.fn.params.some((p) => p.v === v)) continue;
      const isParam = this.fn.params.some((p) => p.v === v);
      if (isParam && v.kind === 'array' && this.adjointsIn) continue;
      if (v.kind === 'num') scalars.push({ name, init: n(0) });
      else if (isParam && v.arrayType === 'rows') out.push(...rowsOfZeros(name, v));
      else if (isParam && (v.arrayType === 'objects' || v.arrayType === 'record')) out.push({ k: 'let', decls: [{ name, init: zerosLike(id(v.name)) }], isConst: true });
      else if (isParam) out.push({ k: 'let', decls: [{ name, init: zeros(member(id(v.name), 'length')) }], isConst: true });
      else scalars.push({ name, init: this.buffers.reused.has(v) ? zeros(n(0)) : undefined });
    }
    for (const s of [this.scratchG, this.scratchY]) if (s) scalars.push({ name: s, init: n(0) });
    for (const s of [this.scratchD, ...this.snapshots, this.buffers.swapName]) if (s) scalars.push({ name: s });
    if (scalars.length > 0) out.push({ k: 'let', decls: scalars });
    return out;
  }

  /** A selected parameter's gradient, in the parameter's own type. */
  private gradientOut(v: Var): CExpr {
    const g = this.adj(v);
    if (v.arrayType === 'f32') return call(member(id('Float32Array'), 'from'), g);
    if (v.arrayType === 'numarr') return call(member(id('Array'), 'from'), g);
    return g;
  }

  // ── helpers ─────────────────────────────────────────────────────────────────────────────────

  private adj(v: Var): CExpr {
    const name = this.adjoints.get(v);
    if (!name) throw new Error(`tsgrad internal: no adjoint for ${v.name}`);
    return id(name);
  }

  private isActive(a: Atom): a is { k: 'var'; v: Var } {
    return a.k === 'var' && this.activity.active.has(a.v);
  }

  /** `tape.floats.push(x)`, `tape.ints.pop()`, …: the stacks used directly (runtime/tape.ts says why); other methods called. */
  private tape(method: string, ...args: CExpr[]): CExpr {
    this.usesTape = true;
    const stack = TAPE_STACKS[method];
    if (stack) return call(member(member(id(this.tapeName), stack[0]), stack[1]), ...args);
    return call(member(id(this.tapeName), method), ...args);
  }

  private count(loop: Loop): string {
    let name = this.counts.get(loop);
    if (!name) {
      name = this.names.unique(counterName(loop.id));
      this.counts.set(loop, name);
      this.extraLocals.push(name);
    }
    return name;
  }

  private block(stmts: readonly Stmt[], each: (s: Stmt, out: CStmt[]) => void): CStmt[] {
    const out: CStmt[] = [];
    for (const s of stmts) each(s, out);
    return out;
  }

  // ── forward sweep ───────────────────────────────────────────────────────────────────────────

  private forward(s: Stmt, out: CStmt[]): void {
    switch (s.k) {
      case 'assign': {
        const v = s.target;
        if (s.expr.k === 'userCall' && differentiated(this.activity, s)) {
          // the arrays passed to it, as they are now, for its pullback (unless they never change);
          // pushed before the target's old value, so the reverse pops them after it
          for (const a of this.snapshotted(s.expr)) out.push(exprStmt(this.tape('pushRef', call(member(id(runtimeNamespace), 'copyOf'), id(a.name)))));
        }
        const buffered = this.buffers.forward(s, this.depth);
        if (buffered) {
          out.push(...buffered);
          return;
        }
        if (this.isSaved(s)) out.push(exprStmt(this.save(v)));
        out.push(assign(id(v.name), primal(s.expr)));
        if (v.kind === 'array' && this.activity.active.has(v)) {
          // `x = y` (y a fresh array: x = step(x)): x's adjoint is y's, the same memory; a row
          // `row = A[i]` of an array of arrays: its adjoint is the row of A's adjoint
          const e = s.expr;
          const source = e.k === 'atom' && e.a.k === 'var' && this.activity.active.has(e.a.v) ? e.a.v : undefined;
          out.push(assign(this.adj(v), this.shadowOf(e) ?? (source ? this.adj(source) : freshAdjoint(v))));
        }
        return;
      }
      case 'store':
        if (s.sub) {
          out.push(assign(elementOf(id(s.arr.name), s), atom(s.value)));
          return;
        }
        if (s.arr.arrayType === 'rows' && differentiated(this.activity, s)) {
          // a row stored by reference (a swap of rows): the reverse sweep puts the old adjoint row back
          out.push(exprStmt(this.tape('pushRef', index(this.adj(s.arr), atom(s.index)))));
        }
        // a restored array: the element's old value, put back by the store's reverse
        if (this.saves.restored.has(s.arr)) out.push(exprStmt(this.tape('push', index(id(s.arr.name), atom(s.index)))));
        out.push(assign(index(id(s.arr.name), atom(s.index)), atom(s.value)));
        // an element appended to a growing array: its adjoint grows with it
        if (s.arr.growable && this.activity.active.has(s.arr)) out.push(assign(index(this.adj(s.arr), atom(s.index)), n(0)));
        // a row stored in an array of arrays: the adjoint's row is the row's adjoint (or zeros); an
        // inert store (nothing after it reads the array differentiably) leaves the adjoint's rows as
        // they are, since no pop restores them
        if (s.arr.arrayType === 'rows' && differentiated(this.activity, s) && s.value.k === 'var') {
          const row = s.value.v;
          out.push(assign(index(this.adj(s.arr), atom(s.index)), this.activity.active.has(row) ? this.adj(row) : zeros(member(id(row.name), 'length'))));
        }
        return;
      case 'if': {
        // the branch bit goes last, after the branch's own pushes, so the reverse pops it first
        const taped = this.saves.tapedBranches.has(s);
        const branch = (b: readonly Stmt[], bit: number): CStmt[] => {
          const code = this.block(b, (x, o) => this.forward(x, o));
          if (taped) code.push(exprStmt(this.tape('pushInt', n(bit))));
          return code;
        };
        out.push({ k: 'if', cond: atom(s.cond), then: branch(s.then, 1), else: branch(s.else, 0) });
        return;
      }
      case 'loop':
        return this.forwardLoop(s, out);
    }
  }

  private forwardLoop(loop: Loop, out: CStmt[]): void {
    const plan = this.saves.reversed.has(loop) ? this.loops.checkpoints?.get(loop) : undefined;
    const bounded = this.saves.boundedCounts.has(loop);
    const counted = this.saves.reversed.has(loop) && !plan && !bounded ? this.count(loop) : undefined;
    if (this.hooks) out.push(...this.hooks.before(loop));
    for (const v of this.saves.snapshots.get(loop) ?? []) out.push(exprStmt(this.save(v)));
    if (plan) {
      out.push(...checkpointedForward(plan, this.checkpointNames(plan), this.buffers.reused));
      return;
    }
    if (counted) out.push(assign(id(counted), n(0)));
    // induction variables: their value on entry, from which the reverse recomputes them
    for (const ind of this.saves.inductions.get(loop) ?? []) out.push(assign(id(this.inductionStart(ind)), id(ind.v.name)));
    const fwd = (b: readonly Stmt[]): CStmt[] => this.block(b, (x, o) => this.forward(x, o));
    this.depth++;
    const test = testOnly(loop);
    const simpleTest = test !== undefined && !this.saves.saved.has(test.target);
    const pre = simpleTest ? [] : fwd(loop.pre);
    const inner = [...fwd(loop.body), ...fwd(loop.update)];
    this.depth--;
    if (counted) inner.push(accumulate(id(counted), n(1)));
    out.push(loopStatement(loop, simpleTest ? test : undefined, pre, inner));
    if (this.saves.reversed.has(loop) && this.saves.tapedCounts.has(loop)) {
      if (counted) out.push(exprStmt(this.tape('pushInt', id(counted))));
      for (const ind of this.saves.inductions.get(loop) ?? []) out.push(exprStmt(this.tape('push', id(this.inductionStart(ind)))));
    }
  }

  /** A counted loop's trip count from its start and bound (boundedCounts), when it has one. */
  private tripCount(loop: Loop): CExpr | undefined {
    const b = this.saves.boundedCounts.get(loop);
    const c = loop.canonical;
    if (!b || !c) return undefined;
    const math = (fn: string, ...args: CExpr[]): CExpr => call(member(id('Math'), fn), ...args);
    const span = c.step > 0 ? add(atom(b.bound), neg(atom(c.start))) : add(atom(c.start), neg(atom(b.bound)));
    const steps = Math.abs(c.step) === 1 ? span : { k: 'bin' as const, op: '/', a: span, b: n(Math.abs(c.step)) };
    const count = b.op === '<' || b.op === '>' ? math('ceil', steps) : add(math('floor', steps), n(1));
    return math('max', n(0), count);
  }

  /**
   * The last index of a counted loop by ±1 whose start is an integer and whose bound nothing
   * changes (boundedCounts): where its reverse starts, without its trip count. For `i < B`,
   * start + ⌈B − start⌉ − 1 = ⌈B⌉ − 1 (and no iteration when that is below start); `<=`: ⌊B⌋;
   * `>`: ⌊B⌋ + 1; `>=`: ⌈B⌉. The rounding goes where B is an integer too.
   */
  private firstIndex(loop: Loop): CExpr | undefined {
    const b = this.saves.boundedCounts.get(loop);
    const c = loop.canonical;
    if (!b || !c || Math.abs(c.step) !== 1 || !this.isInteger(c.start)) return undefined;
    const rounded = (fn: 'ceil' | 'floor'): CExpr => (this.isInteger(b.bound) ? atom(b.bound) : call(member(id('Math'), fn), atom(b.bound)));
    if (b.op === '<') return add(rounded('ceil'), n(-1));
    if (b.op === '<=') return rounded('floor');
    if (b.op === '>') return add(rounded('floor'), n(1));
    return rounded('ceil');
  }

  private isInteger(a: Atom): boolean {
    return a.k === 'const' ? typeof a.value === 'number' && Number.isInteger(a.value) : this.integerValued.has(a.v);
  }

  /** The local holding an induction variable's value where its loop starts. */
  private inductionStart(ind: Induction): string {
    let name = this.starts.get(ind.v);
    if (!name) {
      name = this.names.unique(`${ind.v.name}_start`);
      this.starts.set(ind.v, name);
      this.extraLocals.push(name);
    }
    return name;
  }

  // ── reverse sweep ───────────────────────────────────────────────────────────────────────────

  private reverseBlock(stmts: readonly Stmt[]): CStmt[] {
    const out: CStmt[] = [];
    for (const s of stmts) {
      if (s.k !== 'assign' || !this.saves.recomputed.has(s.target)) continue;
      out.push(assign(id(s.target.name), primal(s.expr)));
      // a row, field or element read again: its adjoint is the same one of the container's adjoint
      const shadow = s.target.kind === 'array' && this.activity.active.has(s.target) ? this.shadowOf(s.expr) : undefined;
      if (shadow) out.push(assign(this.adj(s.target), shadow));
    }
    for (let i = stmts.length - 1; i >= 0; i--) this.reverse(stmts[i], out);
    return out;
  }

  private reverse(s: Stmt, out: CStmt[]): void {
    switch (s.k) {
      case 'assign':
        return this.reverseAssign(s, out);
      case 'store':
        if (this.saves.restored.has(s.arr)) {
          if (differentiated(this.activity, s)) this.reverseStore(s, out);
          out.push(assign(index(id(s.arr.name), atom(s.index)), this.tape('pop')));
          return;
        }
        if (!differentiated(this.activity, s)) return;
        return this.reverseStore(s, out);
      case 'if':
        if (!this.saves.reversed.has(s)) return;
        out.push({
          k: 'if',
          cond: this.saves.tapedBranches.has(s) ? this.tape('popInt') : atom(s.cond),
          then: this.reverseBlock(s.then),
          else: this.reverseBlock(s.else),
        });
        return;
      case 'loop':
        return this.reverseLoop(s, out);
    }
  }

  private reverseStore(s: Stmt & { k: 'store' }, out: CStmt[]): void {
    const inc = this.saves.increments.get(s);
    if (inc) {
      // A[i] += e: A's adjoint element passes through unchanged (findIncrements.ts)
      const element = elementOf(this.adj(s.arr), s);
      if (this.isActive(inc.delta)) out.push(accumulate(this.adj(inc.delta.v), inc.sign === 1 ? element : neg(element)));
      return;
    }
    if (s.arr.arrayType === 'rows' && !s.sub) {
      // a row stored by reference: its adjoint is the row's own; before it, the old row's
      out.push(assign(index(this.adj(s.arr), atom(s.index)), this.tape('popRef')));
      return;
    }
    const element = elementOf(this.adj(s.arr), s);
    if (this.isActive(s.value)) out.push(accumulate(this.adj(s.value.v), element));
    out.push(assign(element, n(0)));
  }

  private reverseLoop(loop: Loop, out: CStmt[]): void {
    if (!this.saves.reversed.has(loop)) return;
    const plan = this.loops.checkpoints?.get(loop);
    if (plan) {
      out.push(...checkpointedReverse(plan, this.checkpointNames(plan), this.buffers.reused, {
        taped: () => this.inLoop(() => [...this.block(loop.body, (x, o) => this.forward(x, o)), ...this.block(loop.update, (x, o) => this.forward(x, o)), exprStmt(this.tape('mark'))]),
        adjoint: () => this.inLoop(() => [...this.reverseBlock(loop.update), ...this.reverseBlock(loop.body)]),
      }));
      return this.afterReverse(loop, out);
    }
    const inductions = this.saves.inductions.get(loop) ?? [];
    const first = this.firstIndex(loop);
    // the trip count, where the reverse loop needs it
    const count = first ? '' : this.count(loop);
    if (this.saves.tapedCounts.has(loop)) {
      if (!first) out.push(assign(id(count), this.tripCount(loop) ?? this.tape('popInt')));
      for (let i = inductions.length - 1; i >= 0; i--) out.push(assign(id(this.inductionStart(inductions[i])), this.tape('pop')));
    }
    this.depth++;
    const body = [...this.reverseBlock(loop.pre), ...this.reverseBlock(loop.update), ...this.reverseBlock(loop.body)];
    this.depth--;
    const c = this.saves.canonical.has(loop) ? loop.canonical : undefined;
    // v = v_start + j·k, j the iteration number: (i - start)·step for a counter stepping by ±1
    for (const ind of inductions) {
      const j = mul(add(id(ind.loop.canonical.counter.name), neg(atom(ind.loop.canonical.start))), n(ind.loop.canonical.step));
      body.unshift(assign(id(ind.v.name), add(id(this.inductionStart(ind)), mul(j, n(ind.step)))));
    }
    if (!c) {
      out.push({ k: 'for', cond: { k: 'bin', op: '>', a: id(count), b: n(0) }, update: postfix(count, '--'), body });
    } else if (c.step === 1 || c.step === -1) {
      // i runs back over start + (n-1)·step, …, start
      const i = id(c.counter.name);
      const start = atom(c.start);
      const last = first ?? (c.step === 1 ? add(start, add(id(count), n(-1))) : add(start, neg(add(id(count), n(-1)))));
      out.push({
        k: 'for',
        init: assign(i, last),
        cond: { k: 'bin', op: c.step === 1 ? '>=' : '<=', a: i, b: start },
        update: postfix(c.counter.name, c.step === 1 ? '--' : '++'),
        body,
      });
    } else {
      const k = this.names.unique(reverseIndexName(loop.id));
      out.push({
        k: 'for',
        init: { k: 'let', decls: [{ name: k, init: add(id(count), n(-1)) }] },
        cond: { k: 'bin', op: '>=', a: id(k), b: n(0) },
        update: postfix(k, '--'),
        body: [assign(id(c.counter.name), add(atom(c.start), mul(id(k), n(c.step)))), ...body],
      });
    }
    if (this.hooks) out.push(...this.hooks.afterReverse(loop, (v) => (this.adjoints.has(v) ? this.adj(v) : undefined)));
    this.afterReverse(loop, out);
  }

  /** After a loop's reverse: its first condition's, then the values saved once for the whole loop. */
  private afterReverse(loop: Loop, out: CStmt[]): void {
    out.push(...this.reverseBlock(loop.pre));
    const snapshots = this.saves.snapshots.get(loop) ?? [];
    for (let i = snapshots.length - 1; i >= 0; i--) out.push(this.restore(snapshots[i]));
  }

  private inLoop(generate: () => CStmt[]): CStmt[] {
    this.depth++;
    const code = generate();
    this.depth--;
    return code;
  }

  /** The names of a checkpointed loop's step count and saved states, declared with the locals. */
  private checkpointNames(plan: CheckpointPlan): CheckpointNames {
    let cn = this.checkpointed.get(plan.loop);
    if (!cn) {
      cn = checkpointNames(plan, this.names);
      this.checkpointed.set(plan.loop, cn);
      this.extraLocals.push(cn.steps);
      this.usesTape = true;
      this.extraDecls.push({ name: cn.checkpoints, init: checkpointsOf(plan, id(this.tapeName)) });
    }
    return cn;
  }

  /** The array arguments of a user call that may change before its pullback runs: copied onto the tape. */
  private snapshotted(e: Expr & { k: 'userCall' }): Var[] {
    const stored = (this.stored ??= storedArrays(this.fn.body));
    const fixed = (v: Var): boolean => !!v.outer || (this.fn.params.some((p) => p.v === v) && !stored.has(v));
    return e.args.flatMap((a, i) => (e.fn.params[i] === 'array' && a.k === 'var' && !fixed(a.v) ? [a.v] : []));
  }

  /**
   * `y = g(a, x)` compiled on its own: `_d = g_pullback(a, x, a_b, y_b)` accumulates into a's
   * adjoint and returns x's; arrays that may have changed since are their copies from the tape.
   */
  private reverseUserCall(e: Expr & { k: 'userCall' }, g: CExpr, out: CStmt[]): void {
    const copies = new Map<Var, CExpr>();
    for (const v of this.snapshotted(e).reverse()) {
      const k = copies.size;
      this.snapshots[k] ??= this.names.unique('_arg');
      out.push(assign(id(this.snapshots[k]), this.tape('popRef')));
      copies.set(v, id(this.snapshots[k]));
    }
    const args = e.args.map((a) => (a.k === 'var' && copies.has(a.v) ? copies.get(a.v)! : atom(a)));
    const adjoints = e.args.flatMap((a, i) => {
      if (e.fn.params[i] !== 'array') return [];
      return [this.isActive(a) ? this.adj(a.v) : zerosLike(args[i])];
    });
    this.scratchD ??= this.names.unique('_d');
    out.push(assign(id(this.scratchD), call(id(e.fn.companion('pullback')), ...args, ...adjoints, g)));
    let k = 0;
    e.args.forEach((a, i) => {
      if (e.fn.params[i] !== 'num') return;
      if (this.isActive(a)) out.push(accumulate(this.adj(a.v), index(id(this.scratchD!), n(k))));
      k++;
    });
  }

  /** `row = A[i]`, `W = layer.W`, `cam = cameras[k]`: the same row, field or element of the container's adjoint. */
  private shadowOf(e: Expr): CExpr | undefined {
    if (e.k === 'load' && !e.sub && this.activity.active.has(e.arr)) return index(this.adj(e.arr), atom(e.index));
    if (e.k === 'field' && this.activity.active.has(e.obj)) return member(this.adj(e.obj), e.name);
    return undefined;
  }

  /** Push a saved variable's old value: an array's adjoint reference, an integer on the integer tape. */
  private save(v: Var): CExpr {
    if (v.kind === 'array') return this.tape('pushRef', this.adj(v));
    return this.tape(this.integers.has(v) ? 'pushInt' : 'push', id(v.name));
  }

  private restore(v: Var): CStmt {
    if (v.kind === 'array') return assign(this.adj(v), this.tape('popRef'));
    return assign(id(v.name), this.tape(this.integers.has(v) ? 'popInt' : 'pop'));
  }

  /** Saved variables push at every assignment but their declaration outside loops (nothing older to keep). */
  private isSaved(s: Stmt & { k: 'assign' }): boolean {
    return this.saves.saved.has(s.target) && !(s.init && this.depth === 0) && !this.saves.covered.has(s);
  }

  private reverseAssign(s: Stmt & { k: 'assign' }, out: CStmt[]): void {
    const v = s.target;
    const e = s.expr;
    const saved = this.isSaved(s);
    const restore = (): void => {
      out.push(this.restore(v));
    };
    const buffered = this.buffers.reverse(s);
    if (buffered) {
      out.push(...buffered);
      return;
    }
    if (!differentiated(this.activity, s) || this.incrementParts.has(s)) {
      // inactive, or inert: its adjoint is 0 here, and 0 · ∞ in its partials would be NaN; an
      // increment's load or sum: the store's reverse is theirs too (findIncrements.ts)
      if (saved) restore();
      return;
    }
    if (v.kind === 'array' && (e.k === 'atom' || e.k === 'load' || e.k === 'field')) {
      // an array variable given another array, a row or a field: their adjoints are one array, nothing to move
      if (saved) restore();
      return;
    }
    if (e.k === 'newArray') {
      out.push(...this.buffers.reverseFill(v, e));
      if (saved) restore();
      return;
    }
    const rule = ruleFor(e);
    // a user call's arguments count too: `x = g(x)` (fuzz seed 120656: x's adjoint was zeroed after its pullback)
    const args = e.k === 'atom' ? [e.a] : e.k === 'userCall' ? [...e.args] : ruleArgs(e);
    const selfReference = args.some((a) => a.k === 'var' && a.v === v);
    let y: CExpr = id(v.name);
    const partials = rule ? rule.partials(args.map(atom), id('$y')) : [];
    const readsY = partials.some((p, i) => p && this.isActive(args[i]) && identifiers(p).has('$y'));
    if (saved && readsY) {
      this.scratchY ??= this.names.unique('_y');
      out.push(assign(id(this.scratchY), id(v.name)));
      y = id(this.scratchY);
    }
    let g = this.adj(v);
    // `s = s + t`: s's adjoint passes through unchanged; only t's is updated
    const passThrough = selfReference && rule !== undefined && args.filter((a) => a.k === 'var' && a.v === v).length === 1 &&
      partials.some((p, i) => args[i].k === 'var' && (args[i] as { v: Var }).v === v && p !== null && p.k === 'num' && p.value === 1);
    if (selfReference && !passThrough) {
      this.scratchG ??= this.names.unique('_g');
      out.push(assign(id(this.scratchG), g), assign(g, n(0)));
      g = id(this.scratchG);
    }
    if (saved) restore();
    if (e.k === 'atom') {
      if (this.isActive(e.a)) out.push(accumulate(this.adj(e.a.v), g));
    } else if (e.k === 'load') {
      // an element of an inactive array (an outer constant, a buffer never written with active
      // values, a parameter not differentiated) is a constant: nothing flows back into it
      if (this.activity.active.has(e.arr)) out.push(accumulate(elementOf(this.adj(e.arr), e), g));
    } else if (e.k === 'field') {
      if (this.activity.active.has(e.obj)) out.push(accumulate(member(this.adj(e.obj), e.name), g));
    } else if (e.k === 'userCall') {
      this.reverseUserCall(e, g, out);
    } else if (rule) {
      const withY = rule.partials(args.map(atom), y);
      args.forEach((a, i) => {
        const p = withY[i];
        if (p && this.isActive(a) && !(passThrough && a.v === v)) out.push(accumulate(this.adj(a.v), mul(g, p)));
      });
    }
    if (!selfReference && this.saves.overwritten.has(v)) out.push(assign(g, n(0)));
  }
}

/** Tape methods generated code calls as the stack operations they are: keep in sync with runtime/tape.ts. */
const TAPE_STACKS: Record<string, readonly [string, string]> = {
  push: ['floats', 'push'],
  pop: ['floats', 'pop'],
  pushInt: ['ints', 'push'],
  popInt: ['ints', 'pop'],
  pushRef: ['refs', 'push'],
  popRef: ['refs', 'pop'],
};
