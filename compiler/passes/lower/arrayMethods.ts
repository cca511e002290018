/**
 * Array methods: each a counted loop over the elements with the callback inlined in its body
 * (arrays.ts builds the loops). reduce keeps an accumulator, some/every/find/findIndex stop at the
 * first element that decides, filter tests first and copies second, map may build an array of
 * arrays (each callback's array a row).
 */
import type * as TS from 'typescript';
import { unsupported } from '../../diagnostics.js';
import { type Atom, bool, num, ref, type Stmt, type Var } from '../../ir.js';
import { ts } from '../../tsapi.js';
import { isObjectType, scalarKind } from '../../types.js';
import { arrayMethods, ArrayLowerer } from './arrays.js';
import { type FnValue, isArrayType, skipParens } from './base.js';

const callbackMethods: ReadonlySet<string> = new Set(['map', 'forEach', 'reduce', 'reduceRight', 'filter', 'some', 'every', 'find', 'findIndex']);

export abstract class ArrayMethodLowerer extends ArrayLowerer {
  /** A method of an array used as a value of its own (reduce, some, at, …) or as a statement (forEach, fill). */
  protected methodCall(c: TS.CallExpression, callee: TS.PropertyAccessExpression, out: Stmt[]): Atom {
    const method = callee.name.text;
    const inlined = this.classMethod(c, callee, out);
    if (inlined) return inlined;
    if (!this.isArray(callee.expression) && isObjectType(this.checker.getTypeAtLocation(callee.expression), this.checker)) {
      return unsupported(c, `'${callee.getText()}(…)' calls a method or a function held in an object`,
        'call functions by name (a module function taking the object); methods and function fields are not differentiated through yet');
    }
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
            into.push({ k: 'store', arr, index: k, value: v, append: true });
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
    const init = c.arguments[1];
    if (init && this.isArray(init) && !scalarKind(this.checker.getTypeAtLocation(init))) return this.reduceArray(c, arr, fn, init, right, out);
    const acc = this.newVar('acc', { kind: 'num' }, c);
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
   * `layers.reduce((h, layer) => next(h, layer), x)`: an array accumulator, given each step the new
   * array the callback returns (as `h = step(h)` in a loop); it starts as another name for `x`.
   */
  private reduceArray(c: TS.CallExpression, arr: Var, fn: FnValue, init: TS.Expression, right: boolean, out: Stmt[]): Atom {
    const start = this.lowerArray(init, out);
    const acc = this.newVar('acc', { kind: 'array', arrayType: start.arrayType, row: start.row, fields: start.fields }, c);
    out.push({ k: 'assign', target: acc, expr: { k: 'atom', a: ref(start) }, init: true });
    this.shared.add(acc).add(start);
    this.reassignable.add(acc);
    const step = (v: Atom, i: Atom, body: Stmt[]): void => {
      const before = this.nextVar;
      const next = this.callback(fn, [ref(acc), v, i, arr], c, body, true);
      if (next.k !== 'var' || next.v.kind !== 'array') unsupported(c, 'a reduce that starts from an array and returns something else', 'return the next array from each step');
      if (next.v === acc) return;
      if (next.v.id < before || next.v.outer) {
        unsupported(c, 'a reduce step that returns an array that existed before it: two variables naming one array', 'return a new array from each step (h.map(…), [...h], a helper\'s result)');
      }
      if (next.v.arrayType !== acc.arrayType) unsupported(c, 'a reduce step that returns another type of array than it starts from', 'start from and return the same type of array');
      body.push({ k: 'assign', target: acc, expr: { k: 'atom', a: next } });
    };
    const n = this.temp('num', { k: 'length', arr }, out);
    if (right) {
      const last = this.temp('num', { k: 'bin', op: '-', a: n, b: num(1) }, out);
      this.countedLoop(last, num(0), out, (i, body) => step(this.loadElement(arr, i, body), i, body), -1);
    } else {
      this.eachElement(arr, out, step);
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
    const rowsSlice = method === 'slice' && arr.arrayType === 'rows';
    if (method !== 'map' && method !== 'flat' && !rowsSlice) this.flatArray(arr, callee.expression);
    const type = arr.arrayType === 'rows' || arr.arrayType === 'objects' ? 'numarr' : arr.arrayType ?? 'numarr';
    switch (method) {
      case 'map': {
        const fn = this.callbackArg(c);
        const returns = this.checker.getTypeAtLocation(c);
        const elementType = this.checker.getIndexTypeOfType(returns, ts.IndexKind.Number);
        const toRows = !!elementType && isArrayType(elementType, this.checker);
        if (toRows) return this.mapToRows(c, arr, fn, out, name);
        if (elementType && scalarKind(elementType) !== 'num' && scalarKind(elementType) !== 'unknown') {
          unsupported(c, `map to ${this.checker.typeToString(elementType)} here`, isObjectType(elementType, this.checker)
            ? 'an array of objects is built into a const (const samples = xs.map((x) => ({ … }))), or read at once (xs.map(…).reduce(…)), then only read'
            : 'map to numbers, to arrays of numbers, or to objects of those');
        }
        const result = this.filledArray(type, this.temp('num', { k: 'length', arr }, out), out, name, c);
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
        if (rowsSlice) {
          // A.slice(1): the same rows, by reference, in a new array
          return this.buildRows(length, c, name, out, (i, body) => ref(this.rowOf(arr, this.temp('num', { k: 'bin', op: '+', a: start, b: i }, body), body)));
        }
        const result = this.filledArray(type, length, out, name, c);
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
        const result = this.filledArray('numarr', length, out, name, c);
        let at = this.copyInto(result, arr, num(0), out);
        for (const o of others) at = this.copyInto(result, o, at, out);
        return result;
      }
      case 'flat': {
        // `W.flat()`: the rows one after another in a new number[]
        const depth = c.arguments[0] ? this.lowerExpr(c.arguments[0], out) : num(1);
        if (arr.arrayType !== 'rows' || depth.k !== 'const' || depth.value !== 1) unsupported(c, 'flat() of something other than an array of arrays, one level', 'flatten arrays of arrays: A.flat()');
        let length: Atom = num(0);
        const total = this.newVar('total', { kind: 'num' }, c);
        out.push({ k: 'assign', target: total, expr: { k: 'atom', a: length }, init: true });
        this.eachElement(arr, out, (row, _, body) => {
          const n = this.temp('num', { k: 'length', arr: (row as { v: Var }).v }, body);
          this.assignTo(total, this.temp('num', { k: 'bin', op: '+', a: ref(total), b: n }, body), body);
        });
        length = ref(total);
        const result = this.filledArray('numarr', length, out, name, c);
        const at = this.newVar('at', { kind: 'num' }, c);
        out.push({ k: 'assign', target: at, expr: { k: 'atom', a: num(0) }, init: true });
        this.eachElement(arr, out, (row, _, body) => this.assignTo(at, this.copyInto(result, (row as { v: Var }).v, ref(at), body), body));
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
    return this.buildRows(n, c, name, out, (i, body) => this.callback(fn, [this.loadElement(arr, i, body), i, arr], c, body, true));
  }

  /** slice's index rule: the integer part (NaN as 0), negative counts from the end, then clamped to [0, n]. */
  private clampIndex(given: Atom, n: Atom, out: Stmt[]): Atom {
    const index = this.integerOf(given, out);
    if (index.k === 'const' && (index.value as number) >= 0) return this.temp('num', { k: 'math', fn: 'min', args: [index, n] }, out);
    const negative = this.temp('bool', { k: 'bin', op: '<', a: index, b: num(0) }, out);
    const fromEnd = this.temp('num', { k: 'math', fn: 'max', args: [this.temp('num', { k: 'bin', op: '+', a: n, b: index }, out), num(0)] }, out);
    const fromStart = this.temp('num', { k: 'math', fn: 'min', args: [index, n] }, out);
    return this.temp('num', { k: 'select', c: negative, a: fromEnd, b: fromStart }, out);
  }
}
