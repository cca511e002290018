/**
 * Arrays of objects built in differentiated code, held as one array per field (struct of arrays):
 * a number[] per number field, an array of rows per numeric-array field, nested objects as maps
 * (base.ts: ObjectArray). Such an array is only read: element i is an object known at build time
 * as its fields (a StructNode, objects.ts) loaded from those arrays, so only flat arrays and
 * numbers reach the IR.
 *
 *   const s = xs.map((x, i) => ({ x, y: ys[i] }))   →   s_x = new Array(n); s_y = new Array(n)
 *                                                       loop i < n { s_x[i] = xs[i]; s_y[i] = ys[i] }
 *   s[k].y                                          →   s_y[k]
 *   s.reduce((a, { x, y }) => a + x * y, 0)         →   a = 0; loop i < n { x = s_x[i]; y = s_y[i]; a = a + x * y }
 *
 * Built by `map`, `Array.from` and literals of objects; read by index, destructuring, `.length`,
 * for…of, forEach, reduce, reduceRight, map (to numbers), some, every and findIndex, and passed to
 * functions that are inlined. Anything else (writing an element or a field, returning the array,
 * storing it in an object, push) is an error at build time.
 */
import type * as TS from 'typescript';
import { unsupported } from '../../diagnostics.js';
import { type Atom, bool, num, ref, type Stmt, type Var } from '../../ir.js';
import { ts } from '../../tsapi.js';
import { isObjectType, scalarKind, shapeOf } from '../../types.js';
import { type Bound, type FnValue, type FunctionLike, isNumeric, type ObjectArray, type ObjectArrayNode, skipParens, type StructNode } from './base.js';
import { ObjectLowerer } from './objects.js';

/** What each field of the elements holds: a number, a numeric array (a row), or an object. */
type Layout = Map<string, 'num' | 'row' | Layout>;

const readOnly = 'arrays of objects built in differentiated code are read-only: build the array with the values it should hold (xs.map((x) => ({ …, y: … }))), or keep values that change in a number[] of their own';
const reads = 'read it by index (samples[i].x, const { x } = samples[i]), samples.length, for…of, forEach, reduce, map to numbers, some, every or findIndex, or pass it to a function tsgrad inlines';

export abstract class ObjectArrayLowerer extends ObjectLowerer {
  /** Elements read out of arrays of objects built here: their fields are never written. */
  private readonly elementStructs = new WeakSet<StructNode>();

  /** The array of objects built here that a name stands for. */
  protected objectArrayOf(e: TS.Expression): ObjectArray | undefined {
    e = skipParens(e);
    if (!ts.isIdentifier(e)) return undefined;
    const symbol = this.checker.getSymbolAtLocation(e);
    return symbol && this.lookup((f) => f.objectArrays.get(symbol));
  }

