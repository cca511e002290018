/**
 * The tree that differentiation produces and emit.ts prints: a small JavaScript AST (nested
 * expressions, no ANF) with builders that fold the trivial cases a person would not write
 * (`x * 1`, `0 + x`, `-(-x)`), so derivative rules can be written plainly.
 */
export type CExpr =
  | { readonly k: 'num'; readonly value: number }
  | { readonly k: 'bool'; readonly value: boolean }
  /** A string constant: the value of a string-literal-union parameter compared in `===` or `switch`. */
  | { readonly k: 'str'; readonly value: string }
  /** `original`: the user's identifier this one stands for (keeps import renaming working). */
  | { readonly k: 'id'; readonly name: string; readonly original?: import('typescript').Node }
  | { readonly k: 'bin'; readonly op: string; readonly a: CExpr; readonly b: CExpr }
  | { readonly k: 'un'; readonly op: '-' | '!'; readonly a: CExpr }
  | { readonly k: 'cond'; readonly c: CExpr; readonly a: CExpr; readonly b: CExpr }
  | { readonly k: 'call'; readonly callee: CExpr; readonly args: readonly CExpr[] }
  | { readonly k: 'new'; readonly callee: CExpr; readonly args: readonly CExpr[] }
  | { readonly k: 'member'; readonly obj: CExpr; readonly prop: string }
  | { readonly k: 'index'; readonly obj: CExpr; readonly index: CExpr }
  | { readonly k: 'array'; readonly items: readonly CExpr[] }
  /** `i++`, or with `prefix` `--i` (the tape's pops, indexedTape.ts). */
  | { readonly k: 'postfix'; readonly op: '++' | '--'; readonly name: string; readonly prefix?: boolean }
  | { readonly k: 'object'; readonly props: readonly { readonly name: string; readonly value: CExpr }[] }
  | { readonly k: 'await'; readonly e: CExpr };

export type CStmt =
  | { readonly k: 'let'; readonly decls: readonly { name: string; init?: CExpr }[]; readonly isConst?: boolean }
  | { readonly k: 'assign'; readonly target: CExpr; readonly op: '=' | '+=' | '-='; readonly value: CExpr }
  | { readonly k: 'expr'; readonly e: CExpr }
  | { readonly k: 'if'; readonly cond: CExpr; readonly then: readonly CStmt[]; readonly else: readonly CStmt[] }
  | {
      readonly k: 'for';
      readonly init?: CStmt;
      readonly cond?: CExpr;
      readonly update?: CExpr;
      readonly body: readonly CStmt[];
      /** The IR loop this is the forward or the reverse sweep of (passes/fuseSweeps.ts pairs them). */
      readonly sweep?: number;
    }
  | { readonly k: 'while'; readonly cond: CExpr; readonly body: readonly CStmt[]; readonly sweep?: number }
  | { readonly k: 'return'; readonly e: CExpr }
  | { readonly k: 'break' }
  | { readonly k: 'comment'; readonly text: string };

export const n = (value: number): CExpr => ({ k: 'num', value });
export const id = (name: string): CExpr => ({ k: 'id', name });
export const member = (obj: CExpr, prop: string): CExpr => ({ k: 'member', obj, prop });
export const index = (obj: CExpr, i: CExpr): CExpr => ({ k: 'index', obj, index: i });
export const call = (callee: CExpr, ...args: CExpr[]): CExpr => ({ k: 'call', callee, args });
export const math = (fn: string, ...args: CExpr[]): CExpr => call(member(id('Math'), fn), ...args);
export const cond = (c: CExpr, a: CExpr, b: CExpr): CExpr => ({ k: 'cond', c, a, b });
export const bin = (op: string, a: CExpr, b: CExpr): CExpr => ({ k: 'bin', op, a, b });

const isNum = (e: CExpr, v: number): boolean => e.k === 'num' && e.value === v;

export function neg(a: CExpr): CExpr {
  if (a.k === 'num') return n(-a.value);
  if (a.k === 'un' && a.op === '-') return a.a;
  return { k: 'un', op: '-', a };
}

export function add(a: CExpr, b: CExpr): CExpr {
  if (isNum(a, 0)) return b;
  if (isNum(b, 0)) return a;
  if (b.k === 'un' && b.op === '-') return bin('-', a, b.a);
  if (b.k === 'num' && b.value < 0) return bin('-', a, n(-b.value));
  return bin('+', a, b);
}

export function sub(a: CExpr, b: CExpr): CExpr {
  if (isNum(b, 0)) return a;
  if (isNum(a, 0)) return neg(b);
  return bin('-', a, b);
}

