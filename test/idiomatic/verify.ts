/**
 * Compiles a corpus entry with the transformations asked for (an in-memory driver module next to
 * the case files calls grad/jvp/… on the function) and checks each generated derivative against
 * central finite differences of the function itself, in float64.
 */
import * as path from 'node:path';
import type * as ts from 'typescript';
import { casesDir, compile, formatDiagnostics, repoRoot, rng } from '../harness.js';
import { type Entry, type Transform } from './corpus.js';
import { clone, getAt, leafPaths, mapLeaves, outputVector, type Path, shapeMismatch, shifted } from './tree.js';

export const idiomDir = path.join(casesDir, 'idiomatic');

/** First-order differences: step and tolerance (scaled by max(1, |reference|)). */
const H1 = 1e-6;
const TOL1 = 1e-6;
/** Second-order (mixed) differences. */
const H2 = 1e-4;
const TOL2 = 1e-5;

/** How many arguments an entry passes (classes in its arguments are stood in for). */
function arity(e: Entry): number {
  const stub = new Proxy({}, { get: () => class {} });
  return e.args(1, stub).length;
}

/** The driver module: the function as `primal` (so its module loads) and one export per transformation, `d_<transform>`. */
export function driverSource(e: Entry, transforms: readonly Transform[]): string {
  const n = arity(e);
  const ps = Array.from({ length: n }, (_, i) => `p${i}`);
  const params = ps.map((p, i) => `${p}: P[${i}]`).join(', ');
  const tangents = ps.map((_, i) => `t${i}: any`).join(', ');
  const argnums = e.wrt.length === 1 ? `${e.wrt[0]}` : `[${e.wrt.join(', ')}]`;
  const f = e.fn;
  const body: Record<Transform, string> = {
    grad: `grad(${f}, ${argnums})`,
    valueAndGrad: `valueAndGrad(${f}, ${argnums})`,
    jvp: `(${params}, ${tangents}) => jvp(${f}, [${ps.join(', ')}], [${ps.map((_, i) => `t${i}`).join(', ')}])`,
    vjp: `(${params}) => vjp(${f}, ${ps.join(', ')})`,
    jacfwd: `jacfwd(${f}, ${e.jac})`,
    jacrev: `jacrev(${f}, ${e.jac})`,
    hessian: `hessian(${f}, ${e.jac})`,
    hvp: `hvp(${f}, ${e.hvp})`,
  };
  return [
    `import { grad, hessian, hvp, jacfwd, jacrev, jvp, valueAndGrad, vjp } from 'tsgrad';`,
    `import { ${f} } from './${e.file}.js';`,
    `type P = Parameters<typeof ${f}>;`,
    `export const primal = ${f};`,
    ...transforms.map((t) => `export const d_${t} = ${body[t]};`),
    '',
  ].join('\n');
}

export interface Compiled {
  /** tsgrad's diagnostics (TS99xxx), formatted. */
  readonly rejected: string[];
  /** Other TypeScript errors: mistakes in the corpus or the driver, not tsgrad's. */
  readonly invalid: string[];
  readonly loadError?: unknown;
  readonly driver?: Record<string, any>;
  readonly module?: Record<string, any>;
}

const isTsgrad = (d: ts.Diagnostic): boolean => d.code >= 99000 && d.code < 99100;

export function compileEntry(e: Entry, transforms: readonly Transform[], optimize: boolean): Compiled {
  const slug = `${e.fn}__${transforms.join('_')}`;
  const file = path.join(idiomDir, `${slug}.driver.ts`);
  const out = compile([file], { optimize }, new Map([[file, driverSource(e, transforms)]]));
  const key = (f: string): string => path.relative(repoRoot, f).replace(/\.ts$/, '');
  return {
    rejected: out.diagnostics.filter(isTsgrad).map((d) => formatDiagnostics([d])),
    invalid: out.diagnostics.filter((d) => !isTsgrad(d)).map((d) => formatDiagnostics([d])),
    loadError: out.loadError,
    driver: out.modules.get(key(file)),
    module: out.modules.get(key(path.join(idiomDir, `${e.file}.ts`))),
  };
}

