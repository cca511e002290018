/**
 * The public type declarations (runtime/index.ts, runtime/types.ts): snippets that use them are
 * type-checked against the built declarations (dist/runtime/index.d.ts, as a user's project sees
 * them), valid ones with exact types and no diagnostics, invalid ones with the expected error at
 * the line marked `// <- error`. Then a program is compiled and run, and the shape of every
 * derivative it returns (keys, numbers, nulls, array and typed-array types) is compared with the
 * shape of its declared type, so that the types cannot drift from what the generated code returns.
 */
import { expect } from 'chai';
import * as path from 'node:path';
import * as ts from 'typescript';
import { compile, formatDiagnostics, repoRoot } from './harness.js';
import { getAt, leafPaths, type Path } from './idiomatic/tree.js';

const dir = path.join(repoRoot, 'test', 'virtual', 'types');

/** `Equal<A, B>` is true only for identical types (not merely mutually assignable ones). */
const prelude = `import { grad, hessian, hvp, jacfwd, jacrev, jvp, valueAndGrad, vjp, type Cotangent, type TangentIn } from 'tsgrad';
type Equal<A, B> = (<T>() => T extends A ? 1 : 2) extends <T>() => T extends B ? 1 : 2 ? true : false;
function expectType<T>(_value: T): <U>(ok: Equal<T, U>) => void { return () => undefined; }
enum Mode { Fast = 'fast', Slow = 'slow' }
enum Level { Low, High }
interface Params { w: number[]; b: number }
interface Net {
  hidden: { W: Float64Array; b: Float32Array };
  out: { readonly w: readonly number[]; b: number };
  name: string; on: boolean; tags: Int32Array; mode: Mode; level: Level; kind: 'a' | 'b';
  rows: number[][]; pair: readonly [number, number];
}
class Spring {
  constructor(public k: number, public rest: number[], readonly label: string) {}
  energy(x: number): number { return this.k * (x - this.rest[0]) ** 2; }
}
interface Layer { W: Float64Array[]; b: number[]; kind: 'tanh' | 'linear'; ids: Int32Array }
declare function loss(p: Params, x: number[]): number;
declare function big(net: Net, s: Spring, layers: readonly Layer[], x: Float64Array, label: string, on: boolean, ids: Int32Array, k?: number): number;
declare function step(x: Float64Array, p: Params, dt: number): Float64Array;
declare function two(x: number, y: number): number;
declare function labelled(label: string, x: number): number;
declare function constants(c: { name: string; ids: Int32Array }, x: number): number;
declare const p: Params;
declare const net: Net;
declare const s: Spring;
declare const layers: Layer[];
declare const x: Float64Array;
`;
const preludeLines = prelude.split('\n').length - 1;

