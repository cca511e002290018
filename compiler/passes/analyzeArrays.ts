/**
 * Where the emitted code's arrays go (tidyCode.ts), and which values can never be -0:
 *
 *   privateArrays   locals holding an array the function made itself and never lets out (into a
 *                   call, another array, the tape): writes through them cannot reach any other
 *                   array, so loads of others move past them (`x[i]` past `x_b[i] += …`)
 *   neverNegZero    locals, and such arrays' elements, that never hold -0: adjoint accumulators
 *
 * The second exists for the sign of zero: `t_b += e` on a t_b known to be +0 leaves `0 + e`, which
 * is e except when e is -0. Where that value only ever reaches `acc += …` of an accumulator that is
 * never -0 itself (through `*`, `+`, `-`), the sign cannot show: acc ± (+0) and acc ± (-0) are the
 * same number when acc is not -0. That is what lets `_t6_b += z_b; theta_b[k] += _t6_b * x` become
 * `theta_b[k] += z_b * x` and stay bit for bit what it was.
 */
import { type CExpr, children, type CStmt, fillOf } from '../code.js';
import { arrayCtors, type CodeScope, copyCall, mathCall, tapeCall } from './analyzeEffects.js';

/** How references move through the code: what privateArrays and neverNegZero are computed from. */
interface Flows {
  /** Every write of a local (`element`: of an element of the array it holds). */
  readonly writes: readonly { readonly target: string; readonly value: CExpr | undefined; readonly element: boolean; readonly op: string }[];
  /** Locals whose value (an array, an object) may be kept where this code cannot follow it: a call, another array, the tape. */
  readonly escapes: ReadonlySet<string>;
  /** [y, x]: `x = y` by reference, so the array y holds is x's too. */
  readonly flows: readonly (readonly [string, string])[];
}

function collectFlows(body: readonly CStmt[], scope: CodeScope): Flows {
  const writes: { target: string; value: CExpr | undefined; element: boolean; op: string }[] = [];
  const escapes = new Set<string>();
  /** [y, x]: x = y, by reference (an array held by both): y keeps the property only if x does. */
  const flows: [string, string][] = [];
  /** `to`: where e's value goes if it is a reference (an array): a local's name, 'escape', or nowhere (a primitive is made of it). */
  const visitExpr = (e: CExpr, to: string | undefined): void => {
    switch (e.k) {
      case 'id':
        if (to === escape) escapes.add(e.name);
        else if (to !== undefined) flows.push([e.name, to]);
        return;
      case 'cond':
        visitExpr(e.c, undefined);
        visitExpr(e.a, to);
        visitExpr(e.b, to);
        return;
      case 'bin': {
        // && and || give one of their operands; arithmetic and comparisons give primitives
        const passes = e.op === '&&' || e.op === '||' ? to : undefined;
        visitExpr(e.a, passes);
        visitExpr(e.b, passes);
        return;
      }
      case 'call': {
        const tape = tapeCall(e.callee, scope);
        // Math and copies take values; the tape's number stacks copy them; anything else may keep a reference
        const byValue = mathCall(e.callee, scope) || copyCall(e.callee, scope) || (tape && e.callee.k === 'member' && e.callee.obj.k === 'member' && e.callee.obj.prop !== 'refs');
        if (!tape) visitExpr(e.callee, escape);
        e.args.forEach((a) => visitExpr(a, byValue ? undefined : escape));
        return;
      }
      case 'new': {
        // a typed array made from an array copies it
        const byValue = e.callee.k === 'id' && arrayCtors.has(e.callee.name) && !scope.locals.has(e.callee.name);
        e.args.forEach((a) => visitExpr(a, byValue ? undefined : escape));
        return;
      }
      case 'array':
      case 'object':
      case 'await':
        for (const c of children(e)) visitExpr(c, escape);
        return;
      default:
        for (const c of children(e)) visitExpr(c, undefined);
    }
  };
  // what the function returns leaves it: what the caller does with it comes after
  const returned = (e: CExpr): void => {
    if (e.k === 'array' || e.k === 'object') children(e).forEach(returned);
    else visitExpr(e, undefined);
  };
  const visit = (stmts: readonly CStmt[]): void => {
    for (const s of stmts) {
      switch (s.k) {
        case 'let':
          for (const d of s.decls) {
            writes.push({ target: d.name, value: d.init, element: false, op: '=' });
            if (d.init) visitExpr(d.init, d.name);
          }
          break;
        case 'assign': {
          const t = s.target;
          if (t.k === 'id') {
            writes.push({ target: t.name, value: s.value, element: false, op: s.op });
            visitExpr(s.value, s.op === '=' ? t.name : undefined);
            break;
          }
          if (t.k === 'index' && t.obj.k === 'id') writes.push({ target: t.obj.name, value: s.value, element: true, op: s.op });
          else visitExpr(t.k === 'index' || t.k === 'member' ? t.obj : t, escape); // a row's or a field's element: the container escapes
          if (t.k === 'index') visitExpr(t.index, undefined);
          visitExpr(s.value, escape);
          break;
        }
        case 'expr':
          visitExpr(s.e, escape);
          break;
        case 'return':
          returned(s.e);
          break;
        case 'if':
          visitExpr(s.cond, undefined);
          visit(s.then);
          visit(s.else);
          break;
        case 'for':
          if (s.init) visit([s.init]);
          if (s.cond) visitExpr(s.cond, undefined);
          if (s.update) visitExpr(s.update, undefined);
          visit(s.body);
          break;
        case 'while':
          visitExpr(s.cond, undefined);
          visit(s.body);
          break;
      }
    }
  };
  visit(body);
  // a number is copied, not shared: locals declared as numbers (`let x = 0`) or accumulated into
  // (`x += …`) hold no array, whatever they are stored into
  const numeric = new Set(writes.filter((w) => !w.element && (w.op !== '=' || (w.value !== undefined && (w.value.k === 'num' || w.value.k === 'bool')))).map((w) => w.target));
  return { writes, escapes: new Set([...escapes].filter((x) => !numeric.has(x))), flows: flows.filter(([y, x]) => !numeric.has(y) && !numeric.has(x)) };
}

