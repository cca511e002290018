/** How tsgrad sees a TypeScript type: a scalar, a boolean, or an array of numbers of some storage. */
import type * as TS from 'typescript';
import type { ArrayType, Fields, Shape } from './ir.js';
import { ts } from './tsapi.js';

export type { Shape } from './ir.js';

/** The functions tsgrad reads: declarations, expressions, arrows, methods and getters. */
export type FunctionLike = TS.FunctionDeclaration | TS.FunctionExpression | TS.ArrowFunction | TS.MethodDeclaration | TS.GetAccessorDeclaration;

/** A function's name: its own, or the `const` it initializes (`const f = (x) => …`). */
export function functionName(decl: FunctionLike): string | undefined {
  if (decl.name && ts.isIdentifier(decl.name)) return decl.name.text;
  return ts.isVariableDeclaration(decl.parent) && ts.isIdentifier(decl.parent.name) ? decl.parent.name.text : undefined;
}

const typedArrays: Readonly<Record<string, ArrayType>> = {
  Float64Array: 'f64',
  Float32Array: 'f32',
  Int8Array: 'int',
  Uint8Array: 'int',
  Uint8ClampedArray: 'int',
  Int16Array: 'int',
  Uint16Array: 'int',
  Int32Array: 'int',
  Uint32Array: 'int',
};

export const allocatableArrays: ReadonlySet<string> = new Set(Object.keys(typedArrays));

export function arrayTypeOfConstructor(name: string): ArrayType | undefined {
  return typedArrays[name];
}

/**
 * A scalar's kind as tsgrad reads it. Literal types are the numbers and booleans they are:
 * `0.3 | 1.5` (a ternary between literals) is a number, `true`, `false` and `boolean` are
 * booleans. `any` (an element of `new Array(n).fill(0)`, typed `any[]`) and `never` (an operand
 * TypeScript narrowed away, `k` after `k === 0.3` and `k === 1.5` both failed) say nothing:
 * 'unknown', and the kind is that of the value the expression lowers to.
 */
export function scalarKind(type: TS.Type): 'num' | 'bool' | 'unknown' | undefined {
  if (type.flags & ts.TypeFlags.NumberLike) return 'num';
  // booleans, strings and enums of strings: values compared, never differentiated
  if (type.flags & (ts.TypeFlags.BooleanLike | ts.TypeFlags.StringLike)) return 'bool';
  if (type.flags & (ts.TypeFlags.Any | ts.TypeFlags.Never)) return 'unknown';
  if (type.isUnion()) {
    const kinds = new Set(type.types.map(scalarKind));
    const [only] = kinds;
    return kinds.size === 1 && only !== 'unknown' ? only : undefined;
  }
  return undefined;
}

/**
 * `within`: the object types being read around this one (recordFields), so that a recursive type
 * (`interface Tree { v: number; kids: Tree[] }`) ends where it meets itself instead of expanding
 * forever; lowerToIR rejects such parameters first (recursivePath).
 */
export function shapeOf(type: TS.Type, checker: TS.TypeChecker, within: readonly TS.Type[] = []): Shape | undefined {
  const scalar = scalarKind(type);
  if (scalar === 'num' || scalar === 'bool') return { kind: scalar };
  if (type.isUnion()) {
    const parts = type.types.map((t) => shapeOf(t, checker, within));
    const first = parts[0];
    if (first && first.kind !== 'array' && parts.every((p) => p?.kind === first.kind)) return first;
    return undefined;
  }
  const symbolName = type.getSymbol()?.getName();
  if (symbolName && typedArrays[symbolName]) return { kind: 'array', arrayType: typedArrays[symbolName] };
  if (checker.isTupleType(type)) {
    // [number, number, number]: an array of numbers of a fixed length
    const elements = checker.getTypeArguments(type as TS.TypeReference);
    if (elements.length > 0 && elements.every((t) => t.flags & ts.TypeFlags.NumberLike)) return { kind: 'array', arrayType: 'numarr' };
    return undefined;
  }
  if (checker.isArrayType(type)) {
    const [element] = checker.getTypeArguments(type as TS.TypeReference);
    // any[] (`new Array(n).fill(x)`, a literal with such elements): numbers, as its elements lower to
    if (element && element.flags & (ts.TypeFlags.NumberLike | ts.TypeFlags.Any)) return { kind: 'array', arrayType: 'numarr' };
    const row = element && shapeOf(element, checker, within);
    if (row?.kind === 'array' && row.arrayType !== 'rows' && row.arrayType !== 'record' && row.arrayType !== 'objects') return { kind: 'array', arrayType: 'rows', row: row.arrayType };
    // Layer[], Camera[]: an array of objects
    const fields = element && !row && recordFields(element, checker, 4, within);
    if (fields) return { kind: 'array', arrayType: 'objects', fields };
  }
  return undefined;
}

/** An object type (an interface, a class instance, an object literal's type), not an array or function. */
export function isObjectType(type: TS.Type, checker: TS.TypeChecker): boolean {
  return !!(type.flags & ts.TypeFlags.Object) && !checker.isArrayLikeType(type) && !checker.isTupleType(type) &&
    checker.getSignaturesOfType(type, ts.SignatureKind.Call).length === 0 && !typedArrays[type.getSymbol()?.getName() ?? ''];
}

