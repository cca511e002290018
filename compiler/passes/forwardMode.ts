/**
 * Forward mode: IR → IR. Every active variable `v` gets a tangent `v_dot` (for arrays, a
 * Float64Array of the same length), computed next to `v` by the same derivative rules that
 * reverse mode uses (rules.ts), so the output is the tangent-linear program, itself plain IR.
 *
 *   primal:   y = Math.sin(x * w)          IR:  _t0 = x * w;  y = sin(_t0)
 *   tangent:  _t0 = x * w;  _t0_dot = x_dot * w + x * w_dot;  y = sin(_t0);  y_dot = cos(_t0) * _t0_dot
 *
 * Because the result is IR, it composes: reverse mode over it gives Hessian-vector products
 * (`hvp`, `hessian`, `grad(grad(f))`), and jvp prints it as JavaScript (emitIR.ts).
 */
import { type CExpr, id } from '../code.js';
import { type Atom, type Expr, type IRFunction, num, type Param, ref, type Stmt, type StructParam, tangentFunction, type Var, walk } from '../ir.js';
import type { NameScope } from '../naming.js';
import { type ActivityInfo, differentiated } from './analyzeActivity.js';
import { constantAssignments } from './analyzeVaried.js';
import { ruleArgs, ruleFor } from './exprRules.js';
import { atom } from './irCode.js';

export interface TangentProgram {
  /** Struct parameters' tangents, gathered as objects of the same shape (structs.ts). */
  readonly tangentStructs: ReadonlyMap<StructParam, StructParam>;
  /** Parameters: the primal ones, then one tangent per selected parameter (`seed: 'param'`). */
  readonly fn: IRFunction;
  /** The primal result (fn.result is its tangent). */
  readonly primalResult: Var;
  /** Tangent parameters, by the index of the primal parameter they belong to. */
  readonly tangentParams: ReadonlyMap<number, Var>;
}

/**
 * `seed`: 'param' adds a tangent parameter for each selected parameter (jvp, hvp); 'one' seeds
 * the single selected scalar parameter with 1 (the derivative itself, for grad(grad(f))).
 */
/**
 * `secondOrder`: the tangent program will itself be differentiated (hvp, grad(grad f)), so a call
 * of a function compiled on its own becomes two calls reverse mode can go through, the function
 * and its tangent function, instead of one call of its jvp.
 */
export function forwardMode(fn: IRFunction, activity: ActivityInfo, names: NameScope, seed: 'param' | 'one', secondOrder = false, strictZeros = false): TangentProgram {
  return new ForwardMode(fn, activity, names, secondOrder, strictZeros).run(seed);
}

class ForwardMode {
  private readonly tangents = new Map<Var, Var>();
  private readonly locals: Var[];
  private nextId: number;
  /** Assignments whose operands carry no derivative where they run. */
  private readonly constant: ReadonlySet<Stmt>;

  constructor(
    private readonly fn: IRFunction,
    private readonly activity: ActivityInfo,
    private readonly names: NameScope,
    private readonly secondOrder: boolean,
    /** `a_dot === 0 || p === 0 ? 0 : a_dot * p` for each partial p (TsgradConfig.strictZeros). */
    private readonly strictZeros: boolean,
  ) {
    this.locals = [...fn.locals];
    this.constant = constantAssignments(fn);
    let max = 0;
    walk(fn.body, (s) => {
      if (s.k === 'assign') max = Math.max(max, s.target.id);
    });
    for (const v of [...fn.locals, ...fn.params.map((p) => p.v)]) max = Math.max(max, v.id);
    this.nextId = max + 1;
  }

