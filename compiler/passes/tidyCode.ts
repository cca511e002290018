/**
 * Tidy a generated function body (a code tree from reverseMode, forwardMode/emitPrimal or
 * lowerKernels' host code) into code a person would write, computing exactly what it computed:
 * every value bit for bit, every effect in its order. Runs with `optimize` (off: the body as the
 * sweeps produce it).
 *
 *   foldTemporaries  A-normal-form temporaries back into expressions; accumulations into a zeroed
 *                    adjoint written as the assignment they are; dead assignments removed
 *   restoreLoops     counted `while` loops as `for` loops; trip counters read off the index
 *   then: `x = x + e` as `x += e`, and locals nobody mentions any more undeclared.
 *
 *   before:  _t9 = z > max; if (_t9) { … }          _t23 = total / n; f_result = _t23;
 *   after:   if (z > max) { … }                    f_result = total / n;
 */
import { type CExpr, type CStmt, namesIn, samePure } from '../code.js';
import { mapChildren, simplified } from '../codeEdit.js';
import { privateArrays } from './analyzeArrays.js';
import { type CodeScope, EffectsOf, exprEffects, removable } from './analyzeEffects.js';
import { foldRound } from './foldTemporaries.js';
import { restoreLoops } from './restoreLoops.js';

/** Rounds of folding before giving up on a fixpoint (each round folds whole chains; a handful is typical). */
const maxRounds = 50;

export function tidyCode(body: readonly CStmt[], params: readonly string[], tape?: string): CStmt[] {
  const code = simplifyAll(body);
  const scope = codeScope(code, params, tape);
  // generated code only assigns its own locals; if not, leave it as it is
  if (!scope) return [...body];
  const paramSet = new Set(params);
  // accumulations are rewritten as assignments only once nothing else folds (foldTemporaries.ts says why)
  const fold = (): void => {
    for (let round = 0; round < maxRounds; round++) {
      const { changed, pending } = foldRound(code, scope, paramSet, false);
      if (!changed && !(pending && foldRound(code, scope, paramSet, true).changed)) return;
    }
  };
  fold();
  if (restoreLoops(code, new EffectsOf(scope))) fold();
  return undeclareUnused(polish(code), scope);
}

/** The body as the sweeps produce it, every computation kept, with its counted loops as `for` loops (fuseSweeps.ts reads the primal's own reads off it). */
export function loopsRestored(body: readonly CStmt[], params: readonly string[], tape?: string): { code: CStmt[]; scope: CodeScope } | undefined {
  const code = simplifyAll(body);
  const scope = codeScope(code, params, tape);
  if (!scope) return undefined;
  restoreLoops(code, new EffectsOf(scope));
  return { code, scope };
}

/**
 * A copy whose blocks can be edited in place, with constants folded and code.ts's trivial cases
 * simplified (`2 === 0 ? 0 : 2 * x` is `2 * x`): foldTemporaries.ts's simplified, everywhere.
 */
function simplifyAll(stmts: readonly CStmt[]): CStmt[] {
  const e = (x: CExpr): CExpr => simplified(mapChildren(x, e));
  const stmt = (s: CStmt): CStmt => {
    switch (s.k) {
      case 'assign':
        return { ...s, target: e(s.target), value: e(s.value) };
      case 'let':
        return { ...s, decls: s.decls.map((d) => ({ name: d.name, init: d.init && e(d.init) })) };
      case 'expr':
      case 'return':
        return { ...s, e: e(s.e) };
      case 'if':
        return { ...s, cond: e(s.cond), then: s.then.map(stmt), else: s.else.map(stmt) };
      case 'for':
        return { ...s, init: s.init && stmt(s.init), cond: s.cond && e(s.cond), update: s.update && e(s.update), body: s.body.map(stmt) };
      case 'while':
        return { ...s, cond: e(s.cond), body: s.body.map(stmt) };
      default:
        return { ...s };
    }
  };
  return stmts.map(stmt);
}

