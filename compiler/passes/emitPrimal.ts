/**
 * IR → code, statement for statement, with nothing added: how the tangent-linear program of
 * forwardMode.ts becomes the body of `f_jvp`, and how jit's host code prints what it does not launch.
 */
import { assign, type CExpr, type CStmt, id, index, namesIn } from '../code.js';
import type { IRFunction, Loop, Stmt, Var } from '../ir.js';
import { atom, elementOf, initialValue, loopStatement, primal, reuseArray, testOnly } from './irCode.js';

/** The statements as code; `loop` may take over a loop (jit launches parallel ones as kernels); `reused` arrays refill the array they hold (reuseArray). */
export function primalCode(stmts: readonly Stmt[], loop?: (l: Loop, out: CStmt[]) => boolean, reused?: ReadonlySet<Var>): CStmt[] {
  const out: CStmt[] = [];
  const block = (b: readonly Stmt[]): CStmt[] => primalCode(b, loop, reused);
  for (const s of stmts) {
    switch (s.k) {
      case 'assign':
        out.push(assign(id(s.target.name), s.expr.k === 'newArray' && reused?.has(s.target) ? reuseArray(s.target, s.expr) : primal(s.expr)));
        break;
      case 'store':
        out.push(assign(elementOf(id(s.arr.name), s), atom(s.value)));
        break;
      case 'if':
        out.push({ k: 'if', cond: atom(s.cond), then: block(s.then), else: block(s.else) });
        break;
      case 'loop': {
        if (loop?.(s, out)) break;
        const test = testOnly(s);
        out.push(loopStatement(s, test, test ? [] : block(s.pre), [...block(s.body), ...block(s.update)]));
        break;
      }
    }
  }
  return out;
}

/** `let` for the locals that `body` (and `extra`) mention, declared up front. */
export function declareLocals(fn: IRFunction, body: readonly CStmt[], extra: readonly CExpr[] = []): CStmt[] {
  const used = namesIn([...body, ...extra.map((e) => ({ k: 'expr', e }) as CStmt)]);
  const decls = fn.locals.filter((v) => !v.outer && used.has(v.name)).map((v) => ({ name: v.name, init: initialValue(v) }));
  return decls.length > 0 ? [{ k: 'let', decls }] : [];
}
