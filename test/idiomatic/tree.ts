/**
 * Arguments as trees (numbers in nested arrays, tuples, typed arrays, objects and class instances):
 * the numeric leaves a finite difference perturbs, deep copies, and gradients read at the same
 * places. Paths start at the argument list: [argnum, key, key, …].
 */
export type Path = readonly (string | number)[];

/** Paths to the numeric leaves of `x` (integer typed arrays, booleans and strings are constants). */
export function leafPaths(x: unknown, prefix: Path, skip?: (path: Path) => boolean): Path[] {
  if (skip?.(prefix)) return [];
  if (typeof x === 'number') return [prefix];
  if (Array.isArray(x) || x instanceof Float64Array || x instanceof Float32Array) {
    return Array.from({ length: x.length }, (_, i) => leafPaths(x[i], [...prefix, i], skip)).flat();
  }
  if (ArrayBuffer.isView(x) || x === null || typeof x !== 'object') return [];
  return Object.keys(x).flatMap((k) => leafPaths((x as Record<string, unknown>)[k], [...prefix, k], skip));
}

/** A deep copy that keeps typed-array types and class prototypes. */
export function clone<T>(x: T): T {
  if (Array.isArray(x)) return x.map(clone) as T;
  if (ArrayBuffer.isView(x)) return (x as unknown as Float64Array).slice() as T;
  if (x === null || typeof x !== 'object') return x;
  const copy = Object.create(Object.getPrototypeOf(x));
  for (const k of Object.keys(x)) copy[k] = clone((x as Record<string, unknown>)[k]);
  return copy;
}

export function getAt(root: unknown, path: Path): unknown {
  let x = root;
  for (const k of path) {
    if (x === null || x === undefined) return undefined;
    x = (x as Record<string | number, unknown>)[k];
  }
  return x;
}

function setAt(root: unknown, path: Path, value: number): void {
  const parent = getAt(root, path.slice(0, -1)) as Record<string | number, unknown>;
  parent[path[path.length - 1]] = value;
}

/** A copy of `args` with leaf `paths[j]` moved by Σ s·dir[j] over `moves`. */
export function shifted(args: readonly unknown[], paths: readonly Path[], moves: readonly (readonly [readonly number[], number])[]): unknown[] {
  const out = clone([...args]);
  paths.forEach((p, j) => {
    const d = moves.reduce((acc, [dir, s]) => acc + s * dir[j], 0);
    if (d !== 0) setAt(out, p, (getAt(out, p) as number) + d);
  });
  return out;
}

/** The numbers of an output (a number, an array, a tuple, nested arrays) in order. */
export function outputVector(y: unknown): number[] {
  if (typeof y === 'number') return [y];
  if (Array.isArray(y)) return y.flatMap(outputVector);
  if (ArrayBuffer.isView(y)) return Array.from(y as Float64Array);
  throw new Error(`not a numeric output: ${String(y)}`);
}

/** A structure like `x` with each numeric leaf replaced by `value(path)`; constants are kept. */
export function mapLeaves(x: unknown, path: Path, value: (path: Path) => number): unknown {
  if (typeof x === 'number') return value(path);
  if (Array.isArray(x)) return x.map((e, i) => mapLeaves(e, [...path, i], value));
  if (x instanceof Float64Array || x instanceof Float32Array) return x.map((_, i) => value([...path, i]));
  if (ArrayBuffer.isView(x) || x === null || typeof x !== 'object') return x;
  const copy = Object.create(Object.getPrototypeOf(x));
  for (const k of Object.keys(x)) copy[k] = mapLeaves((x as Record<string, unknown>)[k], [...path, k], value);
  return copy;
}

/**
 * Where a derivative `got` does not have the shape of its primal `x`: a number for a number, an
 * array (same kind, same length) for an array, an object with the same fields for an object;
 * constants (integer arrays, booleans, strings, and leaves `skip` names) may be anything.
 */
export function shapeMismatch(got: unknown, x: unknown, path: Path, skip?: (path: Path) => boolean): string | undefined {
  const where = path.slice(1).map((k) => (typeof k === 'number' ? `[${k}]` : `.${k}`)).join('');
  if (skip?.(path) || leafPaths(x, path).length === 0) return undefined;
  if (typeof x === 'number') return typeof got === 'number' ? undefined : `${where}: expected a number, got ${describe(got)}`;
  if (x instanceof Float64Array || x instanceof Float32Array || Array.isArray(x)) {
    const kind = Array.isArray(x) ? 'Array' : x.constructor.name;
    const same = Array.isArray(x) ? Array.isArray(got) : got instanceof (x.constructor as typeof Float64Array);
    if (!same) return `${where}: expected ${kind}, got ${describe(got)}`;
    const g = got as ArrayLike<unknown>;
    if (g.length !== x.length) return `${where}: expected length ${x.length}, got ${g.length}`;
    for (let i = 0; i < x.length; i++) {
      const m = shapeMismatch(g[i], x[i], [...path, i], skip);
      if (m) return m;
    }
    return undefined;
  }
  if (got === null || typeof got !== 'object') return `${where}: expected an object, got ${describe(got)}`;
  for (const k of Object.keys(x as object)) {
    const m = shapeMismatch((got as Record<string, unknown>)[k], (x as Record<string, unknown>)[k], [...path, k], skip);
    if (m) return m;
  }
  return undefined;
}

function describe(x: unknown): string {
  if (x === null || x === undefined) return String(x);
  if (typeof x === 'object') return x.constructor?.name ?? 'object';
  return typeof x;
}
