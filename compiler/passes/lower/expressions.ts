/**
 * Expressions → atoms in A-normal form: literals, operators, `&&`/`||` and ternaries as branches,
 * element loads, properties (names are names.ts's, assignment targets places.ts's).
 */
import type * as TS from 'typescript';
import { unsupported } from '../../diagnostics.js';
import { type Atom, type BinOp, bool, num, ref, type Stmt, type Var } from '../../ir.js';
import { tempName } from '../../naming.js';
import { mathConstants } from '../../rules.js';
import { ts } from '../../tsapi.js';
import { isObjectType, scalarKind, shapeOf } from '../../types.js';
import { atomKind, isGlobalMath, skipParens, type StructNode } from './base.js';
import { PlaceLowerer } from './places.js';

const binaryOps: Partial<Record<number, BinOp>> = {};
const compoundOps: Partial<Record<number, BinOp>> = {};

const numberConstants: Record<string, number> = {
  EPSILON: Number.EPSILON, MAX_VALUE: Number.MAX_VALUE, MIN_VALUE: Number.MIN_VALUE, MAX_SAFE_INTEGER: Number.MAX_SAFE_INTEGER,
  MIN_SAFE_INTEGER: Number.MIN_SAFE_INTEGER, POSITIVE_INFINITY: Infinity, NEGATIVE_INFINITY: -Infinity, NaN: NaN,
};

export function initOperatorTables(): void {
  if (binaryOps[ts.SyntaxKind.PlusToken]) return;
  const K = ts.SyntaxKind;
  Object.assign(binaryOps, {
    [K.PlusToken]: '+', [K.MinusToken]: '-', [K.AsteriskToken]: '*', [K.SlashToken]: '/',
    [K.PercentToken]: '%', [K.AsteriskAsteriskToken]: '**', [K.LessThanToken]: '<',
    [K.LessThanEqualsToken]: '<=', [K.GreaterThanToken]: '>', [K.GreaterThanEqualsToken]: '>=',
    [K.EqualsEqualsEqualsToken]: '===', [K.ExclamationEqualsEqualsToken]: '!==',
    [K.EqualsEqualsToken]: '===', [K.ExclamationEqualsToken]: '!==',
    [K.BarToken]: '|', [K.AmpersandToken]: '&', [K.CaretToken]: '^', [K.LessThanLessThanToken]: '<<',
    [K.GreaterThanGreaterThanToken]: '>>', [K.GreaterThanGreaterThanGreaterThanToken]: '>>>',
  });
  Object.assign(compoundOps, {
    [K.PlusEqualsToken]: '+', [K.MinusEqualsToken]: '-', [K.AsteriskEqualsToken]: '*',
    [K.SlashEqualsToken]: '/', [K.PercentEqualsToken]: '%', [K.AsteriskAsteriskEqualsToken]: '**',
    [K.BarEqualsToken]: '|', [K.AmpersandEqualsToken]: '&', [K.CaretEqualsToken]: '^', [K.LessThanLessThanEqualsToken]: '<<',
    [K.GreaterThanGreaterThanEqualsToken]: '>>', [K.GreaterThanGreaterThanGreaterThanEqualsToken]: '>>>',
  });
}

const boolOps: ReadonlySet<BinOp> = new Set(['<', '<=', '>', '>=', '===', '!==', '&&', '||']);

export abstract class ExprLowerer extends PlaceLowerer {
  protected abstract call(c: TS.CallExpression, out: Stmt[]): Atom;
  /** `xs.find(p)`, `xs.at(i)`: a value that may be missing, and whether it is there (arrays.ts). */
  protected abstract maybeValue(e: TS.Expression, out: Stmt[]): { value: Atom; present: Atom } | undefined;
  /** `x = step(x)`: an array variable given a new array (patterns.ts). */
  protected abstract reassignArray(target: TS.Identifier, v: Var, value: TS.Expression, out: Stmt[]): void;
  /** `[a, b] = [b, a]`: a destructuring assignment (patterns.ts). */
  protected abstract destructuringAssignment(b: TS.BinaryExpression, out: Stmt[]): void;
  /** `xs[i]` of an array of objects, and `obj.name` of an object (arrays.ts). */
  protected abstract recordOf(objects: Var, index: Atom, out: Stmt[], node?: TS.Node): Var;
  protected abstract fieldOf(obj: Var, name: string, out: Stmt[], node: TS.Node): Atom;
  /** The fields of an object-valued expression (objects.ts). */
  protected abstract structValue(e: TS.Expression, out: Stmt[], name?: string): StructNode | undefined;
  /** A getter of a class in the program, inlined (calls.ts). */
  protected abstract getter(p: TS.PropertyAccessExpression, out: Stmt[]): Atom | undefined;