  run(seed: 'param' | 'one'): TangentProgram {
    const params: Param[] = [...this.fn.params];
    const tangentParams = new Map<number, Var>();
    const prologue: Stmt[] = [];
    this.fn.params.forEach((p, i) => {
      if (!p.selected) {
        // A parameter not differentiated but active (an output array written with active values,
        // a number reassigned from them: `c *= x`) starts with a zero tangent. Every tangent is
        // then assigned before it is read, as every primal local is, and the reverse sweep over
        // this program (hvp) sees that `c_dot = c_dot * x + c * x_dot` overwrites c_dot: it
        // restores the old zero where x's adjoint reads it.
        if (this.activity.active.has(p.v)) {
          const zero: Expr = p.v.kind === 'array'
            ? { k: 'newArray', type: 'f64', ctor: 'Float64Array', length: this.length(p.v, prologue), fill: num(0) }
            : { k: 'atom', a: num(0) };
          prologue.push({ k: 'assign', target: this.tangentOf(p.v), expr: zero, init: true });
        }
        return;
      }
      if (seed === 'param') {
        const t = this.newVar(p.v, false);
        this.tangents.set(p.v, t);
        tangentParams.set(i, t);
        params.push({ v: t, selected: false });
      } else {
        const t = this.tangentOf(p.v);
        prologue.push({ k: 'assign', target: t, expr: { k: 'atom', a: num(1) }, init: true });
      }
    });
    const tangentStructs = new Map<StructParam, StructParam>();
    for (const s of this.fn.structs ?? []) {
      const leaves = s.leaves.flatMap((l) => {
        const t = this.fn.params.find((p) => p.v === l.v)?.selected && seed === 'param' ? this.tangents.get(l.v) : undefined;
        return t ? [{ path: l.path, v: t }] : [];
      });
      if (leaves.length > 0) tangentStructs.set(s, { name: this.names.unique(`${s.name}_dot`), leaves });
    }
    const body = [...prologue, ...this.block(this.fn.body)];
    let result = this.tangents.get(this.fn.result);
    if (!result || !this.activity.active.has(this.fn.result)) {
      // the result does not depend on the selected parameters: its tangent is zero
      result = this.newVar({ ...this.fn.result, name: this.fn.result.name }, true);
      const zero: Expr = this.fn.result.kind === 'array'
        ? { k: 'newArray', type: 'f64', ctor: 'Float64Array', length: this.length(this.fn.result, body), fill: num(0) }
        : { k: 'atom', a: num(0) };
      body.push({ k: 'assign', target: result, expr: zero, init: true });
    }
    const structs = [...(this.fn.structs ?? []), ...tangentStructs.values()];
    const out: IRFunction = { name: this.fn.name, params, structs, body, result, locals: this.locals };
    return { fn: out, primalResult: this.fn.result, tangentParams, tangentStructs };
  }

  /** A fresh array in a temporary (a zero row). */
  private tempArray(e: Expr, out: Stmt[]): Atom {
    const v: Var = { id: this.nextId++, name: this.names.unique('_zeros'), kind: 'array', arrayType: 'f64' };
    this.locals.push(v);
    out.push({ k: 'assign', target: v, expr: e, init: true });
    return ref(v);
  }

  private length(arr: Var, out: Stmt[]): Atom {
    const n: Var = { id: this.nextId++, name: this.names.unique('_len'), kind: 'num' };
    this.locals.push(n);
    out.push({ k: 'assign', target: n, expr: { k: 'length', arr }, init: true });
    return ref(n);
  }

  // ── variables ───────────────────────────────────────────────────────────────────────────────

  private newVar(primal: Var, local: boolean): Var {
    const v: Var = {
      id: this.nextId++,
      name: this.names.unique(`${primal.name}_dot`),
      kind: primal.kind,
      arrayType: primal.kind === 'array' ? tangentArrayType(primal) : undefined,
      row: primal.row && 'f64',
      fields: primal.fields,
      growable: primal.growable,
    };
    if (local) this.locals.push(v);
    return v;
  }

  private tangentOf(v: Var): Var {
    let t = this.tangents.get(v);
    if (!t) {
      t = this.newVar(v, true);
      this.tangents.set(v, t);
    }
    return t;
  }

  private isActive(a: Atom): a is { k: 'var'; v: Var } {
    return a.k === 'var' && this.activity.active.has(a.v);
  }

  /** The tangent of an operand: its tangent variable, or 0 for constants and inactive values. */
  private tan(a: Atom): Atom {
    return this.isActive(a) ? ref(this.tangentOf(a.v)) : num(0);
  }

  /** Fresh single-use temporaries of the tangent code. */
  private readonly temps = new Set<Var>();

  private temp(expr: Expr, out: Stmt[]): Atom {
    const v: Var = { id: this.nextId++, name: this.names.unique('_d'), kind: 'num' };
    this.locals.push(v);
    this.temps.add(v);
    out.push({ k: 'assign', target: v, expr, init: true });
    return ref(v);
  }

