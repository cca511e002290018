/**
 * Arrays as values: allocations, copies, literals with spread, and the array methods, each lowered
 * to a counted loop with its callback inlined in the body (no closure per element):
 *
 *   const ys = xs.map((v) => v * w)    →   ys = new Array(n); loop i < n { v = xs[i]; ys[i] = v * w }
 *   xs.reduce((s, v) => s + v, 0)      →   s = 0; loop i < n { s = s + xs[i] }
 *
 * An array-valued expression lowers to the array variable that holds it: the variable itself for a
 * name (`const r = xs` is another name for the same array), a fresh array for anything that builds
 * one (`map`, `slice`, `Array.from`, `[...xs, v]`, a helper's result).
 */
import type * as TS from 'typescript';
import { unsupported } from '../../diagnostics.js';
import { type ArrayType, type Atom, bool, num, ref, type Stmt, type Var } from '../../ir.js';
import { ts } from '../../tsapi.js';
import { arrayTypeOfConstructor, scalarKind } from '../../types.js';
import { type FnValue, type FunctionLike, isArrayType, isNumeric, skipParens } from './base.js';
import { type Bound, CallLowerer } from './calls.js';

/** What the loop over an array's elements hands its body: the element, the index, the array. */
type Each = (v: Atom, i: Atom, body: Stmt[]) => void;

const arrayMethods = new Set(['map', 'filter', 'slice', 'subarray', 'concat', 'fill']);
const callbackMethods = new Set(['map', 'forEach', 'reduce', 'reduceRight', 'filter', 'some', 'every', 'find', 'findIndex']);

export abstract class ArrayLowerer extends CallLowerer {
  /** The array an array-valued expression names or builds; `name` names a fresh one. */
  protected lowerArray(e: TS.Expression, out: Stmt[], name = 'arr'): Var {
    e = skipParens(e);
    if (ts.isIdentifier(e) || ts.isPropertyAccessExpression(e)) return this.arrayVar(e);
    if (ts.isArrayLiteralExpression(e)) return this.arrayLiteral(e, out, name);
    if (ts.isElementAccessExpression(e)) {
      const rows = this.lowerArray(e.expression, out);
      if (rows.arrayType !== 'rows') unsupported(e, `'${e.getText()}' is a number, used as an array`, 'index arrays of arrays twice: A[i][j]');
      return this.rowOf(rows, this.lowerExpr(e.argumentExpression, out), out, e);
    }
    if (ts.isConditionalExpression(e)) {
      unsupported(e, 'a ternary between arrays: which array it names is known only at run time',
        'choose the values instead (c ? a[i] : b[i]), or fill one array in an if/else');
    }
    const made = (ts.isNewExpression(e) || ts.isCallExpression(e)) && this.construct(e, out, name);
    if (made) return made;
    if (ts.isCallExpression(e)) {
      const callee = skipParens(e.expression);
      if (ts.isPropertyAccessExpression(callee) && this.isArray(callee.expression) && arrayMethods.has(callee.name.text)) return this.arrayMethod(e, callee, out, name);
      const a = this.call(e, out);
      if (a.k === 'var' && a.v.kind === 'array') return a.v;
    }
    return unsupported(e, `'${e.getText()}' is not an array tsgrad can follow`,
      'use array parameters, local arrays (new Float64Array(n), [..], xs.map(..)) and helpers that return arrays');
  }

  protected isArray(e: TS.Expression): boolean {
    return isArrayType(this.checker.getTypeAtLocation(e), this.checker);
  }

  /** An array's element representation, from its TypeScript type. */
  protected elementType(e: TS.Expression): ArrayType {
    const type = this.checker.getTypeAtLocation(e);
    const name = type.getSymbol()?.name;
    return (name && arrayTypeOfConstructor(name)) || 'numarr';
  }

  /** A fresh array: `new Float64Array(n)` or `new Array(n).fill(fill)`. */
  protected freshArray(type: ArrayType, length: Atom, out: Stmt[], name: string, node?: TS.Node, fill: Atom = num(0), row?: Var['row']): Var {
    const v = this.newVar(name, { kind: 'array', arrayType: type, row }, node);
    const ctor = type === 'numarr' || type === 'rows' ? 'Array' : type === 'f64' ? 'Float64Array' : type === 'f32' ? 'Float32Array' : 'Int32Array';
    out.push({ k: 'assign', target: v, expr: { k: 'newArray', type, ctor, length, fill }, init: true });
    return v;
  }

