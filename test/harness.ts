/**
 * Test harness: compiles TypeScript files with the tsgrad transformer in memory (the same factory
 * ts-patch loads), evaluates the emitted CommonJS, and gives finite-difference references.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as ts from 'typescript';
import transformer, { type TsgradConfig } from '../compiler/transform.js';
import { rng } from './random.js';

export { rng };

export const repoRoot = path.resolve(__dirname, '..', '..');
export const casesDir = path.join(repoRoot, 'test', 'cases');

export interface Compiled {
  /** Exports of each compiled file, by path relative to the repo root without extension. */
  readonly modules: Map<string, Record<string, any>>;
  readonly diagnostics: readonly ts.Diagnostic[];
  /** Printed source of every generated function, by generated name. */
  readonly generated: Map<string, string>;
  /** Emitted JavaScript, by path relative to the repo root without extension. */
  readonly js: Map<string, string>;
  /** What loading the emitted modules threw, if anything. */
  readonly loadError?: unknown;
  /** The program compiled (its checker gives the declared types of what the modules export). */
  readonly program: ts.Program;
}

const compilerOptions: ts.CompilerOptions = {
  target: ts.ScriptTarget.ES2022,
  module: ts.ModuleKind.NodeNext,
  moduleResolution: ts.ModuleResolutionKind.NodeNext,
  strict: true,
  types: [],
  skipLibCheck: true,
  noEmitOnError: false,
};

/** Source files read from disk (the lib files, tsgrad's typings), kept across compiles. */
const sourceCache = new Map<string, ts.SourceFile>();

/**
 * A compiler host that serves `sources` (absolute path → text, files that need not exist on disk)
 * and caches every other source file, so many small compiles (the fuzzer's batches) do not
 * re-parse the standard library each time.
 */
function hostWith(sources: ReadonlyMap<string, string>): ts.CompilerHost {
  const host = ts.createCompilerHost(compilerOptions);
  const { getSourceFile, fileExists, readFile, directoryExists } = host;
  const dirs = new Set([...sources.keys()].map((f) => path.dirname(f)));
  host.fileExists = (f) => sources.has(f) || fileExists.call(host, f);
  host.directoryExists = (d) => dirs.has(d) || (directoryExists?.call(host, d) ?? true);
  host.readFile = (f) => sources.get(f) ?? readFile.call(host, f);
  host.getSourceFile = (f, language, onError, fresh) => {
    const text = sources.get(f);
    if (text !== undefined) return ts.createSourceFile(f, text, language, true);
    let cached = sourceCache.get(f);
    if (!cached) {
      cached = getSourceFile.call(host, f, language, onError, fresh);
      if (cached) sourceCache.set(f, cached);
    }
    return cached;
  };
  return host;
}

/**
 * Compile `files` (absolute paths) as one program with the transformer; `sources` gives the text
 * of files that exist only in memory.
 */
export function compile(files: string[], config: TsgradConfig = {}, sources?: ReadonlyMap<string, string>): Compiled {
  const program = ts.createProgram(files, compilerOptions, sources ? hostWith(sources) : undefined);
  const diagnostics: ts.Diagnostic[] = [...program.getSemanticDiagnostics(), ...program.getSyntacticDiagnostics()];
  const generated = new Map<string, string>();
  const printer = ts.createPrinter();
  const factory = transformer(program, {
    ...config,
    onGenerated: (g) => generated.set(g.name, printer.printNode(ts.EmitHint.Unspecified, g.node, g.source)),
  }, { ts, addDiagnostic: (d) => diagnostics.push(d) });
  const js = new Map<string, string>();
  const key = (file: string): string => path.relative(repoRoot, file).replace(/\.(ts|js)$/, '');
  program.emit(undefined, (fileName, text) => {
    if (fileName.endsWith('.js')) js.set(key(fileName.replace(/\.js$/, '.ts')), text);
  }, undefined, false, { before: [factory] });
  const modules = new Map<string, Record<string, any>>();
  const load = (k: string): Record<string, any> => {
    const cached = modules.get(k);
    if (cached) return cached;
    const code = js.get(k);
    if (code === undefined) throw new Error(`harness: no output for ${k}`);
    const exports: Record<string, any> = {};
    modules.set(k, exports);
    const req = (spec: string): unknown => {
      if (spec === 'tsgrad') return require('../runtime/index.js');
      if (spec === 'tsgrad/jit') return require('../runtime/gpu/index.js');
      if (spec.startsWith('.')) return load(path.join(path.dirname(k), spec).replace(/\.js$/, ''));
      return require(spec);
    };
    new Function('exports', 'require', 'module', code)(exports, req, { exports });
    return exports;
  };
  let loadError: unknown;
  for (const f of files) {
    try {
      if (js.has(key(f))) load(key(f));
    } catch (err) {
      // a rejected marker call throws at load; the diagnostics say why
      loadError ??= err;
    }
  }
  return { modules, diagnostics, generated, js, loadError, program };
}

