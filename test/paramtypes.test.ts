/**
 * Parameter types with nothing to differentiate or no fixed shape, rejected at the parameter
 * (regressions: both crashed the transformer).
 *
 * - An object parameter selected for differentiation with no number or float array inside it
 *   (`p: { name: string; ids: Int32Array }` and `grad(f)`) stopped the emitter with an internal
 *   error ("reading 'k'"); `grad(f, [0, 1])` returned `[dx]`, leaving p's entry out of the tuple.
 * - A recursive parameter type (`interface Tree { v: number; kids: Tree[] }`) sent the type
 *   analysis (shapeOf ↔ recordFields) into a stack overflow.
 *
 * Each case is a file of its own with one call, so each mode's diagnostic is checked by itself:
 * a tsgrad error (TS99001, not the internal TS99099) at the parameter's file:line:col, naming the
 * construct and what to write instead, with the marker call left in place to throw at run time.
 */
import { expect } from 'chai';
import * as path from 'node:path';
import * as ts from 'typescript';
import { type Compiled, compile, formatDiagnostics, repoRoot } from './harness.js';

const dir = path.join(repoRoot, 'test', 'virtual', 'paramtypes');
const imports = `import { grad, valueAndGrad, vjp, jvp, hvp, jacfwd, jacrev, hessian, jit } from 'tsgrad';\n`;

interface Rejected {
  /** Declarations: types and the differentiated function. */
  readonly decls: string;
  /** The marker call (`make` returns it). */
  readonly call: string;
  /** The parameter the error points at, as written in `decls` (its first occurrence in the function `in`, default `f`). */
  readonly at: string;
  readonly in?: string;
  readonly mentions: RegExp;
}

const meta = `interface Meta { name: string; ids: Int32Array }
export function f(p: Meta, x: number): number { return x * p.ids.length; }
export function fv(p: Meta, x: number): number[] { return [x * p.ids.length, x]; }
const p: Meta = { name: 'a', ids: new Int32Array(2) };
`;
const nothing = /parameter 'p' \(Meta\) has no differentiable field: no number, number\[\], Float64Array or Float32Array inside it.*Hint: choose another parameter with argnums \(1 for 'x'\), or give 'p' a field of type number, number\[\], Float64Array or Float32Array/;

const tree = `interface Tree { v: number; kids: Tree[] }
export function f(t: Tree): number { return t.v * 2; }
export function fa(x: Float64Array, t: Tree): number { return x[0] * x[0] * t.v; }
const t: Tree = { v: 1, kids: [{ v: 2, kids: [] }] };
`;
const recursive = (param: string, where: string, self: string): RegExp =>
  new RegExp(`parameter '${param}' has a recursive type: '${where.replace(/[[\].]/g, '\\$&')}' is again of type ${self}; recursive structures \\(trees, linked lists\\) are not supported as parameters of a differentiated function\\. Hint: flatten the structure into arrays and pass those`);

