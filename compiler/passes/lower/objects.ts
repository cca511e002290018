/**
 * Objects as values: object literals, helpers that return objects, spread of objects. An object
 * is known at build time as its fields (a StructNode, like an object parameter's): numbers get
 * variables of their own, arrays and nested objects are held by reference, so two names for one
 * object see each other's writes as in JavaScript.
 *
 *   const p = { x: a * 2, w: xs }   →   p_x = a * 2   (p.w is xs itself)
 *   const { mean, sd } = stats(xs)  →   stats inlined; mean, sd read from its result's fields
 */
import type * as TS from 'typescript';
import { unsupported } from '../../diagnostics.js';
import { type Atom, type Stmt, type Var } from '../../ir.js';
import { ts } from '../../tsapi.js';
import { isObjectType, scalarKind } from '../../types.js';
import { ArrayMethodLowerer } from './arrayMethods.js';
import { skipParens, type StructNode } from './base.js';

export abstract class ObjectLowerer extends ArrayMethodLowerer {
  /** Objects built in differentiated code (not parameters): their number fields may be assigned. */
  protected readonly localStructs = new WeakSet<StructNode>();

  /** The fields of an object-valued expression: a literal, a call's result, a name for an object. */
  protected structValue(e: TS.Expression, out: Stmt[], name = 'obj'): StructNode | undefined {
    e = skipParens(e);
    if (ts.isObjectLiteralExpression(e)) return this.objectLiteral(e, out, name);
    if (ts.isCallExpression(e) && isObjectType(this.checker.getTypeAtLocation(e), this.checker)) {
      const into: { struct?: StructNode } = {};
      const callee = skipParens(e.expression);
      if (ts.isPropertyAccessExpression(callee)) {
        if (!this.classMethod(e, callee, out, into)) return undefined;
      } else {
        const fn = this.fnValue(callee);
        if ('math' in fn) return undefined;
        this.inline(fn.decl, fn.parent, e.arguments.map((a) => this.bindArg(a, out)), e, out, undefined, into);
      }
      return into.struct;
    }
    if (ts.isConditionalExpression(e) && isObjectType(this.checker.getTypeAtLocation(e), this.checker)) {
      unsupported(e, 'a ternary between objects: which object it names is known only at run time', 'choose the field values instead ({ x: c ? a : b }), or return from each branch of an if');
    }
    return this.structOf(e);
  }

  /** `{ x: e, w, ...other }`: numbers copied into fresh variables, arrays and objects by reference. */
  private objectLiteral(e: TS.ObjectLiteralExpression, out: Stmt[], name: string): StructNode {
    const node: StructNode = new Map();
    for (const p of e.properties) {
      if (ts.isSpreadAssignment(p)) {
        const from = this.structValue(p.expression, out, name);
        if (!from) unsupported(p, `spreading '${p.expression.getText()}', which is not an object tsgrad follows`, 'spread object literals, objects returned by helpers or object parameters');
        for (const [key, field] of from) node.set(key, field instanceof Map || field.kind === 'array' ? field : this.copy(field, `${name}_${key}`, out, p));
        continue;
      }
      if (!ts.isPropertyAssignment(p) && !ts.isShorthandPropertyAssignment(p)) {
        unsupported(p, 'methods and accessors in an object literal', 'write fields that hold numbers, arrays or objects; call module functions that take the object');
      }
      if (!ts.isIdentifier(p.name) && !ts.isStringLiteral(p.name)) unsupported(p.name, 'a computed field name', 'name fields in the literal ({ x: … })');
      const key = p.name.text;
      node.set(key, ts.isPropertyAssignment(p) ? this.fieldValue(p.initializer, out, `${name}_${key}`) : this.shorthand(p, out, `${name}_${key}`));
    }
    this.localStructs.add(node);
    return node;
  }

  /** A field's value: a nested object's fields, an array by reference, or a number or boolean in a variable of its own. */
  private fieldValue(e: TS.Expression, out: Stmt[], name: string): Var | StructNode {
    const type = this.checker.getTypeAtLocation(e);
    if (this.checker.getSignaturesOfType(type, ts.SignatureKind.Call).length > 0) {
      unsupported(e, 'a function held in an object', 'call functions by name; pass what they need as arguments');
    }
    if (isObjectType(type, this.checker)) {
      const struct = this.structValue(e, out, name);
      if (struct) return struct;
      const record = this.recordValue(e, out);
      if (record) return record;
      unsupported(e, `'${e.getText()}' is not an object tsgrad follows`, 'use object literals, objects returned by helpers, parameters and elements of arrays of objects');
    }
    if (this.isArray(e) && !scalarKind(type)) return this.lowerArray(e, out);
    const a = this.lowerExpr(e, out);
    if (a.k === 'var' && a.v.kind === 'array') return a.v;
    return this.copy(a, name, out, e);
  }

  /** `{ mean, sd }`: the variables (or objects) those names hold. */
  private shorthand(p: TS.ShorthandPropertyAssignment, out: Stmt[], name: string): Var | StructNode {
    const symbol = this.checker.getShorthandAssignmentValueSymbol(p);
    const v = symbol && this.lookup((f) => f.symbols.get(symbol));
    if (v) return v.kind === 'array' ? v : this.copy(v, name, out, p);
    const struct = symbol && this.lookup((f) => f.structs.get(symbol));
    if (struct) return struct;
    return unsupported(p, `'${p.name.text}' in an object literal is not a local variable`, `write ${p.name.text}: value`);
  }

  private copy(a: Atom | Var, name: string, out: Stmt[], node: TS.Node): Var {
    const atom: Atom = 'kind' in a ? { k: 'var', v: a } : a;
    const kind = atom.k === 'var' ? atom.v.kind : typeof atom.value === 'number' ? 'num' : 'bool';
    const v = this.newVar(name, { kind }, node);
    out.push({ k: 'assign', target: v, expr: { k: 'atom', a: atom }, init: true });
    return v;
  }
}