  /** `A[i]` of an array of rows (number[][]): the row itself, read-only. */
  protected rowOf(rows: Var, index: Atom, out: Stmt[], node?: TS.Node): Var {
    const row = this.newVar('row', { kind: 'array', arrayType: rows.row }, node);
    out.push({ k: 'assign', target: row, expr: { k: 'load', arr: rows, index }, init: true });
    this.rowVars.add(row);
    return row;
  }

  /** An element: a number, or a row of an array of rows. */
  protected loadElement(arr: Var, index: Atom, out: Stmt[]): Atom {
    return arr.arrayType === 'rows' ? ref(this.rowOf(arr, index, out)) : this.temp('num', { k: 'load', arr, index }, out);
  }

  /** An array whose elements are numbers, for the builders that copy elements. */
  protected flatArray(arr: Var, node: TS.Node): Var {
    if (arr.arrayType === 'rows') unsupported(node, `copying or searching '${node.getText()}', an array of arrays`, 'arrays of arrays are read (A[i][j], map, reduce, for…of) but not copied yet');
    return arr;
  }

  // ── loops ───────────────────────────────────────────────────────────────────────────────────

  /**
   * `for (i = start; i < end; i++)` (or down to `end` with step -1) as a counted loop; with `exit`,
   * the loop also stops once that flag is set.
   */
  protected countedLoop(start: Atom, end: Atom, out: Stmt[], fill: (i: Atom, body: Stmt[]) => void, step: 1 | -1 = 1, exit?: Var): void {
    const counter = this.newVar('i', { kind: 'num' });
    const start0 = start.k === 'var' ? this.temp('num', { k: 'atom', a: start }, out) : start;
    out.push({ k: 'assign', target: counter, expr: { k: 'atom', a: start0 }, init: true });
    const pre: Stmt[] = [];
    let cond = this.temp('bool', { k: 'bin', op: step === 1 ? '<' : '>=', a: ref(counter), b: end }, pre);
    if (exit) cond = this.temp('bool', { k: 'bin', op: '&&', a: cond, b: this.temp('bool', { k: 'un', op: '!', a: ref(exit) }, pre) }, pre);
    const body: Stmt[] = [];
    fill(ref(counter), body);
    const update: Stmt[] = [{ k: 'assign', target: counter, expr: { k: 'bin', op: '+', a: ref(counter), b: num(step) } }];
    out.push({ k: 'loop', id: this.nextLoop++, pre, cond, body, update, canonical: { counter, start: start0, step } });
  }

  /** Each element of `arr`, first to last (or last to first). */
  protected eachElement(arr: Var, out: Stmt[], each: Each, reverse = false, exit?: Var, from?: Atom): void {
    const n = this.temp('num', { k: 'length', arr }, out);
    const start = reverse ? this.temp('num', { k: 'bin', op: '-', a: n, b: num(1) }, out) : from ?? num(0);
    this.countedLoop(start, reverse ? num(0) : n, out, (i, body) => each(this.loadElement(arr, i, body), i, body), reverse ? -1 : 1, exit);
  }

  /** Copies `src` into `dst` from index `at`; returns the index after the last one written. */
  protected copyInto(dst: Var, src: Var, at: Atom, out: Stmt[]): Atom {
    if (src.arrayType === 'rows') unsupported(src.node ?? dst.node!, `copying '${src.name}', an array of arrays`, 'arrays of arrays are read (A[i][j], map, reduce, for…of) but not copied yet');
    this.eachElement(src, out, (v, i, body) => {
      const k = at.k === 'const' && at.value === 0 ? i : this.temp('num', { k: 'bin', op: '+', a: at, b: i }, body);
      body.push({ k: 'store', arr: dst, index: k, value: v });
    });
    const n = this.temp('num', { k: 'length', arr: src }, out);
    return at.k === 'const' && at.value === 0 ? n : this.temp('num', { k: 'bin', op: '+', a: at, b: n }, out);
  }

  // ── builders ────────────────────────────────────────────────────────────────────────────────

