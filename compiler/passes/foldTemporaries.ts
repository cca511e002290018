/**
 * Fold temporaries back into the expressions that use them: the A-normal form the sweeps are
 * generated in, read back as nested expressions, with nothing computed differently.
 *
 *   before:  _t0 = k * d; _t1 = _t0 + j; _t2 = theta[_t1]; …; _t6 = _t2 * _t5; z = z + _t6
 *   after:   z = z + theta[k * d + j] * X[i * d + j]
 *
 *   before:  _t6_b += z_b; _t2_b += _t6_b * _t5; _t6_b = 0; theta_b[_t1] += _t2_b; _t2_b = 0
 *   after:   theta_b[k * d + j] += z_b * X[i * d + j]
 *
 * One round (foldRound) walks every block once, with liveness and the zero facts of analyzeLiveness.ts
 * computed at its start, and does, where it is exact:
 *   - a definition `t = e` whose value is read once (t dead after) moves into that read, if nothing
 *     between writes what e reads (nor reads what e writes: tape pops keep their order);
 *   - `t = y` (a local or a constant) replaces every read of t while y stays unchanged;
 *   - `t += e` on a t known to hold +0 is `t = e`: folded the same way where e is never -0, or where
 *     its one read only feeds an accumulation into a local or array that is never -0 (analyzeLiveness.ts
 *     says why the sign of zero cannot show there); and rewritten as `t = e` in place when all its
 *     reads are such (the `t = 0` after it then dies);
 *   - an assignment to a local nobody reads again, of a value computed without effects, goes.
 * A name whose liveness a change in this round touched ("dirty") waits for the next round.
 * tidyCode.ts runs rounds until nothing changes.
 */
import { type CExpr, children, type CStmt, neg } from '../code.js';
import { countMentions, finalWrites, substitute, substituteTarget } from '../codeEdit.js';
import { isGenerated } from '../naming.js';
import { neverNegZero, notNegZero } from './analyzeArrays.js';
import { canMovePast, type CodeScope, commute, type Effects, EffectsOf, exprEffects, mentions, removable } from './analyzeEffects.js';
import { faintLocals, knownZero, liveness, type NameSet } from './analyzeLiveness.js';
import { type Use, UseScan } from './findUses.js';

/** The statements a definition's value reaches (up to index `end`), and its reads there. */
interface Region {
  readonly end: number;
  /** It passes a `// reverse sweep` comment: calls made in one sweep stay in it. */
  readonly crossesComment: boolean;
  readonly uses: readonly { readonly j: number; readonly use: Use }[];
}

interface Facts {
  readonly live: Map<CStmt, NameSet>;
  /** How many times each name occurs in the body (as the round began). */
  readonly mentionCount: ReadonlyMap<string, number>;
  readonly zeros: Map<CStmt, NameSet>;
  /** Never -0 (analyzeLiveness.ts); a name rewritten in this round to `t = e` leaves it. */
  readonly nonNegZero: Set<string>;
  readonly dirty: Set<string>;
  readonly effects: EffectsOf;
  /** Locals whose value reaches nothing but their own updates (analyzeLiveness.ts's faintLocals). */
  readonly faint: ReadonlySet<string>;
}

/**
 * One round over `body` (its blocks edited in place: tidyCode.ts's copy): whether it changed
 * anything, and (without `materialize`) whether a round with it would.
 */
export function foldRound(body: CStmt[], scope: CodeScope, params: ReadonlySet<string>, materialize: boolean): { changed: boolean; pending: boolean } {
  const facts: Facts = {
    live: liveness(body),
    mentionCount: countMentions(body),
    zeros: knownZero(body),
    nonNegZero: neverNegZero(body, scope, params).names,
    dirty: new Set(),
    effects: new EffectsOf(scope),
    faint: faintLocals(body, scope.locals, params, (e) => removable(exprEffects(e, scope))),
  };
  const folder = new Folder(scope, facts, materialize);
  const changed = folder.block(body);
  return { changed, pending: folder.pending };
}

class Folder {
  /** `materialize`: also rewrite accumulations into zero as assignments (tidyCode.ts does so only once nothing else folds: after it, reads of such a t are no longer quiet). */
  constructor(private readonly scope: CodeScope, private readonly facts: Facts, private readonly materialize: boolean) {}

