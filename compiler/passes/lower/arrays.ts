/**
 * Arrays as values: allocations, copies, literals with spread, arrays of arrays, and the loops and
 * callbacks the array methods (arrayMethods.ts) are built from. A method is a counted loop with
 * its callback inlined in the body (no closure per element):
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
import { type ArrayType, type Atom, type Expr, num, ref, type Stmt, type Var } from '../../ir.js';
import { ts } from '../../tsapi.js';
import { arrayTypeOfConstructor, isObjectType } from '../../types.js';
import { type FnValue, type FunctionLike, isArrayType, isNumeric, skipParens } from './base.js';
import { type Bound, CallLowerer } from './calls.js';

/** What the loop over an array's elements hands its body: the element, the index, the array. */
type Each = (v: Atom, i: Atom, body: Stmt[]) => void;

/** Methods that give an array (arrayMethods.ts). */
export const arrayMethods: ReadonlySet<string> = new Set(['map', 'filter', 'slice', 'subarray', 'concat', 'fill', 'flat']);

export abstract class ArrayLowerer extends CallLowerer {
  /** map, filter, slice, subarray, concat, fill (arrayMethods.ts). */
  protected abstract arrayMethod(c: TS.CallExpression, callee: TS.PropertyAccessExpression, out: Stmt[], name: string): Var;