  /**
   * An array of objects built here: one a name stands for, or one this expression builds (map or
   * Array.from with a callback returning objects, a literal of objects). Undefined, with nothing
   * lowered, for anything else.
   */
  protected objectArrayValue(e: TS.Expression, out: Stmt[], name = 'items'): ObjectArray | undefined {
    e = skipParens(e);
    const named = this.objectArrayOf(e);
    if (named) return named;
    const type = this.checker.getTypeAtLocation(e);
    const element = this.checker.isArrayType(type) ? this.checker.getIndexTypeOfType(type, ts.IndexKind.Number) : undefined;
    if (!element || !isObjectType(element, this.checker)) return undefined;
    if (ts.isArrayLiteralExpression(e) && e.elements.length > 0 && e.elements.every((x) => !ts.isSpreadElement(x) && isObjectType(this.checker.getTypeAtLocation(x), this.checker))) {
      const layout = this.layout(element, e, name);
      return this.build(layout, num(e.elements.length), e, name, out, (store, body) => {
        e.elements.forEach((x, i) => {
          const before = this.nextVar;
          const struct = this.structValue(x, body, `${name}_${i}`);
          if (!struct) unsupported(x, `'${x.getText()}' is not an object tsgrad follows`, 'write object literals, objects returned by helpers, or new C(…)');
          store(struct, num(i), body, x, before);
        });
      });
    }
    if (!ts.isCallExpression(e) || !ts.isPropertyAccessExpression(e.expression)) return undefined;
    const callee = e.expression;
    const fn = e.arguments[callee.name.text === 'map' ? 0 : 1];
    if (callee.name.text === 'map' && this.isArray(callee.expression) && fn) {
      const layout = this.layout(element, e, name);
      const source = this.objectArrayValue(callee.expression, out);
      const f = this.elementFn(this.fnValue(fn), fn, source ? 2 : 3);
      const arr = source ? undefined : this.lowerArray(callee.expression, out);
      const n = this.temp('num', { k: 'length', arr: source?.lengthOf ?? arr! }, out);
      return this.build(layout, n, e, name, out, (store, body) => {
        this.countedLoop(num(0), n, body, (i, inner) => {
          const before = this.nextVar;
          const v: Bound = source ? { k: 'struct', s: this.objectElement(source, i, inner) } : { k: 'atom', a: this.loadElement(arr!, i, inner) };
          store(this.returnedObject(f, [v, { k: 'atom', a: i }, arr && { k: 'atom', a: ref(arr) }], e, inner), i, inner, e, before);
        });
      });
    }
    if (callee.name.text === 'from' && ts.isIdentifier(callee.expression) && callee.expression.text === 'Array' && fn) {
      const layout = this.layout(element, e, name);
      const from = skipParens(e.arguments[0]);
      const f = this.elementFn(this.fnValue(fn), fn, 2);
      let n: Atom;
      let at: ((i: Atom, body: Stmt[]) => Bound) | undefined;
      if (ts.isObjectLiteralExpression(from)) {
        const prop = from.properties.length === 1 ? from.properties[0] : undefined;
        if (!prop || !ts.isPropertyAssignment(prop) || prop.name.getText() !== 'length') unsupported(from, 'Array.from of an object other than { length: n }', 'write Array.from({ length: n }, (_, i) => …)');
        n = this.lengthOf(this.lowerExpr(prop.initializer, out), out);
        if (n.k === 'var') n = this.temp('num', { k: 'atom', a: n }, out);
        if (f.decl.parameters[0] && this.readsParam(f.decl, 0)) unsupported(f.decl.parameters[0], 'the first argument of Array.from({ length: n }, fn) is undefined', 'use the index: (_, i) => …');
      } else {
        const source = this.objectArrayValue(from, out);
        const arr = source ? undefined : this.lowerArray(from, out);
        n = this.temp('num', { k: 'length', arr: source?.lengthOf ?? arr! }, out);
        at = (i, body) => (source ? { k: 'struct', s: this.objectElement(source, i, body) } : { k: 'atom', a: this.loadElement(arr!, i, body) });
      }
      return this.build(layout, n, e, name, out, (store, body) => {
        this.countedLoop(num(0), n, body, (i, inner) => {
          const before = this.nextVar;
          store(this.returnedObject(f, [at ? at(i, inner) : { k: 'atom', a: num(0) }, { k: 'atom', a: i }], e, inner), i, inner, e, before);
        });
      });
    }
    return undefined;
  }

  /** The fields of the elements, from their type: numbers, numeric arrays and objects of those. */
  private layout(type: TS.Type, site: TS.Node, name: string, path: string[] = [], depth = 3): Layout {
    if (type.isUnion() || depth === 0) {
      unsupported(site, `an array of objects of ${type.isUnion() ? `several types (${this.checker.typeToString(type)})` : 'objects nested this deep'}`, 'give every element the same fields: numbers, numeric arrays, or objects of those');
    }
    const layout: Layout = new Map();
    for (const prop of this.checker.getPropertiesOfType(type)) {
      // a class's methods and getters are called on the element (the object of its fields)
      if (prop.flags & (ts.SymbolFlags.Method | ts.SymbolFlags.GetAccessor | ts.SymbolFlags.SetAccessor) || prop.name.startsWith('#')) continue;
      const ft = this.checker.getTypeOfSymbolAtLocation(prop, site);
      const at = [...path, prop.name];
      const shape = shapeOf(ft, this.checker);
      if (prop.flags & ts.SymbolFlags.Optional) {
        unsupported(site, `field '${at.join('.')}' of the objects in '${name}' is optional`, 'give every element every field');
      } else if (scalarKind(ft) === 'num' || scalarKind(ft) === 'unknown') {
        // 'unknown': an `any` field (`{ x: t[0] }` with t from `new Array(n).fill(0)`) is read as the
        // number it holds; store rejects a value that is not one
        layout.set(prop.name, 'num');
      } else if (shape?.kind === 'array' && (shape.arrayType === 'numarr' || shape.arrayType === 'f64' || shape.arrayType === 'f32')) {
        layout.set(prop.name, 'row');
      } else if (isObjectType(ft, this.checker)) {
        layout.set(prop.name, this.layout(ft, site, name, at, depth - 1));
      } else {
        unsupported(site, `field '${at.join('.')}' of the objects in '${name}' has type ${this.checker.typeToString(ft)}`,
          'arrays of objects built here hold numbers, numeric arrays and objects of those; keep booleans, strings and other values in variables of their own');
      }
    }
    return layout;
  }

