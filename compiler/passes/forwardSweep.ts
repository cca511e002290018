/**
 * The forward sweep: the primal, with the pushes SaveInfo asks for (old values of saved
 * variables, old elements of restored arrays, branch bits, trip counts, induction variables after their loops), loop
 * by loop. reverseMode.ts extends it with the reverse sweep.
 */
import { accumulate, assign, call, type CStmt, exprStmt, id, index, member, n } from '../code.js';
import type { Loop, Stmt } from '../ir.js';
import { runtimeNamespace } from '../naming.js';
import { differentiated } from './analyzeActivity.js';
import { atom, elementOf, loopStatement, primal, testOnly, zeros } from './irCode.js';
import { freshAdjoint } from './reverseBuffers.js';
import { checkpointedForward } from './checkpointLoops.js';
import { SweepState } from './sweepState.js';

export class ForwardSweep extends SweepState {
  // ── forward sweep ───────────────────────────────────────────────────────────────────────────

  protected forward(s: Stmt, out: CStmt[]): void {
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
        const selecting = this.selectionBranches.get(s);
        if (selecting) {
          // a selection's branch: the counter of the iteration taking it (selectionLoops.ts)
          const then = [...this.block(s.then, (x, o) => this.forward(x, o)), assign(id(this.selectedAt(selecting)), id(selecting.canonical!.counter.name))];
          out.push({ k: 'if', cond: atom(s.cond), then, else: [] });
          return;
        }
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

  protected forwardLoop(loop: Loop, out: CStmt[]): void {
    const plan = this.saves.reversed.has(loop) ? this.loops.checkpoints?.get(loop) : undefined;
    const bounded = this.saves.boundedCounts.has(loop);
    const selection = this.saves.selections.get(loop);
    const counted = this.saves.reversed.has(loop) && !plan && !bounded && !selection?.alone ? this.count(loop) : undefined;
    if (this.hooks) out.push(...this.hooks.before(loop));
    for (const v of this.saves.snapshots.get(loop) ?? []) out.push(exprStmt(this.save(v)));
    if (plan) {
      out.push(...checkpointedForward(plan, this.checkpointNames(plan), this.buffers.reused));
      return;
    }
    if (counted) out.push(assign(id(counted), n(0)));
    if (selection) out.push(assign(id(this.selectedAt(loop)), n(-1)));
    const fwd = (b: readonly Stmt[]): CStmt[] => this.block(b, (x, o) => this.forward(x, o));
    this.depth++;
    const test = testOnly(loop);
    const simpleTest = test !== undefined && !this.saves.saved.has(test.target);
    const pre = simpleTest ? [] : fwd(loop.pre);
    const inner = [...fwd(loop.body), ...fwd(loop.update)];
    this.depth--;
    if (counted) inner.push(accumulate(id(counted), n(1)));
    const statement = loopStatement(loop, simpleTest ? test : undefined, pre, inner);
    // a reversed loop: its reverse carries the same tag (fuseSweeps.ts)
    out.push(this.saves.reversed.has(loop) && !this.hooks && (statement.k === 'for' || statement.k === 'while') ? { ...statement, sweep: loop.id } : statement);
    // a selection's counter, once per run of a loop inside another (before the trip count, popped after it)
    if (selection && this.depth > 0) out.push(exprStmt(this.tape('pushInt', id(this.selectedAt(loop)))));
    if (this.saves.reversed.has(loop) && this.saves.tapedCounts.has(loop) && counted) out.push(exprStmt(this.tape('pushInt', id(counted))));
    // induction variables: their value after the loop, from which the reverse steps them back
    // (kept in a local after an outermost loop, pushed after a nested one)
    if (this.saves.reversed.has(loop)) {
      for (const ind of this.saves.inductionHomes.get(loop) ?? []) {
        out.push(this.saves.tapedCounts.has(loop) ? exprStmt(this.tape('push', id(ind.v.name))) : assign(id(this.inductionEnd(ind)), id(ind.v.name)));
      }
    }
  }
}
