/** How tsgrad sees a TypeScript type: a scalar, a boolean, or an array of numbers of some storage. */
import type * as TS from 'typescript';
import type { ArrayType, VarKind } from './ir.js';
import { ts } from './tsapi.js';

export interface Shape {
  readonly kind: VarKind;
  readonly arrayType?: ArrayType;
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

export function shapeOf(type: TS.Type, checker: TS.TypeChecker): Shape | undefined {
  if (type.flags & ts.TypeFlags.NumberLike) return { kind: 'num' };
  if (type.flags & ts.TypeFlags.BooleanLike) return { kind: 'bool' };
  if (type.isUnion()) {
    const parts = type.types.map((t) => shapeOf(t, checker));
    const first = parts[0];
    if (first && first.kind !== 'array' && parts.every((p) => p?.kind === first.kind)) return first;
    return undefined;
  }
  const symbolName = type.getSymbol()?.getName();
  if (symbolName && typedArrays[symbolName]) return { kind: 'array', arrayType: typedArrays[symbolName] };
  if (checker.isArrayType(type)) {
    const [element] = checker.getTypeArguments(type as TS.TypeReference);
    if (element && element.flags & ts.TypeFlags.NumberLike) return { kind: 'array', arrayType: 'numarr' };
  }
  return undefined;
}

/** Parameter types whose derivative tsgrad computes (and returns with the same type). */
export function isDifferentiable(shape: Shape): boolean {
  return shape.kind === 'num' || (shape.kind === 'array' && shape.arrayType !== 'int');
}

export function describeShape(shape: Shape): string {
  if (shape.kind !== 'array') return shape.kind === 'num' ? 'number' : 'boolean';
  return { f64: 'Float64Array', f32: 'Float32Array', numarr: 'number[]', int: 'integer typed array' }[shape.arrayType!];
}