  /**
   * The arrays of a new array of objects: `fill` lowers the loop (or the statements) that makes the
   * elements, handing each to `store`; the arrays are allocated in front of it, `n` long.
   */
  private build(layout: Layout, n: Atom, site: TS.Node, name: string, out: Stmt[],
    fill: (store: (s: StructNode, i: Atom, body: Stmt[], node: TS.Node, before: number) => void, body: Stmt[]) => void): ObjectArray {
    const fields: ObjectArrayNode = new Map();
    const allocations: Stmt[] = [];
    const stmts: Stmt[] = [];
    const store = (s: StructNode, i: Atom, body: Stmt[], node: TS.Node, before: number): void => {
      const into = (lay: Layout, arrays: ObjectArrayNode, value: StructNode, path: string[]): void => {
        for (const [key, kind] of lay) {
          const f = value.get(key);
          const at = [...path, key];
          if (kind instanceof Map) {
            if (!(f instanceof Map)) return unsupported(node, `field '${at.join('.')}' of an element of '${name}' is not an object tsgrad follows`, 'give it an object literal or an object returned by a helper');
            let nested = arrays.get(key) as ObjectArrayNode | undefined;
            if (!nested) arrays.set(key, (nested = new Map()));
            into(kind, nested, f, at);
            continue;
          }
          if (!f || f instanceof Map) return unsupported(node, `field '${at.join('.')}' of an element of '${name}' is missing or not a value`, 'give every element every field');
          if (f.kind !== 'array' && f.id < before && this.localStructs.has(value)) {
            unsupported(node, `an element of '${name}' is an object made before it: in JavaScript the array would hold that object itself, and see later writes to its fields`,
              'make a new object for each element ({ ...p }, or an object literal)');
          }
          let arr = arrays.get(key) as Var | undefined;
          if (kind === 'num') {
            if (f.kind !== 'num') unsupported(node, `field '${at.join('.')}' of an element of '${name}' is not a number`, 'give number fields numbers');
            if (!arr) {
              arr = this.newVar(`${name}_${at.join('_')}`, { kind: 'array', arrayType: 'numarr' }, site);
              allocations.push({ k: 'assign', target: arr, expr: { k: 'newArray', type: 'numarr', ctor: 'Array', length: n, fill: num(0), written: true }, init: true });
              arrays.set(key, arr);
            }
            body.push({ k: 'store', arr, index: i, value: ref(f) });
          } else {
            if (f.kind !== 'array') unsupported(node, `field '${at.join('.')}' of an element of '${name}' is not an array`, 'give array fields arrays');
            const row = this.rowValue(f, node);
            if (!arr) {
              arr = this.newVar(`${name}_${at.join('_')}`, { kind: 'array', arrayType: 'rows', row: row.arrayType as Var['row'] }, site);
              allocations.push({ k: 'assign', target: arr, expr: { k: 'newArray', type: 'rows', ctor: 'Array', length: n, fill: num(0) }, init: true });
              arrays.set(key, arr);
            } else if (arr.row !== row.arrayType) {
              unsupported(node, `field '${at.join('.')}' of the elements of '${name}' holds arrays of two types`, 'give every element the same type of array');
            }
            body.push({ k: 'store', arr, index: i, value: ref(row) });
          }
        }
      };
      into(layout, fields, s, []);
    };
    fill(store, stmts);
    out.push(...allocations, ...stmts);
    const first = (node: ObjectArrayNode): Var | undefined => [...node.values()].map((f) => (f instanceof Map ? first(f) : f)).find((v) => v);
    const lengthOf = first(fields);
    if (!lengthOf) return unsupported(site, `the objects in '${name}' have no number or array fields`, 'give them number fields');
    return { fields, lengthOf, name };
  }