/** The locals of a generated body, its private arrays and block-scoped locals; undefined if it assigns anything else. */
export function codeScope(code: readonly CStmt[], params: readonly string[], tape?: string): CodeScope | undefined {
  const locals = new Set(params);
  declared(code, locals);
  const scoped = new Set<string>();
  for (const s of code) if (s.k !== 'let') declared([s], scoped);
  if (!assignsOnlyLocals(code, locals)) return undefined;
  return { locals, tape, privates: privateArrays(code, { locals, tape }, new Set(params)), scoped };
}

export function declared(stmts: readonly CStmt[], out: Set<string>): void {
  for (const s of stmts) {
    if (s.k === 'let') s.decls.forEach((d) => out.add(d.name));
    else if (s.k === 'if') declared(s.then, out), declared(s.else, out);
    else if (s.k === 'for') declared(s.init ? [s.init, ...s.body] : s.body, out);
    else if (s.k === 'while') declared(s.body, out);
  }
}

function assignsOnlyLocals(stmts: readonly CStmt[], locals: ReadonlySet<string>): boolean {
  return stmts.every((s) => {
    switch (s.k) {
      case 'assign':
        return s.target.k !== 'id' || locals.has(s.target.name);
      case 'if':
        return assignsOnlyLocals(s.then, locals) && assignsOnlyLocals(s.else, locals);
      case 'for':
        return assignsOnlyLocals(s.init ? [s.init, ...s.body] : s.body, locals);
      case 'while':
        return assignsOnlyLocals(s.body, locals);
      default:
        return true;
    }
  });
}

/**
 * `x = x + e` as `x += e`, `x = x - e` as `x -= e` (x is read first either way); `x += -e` as
 * `x -= e`; `if (c) {} else { … }` as `if (!c) { … }`.
 */
function polish(stmts: readonly CStmt[]): CStmt[] {
  return stmts.map((s): CStmt => {
    switch (s.k) {
      case 'assign': {
        const v = s.value;
        // (an element too, `a[k] = a[k] + e`, when evaluating its index twice or once is the same)
        const self = s.op === '=' && v.k === 'bin' && (v.op === '+' || v.op === '-') && sameTarget(s.target, v.a);
        if (self) return { k: 'assign', target: s.target, op: v.op === '+' ? '+=' : '-=', value: (v as CExpr & { k: 'bin' }).b };
        // x += -v is x -= v
        if (s.op !== '=' && v.k === 'un' && v.op === '-') return { ...s, op: s.op === '+=' ? '-=' : '+=', value: v.a };
        return s;
      }
      case 'if':
        if (s.then.length === 0 && s.else.length > 0) return { k: 'if', cond: s.cond.k === 'un' && s.cond.op === '!' ? s.cond.a : { k: 'un', op: '!', a: s.cond }, then: polish(s.else), else: [] };
        return { ...s, then: polish(s.then), else: polish(s.else) };
      case 'for':
        return { ...s, body: polish(s.body) };
      case 'while':
        return { ...s, body: polish(s.body) };
      default:
        return s;
    }
  });
}

/** Whether `a` and `b` name the same variable or element, with nothing evaluated along the way that has effects. */
function sameTarget(a: CExpr, b: CExpr): boolean {
  if (a.k === 'id' || b.k === 'id') return a.k === 'id' && b.k === 'id' && a.name === b.name;
  if (a.k === 'index' && b.k === 'index') return sameTarget(a.obj, b.obj) && samePure(a.index, b.index);
  return false;
}

/** The top-level declarations of locals that no statement mentions any more. */
function undeclareUnused(stmts: CStmt[], scope: CodeScope): CStmt[] {
  const used = namesIn(stmts.filter((s) => s.k !== 'let'));
  for (const s of stmts) if (s.k === 'let') s.decls.forEach((d) => d.init && namesIn([{ k: 'expr', e: d.init }], used));
  return stmts.flatMap((s): CStmt[] => {
    if (s.k !== 'let') return [s];
    const decls = s.decls.filter((d) => used.has(d.name) || (d.init !== undefined && !removable(exprEffects(d.init, scope))));
    return decls.length === 0 ? [] : [{ ...s, decls }];
  });
}