/** Valid uses, each with the exact type it must have. */
const valid: Record<string, string> = {
  'grad of an object parameter: the object of its fields\' gradients': `
expectType(grad(loss)(p, [1]))<{ w: number[]; b: number }>(true);
expectType(grad(loss, 1)(p, [1]))<number[]>(true);
expectType(grad(loss, [0, 1])(p, [1]))<[{ w: number[]; b: number }, number[]]>(true);
expectType(valueAndGrad(loss, [1, 0])(p, [1]))<[number, [number[], { w: number[]; b: number }]]>(true);
expectType(valueAndGrad(two, 1)(1, 2))<[number, number]>(true);`,
  'nested objects, readonly arrays and tuples, typed arrays, constants and a numeric enum': `
expectType(grad(big)(net, s, layers, x, 'l', true, new Int32Array(1)))<{
  hidden: { W: Float64Array; b: Float32Array };
  out: { w: number[]; b: number };
  name: null; on: null; tags: null; mode: null; level: number; kind: null;
  rows: number[][]; pair: [number, number];
}>(true);`,
  'a class instance: its data fields, no methods; an array of objects: the same element type': `
const [, pullback] = vjp(big, net, s, layers, x, 'l', true, new Int32Array(1));
const [, ds, dLayers, dx, dLabel, dOn, dIds, dk] = pullback(1);
expectType(ds)<{ k: number; rest: number[]; label: null }>(true);
expectType(dLayers)<Layer[]>(true);
expectType(dx)<Float64Array>(true);
expectType(dLabel)<null>(true);
expectType(dOn)<null>(true);
expectType(dIds)<null>(true);
expectType(dk)<number>(true);`,
  'vjp of a vector function: the pullback takes an array cotangent': `
const [y, back] = vjp(step, x, p, 0.1);
expectType(y)<Float64Array>(true);
expectType(back)<(cotangent: ArrayLike<number>) => [x: Float64Array, p: { w: number[]; b: number }, dt: number]>(true);`,
  'tangents: objects of their differentiable fields (constants may be left out), arrays as ArrayLike': `
const [, t] = jvp(step, [x, p, 0.1], [new Float64Array(2), { w: [1, 0], b: 0 }, 1]);
expectType(t)<Float64Array>(true);
jvp(big, [net, s, layers, x, 'l', true, new Int32Array(1)], [
  { hidden: { W: [1], b: [0] }, out: { w: [0], b: 1 }, level: 0, rows: [[1]], pair: [0, 1], name: 'ignored' },
  { k: 1, rest: [0] },
  [{ W: [[1]], b: [1] }],
  x, null, null, null,
]);
type NetTangent = TangentIn<Net>;
expectType(null! as NetTangent)<{
  readonly hidden: { readonly W: ArrayLike<number>; readonly b: ArrayLike<number> };
  readonly out: { readonly w: ArrayLike<number>; readonly b: number };
  readonly level: number; readonly rows: ArrayLike<ArrayLike<number>>; readonly pair: ArrayLike<number>;
  readonly name?: unknown; readonly on?: unknown; readonly tags?: unknown; readonly mode?: unknown; readonly kind?: unknown;
}>(true);`,
  'hvp takes v in the tangent type and returns the gradient type': `
const h = hvp(loss)(p, [1], { w: [1], b: 0 });
expectType(h)<{ w: number[]; b: number }>(true);
expectType(hvp(big, 2))<(net: Net, s: Spring, layers: readonly Layer[], x: Float64Array, label: string, on: boolean, ids: Int32Array, k: number | undefined, v: ArrayLike<{
  readonly W: ArrayLike<ArrayLike<number>>; readonly b: ArrayLike<number>; readonly kind?: unknown; readonly ids?: unknown;
}>) => Layer[]>(true);`,
  'jacfwd, jacrev and hessian with respect to numbers and flat arrays': `
expectType(jacfwd(step)(x, p, 0.1))<Float64Array>(true);
expectType(jacrev(step, 2)(x, p, 0.1))<Float64Array>(true);
expectType(hessian(two, 1)(1, 2))<Float64Array>(true);`,
  'second order, and arrows with untyped parameters (any, as before)': `
expectType(grad(grad((z: number) => z ** 3))(2))<number>(true);
expectType(grad((z) => z * z))<(z: any) => any>(true);
expectType(null! as Cotangent<number | undefined>)<number>(true);`,
};

interface Invalid {
  readonly code: string;
  /** The TypeScript error code and what its message must say. */
  readonly error: number;
  readonly message: RegExp;
}