/** A string of everything in `args`, to see whether a call changed them. */
const snapshot = (x: unknown): string =>
  JSON.stringify(x, (_, v) => (ArrayBuffer.isView(v) ? Array.from(v as Float64Array) : Number.isNaN(v) ? 'NaN' : v));

/** max |got − want| / max(1, max |want|), with where it is worst. */
function compareVectors(got: readonly number[], want: readonly number[], tol: number, what: string, labels?: readonly Path[]): string | undefined {
  if (got.length !== want.length) return `${what}: ${got.length} numbers, expected ${want.length}`;
  const scale = Math.max(1, ...want.map(Math.abs));
  let worst = 0;
  let at = -1;
  for (let i = 0; i < got.length; i++) {
    const e = Math.abs(got[i] - want[i]) / scale;
    if (!(e <= worst)) {
      worst = Number.isNaN(e) ? Infinity : e;
      at = i;
    }
  }
  if (worst < tol) return undefined;
  const where = labels ? `arg${labels[at].map((k) => `[${JSON.stringify(k)}]`).join('')}` : `[${at}]`;
  return `${what}: at ${where} got ${got[at]}, finite differences ${want[at]} (error ${worst.toExponential(2)}, tolerance ${tol})`;
}

type Fn = (...args: any[]) => unknown;

/** Checks one transformation at the entry's inputs; undefined when right, else what is wrong. */
export function checkTransform(e: Entry, t: Transform, c: Compiled): string | undefined {
  const m = c.module!;
  const f = m[e.fn] as Fn;
  const d = c.driver![`d_${t}`] as Fn;
  const seeds = t === 'grad' ? (e.seeds ?? [1, 2]) : (e.seeds ?? [1, 2]).slice(0, 2);
  for (const seed of seeds) {
    const args = e.args(seed, m);
    const before = snapshot(args);
    const problem = checkAt(e, t, f, d, args, rng(seed + 1000));
    if (snapshot(args) !== before) return `seed ${seed}: the ${t} call modified its arguments`;
    if (problem) return `seed ${seed}: ${problem}`;
  }
  return undefined;
}

