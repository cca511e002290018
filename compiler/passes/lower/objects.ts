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
import { type Flags, type FunctionLike, skipParens, type StructNode } from './base.js';
import type { Bound } from './calls.js';

export abstract class ObjectLowerer extends ArrayMethodLowerer {
  protected abstract lowerStatement(s: TS.Statement, out: Stmt[], label?: string): Flags;

  /** Objects built in differentiated code (not parameters): their number fields may be assigned. */
  protected readonly localStructs = new WeakSet<StructNode>();

  /** The fields of an object-valued expression: a literal, a call's result, a name for an object. */
  protected structValue(e: TS.Expression, out: Stmt[], name = 'obj'): StructNode | undefined {
    e = skipParens(e);
    if (ts.isObjectLiteralExpression(e)) return this.objectLiteral(e, out, name);
    if (ts.isNewExpression(e) && isObjectType(this.checker.getTypeAtLocation(e), this.checker)) return this.newInstance(e, out, name);
    if (ts.isCallExpression(e) && isObjectType(this.checker.getTypeAtLocation(e), this.checker)) {
      const into: { struct?: StructNode } = {};
      const callee = skipParens(e.expression);
      // a method of the program's classes, or a function (by name, or through a namespace import)
      if (ts.isPropertyAccessExpression(callee) && this.classMethod(e, callee, out, into)) return into.struct;
      const fn = this.fnValue(callee);
      if ('math' in fn) return undefined;
      this.inline(fn.decl, fn.parent, e.arguments.map((a) => this.bindArg(a, out)), e, out, undefined, into);
      return into.struct;
    }
    if (ts.isConditionalExpression(e) && isObjectType(this.checker.getTypeAtLocation(e), this.checker)) {
      unsupported(e, 'a ternary between objects: which object it names is known only at run time', 'choose the field values instead ({ x: c ? a : b }), or return from each branch of an if');
    }
    return this.structOf(e);
  }

  /**
   * `new Particle(x, v)` of a class of the program: its fields, from parameter properties, field
   * initializers and `this.f = …` in the constructor (whose other statements run as written); a
   * subclass's base class first, where its constructor calls `super(…)`.
   */
  private newInstance(e: TS.NewExpression, out: Stmt[], name: string): StructNode {
    const cls = this.classOf(e.expression, e);
    const node: StructNode = new Map();
    this.localStructs.add(node);
    // the arguments, in the caller's frame
    this.runConstructor(cls, (e.arguments ?? []).map((a) => this.bindArg(a, out)), e, node, out, name);
    return node;
  }

  /** The program's class an expression names (`Particle`, `Base` in `extends Base`). */
  private classOf(ref: TS.Expression, site: TS.Node): TS.ClassDeclaration {
    let symbol = this.checker.getSymbolAtLocation(ref);
    if (symbol && symbol.flags & ts.SymbolFlags.Alias) symbol = this.checker.getAliasedSymbol(symbol);
    const cls = symbol?.declarations?.find(ts.isClassDeclaration);
    if (!cls || cls.getSourceFile().isDeclarationFile) unsupported(site, `'new ${ref.getText()}' of a class that is not in the program`, 'construct objects of the program\'s classes, or pass them in');
    return cls;
  }