  // ── statements ──────────────────────────────────────────────────────────────────────────────

  private block(stmts: readonly Stmt[]): Stmt[] {
    const out: Stmt[] = [];
    for (const s of stmts) this.stmt(s, out);
    return out;
  }

  private stmt(s: Stmt, out: Stmt[]): void {
    switch (s.k) {
      case 'assign':
        return this.assign(s, out);
      case 'store':
        out.push(s);
        // a row stored in an array of arrays: the tangent's row is the row's tangent (or zeros)
        if (s.arr.arrayType === 'rows' && !s.sub && s.value.k === 'var') {
          if (!this.activity.active.has(s.arr)) return;
          const row = s.value.v;
          const t = this.activity.active.has(row)
            ? ref(this.tangentOf(row))
            : this.tempArray({ k: 'newArray', type: 'f64', ctor: 'Float64Array', length: this.length(row, out), fill: num(0) }, out);
          out.push({ k: 'store', arr: this.tangentOf(s.arr), index: s.index, value: t });
          return;
        }
        // a growing array's tangent gets every element, 0 where the value carries none
        if (differentiated(this.activity, s) || (s.arr.growable && this.activity.active.has(s.arr))) {
          out.push({ k: 'store', arr: this.tangentOf(s.arr), index: s.index, sub: s.sub, value: this.tan(s.value) });
        }
        return;
      case 'if':
        out.push({ ...s, then: this.block(s.then), else: this.block(s.else) });
        return;
      case 'loop':
        out.push({ ...s, pre: this.block(s.pre), body: this.block(s.body), update: this.block(s.update) });
        return;
    }
  }