const invalid: Record<string, Invalid> = {
  'an argnum out of range': {
    code: `export const g = grad(two, 3); // <- error`,
    error: 2345,
    message: /Argument of type '3' is not assignable to parameter of type '0 \| 1 \| readonly \[0 \| 1, \.\.\.\(0 \| 1\)\[\]\]'/,
  },
  'an argnum naming a string parameter': {
    code: `export const g = grad(labelled, 0); // <- error`,
    error: 2345,
    message: /Argument of type '0' is not assignable to parameter of type '1 \| readonly \[1, \.\.\.1\[\]\]'/,
  },
  'an argnum out of range in a list': {
    code: `export const g = valueAndGrad(two, [0, 2]); // <- error`,
    error: 2322,
    message: /Type '2' is not assignable to type '0 \| 1'/,
  },
  'an empty list of argnums': {
    code: `export const g = grad(two, []); // <- error`,
    error: 2345,
    message: /Argument of type '\[\]' is not assignable/,
  },
  'no argnums, and parameter 0 is a string': {
    code: `export const g = grad(labelled); // <- error`,
    error: 2345,
    message: /tsgrad: f has no differentiable parameter 0; choose another with argnums/,
  },
  'an object with no differentiable field': {
    code: `export const g = grad(constants, [0, 1]); // <- error`,
    error: 2322,
    message: /Type '0' is not assignable to type '1'/,
  },
  'hvp with respect to a boolean': {
    code: `export const h = hvp(big, 5); // <- error`,
    error: 2345,
    message: /Argument of type '5' is not assignable to parameter of type '0 \| 1 \| 2 \| 3 \| 7'/,
  },
  'jacfwd with respect to an object': {
    code: `export const j = jacfwd(step, 1); // <- error`,
    error: 2345,
    message: /Argument of type '1' is not assignable to parameter of type '0 \| 2'/,
  },
  'hessian with no argnum, parameter 0 an object': {
    code: `export const h = hessian(loss); // <- error`,
    error: 2345,
    message: /tsgrad: parameter 0 of f is not a number or a flat numeric array/,
  },
  'a tangent of the wrong shape for an object parameter': {
    code: `export const t = jvp(loss, [p, [1]], [{ w: 1, b: 0 }, [0]]); // <- error`,
    error: 2322,
    message: /Type 'number' is not assignable to type 'ArrayLike<number>'/,
  },
  'a tangent missing a differentiable field': {
    code: `export const t = jvp(loss, [p, [1]], [{ b: 0 }, [0]]); // <- error`,
    error: 2741,
    message: /Property 'w' is missing in type '\{ b: number; \}' but required in type '\{ readonly w: ArrayLike<number>; readonly b: number; \}'/,
  },
  'a cotangent field that does not exist': {
    code: `const [, back] = vjp(loss, p, [1]);
const [dp] = back(1);
export const z = dp.bias; // <- error`,
    error: 2339,
    message: /Property 'bias' does not exist on type '\{ w: number\[\]; b: number; \}'/,
  },
  'a constant field of a cotangent read as its own type': {
    code: `const [, back] = vjp(big, net, s, layers, x, 'l', true, new Int32Array(1));
export const name: string = back(1)[0].name; // <- error`,
    error: 2322,
    message: /Type 'null' is not assignable to type 'string'/,
  },
  'a method called on the gradient of a class instance': {
    code: `export const e = grad(big, 1)(net, s, layers, x, 'l', true, new Int32Array(1)).energy(1); // <- error`,
    error: 2339,
    message: /Property 'energy' does not exist on type '\{ k: number; rest: number\[\]; label: null; \}'/,
  },
};

/** Type-checks every snippet in one program; diagnostics by snippet name. */
function check(snippets: Record<string, string>): Map<string, readonly ts.Diagnostic[]> {
  const files = new Map(Object.keys(snippets).map((name, i) => [path.join(dir, `snippet${i}.ts`), name]));
  const text = (file: string): string => `${prelude}${snippets[files.get(file)!]}\nexport {};\n`;
  const options: ts.CompilerOptions = {
    target: ts.ScriptTarget.ES2022,
    module: ts.ModuleKind.NodeNext,
    moduleResolution: ts.ModuleResolutionKind.NodeNext,
    strict: true,
    noEmit: true,
    skipLibCheck: true,
    types: [],
    // the declarations a user's project sees (package.json "types")
    paths: { tsgrad: [path.join(repoRoot, 'dist', 'runtime', 'index.d.ts')] },
  };
  const host = ts.createCompilerHost(options);
  const { getSourceFile, fileExists, readFile } = host;
  host.fileExists = (f) => files.has(f) || fileExists.call(host, f);
  host.readFile = (f) => (files.has(f) ? text(f) : readFile.call(host, f));
  host.getSourceFile = (f, language, ...rest) => (files.has(f) ? ts.createSourceFile(f, text(f), language, true) : getSourceFile.call(host, f, language, ...rest));
  const program = ts.createProgram([...files.keys()], options, host);
  const global = [...program.getOptionsDiagnostics(), ...program.getGlobalDiagnostics()];
  expect(formatDiagnostics(global)).to.equal('');
  const out = new Map<string, readonly ts.Diagnostic[]>();
  for (const [file, name] of files) {
    const sf = program.getSourceFile(file)!;
    out.set(name, [...program.getSyntacticDiagnostics(sf), ...program.getSemanticDiagnostics(sf)]);
  }
  return out;
}