export function mul(a: CExpr, b: CExpr): CExpr {
  if (isNum(a, 1)) return b;
  if (isNum(b, 1)) return a;
  if (isNum(a, -1)) return neg(b);
  if (isNum(b, -1)) return neg(a);
  if (a.k === 'un' && a.op === '-') return neg(mul(a.a, b));
  if (b.k === 'un' && b.op === '-') return neg(mul(a, b.a));
  return bin('*', a, b);
}

export function div(a: CExpr, b: CExpr): CExpr {
  if (isNum(b, 1)) return a;
  if (a.k === 'un' && a.op === '-') return neg(div(a.a, b));
  return bin('/', a, b);
}

export const assign = (target: CExpr, value: CExpr): CStmt => ({ k: 'assign', target, op: '=', value });

/** `target += value`, written as `target -= v` when value is `-v`. */
export function accumulate(target: CExpr, value: CExpr): CStmt {
  if (value.k === 'un' && value.op === '-') return { k: 'assign', target, op: '-=', value: value.a };
  return { k: 'assign', target, op: '+=', value };
}

export const postfix = (name: string, op: '++' | '--'): CExpr => ({ k: 'postfix', op, name });

/** `for (let name = from; name < to; name++) body` */
export function countUp(name: string, from: CExpr, to: CExpr, body: readonly CStmt[]): CStmt {
  return { k: 'for', init: { k: 'let', decls: [{ name, init: from }] }, cond: bin('<', id(name), to), update: postfix(name, '++'), body };
}
export const exprStmt = (e: CExpr): CStmt => ({ k: 'expr', e });
export const comment = (text: string): CStmt => ({ k: 'comment', text });

/** `obj.fill(…args)` (tsgrad fills only arrays it made; the user's fills are lowered to loops): the array and the arguments. */
export function fillOf(e: CExpr): { readonly obj: CExpr; readonly args: readonly CExpr[] } | undefined {
  return e.k === 'call' && e.callee.k === 'member' && e.callee.prop === 'fill' ? { obj: e.callee.obj, args: e.args } : undefined;
}

/** The expressions directly inside `e`. */
export function children(e: CExpr): readonly CExpr[] {
  switch (e.k) {
    case 'bin':
      return [e.a, e.b];
    case 'un':
      return [e.a];
    case 'cond':
      return [e.c, e.a, e.b];
    case 'call':
    case 'new':
      return [e.callee, ...e.args];
    case 'member':
      return [e.obj];
    case 'index':
      return [e.obj, e.index];
    case 'array':
      return e.items;
    case 'object':
      return e.props.map((p) => p.value);
    case 'await':
      return [e.e];
    default:
      return [];
  }
}

/** Names of the identifiers an expression reads. */
export function identifiers(e: CExpr, out: Set<string> = new Set()): Set<string> {
  switch (e.k) {
    case 'id':
    case 'postfix':
      out.add(e.name);
      break;
    case 'bin':
      identifiers(e.a, out);
      identifiers(e.b, out);
      break;
    case 'un':
      identifiers(e.a, out);
      break;
    case 'cond':
      identifiers(e.c, out);
      identifiers(e.a, out);
      identifiers(e.b, out);
      break;
    case 'call':
    case 'new':
      identifiers(e.callee, out);
      e.args.forEach((x) => identifiers(x, out));
      break;
    case 'member':
      identifiers(e.obj, out);
      break;
    case 'index':
      identifiers(e.obj, out);
      identifiers(e.index, out);
      break;
    case 'array':
      e.items.forEach((x) => identifiers(x, out));
      break;
    case 'object':
      e.props.forEach((p) => identifiers(p.value, out));
      break;
    case 'await':
      identifiers(e.e, out);
      break;
  }
  return out;
}

/** Names read or written anywhere in `stmts`. */
export function namesIn(stmts: readonly CStmt[], out: Set<string> = new Set()): Set<string> {
  for (const s of stmts) {
    switch (s.k) {
      case 'let':
        s.decls.forEach((d) => d.init && identifiers(d.init, out));
        break;
      case 'assign':
        identifiers(s.target, out);
        identifiers(s.value, out);
        break;
      case 'expr':
      case 'return':
        identifiers(s.e, out);
        break;
      case 'if':
        identifiers(s.cond, out);
        namesIn(s.then, out);
        namesIn(s.else, out);
        break;
      case 'for':
        if (s.init) namesIn([s.init], out);
        if (s.cond) identifiers(s.cond, out);
        if (s.update) identifiers(s.update, out);
        namesIn(s.body, out);
        break;
      case 'while':
        identifiers(s.cond, out);
        namesIn(s.body, out);
        break;
    }
  }
  return out;
}