  /** Element `index`: an object of values loaded from the field arrays. */
  protected objectElement(o: ObjectArray, index: Atom, out: Stmt[], name = o.name): StructNode {
    const read = (node: ObjectArrayNode, path: string): StructNode => {
      const s: StructNode = new Map();
      for (const [key, f] of node) {
        if (f instanceof Map) s.set(key, read(f, `${path}_${key}`));
        else if (f.arrayType === 'rows') s.set(key, this.rowOf(f, index, out));
        else {
          const v = this.newVar(`${path}_${key}`, { kind: 'num' });
          out.push({ k: 'assign', target: v, expr: { k: 'load', arr: f, index }, init: true });
          s.set(key, v);
        }
      }
      this.elementStructs.add(s);
      return s;
    };
    return read(o.fields, name);
  }

  /** A callback given an element: a function with a body, taking at most `params` arguments. */
  private elementFn(fn: FnValue, site: TS.Node, params: number): Extract<FnValue, { decl: FunctionLike }> {
    if ('math' in fn) return unsupported(site, `Math.${fn.math} given objects`, 'write an arrow that reads the fields: (p) => Math.exp(p.x)');
    if (fn.decl.parameters.length > params) {
      unsupported(fn.decl.parameters[params], 'the array argument of a callback over an array of objects built here', 'name the array itself inside the callback');
    }
    return fn;
  }

  /** A callback's result that must be an object. */
  private returnedObject(fn: Extract<FnValue, { decl: FunctionLike }>, args: readonly (Bound | undefined)[], site: TS.Node, out: Stmt[]): StructNode {
    const into: { struct?: StructNode } = {};
    this.inline(fn.decl, fn.parent, args.slice(0, fn.decl.parameters.length), site, out, undefined, into);
    if (!into.struct) return unsupported(site, 'a callback that does not return an object tsgrad follows', 'return an object literal, or an object returned by a helper');
    return into.struct;
  }

  private readsParam(decl: FunctionLike, i: number): boolean {
    const p = decl.parameters[i];
    const symbol = ts.isIdentifier(p.name) ? this.checker.getSymbolAtLocation(p.name) : undefined;
    if (!symbol || !decl.body) return !ts.isIdentifier(p.name);
    const visit = (n: TS.Node): boolean => (ts.isIdentifier(n) && this.checker.getSymbolAtLocation(n) === symbol) || !!ts.forEachChild(n, (c) => (visit(c) ? true : undefined));
    return visit(decl.body);
  }

  /** A callback over the elements, returning a number or boolean. */
  private eachObject(o: ObjectArray, fn: FnValue, site: TS.Node, out: Stmt[], step: (value: () => Atom, i: Atom, body: Stmt[]) => void, params: number, reverse = false, exit?: Var, acc?: Var): void {
    const f = this.elementFn(fn, site, params);
    const n = this.temp('num', { k: 'length', arr: o.lengthOf }, out);
    const start = reverse ? this.temp('num', { k: 'bin', op: '-', a: n, b: num(1) }, out) : num(0);
    this.countedLoop(start, reverse ? num(0) : n, out, (i, body) => {
      const args: Bound[] = [{ k: 'struct', s: this.objectElement(o, i, body) }, { k: 'atom', a: i }];
      if (acc) args.unshift({ k: 'atom', a: ref(acc) });
      step(() => {
        const value = this.invoke(f, args.slice(0, f.decl.parameters.length), site, body);
        if (value.k === 'var' && value.v.kind === 'array') unsupported(site, 'a callback that returns an array', 'return numbers from this callback');
        return value;
      }, i, body);
    }, reverse ? -1 : 1, exit);
  }

  // ── reads, as the layers below would lower them ────────────────────────────────────────────

