/**
 * A generated program's arguments as trees: numbers, arrays, objects (fields in sorted order),
 * arrays of arrays and arrays of objects, with Int32Array index tables and string tags as constants;
 * instances of the program's classes, made by their constructors (copies keep their prototype).
 * A differentiable argument's components are its numeric leaves in the order of tree.ts's
 * leafPaths: component j of a finite difference, a gradient, a tangent or a cotangent is the
 * number at leaf path j, whatever the derivative's own field order.
 */
import { rng } from '../harness.js';
import { getAt, leafPaths, type Path, shapeMismatch } from '../idiomatic/tree.js';
import { type ClassSpec, differentiable, type ElemShape, type Program } from './generate.js';

export type Arg = number | string | number[] | Float64Array | Float32Array | Int32Array | ObjArg | Arg[];
/** An object parameter's value, or an element of an array of objects. */
export interface ObjArg {
  [field: string]: Arg;
}
/** What mapLeaves maps: a number, a string, or an array of numbers. */
type Leaf = Exclude<Arg, ObjArg | Arg[]> | number[];

const isObj = (a: unknown): a is ObjArg => typeof a === 'object' && a !== null && !Array.isArray(a) && !ArrayBuffer.isView(a);
const isLeaf = (a: Arg): a is Leaf => !isObj(a) && !(Array.isArray(a) && a.some((x) => typeof x !== 'number'));

/**
 * The same value with each leaf mapped (`inRow`: the leaf is an element of an array); objects
 * (class instances with their prototype) and arrays of arrays or objects rebuilt.
 */
function mapLeaves(a: Arg, leaf: (x: Leaf, inRow: boolean) => Arg, inRow = false): Arg {
  if (isObj(a)) return Object.assign(Object.create(Object.getPrototypeOf(a)) as ObjArg, Object.fromEntries(Object.keys(a).map((k) => [k, mapLeaves(a[k], leaf)])));
  if (isLeaf(a)) return leaf(a, inRow);
  return (a as Arg[]).map((x) => mapLeaves(x, leaf, true));
}

export function copyArg(a: Arg): Arg {
  return mapLeaves(a, (x) => (typeof x === 'number' || typeof x === 'string' ? x : Array.isArray(x) ? [...x] : x.slice()));
}
export const copyAll = (args: readonly Arg[]): Arg[] => args.map(copyArg);

/** Every number of a value (Int32Array tables too, strings left out) in order: outputs, and inputs compared before and after a call. */
export function flat(y: unknown): number[] {
  if (typeof y === 'number') return [y];
  if (typeof y === 'string' || y === null || y === undefined) return [];
  if (Array.isArray(y)) return y.flatMap(flat);
  if (isObj(y)) return Object.keys(y).flatMap((k) => flat(y[k]));
  return Array.from(y as ArrayLike<number>);
}

/** Paths (below the argument) to an argument's numeric leaves: its components. */
export const leavesOf = (a: Arg): Path[] => leafPaths(a, []);
/** How many components an argument has. */
export const size = (a: Arg): number => leavesOf(a).length;

/** A derivative's numbers at its argument's leaves, or how its shape differs from the argument's. */
export function componentsOf(g: unknown, a: Arg, what: string): number[] | string {
  const bad = shapeMismatch(g, a, [what]);
  if (bad !== undefined) return `${what}${bad}`;
  return leavesOf(a).map((p) => getAt(g, p) as number);
}

/** The program module's exports, where makeArgs finds the constructors of its classes. */
export type Classes = Readonly<Record<string, unknown>>;

/** The program's arguments at a random point: arrays of its length, indices in range; instances made by `classes`' constructors. */
export function makeArgs(p: Program, seed: number, classes: Classes = {}): Arg[] {
  const r = rng(seed);
  const u = (): number => Math.round((-1.2 + 2.4 * r()) * 1e6) / 1e6;
  const indices = (): Int32Array => Int32Array.from({ length: p.length }, () => Math.floor(r() * p.length));
  const leaf = (type: 'num' | 'numarr' | 'f64'): Arg => (type === 'num' ? u() : type === 'numarr' ? Array.from({ length: p.length }, u) : Float64Array.from({ length: p.length }, u));
  const object = (shape: ElemShape): ObjArg => Object.fromEntries(Object.keys(shape).sort().map((k) => {
    const t = shape[k];
    return [k, t === 'i32' ? indices() : t === 'tag' ? (r() < 0.5 ? 'a' : 'b') : typeof t === 'string' ? leaf(t) : object(t)];
  }));
  const rows = (count: number, row: 'numarr' | 'f64' | 'pair'): Arg[] => Array.from({ length: count }, () => (row === 'pair' ? [u(), u()] : leaf(row)));
  /** `new C(k, w, tag)`: a tag last may be left to its default. */
  const instance = (cls: ClassSpec): ObjArg => {
    const values = cls.fields.map(([, t]) => (t === 'tag' ? (r() < 0.5 ? 'a' : 'b') : leaf(t)));
    if (cls.fields[cls.fields.length - 1][1] === 'tag' && r() < 0.3) values.pop();
    const C = classes[cls.name] as new (...args: Arg[]) => ObjArg;
    return new C(...values);
  };
  return p.params.map((x): Arg => {
    switch (x.type) {
      case 'inst': return instance(x.cls!);
      case 'insts': return Array.from({ length: x.count! }, () => instance(x.cls!));
      case 'obj': return object(x.shape!);
      case 'rows': return rows(x.count!, x.row!);
      case 'objs': return Array.from({ length: x.count! }, () => object(x.elem!));
      case 'num': return u();
      case 'size': return p.length;
      case 'numarr': return Array.from({ length: p.length }, u);
      case 'f64': return Float64Array.from({ length: p.length }, u);
      case 'f32': return Float32Array.from({ length: p.length }, u);
      case 'i32': return indices();
    }
  });
}

/**
 * One tangent direction per differentiable parameter (others keep their argument): of the
 * argument's shape, a flat array as a Float64Array, a row of an array of arrays of its own kind;
 * index tables and tags kept.
 */
export function directions(args: readonly Arg[], p: Pick<Program, 'params'>, seed: number): Arg[] {
  const r = rng(seed);
  const u = (): number => -1 + 2 * r();
  const tangent = (x: Leaf, inRow: boolean): Arg => {
    if (typeof x === 'number') return u();
    if (typeof x === 'string' || x instanceof Int32Array) return x;
    return inRow && Array.isArray(x) ? Array.from({ length: x.length }, u) : Float64Array.from({ length: x.length }, u);
  };
  return args.map((a, i) => {
    const type = p.params[i].type;
    if (type === 'size') return 0; // a number to tsgrad, but a size: no tangent
    return !differentiable(type) ? copyArg(a) : mapLeaves(a, tangent);
  });
}