  /** `[a, b, ...xs, c]`: the elements stored one by one, spread arrays copied in loops. */
  protected arrayLiteral(e: TS.ArrayLiteralExpression, out: Stmt[], name: string): Var {
    if (e.elements.length > 0 && e.elements.every((x) => !ts.isSpreadElement(x) && this.isArray(x))) return this.rowsLiteral(e, out, name);
    const parts = e.elements.map((x): Atom | Var => {
      if (ts.isSpreadElement(x)) return this.lowerArray(x.expression, out);
      if (ts.isOmittedExpression(x)) unsupported(x, 'a hole in an array literal', 'write every element');
      const a = this.lowerExpr(x, out);
      if (a.k === 'var' && a.v.kind === 'array') unsupported(x, 'an array of arrays', 'nested arrays are not supported yet; use one flat array with computed indices');
      return a;
    });
    const isVar = (p: Atom | Var): p is Var => 'kind' in p;
    let length: Atom = num(parts.filter((p) => !isVar(p)).length);
    for (const p of parts) if (isVar(p)) length = this.add(length, this.temp('num', { k: 'length', arr: p }, out), out);
    const arr = this.freshArray('numarr', length, out, name, e);
    let at: Atom = num(0);
    for (const p of parts) {
      if (isVar(p)) {
        at = this.copyInto(arr, p, at, out);
      } else {
        out.push({ k: 'store', arr, index: at, value: p });
        at = this.add(at, num(1), out);
      }
    }
    return arr;
  }

  /** `[[1, dt], [0, 1]]`: an array of arrays, each row stored by reference. */
  private rowsLiteral(e: TS.ArrayLiteralExpression, out: Stmt[], name: string): Var {
    const rows = e.elements.map((x) => this.rowValue(this.lowerArray(x, out), x));
    const arr = this.freshArray('rows', num(rows.length), out, name, e, num(0), rows[0].arrayType as Var['row']);
    rows.forEach((row, i) => out.push({ k: 'store', arr, index: num(i), value: ref(row) }));
    return arr;
  }

  /**
   * A row going into a new array of arrays: a flat array, which from now on is only read (the new
   * array names it too).
   */
  protected rowValue(row: Var, node: TS.Node): Var {
    if (row.arrayType === 'rows') unsupported(node, 'an array of arrays of arrays', 'use two levels of arrays, or flat arrays with computed indices');
    if (!this.rowVars.has(row)) this.shared.add(row);
    this.rowVars.add(row);
    return row;
  }

  private add(a: Atom, b: Atom, out: Stmt[]): Atom {
    if (a.k === 'const' && b.k === 'const') return num((a.value as number) + (b.value as number));
    return this.temp('num', { k: 'bin', op: '+', a, b }, out);
  }