/** The locals that hold one of the function's own arrays and no other, grouped by who may share it. */
export function privateArrays(body: readonly CStmt[], scope: CodeScope, params: ReadonlySet<string>): Map<string, string> {
  const { writes, escapes, flows } = collectFlows(body, scope);
  const names = new Set([...scope.locals].filter((x) => !params.has(x) && !escapes.has(x) && x !== scope.tape));
  const made = (e: CExpr): boolean => {
    if (e.k === 'id') return names.has(e.name);
    if (e.k === 'cond') return made(e.a) && made(e.b);
    if (e.k === 'array') return true;
    if (e.k === 'new') return e.callee.k === 'id' && arrayCtors.has(e.callee.name) && !scope.locals.has(e.callee.name);
    if (e.k !== 'call') return false;
    if (copyCall(e.callee, scope)) return true;
    // new Array(n).fill(v)
    const filled = fillOf(e)?.obj;
    return filled?.k === 'new' && made(filled);
  };
  // `k1 = … ? k1.fill(0) : new Array(n).fill(0)`: the array it held, refilled, or a new one
  const refill = (e: CExpr, target: string): boolean => {
    if (e.k === 'cond') return refill(e.a, target) && refill(e.b, target);
    const filled = fillOf(e)?.obj;
    return made(e) || (filled?.k === 'id' && filled.name === target);
  };
  let changed = true;
  while (changed) {
    changed = false;
    for (const w of writes) {
      if (w.element || !names.has(w.target) || (w.op === '=' && (w.value === undefined || refill(w.value, w.target)))) continue;
      names.delete(w.target);
      changed = true;
    }
    if (dropFlowsFromOutside(names, flows)) changed = true;
  }
  // groups: locals that may hold the same array
  const group = new Map([...names].map((x) => [x, x]));
  const find = (x: string): string => {
    let r = x;
    while (group.get(r) !== r) r = group.get(r)!;
    return r;
  };
  for (const [y, x] of flows) if (names.has(y) && names.has(x)) group.set(find(y), find(x));
  return new Map([...names].map((x) => [x, find(x)]));
}

