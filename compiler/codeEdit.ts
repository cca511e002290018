/**
 * Edits of the code tree (code.ts) that keep what it computes, for tidyCode.ts: a variable's reads
 * replaced by an expression (substitute), and the folds code.ts's builders make, applied to a tree
 * rebuilt around such an expression (simplified: `1 * x` is x, `2 === 0 ? 0 : e` is e).
 */
import { type CExpr, children, type CStmt, namesIn, samePure } from './code.js';

const isMinusOne = (e: CExpr): boolean => e.k === 'num' && e.value === -1;

/** `s` with every read of `t` replaced by `by` (a compound `t += v` becoming `t = by + v`); `s` itself if it reads no t. */
export function substitute(s: CStmt, t: string, by: CExpr): CStmt {
  const e = (x: CExpr): CExpr => replace(x, t, by);
  const b = (xs: readonly CStmt[]): readonly CStmt[] => {
    const out = xs.map((x) => substitute(x, t, by));
    return out.every((x, i) => x === xs[i]) ? xs : out;
  };
  let out: CStmt;
  switch (s.k) {
    case 'assign': {
      const target = s.target;
      if (target.k === 'id' && s.op !== '=' && target.name === t) return { k: 'assign', target, op: '=', value: { k: 'bin', op: s.op === '+=' ? '+' : '-', a: by, b: e(s.value) } };
      out = { ...s, target: target.k === 'id' ? target : e(target), value: e(s.value) };
      return out.target === s.target && out.value === s.value ? s : out;
    }
    case 'let': {
      const decls = s.decls.map((d) => (d.init ? { name: d.name, init: e(d.init) } : d));
      return decls.every((d, i) => d.init === s.decls[i].init) ? s : { ...s, decls };
    }
    case 'expr':
    case 'return': {
      const x = e(s.e);
      return x === s.e ? s : { ...s, e: x };
    }
    case 'if': {
      const [cond, then, other] = [e(s.cond), b(s.then), b(s.else)];
      return cond === s.cond && then === s.then && other === s.else ? s : { ...s, cond, then: [...then], else: [...other] };
    }
    case 'for': {
      const [init, cond, update, body] = [s.init && substitute(s.init, t, by), s.cond && e(s.cond), s.update && e(s.update), b(s.body)];
      return init === s.init && cond === s.cond && update === s.update && body === s.body ? s : { ...s, init, cond, update, body: [...body] };
    }
    case 'while': {
      const [cond, body] = [e(s.cond), b(s.body)];
      return cond === s.cond && body === s.body ? s : { ...s, cond, body: [...body] };
    }
    default:
      return s;
  }
}

/** `x` with every `t` replaced by `by`; `x` itself if it has none. */
export function replace(x: CExpr, t: string, by: CExpr): CExpr {
  const r = (y: CExpr): CExpr => replace(y, t, by);
  const all = (ys: readonly CExpr[]): readonly CExpr[] => {
    const out = ys.map(r);
    return out.every((y, i) => y === ys[i]) ? ys : out;
  };
  switch (x.k) {
    case 'id':
      return x.name === t ? by : x;
    case 'bin': {
      const [a, b] = [r(x.a), r(x.b)];
      return a === x.a && b === x.b ? x : simplified({ ...x, a, b });
    }
    case 'un': {
      const a = r(x.a);
      return a === x.a ? x : simplified({ ...x, a });
    }
    case 'cond': {
      const [c, a, b] = [r(x.c), r(x.a), r(x.b)];
      return c === x.c && a === x.a && b === x.b ? x : simplified({ ...x, c, a, b });
    }
    case 'call':
    case 'new': {
      const [callee, args] = [r(x.callee), all(x.args)];
      return callee === x.callee && args === x.args ? x : { ...x, callee, args };
    }
    case 'member': {
      const obj = r(x.obj);
      return obj === x.obj ? x : { ...x, obj };
    }
    case 'index': {
      const [obj, index] = [r(x.obj), r(x.index)];
      return obj === x.obj && index === x.index ? x : { ...x, obj, index };
    }
    case 'array': {
      const items = all(x.items);
      return items === x.items ? x : { ...x, items };
    }
    case 'object': {
      const values = all(x.props.map((p) => p.value));
      return values.every((v, i) => v === x.props[i].value) ? x : { ...x, props: x.props.map((p, i) => ({ name: p.name, value: values[i] })) };
    }
    case 'await': {
      const e = r(x.e);
      return e === x.e ? x : { ...x, e };
    }
    default:
      return x;
  }
}