  private assign(s: Stmt & { k: 'assign' }, out: Stmt[]): void {
    const v = s.target;
    if (!differentiated(this.activity, s)) {
      // inert (overwritten before any use, or never used): no tangent, so no 0 · ∞ either
      out.push(s);
      return;
    }
    const e = s.expr;
    const t = this.tangentOf(v);
    const init = s.init;
    const setTangent = (expr: Expr): void => {
      out.push({ k: 'assign', target: t, expr, init });
    };
    // `v = Math.ceil(c)`, `v = K[i]`, `h = Math.sqrt(a)` before a is varied: an active variable
    // given a value with no derivative where it runs (analyzeVaried.ts) gets a zero tangent
    if (v.kind !== 'array' && this.constant.has(s)) {
      out.push(s);
      setTangent({ k: 'atom', a: num(0) });
      return;
    }
    switch (e.k) {
      case 'atom':
        out.push(s);
        if (v.kind === 'array') {
          // x = y: x's tangent is y's (the same array), or zeros where y carries none
          const source = e.a.k === 'var' && this.activity.active.has(e.a.v) ? e.a.v : undefined;
          setTangent(source ? { k: 'atom', a: ref(this.tangentOf(source)) } : { k: 'newArray', type: 'f64', ctor: 'Float64Array', length: this.length(v, out), fill: num(0) });
          return;
        }
        if (!(e.a.k === 'var' && e.a.v === v)) setTangent({ k: 'atom', a: this.tan(e.a) });
        return;
      case 'load':
        out.push(s);
        if (v.kind === 'array' && !this.activity.active.has(e.arr)) {
          // a row of an array of arrays that carries no tangent: zeros
          setTangent({ k: 'newArray', type: 'f64', ctor: 'Float64Array', length: this.length(v, out), fill: num(0) });
          return;
        }
        setTangent(this.activity.active.has(e.arr) ? { k: 'load', arr: this.tangentOf(e.arr), index: e.index, sub: e.sub } : { k: 'atom', a: num(0) });
        return;
      case 'userCall': {
        // [y, y_dot] = g_jvp(...args, ...tangents): one tangent per parameter, zeros where none
        const tangents = e.args.map((a, i): Atom => {
          if (e.fn.params[i] !== 'array' || this.isActive(a)) return this.tan(a);
          return this.tempArray({ k: 'call', callee: { name: 'zerosLike', runtime: true }, args: [a] }, out);
        });
        if (this.secondOrder) {
          // y_dot = g_tangent(...args, ...tangents), then y = g(...args): both differentiable calls
          const differentiable = tangents.filter((_, i) => e.fn.params[i] !== 'none');
          const t = this.temp({ k: 'userCall', fn: tangentFunction(e.fn), args: [...e.args, ...differentiable] }, out);
          out.push(s);
          setTangent({ k: 'atom', a: t });
          return;
        }
        const pair = this.tempArray({ k: 'call', callee: { name: e.fn.companion('jvp') }, args: [...e.args, ...tangents] }, out);
        const pv = (pair as { v: Var }).v;
        out.push({ k: 'assign', target: v, expr: { k: 'load', arr: pv, index: num(0) }, init });
        setTangent({ k: 'load', arr: pv, index: num(1) });
        return;
      }
      case 'field':
        // `W = layer.W`, `y = cam.focal`: the same field of the tangent object
        out.push(s);
        if (!this.activity.active.has(e.obj)) {
          if (v.kind === 'array') throw new Error(`tsgrad internal: field '${e.name}' of an inactive object is active`);
          setTangent({ k: 'atom', a: num(0) });
          return;
        }
        setTangent({ k: 'field', obj: this.tangentOf(e.obj), name: e.name });
        return;
      case 'newArray':
        out.push(s);
        if (v.arrayType === 'rows') {
          setTangent({ k: 'newArray', type: 'rows', ctor: 'Array', length: e.length, fill: num(0) });
          return;
        }
        setTangent(v.growable
          ? { k: 'newArray', type: 'numarr', ctor: 'Array', length: e.length, fill: this.tan(e.fill) }
          : { k: 'newArray', type: 'f64', ctor: 'Float64Array', length: e.length, fill: this.tan(e.fill) });
        return;
      case 'select':
        out.push(s);
        setTangent({ k: 'select', c: e.c, a: this.tan(e.a), b: this.tan(e.b) });
        return;
      default:
        break;
    }
    const rule = ruleFor(e);
    if (!rule) throw new Error(`tsgrad internal: no derivative rule for a '${e.k}' expression`);
    const args = ruleArgs(e);
    // `v = v * x`: the partials need the old v, and some rules the new value: compute it aside first
    const selfReference = args.some((a) => a.k === 'var' && a.v === v);
    let y: Atom = ref(v);
    if (selfReference) {
      y = this.temp(e, out);
    } else {
      out.push(s);
    }
    const partials = rule.partials(args.map(atom), id('$y'));
    const env = new Map<string, Atom>([['$y', y]]);
    args.forEach((a) => a.k === 'var' && env.set(a.v.name, a));
    let sum: Atom = num(0);
    args.forEach((a, i) => {
      const p = partials[i];
      if (!p || !this.isActive(a)) return;
      const partial = this.lowerCode(p, env, out);
      // `sum - a_dot` rather than `sum + (-a_dot)`
      if (isConst(partial, -1) && !isConst(sum, 0)) sum = this.temp({ k: 'bin', op: '-', a: sum, b: this.tan(a) }, out);
      else sum = this.plus(sum, this.strictZeros && partial.k === 'var' ? this.guardedTimes(partial, this.tan(a), out) : this.times(partial, this.tan(a), out), out);
    });
    if (selfReference) out.push({ k: 'assign', target: v, expr: { k: 'atom', a: y }, init });
    this.assignTangent(t, sum, init, out);
  }

  /** `t = a`, retargeting the statement that just computed `a` into a fresh temporary. */
  private assignTangent(t: Var, a: Atom, init: boolean | undefined, out: Stmt[]): void {
    const last = out[out.length - 1];
    if (a.k === 'var' && this.temps.has(a.v) && last?.k === 'assign' && last.target === a.v) {
      out[out.length - 1] = { ...last, target: t, init };
      this.temps.delete(a.v);
      this.locals.splice(this.locals.indexOf(a.v), 1);
      return;
    }
    out.push({ k: 'assign', target: t, expr: { k: 'atom', a }, init });
  }

  // ── partials (code trees from rules.ts) back to IR ──────────────────────────────────────────

  private times(a: Atom, b: Atom, out: Stmt[]): Atom {
    if (isConst(a, 0) || isConst(b, 0)) return num(0);
    if (isConst(a, 1)) return b;
    if (isConst(b, 1)) return a;
    if (isConst(a, -1)) return this.temp({ k: 'un', op: '-', a: b }, out);
    return this.temp({ k: 'bin', op: '*', a, b }, out);
  }