// ── never negative zero ───────────────────────────────────────────────────────────────────────

export interface NegZeroInfo {
  /** Locals that never hold -0, and arrays (by the locals that hold them) whose elements never do. */
  readonly names: Set<string>;
}

/**
 * The locals that never hold -0, and the arrays whose elements never do: the largest set in which
 * every write keeps the property. `x += e` and `x -= e` keep it whatever e is (a sum is -0 only
 * when both terms are); `x = e` when e is never -0; an array is one allocated as zeros
 * (`new Float64Array(n)`) whose element stores are accumulations or never -0, and which never leaves
 * the function's sight (into a call, another array, the tape) except by `return`.
 */
export function neverNegZero(body: readonly CStmt[], scope: CodeScope, params: ReadonlySet<string>): NegZeroInfo {
  const names = new Set([...scope.locals].filter((x) => !params.has(x)));
  const { writes, escapes, flows } = collectFlows(body, scope);
  for (const x of escapes) names.delete(x);
  // a local holds zeros: new Float64Array(n) (n a number, not an array to copy), new Array(n).fill(0), [1, 2]
  const fresh = (e: CExpr): boolean => {
    if (e.k === 'new') return e.callee.k === 'id' && e.callee.name === 'Float64Array' && e.args.length === 1 && primitive(e.args[0]);
    const fill = fillOf(e);
    if (fill?.obj.k === 'new') {
      const made = fill.obj;
      return made.callee.k === 'id' && made.callee.name === 'Array' && made.args.length === 1 && primitive(made.args[0]) && fill.args.length === 1 && isNumberNotNegZero(fill.args[0]);
    }
    return e.k === 'array' && e.items.every(isNumberNotNegZero);
  };
  let changed = true;
  while (changed) {
    changed = false;
    for (const w of writes) {
      if (!names.has(w.target)) continue;
      // an element: only a number is stored (a stored array would escape), so fresh() does not apply
      const ok = w.op !== '=' || w.value === undefined || (!w.element && fresh(w.value)) || notNegZero(w.value, names);
      if (!ok) {
        names.delete(w.target);
        changed = true;
      }
    }
    if (dropFlowsFromOutside(names, flows)) changed = true;
  }
  return { names };
}

const escape = '\0escape';

const isNumberNotNegZero = (e: CExpr): boolean => (e.k === 'num' && !Object.is(e.value, -0)) || e.k === 'bool';

/** An expression whose value is a primitive (so `new Float64Array(it)` allocates zeros). */
function primitive(e: CExpr): boolean {
  return e.k === 'num' || (e.k === 'member' && e.prop === 'length') || e.k === 'bin' || (e.k === 'un' && e.op === '-');
}

/** Whether `e`'s value is never -0, given locals (and arrays' elements) `names` never are. */
export function notNegZero(e: CExpr, names: ReadonlySet<string>): boolean {
  switch (e.k) {
    case 'num':
      return !Object.is(e.value, -0);
    case 'bool':
    case 'str':
      return true;
    case 'id':
      return names.has(e.name);
    case 'bin':
      if (e.op === '+') return notNegZero(e.a, names) || notNegZero(e.b, names);
      if (e.op === '-') return notNegZero(e.a, names);
      // comparisons give booleans, bit operations int32s
      return ['<', '<=', '>', '>=', '===', '!==', '|', '&', '^', '<<', '>>', '>>>'].includes(e.op);
    case 'un':
      return e.op === '!';
    case 'cond':
      return notNegZero(e.a, names) && notNegZero(e.b, names);
    case 'member':
      return e.prop === 'length';
    case 'index':
      return e.obj.k === 'id' && names.has(e.obj.name);
    default:
      return false;
  }
}

/** Names given a value from a name not in `names` leave it too; whether any did. */
function dropFlowsFromOutside(names: Set<string>, flows: readonly (readonly [string, string])[]): boolean {
  let changed = false;
  for (const [y, x] of flows) {
    if (names.has(y) && !names.has(x)) {
      names.delete(y);
      changed = true;
    }
  }
  return changed;
}