  /** The array an array-valued expression names or builds; `name` names a fresh one. */
  protected lowerArray(e: TS.Expression, out: Stmt[], name = 'arr'): Var {
    e = skipParens(e);
    const got = ts.isPropertyAccessExpression(e) ? this.getter(e, out) : undefined;
    if (got?.k === 'var' && got.v.kind === 'array') return got.v;
    if (got) unsupported(e, `getter '${e.getText()}' gives a number, used as an array`, 'index arrays, not numbers');
    if (ts.isPropertyAccessExpression(e) && !this.structOf(e.expression)) {
      // `layer.W`, `cameras[k].rotation`: an array field of an object
      const obj = this.recordValue(e.expression, out);
      if (obj) {
        const a = this.fieldOf(obj, e.name.text, out, e);
        if (a.k === 'var' && a.v.kind === 'array') return a.v;
        unsupported(e, `'${e.getText()}' is not an array`, 'index arrays, not numbers');
      }
    }
    if (ts.isIdentifier(e) || ts.isPropertyAccessExpression(e)) return this.arrayVar(e);
    if (ts.isArrayLiteralExpression(e)) return this.arrayLiteral(e, out, name);
    if (ts.isElementAccessExpression(e)) {
      const rows = this.lowerArray(e.expression, out);
      if (rows.arrayType === 'objects') return this.recordOf(rows, this.lowerExpr(e.argumentExpression, out), out, e);
      if (rows.arrayType !== 'rows') unsupported(e, `'${e.getText()}' is a number, used as an array`, 'index arrays of arrays twice: A[i][j]');
      return this.rowOf(rows, this.lowerExpr(e.argumentExpression, out), out, e);
    }
    if (ts.isConditionalExpression(e)) return this.arrayTernary(e, out, name);
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

  /**
   * `c ? z.map(f) : z`: a variable that each branch points at its array (as a helper with several
   * returns does). Arrays that existed before are from then on only read through either name.
   */
  private arrayTernary(e: TS.ConditionalExpression, out: Stmt[], name: string): Var {
    const cond = this.lowerExpr(e.condition, out);
    if (cond.k === 'const') return this.lowerArray(cond.value ? e.whenTrue : e.whenFalse, out, name);
    const before = this.nextVar;
    const whenTrue: Stmt[] = [];
    const whenFalse: Stmt[] = [];
    const a = this.lowerArray(e.whenTrue, whenTrue, name);
    const b = this.lowerArray(e.whenFalse, whenFalse, name);
    if (a.arrayType !== b.arrayType || a.row !== b.row) {
      unsupported(e, `a ternary between arrays of two types (${a.arrayType === 'numarr' ? 'number[]' : a.arrayType} and ${b.arrayType === 'numarr' ? 'number[]' : b.arrayType})`,
        'make both arms the same type of array');
    }
    const r = this.newVar(name, { kind: 'array', arrayType: a.arrayType, row: a.row, fields: a.fields }, e);
    whenTrue.push({ k: 'assign', target: r, expr: { k: 'atom', a: ref(a) } });
    whenFalse.push({ k: 'assign', target: r, expr: { k: 'atom', a: ref(b) } });
    out.push({ k: 'if', cond, then: whenTrue, else: whenFalse });
    for (const x of [a, b]) {
      if (x.id < before || x.outer || this.shared.has(x)) this.shared.add(r).add(x);
      if (this.rowVars.has(x) || this.views.has(x)) this.rowVars.add(r);
    }
    return r;
  }

  /** The object an object-typed expression names (`layer`, `layers[i]`, `cam.intrinsics`), if it is one. */
  protected recordValue(e: TS.Expression, out: Stmt[]): Var | undefined {
    const isThis = skipParens(e).kind === ts.SyntaxKind.ThisKeyword;
    if ((!isThis && !isObjectType(this.checker.getTypeAtLocation(e), this.checker)) || this.structOf(e)) return undefined;
    const a = this.lowerExpr(e, out);
    return a.k === 'var' && a.v.arrayType === 'record' ? a.v : undefined;
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
    return this.allocate({ k: 'newArray', type, ctor: ctorOf(type), length, fill }, out, name, node, row);
  }

  /** A fresh array that the caller writes every element of next (a map's result, a copy): IR newArray's `written`. */
  protected filledArray(type: ArrayType, length: Atom, out: Stmt[], name: string, node?: TS.Node): Var {
    return this.allocate({ k: 'newArray', type, ctor: ctorOf(type), length, fill: num(0), written: true }, out, name, node);
  }

  private allocate(e: Expr & { k: 'newArray' }, out: Stmt[], name: string, node?: TS.Node, row?: Var['row']): Var {
    const v = this.newVar(name, { kind: 'array', arrayType: e.type, row }, node);
    out.push({ k: 'assign', target: v, expr: e, init: true });
    return v;
  }

  /** `A[i]` of an array of rows (number[][]): the row itself, read-only. */
  protected rowOf(rows: Var, index: Atom, out: Stmt[], node?: TS.Node): Var {
    const row = this.newVar('row', { kind: 'array', arrayType: rows.row }, node);
    out.push({ k: 'assign', target: row, expr: { k: 'load', arr: rows, index }, init: true });
    this.rowVars.add(row);
    return row;
  }

  /** `layers[i]` of an array of objects: the object itself, read-only. */
  protected recordOf(objects: Var, index: Atom, out: Stmt[], node?: TS.Node, name = 'item'): Var {
    const v = this.newVar(name, { kind: 'array', arrayType: 'record', fields: objects.fields }, node);
    out.push({ k: 'assign', target: v, expr: { k: 'load', arr: objects, index }, init: true });
    this.rowVars.add(v);
    return v;
  }

  /**
   * `obj.name` of a record: a number or boolean in a temporary, an array or object by reference
   * (read-only, like a row).
   */
  protected fieldOf(obj: Var, name: string, out: Stmt[], node: TS.Node): Atom {
    const shape = obj.fields?.get(name);
    if (!shape) {
      unsupported(node, `'${name}' is not a field tsgrad reads: a number, boolean, string, numeric array, or an object or array of objects of those`,
        'read fields that hold numbers, arrays or objects; methods and getters are not read through objects yet');
    }
    if (shape.kind !== 'array') return this.temp(shape.kind, { k: 'field', obj, name }, out);
    const v = this.newVar(name, shape, node);
    out.push({ k: 'assign', target: v, expr: { k: 'field', obj, name }, init: true });
    this.rowVars.add(v);
    return ref(v);
  }

  /** An element: a number, a row of an array of rows, or an object of an array of objects. */
  protected loadElement(arr: Var, index: Atom, out: Stmt[]): Atom {
    if (arr.arrayType === 'rows') return ref(this.rowOf(arr, index, out));
    if (arr.arrayType === 'objects') return ref(this.recordOf(arr, index, out));
    return this.temp('num', { k: 'load', arr, index }, out);
  }

  /** An array whose elements are numbers, for the builders that copy elements. */
  protected flatArray(arr: Var, node: TS.Node): Var {
    if (arr.arrayType === 'rows') unsupported(node, `copying or searching '${node.getText()}', an array of arrays`, 'arrays of arrays are read (A[i][j], map, reduce, for…of) but not copied yet');
    if (arr.arrayType === 'objects') unsupported(node, `copying or searching '${node.getText()}', an array of objects`, 'arrays of objects are read (xs[i].field, map, reduce, forEach, for…of) but not copied or searched yet');
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

  /** JavaScript's ToIntegerOrInfinity, as slice and Array.from apply it: the integer part, NaN as 0. */
  protected integerOf(a: Atom, out: Stmt[]): Atom {
    if (a.k === 'const') return num(Number.isNaN(Number(a.value)) ? 0 : Math.trunc(Number(a.value)));
    const isNumber = this.temp('bool', { k: 'bin', op: '===', a, b: a }, out);
    return this.temp('num', { k: 'select', c: isNumber, a: this.temp('num', { k: 'math', fn: 'trunc', args: [a] }, out), b: num(0) }, out);
  }

  /** `Array.from({ length: x })`'s length: ToLength(x), the integer part of x, at least 0. */
  protected lengthOf(a: Atom, out: Stmt[]): Atom {
    const n = this.integerOf(a, out);
    return n.k === 'const' ? num(Math.max(0, n.value as number)) : this.temp('num', { k: 'math', fn: 'max', args: [n, num(0)] }, out);
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
    const arr = this.filledArray('numarr', length, out, name, e);
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

  protected add(a: Atom, b: Atom, out: Stmt[]): Atom {
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
      const arr = this.filledArray(type, this.temp('num', { k: 'length', arr: src }, out), out, name, e);
      this.copyInto(arr, src, num(0), out);
      return arr;
    }
    if (args.length !== 1 || !isNumeric(this.checker.getTypeAtLocation(args[0]))) {
      unsupported(e, `${ctor} must be created with a length${ctor === 'Array' ? '' : ' or from an array'}`, `use new ${ctor}(n), then fill it`);
    }
    return this.freshArray(type, this.lowerExpr(args[0], out), out, name, e, fill);
  }

  /**
   * `A.map((row) => …)`, `Array.from({ length: n }, () => new Float64Array(m))`: an array of n
   * arrays, row i the array `make` returns for it, stored by reference.
   */
  protected buildRows(n: Atom, c: TS.Node, name: string, out: Stmt[], make: (i: Atom, body: Stmt[]) => Atom): Var {
    let result: Var | undefined;
    // the rows' type is known once the callback is lowered: allocate after, in front of the loop
    const loop: Stmt[] = [];
    this.countedLoop(num(0), n, loop, (i, body) => {
      const row = make(i, body);
      if (row.k !== 'var' || row.v.kind !== 'array') unsupported(c, 'a callback that does not return an array here', 'return an array from every path');
      const value = this.rowValue(row.v, c);
      result ??= this.newVar(name, { kind: 'array', arrayType: 'rows', row: value.arrayType as Var['row'] }, c);
      body.push({ k: 'store', arr: result, index: i, value: ref(value) });
    });
    if (!result) return unsupported(c, 'an array of arrays with no rows', 'build a non-empty array');
    out.push({ k: 'assign', target: result, expr: { k: 'newArray', type: 'rows', ctor: 'Array', length: n, fill: num(0) }, init: true }, ...loop);
    return result;
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
      const length = this.lengthOf(this.lowerExpr(prop.initializer, out), out);
      if (fn && type === 'numarr' && this.isRows(c)) {
        return this.buildRows(length.k === 'var' ? this.temp('num', { k: 'atom', a: length }, out) : length, c, name, out, (i, body) => this.callback(fn, [undefined, i], c, body, true));
      }
      const arr = this.filledArray(type, length, out, name, c);
      this.countedLoop(num(0), this.temp('num', { k: 'length', arr }, out), out, (i, body) => {
        const value = fn ? this.callback(fn, [undefined, i], c, body) : num(NaN);
        body.push({ k: 'store', arr, index: i, value: fn ? value : num(0) });
      });
      if (!fn) unsupported(c, 'Array.from({ length: n }) without a function makes undefined elements', 'write new Array(n).fill(0), or pass (_, i) => …');
      return arr;
    }
    if (!s || !this.isArray(s)) unsupported(c, 'Array.from of something other than an array or { length: n }', 'pass an array');
    const src = this.flatArray(this.lowerArray(s, out), s);
    const arr = this.filledArray(type, this.temp('num', { k: 'length', arr: src }, out), out, name, c);
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
}

const ctorOf = (type: ArrayType): string => (type === 'numarr' || type === 'rows' ? 'Array' : type === 'f64' ? 'Float64Array' : type === 'f32' ? 'Float32Array' : 'Int32Array');