  block(stmts: CStmt[]): boolean {
    let changed = false;
    // again while it changes: a fold further down can unblock one above (a call folded away from between)
    for (let again = true, passes = 0; again && passes < 8; passes++) {
      again = false;
      for (let i = 0; i < stmts.length; ) {
        if (this.coalesce(stmts, i) || this.fold(stmts, i) || this.removeDead(stmts, i)) {
          changed = again = true;
          continue;
        }
        i++;
      }
    }
    for (const s of stmts) {
      if (s.k === 'if') changed = this.block(s.then as CStmt[]) || changed, changed = this.block(s.else as CStmt[]) || changed;
      else if (s.k === 'for' || s.k === 'while') changed = this.block(s.body as CStmt[]) || changed;
    }
    return changed;
  }

  /**
   * `to`, which replaces `from` (the same statement with a read replaced), with from's facts:
   * the names whose facts the change touches are dirty (done()), the others' hold.
   */
  private carry(from: CStmt, to: CStmt): CStmt {
    const { live, zeros } = this.facts;
    const copy = (a: CStmt, b: CStmt): void => {
      if (a === b) return;
      const l = live.get(a);
      if (l) live.set(b, l);
      const z = zeros.get(a);
      if (z) zeros.set(b, z);
      const pairs = (x: readonly CStmt[], y: readonly CStmt[]): void => x.forEach((s, i) => y[i] && copy(s, y[i]));
      if (a.k === 'if' && b.k === 'if') pairs(a.then, b.then), pairs(a.else, b.else);
      else if ((a.k === 'for' || a.k === 'while') && (b.k === 'for' || b.k === 'while')) pairs(a.body, b.body);
      if (a.k === 'for' && b.k === 'for' && a.init && b.init) copy(a.init, b.init);
    };
    copy(from, to);
    return to;
  }

  /**
   * Move stmts[from] to just after stmts[to] (from < to). What it reads and writes is live longer
   * now (dirty), and its own facts were those of its old place (forgotten: unknown is conservative).
   */
  private moveDown(stmts: CStmt[], from: number, to: number): void {
    const [moved] = stmts.splice(from, 1);
    stmts.splice(to, 0, moved);
    const eff = this.facts.effects.stmt(moved);
    for (const n of [...eff.reads, ...eff.writes]) this.facts.dirty.add(n);
    this.facts.live.delete(moved);
    this.facts.zeros.delete(moved);
  }

  private liveAfter(s: CStmt, name: string): boolean {
    return this.facts.live.get(s)?.has(name) ?? true;
  }

  /** `x = e` (or `x += e`) of a local read by nobody after, e without effects, or a loop that only counts into one: removed. */
  private removeDead(stmts: CStmt[], i: number): boolean {
    const s = stmts[i];
    if (s.k === 'if' && s.then.length === 0 && s.else.length === 0 && removable(exprEffects(s.cond, this.scope))) {
      stmts.splice(i, 1);
      return true;
    }
    if (s.k === 'for' && this.emptyCount(s)) {
      stmts.splice(i, 1);
      return true;
    }
    if (s.k !== 'assign' || s.target.k !== 'id') return false;
    const x = s.target.name;
    if (s.op === '=' && s.value.k === 'id' && (s.value.name === x || this.copiedBack(stmts, i, x, s.value.name))) {
      // x = x, or t = x; …; x = t
      stmts.splice(i, 1);
      return true;
    }
    if (!this.scope.locals.has(x) || this.facts.dirty.has(x) || (this.liveAfter(s, x) && !this.facts.faint.has(x))) return false;
    if (!removable(exprEffects(s.value, this.scope))) {
      // its value unused, a call still runs: `_d = g_pullback(…)` is `g_pullback(…)`, `sum = tape.floats.pop()` a pop
      if (s.value.k !== 'call' || s.op !== '=') return false;
      stmts[i] = { k: 'expr', e: s.value };
      return true;
    }
    // (x was dead after it, so is still dead before it: x's liveness stands; its value's reads only lose some)
    stmts.splice(i, 1);
    return true;
  }

  /**
   * `for (i = a; i < b; i++) {}`: a loop that only counts, whose counter nobody reads after it (the
   * forward sweep of a loop whose reverse needs nothing from it, its trip count given by its bound).
   */
  private emptyCount(s: CStmt & { k: 'for' }): boolean {
    const counter = s.update?.k === 'postfix' ? s.update.name : undefined;
    if (!counter || s.body.length > 0 || !s.cond || !removable(exprEffects(s.cond, this.scope))) return false;
    const init = s.init;
    if (init && (init.k !== 'assign' || init.target.k !== 'id' || init.target.name !== counter || !removable(exprEffects(init.value, this.scope)))) return false;
    return this.scope.locals.has(counter) && !this.facts.dirty.has(counter) && !this.liveAfter(s, counter);
  }