  /** Lowers `e`, appending its statements to `out`; returns the atom holding its value. */
  protected lowerExpr(e: TS.Expression, out: Stmt[], used = true): Atom {
    const K = ts.SyntaxKind;
    switch (e.kind) {
      case K.NumericLiteral:
        return num(Number((e as TS.NumericLiteral).text.replace(/_/g, '')));
      case K.StringLiteral:
      case K.NoSubstitutionTemplateLiteral:
        return { k: 'const', value: (e as TS.StringLiteral).text };
      case K.TrueKeyword:
        return bool(true);
      case K.FalseKeyword:
        return bool(false);
      case K.Identifier:
        return this.identifier(e as TS.Identifier);
      case K.ThisKeyword: {
        const self = this.lookup((f) => f.self);
        if (!self) unsupported(e, "'this' outside a method", 'call methods on objects; module functions take the object as a parameter');
        if (self.k === 'struct') unsupported(e, "'this' used as a value", 'read its fields (this.x), call its methods, or pass the fields a function needs');
        return self.a;
      }
      case K.ParenthesizedExpression:
      case K.AsExpression:
      case K.NonNullExpression:
      case K.TypeAssertionExpression:
      case K.SatisfiesExpression:
        return this.lowerExpr((e as TS.ParenthesizedExpression).expression, out, used);
      case K.PrefixUnaryExpression:
        return this.prefix(e as TS.PrefixUnaryExpression, out);
      case K.PostfixUnaryExpression: {
        const p = e as TS.PostfixUnaryExpression;
        return this.increment(p.operand, p.operator === K.PlusPlusToken ? 1 : -1, out, used ? 'old' : 'none');
      }
      case K.BinaryExpression:
        return this.binary(e as TS.BinaryExpression, out);
      case K.ConditionalExpression:
        return this.conditional(e as TS.ConditionalExpression, out);
      case K.ElementAccessExpression: {
        const a = e as TS.ElementAccessExpression;
        const base = skipParens(a.expression);
        if (ts.isElementAccessExpression(base) && this.isRows(base.expression)) {
          // A[i][j]: one load from the array of arrays
          const rows = this.lowerArray(base.expression, out);
          const index = this.lowerExpr(base.argumentExpression, out);
          return this.temp('num', { k: 'load', arr: rows, index, sub: this.lowerExpr(a.argumentExpression, out) }, out);
        }
        const arr = this.lowerArray(a.expression, out);
        const index = this.lowerExpr(a.argumentExpression, out);
        if (arr.arrayType === 'objects') return ref(this.recordOf(arr, index, out, a));
        if (arr.arrayType === 'rows') return ref(this.rowOf(arr, index, out, a));
        return this.temp('num', { k: 'load', arr, index }, out);
      }
      case K.PropertyAccessExpression:
        return this.property(e as TS.PropertyAccessExpression, out);
      case K.CallExpression:
        return this.call(e as TS.CallExpression, out);
      default:
        return unsupported(e, `${expressionName(e)} is not supported in differentiated code`,
          'tsgrad compiles arithmetic, Math.*, comparisons, array indexing and calls to functions with a body');
    }
  }