/** The same expression, free of calls and `++`: evaluated twice, the same value. */
export function samePure(a: CExpr, b: CExpr): boolean {
  if (a.k !== b.k) return false;
  switch (a.k) {
    case 'num':
    case 'bool':
    case 'str':
      return Object.is(a.value, (b as typeof a).value);
    case 'id':
      return a.name === (b as typeof a).name;
    case 'bin':
      return a.op === (b as typeof a).op && samePure(a.a, (b as typeof a).a) && samePure(a.b, (b as typeof a).b);
    case 'un':
      return a.op === (b as typeof a).op && samePure(a.a, (b as typeof a).a);
    case 'index':
      return samePure(a.obj, (b as typeof a).obj) && samePure(a.index, (b as typeof a).index);
    default:
      return false;
  }
}

/** `e` with every subexpression replaced by `f` of it, innermost first. */
export function mapExpr(e: CExpr, f: (e: CExpr) => CExpr): CExpr {
  const m = (x: CExpr): CExpr => mapExpr(x, f);
  switch (e.k) {
    case 'bin':
      return f({ ...e, a: m(e.a), b: m(e.b) });
    case 'un':
      return f({ ...e, a: m(e.a) });
    case 'cond':
      return f({ ...e, c: m(e.c), a: m(e.a), b: m(e.b) });
    case 'call':
    case 'new':
      return f({ ...e, callee: m(e.callee), args: e.args.map(m) });
    case 'member':
      return f({ ...e, obj: m(e.obj) });
    case 'index':
      return f({ ...e, obj: m(e.obj), index: m(e.index) });
    case 'array':
      return f({ ...e, items: e.items.map(m) });
    case 'object':
      return f({ ...e, props: e.props.map((p) => ({ ...p, value: m(p.value) })) });
    case 'await':
      return f({ ...e, e: m(e.e) });
    default:
      return f(e);
  }
}

/** `stmts` with every expression in them mapped by `mapExpr(·, f)`. */
export function mapExprsIn(stmts: readonly CStmt[], f: (e: CExpr) => CExpr): CStmt[] {
  const m = (e: CExpr): CExpr => mapExpr(e, f);
  return stmts.map((s): CStmt => {
    switch (s.k) {
      case 'let':
        return { ...s, decls: s.decls.map((d) => (d.init ? { ...d, init: m(d.init) } : d)) };
      case 'assign':
        return { ...s, target: m(s.target), value: m(s.value) };
      case 'expr':
      case 'return':
        return { ...s, e: m(s.e) };
      case 'if':
        return { ...s, cond: m(s.cond), then: mapExprsIn(s.then, f), else: mapExprsIn(s.else, f) };
      case 'for':
        return {
          ...s,
          init: s.init && mapExprsIn([s.init], f)[0],
          cond: s.cond && m(s.cond),
          update: s.update && m(s.update),
          body: mapExprsIn(s.body, f),
        };
      case 'while':
        return { ...s, cond: m(s.cond), body: mapExprsIn(s.body, f) };
      default:
        return s;
    }
  });
}

/**
 * Calls `stmt` on every statement in `stmts`, nested ones included, and `expr` on each statement's
 * own expressions (an assignment's target and value, a loop's test; not the statements inside),
 * unless `stmt` returned false for it.
 */
export function walk(stmts: readonly CStmt[], stmt: (s: CStmt) => boolean | void, expr: (e: CExpr) => void): void {
  for (const s of stmts) {
    const own = stmt(s) !== false;
    switch (s.k) {
      case 'let':
        if (own) s.decls.forEach((d) => d.init && expr(d.init));
        break;
      case 'assign':
        if (own) expr(s.target), expr(s.value);
        break;
      case 'expr':
      case 'return':
        if (own) expr(s.e);
        break;
      case 'if':
        if (own) expr(s.cond);
        walk(s.then, stmt, expr);
        walk(s.else, stmt, expr);
        break;
      case 'for':
        if (s.init) walk([s.init], stmt, expr);
        if (own && s.cond) expr(s.cond);
        if (own && s.update) expr(s.update);
        walk(s.body, stmt, expr);
        break;
      case 'while':
        if (own) expr(s.cond);
        walk(s.body, stmt, expr);
        break;
    }
  }
}