function checkAt(e: Entry, t: Transform, f: Fn, d: Fn, args: unknown[], r: () => number): string | undefined {
  const at = (a: unknown[]): number[] => outputVector(f(...clone(a)));
  const pathsOf = (k: number): Path[] => leafPaths(args[k], [k], e.skip);
  /** Central differences of φ at args, one per path. */
  const fdGrad = (phi: (a: unknown[]) => number, paths: Path[]): number[] =>
    paths.map((_, j) => {
      const ej = paths.map((__, i) => (i === j ? 1 : 0));
      return (phi(shifted(args, paths, [[ej, H1]])) - phi(shifted(args, paths, [[ej, -H1]]))) / (2 * H1);
    });
  /** Compares a derivative for argument k (shaped like it) with reference values at its paths. */
  const compareArg = (got: unknown, k: number, want: number[], what: string): string | undefined => {
    const shape = shapeMismatch(got, args[k], [k], e.skip);
    if (shape) return `${what}: shape ${shape}`;
    const paths = pathsOf(k);
    const constants = leafPaths(args[k], [k]).filter((p) => e.skip?.(p));
    for (const p of constants) {
      const v = getAt(got, p.slice(1));
      if (v !== undefined && v !== null && v !== 0) return `${what}: nonzero derivative ${String(v)} at constant arg${p.map((x) => `[${JSON.stringify(x)}]`).join('')}`;
    }
    return compareVectors(paths.map((p) => getAt(got, p.slice(1)) as number), want, TOL1, what, paths);
  };
  const value = (got: unknown, what: string): string | undefined => {
    const want = at(args);
    return compareVectors(outputVector(got), want, 1e-12, `${what} value`);
  };
  const scalarF = (a: unknown[]): number => at(a)[0];

  switch (t) {
    case 'grad':
    case 'valueAndGrad': {
      const result = d(...args);
      let grads = result;
      if (t === 'valueAndGrad') {
        const [v, g] = result as [number, unknown];
        const bad = value(v, t);
        if (bad) return bad;
        grads = g;
      }
      const list = e.wrt.length === 1 ? [grads] : (grads as unknown[]);
      for (const [j, k] of e.wrt.entries()) {
        const bad = compareArg(list[j], k, fdGrad(scalarF, pathsOf(k)), `${t} d/d(arg ${k})`);
        if (bad) return bad;
      }
      return undefined;
    }
    case 'jvp': {
      const tangents = args.map((a, i) => mapLeaves(a, [i], (p) => (e.wrt.includes(i) && !e.skip?.(p) ? 2 * r() - 1 : 0)));
      const paths = e.wrt.flatMap(pathsOf);
      const dir = paths.map((p) => getAt(tangents, p) as number);
      const [v, tangent] = d(...args, ...tangents) as [unknown, unknown];
      const bad = value(v, t);
      if (bad) return bad;
      if (e.output === 'scalar' ? typeof tangent !== 'number' : !(ArrayBuffer.isView(tangent) || Array.isArray(tangent))) {
        return `jvp: tangent output is ${typeof tangent}`;
      }
      const plus = at(shifted(args, paths, [[dir, H1]]));
      const minus = at(shifted(args, paths, [[dir, -H1]]));
      return compareVectors(outputVector(tangent), plus.map((y, i) => (y - minus[i]) / (2 * H1)), TOL1, 'jvp tangent');
    }
    case 'vjp': {
      const m = at(args).length;
      const cot = e.output === 'scalar' ? 0.7 : Array.from({ length: m }, () => 2 * r() - 1);
      const weights = outputVector(cot);
      const [v, pullback] = d(...args) as [unknown, (c: unknown) => unknown[]];
      const bad = value(v, t);
      if (bad) return bad;
      const cots = pullback(cot);
      if (snapshot(pullback(cot)) !== snapshot(cots)) return 'vjp: a second pullback call gave a different result';
      const phi = (a: unknown[]): number => at(a).reduce((s, y, i) => s + weights[i] * y, 0);
      for (const k of e.wrt) {
        const bad2 = compareArg(cots[k], k, fdGrad(phi, pathsOf(k)), `vjp cotangent of arg ${k}`);
        if (bad2) return bad2;
      }
      return undefined;
    }
    case 'jacfwd':
    case 'jacrev':
    case 'hessian': {
      const k = e.jac!;
      const paths = pathsOf(k);
      const n = paths.length;
      const got = Array.from(d(...args) as Float64Array);
      const want: number[] = [];
      if (t === 'hessian') {
        for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) want.push(mixed(scalarF, args, paths, unit(n, i), unit(n, j)));
      } else {
        const columns = paths.map((_, j) => {
          const plus = at(shifted(args, paths, [[unit(n, j), H1]]));
          const minus = at(shifted(args, paths, [[unit(n, j), -H1]]));
          return plus.map((y, i) => (y - minus[i]) / (2 * H1));
        });
        const rows = columns[0].length;
        for (let i = 0; i < rows; i++) for (let j = 0; j < n; j++) want.push(columns[j][i]);
      }
      return compareVectors(got, want, t === 'hessian' ? TOL2 : TOL1, t);
    }
    case 'hvp': {
      const k = e.hvp!;
      const paths = pathsOf(k);
      const v = mapLeaves(args[k], [k], (p) => (e.skip?.(p) ? 0 : 2 * r() - 1));
      const dir = paths.map((p) => getAt(v, p.slice(1)) as number);
      const got = d(...args, v);
      const shape = shapeMismatch(got, args[k], [k], e.skip);
      if (shape) return `hvp: shape ${shape}`;
      const want = paths.map((_, j) => mixed(scalarF, args, paths, unit(paths.length, j), dir));
      return compareVectors(paths.map((p) => getAt(got, p.slice(1)) as number), want, TOL2, 'hvp', paths);
    }
  }
}

const unit = (n: number, i: number): number[] => Array.from({ length: n }, (_, j) => (j === i ? 1 : 0));

/** uᵀ H w by central differences of f along u and w. */
function mixed(f: (a: unknown[]) => number, args: unknown[], paths: Path[], u: number[], w: number[]): number {
  const at = (s: number, t: number): number => f(shifted(args, paths, [[u, s * H2], [w, t * H2]]));
  return (at(1, 1) - at(1, -1) - at(-1, 1) + at(-1, -1)) / (4 * H2 * H2);
}