  /** Runs `cls`'s constructor on `args`, setting the fields of `node` (the instance, `this`). */
  private runConstructor(cls: TS.ClassDeclaration, args: readonly Bound[], e: TS.Node, node: StructNode, out: Stmt[], name: string): void {
    const extended = cls.heritageClauses?.find((h) => h.token === ts.SyntaxKind.ExtendsKeyword)?.types[0];
    const base = extended && this.classOf(extended.expression, extended);
    const ctor = cls.members.find((m): m is TS.ConstructorDeclaration => ts.isConstructorDeclaration(m) && !!m.body);
    const frame = this.newFrame((ctor ?? cls) as unknown as FunctionLike, 'num', `${cls.name?.text ?? 'C'}_new`, undefined);
    frame.self = { k: 'struct', s: node };
    const caller = this.frame;
    this.frame = frame;
    this.active.push(frame);
    try {
      const properties: TS.ParameterDeclaration[] = [];
      ctor?.parameters.forEach((p, i) => {
        this.bindParam(p, args[i], e, out);
        if (ts.isIdentifier(p.name) && ts.isParameterPropertyDeclaration(p, ctor)) {
          // a parameter property has two symbols, the parameter's (read in the body) and the property's
          const bound = this.symbolOf(p.name);
          for (const sym of this.checker.getSymbolsOfParameterPropertyDeclaration(p, p.name.text)) {
            const v = frame.symbols.get(bound);
            const st = frame.structs.get(bound);
            if (v) frame.symbols.set(sym, v);
            if (st) frame.structs.set(sym, st);
          }
          properties.push(p);
        }
      });
      // parameter properties and field initializers: at the start, or right after super(…) returns
      const fields = (): void => {
        for (const p of properties) node.set(p.name.getText(), this.fieldValue(p.name as TS.Identifier, out, `${name}_${p.name.getText()}`));
        for (const m of cls.members) {
          if (ts.isPropertyDeclaration(m) && m.initializer && !m.modifiers?.some((x) => x.kind === ts.SyntaxKind.StaticKeyword) && ts.isIdentifier(m.name)) {
            node.set(m.name.text, this.fieldValue(m.initializer, out, `${name}_${m.name.text}`));
          }
        }
      };
      if (!base) fields();
      // no constructor of its own: the base class's, on the same arguments
      else if (!ctor) {
        this.runConstructor(base, args, e, node, out, name);
        fields();
      }
      for (const st of ctor?.body?.statements ?? []) {
        if (base && isSuperCall(st)) {
          this.runConstructor(base, st.expression.arguments.map((a) => this.bindArg(a, out)), st, node, out, name);
          fields();
          continue;
        }
        const assigned = ts.isExpressionStatement(st) && ts.isBinaryExpression(st.expression) && st.expression.operatorToken.kind === ts.SyntaxKind.EqualsToken ? st.expression : undefined;
        const field = assigned && ts.isPropertyAccessExpression(assigned.left) && assigned.left.expression.kind === ts.SyntaxKind.ThisKeyword ? assigned.left.name.text : undefined;
        if (assigned && field && !(node.get(field) && !(node.get(field) instanceof Map) && (node.get(field) as Var).kind !== 'array')) {
          node.set(field, this.fieldValue(assigned.right, out, `${name}_${field}`));
          continue;
        }
        if (this.lowerStatement(st, out).size > 0) unsupported(st, 'a return inside a constructor', 'let the constructor run to its end');
      }
    } finally {
      this.active.pop();
      this.frame = caller;
    }
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
    if (!symbol) return unsupported(p, `'${p.name.text}' in an object literal cannot be resolved`, `write ${p.name.text}: value`);
    // a constant declared outside the function
    const a = this.outer(p.name, symbol);
    return a.k === 'var' && a.v.kind === 'array' ? a.v : this.copy(a, name, out, p);
  }

  private copy(a: Atom | Var, name: string, out: Stmt[], node: TS.Node): Var {
    const atom: Atom = 'kind' in a ? { k: 'var', v: a } : a;
    const kind = atom.k === 'var' ? atom.v.kind : typeof atom.value === 'number' ? 'num' : 'bool';
    const v = this.newVar(name, { kind }, node);
    out.push({ k: 'assign', target: v, expr: { k: 'atom', a: atom }, init: true });
    return v;
  }
}

/** `super(…);` */
function isSuperCall(st: TS.Statement): st is TS.ExpressionStatement & { expression: TS.CallExpression } {
  return ts.isExpressionStatement(st) && ts.isCallExpression(st.expression) && st.expression.expression.kind === ts.SyntaxKind.SuperKeyword;
}
