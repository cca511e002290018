/**
 * The reads of one local in a statement of the emitted code tree, in evaluation order (for
 * foldTemporaries.ts): for each, whether it is evaluated exactly once with the statement (not in a
 * nested block, a loop test, a branch of ?:, && or ||), whether the sign of a zero read there can
 * show, and what the statement evaluates before it.
 *
 *   x_b[i] += g * _t5    _t5: direct, quiet (if x_b never holds -0), after reading x_b, i, x_b[i], g
 *   if (c) { y = _t5 }   _t5: not direct
 */
import { type CExpr, type CStmt } from '../code.js';
import {
  accessEffects, addEffects, callEffects, type CodeScope, copyEffects, type Effects, type EffectsOf, exprEffects, mathCall, mentions, noEffects, tapeCall,
} from './analyzeEffects.js';

/** One read of a local, found by scanning a statement in evaluation order. */
export interface Use {
  /** Evaluated exactly once, when the statement runs (not in a nested block, a loop test, or a branch of ?:, &&, ||). */
  readonly direct: boolean;
  /** Its value only feeds an accumulation into something never -0 (or a comparison, an index): the sign of a zero cannot show. */
  readonly quiet: boolean;
  /** The target's own read of `t += v` / `t -= v`. */
  readonly compound: boolean;
  /** What the statement evaluates before this read (kept for its first read only: folding needs no more). */
  readonly before?: Effects;
}

/** Where UseScan's effects go once they no longer matter (emptied whenever asked for). */
const spent = noEffects();

/** Where a read sits: evaluated once with the statement, and whether a zero's sign can show there. */
interface Position {
  readonly direct: boolean;
  readonly quiet: boolean;
}

/** The reads of `t` in a statement, in evaluation order, with what was evaluated before each. */
export class UseScan {
  readonly uses: Use[] = [];
  postfix = false;
  private readonly real = noEffects();

  /** What was evaluated so far; once a read was found (only the first read's `before` is kept), nowhere. */
  private get acc(): Effects {
    if (this.uses.length === 0) return this.real;
    spent.reads.clear();
    spent.writes.clear();
    spent.privateReads.clear();
    spent.privateWrites.clear();
    return spent;
  }

  constructor(
    private readonly t: string,
    private readonly scope: CodeScope,
    private readonly quietStore: (at: CStmt & { k: 'assign' }, block: readonly CStmt[] | undefined, index: number) => boolean,
    private readonly effects: EffectsOf,
  ) {}

  private read(pos: Position, compound = false): void {
    // what was evaluated before matters only for a value read once
    this.uses.push({ direct: pos.direct, quiet: pos.quiet, compound, before: this.uses.length === 0 ? copyEffects(this.acc) : undefined });
  }

  expr(e: CExpr, pos: Position): void {
    const loud = { direct: pos.direct, quiet: false };
    switch (e.k) {
      case 'id':
        if (e.name === this.t) this.read(pos);
        exprEffects(e, this.scope, this.acc);
        return;
      case 'postfix':
        if (e.name === this.t) this.postfix = true;
        exprEffects(e, this.scope, this.acc);
        return;
      case 'bin':
        if (e.op === '&&' || e.op === '||') {
          this.expr(e.a, loud);
          this.expr(e.b, { direct: false, quiet: false });
        } else if (['<', '<=', '>', '>=', '===', '!=='].includes(e.op)) {
          // +0 and -0 compare equal
          this.expr(e.a, { direct: pos.direct, quiet: true });
          this.expr(e.b, { direct: pos.direct, quiet: true });
        } else if (e.op === '*' || e.op === '+' || e.op === '-') {
          this.expr(e.a, pos);
          this.expr(e.b, pos);
        } else if (e.op === '/') {
          this.expr(e.a, pos);
          this.expr(e.b, loud);
        } else {
          this.expr(e.a, loud);
          this.expr(e.b, loud);
        }
        return;
      case 'un':
        this.expr(e.a, e.op === '!' ? { direct: pos.direct, quiet: true } : pos);
        return;
      case 'cond':
        this.expr(e.c, { direct: pos.direct, quiet: true });
        this.expr(e.a, { direct: false, quiet: pos.quiet });
        this.expr(e.b, { direct: false, quiet: pos.quiet });
        return;
      case 'call':
      case 'new':
        if (e.k === 'new' || (!tapeCall(e.callee, this.scope) && !mathCall(e.callee, this.scope))) this.expr(e.callee, loud);
        else if (tapeCall(e.callee, this.scope)) this.acc.reads.add(this.scope.tape!);
        e.args.forEach((a) => this.expr(a, loud));
        // the call itself, after its arguments
        callEffects(e, this.scope, this.acc);
        return;
      case 'member':
        this.expr(e.obj, loud);
        accessEffects(e.obj, this.scope, this.acc);
        return;
      case 'index':
        this.expr(e.obj, loud);
        this.expr(e.index, { direct: pos.direct, quiet: true });
        accessEffects(e.obj, this.scope, this.acc);
        return;
      case 'array':
        e.items.forEach((x) => this.expr(x, loud));
        return;
      case 'object':
        e.props.forEach((p) => this.expr(p.value, loud));
        return;
      case 'await':
        this.expr(e.e, loud);
        addEffects(this.acc, exprEffects({ k: 'await', e: { k: 'num', value: 0 } }, this.scope));
        return;
      default:
        return;
    }
  }