  /** Whether the last statement before stmts[i] that mentions x or t is `t = x`. */
  private copiedBack(stmts: readonly CStmt[], i: number, x: string, t: string): boolean {
    for (let k = i - 1; k >= 0; k--) {
      const s = stmts[k];
      const eff = this.facts.effects.stmt(s);
      if (eff.exits) return false;
      if (!mentions(eff, x) && !mentions(eff, t)) continue;
      return s.k === 'assign' && s.op === '=' && s.target.k === 'id' && s.target.name === t && s.value.k === 'id' && s.value.name === x;
    }
    return false;
  }

  /** Fold the definition at `stmts[i]` into its reads, or rewrite an accumulation into zero as an assignment. */
  private fold(stmts: CStmt[], i: number): boolean {
    const d = stmts[i];
    if (d.k !== 'assign' || d.target.k !== 'id') return false;
    const t = d.target.name;
    const { dirty, zeros, nonNegZero } = this.facts;
    if (!this.scope.locals.has(t) || dirty.has(t)) return false;
    // the user's variables keep their names where they hold what was popped or called for
    // (`p = tape.floats.pop()` stays; inlined parameters, `z_2 = z`, fold like temporaries), and
    // their adjoints where they accumulate (`xi_b -= g; _t3_b += xi_b` keeps xi_b)
    const temporary = isGenerated(t) || (d.op === '=' && removable(exprEffects(d.value, this.scope)));
    let exact: CExpr | undefined;
    let quiet: CExpr;
    if (d.op === '=') {
      exact = quiet = d.value;
    } else {
      // t += e on t = +0 is 0 + e: e itself, but for e = -0
      if (!zeros.get(d)?.has(t)) return false;
      exact = d.op === '+=' && notNegZero(d.value, nonNegZero) ? d.value : undefined;
      quiet = d.op === '+=' ? d.value : neg(d.value);
    }
    if (!temporary && d.op === '=') return false;
    const valueEffects = exprEffects(quiet, this.scope);
    if (valueEffects.reads.has(t) || [...valueEffects.reads].some((r) => this.scope.scoped?.has(r))) return false;
    const region = this.region(stmts, i, t);
    // an array made (`new Float64Array(n).fill(x)`) stays where it is made, under its name
    if (temporary && region && region.uses.length > 0 && !allocates(quiet) && this.foldInto(stmts, i, t, region, exact, quiet, valueEffects)) return true;
    if (d.op === '=') return false;
    // t += e on +0 as t = e: bit for bit where e is never -0; else where every read of t is quiet
    const value = exact ?? (region && region.uses.every((u) => u.use.quiet) ? quiet : undefined);
    if (value === undefined) return false;
    if (!this.materialize) {
      this.pending = true;
      return false;
    }
    stmts[i] = { k: 'assign', target: d.target, op: '=', value };
    // e's reads were quiet (an accumulation into +0), and now are only if t's are
    if (exact !== undefined) this.quietDefs = new Map();
    else nonNegZero.delete(t);
    return true;
  }

  /** An accumulation this round could have rewritten as an assignment, with `materialize`. */
  pending = false;