/**
 * The fields of an object type as tsgrad reads them: numbers, booleans and strings (constants),
 * numeric arrays, and objects and arrays of objects of those, nested up to `depth`. Methods,
 * getters and fields of other types are left out (reading one is an error where it is read), and
 * so is a field through which the type contains itself (one of `within`, see shapeOf).
 */
export function recordFields(type: TS.Type, checker: TS.TypeChecker, depth = 4, within: readonly TS.Type[] = []): Fields | undefined {
  if (depth === 0 || !isObjectType(type, checker) || within.includes(type) || within.length >= deepestObject) return undefined;
  const inside = [...within, type];
  const fields = new Map<string, Shape>();
  for (const prop of checker.getPropertiesOfType(type)) {
    if (prop.flags & (ts.SymbolFlags.Method | ts.SymbolFlags.GetAccessor | ts.SymbolFlags.SetAccessor)) continue;
    const decl = prop.valueDeclaration ?? prop.declarations?.[0];
    const ft = decl ? checker.getTypeOfSymbolAtLocation(prop, decl) : checker.getTypeOfSymbol(prop);
    const shape = shapeOf(ft, checker, inside);
    if (shape) {
      fields.set(prop.name, shape);
      continue;
    }
    const nested = recordFields(ft, checker, depth - 1, inside);
    if (nested) fields.set(prop.name, { kind: 'array', arrayType: 'record', fields: nested });
  }
  return fields;
}

/** Parameter types whose derivative tsgrad computes (and returns with the same type). */
export function isDifferentiable(shape: Shape): boolean {
  return shape.kind === 'num' || (shape.kind === 'array' && shape.arrayType !== 'int' && shape.row !== 'int');
}

/**
 * Whether a parameter of this shape has anything to differentiate: a number or a float array,
 * itself or somewhere among its fields (an object or array of objects of strings and integer
 * arrays has not).
 */
export function hasDerivative(shape: Shape): boolean {
  if (!isDifferentiable(shape)) return false;
  return !shape.fields || [...shape.fields.values()].some(hasDerivative);
}

/**
 * A type that contains itself: `path` (`.kids[i]`, below the value of the type) leads to a value
 * of type `self` again, or, `deep`, to objects nested `deepestObject` levels deep.
 */
export interface Recursion {
  readonly self: TS.Type;
  readonly path: string;
  readonly deep: boolean;
}

/** Nesting of objects past which a type counts as recursive (a generic type that grows each level: `E<T> { next: E<T[]> }`). */
const deepestObject = 16;

/**
 * How an object type contains itself, as the field path from the type back to it (`.kids[i]` for
 * `interface Tree { v: number; kids: Tree[] }`, `.b.a` through another type), through data fields
 * (methods, getters and #private fields are not followed, as tsgrad does not read them as fields),
 * array and tuple elements, and unions (`next?: Node`); undefined for a type that does not.
 */
export function recursivePath(type: TS.Type, checker: TS.TypeChecker): Recursion | undefined {
  // types read through without meeting themselves (a type shared by many fields is read once)
  const acyclic = new Set<TS.Type>();
  const visit = (t: TS.Type, path: string, stack: readonly TS.Type[]): Recursion | undefined => {
    if (t.isUnion()) {
      for (const part of t.types) {
        const found = visit(part, path, stack);
        if (found) return found;
      }
      return undefined;
    }
    if (checker.isArrayType(t) || checker.isTupleType(t)) {
      for (const element of checker.getTypeArguments(t as TS.TypeReference)) {
        const found = visit(element, `${path}[i]`, stack);
        if (found) return found;
      }
      return undefined;
    }
    if (!isObjectType(t, checker) || acyclic.has(t)) return undefined;
    if (stack.includes(t) || stack.length === deepestObject) return { self: t, path, deep: !stack.includes(t) };
    for (const prop of checker.getPropertiesOfType(t)) {
      if (prop.flags & (ts.SymbolFlags.Method | ts.SymbolFlags.GetAccessor | ts.SymbolFlags.SetAccessor) || prop.name.startsWith('#')) continue;
      const found = visit(checker.getTypeOfSymbol(prop), `${path}.${prop.name}`, [...stack, t]);
      if (found) return found;
    }
    acyclic.add(t);
    return undefined;
  };
  return visit(type, '', []);
}

const arrayNames: Readonly<Record<string, string>> = { f64: 'Float64Array', f32: 'Float32Array', numarr: 'number[]', int: 'integer typed array' };

export function describeShape(shape: Shape): string {
  if (shape.kind !== 'array') return shape.kind === 'num' ? 'number' : 'boolean';
  if (shape.arrayType === 'rows') return `${describeShape({ kind: 'array', arrayType: shape.row })}[]`;
  if (shape.arrayType === 'record') return 'an object';
  if (shape.arrayType === 'objects') return 'an array of objects';
  return arrayNames[shape.arrayType!];
}