/**
 * Arithmetic and comparisons of two constants, as the program would compute them: IEEE operations
 * give the same double here as where it runs (not `**` and Math, which engines may round apart).
 */
const constantOps: Readonly<Record<string, (a: number, b: number) => CExpr>> = {
  '+': (a, b) => ({ k: 'num', value: a + b }),
  '-': (a, b) => ({ k: 'num', value: a - b }),
  '*': (a, b) => ({ k: 'num', value: a * b }),
  '/': (a, b) => ({ k: 'num', value: a / b }),
  '%': (a, b) => ({ k: 'num', value: a % b }),
  '<': (a, b) => ({ k: 'bool', value: a < b }),
  '<=': (a, b) => ({ k: 'bool', value: a <= b }),
  '>': (a, b) => ({ k: 'bool', value: a > b }),
  '>=': (a, b) => ({ k: 'bool', value: a >= b }),
  '===': (a, b) => ({ k: 'bool', value: a === b }),
  '!==': (a, b) => ({ k: 'bool', value: a !== b }),
};

/**
 * What code.ts's builders fold, for a node rebuilt around a substituted value, all exact on
 * numbers: `1 * x`, `x * 1`, `x / 1` are x; `-(-x)` is x; `a + -b` is `a - b`, `a - -b` is `a + b`;
 * `(-a) * b` is `-(a * b)`, `-1 * a` is `-a`;
 * constants computed (constantOps), a `?:` on a constant test its branch; `Math.pow(x, 1)` is x
 * (the derivative of `x ** 2`), `Math.pow(x, 0)` is 1 for every x, NaN too (of `x ** 1`).
 */
export function simplified(e: CExpr): CExpr {
  const one = (x: CExpr): boolean => x.k === 'num' && x.value === 1;
  if (e.k === 'call' && e.callee.k === 'member' && e.callee.obj.k === 'id' && e.callee.obj.name === 'Math' && e.callee.prop === 'pow' && e.args.length === 2) {
    const [x, y] = e.args;
    if (one(y)) return x;
    if (y.k === 'num' && y.value === 0 && samePure(x, x)) return { k: 'num', value: 1 };
  }
  if (e.k === 'un') {
    if (e.op === '-' && e.a.k === 'un' && e.a.op === '-') return e.a.a;
    if (e.op === '-' && e.a.k === 'num') return { k: 'num', value: -e.a.value };
    if (e.op === '!' && (e.a.k === 'bool' || e.a.k === 'num')) return { k: 'bool', value: !e.a.value };
    return e;
  }
  if (e.k === 'cond' && (e.c.k === 'bool' || e.c.k === 'num')) return e.c.value ? e.a : e.b;
  if (e.k !== 'bin') return e;
  if (e.a.k === 'num' && e.b.k === 'num' && e.op in constantOps) return constantOps[e.op](e.a.value, e.b.value);
  // a sign moves out of a product or quotient (IEEE rounding is symmetric): (-a) * b is -(a * b)
  const minus = (x: CExpr): x is CExpr & { k: 'un' } => x.k === 'un' && x.op === '-';
  if ((e.op === '*' || e.op === '/') && (minus(e.a) || minus(e.b))) {
    const inner: CExpr = { ...e, a: minus(e.a) ? e.a.a : e.a, b: minus(e.b) ? e.b.a : e.b };
    return minus(e.a) && minus(e.b) ? simplified(inner) : simplified({ k: 'un', op: '-', a: simplified(inner) });
  }
  if (e.op === '*' && one(e.a)) return e.b;
  if (e.op === '*' && (isMinusOne(e.a) || isMinusOne(e.b))) return simplified({ k: 'un', op: '-', a: isMinusOne(e.a) ? e.b : e.a });
  if ((e.op === '*' || e.op === '/') && one(e.b)) return e.a;
  if ((e.op === '+' || e.op === '-') && e.b.k === 'un' && e.b.op === '-') return { k: 'bin', op: e.op === '+' ? '-' : '+', a: e.a, b: e.b.a };
  return e;
}