export function formatDiagnostics(ds: readonly ts.Diagnostic[]): string {
  return ds.map((d) => {
    const where = d.file && d.start !== undefined ? (() => {
      const { line, character } = d.file!.getLineAndCharacterOfPosition(d.start!);
      return `${path.relative(repoRoot, d.file!.fileName)}:${line + 1}:${character + 1}`;
    })() : '';
    return `${where} TS${d.code}: ${ts.flattenDiagnosticMessageText(d.messageText, '\n')}`;
  }).join('\n');
}

/** All `.ts` files of test/cases. */
export function caseFiles(): string[] {
  return fs.readdirSync(casesDir).filter((f) => f.endsWith('.ts')).sort().map((f) => path.join(casesDir, f));
}

export type Arg = number | number[] | Float64Array | Float32Array | Int32Array | boolean;

/**
 * Central finite differences in float64 of `f` with respect to argument `argnum`:
 * a number for a scalar argument, a Float64Array for an array argument.
 */
export function finiteDiff(f: (...args: any[]) => number, args: Arg[], argnum: number, h = 1e-6): number | Float64Array {
  const x = args[argnum];
  const call = (v: Arg): number => f(...args.map((a, i) => (i === argnum ? v : copy(a))));
  if (typeof x === 'number') return (call(x + h) - call(x - h)) / (2 * h);
  if (typeof x === 'boolean' || x instanceof Int32Array) throw new Error('finiteDiff: argument is not differentiable');
  const g = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const plus = copy(x) as number[];
    const minus = copy(x) as number[];
    plus[i] += h;
    minus[i] -= h;
    g[i] = (call(plus) - call(minus)) / (2 * h);
  }
  return g;
}

function copy(a: Arg): Arg {
  if (Array.isArray(a)) return [...a];
  if (a instanceof Float64Array || a instanceof Float32Array || a instanceof Int32Array) return a.slice();
  return a;
}

/** max |a - b| / max(1, |b|) over elements. */
export function relError(a: number | ArrayLike<number>, b: number | ArrayLike<number>): number {
  const xs = typeof a === 'number' ? [a] : Array.from(a);
  const ys = typeof b === 'number' ? [b] : Array.from(b);
  if (xs.length !== ys.length) return Infinity;
  let worst = 0;
  for (let i = 0; i < xs.length; i++) worst = Math.max(worst, Math.abs(xs[i] - ys[i]) / Math.max(1, Math.abs(ys[i])));
  return Number.isNaN(worst) ? Infinity : worst;
}

/**
 * max |got - want| / max(1, max |want|), elementwise over numbers and (nested) arrays; Infinity on
 * a length mismatch or a NaN where the reference has none.
 */
export function scaledError(got: unknown, want: unknown): number {
  const g = flatten(got);
  const w = flatten(want);
  if (g.length !== w.length) return Infinity;
  const scale = Math.max(1, ...w.map(Math.abs));
  let worst = 0;
  for (let i = 0; i < g.length; i++) {
    if (Object.is(g[i], w[i])) continue;
    const e = Math.abs(g[i] - w[i]);
    worst = Math.max(worst, Number.isNaN(e) ? Infinity : e / scale);
  }
  return worst;
}

/** A number, an array, or an array of arrays, as one list of numbers. */
export function flatten(x: unknown): number[] {
  if (typeof x === 'number') return [x];
  if (Array.isArray(x) && x.some((e) => typeof e !== 'number')) return x.flatMap(flatten);
  return Array.from(x as ArrayLike<number>);
}

/** Σ aᵢ bᵢ */
export function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i];
  return s;
}

/** `n` uniform values in [lo, hi), deterministic in `seed`. */
export function randomArray(seed: number, n: number, lo = -1, hi = 1): Float64Array {
  const r = rng(seed);
  return Float64Array.from({ length: n }, () => lo + (hi - lo) * r());
}

