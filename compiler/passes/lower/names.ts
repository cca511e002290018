/**
 * Names: locals and parameters through the frames, outer constants (literals inlined, tables of
 * numbers read or copied beside the derivative), and array variables.
 */
import type * as TS from 'typescript';
import { unsupported } from '../../diagnostics.js';
import { type Atom, num, ref, type Var } from '../../ir.js';
import { ts } from '../../tsapi.js';
import { shapeOf } from '../../types.js';
import { LowerBase, numericLiteral, skipParens } from './base.js';

export abstract class NameLowerer extends LowerBase {
  protected identifier(node: TS.Identifier): Atom {
    if (node.text === 'NaN' || node.text === 'Infinity' || node.text === 'undefined') {
      const s = this.checker.getSymbolAtLocation(node);
      if (node.text === 'undefined' && (!s || !s.valueDeclaration)) {
        unsupported(node, "'undefined' as a value", 'give optional parameters defaults (k = 1) or read them as k ?? value');
      }
      if (!s || !s.valueDeclaration || s.valueDeclaration.getSourceFile().isDeclarationFile) return num(Number(node.text));
    }
    const symbol = this.symbolOf(node);
    const own = this.lookup((f) => f.symbols.get(symbol));
    if (own) return ref(own);
    if (this.lookup((f) => f.structs.get(symbol))) {
      unsupported(node, `object '${node.text}' used as a value`, `read its fields (${node.text}.field), or pass it to a function`);
    }
    if (this.lookup((f) => (f.absent.has(symbol) ? true : undefined))) {
      unsupported(node, `optional parameter '${node.text}' is read, but this call leaves it out`,
        `give it a default (${node.text} = value), or read it as ${node.text} ?? value`);
    }
    if (this.lookup((f) => f.functions.get(symbol))) {
      unsupported(node, `function '${node.text}' used as a value`, 'call it, or pass it to an array method or to a function that calls it');
    }
    return this.outer(node, symbol);
  }

  /** A name declared outside the function being lowered. */
  protected outer(node: TS.Identifier, symbol: TS.Symbol): Atom {
    const target = symbol.flags & ts.SymbolFlags.Alias ? this.checker.getAliasedSymbol(symbol) : symbol;
    const decl = target.valueDeclaration;
    const name = node.text;
    if (decl && ts.isVariableDeclaration(decl) && ts.isVariableDeclarationList(decl.parent)) {
      if (!(decl.parent.flags & ts.NodeFlags.Const)) {
        unsupported(node, `closure over mutable outer variable '${name}'`,
          `pass '${name}' as a parameter, or declare it const if it never changes`);
      }
      const literal = decl.initializer && numericLiteral(decl.initializer);
      if (literal !== undefined) return num(literal);
      const visible = this.checker.resolveName(name, this.options.emitSite, ts.SymbolFlags.Value, false);
      const imported = !!(visible && visible.flags & ts.SymbolFlags.Alias);
      const sameFile = node.getSourceFile() === this.options.emitSite.getSourceFile();
      const table = decl.initializer && numericTable(decl.initializer);
      if (table && this.options.copyTable && ((visible !== symbol && visible !== target) || (imported && !sameFile))) {
        // a table of numbers from a module the derivative cannot name: a copy beside the derivative
        const cached = this.outers.get(target);
        if (cached) return ref(cached);
        const copy = this.options.copyTable(decl, table.values, table.type);
        this.names.reserve(copy);
        const v: Var = { id: this.nextVar++, name: copy, kind: 'array', arrayType: table.type, outer: true, node: decl };
        this.outers.set(target, v);
        return ref(v);
      }
      if (visible !== symbol && visible !== target) {
        unsupported(node, `'${name}' is declared outside the differentiated function and is not visible where its derivative is generated`,
          `pass '${name}' as a parameter`);
      }
      // An import is renamed by the module transform (`helpers_js_1.TABLE`); the generated
      // reference follows it only when it can point at a use in the file being emitted.
      if (imported && !sameFile) {
        unsupported(node, `'${name}' is imported where the derivative is generated and only used inside another module's function`,
          `pass '${name}' as a parameter`);
      }
      const cached = this.outers.get(target);
      if (cached) return ref(cached);
      const shape = shapeOf(this.checker.getTypeAtLocation(decl), this.checker);
      if (!shape) unsupported(node, `outer constant '${name}' is not a number or numeric array`, `pass '${name}' as a parameter`);
      const v: Var = { id: this.nextVar++, name, kind: shape.kind, arrayType: shape.arrayType, outer: true, node: decl, use: imported ? node : undefined };
      this.names.reserve(name);
      this.outers.set(target, v);
      return ref(v);
    }
    if (decl && ts.isParameter(decl)) {
      unsupported(node, `closure over parameter '${name}' of an enclosing function`, `pass '${name}' as a parameter, or copy it into a const`);
    }
    if (decl && (ts.isFunctionDeclaration(decl) || ts.isFunctionExpression(decl) || ts.isArrowFunction(decl))) {
      unsupported(node, `function '${name}' used as a value`, 'differentiated code can call functions but not pass them around');
    }
    return unsupported(node, `'${name}' cannot be used in differentiated code`,
      'use numbers, Math.*, arrays and functions defined in the program; pass other values as parameters');
  }

  protected arrayVar(e: TS.Expression): Var {
    e = skipParens(e);
    const field = ts.isPropertyAccessExpression(e) ? this.structField(e) : undefined;
    const a = ts.isIdentifier(e) ? this.identifier(e) : field ? ref(field) : undefined;
    if (!a || a.k !== 'var' || a.v.kind !== 'array') {
      unsupported(e, `'${e.getText()}' is not an array variable`, 'index arrays held in parameters or local variables');
    }
    return a.v;
  }
}

/** `[0.5, -1, 2]`, `new Float64Array([…])`, `Float64Array.from([…])`: a literal table of numbers. */
function numericTable(e: TS.Expression): { values: number[]; type: 'numarr' | 'f64' | 'f32' } | undefined {
  e = skipParens(e);
  let type: 'numarr' | 'f64' | 'f32' = 'numarr';
  if ((ts.isNewExpression(e) || ts.isCallExpression(e)) && e.arguments?.length === 1) {
    const callee = ts.isPropertyAccessExpression(e.expression) && e.expression.name.text === 'from' ? e.expression.expression : e.expression;
    const ctor = ts.isIdentifier(callee) ? callee.text : '';
    if (ctor !== 'Float64Array' && ctor !== 'Float32Array') return undefined;
    if (ts.isCallExpression(e) && !ts.isPropertyAccessExpression(e.expression)) return undefined;
    type = ctor === 'Float64Array' ? 'f64' : 'f32';
    e = skipParens(e.arguments[0]);
  }
  if (!ts.isArrayLiteralExpression(e)) return undefined;
  const values = e.elements.map((x) => (ts.isSpreadElement(x) ? undefined : numericLiteral(x)));
  return values.every((v) => v !== undefined) ? { values: values as number[], type } : undefined;
}