  /**
   * `new Float64Array(n)`, `new Array(n).fill(c)`, `new Float64Array(xs)` (a copy),
   * `Array.from(xs[, fn])`, `Float64Array.from(xs[, fn])`, `Array.from({ length: n }, fn)`.
   */
  protected construct(e: TS.NewExpression | TS.CallExpression, out: Stmt[], name: string): Var | undefined {
    let fill: Atom = num(0);
    let made: TS.Expression = e;
    if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && e.expression.name.text === 'fill') {
      const inner = skipParens(e.expression.expression);
      if (!ts.isNewExpression(inner) && !(ts.isCallExpression(inner) && ts.isIdentifier(inner.expression) && inner.expression.text === 'Array')) return undefined;
      if (e.arguments.length !== 1) return undefined;
      fill = this.lowerExpr(e.arguments[0], out);
      made = inner;
    }
    if (ts.isCallExpression(made) && ts.isPropertyAccessExpression(made.expression) && made.expression.name.text === 'from' && ts.isIdentifier(made.expression.expression)) {
      const type = made.expression.expression.text === 'Array' ? 'numarr' : arrayTypeOfConstructor(made.expression.expression.text);
      if (!type) return undefined;
      return this.arrayFrom(made, type, out, name);
    }
    if (!(ts.isNewExpression(made) || ts.isCallExpression(made)) || !ts.isIdentifier(made.expression)) return undefined;
    const ctor = made.expression.text;
    const type = ctor === 'Array' ? 'numarr' : arrayTypeOfConstructor(ctor);
    if (!type) return undefined;
    const args = made.arguments ?? [];
    if (args.length === 1 && !isNumeric(this.checker.getTypeAtLocation(args[0])) && this.isArray(args[0]) && ctor !== 'Array') {
      const src = this.lowerArray(args[0], out);
      const arr = this.freshArray(type, this.temp('num', { k: 'length', arr: src }, out), out, name, e);
      this.copyInto(arr, src, num(0), out);
      return arr;
    }
    if (args.length !== 1 || !isNumeric(this.checker.getTypeAtLocation(args[0]))) {
      unsupported(e, `${ctor} must be created with a length${ctor === 'Array' ? '' : ' or from an array'}`, `use new ${ctor}(n), then fill it`);
    }
    return this.freshArray(type, this.lowerExpr(args[0], out), out, name, e, fill);
  }

  private arrayFrom(c: TS.CallExpression, type: ArrayType, out: Stmt[], name: string): Var {
    const [source, mapFn] = c.arguments;
    const fn = mapFn && this.fnValue(mapFn);
    const s = source && skipParens(source);
    if (s && ts.isObjectLiteralExpression(s)) {
      // Array.from({ length: n }, (_, i) => …)
      const prop = s.properties.length === 1 ? s.properties[0] : undefined;
      if (!prop || !ts.isPropertyAssignment(prop) || prop.name.getText() !== 'length') {
        unsupported(s, 'Array.from of an object other than { length: n }', 'write Array.from({ length: n }, (_, i) => …)');
      }
      const arr = this.freshArray(type, this.lowerExpr(prop.initializer, out), out, name, c);
      this.countedLoop(num(0), this.temp('num', { k: 'length', arr }, out), out, (i, body) => {
        const value = fn ? this.callback(fn, [undefined, i], c, body) : num(NaN);
        body.push({ k: 'store', arr, index: i, value: fn ? value : num(0) });
      });
      if (!fn) unsupported(c, 'Array.from({ length: n }) without a function makes undefined elements', 'write new Array(n).fill(0), or pass (_, i) => …');
      return arr;
    }
    if (!s || !this.isArray(s)) unsupported(c, 'Array.from of something other than an array or { length: n }', 'pass an array');
    const src = this.flatArray(this.lowerArray(s, out), s);
    const arr = this.freshArray(type, this.temp('num', { k: 'length', arr: src }, out), out, name, c);
    this.eachElement(src, out, (v, i, body) => body.push({ k: 'store', arr, index: i, value: fn ? this.callback(fn, [v, i], c, body) : v }));
    return arr;
  }

  /** Calls a callback with element arguments (undefined for `_` slots that must not be read). */
  protected callback(fn: FnValue, args: readonly (Atom | Var | undefined)[], site: TS.Node, out: Stmt[], arrays = false): Atom {
    const wanted = 'math' in fn ? 1 : fn.decl.parameters.length;
    const bound = args.slice(0, wanted).map((a): Bound | undefined => (a === undefined ? undefined : 'kind' in a ? { k: 'atom', a: ref(a) } : { k: 'atom', a }));
    const value = this.invoke(fn, bound.length > 0 && bound[0] === undefined && 'decl' in fn ? this.absentFirst(fn as FnValue & { decl: FunctionLike }, bound) : bound, site, out);
    if (!arrays && value.k === 'var' && value.v.kind === 'array') unsupported(site, 'a callback that returns an array', 'return numbers from this callback');
    return value;
  }

  /** `(_, i) => …`: the unused first argument of Array.from's callback has no value; reading it is an error. */
  private absentFirst(fn: FnValue & { decl: FunctionLike }, bound: (Bound | undefined)[]): (Bound | undefined)[] {
    const first = fn.decl.parameters[0];
    if (first && !first.initializer) {
      const symbol = ts.isIdentifier(first.name) ? this.checker.getSymbolAtLocation(first.name) : undefined;
      const reads = symbol && this.reads(fn.decl.body!, symbol);
      if (reads) unsupported(first, 'the first argument of Array.from({ length: n }, fn) is undefined', 'use the index: (_, i) => …');
    }
    return [{ k: 'atom', a: num(0) }, ...bound.slice(1)];
  }

  private reads(node: TS.Node, symbol: TS.Symbol): boolean {
    if (ts.isIdentifier(node) && this.checker.getSymbolAtLocation(node) === symbol) return true;
    return ts.forEachChild(node, (c) => (this.reads(c, symbol) ? true : undefined)) ?? false;
  }

  /** `Math.max(...xs, y)`: min, max and hypot of spread arrays folded over their elements. */
  protected override mathCall(c: TS.CallExpression, fn: string, out: Stmt[]): Atom {
    if (!c.arguments.some(ts.isSpreadElement)) return super.mathCall(c, fn, out);
    if (fn !== 'min' && fn !== 'max' && fn !== 'hypot') unsupported(c, `Math.${fn} of a spread array`, 'spread arrays into Math.min, Math.max and Math.hypot only');
    const acc = this.newVar(fn, { kind: 'num' }, c);
    out.push({ k: 'assign', target: acc, expr: { k: 'atom', a: num(fn === 'min' ? Infinity : fn === 'max' ? -Infinity : 0) }, init: true });
    const fold = (x: Atom, into: Stmt[]): void => this.assignTo(acc, this.temp('num', { k: 'math', fn, args: [ref(acc), x] }, into), into);
    for (const a of c.arguments) {
      if (ts.isSpreadElement(a)) this.eachElement(this.lowerArray(a.expression, out), out, (v, _, body) => fold(v, body));
      else fold(this.lowerExpr(a, out), out);
    }
    return ref(acc);
  }

  // ── methods ─────────────────────────────────────────────────────────────────────────────────

  /** A method of an array used as a value of its own (reduce, some, at, …) or as a statement (forEach, fill). */
  protected methodCall(c: TS.CallExpression, callee: TS.PropertyAccessExpression, out: Stmt[]): Atom {
    const method = callee.name.text;
    if (!this.isArray(callee.expression)) {
      return unsupported(c, `method call '${callee.getText()}'`, 'differentiated code calls Math.*, array methods and functions declared in the program');
    }
    if (arrayMethods.has(method)) {
      this.arrayMethod(c, callee, out, method);
      return bool(true);
    }
    const arr = this.lowerArray(callee.expression, out);
    const fn = callbackMethods.has(method) ? this.callbackArg(c) : undefined;
    switch (method) {
      case 'forEach':
        this.eachElement(arr, out, (v, i, body) => this.callback(fn!, [v, i, arr], c, body));
        return bool(true);
      case 'reduce':
      case 'reduceRight':
        return this.reduce(c, arr, fn!, method === 'reduceRight', out);
      case 'some':
      case 'every':
      case 'findIndex':
      case 'find':
        return this.search(c, method, arr, fn!, out).value;
      case 'at': {
        const index = this.indexArg(c, arr, out);
        return this.loadElement(arr, index, out);
      }
      case 'includes':
      case 'indexOf': {
        const x = this.lowerExpr(c.arguments[0], out);
        const found = this.search(c, 'findIndex', arr, { test: x }, out).value;
        return method === 'indexOf' ? found : this.temp('bool', { k: 'bin', op: '>=', a: found, b: num(0) }, out);
      }
      case 'push': {
        if (arr.arrayType !== 'numarr' || arr.outer || !this.locals.includes(arr) || this.shared.has(arr) || this.views.has(arr)) {
          unsupported(c, `push onto '${callee.expression.getText()}': only a local number[] of this function can grow`,
            'build the array in a local (const out: number[] = []) and push there');
        }
        (arr as { growable?: boolean }).growable = true;
        for (const a of c.arguments) {
          const append = (v: Atom, into: Stmt[]): void => {
            const k = this.temp('num', { k: 'length', arr }, into);
            into.push({ k: 'store', arr, index: k, value: v });
          };
          if (ts.isSpreadElement(a)) this.eachElement(this.lowerArray(a.expression, out), out, (v, _, body) => append(v, body));
          else append(this.lowerExpr(a, out), out);
        }
        return this.temp('num', { k: 'length', arr }, out);
      }
      default:
        return unsupported(c, `array method '${method}' is not supported`,
          'supported: map, forEach, reduce, reduceRight, filter, some, every, find, findIndex, indexOf, includes, at, fill, slice, subarray, concat');
    }
  }

  private callbackArg(c: TS.CallExpression): FnValue {
    const [fn] = c.arguments;
    if (!fn) unsupported(c, `'${c.expression.getText()}' needs a function`, 'pass an arrow function');
    if (ts.isSpreadElement(fn)) unsupported(fn, 'spread arguments are not supported', 'pass the function');
    return this.fnValue(fn);
  }

  /** `.at(i)`: a negative index counts from the end. */
  private indexArg(c: TS.CallExpression, arr: Var, out: Stmt[]): Atom {
    const index = this.lowerExpr(c.arguments[0], out);
    if (index.k === 'const') {
      return (index.value as number) >= 0 ? index : this.temp('num', { k: 'bin', op: '+', a: this.temp('num', { k: 'length', arr }, out), b: index }, out);
    }
    const n = this.temp('num', { k: 'length', arr }, out);
    const negative = this.temp('bool', { k: 'bin', op: '<', a: index, b: num(0) }, out);
    const wrapped = this.temp('num', { k: 'bin', op: '+', a: n, b: index }, out);
    return this.temp('num', { k: 'select', c: negative, a: wrapped, b: index }, out);
  }

  private reduce(c: TS.CallExpression, arr: Var, fn: FnValue, right: boolean, out: Stmt[]): Atom {
    const acc = this.newVar('acc', { kind: 'num' }, c);
    const init = c.arguments[1];
    const n = this.temp('num', { k: 'length', arr }, out);
    if (init) {
      out.push({ k: 'assign', target: acc, expr: { k: 'atom', a: this.lowerExpr(init, out) }, init: true });
    } else {
      // no initial value: the first element (last, for reduceRight); empty arrays throw in JS as here they give NaN
      const first = right ? this.temp('num', { k: 'bin', op: '-', a: n, b: num(1) }, out) : num(0);
      out.push({ k: 'assign', target: acc, expr: { k: 'load', arr: this.flatArray(arr, c), index: first }, init: true });
    }
    const step = (v: Atom, i: Atom, body: Stmt[]): void => this.assignTo(acc, this.callback(fn, [ref(acc), v, i, arr], c, body), body);
    if (right) {
      const last = this.temp('num', { k: 'bin', op: '-', a: n, b: num(init ? 1 : 2) }, out);
      this.countedLoop(last, num(0), out, (i, body) => step(this.loadElement(arr, i, body), i, body), -1);
    } else {
      this.eachElement(arr, out, step, false, undefined, init ? num(0) : num(1));
    }
    return ref(acc);
  }

  /**
   * some / every / find / findIndex (and indexOf, with `test`): a loop that stops at the first
   * element that decides; `found` says whether one did.
   */
  protected search(c: TS.CallExpression, method: string, arr: Var, fn: FnValue | { test: Atom }, out: Stmt[]): { value: Atom; found: Var } {
    if (method === 'find' || 'test' in fn) this.flatArray(arr, c);
    const found = this.newVar('found', { kind: 'bool' }, c);
    out.push({ k: 'assign', target: found, expr: { k: 'atom', a: bool(false) }, init: true });
    const kind = method === 'some' || method === 'every' ? 'bool' : 'num';
    const value = this.newVar(method === 'find' ? 'item' : method === 'findIndex' ? 'index' : method, { kind }, c);
    const initial = method === 'every' ? bool(true) : method === 'some' ? bool(false) : method === 'findIndex' ? num(-1) : num(NaN);
    out.push({ k: 'assign', target: value, expr: { k: 'atom', a: initial }, init: true });
    this.eachElement(arr, out, (v, i, body) => {
      let test = 'test' in fn ? this.temp('bool', { k: 'bin', op: '===', a: v, b: fn.test }, body) : this.callback(fn, [v, i, arr], c, body);
      if (method === 'every') test = this.temp('bool', { k: 'un', op: '!', a: test }, body);
      const hit: Stmt[] = [{ k: 'assign', target: found, expr: { k: 'atom', a: bool(true) } }];
      const result: Atom = method === 'some' ? bool(true) : method === 'every' ? bool(false) : method === 'find' ? v : i;
      hit.push({ k: 'assign', target: value, expr: { k: 'atom', a: result } });
      body.push({ k: 'if', cond: test, then: hit, else: [] });
    }, false, found);
    return { value: ref(value), found };
  }

  /** `xs.find(p) ?? d`, `xs.at(i) ?? d`: the value, and whether there is one. */
  protected maybeValue(e: TS.Expression, out: Stmt[]): { value: Atom; present: Atom } | undefined {
    e = skipParens(e);
    if (!ts.isCallExpression(e) || !ts.isPropertyAccessExpression(e.expression) || !this.isArray(e.expression.expression)) return undefined;
    const method = e.expression.name.text;
    if (method === 'find') {
      const arr = this.lowerArray(e.expression.expression, out);
      const { value, found } = this.search(e, 'find', arr, this.callbackArg(e), out);
      return { value, present: ref(found) };
    }
    if (method === 'at') {
      const arr = this.lowerArray(e.expression.expression, out);
      const index = this.indexArg(e, arr, out);
      const n = this.temp('num', { k: 'length', arr }, out);
      const low = this.temp('bool', { k: 'bin', op: '>=', a: index, b: num(0) }, out);
      const high = this.temp('bool', { k: 'bin', op: '<', a: index, b: n }, out);
      const present = this.temp('bool', { k: 'bin', op: '&&', a: low, b: high }, out);
      const value = this.newVar('item', { kind: 'num' }, e);
      out.push({ k: 'assign', target: value, expr: { k: 'atom', a: num(NaN) }, init: true });
      out.push({ k: 'if', cond: present, then: [{ k: 'assign', target: value, expr: { k: 'load', arr, index } }], else: [] });
      return { value: ref(value), present };
    }
    return undefined;
  }

  /** Methods that give an array: map, filter, slice, subarray, concat, fill (the same array). */
  protected arrayMethod(c: TS.CallExpression, callee: TS.PropertyAccessExpression, out: Stmt[], name: string): Var {
    const method = callee.name.text;
    const arr = this.lowerArray(callee.expression, out);
    if (method !== 'map') this.flatArray(arr, callee.expression);
    const type = arr.arrayType === 'rows' ? 'numarr' : arr.arrayType ?? 'numarr';
    switch (method) {
      case 'map': {
        const fn = this.callbackArg(c);
        const returns = this.checker.getTypeAtLocation(c);
        const elementType = this.checker.getIndexTypeOfType(returns, ts.IndexKind.Number);
        const toRows = !!elementType && isArrayType(elementType, this.checker);
        if (toRows) return this.mapToRows(c, arr, fn, out, name);
        if (elementType && scalarKind(elementType) !== 'num' && scalarKind(elementType) !== 'unknown') {
          unsupported(c, `map to ${this.checker.typeToString(elementType)}`, 'map to numbers or to arrays of numbers; arrays of objects are not supported yet');
        }
        const result = this.freshArray(type, this.temp('num', { k: 'length', arr }, out), out, name, c);
        this.eachElement(arr, out, (v, i, body) => body.push({ k: 'store', arr: result, index: i, value: this.callback(fn, [v, i, arr], c, body) }));
        return result;
      }
      case 'filter': {
        // first the tests, kept in an integer array (they carry no derivative), then the copy
        const fn = this.callbackArg(c);
        const n = this.temp('num', { k: 'length', arr }, out);
        const keep = this.freshArray('int', n, out, 'keep', c);
        const count = this.newVar('count', { kind: 'num' }, c);
        out.push({ k: 'assign', target: count, expr: { k: 'atom', a: num(0) }, init: true });
        this.eachElement(arr, out, (v, i, body) => {
          const test = this.callback(fn, [v, i, arr], c, body);
          const yes = this.temp('num', { k: 'select', c: test, a: num(1), b: num(0) }, body);
          body.push({ k: 'store', arr: keep, index: i, value: yes });
          this.assignTo(count, this.temp('num', { k: 'bin', op: '+', a: ref(count), b: yes }, body), body);
        });
        const result = this.freshArray(type, ref(count), out, name, c);
        const at = this.newVar('j', { kind: 'num' }, c);
        out.push({ k: 'assign', target: at, expr: { k: 'atom', a: num(0) }, init: true });
        this.eachElement(arr, out, (v, i, body) => {
          const kept = this.temp('num', { k: 'load', arr: keep, index: i }, body);
          const yes = this.temp('bool', { k: 'bin', op: '===', a: kept, b: num(1) }, body);
          const then: Stmt[] = [{ k: 'store', arr: result, index: ref(at), value: v }, { k: 'assign', target: at, expr: { k: 'bin', op: '+', a: ref(at), b: num(1) } }];
          body.push({ k: 'if', cond: yes, then, else: [] });
        });
        return result;
      }
      case 'slice':
      case 'subarray': {
        const n = this.temp('num', { k: 'length', arr }, out);
        const start = c.arguments[0] ? this.clampIndex(this.lowerExpr(c.arguments[0], out), n, out) : num(0);
        const end = c.arguments[1] ? this.clampIndex(this.lowerExpr(c.arguments[1], out), n, out) : n;
        const length = this.temp('num', { k: 'math', fn: 'max', args: [this.temp('num', { k: 'bin', op: '-', a: end, b: start }, out), num(0)] }, out);
        const result = this.freshArray(type, length, out, name, c);
        this.countedLoop(num(0), length, out, (i, body) => {
          const from = this.temp('num', { k: 'bin', op: '+', a: start, b: i }, body);
          body.push({ k: 'store', arr: result, index: i, value: this.temp('num', { k: 'load', arr, index: from }, body) });
        });
        if (method === 'subarray') this.views.add(result);
        return result;
      }
      case 'concat': {
        const others = c.arguments.map((a) => {
          if (ts.isSpreadElement(a) || !this.isArray(a)) unsupported(a, 'concat of something other than arrays', 'concat arrays, or build [...xs, v]');
          return this.lowerArray(a, out);
        });
        let length = this.temp('num', { k: 'length', arr }, out);
        for (const o of others) length = this.add(length, this.temp('num', { k: 'length', arr: o }, out), out);
        const result = this.freshArray('numarr', length, out, name, c);
        let at = this.copyInto(result, arr, num(0), out);
        for (const o of others) at = this.copyInto(result, o, at, out);
        return result;
      }
      case 'fill': {
        if (arr.outer) unsupported(c, `filling outer array '${arr.name}'`, 'pass the array as a parameter');
        if (this.shared.has(arr) || this.views.has(arr)) unsupported(c, `filling '${callee.expression.getText()}', which shares its array with another variable`, 'copy it first and fill the copy');
        const value = this.lowerExpr(c.arguments[0], out);
        const n = this.temp('num', { k: 'length', arr }, out);
        const start = c.arguments[1] ? this.clampIndex(this.lowerExpr(c.arguments[1], out), n, out) : num(0);
        const end = c.arguments[2] ? this.clampIndex(this.lowerExpr(c.arguments[2], out), n, out) : n;
        this.countedLoop(start, end, out, (i, body) => body.push({ k: 'store', arr, index: i, value }));
        return arr;
      }
      default:
        return unsupported(c, `'${method}' does not give an array`, 'use map, filter, slice, subarray, concat or Array.from');
    }
  }

  /** `A.map((row) => row.map(…))`: an array of arrays, each callback's array stored as a row. */
  private mapToRows(c: TS.CallExpression, arr: Var, fn: FnValue, out: Stmt[], name: string): Var {
    const n = this.temp('num', { k: 'length', arr }, out);
    let result: Var | undefined;
    const body: Stmt[] = [];
    // the rows' type is known once the callback is lowered: allocate after, in front of the loop
    const loop: Stmt[] = [];
    this.eachElement(arr, loop, (v, i, inner) => {
      const row = this.callback(fn, [v, i, arr], c, inner, true);
      if (row.k !== 'var' || row.v.kind !== 'array') unsupported(c, 'a callback that does not return an array here', 'return an array from every path');
      const value = this.rowValue(row.v, c);
      result ??= this.newVar(name, { kind: 'array', arrayType: 'rows', row: value.arrayType as Var['row'] }, c);
      inner.push({ k: 'store', arr: result, index: i, value: ref(value) });
    });
    if (!result) return unsupported(c, 'map over an array of arrays with no elements', 'map a non-empty array');
    body.push({ k: 'assign', target: result, expr: { k: 'newArray', type: 'rows', ctor: 'Array', length: n, fill: num(0) }, init: true });
    out.push(...body, ...loop);
    return result;
  }

  /** slice's index rule: negative counts from the end, then clamped to [0, n]. */
  private clampIndex(index: Atom, n: Atom, out: Stmt[]): Atom {
    if (index.k === 'const' && (index.value as number) >= 0) return this.temp('num', { k: 'math', fn: 'min', args: [index, n] }, out);
    const negative = this.temp('bool', { k: 'bin', op: '<', a: index, b: num(0) }, out);
    const fromEnd = this.temp('num', { k: 'math', fn: 'max', args: [this.temp('num', { k: 'bin', op: '+', a: n, b: index }, out), num(0)] }, out);
    const fromStart = this.temp('num', { k: 'math', fn: 'min', args: [index, n] }, out);
    return this.temp('num', { k: 'select', c: negative, a: fromEnd, b: fromStart }, out);
  }
}