  /** forEach, reduce, reduceRight, some, every, findIndex over an array of objects built here. */
  protected override methodCall(c: TS.CallExpression, callee: TS.PropertyAccessExpression, out: Stmt[]): Atom {
    const method = callee.name.text;
    if (!['forEach', 'reduce', 'reduceRight', 'some', 'every', 'findIndex'].includes(method) && !this.objectArrayOf(callee.expression)) return super.methodCall(c, callee, out);
    const o = this.objectArrayValue(callee.expression, out);
    if (!o) return super.methodCall(c, callee, out);
    const fnArg = c.arguments[0];
    const onObjects = `'${method}' of '${callee.expression.getText()}', an array of objects built in this function`;
    if (!['forEach', 'reduce', 'reduceRight', 'some', 'every', 'findIndex'].includes(method)) {
      return unsupported(c, onObjects, method === 'push' ? `it cannot grow: build it whole (xs.map((x) => ({ … })), Array.from({ length: n }, (_, i) => ({ … })))` : reads);
    }
    if (!fnArg || ts.isSpreadElement(fnArg)) return unsupported(c, onObjects, reads);
    switch (method) {
      case 'forEach':
        this.eachObject(o, this.fnValue(fnArg), c, out, (value) => void value(), 2);
        return bool(true);
      case 'reduce':
      case 'reduceRight': {
        const init = c.arguments[1];
        if (!init || !isNumeric(this.checker.getTypeAtLocation(c))) {
          unsupported(c, `${onObjects}, to ${init ? 'something other than a number' : 'an object (no initial value)'}`, `reduce to a number from an initial number: ${callee.getText()}((s, p) => s + p.x, 0)`);
        }
        const acc = this.newVar('acc', { kind: 'num' }, c);
        out.push({ k: 'assign', target: acc, expr: { k: 'atom', a: this.lowerExpr(init, out) }, init: true });
        this.eachObject(o, this.fnValue(fnArg), c, out, (value, _, body) => this.assignTo(acc, value(), body), 3, method === 'reduceRight', undefined, acc);
        return ref(acc);
      }
      default: {
        // some, every, findIndex: the first element that decides stops the loop
        const found = this.newVar('found', { kind: 'bool' }, c);
        out.push({ k: 'assign', target: found, expr: { k: 'atom', a: bool(false) }, init: true });
        const result = this.newVar(method === 'findIndex' ? 'index' : method, { kind: method === 'findIndex' ? 'num' : 'bool' }, c);
        out.push({ k: 'assign', target: result, expr: { k: 'atom', a: method === 'every' ? bool(true) : method === 'some' ? bool(false) : num(-1) }, init: true });
        this.eachObject(o, this.fnValue(fnArg), c, out, (value, i, body) => {
          let test = value();
          if (method === 'every') test = this.temp('bool', { k: 'un', op: '!', a: test }, body);
          const hit: Stmt[] = [{ k: 'assign', target: found, expr: { k: 'atom', a: bool(true) } }];
          hit.push({ k: 'assign', target: result, expr: { k: 'atom', a: method === 'some' ? bool(true) : method === 'every' ? bool(false) : i } });
          body.push({ k: 'if', cond: test, then: hit, else: [] });
        }, 2, false, found);
        return ref(result);
      }
    }
  }

  /** `samples.map((p) => p.x * p.y)`: a number[] from an array of objects built here. */
  protected override arrayMethod(c: TS.CallExpression, callee: TS.PropertyAccessExpression, out: Stmt[], name: string): Var {
    const method = callee.name.text;
    const o = method === 'map' ? this.objectArrayValue(callee.expression, out) : this.objectArrayOf(callee.expression);
    if (!o) return super.arrayMethod(c, callee, out, name);
    if (method !== 'map') {
      unsupported(c, `'${method}' of '${callee.expression.getText()}', an array of objects built in this function`, `${reads}; filter, slice and copies of it are not supported yet`);
    }
    const elementType = this.checker.getIndexTypeOfType(this.checker.getTypeAtLocation(c), ts.IndexKind.Number);
    if (!elementType || !isNumeric(elementType)) {
      unsupported(c, `map of '${callee.expression.getText()}', an array of objects built here, to ${elementType ? this.checker.typeToString(elementType) : 'something else'}`, 'map it to numbers, or build a new array of objects into a const (const q = samples.map((p) => ({ … })))');
    }
    const n = this.temp('num', { k: 'length', arr: o.lengthOf }, out);
    const result = this.filledArray('numarr', n, out, name, c);
    this.eachObject(o, this.fnValue(c.arguments[0]), c, out, (value, i, body) => body.push({ k: 'store', arr: result, index: i, value: value() }), 2);
    return result;
  }

