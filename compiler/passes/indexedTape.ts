/**
 * The tape's number stacks as arrays with a local top, the last step for every generated body
 * that uses a tape (after tidyCode):
 *
 *   tape.floats.push(p)      →   floats[nf++] = p
 *   p = tape.floats.pop()    →   p = floats[--nf]
 *   tape.ints.pop();         →   ni--;
 *
 * with `const floats = tape.floats; let nf = 0;` after `tape.reset()`. Arrays' push and pop
 * resize them as they go (V8 shrinks an array that pop empties, and grows it again on the next
 * call); written by index, an array keeps the length of the deepest tape it held, so a call that
 * needs no more allocates nothing, and the top lives in a register. An index never passes the
 * array's length (each write is at the top, which is at most the length), so the array never
 * gets holes. `tape.refs` (arrays, rarely pushed) keeps push and pop. runtime/tape.ts's reset
 * leaves `floats` and `ints` as they are.
 */
import { assign, type CExpr, type CStmt, exprStmt, id, index, mapExpr } from '../code.js';
import { freshNames } from '../codeEdit.js';

export type Stack = 'floats' | 'ints';

/** `tape.floats.push(…)`, `tape.ints.pop()` …: the number stack and the operation, if `e` calls one. */
export function stackOp(e: CExpr, tape: string): { stack: Stack; op: 'push' | 'pop'; args: readonly CExpr[] } | undefined {
  if (e.k !== 'call' || e.callee.k !== 'member') return undefined;
  const o = e.callee.obj;
  if (o.k !== 'member' || o.obj.k !== 'id' || o.obj.name !== tape || (o.prop !== 'floats' && o.prop !== 'ints')) return undefined;
  if (e.callee.prop !== 'push' && e.callee.prop !== 'pop') return undefined;
  return { stack: o.prop, op: e.callee.prop, args: e.args };
}

export function indexedTape(body: readonly CStmt[], params: readonly string[], tape: string): readonly CStmt[] {
  const fresh = freshNames(body, params);
  const used = new Set<Stack>();
  const names = { floats: { arr: '', top: '' }, ints: { arr: '', top: '' } };
  for (const s of ['floats', 'ints'] as const) names[s] = { arr: fresh(s), top: fresh(s === 'floats' ? 'nf' : 'ni') };

  const op = (e: CExpr): ReturnType<typeof stackOp> => {
    const t = stackOp(e, tape);
    if (t) used.add(t.stack);
    return t;
  };
  const top = (s: Stack, o: '++' | '--', prefix: boolean): CExpr => ({ k: 'postfix', op: o, name: names[s].top, prefix });
  const expr = (e: CExpr): CExpr =>
    mapExpr(e, (x) => {
      const t = op(x);
      if (!t) return x;
      if (t.op === 'push') throw new Error('tsgrad internal: a tape push inside an expression');
      return index(id(names[t.stack].arr), top(t.stack, '--', true));
    });
  const stmts = (xs: readonly CStmt[]): CStmt[] => xs.map(stmt);
  const stmt = (s: CStmt): CStmt => {
    switch (s.k) {
      case 'expr': {
        const t = op(s.e);
        if (t?.op === 'push') return assign(index(id(names[t.stack].arr), top(t.stack, '++', false)), expr(t.args[0]));
        if (t?.op === 'pop') return exprStmt(top(t.stack, '--', false));
        return { ...s, e: expr(s.e) };
      }
      case 'let':
        return { ...s, decls: s.decls.map((d) => (d.init ? { ...d, init: expr(d.init) } : d)) };
      case 'assign':
        return { ...s, target: expr(s.target), value: expr(s.value) };
      case 'return':
        return { ...s, e: expr(s.e) };
      case 'if':
        return { ...s, cond: expr(s.cond), then: stmts(s.then), else: stmts(s.else) };
      case 'for':
        return { ...s, init: s.init && stmt(s.init), cond: s.cond && expr(s.cond), update: s.update && expr(s.update), body: stmts(s.body) };
      case 'while':
        return { ...s, cond: expr(s.cond), body: stmts(s.body) };
      default:
        return s;
    }
  };
  const out = stmts(body);
  if (used.size === 0) return out;
  const stacks = (['floats', 'ints'] as const).filter((s) => used.has(s));
  const declarations: CStmt[] = [
    { k: 'let', isConst: true, decls: stacks.map((s) => ({ name: names[s].arr, init: { k: 'member', obj: id(tape), prop: s } })) },
    { k: 'let', decls: stacks.map((s) => ({ name: names[s].top, init: { k: 'num', value: 0 } })) },
  ];
  const reset = out.findIndex((s) => s.k === 'expr' && s.e.k === 'call' && s.e.callee.k === 'member' && s.e.callee.prop === 'reset' && s.e.callee.obj.k === 'id' && s.e.callee.obj.name === tape);
  if (reset < 0) throw new Error('tsgrad internal: a body using the tape without tape.reset()');
  return [...out.slice(0, reset + 1), ...declarations, ...out.slice(reset + 1)];
}