describe('public types', function () {
  this.timeout(120000);

  describe('valid uses type-check, with the types the generated code returns', () => {
    const results = check(valid);
    for (const name of Object.keys(valid)) {
      it(name, () => expect(formatDiagnostics(results.get(name)!)).to.equal(''));
    }
  });

  describe('invalid uses are type errors at the call', () => {
    const results = check(Object.fromEntries(Object.entries(invalid).map(([name, c]) => [name, c.code])));
    for (const [name, c] of Object.entries(invalid)) {
      it(name, () => {
        const ds = results.get(name)!;
        const shown = formatDiagnostics(ds);
        const line = preludeLines + c.code.split('\n').findIndex((l) => l.includes('// <- error')) + 1;
        expect(ds.length, shown).to.equal(1);
        const d = ds[0];
        expect(d.code, shown).to.equal(c.error);
        expect(d.file!.getLineAndCharacterOfPosition(d.start!).line + 1, shown).to.equal(line);
        expect(ts.flattenDiagnosticMessageText(d.messageText, '\n'), shown).to.match(c.message);
      });
    }
  });
});

/** The shape of a value or of a type: what is compared. */
type Shape = 'number' | 'null' | 'string' | 'boolean' | { typed: string } | { array: Shape } | { object: Record<string, Shape> } | { tuple: Shape[] };

const typedArrayNames = ['Float64Array', 'Float32Array', 'Int32Array', 'Int8Array', 'Uint8Array', 'Int16Array', 'Uint16Array', 'Uint32Array', 'Uint8ClampedArray'];

function shapeOfValue(v: unknown): Shape {
  if (typeof v === 'number') return 'number';
  if (v === null) return 'null';
  if (typeof v === 'string') return 'string';
  if (typeof v === 'boolean') return 'boolean';
  if (ArrayBuffer.isView(v)) return { typed: v.constructor.name };
  if (Array.isArray(v)) {
    const shapes = v.map(shapeOfValue);
    const first = JSON.stringify(shapes[0]);
    // arrays of one shape (a tuple's elements are compared one by one)
    return shapes.every((sh) => JSON.stringify(sh) === first) ? { array: shapes[0] } : { tuple: shapes };
  }
  if (typeof v === 'object') return { object: Object.fromEntries(Object.keys(v).map((k) => [k, shapeOfValue((v as Record<string, unknown>)[k])])) };
  throw new Error(`unexpected value ${String(v)}`);
}

function shapeOfType(t: ts.Type, checker: ts.TypeChecker): Shape {
  if (t.flags & ts.TypeFlags.NumberLike) return 'number';
  if (t.flags & ts.TypeFlags.Null) return 'null';
  if (t.flags & ts.TypeFlags.StringLike) return 'string';
  if (t.flags & ts.TypeFlags.BooleanLike) return 'boolean';
  if (t.isUnion()) {
    const shapes = t.types.map((u) => shapeOfType(u, checker));
    if (shapes.every((sh) => JSON.stringify(sh) === JSON.stringify(shapes[0]))) return shapes[0];
    throw new Error(`a union of different shapes: ${checker.typeToString(t)}`);
  }
  const name = t.getSymbol()?.getName();
  if (name && typedArrayNames.includes(name)) return { typed: name };
  if (checker.isTupleType(t)) {
    const shapes = checker.getTypeArguments(t as ts.TypeReference).map((e) => shapeOfType(e, checker));
    const first = JSON.stringify(shapes[0]);
    return shapes.every((sh) => JSON.stringify(sh) === first) ? { array: shapes[0] } : { tuple: shapes };
  }
  if (checker.isArrayType(t)) return { array: shapeOfType(checker.getTypeArguments(t as ts.TypeReference)[0], checker) };
  if (t.flags & ts.TypeFlags.Object) {
    const fields: Record<string, Shape> = {};
    for (const prop of checker.getPropertiesOfType(t)) {
      const pt = checker.getTypeOfSymbol(prop);
      // methods live on the prototype (an instance's own keys are its fields)
      if (checker.getSignaturesOfType(pt, ts.SignatureKind.Call).length > 0) continue;
      fields[prop.name] = shapeOfType(pt, checker);
    }
    return { object: fields };
  }
  throw new Error(`unexpected type ${checker.typeToString(t)}`);
}