  /** Move t's value (`exact`, or `quiet` where every read is quiet) into its reads. */
  private foldInto(stmts: CStmt[], i: number, t: string, region: Region, exact: CExpr | undefined, quiet: CExpr, valueEffects: Effects): boolean {
    const { uses } = region;
    const trivial = (e: CExpr | undefined): boolean => e !== undefined && (e.k === 'id' || e.k === 'num' || e.k === 'bool');
    if (uses.length === 1 && !(region.crossesComment && valueEffects.opaque) && uses[0].use.direct && (exact !== undefined || uses[0].use.quiet) && !(uses[0].use.compound && (exact === undefined || isZero(exact)))) {
      const { j, use } = uses[0];
      const resets = this.movesPast(stmts, i, j, valueEffects);
      if (resets && canMovePast(valueEffects, use.before!) && !initReads(stmts[j], valueEffects)) {
        stmts[j] = this.carry(stmts[j], substitute(stmts[j], t, exact ?? quiet));
        // resets the value reads (`scaled_b[i] = 0` after `fn_result_b = scaled_b[i]`) go after its read
        for (let r = resets.length - 1; r >= 0; r--) this.moveDown(stmts, resets[r], j);
        return this.done(stmts, i, t, valueEffects);
      }
    }
    // a copy (t = y) goes into every read; so does t += y on +0, where every read is quiet
    const copy = trivial(exact) ? exact : trivial(quiet) && uses.every((u) => u.use.quiet) ? quiet : undefined;
    if (!copy || uses.some((u) => u.use.compound && (isZero(copy) || copy !== exact))) return false;
    // every read of t is y while y does not change (the last statement may assign y, after reading t);
    // a reset `y = 0` in between moves after the last read: `_t7_b = v_b; v_b = 0; …_t7_b…` is `…v_b…; v_b = 0`
    const y = copy.k === 'id' ? copy.name : undefined;
    const last = region.end;
    let reset: number | undefined;
    for (let k = i + 1; y !== undefined && k <= last; k++) {
      const s = stmts[k];
      if (!this.facts.effects.stmt(s).writes.has(y)) continue;
      if (k === last && s.k === 'assign' && s.target.k === 'id' && s.target.name === y) continue;
      const constant = s.k === 'assign' && s.op === '=' && s.target.k === 'id' && (s.value.k === 'num' || s.value.k === 'bool');
      if (reset !== undefined || !constant || k === last || this.facts.dirty.has(y)) return false;
      reset = k;
    }
    if (reset !== undefined) {
      for (let k = reset + 1; k <= last; k++) {
        const eff = this.facts.effects.stmt(stmts[k]);
        if (mentions(eff, y!) || eff.exits) return false;
      }
    }
    for (let k = i + 1; k <= last; k++) if (mentions(this.facts.effects.stmt(stmts[k]), t)) stmts[k] = this.carry(stmts[k], substitute(stmts[k], t, copy));
    if (reset !== undefined) {
      this.moveDown(stmts, reset, last);
    }
    return this.done(stmts, i, t, valueEffects);
  }

  /**
   * Whether a value can move from `stmts[i]` down to `stmts[j]`: past every statement between, or,
   * for `x = 0` / `a[k] = 0` that write what it reads, with those resets moved after stmts[j]
   * (where nothing between reads or writes what they do). The resets' indices, or undefined.
   */
  private movesPast(stmts: readonly CStmt[], i: number, j: number, value: Effects): number[] | undefined {
    const effects = this.facts.effects;
    const resets: number[] = [];
    for (let k = i + 1; k < j; k++) {
      if (canMovePast(value, effects.stmt(stmts[k]))) continue;
      if (!isReset(stmts[k])) return undefined;
      resets.push(k);
    }
    for (const r of resets) {
      const reset = effects.stmt(stmts[r]);
      for (let k = r + 1; k <= j; k++) if (!resets.includes(k) && !commute(reset, effects.stmt(stmts[k]))) return undefined;
    }
    return resets;
  }

  private done(stmts: CStmt[], i: number, t: string, moved: Effects): true {
    this.facts.dirty.add(t);
    for (const r of moved.reads) this.facts.dirty.add(r);
    stmts.splice(i, 1);
    return true;
  }

  /**
   * The statements after `stmts[i]` that its value of t reaches: up to the one after which t is dead
   * or which assigns t. Undefined when that value may flow out of the block, or control may leave
   * the statements in between (break, return).
   */
  private region(stmts: readonly CStmt[], i: number, t: string): Region | undefined {
    const uses: { j: number; use: Use }[] = [];
    let crossesComment = false;
    for (let j = i + 1; j < stmts.length; j++) {
      const s = stmts[j];
      crossesComment ||= s.k === 'comment';
      const eff = this.facts.effects.stmt(s);
      // control may leave here: only where t is read for the last time, and dead where control goes
      if (eff.exits && s.k !== 'return' && (!mentions(eff, t) || this.liveAfter(s, t) || this.liveAtBreaks(s, t))) return undefined;
      if (!mentions(eff, t)) {
        if (!this.liveAfter(s, t)) return { end: j, uses, crossesComment };
        continue;
      }
      const scan = new UseScan(t, this.scope, (at, block, index) => this.quietStore(at, block, index), this.facts.effects);
      scan.stmt(s, true, stmts, j);
      if (scan.postfix) return undefined;
      uses.push(...scan.uses.map((use) => ({ j, use })));
      if (eff.writes.has(t)) {
        // assigned again: only as the statement's last act (`t = …t…`)
        return s.k === 'assign' && s.target.k === 'id' && s.target.name === t ? { end: j, uses, crossesComment } : undefined;
      }
      if (s.k === 'return' || !this.liveAfter(s, t)) return { end: j, uses, crossesComment };
    }
    return undefined;
  }