const cases: Record<string, Rejected> = {
  // an object with no differentiable field, in every mode that selects it
  'grad: an object of a string and an Int32Array': { decls: meta, call: 'grad(f)(p, 3)', at: 'p: Meta', mentions: nothing },
  'valueAndGrad: the same object': { decls: meta, call: 'valueAndGrad(f)(p, 3)', at: 'p: Meta', mentions: nothing },
  'grad with argnums [0, 1] (the tuple left the object out)': { decls: meta, call: 'grad(f, [0, 1])(p, 3)', at: 'p: Meta', mentions: nothing },
  'hvp: the same object': { decls: meta, call: 'hvp(f)(p, 3, {})', at: 'p: Meta', mentions: nothing },
  'grad(grad(f)): the same object': { decls: meta, call: 'grad(grad(f))(p, 3)', at: 'p: Meta', mentions: nothing },
  'jit(grad(f)): the same object': { decls: meta, call: 'jit(grad(f))(p, 3)', at: 'p: Meta', mentions: nothing },
  'hessian: the same object': { decls: meta, call: 'hessian(f)(p, 3)', at: 'p: Meta', mentions: nothing },
  'jacfwd: the same object': { decls: meta, call: 'jacfwd(fv)(p, 3)', at: 'p: Meta', in: 'fv', mentions: nothing },
  'jacrev: the same object': { decls: meta, call: 'jacrev(fv)(p, 3)', at: 'p: Meta', in: 'fv', mentions: nothing },
  'grad: objects nested in an object, none differentiable': {
    decls: 'export function f(q: { inner: { name: string; on: boolean }; k: Int32Array }, x: number): number { return q.inner.on ? x : x * q.k.length; }\n',
    call: "grad(f)({ inner: { name: 'a', on: true }, k: new Int32Array(1) }, 3)",
    at: 'q: {',
    mentions: /parameter 'q' \(\{ inner: \{ name: string; on: boolean; \}; k: Int32Array<ArrayBufferLike>; \}\) has no differentiable field.*Hint: choose another parameter with argnums \(1 for 'x'\)/,
  },
  'valueAndGrad: a class instance with only a string and a boolean': {
    decls: 'class Tag { constructor(public label: string, public on: boolean) {} scale(x: number): number { return this.on ? x : 2 * x; } }\nexport function f(tag: Tag, x: number): number { return tag.scale(x); }\n',
    call: "valueAndGrad(f)(new Tag('a', true), 3)",
    at: 'tag: Tag',
    mentions: /parameter 'tag' \(Tag\) has no differentiable field.*Hint: choose another parameter with argnums \(1 for 'x'\), or give 'tag' a field/,
  },
  'grad: an array of objects of strings': {
    decls: 'export function f(x: number, names: { name: string }[]): number { return x * names.length; }\n',
    call: "grad(f, 1)(3, [{ name: 'a' }])",
    at: 'names: {',
    mentions: /parameter 'names' \(\{ name: string; \}\[\]\) has no differentiable field.*Hint: choose another parameter with argnums \(0 for 'x'\), or give the objects in 'names' a field/,
  },
  'grad: an object whose array of objects holds only strings': {
    decls: 'export function f(q: { items: { id: string }[]; w: Int32Array }): number { return q.items.length * q.w.length; }\n',
    call: "grad(f)({ items: [{ id: 'a' }], w: new Int32Array(1) })",
    at: 'q: {',
    mentions: /parameter 'q' .* has no differentiable field.*Hint: choose another parameter with argnums, or give 'q' a field/,
  },
  // recursive types, in every mode (selected or not: the type cannot be read into leaves)
  'grad: a tree (Tree has Tree[] children)': { decls: tree, call: 'grad(f)(t)', at: 't: Tree', mentions: recursive('t', 't.kids[i]', 'Tree') },
  'valueAndGrad: a tree': { decls: tree, call: 'valueAndGrad(f)(t)', at: 't: Tree', mentions: recursive('t', 't.kids[i]', 'Tree') },
  'vjp: a tree': { decls: tree, call: 'vjp(f, t)', at: 't: Tree', mentions: recursive('t', 't.kids[i]', 'Tree') },
  'jvp: a tree': { decls: tree, call: 'jvp(f, [t], [t])', at: 't: Tree', mentions: recursive('t', 't.kids[i]', 'Tree') },
  'hvp: a tree': { decls: tree, call: 'hvp(f)(t, t)', at: 't: Tree', mentions: recursive('t', 't.kids[i]', 'Tree') },
  'grad(grad(f)): a tree': { decls: tree, call: 'grad(grad(f))(t)', at: 't: Tree', mentions: recursive('t', 't.kids[i]', 'Tree') },
  'hessian with respect to an array, a tree beside it': { decls: tree, call: 'hessian(fa)(new Float64Array(2), t)', at: 't: Tree', in: 'fa', mentions: recursive('t', 't.kids[i]', 'Tree') },
  'jacfwd with respect to an array, a tree beside it': { decls: tree, call: 'jacfwd(fa)(new Float64Array(2), t)', at: 't: Tree', in: 'fa', mentions: recursive('t', 't.kids[i]', 'Tree') },
  'jacrev with respect to an array, a tree beside it': { decls: tree, call: 'jacrev(fa)(new Float64Array(2), t)', at: 't: Tree', in: 'fa', mentions: recursive('t', 't.kids[i]', 'Tree') },
  'grad with respect to an array, a tree beside it not selected': { decls: tree, call: 'grad(fa)(new Float64Array(2), t)', at: 't: Tree', in: 'fa', mentions: recursive('t', 't.kids[i]', 'Tree') },
  'jit(grad(f)): a tree beside the array': { decls: tree, call: 'jit(grad(fa))(new Float64Array(2), t)', at: 't: Tree', in: 'fa', mentions: recursive('t', 't.kids[i]', 'Tree') },
  'grad: A holds a B that holds an A': {
    decls: 'interface A { x: number; b: B }\ninterface B { y: Float64Array; a: A }\nexport function f(a: A): number { return a.x * a.b.y[0]; }\n',
    call: 'grad(f)({} as A)',
    at: 'a: A',
    mentions: recursive('a', 'a.b.a', 'A'),
  },
  'grad: an array of trees': {
    decls: 'interface Tree { v: number; kids: Tree[] }\nexport function f(ts: Tree[], x: number): number { return ts[0].v * x; }\n',
    call: 'grad(f, 1)([{ v: 1, kids: [] }], 2)',
    at: 'ts: Tree[]',
    mentions: recursive('ts', 'ts[i].kids[i]', 'Tree'),
  },
  'grad: a class whose instances hold instances': {
    decls: 'class Node { constructor(public w: number, public children: Node[]) {} energy(): number { return this.w * this.w; } }\nexport function f(n: Node): number { return n.energy(); }\n',
    call: 'grad(f)(new Node(1, []))',
    at: 'n: Node',
    mentions: recursive('n', 'n.children[i]', 'Node'),
  },
  'grad: a linked list (an optional next)': {
    decls: 'interface List { v: number; next?: List }\nexport function f(l: List): number { return l.v * l.v; }\n',
    call: 'grad(f)({ v: 1 })',
    at: 'l: List',
    mentions: recursive('l', 'l.next', 'List'),
  },
  'grad: a tree inside an object': {
    decls: 'interface Tree { v: number; kids: Tree[] }\nexport function f(q: { inner: { t: Tree }; w: number }): number { return q.w * q.w; }\n',
    call: 'grad(f)({ inner: { t: { v: 1, kids: [] } }, w: 2 })',
    at: 'q: {',
    mentions: recursive('q', 'q.inner.t.kids[i]', 'Tree'),
  },
  'grad: a destructured tree': {
    decls: 'interface Tree { v: number; kids: Tree[] }\nexport function f({ v }: Tree): number { return v * v; }\n',
    call: 'grad(f)({ v: 1, kids: [] })',
    at: '{ v }: Tree',
    mentions: /parameter '\{ v \}' has a recursive type: 'Tree\.kids\[i\]' is again of type Tree/,
  },
  'grad: a generic type that grows at each level': {
    decls: 'interface Grow<T> { v: number; next: Grow<T[]>[] }\nexport function f(g: Grow<number>): number { return g.v * g.v; }\n',
    call: 'grad(f)({ v: 1, next: [] })',
    at: 'g: Grow',
    mentions: /parameter 'g' of type Grow<number> nests objects more than 16 levels deep \('g\.next\[i\]\.next\[i\]/,
  },
  // inside the function: a proper diagnostic, where reading Tree[]'s type overflowed the stack
  'grad: a loop over the children of a tree built inside': {
    decls: 'interface Tree { v: number; kids: Tree[] }\nexport function f(x: number): number { const t: Tree = { v: x, kids: [] }; let s = 0; for (const k of t.kids) s += k.v; return s + x; }\n',
    call: 'grad(f)(2)',
    at: 'k.v',
    mentions: /property access 'k\.v' is not supported/,
  },
};

const slug = (name: string): string => name.toLowerCase().replace(/[^a-z0-9]+/g, '-').replace(/^-|-$/g, '');
const fileOf = (name: string): string => path.join(dir, `${slug(name)}.ts`);
const sourceOf = (c: Rejected): string => `${imports}${c.decls}export const make = () => ${c.call};\n`;

/** `test/virtual/paramtypes/x:line:col` of the first occurrence of `text` in function `fn` of `source`. */
function positionOf(file: string, source: string, fn: string, text: string): string {
  const at = source.indexOf(text, source.indexOf(`function ${fn}(`));
  if (at < 0 || !source.includes(`function ${fn}(`)) throw new Error(`'${text}' is not in function ${fn} of ${file}`);
  const before = source.slice(0, at).split('\n');
  return `${path.relative(repoRoot, file)}:${before.length}:${before[before.length - 1].length + 1}`;
}

function tsgradErrors(out: Compiled, file: string): ts.Diagnostic[] {
  return out.diagnostics.filter((d) => d.source === 'tsgrad' && d.file?.fileName === file);
}

describe('parameter types rejected at the parameter (crashed the transformer before)', () => {
  const sources = new Map(Object.entries(cases).map(([name, c]) => [fileOf(name), sourceOf(c)]));
  const out = compile([...sources.keys()], {}, sources);

  it('no internal errors', () => {
    expect(formatDiagnostics(out.diagnostics.filter((d) => d.code === 99099))).to.equal('');
  });

  for (const [name, c] of Object.entries(cases)) {
    it(name, () => {
      const file = fileOf(name);
      const errors = tsgradErrors(out, file);
      expect(errors.length, formatDiagnostics(errors)).to.equal(1);
      const [error] = errors;
      expect(formatDiagnostics([error]).split(' TS')[0]).to.equal(positionOf(file, sources.get(file)!, c.in ?? 'f', c.at));
      expect(error.code).to.equal(99001);
      const message = ts.flattenDiagnosticMessageText(error.messageText, '\n');
      expect(message).to.match(c.mentions);
      expect(message).to.match(/^tsgrad: .*Hint: /);
      // the marker call stays, so running it throws instead of computing something wrong
      const m = out.modules.get(path.relative(repoRoot, file).replace(/\.ts$/, ''))!;
      expect(() => m.make()).to.throw(Error, /transformer/);
    });
  }
});

describe('such parameters where they are not differentiated, and recursive types inside', () => {
  const file = path.join(dir, 'accepted.ts');
  const source = `${imports}${meta}interface Tree { v: number; kids: Tree[] }
interface Vec { x: number; y: number }
function top(t: Tree): number { return t.v * 3; }
// an object holding the same (non-recursive) type twice is not recursive
export function both(q: { a: Vec; b: Vec }): number { return q.a.x * q.b.y + q.a.y; }
export function local(x: number): number { return top({ v: x * x, kids: [] }); }
// a local Tree[], and t.kids passed to a helper: reading their type expanded Tree forever (shapeOf ↔ recordFields)
function size(ts: Tree[]): number { return ts.length; }
export function none(x: number): number { const ks: Tree[] = []; return x * (ks.length + 2); }
export function count(x: number): number { const t: Tree = { v: x, kids: [] }; return t.v * (size(t.kids) + 2); }
// the same with a generic type whose every level is a new type (Grow<number>, Grow<number[]>, …)
interface Grow<T> { v: number; next: Grow<T[]>[] }
function length(gs: Grow<number[]>[]): number { return gs.length; }
export function grow(x: number): number { const g: Grow<number> = { v: x, next: [] }; return x * (length(g.next) + 2); }
export const g1 = grad(f, 1);
export const pull = (x: number) => vjp(f, p, x);
export const push = (x: number) => jvp(f, [p, x], [{}, 1]);
export const gBoth = grad(both);
export const gLocal = grad(local);
export const gNone = grad(none);
export const gCount = grad(count);
export const gGrow = grad(grow);
`;
  const out = compile([file], {}, new Map([[file, source]]));
  const m = out.modules.get(path.relative(repoRoot, file).replace(/\.ts$/, ''))!;

  it('compiles without diagnostics', () => {
    expect(formatDiagnostics(out.diagnostics)).to.equal('');
  });

  it('an object with no differentiable field, not selected: grad, vjp and jvp', () => {
    expect(m.g1({ name: 'a', ids: new Int32Array(2) }, 3)).to.equal(2);
    const [value, pullback] = m.pull(3);
    expect(value).to.equal(6);
    expect(pullback(1)).to.deep.equal([null, 2]);
    expect(m.push(3)).to.deep.equal([6, 2]);
  });

  it('the same object type twice in one parameter, and a recursive type built inside', () => {
    expect(m.gBoth({ a: { x: 2, y: 5 }, b: { x: 7, y: 3 } })).to.deep.equal({ a: { x: 3, y: 1 }, b: { x: 0, y: 2 } });
    expect(m.gLocal(1.5)).to.equal(9);
    expect(m.gNone(1.5)).to.equal(2);
    expect(m.gCount(1.5)).to.equal(2);
    expect(m.gGrow(1.5)).to.equal(2);
  });
});