  /** `samples[i].x`, `samples[i].inner.y`, `samples.length`. */
  protected override property(p: TS.PropertyAccessExpression, out: Stmt[]): Atom {
    const o = this.objectArrayOf(p.expression);
    if (o) {
      if (p.name.text === 'length') return this.temp('num', { k: 'length', arr: o.lengthOf }, out);
      unsupported(p, `'${p.getText()}' of an array of objects built in this function`, reads);
    }
    const element = this.elementValue(p.expression, out);
    if (!element) return super.property(p, out);
    const field = element.get(p.name.text);
    if (!field) return unsupported(p, `'${p.name.text}' is not a field of the objects in '${p.expression.getText()}'`, 'read the fields the objects have');
    if (field instanceof Map) return unsupported(p, `'${p.getText()}' is an object, used as a value`, 'read its fields');
    if (field.kind === 'array') return unsupported(p, `array field '${p.getText()}' used as a value`, 'index it, read its length, or pass it to a function');
    return ref(field);
  }

  /** `samples[i]`, `samples[i].inner`: an element (or an object in one) of an array of objects built here. */
  private elementValue(e: TS.Expression, out: Stmt[]): StructNode | undefined {
    e = skipParens(e);
    if (ts.isElementAccessExpression(e)) {
      const o = this.objectArrayOf(e.expression);
      if (o) return this.objectElement(o, this.lowerExpr(e.argumentExpression, out), out);
    }
    if (ts.isPropertyAccessExpression(e)) {
      const inner = this.elementValue(e.expression, out);
      const f = inner?.get(e.name.text);
      if (f instanceof Map) return f;
    }
    return undefined;
  }

  protected override structValue(e: TS.Expression, out: Stmt[], name = 'obj'): StructNode | undefined {
    return this.elementValue(e, out) ?? super.structValue(e, out, name);
  }

  /** `samples[i].w` (an array field), and the error for an array of objects used as an array value. */
  protected override lowerArray(e: TS.Expression, out: Stmt[], name = 'arr'): Var {
    const x = skipParens(e);
    if (ts.isPropertyAccessExpression(x)) {
      const element = this.elementValue(x.expression, out);
      const field = element?.get(x.name.text);
      if (field && !(field instanceof Map) && field.kind === 'array') return field;
      if (element) unsupported(x, `'${x.getText()}' is not an array`, 'index arrays, not numbers');
    }
    if (this.objectArrayOf(x)) unsupported(x, `'${x.getText()}', an array of objects built in this function, used as an array`, reads);
    return super.lowerArray(e, out, name);
  }

  protected override identifier(node: TS.Identifier): Atom {
    if (this.objectArrayOf(node)) unsupported(node, `'${node.text}', an array of objects built in this function, used as a value`, reads);
    return super.identifier(node);
  }

  /** An argument: an array of objects built here is passed as its fields' arrays (the callee is inlined). */
  protected override bindArg(e: TS.Expression, out: Stmt[]): Bound {
    const o = this.objectArrayValue(e, out);
    return o ? { k: 'objects', o } : super.bindArg(e, out);
  }

  /** Writes into an array of objects built here, or into its elements: errors. */
  protected override place(target: TS.Expression, out: Stmt[]): ReturnType<ObjectLowerer['place']> {
    const t = skipParens(target);
    if (ts.isIdentifier(t) && this.objectArrayOf(t)) {
      unsupported(t, `reassigning '${t.text}', an array of objects built in this function`, 'declare a new const for the new array');
    }
    for (let e: TS.Expression = t; ts.isPropertyAccessExpression(e) || ts.isElementAccessExpression(e);) {
      e = skipParens(e.expression);
      const struct = this.structOf(e);
      if (this.objectArrayOf(e) || (struct && this.elementStructs.has(struct))) {
        unsupported(t, `writing '${t.getText()}', in an array of objects built in this function`, readOnly);
      }
    }
    return super.place(target, out);
  }
}