const file = path.join(repoRoot, 'test', 'virtual', 'typeshapes.ts');
const source = `import { grad, hvp, jvp, valueAndGrad, vjp } from 'tsgrad';
enum Mode { Fast = 'fast', Slow = 'slow' }
enum Level { Low, High }
export interface Net {
  hidden: { W: Float64Array; b: Float32Array };
  out: { readonly w: readonly number[]; b: number };
  name: string; on: boolean; tags: Int32Array; mode: Mode; level: Level; kind: 'a' | 'b';
  rows: number[][]; pair: readonly [number, number];
}
export class Spring {
  constructor(public k: number, public rest: number[], readonly label: string) {}
  energy(x: number): number { return this.k * (x - this.rest[0]) ** 2; }
}
export interface Layer { W: Float64Array[]; b: number[]; kind: 'tanh' | 'linear'; ids: Int32Array; pos: { x: number; y: number } }

export function loss(net: Net, s: Spring, layers: readonly Layer[], x: Float64Array, label: string, on: boolean, ids: Int32Array, pair: [number, number]): number {
  let e = net.hidden.W[0] * net.hidden.b[0] + net.out.w[1] * net.out.b + net.rows[0][1] * net.pair[1] + (net.level === Level.High ? 1 : 2);
  if (net.on && net.mode === Mode.Fast && net.kind === 'a') e += net.tags[0] * net.hidden.W[1];
  e += s.energy(x[0]) * s.rest[1];
  for (const L of layers) {
    const z = L.W[0][0] * x[0] + L.W[0][1] * x[1] + L.b[0] + L.pos.x * L.pos.y;
    e += L.kind === 'tanh' ? Math.tanh(z) : z * L.ids[0];
  }
  return e * (on ? 1 : 2) * (label === 'x' ? 1 : 0.5) + ids[0] * pair[0] * pair[1];
}

export const g = grad(loss, [0, 1, 2, 3, 7]);
export type G = ReturnType<typeof g>;
export const vg = valueAndGrad(loss);
export type VG = ReturnType<typeof vg>;
export const pullback = (...args: Parameters<typeof loss>) => vjp(loss, ...args)[1](1);
export type Pullback = ReturnType<typeof pullback>;
export const h = hvp(loss, 1);
export type H = ReturnType<typeof h>;
/** jvp with tangents of their declared type, constants left out */
export const tangent = (net: Net, s: Spring, layers: Layer[], x: Float64Array, pair: [number, number]) =>
  jvp(loss, [net, s, layers, x, 'x', true, Int32Array.of(2), pair], [
    { hidden: { W: [0.3, -0.2], b: [0.5] }, out: { w: [0.1, 0.7], b: -0.4 }, level: 0.2, rows: [[0.3, -0.6]], pair: [0.9, 0.1] },
    { k: 0.25, rest: [-0.5, 0.75] },
    layers.map((_, i) => ({ W: [[0.5 - i, 0.25]], b: [0.125 * i], pos: { x: 0.5, y: -1 } })),
    [0.3, -0.3], null, null, null, [0.2, 0.4],
  ])[1];
`;

