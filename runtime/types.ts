/**
 * The types of derivatives, computed from the types of the differentiated function's parameters so
 * that they say what the generated code takes and returns at run time (test/types.test.ts checks
 * both: the declarations by compiling snippets, the run-time shapes against them).
 *
 *   parameter                      gradient / cotangent          tangent (jvp, hvp's v)
 *   number                         number                        number
 *   Float64Array, Float32Array     the same type                 ArrayLike<number>
 *   number[], tuple, readonly      number[] (a tuple stays one)  ArrayLike<number>
 *   number[][], Float64Array[]     rows as above                 ArrayLike<ArrayLike<number>>
 *   array of objects (Layer[])     Layer[] (zeros of the same    ArrayLike of object tangents
 *                                  shape: strings kept)
 *   object, class instance         its fields, each as above,    its differentiable fields, each
 *                                  constants null, no methods    as above; other fields optional
 *   string, boolean, Int32Array…   null                          anything (ignored)
 */

/** Integer typed arrays: indices and labels, read as constants and never differentiated. */
export type IntegerArray = Int8Array | Uint8Array | Uint8ClampedArray | Int16Array | Uint16Array | Int32Array | Uint32Array;

/** Values that are constants wherever they appear (compared, never differentiated). */
type Constant = string | boolean | bigint | symbol | null | IntegerArray;

type AnyFunction = (...args: any[]) => unknown;

/** The data fields of an object type: its methods are called, not differentiated. */
type FieldKey<T, K extends keyof T> = T[K] extends AnyFunction ? never : K;

/**
 * Whether tsgrad differentiates a value of type `T`: a number, a float array, an array of those or
 * of objects, or an object with such a field somewhere inside. `true`, `false`, or `boolean` for a
 * union of both (an optional parameter's `number | undefined`: read as `true extends …`).
 */
export type IsDifferentiable<T> = DifferentiableBelow<T, []>;
/** `IsDifferentiable`, `Depth` levels down; a recursive type (a tree of objects) is taken as differentiable below 6 levels. */
type DifferentiableBelow<T, Depth extends unknown[]> = 0 extends 1 & T
  ? true
  : Depth['length'] extends 6
    ? true
    : T extends number | Float64Array | Float32Array
      ? true
      : T extends Constant | undefined | AnyFunction
        ? false
        : T extends readonly (infer E)[]
          ? DifferentiableBelow<E, [...Depth, 0]>
          : true extends { [K in keyof T]-?: DifferentiableBelow<T[K], [...Depth, 0]> }[keyof T]
            ? true
            : false;

/** A number or a flat float array: what jacfwd, jacrev and hessian differentiate (they flatten it). */
type FlatDifferentiable = number | readonly number[] | Float64Array | Float32Array;

/** Whether argnums may name a parameter of type `T`: for grad and its kin (`'any'`), or for jacfwd, jacrev and hessian (`'flat'`). */
type Selectable<T, Kind> = Kind extends 'flat' ? ([T] extends [FlatDifferentiable | undefined] ? true : false) : true extends IsDifferentiable<T> ? true : false;

/** Indices of the parameters `P` that argnums may name, as numbers (`0 | 2`); any number when `P` has a rest parameter. */
type Indices<P extends readonly unknown[], Kind> = number extends P['length']
  ? number
  : { [K in keyof P]-?: K extends `${infer N extends number}` ? (Selectable<P[K], Kind> extends true ? N : never) : never }[number];

/** The argnums `grad`, `valueAndGrad` and `hvp` accept for parameters `P`: indices of its differentiable parameters. */
export type Argnum<P extends readonly unknown[]> = Indices<P, 'any'>;
/** The argnums `jacfwd`, `jacrev` and `hessian` accept: indices of number and flat-array parameters. */
export type FlatArgnum<P extends readonly unknown[]> = Indices<P, 'flat'>;
/** One argnum, or a non-empty list of them (the result is then a tuple). */
export type Argnums<P extends readonly unknown[]> = Argnum<P> extends infer N ? N | readonly [N, ...N[]] : never;

/**
 * The derivative of a scalar with respect to a parameter of type `T`, as the generated code returns
 * it: `grad`'s result, a `vjp` pullback's cotangent, `hvp`'s H·v.
 * - a number: a number; a Float64Array or Float32Array: an array of the same type;
 * - `number[]`, a tuple of numbers, a readonly array: a new (mutable) `number[]` of the same length;
 * - an array of arrays: an array of the rows' derivatives;
 * - an array of objects (`Layer[]`): zeros of the same shape filled in (`zerosLike`), so the same
 *   element type: strings and booleans kept, integer arrays zeroed, class instances of their class;
 * - an object (an interface, a class instance): a plain object with its data fields (not its methods),
 *   each its own derivative, `null` for constant fields (strings, booleans, integer arrays);
 * - a parameter that is not differentiable (string, boolean, integer array): `null`.
 */
