/**
 * Assignment targets: a local variable, an element of an array, an element or row of a local
 * array of arrays written in place, a number field of an object the function built; `x++` on them.
 */
import type * as TS from 'typescript';
import { unsupported } from '../../diagnostics.js';
import { type Atom, num, ref, type Stmt, type Var } from '../../ir.js';
import { ts } from '../../tsapi.js';
import { shapeOf } from '../../types.js';
import { skipParens, type StructNode } from './base.js';
import { NameLowerer } from './names.js';

export abstract class PlaceLowerer extends NameLowerer {
  protected abstract lowerExpr(e: TS.Expression, out: Stmt[], used?: boolean): Atom;
  /** The array an array-valued expression names or builds (arrays.ts). */
  protected abstract lowerArray(e: TS.Expression, out: Stmt[]): Var;
  /** `A[i]` of an array of arrays: the row (arrays.ts). */
  protected abstract rowOf(rows: Var, index: Atom, out: Stmt[], node?: TS.Node): Var;
  protected abstract recordValue(e: TS.Expression, out: Stmt[]): Var | undefined;
  protected abstract readonly localStructs: WeakSet<StructNode>;

  /** `x++`, `--a[i]`: returns the old or new value as asked. */
  protected increment(target: TS.Expression, delta: number, out: Stmt[], want: 'old' | 'new' | 'none'): Atom {
    const place = this.place(target, out);
    const old = place.read(out);
    const kept = want === 'old' && old.k === 'var' ? this.temp('num', { k: 'atom', a: old }, out) : old;
    const next = place.write(this.temp('num', { k: 'bin', op: '+', a: kept, b: num(delta) }, out), out);
    return want === 'old' ? kept : next;
  }