  /** `block[index]` is `s`, when known (a quiet `x = v` needs the statements after it). */
  stmt(s: CStmt, direct: boolean, block?: readonly CStmt[], index = -1): void {
    const loud = { direct, quiet: false };
    switch (s.k) {
      case 'assign': {
        const target = s.target;
        const compound = s.op !== '=';
        const quiet = { direct, quiet: (compound || target.k === 'id') && this.quietStore(s, block, index) };
        if (target.k === 'id') {
          if (compound && target.name === this.t) this.read(loud, true);
          this.expr(s.value, quiet);
        } else {
          if (target.k === 'index') {
            this.expr(target.obj, loud);
            this.expr(target.index, { direct, quiet: true });
          } else if (target.k === 'member') {
            this.expr(target.obj, loud);
          } else {
            this.expr(target, loud);
          }
          if (compound && target.k !== 'index' && target.k !== 'member') this.acc.heapRead = true;
          else if (compound) accessEffects((target as CExpr & { k: 'index' | 'member' }).obj, this.scope, this.acc);
          this.expr(s.value, quiet);
        }
        addEffects(this.acc, targetWrite(s, this.scope));
        return;
      }
      case 'let':
        for (const d of s.decls) {
          if (d.init) this.expr(d.init, loud);
          this.acc.writes.add(d.name);
        }
        return;
      case 'expr':
      case 'return':
        this.expr(s.e, loud);
        return;
      case 'if':
        this.expr(s.cond, { direct, quiet: true });
        this.nested(s.then);
        this.nested(s.else);
        return;
      case 'for':
        if (s.init) this.stmt(s.init, direct);
        if (s.cond) this.expr(s.cond, { direct: false, quiet: true });
        this.nested(s.body);
        if (s.update) this.expr(s.update, { direct: false, quiet: false });
        return;
      case 'while':
        this.expr(s.cond, { direct: false, quiet: true });
        this.nested(s.body);
        return;
      default:
        return;
    }
  }

  /** Statements run conditionally or repeatedly: their reads are not direct. */
  private nested(stmts: readonly CStmt[]): void {
    stmts.forEach((s, i) => {
      if (mentions(this.effects.stmt(s), this.t)) this.stmt(s, false, stmts, i);
      else if (this.uses.length === 0) addEffects(this.acc, this.effects.stmt(s));
    });
  }
}

/** What an assignment's store does (after its value is computed). */
function targetWrite(s: CStmt & { k: 'assign' }, scope: CodeScope): Effects {
  const out = noEffects();
  if (s.target.k === 'id') out.writes.add(s.target.name);
  else if (s.target.k === 'index' || s.target.k === 'member') accessEffects(s.target.obj, scope, out, true);
  else exprEffects({ k: 'await', e: { k: 'num', value: 0 } }, scope, out);
  return out;
}