  protected prefix(p: TS.PrefixUnaryExpression, out: Stmt[]): Atom {
    const K = ts.SyntaxKind;
    switch (p.operator) {
      case K.PlusPlusToken:
      case K.MinusMinusToken:
        return this.increment(p.operand, p.operator === K.PlusPlusToken ? 1 : -1, out, 'new');
      case K.PlusToken:
        return this.lowerExpr(p.operand, out);
      case K.MinusToken: {
        const a = this.lowerExpr(p.operand, out);
        return a.k === 'const' ? num(-a.value) : this.temp('num', { k: 'un', op: '-', a }, out);
      }
      case K.ExclamationToken:
        return this.temp('bool', { k: 'un', op: '!', a: this.lowerExpr(p.operand, out) }, out);
      case K.TildeToken: // ~x is x ^ -1 (~~x truncates to an int32)
        return this.temp('num', { k: 'bin', op: '^', a: this.lowerExpr(p.operand, out), b: num(-1) }, out);
      default:
        return unsupported(p, `operator '${ts.tokenToString(p.operator)}' is not supported`, 'bitwise operators have no derivative; use Math.floor/trunc for integers');
    }
  }

  protected binary(b: TS.BinaryExpression, out: Stmt[]): Atom {
    const K = ts.SyntaxKind;
    const op = b.operatorToken.kind;
    const left = skipParens(b.left);
    const named = op === K.EqualsToken && ts.isIdentifier(left) && !this.structOf(left) ? this.identifier(left) : undefined;
    if (named && named.k === 'var' && named.v.kind === 'array' && !named.v.outer) {
      this.reassignArray(left as TS.Identifier, named.v, b.right, out);
      return named;
    }
    if (op === K.EqualsToken && !ts.isArrayLiteralExpression(b.left) && !ts.isObjectLiteralExpression(b.left)) {
      const place = this.place(b.left, out);
      return place.write(this.lowerExpr(b.right, out), out);
    }
    const compound = compoundOps[op];
    if (compound) {
      const place = this.place(b.left, out);
      const old = place.read(out);
      const value = this.lowerExpr(b.right, out);
      return place.write(this.temp('num', { k: 'bin', op: compound, a: old, b: value }, out), out);
    }
    if (op === K.AmpersandAmpersandToken || op === K.BarBarToken) return this.logical(b, op === K.AmpersandAmpersandToken, out);
    if (op === K.QuestionQuestionToken) return this.nullish(b, out);
    const undefinedTest = this.undefinedTest(b);
    if (undefinedTest) return undefinedTest;
    if (op === K.EqualsToken && (ts.isArrayLiteralExpression(b.left) || ts.isObjectLiteralExpression(b.left))) {
      this.destructuringAssignment(b, out);
      return bool(true);
    }
    if (op === K.CommaToken) {
      this.lowerExpr(b.left, out, false);
      return this.lowerExpr(b.right, out);
    }
    const bop = binaryOps[op];
    if (!bop) {
      return unsupported(b.operatorToken, `operator '${b.operatorToken.getText()}' is not supported`,
        'tsgrad compiles arithmetic, comparison, logical and bitwise operators');
    }
    for (const side of [b.left, b.right]) {
      if (!scalarKind(this.checker.getTypeAtLocation(side))) {
        unsupported(side, `operand of type ${this.checker.typeToString(this.checker.getTypeAtLocation(side))}`, 'arithmetic in differentiated code is on numbers');
      }
    }
    const a = this.lowerExpr(b.left, out);
    const c = this.lowerExpr(b.right, out);
    return this.temp(boolOps.has(bop) ? 'bool' : 'num', { k: 'bin', op: bop, a, b: c }, out);
  }

  /** `a && b` / `a || b` on booleans, short-circuiting when `b` has effects or work. */
  /**
   * `k === undefined`, `k !== undefined` for an optional parameter: whether the call left it out,
   * known at build time.
   */
  protected undefinedTest(b: TS.BinaryExpression): Atom | undefined {
    const K = ts.SyntaxKind;
    const op = b.operatorToken.kind;
    const equal = op === K.EqualsEqualsEqualsToken || op === K.EqualsEqualsToken;
    if (!equal && op !== K.ExclamationEqualsEqualsToken && op !== K.ExclamationEqualsToken) return undefined;
    const isUndefined = (x: TS.Expression): boolean => ts.isIdentifier(skipParens(x)) && (skipParens(x) as TS.Identifier).text === 'undefined';
    const other = isUndefined(b.right) ? skipParens(b.left) : isUndefined(b.left) ? skipParens(b.right) : undefined;
    if (!other) return undefined;
    const symbol = ts.isIdentifier(other) ? this.checker.getSymbolAtLocation(other) : undefined;
    const absent = symbol && this.lookup((f) => (f.absent.has(symbol) ? true : undefined));
    const present = symbol && (this.lookup((f) => f.symbols.get(symbol)) || this.lookup((f) => f.structs.get(symbol)) || this.lookup((f) => f.functions.get(symbol)));
    if (!absent && !present) {
      return unsupported(b, `'${b.getText()}' compares a value that is never undefined here`, 'compare optional parameters with undefined, or give them defaults');
    }
    return bool(absent ? equal : !equal);
  }