  /** An assignable location: a local variable or an array element (index evaluated once). */
  protected place(target: TS.Expression, out: Stmt[]): { read(out: Stmt[]): Atom; write(v: Atom, out: Stmt[]): Atom } {
    target = skipParens(target);
    if (ts.isIdentifier(target)) {
      const symbol = this.checker.getSymbolAtLocation(target);
      if (symbol && this.lookup((f) => f.structs.get(symbol))) {
        unsupported(target, `reassigning object variable '${target.text}'`, 'declare a new const for the new object, or keep the fields in let variables');
      }
      const a = this.identifier(target);
      const v = a.k === 'var' ? a.v : undefined;
      if (!v || v.outer) unsupported(target, `assignment to outer variable '${target.text}'`, 'differentiated functions may only assign their own locals and parameters');
      if (v.kind === 'array') unsupported(target, `reassigning array variable '${target.text}'`, 'write into the elements, or use a new variable');
      return {
        read: () => ref(v),
        write: (value, o) => {
          this.assignTo(v, value, o);
          return ref(v);
        },
      };
    }
    if (ts.isElementAccessExpression(target)) {
      const base = skipParens(target.expression);
      if (ts.isElementAccessExpression(base) && this.isRows(base.expression)) {
        // M[i][j] of a local array of arrays
        const rows = this.writableRows(base.expression, target, out);
        const index = this.lowerExpr(base.argumentExpression, out);
        const sub = this.lowerExpr(target.argumentExpression, out);
        return {
          read: (o) => this.temp('num', { k: 'load', arr: rows, index, sub }, o),
          write: (value, o) => {
            o.push({ k: 'store', arr: rows, index, sub, value });
            return value;
          },
        };
      }
      if (ts.isElementAccessExpression(base)) {
        unsupported(target, `writing into '${target.getText()}', an element of an array of arrays`, 'rows are read-only in differentiated code: build new rows (A.map((row) => row.map(…))) or use a flat array with computed indices');
      }
      if (this.isRows(target.expression)) {
        // M[k] = row: a row of a local array of arrays replaced (a swap of rows)
        const rows = this.writableRows(target.expression, target, out);
        const index = this.lowerExpr(target.argumentExpression, out);
        return {
          read: (o) => ref(this.rowOf(rows, index, o, target)),
          write: (value, o) => {
            if (value.k !== 'var' || value.v.kind !== 'array' || value.v.arrayType !== rows.row) unsupported(target, `a row of '${target.expression.getText()}' given something other than a row of its type`, 'store rows of the same type');
            o.push({ k: 'store', arr: rows, index, value });
            return value;
          },
        };
      }
      const inObject = ts.isPropertyAccessExpression(skipParens(target.expression)) && !this.structOf((skipParens(target.expression) as TS.PropertyAccessExpression).expression);
      if (inObject && this.recordValue((skipParens(target.expression) as TS.PropertyAccessExpression).expression, out)) {
        unsupported(target, `writing into '${target.expression.getText()}', an array held by an object`, 'objects are read-only in differentiated code: build new arrays (layer.b.map(…)) or pass the array as a parameter');
      }
      const arr = this.arrayVar(target.expression);
      if (arr.arrayType === 'rows' || this.rowVars.has(arr)) {
        unsupported(target, `writing into '${target.expression.getText()}', ${arr.arrayType === 'rows' ? 'an array of arrays' : 'a row of an array of arrays'}`, 'rows are read-only in differentiated code: build new rows (row.map(…)) or use a flat array with computed indices');
      }
      if (arr.outer) unsupported(target, `writing into outer array '${arr.name}'`, 'pass the array as a parameter');
      if (this.shared.has(arr)) {
        unsupported(target, `writing into '${target.expression.getText()}', which names the same array as another variable`, 'copy it first (let u = [...u0]) and write into the copy');
      }
      if (this.views.has(arr)) unsupported(target, `writing into '${target.expression.getText()}', a subarray: in JavaScript a view that writes through to its array`, 'use slice() for a copy, or write into the original array with an offset');
      const index = this.lowerExpr(target.argumentExpression, out);
      return {
        read: (o) => this.temp('num', { k: 'load', arr, index }, o),
        write: (value, o) => {
          o.push({ k: 'store', arr, index, value });
          return value;
        },
      };
    }
    if (ts.isPropertyAccessExpression(target)) {
      // `acc.sum += x` of an object built here: its field's variable
      const struct = this.structOf(target.expression);
      const field = struct?.get(target.name.text);
      if (struct && this.localStructs.has(struct) && field && !(field instanceof Map) && field.kind !== 'array') {
        return {
          read: () => ref(field),
          write: (value, o) => {
            this.assignTo(field, value, o);
            return ref(field);
          },
        };
      }
      unsupported(target, `assignment to field '${target.getText()}'`, 'objects given to the function are read-only: compute the value into a local variable');
    }
    return unsupported(target, `assignment to '${target.getText()}'`, 'assign to local variables or array elements');
  }

  /** An expression whose type is an array of arrays (number[][], Float64Array[], Vec2[]). */
  protected isRows(e: TS.Expression): boolean {
    return shapeOf(this.checker.getTypeAtLocation(e), this.checker)?.arrayType === 'rows';
  }

  /** The array of arrays that `M[i][j] = …` writes into: a local one of this function, which nothing else names. */
  private writableRows(e: TS.Expression, target: TS.Node, out: Stmt[]): Var {
    const rows = this.lowerArray(e, out);
    const what = `writing into '${target.getText()}'`;
    if (rows.arrayType !== 'rows') unsupported(target, `${what}: not an array of arrays`, 'write into arrays of numbers');
    if (rows.outer || !this.locals.includes(rows)) {
      unsupported(target, `${what}, an array of arrays the function was given`, 'inputs are never written: copy it first (const M = A.map((row) => [...row])) and write into the copy');
    }
    if (this.shared.has(rows) || this.views.has(rows) || this.rowVars.has(rows)) {
      unsupported(target, `${what}, which names the same array of arrays as another variable`, 'copy it first (A.map((row) => [...row])) and write into the copy');
    }
    if (!this.writtenRows.has(rows)) this.writtenRows.set(rows, target);
    return rows;
  }
}
