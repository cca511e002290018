/**
 * Reverse mode: IR → the body of `f_grad` as a code tree (code.ts). A forward sweep runs the
 * primal and records what SaveInfo says will be lost; the reverse sweep walks the statements
 * backwards, restoring and accumulating adjoints.
 *
 *   primal:  p = p * x                    (inside a loop, p saved)
 *   forward: tape.floats.push(p); p = p * x                         (indexedTape.ts: floats[nf++] = p)
 *   reverse: _g = p_b; p_b = 0; p = tape.floats.pop(); p_b += _g * x; x_b += _g * p
 *
 * Loops count their iterations (`_n0`); the reverse loop runs that many times, recomputing a
 * counted loop's index. Branches reuse their condition when it is still valid, else pop a bit.
 * The state both sweeps share is sweepState.ts's; the forward sweep is forwardSweep.ts.
 */
import { accumulate, add, assign, bin, call, type CExpr, comment, cond, countUp, type CStmt, exprStmt, id, identifiers, index, member, mul, n, namesIn, neg, postfix, samePure } from '../code.js';
import { type Expr, type IRFunction, type Loop, type Stmt, type Var } from '../ir.js';
import { type NameScope, reverseIndexName, runtimeNamespace } from '../naming.js';
import { gatherParams, perParam } from '../structs.js';
import { type ActivityInfo, differentiated } from './analyzeActivity.js';
import type { SaveInfo } from './analyzeSaves.js';
import { ruleArgs, ruleFor } from './exprRules.js';
import { atom, copyWrittenParams, elementOf, initialValue, primal, zeros, zerosLike } from './irCode.js';
import { rowsOfZeros } from './reverseBuffers.js';
import { checkpointedReverse } from './checkpointLoops.js';
import { ForwardSweep } from './forwardSweep.js';
import type { LoopTreatments } from './sweepState.js';

export type { LoopTreatments };

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