  /**
   * `k ?? d`: the value of an optional parameter or `d` when the call leaves it out, both known at
   * build time; a value whose type cannot be null or undefined is itself.
   */
  protected nullish(b: TS.BinaryExpression, out: Stmt[]): Atom {
    const left = skipParens(b.left);
    if (ts.isIdentifier(left)) {
      const symbol = this.checker.getSymbolAtLocation(left);
      if (symbol && this.lookup((f) => (f.absent.has(symbol) ? true : undefined))) return this.lowerExpr(b.right, out);
      if (symbol && this.lookup((f) => f.symbols.get(symbol))) return this.lowerExpr(left, out);
    }
    const type = this.checker.getTypeAtLocation(left);
    // `any` (find on an array of `.fill` elements) says nothing: find and at may still be missing
    // (fuzz seed 1010561: the fallback was dropped, and the missing item was NaN)
    const untyped = (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Unknown)) !== 0;
    if (!untyped && this.checker.getNonNullableType(type) === type) return this.lowerExpr(left, out);
    const maybe = this.maybeValue(left, out);
    if (!maybe && untyped) return this.lowerExpr(left, out);
    if (maybe) {
      const whenMissing: Stmt[] = [];
      const fallback = this.lowerExpr(b.right, whenMissing);
      const r = this.newVar(tempName(this.nextTemp++), { kind: 'num' });
      whenMissing.push({ k: 'assign', target: r, expr: { k: 'atom', a: fallback } });
      out.push({ k: 'if', cond: maybe.present, then: [{ k: 'assign', target: r, expr: { k: 'atom', a: maybe.value } }], else: whenMissing });
      return ref(r);
    }
    return unsupported(b, `'??' on '${left.getText()}', which may be undefined at run time`,
      "use '??' on optional parameters, or test the value against a bound first");
  }

  protected logical(b: TS.BinaryExpression, isAnd: boolean, out: Stmt[]): Atom {
    const boolean = (side: TS.Expression, value: Atom): Atom => {
      if (atomKind(value) !== 'bool') {
        unsupported(side, `'${isAnd ? '&&' : '||'}' on a non-boolean`, 'use && and || on comparisons; use a ternary to choose between numbers');
      }
      return value;
    };
    for (const side of [b.left, b.right]) {
      const kind = scalarKind(this.checker.getTypeAtLocation(side));
      if (kind !== 'bool' && kind !== 'unknown') boolean(side, num(0));
    }
    const left = boolean(b.left, this.lowerExpr(b.left, out));
    const rightOut: Stmt[] = [];
    const right = boolean(b.right, this.lowerExpr(b.right, rightOut));
    if (rightOut.length === 0) return this.temp('bool', { k: 'bin', op: isAnd ? '&&' : '||', a: left, b: right }, out);
    const r = this.newVar(tempName(this.nextTemp++), { kind: 'bool' });
    out.push({ k: 'assign', target: r, expr: { k: 'atom', a: left } });
    rightOut.push({ k: 'assign', target: r, expr: { k: 'atom', a: right } });
    out.push(isAnd ? { k: 'if', cond: ref(r), then: rightOut, else: [] } : { k: 'if', cond: ref(r), then: [], else: rightOut });
    return ref(r);
  }

  protected conditional(c: TS.ConditionalExpression, out: Stmt[]): Atom {
    const cond = this.lowerExpr(c.condition, out);
    // known at build time (`k === undefined ? 2 : k`): only the arm that runs
    if (cond.k === 'const') return this.lowerExpr(cond.value ? c.whenTrue : c.whenFalse, out);
    const whenTrue: Stmt[] = [];
    const whenFalse: Stmt[] = [];
    const a = this.lowerExpr(c.whenTrue, whenTrue);
    const b = this.lowerExpr(c.whenFalse, whenFalse);
    // the arms' kinds, not the checker's: `c ? 0.3 : 1.5` has type 0.3 | 1.5, an arm narrowed away has type never
    const kind = atomKind(a);
    if (kind !== atomKind(b) || kind === 'array') {
      unsupported(c, 'a ternary must choose between two numbers or two booleans', 'compute each case into a variable of one type');
    }
    if (whenTrue.length === 0 && whenFalse.length === 0) return this.temp(kind, { k: 'select', c: cond, a, b }, out);
    const r = this.newVar(tempName(this.nextTemp++), { kind });
    whenTrue.push({ k: 'assign', target: r, expr: { k: 'atom', a } });
    whenFalse.push({ k: 'assign', target: r, expr: { k: 'atom', a: b } });
    out.push({ k: 'if', cond, then: whenTrue, else: whenFalse });
    return ref(r);
  }

  protected property(p: TS.PropertyAccessExpression, out: Stmt[]): Atom {
    const prop = p.name.text;
    const got = this.getter(p, out);
    if (got) return got;
    const made = skipParens(p.expression);
    if ((ts.isCallExpression(made) || ts.isObjectLiteralExpression(made)) && isObjectType(this.checker.getTypeAtLocation(made), this.checker)) {
      // `stats(xs).mean`: a field of an object made here
      const field = this.structValue(made, out)?.get(prop);
      if (field && !(field instanceof Map)) return ref(field);
      if (field) unsupported(p, `'${p.getText()}' is an object, used as a value`, 'read its fields');
    }
    const leaf = this.structField(p);
    if (leaf) {
      if (leaf.kind === 'array') unsupported(p, `array field '${p.getText()}' used as a value`, 'index it, read its length, or pass it to a function');
      return ref(leaf);
    }
    if (ts.isIdentifier(p.expression) && p.expression.text === 'Math' && isGlobalMath(p.expression, this.checker)) {
      if (prop in mathConstants) return num(mathConstants[prop]);
      unsupported(p, `Math.${prop} is not supported here`, 'call Math functions directly, e.g. Math.exp(x)');
    }
    const member = this.checker.getSymbolAtLocation(p)?.valueDeclaration;
    const constant = member && ts.isEnumMember(member) ? this.checker.getConstantValue(member) : undefined;
    if (constant !== undefined) return { k: 'const', value: constant }; // an enum member
    if (ts.isIdentifier(p.expression) && p.expression.text === 'Number' && prop in numberConstants && isGlobalMath(p.expression, this.checker)) {
      return num(numberConstants[prop]);
    }
    if (prop === 'length') return this.temp('num', { k: 'length', arr: this.lowerArray(p.expression, out) }, out);
    const obj = this.recordValue(p.expression, out);
    if (obj) return this.fieldOf(obj, prop, out, p);
    return unsupported(p, `property access '${p.getText()}' is not supported`, 'differentiated code reads numbers, arrays and array.length');
  }

}

function expressionName(e: TS.Expression): string {
  const K = ts.SyntaxKind;
  const names: Partial<Record<number, string>> = {
    [K.ArrowFunction]: 'a closure', [K.FunctionExpression]: 'a closure', [K.StringLiteral]: 'a string',
    [K.TemplateExpression]: 'a template string', [K.ObjectLiteralExpression]: 'an object literal',
    [K.NewExpression]: "'new' outside an array declaration", [K.AwaitExpression]: 'await', [K.YieldExpression]: 'yield',
    [K.ArrayLiteralExpression]: 'an array literal outside a declaration', [K.TypeOfExpression]: 'typeof',
    [K.DeleteExpression]: 'delete', [K.NoSubstitutionTemplateLiteral]: 'a string', [K.NullKeyword]: 'null',
    [K.TaggedTemplateExpression]: 'a tagged template', [K.BigIntLiteral]: 'a bigint',
  };
  return names[e.kind] ?? `'${ts.SyntaxKind[e.kind]}'`;
}
