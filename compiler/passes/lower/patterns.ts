/**
 * Declarations and destructuring. A name is bound to what its value is at build time: numbers and
 * booleans get a variable of their own, arrays and objects are other names for the same array or
 * object's fields (`const r = xs`, `const { W, b } = layer`), local functions are inlined where
 * they are called. Destructuring reads elements and fields into fresh variables:
 *
 *   const [a, b = 1] = xs    →   a = xs[0]; b = 1 < xs.length ? xs[1] : 1
 *   [a, b] = [b, a]          →   _t0 = b; _t1 = a; a = _t0; b = _t1
 */
import type * as TS from 'typescript';
import { unsupported } from '../../diagnostics.js';
import { type Atom, num, ref, type Stmt, type Var } from '../../ir.js';
import { ts } from '../../tsapi.js';
import { isObjectType, scalarKind, shapeOf } from '../../types.js';
import { ObjectArrayLowerer } from './objectArrays.js';
import { atomKind, skipParens } from './base.js';
import type { Bound } from './calls.js';

export abstract class PatternLowerer extends ObjectArrayLowerer {
  protected lowerDeclarations(list: TS.VariableDeclarationList, out: Stmt[]): void {
    if (!(list.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const))) {
      unsupported(list, "'var' declarations are not supported", "use 'let' or 'const'");
    }
    for (const d of list.declarations) {
      const init = d.initializer && skipParens(d.initializer);
      if (!ts.isIdentifier(d.name)) {
        if (!init) unsupported(d, 'a destructuring declaration without a value', 'give it a value');
        const before = this.nextVar;
        if (ts.isArrayBindingPattern(d.name) && ts.isArrayLiteralExpression(init) && !init.elements.some(ts.isSpreadElement)) {
          this.bindElements(d.name, init.elements.map((x) => this.bindArg(x, out)), out);
        } else {
          this.bindPattern(d.name, this.bindArg(init, out), out);
        }
        if (list.flags & ts.NodeFlags.Let) this.letArrays(d.name, before, out);
        continue;
      }
      // a local function: inlined where it is called (calls.ts finds it through its declaration)
      if (init && (ts.isArrowFunction(init) || ts.isFunctionExpression(init))) continue;
      const symbol = this.symbolOf(d.name);
      const type = this.checker.getTypeAtLocation(d.name);
      if (init && this.checker.getSignaturesOfType(this.checker.getNonNullableType(type), ts.SignatureKind.Call).length > 0) {
        if (!(list.flags & ts.NodeFlags.Const)) unsupported(d, `function variable '${d.name.text}' declared with let`, 'declare it with const');
        this.frame.functions.set(symbol, this.fnValue(init));
        continue;
      }
      const struct = init && isObjectType(type, this.checker) ? this.structValue(init, out, d.name.text) : undefined;
      if (struct) {
        this.frame.structs.set(symbol, struct);
        continue;
      }
      if (init && scalarKind(type) === 'unknown') {
        // `let z = t[0]` with t from `new Array(n).fill(0)` (any), or a value narrowed to never
        this.declareAs(d, d.name, this.lowerExpr(init, out), out);
        continue;
      }
      if (!init && !d.type && scalarKind(type) === 'unknown') {
        // `let z;` (implicitly any): a number, as the arithmetic it takes part in requires
        this.frame.symbols.set(symbol, this.newVar(d.name.text, { kind: 'num' }, d));
        continue;
      }
      // `const samples = xs.map((x) => ({ x, y: 2 * x }))`: an array of objects, one array per field
      const objects = init && this.objectArrayValue(init, out, d.name.text);
      if (objects) {
        this.frame.objectArrays.set(symbol, objects);
        continue;
      }
      if (this.isArray(d.name) && !scalarKind(type)) {
        if (!init) unsupported(d, `array variable '${d.name.text}' declared without a value`, 'declare it with its array: const a = new Float64Array(n)');
        const before = this.nextVar;
        let v = this.lowerArray(init, out, d.name.text);
        const fresh = v.id >= before && !v.outer;
        const isLet = !!(list.flags & ts.NodeFlags.Let);
        if (!fresh && (isLet || this.reassignable.has(v))) {
          // `let u = u0`: a variable of its own (which may later name another array), the same array
          const own = this.newVar(d.name.text, { kind: 'array', arrayType: v.arrayType }, d);
          out.push({ k: 'assign', target: own, expr: { k: 'atom', a: ref(v) }, init: true });
          this.shared.add(own).add(v);
          v = own;
        }
        if (isLet) this.reassignable.add(v);
        this.frame.symbols.set(symbol, v);
        continue;
      }
      if (init && isObjectType(type, this.checker)) {
        // `const cam = cameras[k]`: another name for the object (the element, named after it)
        const objects = ts.isElementAccessExpression(init) && this.isArray(init.expression) ? this.lowerArray(init.expression, out) : undefined;
        const obj = objects?.arrayType === 'objects' && ts.isElementAccessExpression(init)
          ? this.recordOf(objects, this.lowerExpr(init.argumentExpression, out), out, init, d.name.text)
          : this.recordValue(init, out);
        if (obj) {
          if (list.flags & ts.NodeFlags.Let) this.reassignable.add(obj);
          this.frame.symbols.set(symbol, obj);
          continue;
        }
      }
      const shape = shapeOf(type, this.checker);
      if (!shape || shape.kind === 'array') {
        unsupported(d, `variable '${d.name.text}' has type ${this.checker.typeToString(type)}`,
          'differentiated code uses numbers, booleans, numeric arrays, objects of those, and functions');
      }
      const v = this.newVar(d.name.text, shape, d);
      this.frame.symbols.set(symbol, v);
      if (init) this.assignTo(v, this.lowerExpr(init, out), out, true);
    }
  }

  /**
   * `let [a, b] = [xs.slice(0, 2), xs.slice(2)]`: array names a `let` pattern binds may be given
   * new arrays later; one bound to an array that existed before gets a variable of its own.
   */
  private letArrays(pattern: TS.BindingName, before: number, out: Stmt[]): void {
    if (ts.isIdentifier(pattern)) {
      const symbol = this.symbolOf(pattern);
      const v = this.frame.symbols.get(symbol);
      if (!v || v.kind !== 'array') return;
      if (v.id >= before && !v.outer) {
        this.reassignable.add(v);
        return;
      }
      const own = this.newVar(pattern.text, { kind: 'array', arrayType: v.arrayType, row: v.row, fields: v.fields }, pattern);
      out.push({ k: 'assign', target: own, expr: { k: 'atom', a: ref(v) }, init: true });
      this.shared.add(own).add(v);
      this.reassignable.add(own);
      this.frame.symbols.set(symbol, own);
      return;
    }
    for (const el of pattern.elements) if (!ts.isOmittedExpression(el)) this.letArrays(el.name, before, out);
  }

  /** A local whose type says nothing (any, never): a number or boolean like its initial value. */
  protected declareAs(d: TS.VariableDeclaration, name: TS.Identifier, value: Atom, out: Stmt[]): void {
    if (value.k === 'var' && value.v.kind === 'array') {
      this.frame.symbols.set(this.symbolOf(name), value.v);
      return;
    }
    const v = this.newVar(name.text, { kind: atomKind(value) }, d);
    this.frame.symbols.set(this.symbolOf(name), v);
    this.assignTo(v, value, out, true);
  }

  /** `[a, b] = …` or `{ W, b } = …` bound to a value: an array's elements, an object's fields. */
  protected bindPattern(pattern: TS.BindingPattern, value: Bound, out: Stmt[]): void {
    if (ts.isObjectBindingPattern(pattern) && value.k === 'atom' && value.a.k === 'var' && value.a.v.arrayType === 'record') {
      // `{ W, b } = layer`, `({ features, label }) => …`: each field read out of the object
      const obj = value.a.v;
      for (const el of pattern.elements) {
        if (el.dotDotDotToken) unsupported(el, 'rest elements in object destructuring', 'name the fields you use');
        const key = el.propertyName ? el.propertyName.getText() : el.name.getText();
        if (el.initializer) unsupported(el, `a default for field '${key}'`, 'fields of objects always have values here: leave the default out');
        this.bindElement(el.name, { k: 'atom', a: this.fieldOf(obj, key, out, el) }, el, out);
      }
      return;
    }
    if (ts.isObjectBindingPattern(pattern)) {
      if (value.k !== 'struct') {
        unsupported(pattern, 'destructuring an object that is not an object parameter or one of its fields', 'read the fields one by one');
      }
      for (const el of pattern.elements) {
        if (el.dotDotDotToken) unsupported(el, 'rest elements in object destructuring', 'name the fields you use');
        const key = el.propertyName ? el.propertyName.getText() : el.name.getText();
        const field = value.s.get(key);
        if (!field) unsupported(el, `'${key}' is not a field of the object`, 'destructure the fields its type declares');
        this.bindElement(el.name, field instanceof Map ? { k: 'struct', s: field } : { k: 'atom', a: ref(field) }, el, out);
      }
      return;
    }
    if (value.k === 'objects') unsupported(pattern, 'array destructuring of an array of objects built in this function', 'read the elements by index: const p = samples[0]');
    if (value.k !== 'atom' || value.a.k !== 'var' || value.a.v.kind !== 'array') {
      return unsupported(pattern, 'array destructuring of something that is not an array', 'destructure arrays and tuples');
    }
    const arr = value.a.v;
    pattern.elements.forEach((el, i) => {
      if (ts.isOmittedExpression(el)) return;
      if (el.dotDotDotToken) {
        this.bindElement(el.name, { k: 'atom', a: ref(this.restOf(arr, i, el, out)) }, el, out);
        return;
      }
      this.bindElement(el.name, { k: 'atom', a: this.element(arr, i, el.initializer, out) }, el, out);
    });
  }

  /** `const [a, b] = [x, y]`: each name bound to its value, no array made. */
  protected bindElements(pattern: TS.ArrayBindingPattern, values: readonly Bound[], out: Stmt[]): void {
    pattern.elements.forEach((el, i) => {
      if (ts.isOmittedExpression(el)) return;
      if (el.dotDotDotToken) unsupported(el, 'a rest element bound to an array literal', 'name the elements');
      const value = values[i] ?? (el.initializer ? this.bindArg(el.initializer, out) : undefined);
      if (!value) unsupported(el, 'an element past the end of the array literal', 'give it a default, or a value');
      this.bindElement(el.name, value, el, out);
    });
  }

  private bindElement(name: TS.BindingName, value: Bound, node: TS.Node, out: Stmt[]): void {
    if (ts.isIdentifier(name)) this.bindName(name, value, node, out);
    else this.bindPattern(name, value, out);
  }

  /** `arr[i]`, or `init` where the array is shorter. */
  private element(arr: Var, i: number, init: TS.Expression | undefined, out: Stmt[]): Atom {
    if (!init) return this.loadElement(arr, num(i), out);
    this.flatArray(arr, init);
    const n = this.temp('num', { k: 'length', arr }, out);
    const inside = this.temp('bool', { k: 'bin', op: '<', a: num(i), b: n }, out);
    const r = this.newVar('_el', { kind: 'num' });
    const outside: Stmt[] = [];
    outside.push({ k: 'assign', target: r, expr: { k: 'atom', a: this.lowerExpr(init, outside) } });
    out.push({ k: 'if', cond: inside, then: [{ k: 'assign', target: r, expr: { k: 'load', arr, index: num(i) } }], else: outside });
    return ref(r);
  }

  /** `...rest`: a copy of the elements from `from` on. */
  private restOf(arr: Var, from: number, node: TS.Node, out: Stmt[]): Var {
    this.flatArray(arr, node);
    const n = this.temp('num', { k: 'length', arr }, out);
    const length = this.temp('num', { k: 'math', fn: 'max', args: [this.temp('num', { k: 'bin', op: '-', a: n, b: num(from) }, out), num(0)] }, out);
    const rest = this.filledArray(arr.arrayType === 'numarr' || !arr.arrayType ? 'numarr' : arr.arrayType, length, out, 'rest', node);
    this.countedLoop(num(0), length, out, (i, body) => {
      const k = this.temp('num', { k: 'bin', op: '+', a: i, b: num(from) }, body);
      body.push({ k: 'store', arr: rest, index: i, value: this.temp('num', { k: 'load', arr, index: k }, body) });
    });
    return rest;
  }

  /** `x = step(x)`: a `let` array variable given a new array; its old array is left as it was. */
  protected reassignArray(target: TS.Identifier, v: Var, value: TS.Expression, out: Stmt[]): void {
    if (!this.reassignable.has(v)) {
      unsupported(target, `reassigning '${target.text}', an array parameter or const`, `declare a local with let (let ${target.text}2 = [...${target.text}]) and reassign that`);
    }
    const before = this.nextVar;
    const array = this.lowerArray(value, out, target.text);
    if (array.id < before || array.outer || this.views.has(array)) {
      unsupported(value, `'${target.text}' given an existing array: two variables naming one array, which tsgrad would treat as two`,
        `give it a new array (${target.text} = step(${target.text}), ${target.text} = [...y], ${target.text} = y.slice())`);
    }
    out.push({ k: 'assign', target: v, expr: { k: 'atom', a: ref(array) } });
  }

  /** `[a, b] = [b, a]`, `[x, y] = xs`: every value read before any target is written. */
  protected destructuringAssignment(b: TS.BinaryExpression, out: Stmt[]): void {
    const left = skipParens(b.left);
    if (!ts.isArrayLiteralExpression(left)) unsupported(left, 'destructuring assignment to an object pattern', 'assign the fields one by one');
    const right = skipParens(b.right);
    const before = this.nextVar;
    let values: Atom[];
    if (ts.isArrayLiteralExpression(right) && !right.elements.some(ts.isSpreadElement)) {
      values = right.elements.map((x) => (this.isArray(x) && !scalarKind(this.checker.getTypeAtLocation(x)) ? ref(this.lowerArray(x, out)) : this.lowerExpr(x, out)));
    } else {
      const arr = this.lowerArray(right, out);
      values = left.elements.map((_, i) => this.temp('num', { k: 'load', arr, index: num(i) }, out));
    }
    const arrays = this.arrayTargets(left, values, before);
    // a variable read on the right may be a target on the left: read it first
    const held = values.map((a) => {
      if (a.k !== 'var' || (a.v.kind === 'array' && !arrays.has(a.v))) return a;
      if (a.v.kind !== 'array') return this.temp(a.v.kind, { k: 'atom', a }, out);
      const t = this.newVar('_held', { kind: 'array', arrayType: a.v.arrayType, row: a.v.row, fields: a.v.fields });
      out.push({ k: 'assign', target: t, expr: { k: 'atom', a }, init: true });
      return ref(t);
    });
    left.elements.forEach((target, i) => {
      if (ts.isOmittedExpression(target)) return;
      if (ts.isSpreadElement(target) || ts.isBinaryExpression(target)) unsupported(target, 'rest or default in a destructuring assignment', 'assign the elements one by one');
      if (held[i] === undefined) unsupported(target, 'more targets than values', 'give each target a value');
      const v = ts.isIdentifier(skipParens(target)) ? this.lowerExpr(target, []) : undefined;
      if (v?.k === 'var' && v.v.kind === 'array') out.push({ k: 'assign', target: v.v, expr: { k: 'atom', a: held[i] } });
      else this.place(target, out).write(held[i], out);
    });
  }

  /**
   * `[h, c] = [next.slice(0, H), next.slice(H)]`, `[cur, nxt] = [nxt, cur]`: array variables given
   * new arrays, or each other's (a permutation: every array keeps one name). The array variables
   * among the targets, checked.
   */
  private arrayTargets(left: TS.ArrayLiteralExpression, values: readonly Atom[], before: number): Set<Var> {
    const targets = new Set<Var>();
    left.elements.forEach((target, i) => {
      const t = skipParens(target);
      const a = ts.isIdentifier(t) ? this.lowerExpr(t, []) : undefined;
      if (a?.k !== 'var' || a.v.kind !== 'array') return;
      if (!this.reassignable.has(a.v)) unsupported(t, `reassigning '${t.getText()}', an array parameter or const`, `declare a local with let (let ${t.getText()}2 = [...${t.getText()}]) and reassign that`);
      const value = values[i];
      if (value?.k !== 'var' || value.v.kind !== 'array') unsupported(t, `array variable '${t.getText()}' given something other than an array`, 'assign arrays to array variables');
      targets.add(a.v);
    });
    const permuted = values.filter((a): a is { k: 'var'; v: Var } => a.k === 'var' && a.v.kind === 'array' && (a.v.id < before || !!a.v.outer));
    for (const a of permuted) {
      if (!targets.has(a.v) || permuted.filter((b) => b.v === a.v).length > 1) {
        unsupported(left, `'${a.v.name}' given to a variable as an existing array: two variables naming one array, which tsgrad would treat as two`,
          'give each variable a new array (slice(), map, a helper\'s result), or swap array variables among themselves');
      }
    }
    if (permuted.length > 0 && permuted.length !== targets.size) {
      unsupported(left, 'a destructuring assignment that mixes existing arrays and new ones among array variables', 'swap array variables among themselves, or give each a new array');
    }
    return targets;
  }
}