  /** `t === 0 || p === 0 ? 0 : p * t`: a zero tangent or partial gives zero whatever the other is (0 · ∞). */
  private guardedTimes(p: Atom, t: Atom, out: Stmt[]): Atom {
    if (t.k === 'const') return this.times(p, t, out);
    const product = this.times(p, t, out);
    const isZero = (a: Atom): Atom => this.boolTemp({ k: 'bin', op: '===', a, b: num(0) }, out);
    const zero = this.boolTemp({ k: 'bin', op: '||', a: isZero(t), b: isZero(p) }, out);
    return this.temp({ k: 'select', c: zero, a: num(0), b: product }, out);
  }

  /** A fresh boolean temporary `_c = expr`. */
  private boolTemp(expr: Expr, out: Stmt[]): Atom {
    const v: Var = { id: this.nextId++, name: this.names.unique('_c'), kind: 'bool' };
    this.locals.push(v);
    out.push({ k: 'assign', target: v, expr, init: true });
    return ref(v);
  }

  private plus(a: Atom, b: Atom, out: Stmt[]): Atom {
    if (isConst(a, 0)) return b;
    if (isConst(b, 0)) return a;
    return this.temp({ k: 'bin', op: '+', a, b }, out);
  }

  /** A rule's partial (a code tree over the operands and `$y`) as IR statements; returns its atom. */
  private lowerCode(e: CExpr, env: ReadonlyMap<string, Atom>, out: Stmt[]): Atom {
    const boolTemp = (expr: Expr): Atom => this.boolTemp(expr, out);
    switch (e.k) {
      case 'num':
        return num(e.value);
      case 'bool':
        return { k: 'const', value: e.value };
      case 'id': {
        const a = env.get(e.name);
        if (!a) throw new Error(`tsgrad internal: partial mentions unknown '${e.name}'`);
        return a;
      }
      case 'bin': {
        const a = this.lowerCode(e.a, env, out);
        const b = this.lowerCode(e.b, env, out);
        const op = e.op as '+' | '-' | '*' | '/' | '%' | '**' | '<' | '<=' | '>' | '>=' | '===' | '!==';
        if (['<', '<=', '>', '>=', '===', '!=='].includes(op)) return boolTemp({ k: 'bin', op, a, b });
        if (a.k === 'const' && b.k === 'const') return num(evaluate(op, Number(a.value), Number(b.value)));
        return this.temp({ k: 'bin', op, a, b }, out);
      }
      case 'un': {
        const a = this.lowerCode(e.a, env, out);
        if (e.op === '!') return boolTemp({ k: 'un', op: '!', a });
        return a.k === 'const' ? num(-Number(a.value)) : this.temp({ k: 'un', op: '-', a }, out);
      }
      case 'cond': {
        const c = this.lowerCode(e.c, env, out);
        return this.temp({ k: 'select', c, a: this.lowerCode(e.a, env, out), b: this.lowerCode(e.b, env, out) }, out);
      }
      case 'call':
        if (e.callee.k === 'member' && e.callee.obj.k === 'id' && e.callee.obj.name === 'Math') {
          const fn = e.callee.prop;
          return this.temp({ k: 'math', fn, args: e.args.map((x) => this.lowerCode(x, env, out)) }, out);
        }
        break;
      default:
        break;
    }
    throw new Error(`tsgrad internal: cannot lower a '${e.k}' partial to IR`);
  }
}

/** A tangent's array type: rows and objects keep their shape; numbers are Float64Array (a growing array's, number[]). */
function tangentArrayType(primal: Var): Var['arrayType'] {
  if (primal.arrayType === 'rows' || primal.arrayType === 'record' || primal.arrayType === 'objects') return primal.arrayType;
  return primal.growable ? 'numarr' : 'f64';
}

const isConst = (a: Atom, value: number): boolean => a.k === 'const' && a.value === value;

function evaluate(op: string, a: number, b: number): number {
  switch (op) {
    case '+': return a + b;
    case '-': return a - b;
    case '*': return a * b;
    case '/': return a / b;
    case '%': return a % b;
    default: return a ** b;
  }
}