export type Cotangent<T> = 0 extends 1 & T ? any : CotangentOf<T>;
type CotangentOf<T> = T extends undefined
  ? never // an optional parameter's `undefined`: the derivative is that of its type
  : T extends number
    ? number
    : T extends Float64Array | Float32Array
      ? T
      : T extends Constant | AnyFunction
        ? null
        : T extends readonly unknown[]
          ? ArrayCotangent<T>
          : { -readonly [K in keyof T as FieldKey<T, K>]: Cotangent<T[K]> };
type ArrayCotangent<T extends readonly unknown[]> = T extends readonly number[]
  ? { -readonly [K in keyof T]: number }
  : T[number] extends Constant
    ? null // integer arrays' rows (strings and booleans in arrays are rejected at build time)
    : T[number] extends readonly unknown[] | Float64Array | Float32Array
      ? { -readonly [K in keyof T]: Cotangent<T[K]> }
      : T[number][];

/** Derivatives for the parameters `argnums` selects: `A` a single index, or a tuple for a list. */
export type Gradients<P extends readonly unknown[], A> = A extends number
  ? Cotangent<P[A]>
  : { -readonly [K in keyof A]: A[K] extends number ? Cotangent<P[A[K]]> : never };

/**
 * A tangent (a direction) for a parameter of type `T`, as the generated tangent code reads it: a
 * number for a number; for an array, anything indexable of the same length (`ArrayLike<number>`, a
 * Float64Array included); for an object, its differentiable fields, each such a tangent (other
 * fields may be given and are ignored); for a parameter that is not differentiable, anything
 * (ignored). Also the type of `hvp`'s v and of the cotangent a `vjp` pullback takes.
 */
export type TangentIn<T> = 0 extends 1 & T ? any : TangentOf<T>;
type TangentOf<T> = T extends undefined
  ? never
  : T extends number
    ? number
    : T extends Float64Array | Float32Array
      ? ArrayLike<number>
      : T extends Constant | AnyFunction
        ? unknown
        : T extends readonly unknown[]
          ? T extends readonly number[] ? ArrayLike<number> : IsDifferentiable<T> extends true ? ArrayLike<TangentIn<T[number]>> : unknown
          : ObjectTangent<T>;
type ObjectTangent<T> =
  ({ readonly [K in keyof T as FieldKey<T, K> & DifferentiableKey<T, K>]-?: TangentIn<T[K]> } & {
    readonly [K in keyof T as FieldKey<T, K> & ConstantKey<T, K>]?: unknown;
  }) extends infer O ? { [K in keyof O]: O[K] } : never;
type DifferentiableKey<T, K extends keyof T> = true extends IsDifferentiable<T[K]> ? K : never;
type ConstantKey<T, K extends keyof T> = true extends IsDifferentiable<T[K]> ? never : K;

/** The tangent of a result: a number for a number, a Float64Array for an array. */
export type TangentOut<T> = T extends number ? number : Float64Array;
/** One cotangent per parameter, every parameter (a tuple, so it destructures: `const [dx, dk] = pullback(ct)`). */
export type Cotangents<P extends readonly unknown[]> = { -readonly [K in keyof P]-?: Cotangent<P[K]> };
/** One tangent per parameter. */
export type Tangents<P extends readonly unknown[]> = { [K in keyof P]: TangentIn<P[K]> };

/**
 * `unknown` where parameter `I` of `F` (0 when no argnums are given) can be differentiated, by
 * grad and its kin (`'any'`) or by jacfwd, jacrev and hessian (`'flat'`: a number or a flat float
 * array); otherwise a message type, which `f: F & DifferentiableAt<F>` then fails to match, so
 * the call is a type error that says why.
 */
export type DifferentiableAt<F extends (...args: any[]) => unknown, I extends number = 0, Kind extends 'any' | 'flat' = 'any'> = I extends (
  Kind extends 'flat' ? FlatArgnum<Parameters<F>> : Argnum<Parameters<F>>
)
  ? unknown
  : Kind extends 'flat'
    ? `tsgrad: parameter ${I} of f is not a number or a flat numeric array; choose another with argnum`
    : `tsgrad: f has no differentiable parameter ${I}; choose another with argnums`;