/** `e` with `f` applied to each of its direct subexpressions. */
export function mapChildren(e: CExpr, f: (x: CExpr) => CExpr): CExpr {
  switch (e.k) {
    case 'bin':
      return { ...e, a: f(e.a), b: f(e.b) };
    case 'un':
      return { ...e, a: f(e.a) };
    case 'cond':
      return { ...e, c: f(e.c), a: f(e.a), b: f(e.b) };
    case 'call':
    case 'new':
      return { ...e, callee: f(e.callee), args: e.args.map(f) };
    case 'member':
      return { ...e, obj: f(e.obj) };
    case 'index':
      return { ...e, obj: f(e.obj), index: f(e.index) };
    case 'array':
      return { ...e, items: e.items.map(f) };
    case 'object':
      return { ...e, props: e.props.map((p) => ({ name: p.name, value: f(p.value) })) };
    case 'await':
      return { ...e, e: f(e.e) };
    default:
      return e;
  }
}

/** How many times each name occurs in `stmts`. */
export function countMentions(stmts: readonly CStmt[]): Map<string, number> {
  const counts = new Map<string, number>();
  const expr = (e: CExpr): void => {
    if (e.k === 'id' || e.k === 'postfix') counts.set(e.name, (counts.get(e.name) ?? 0) + 1);
    else children(e).forEach(expr);
  };
  const visit = (s: CStmt): void => {
    switch (s.k) {
      case 'let':
        s.decls.forEach((d) => d.init && expr(d.init));
        break;
      case 'assign':
        expr(s.target);
        expr(s.value);
        break;
      case 'expr':
      case 'return':
        expr(s.e);
        break;
      case 'if':
        expr(s.cond);
        s.then.forEach(visit);
        s.else.forEach(visit);
        break;
      case 'for':
        if (s.init) visit(s.init);
        if (s.cond) expr(s.cond);
        if (s.update) expr(s.update);
        s.body.forEach(visit);
        break;
      case 'while':
        expr(s.cond);
        s.body.forEach(visit);
        break;
    }
  };
  stmts.forEach(visit);
  return counts;
}

/**
 * When every path through `s` ends with `t = …` (the last statement of each branch, and t nowhere
 * else in s), how many such assignments there are.
 */
export function finalWrites(s: CStmt, t: string): number | undefined {
  const block = (b: readonly CStmt[]): number | undefined => {
    const last = b[b.length - 1];
    if (!last) return undefined;
    const rest = countMentions(b.slice(0, -1)).get(t) ?? 0;
    if (rest > 0) return undefined;
    if (last.k === 'assign' && last.op === '=' && last.target.k === 'id' && last.target.name === t) return (countMentions([{ k: 'expr', e: last.value }]).get(t) ?? 0) === 0 ? 1 : undefined;
    return last.k === 'if' ? finalWrites(last, t) : undefined;
  };
  if (s.k !== 'if' || (countMentions([{ k: 'expr', e: s.cond }]).get(t) ?? 0) > 0) return undefined;
  const [a, b] = [block(s.then), block(s.else)];
  return a === undefined || b === undefined ? undefined : a + b;
}

/** `s` with its assignments to t made to v (finalWrites says where they are). */
export function substituteTarget(s: CStmt, t: string, v: string): CStmt {
  if (s.k === 'assign' && s.target.k === 'id' && s.target.name === t) return { ...s, target: { k: 'id', name: v } };
  if (s.k !== 'if') return s;
  const last = (b: readonly CStmt[]): CStmt[] => [...b.slice(0, -1), substituteTarget(b[b.length - 1], t, v)];
  return { ...s, then: last(s.then), else: last(s.else) };
}

/**
 * Names for new locals of a finished body: `fresh(base)` is base, or base_2, base_3 …, none of
 * them a parameter, a name the body mentions or declares, or one given before.
 */
export function freshNames(body: readonly CStmt[], params: readonly string[]): (base: string) => string {
  const taken = namesIn(body, new Set(params));
  const declared = (xs: readonly CStmt[]): void =>
    xs.forEach((s) => {
      if (s.k === 'let') s.decls.forEach((d) => taken.add(d.name));
      if (s.k === 'if') [s.then, s.else].forEach(declared);
      if (s.k === 'for') declared([...(s.init ? [s.init] : []), ...s.body]);
      if (s.k === 'while') declared(s.body);
    });
  declared(body);
  return (base) => {
    let name = base;
    for (let k = 2; taken.has(name); k++) name = `${base}_${k}`;
    taken.add(name);
    return name;
  };
}