class ReverseMode extends ForwardSweep {
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
    // number[]s inside grow where f reads past their end (runtime/values.ts)
    if (v.arrayType === 'objects' || v.arrayType === 'record' || (v.arrayType === 'rows' && v.row === 'numarr')) return call(member(id(runtimeNamespace), 'fitted'), g, id(v.name));
    return g;
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
      case 'if': {
        if (!this.saves.reversed.has(s)) return;
        // a selection's branch: taken in the one iteration reversed, or in the one whose counter was kept
        const selecting = this.selectionBranches.get(s);
        if (selecting) {
          if (this.saves.selections.get(selecting)!.alone) out.push(...this.reverseBlock(s.then));
          else out.push({ k: 'if', cond: bin('===', id(selecting.canonical!.counter.name), id(this.selectedAt(selecting))), then: this.reverseBlock(s.then), else: [] });
          return;
        }
        out.push({
          k: 'if',
          cond: this.saves.tapedBranches.has(s) ? this.tape('popInt') : atom(s.cond),
          then: this.reverseBlock(s.then),
          else: this.reverseBlock(s.else),
        });
        return;
      }
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
    const selection = this.saves.selections.get(loop);
    if (selection?.alone) {
      this.reverseSelection(loop, out);
      return this.afterReverse(loop, out);
    }
    const inductions = this.saves.inductions.get(loop) ?? [];
    const first = this.firstIndex(loop);
    // the trip count, where the reverse loop needs it
    const count = first ? '' : this.count(loop);
    if ((this.saves.tapedCounts.has(loop) || this.saves.boundedCounts.has(loop)) && !first) out.push(assign(id(count), this.tripCount(loop) ?? this.tape('popInt')));
    if (selection && this.depth > 0) out.push(assign(id(this.selectedAt(loop)), this.tape('popInt')));
    // induction variables kept after this loop: their value there, stepped back in the reverse of theirs
    const homed = this.saves.inductionHomes.get(loop) ?? [];
    for (let i = homed.length - 1; i >= 0; i--) {
      out.push(assign(id(homed[i].v.name), this.saves.tapedCounts.has(loop) ? this.tape('pop') : id(this.inductionEnd(homed[i]))));
    }
    this.depth++;
    const body = [...this.reverseBlock(loop.pre), ...this.reverseBlock(loop.update), ...this.reverseBlock(loop.body)];
    this.depth--;
    const c = this.saves.canonical.has(loop) ? loop.canonical : undefined;
    // v as it was in the iteration: one step back from where the next left it
    for (const ind of inductions) body.unshift(assign(id(ind.v.name), add(id(ind.v.name), n(-ind.step))));
    // tagged as its forward loop (fuseSweeps.ts)
    const sweep = this.hooks ? {} : { sweep: loop.id };
    if (!c) {
      out.push({ k: 'for', cond: { k: 'bin', op: '>', a: id(count), b: n(0) }, update: postfix(count, '--'), body, ...sweep });
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
        ...sweep,
      });
    } else {
      const k = this.names.unique(reverseIndexName(loop.id));
      out.push({
        k: 'for',
        init: { k: 'let', decls: [{ name: k, init: add(id(count), n(-1)) }] },
        cond: { k: 'bin', op: '>=', a: id(k), b: n(0) },
        update: postfix(k, '--'),
        body: [assign(id(c.counter.name), add(atom(c.start), mul(id(k), n(c.step)))), ...body],
        ...sweep,
      });
    }
    if (this.hooks) out.push(...this.hooks.afterReverse(loop, (v) => (this.adjoints.has(v) ? this.adj(v) : undefined)));
    this.afterReverse(loop, out);
  }

  /**
   * A selection loop alone (selectionLoops.ts): only the iteration that took the branch last has
   * adjoint work; its counter comes back from the forward sweep, -1 when no iteration took it.
   */
  private reverseSelection(loop: Loop, out: CStmt[]): void {
    const counter = id(loop.canonical!.counter.name);
    out.push(assign(counter, this.depth > 0 ? this.tape('popInt') : id(this.selectedAt(loop))));
    const body = this.inLoop(() => [...this.reverseBlock(loop.pre), ...this.reverseBlock(loop.update), ...this.reverseBlock(loop.body)]);
    out.push({ k: 'if', cond: bin('>=', counter, n(0)), then: body, else: [] });
    if (this.hooks) out.push(...this.hooks.afterReverse(loop, (v) => (this.adjoints.has(v) ? this.adj(v) : undefined)));
  }

  /** After a loop's reverse: its first condition's, then the values saved once for the whole loop. */
  private afterReverse(loop: Loop, out: CStmt[]): void {
    out.push(...this.reverseBlock(loop.pre));
    const snapshots = this.saves.snapshots.get(loop) ?? [];
    for (let i = snapshots.length - 1; i >= 0; i--) out.push(this.restore(snapshots[i]));
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
        let p = withY[i];
        if (!p || !this.isActive(a) || (passThrough && a.v === v)) return;
        // one operand twice with the same partial (x * x, x + x): one accumulation of twice it
        const again = args.findIndex((b, j) => j !== i && b.k === 'var' && b.v === a.v && withY[j] && samePure(withY[j]!, p!));
        if (again >= 0 && again < i) return;
        if (again > i) p = mul(n(2), p);
        if (!this.loops.strictZeros) out.push(accumulate(this.adj(a.v), mul(g, p)));
        // strictZeros: g · p is 0 where either is (an infinite g times a zero partial too)
        else if (p.k !== 'num') out.push(accumulate(this.adj(a.v), cond(bin('||', bin('===', g, n(0)), bin('===', p, n(0))), n(0), mul(g, p))));
        else if (p.value !== 0) out.push(accumulate(this.adj(a.v), mul(g, p)));
      });
    }
    if (!selfReference && this.saves.overwritten.has(v)) out.push(assign(g, n(0)));
  }
}
