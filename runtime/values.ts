/**
 * Values that generated code builds at run time: the zero shadow of a parameter that is an array
 * of objects (its gradient starts as zeros of the same shape and types) and that gradient fitted
 * back to the parameter's shape, and the error a `throw` in differentiated code raises.
 */

/**
 * Zeros shaped like `x`, in its own types: numbers → 0, typed arrays → a fresh one of the same
 * kind and length, arrays and plain objects element by element; booleans, strings and functions
 * (constants, never differentiated) are kept as they are, so the result has `x`'s type (a class
 * instance's zeros are an instance of its class).
 */
export function zerosLike<T>(x: T): T {
  if (typeof x === 'number') return 0 as T;
  if (Array.isArray(x)) return x.map(zerosLike) as T;
  if (ArrayBuffer.isView(x) && !(x instanceof DataView)) {
    const ctor = (x as unknown as { constructor: new (n: number) => T }).constructor;
    return new ctor((x as unknown as ArrayLike<number>).length);
  }
  if (typeof x === 'object' && x !== null) {
    const out = Object.create(Object.getPrototypeOf(x)) as Record<string, unknown>;
    for (const [k, v] of Object.entries(x)) out[k] = zerosLike(v);
    return out as T;
  }
  return x;
}

/**
 * `g`, a gradient made by `zerosLike(x)` (or row by row like `x`), cut back to `x`'s shape and
 * returned. A read past the end of one of `x`'s arrays gives undefined, and where f does not use
 * that value it still gets an adjoint of 0 added at that index, which grows a number[]: the
 * gradient must not grow with it. Only lengths change; typed arrays never grow.
 */
export function fitted<T>(g: T, x: T): T {
  if (Array.isArray(g) && Array.isArray(x)) {
    if (g.length > x.length) g.length = x.length;
    if (typeof x[0] !== 'number') for (let i = 0; i < g.length; i++) fitted(g[i], x[i]);
  } else if (typeof g === 'object' && g !== null && typeof x === 'object' && x !== null && !ArrayBuffer.isView(g)) {
    for (const k of Object.keys(g)) fitted((g as Record<string, unknown>)[k], (x as Record<string, unknown>)[k]);
  }
  return g;
}

const errors: Readonly<Record<string, ErrorConstructor>> = { Error, RangeError, TypeError };

/**
 * `throw new RangeError(`bad ${x}`)` in a differentiated function: the derivative throws the same
 * error where the function would (`kind` names the constructor; `parts` are the message's pieces).
 */
export function raise(kind: string, ...parts: unknown[]): never {
  throw new (errors[kind] ?? Error)(parts.map(String).join(''));
}

/** A deep copy of an array argument (typed arrays in their own type, arrays of arrays row by row). */
export function copyOf<T>(x: T): T {
  if (Array.isArray(x)) return x.map(copyOf) as T;
  if (ArrayBuffer.isView(x) && !(x instanceof DataView)) return (x as unknown as Float64Array).slice() as T;
  return x;
}

/**
 * `a % b`, the same number for every a and b, found without a division where 0 ≤ a < 2b: there
 * it is a, or a − b (exact: b ≤ a < 2b). Generated code's remainder (compiler/passes/remainders.ts),
 * for the wrap-around indices of periodic grids (`x[(i + 1) % n]`), which V8 otherwise divides
 * for every time. NaN, infinities, −0 and b ≤ 0 all fall through to `%` or give what it gives.
 */
export function rem(a: number, b: number): number {
  if (a >= 0 && a < b) return a;
  if (a >= b && a - b < b) return a - b;
  return a % b;
}