  /**
   * `if (c) { …; _t7 = a } else { …; _t7 = b } v = _t7`, the temporary mentioned nowhere else, v not
   * in the if: `if (c) { …; v = a } else { …; v = b }`, the user's name kept.
   */
  private coalesce(stmts: CStmt[], j: number): boolean {
    const copy = stmts[j];
    const branches = stmts[j - 1];
    if (copy.k !== 'assign' || copy.op !== '=' || copy.target.k !== 'id' || copy.value.k !== 'id' || branches?.k !== 'if') return false;
    const v = copy.target.name;
    const t = copy.value.name;
    const { dirty } = this.facts;
    if (!isGenerated(t) || !this.scope.locals.has(t) || dirty.has(t) || dirty.has(v) || mentions(this.facts.effects.stmt(branches), v)) return false;
    const defs = finalWrites(branches, t);
    if (defs === undefined || this.facts.mentionCount.get(t) !== defs + 1) return false;
    stmts.splice(j - 1, 2, substituteTarget(branches, t, v));
    dirty.add(t);
    dirty.add(v);
    return true;
  }

  /** Whether t is live where a `break` in `s` (out of s) goes. */
  private liveAtBreaks(s: CStmt, t: string): boolean {
    const visit = (x: CStmt): boolean => {
      if (x.k === 'break') return this.liveAfter(x, t);
      if (x.k === 'if') return x.then.some(visit) || x.else.some(visit);
      return false; // a loop's own breaks stay in it
    };
    return visit(s);
  }

  /** `x += v` / `a[i] += v` where x, or every element of a, is never -0 just before: v's zero sign cannot show. */
  private quietTarget(target: CExpr, at: CStmt): boolean {
    const { nonNegZero, zeros, dirty } = this.facts;
    if (target.k === 'id') return nonNegZero.has(target.name) || (!dirty.has(target.name) && !!zeros.get(at)?.has(target.name));
    return target.k === 'index' && target.obj.k === 'id' && nonNegZero.has(target.obj.name);
  }

  /**
   * Whether the value `at` (= block[index]) stores has its zero's sign unseen: an accumulation
   * into something never -0 (quietTarget), or `x = v` whose every read is quiet itself.
   */
  private quietStore(at: CStmt & { k: 'assign' }, block: readonly CStmt[] | undefined, index: number): boolean {
    if (at.op !== '=') return this.quietTarget(at.target, at);
    if (at.target.k !== 'id' || !block || this.facts.dirty.has(at.target.name) || !this.scope.locals.has(at.target.name)) return false;
    let known = this.quietDefs.get(at);
    if (known === undefined) {
      this.quietDefs.set(at, false); // (no cycle can reach it: a region runs forward)
      const region = this.region(block, index, at.target.name);
      known = !!region && region.uses.every((u) => u.use.quiet);
      this.quietDefs.set(at, known);
    }
    return known;
  }

  /**
   * quietStore's answers in this round. Folding keeps them true: a read moved into another keeps
   * its position's quietness, and an accumulation becomes an assignment only where all its reads are
   * quiet; only `t += e` rewritten as `t = e` (e never -0) can make reads loud, and forgets them.
   */
  private quietDefs = new Map<CStmt, boolean>();
}

const isZero = (e: CExpr): boolean => e.k === 'num' && e.value === 0;

/** `x = 0`, `a[k] = 0`: a constant put back. */
function isReset(s: CStmt): boolean {
  return s.k === 'assign' && s.op === '=' && (s.value.k === 'num' || s.value.k === 'bool') && (s.target.k === 'id' || (s.target.k === 'index' && s.target.obj.k === 'id'));
}

/** `for (i = i - 1; …)` reads oddly: a value that reads what a loop's init assigns stays a local. */
function initReads(s: CStmt, value: Effects): boolean {
  return s.k === 'for' && s.init?.k === 'assign' && s.init.target.k === 'id' && value.reads.has(s.init.target.name);
}

/** Whether evaluating `e` makes an array or object (`new …`, `[…]`, `{…}`). */
function allocates(e: CExpr): boolean {
  return e.k === 'new' || e.k === 'array' || e.k === 'object' || children(e).some(allocates);
}