describe('declared derivative types match run-time shapes', function () {
  this.timeout(120000);
  const out = compile([file], {}, new Map([[file, source]]));
  const m = out.modules.get('test/virtual/typeshapes')!;
  const checker = out.program.getTypeChecker();
  const declared = (alias: string): Shape => {
    const sf = out.program.getSourceFile(file)!;
    const decl = sf.statements.find((st): st is ts.TypeAliasDeclaration => ts.isTypeAliasDeclaration(st) && st.name.text === alias)!;
    return shapeOfType(checker.getTypeAtLocation(decl.name), checker);
  };
  const net = () => ({
    hidden: { W: Float64Array.of(0.5, -1), b: Float32Array.of(2) },
    out: { w: [0.25, 1.5], b: -0.75 },
    name: 'n', on: true, tags: Int32Array.of(3), mode: 'fast', level: 1, kind: 'a',
    rows: [[1, 2], [3, 4]], pair: [0.5, 2],
  });
  const args = (): unknown[] => [
    net(), new m.Spring(1.5, [0.25, -0.5], 'spring'),
    [{ W: [Float64Array.of(0.5, -0.25)], b: [0.1], kind: 'tanh', ids: Int32Array.of(1), pos: { x: 1, y: 2 } },
      { W: [Float64Array.of(-1, 0.75)], b: [0.3], kind: 'linear', ids: Int32Array.of(2), pos: { x: -1, y: 0.5 } }],
    Float64Array.of(0.4, -0.6), 'x', true, Int32Array.of(2), [1.5, -0.5],
  ];

  it('compiles without diagnostics', () => {
    expect(formatDiagnostics(out.diagnostics)).to.equal('');
    expect(out.loadError).to.equal(undefined);
  });

  it('grad with a list of argnums: objects, a class instance, an array of objects, a typed array, a tuple', () => {
    expect(shapeOfValue(m.g(...args()))).to.deep.equal(declared('G'));
  });

  it('valueAndGrad of an object parameter: its fields, constants null', () => {
    const shape = declared('VG');
    expect(shapeOfValue(m.vg(...args()))).to.deep.equal(shape);
    // what the comparison rests on: the declared type has the fields, constants as null
    expect(shape).to.have.nested.property('tuple[1].object.name', 'null');
    expect(shape).to.have.nested.property('tuple[1].object.level', 'number');
  });

  it('a vjp pullback: one cotangent per parameter, null for the constants', () => {
    expect(shapeOfValue(m.pullback(...args()))).to.deep.equal(declared('Pullback'));
  });

  it('hvp with respect to a class instance: a plain object of its fields', () => {
    const a = args();
    const v = { k: 0.5, rest: [1, -1] };
    expect(shapeOfValue(m.h(...a, v))).to.deep.equal(declared('H'));
  });

  it('jvp with tangents of the declared type (constants left out) agrees with vjp', () => {
    const a = args();
    const [netArg, s, layers, x, , , , pair] = a as [unknown, unknown, unknown[], Float64Array, string, boolean, Int32Array, [number, number]];
    const dot = m.tangent(netArg, s, layers, x, pair) as number;
    // the same tangents as in the source, against the pullback's cotangents
    const t: unknown[] = [
      { hidden: { W: [0.3, -0.2], b: [0.5] }, out: { w: [0.1, 0.7], b: -0.4 }, level: 0.2, rows: [[0.3, -0.6]], pair: [0.9, 0.1] },
      { k: 0.25, rest: [-0.5, 0.75] },
      layers.map((_, i) => ({ W: [[0.5 - i, 0.25]], b: [0.125 * i], pos: { x: 0.5, y: -1 } })),
      [0.3, -0.3], null, null, null, [0.2, 0.4],
    ];
    const ct = m.pullback(...a) as unknown[];
    const paths: Path[] = leafPaths(t, []);
    const inner = paths.reduce((sum, p) => sum + (getAt(t, p) as number) * (getAt(ct, p) as number), 0);
    expect(Math.abs(dot - inner)).to.be.lessThan(1e-12 * Math.max(1, Math.abs(inner)));
  });
});
