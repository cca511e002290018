/**
 * Checks one compiled program's transformations against independent references:
 *   - first derivatives (grad, valueAndGrad, jvp, vjp, jacfwd, jacrev) against central differences
 *     of f in float64, taken at two step sizes; a component whose two differences disagree (a kink,
 *     a jump, cancellation) is skipped rather than trusted;
 *   - second derivatives (hvp, hessian, grad(grad(f))) against second differences of f, the same way;
 *   - vjp against jvp by the dot-product test, valueAndGrad's value against f, hessian symmetric;
 *   - every argument (arrays, tangents, hvp's v, cotangents) unchanged by the call, and a second
 *     call giving the same result.
 */
import { rng } from '../harness.js';
import { differentiable, type Program, type Transform } from './generate.js';

export type Arg = number | number[] | Float64Array | Float32Array | Int32Array;
type Fn = (...args: any[]) => any;

export interface Failure {
  /** wrong | crash | mutated | unstable: what went wrong. */
  readonly kind: 'wrong' | 'crash' | 'mutated' | 'unstable';
  readonly transform: Transform['kind'];
  readonly detail: string;
}

export interface CheckResult {
  /** f itself was not finite or too large at the test point: nothing checked. */
  readonly skipped?: string;
  /** Per transformation: 'ok', 'stub' (the compiler rejected it) or a failure. */
  readonly outcomes: { readonly transform: Transform; readonly outcome: 'ok' | 'stub' | Failure }[];
  /** Components compared with a reference, and those skipped as kinks. */
  readonly compared: number;
  readonly kinks: number;
}

export const isNotTransformed = (err: unknown): boolean => err instanceof Error && err.message.includes('was called at run time');

export function copyArg(a: Arg): Arg {
  return typeof a === 'number' ? a : Array.isArray(a) ? [...a] : a.slice();
}
const copyAll = (args: readonly Arg[]): Arg[] => args.map(copyArg);
const sameArgs = (a: readonly Arg[], b: readonly Arg[]): boolean =>
  a.every((x, i) => (typeof x === 'number' ? Object.is(x, b[i]) : Array.from(x).every((v, j) => Object.is(v, (b[i] as ArrayLike<number>)[j]))));
export const flat = (y: unknown): number[] => (typeof y === 'number' ? [y] : Array.from(y as ArrayLike<number>));
const size = (a: Arg): number => (typeof a === 'number' ? 1 : a.length);

/** The program's arguments at a random point: arrays of its length, indices in range. */
export function makeArgs(p: Program, seed: number): Arg[] {
  const r = rng(seed);
  const u = (): number => Math.round((-1.2 + 2.4 * r()) * 1e6) / 1e6;
  return p.params.map((x): Arg => {
    switch (x.type) {
      case 'num': return u();
      case 'size': return p.length;
      case 'numarr': return Array.from({ length: p.length }, u);
      case 'f64': return Float64Array.from({ length: p.length }, u);
      case 'f32': return Float32Array.from({ length: p.length }, u);
      case 'i32': return Int32Array.from({ length: p.length }, () => Math.floor(r() * p.length));
    }
  });
}

/** One tangent direction per differentiable parameter (others keep their argument). */
function directions(args: readonly Arg[], p: Program, seed: number): Arg[] {
  const r = rng(seed);
  const u = (): number => -1 + 2 * r();
  return args.map((a, i) => {
    const type = p.params[i].type;
    if (type === 'size') return 0; // a number to tsgrad, but a size: no tangent
    return !differentiable(type) ? copyArg(a) : typeof a === 'number' ? u() : Float64Array.from({ length: a.length }, u);
  });
}

/** Central differences of f in float64 at one point, and comparisons counted against them. */
export class Checker {
  compared = 0;
  kinks = 0;
  private readonly wide: Arg[];
  private readonly f0: number;
  /** f at the arguments as given (float32 arrays as float32): what a derivative's value must equal. */
  readonly exact: number;
  private readonly gradCache = new Map<string, number | undefined>();

  constructor(private readonly f: Fn, private readonly p: Pick<Program, 'params'>, private readonly args: readonly Arg[]) {
    // float32 arguments are widened so the differences are taken in float64
    this.wide = args.map((a) => (a instanceof Float32Array ? Float64Array.from(a) : copyArg(a)));
    this.f0 = this.F(this.wide);
    this.exact = this.F(args);
  }

  get value(): number {
    return this.f0;
  }

  F(args: readonly Arg[]): number {
    return this.f(...copyAll(args));
  }

  /** args + Σ hₖ·dirₖ over the given (parameter, component or direction) steps. */
  private moved(steps: readonly { arg: number; comp?: number; dir?: Arg; h: number }[]): Arg[] {
    const out = copyAll(this.wide);
    for (const s of steps) {
      const a = out[s.arg];
      if (typeof a === 'number') out[s.arg] = a + s.h * (s.dir !== undefined ? (s.dir as number) : 1);
      else if (s.dir !== undefined) for (let i = 0; i < a.length; i++) a[i] += s.h * (s.dir as ArrayLike<number>)[i];
      else a[s.comp!] += s.h;
    }
    return out;
  }

  /** A central difference at two step sizes; undefined where they disagree (a kink or noise). */
  private stable(d: (h: number) => number, h: number, tol: number): number | undefined {
    const a = d(h);
    const b = d(h / 4);
    if (!Number.isFinite(a) || !Number.isFinite(b) || Math.abs(a - b) > tol * Math.max(1, Math.abs(b))) {
      this.kinks++;
      return undefined;
    }
    return b;
  }

  /** ∂f/∂(arg, comp). */
  partial(arg: number, comp: number): number | undefined {
    const key = `${arg}:${comp}`;
    if (!this.gradCache.has(key)) {
      const d = (h: number): number => (this.F(this.moved([{ arg, comp, h }])) - this.F(this.moved([{ arg, comp, h: -h }]))) / (2 * h);
      this.gradCache.set(key, this.stable(d, 4e-5, FIRST));
    }
    return this.gradCache.get(key);
  }

  /** The derivative of f along the direction `dirs` (one per parameter). */
  directional(dirs: readonly Arg[]): number | undefined {
    const steps = (h: number) => dirs.flatMap((dir, arg) => (differentiable(this.p.params[arg].type) ? [{ arg, dir, h }] : []));
    return this.stable((h) => (this.F(this.moved(steps(h))) - this.F(this.moved(steps(-h)))) / (2 * h), 4e-5, FIRST);
  }

  /** ∂²f/∂(arg, j)∂(arg along dir) — one component of H·v — or along another unit vector. */
  second(arg: number, j: number, other: { comp?: number; dir?: Arg }): number | undefined {
    const at = (h: number, sj: number, so: number): number => this.F(this.moved([{ arg, comp: j, h: sj * h }, { arg, ...other, h: so * h }]));
    return this.stable((h) => (at(h, 1, 1) - at(h, 1, -1) - at(h, -1, 1) + at(h, -1, -1)) / (4 * h * h), 2e-3, SECOND);
  }

  /** Compare `got` with `want` (undefined: no reliable reference); returns a message on mismatch. */
  compare(got: number, want: number | undefined, tol: number, what: string): string | undefined {
    if (want === undefined) return undefined;
    this.compared++;
    if (Number.isNaN(got) || Math.abs(got - want) > tol * Math.max(1, Math.abs(want))) return `${what}: got ${got}, reference ${want}`;
    return undefined;
  }
}

export const FIRST = 1e-5;
const SECOND = 2e-4;

/** A checker at `args`, or why the program is skipped there (f throws, is not finite, or is huge). */
export function checkerAt(f: Fn, p: Pick<Program, 'params'>, args: readonly Arg[]): Checker | string {
  let c: Checker;
  try {
    c = new Checker(f, p as Program, args);
  } catch (err) {
    return `f throws: ${String(err)}`;
  }
  return Number.isFinite(c.value) && Math.abs(c.value) <= 1e6 ? c : `f = ${c.value}`;
}

/** Run every transformation of `p` from its compiled module `m`. */
export function checkProgram(p: Program, m: Record<string, any>, seed: number): CheckResult {
  const args = makeArgs(p, seed);
  const c = checkerAt(m.f, p, args);
  if (typeof c === 'string') return { skipped: c, outcomes: [], compared: 0, kinks: 0 };
  const dirs = directions(args, p, seed + 1);
  const shared: { jvp?: number } = {};
  const outcomes = p.transforms.map((t, i) => {
    let outcome: 'ok' | 'stub' | Failure;
    try {
      const fn = (m[`t${i}`] as () => Fn)();
      const message = checkOne(t, fn, c, p, args, dirs, shared);
      outcome = message ? { kind: message.kind, transform: t.kind, detail: message.detail } : 'ok';
    } catch (err) {
      outcome = isNotTransformed(err) ? 'stub' : { kind: 'crash', transform: t.kind, detail: err instanceof Error ? err.stack ?? err.message : String(err) };
    }
    return { transform: t, outcome };
  });
  return { outcomes, compared: c.compared, kinks: c.kinks };
}

type Problem = { kind: Failure['kind']; detail: string } | undefined;

/** Calls `run` twice on fresh copies of `inputs`: the inputs must stay as they were and the results agree. */
export function callTwice(run: (inputs: Arg[]) => unknown, inputs: readonly Arg[]): { result: unknown; problem: Problem } {
  const first = copyAll(inputs);
  const result = run(first);
  if (!sameArgs(first, inputs)) return { result, problem: { kind: 'mutated', detail: `arguments changed: ${JSON.stringify(inputs.map(flat))} → ${JSON.stringify(first.map(flat))}` } };
  const again = run(copyAll(inputs));
  const a = JSON.stringify(deepFlat(result));
  const b = JSON.stringify(deepFlat(again));
  if (a !== b) return { result, problem: { kind: 'unstable', detail: `two calls differ: ${a} then ${b}` } };
  return { result, problem: undefined };
}

function deepFlat(x: unknown): unknown {
  if (x === null || typeof x === 'number') return x;
  if (Array.isArray(x)) return x.map(deepFlat);
  if (ArrayBuffer.isView(x)) return Array.from(x as Float64Array);
  return String(x);
}

function checkOne(t: Transform, fn: Fn, c: Checker, p: Program, args: Arg[], dirs: Arg[], shared: { jvp?: number }): Problem {
  const wrong = (detail: string | undefined): Problem => (detail ? { kind: 'wrong', detail } : undefined);
  /** Compare a derivative with respect to parameter `arg` with the partials of f. */
  const gradientOf = (g: unknown, arg: number, scale = 1): string | undefined => {
    const got = flat(g);
    if (got.length !== size(args[arg])) return `d/d p${arg}: length ${got.length}, want ${size(args[arg])}`;
    for (let j = 0; j < got.length; j++) {
      const want = c.partial(arg, j);
      const bad = c.compare(got[j], want === undefined ? undefined : scale * want, FIRST, `d/d p${arg}[${j}]`);
      if (bad) return bad;
    }
    return undefined;
  };
  switch (t.kind) {
    case 'grad':
    case 'valueAndGrad': {
      const { result, problem } = callTwice((a) => fn(...a), args);
      if (problem) return problem;
      let grads = result as unknown[];
      if (t.kind === 'valueAndGrad') {
        const [value, g] = result as [number, unknown[]];
        if (!Object.is(value, c.exact)) return wrong(`value ${value}, f gives ${c.exact}`);
        grads = g;
      }
      for (let k = 0; k < t.argnums.length; k++) {
        const bad = gradientOf(grads[k], t.argnums[k]);
        if (bad) return wrong(bad);
      }
      return undefined;
    }
    case 'jvp': {
      const { result, problem } = callTwice((a) => fn(a.slice(0, args.length), a.slice(args.length)), [...args, ...dirs]);
      if (problem) return problem;
      const [value, tangent] = result as [number, number];
      if (!Object.is(value, c.exact)) return wrong(`value ${value}, f gives ${c.exact}`);
      shared.jvp = tangent;
      return wrong(c.compare(tangent, c.directional(dirs), FIRST, 'tangent'));
    }
    case 'vjp': {
      const ct = 0.75;
      const { result, problem } = callTwice((a) => {
        const [value, pullback] = fn(a);
        return [value, pullback(ct)];
      }, args);
      if (problem) return problem;
      const [value, cts] = result as [number, unknown[]];
      if (!Object.is(value, c.exact)) return wrong(`value ${value}, f gives ${c.exact}`);
      let dot = 0;
      let slack = 0;
      for (let k = 0; k < args.length; k++) {
        if (p.params[k].type === 'size') continue; // a number: its cotangent is there, and not checked
        if (!differentiable(p.params[k].type)) {
          if (cts[k] !== null) return wrong(`cotangent of p${k} should be null`);
          continue;
        }
        const bad = gradientOf(cts[k], k, ct);
        if (bad) return wrong(bad);
        const d = flat(dirs[k]);
        // a Float32Array parameter's cotangent is rounded to float32
        const rounding = p.params[k].type === 'f32' ? 2 ** -23 : 1e-12;
        flat(cts[k]).forEach((x, j) => {
          dot += x * d[j];
          slack += Math.abs(x * d[j]) * rounding;
        });
      }
      // dot-product test against jvp: <ct, J·dir> = <Jᵀ·ct, dir>
      if (shared.jvp !== undefined) {
        const want = ct * shared.jvp;
        if (Math.abs(dot - want) > slack + 1e-12 * Math.max(1, Math.abs(want))) return wrong(`dot-product test: <vjp, dir> = ${dot}, ct·jvp = ${want}`);
      }
      return undefined;
    }
    case 'jacfwd':
    case 'jacrev': {
      const { result, problem } = callTwice((a) => fn(...a), args);
      if (problem) return problem;
      return wrong(gradientOf(result, t.argnums[0]));
    }
    case 'hvp': {
      const k = t.argnums[0];
      const v = dirs[k];
      const { result, problem } = callTwice((a) => fn(...a), [...args, v]);
      if (problem) return problem;
      const got = flat(result);
      if (got.length !== size(args[k])) return wrong(`H·v has length ${got.length}`);
      for (let j = 0; j < got.length; j++) {
        const bad = c.compare(got[j], c.second(k, j, { dir: v }), SECOND, `(H·v)[${j}] for p${k}`);
        if (bad) return wrong(bad);
      }
      return undefined;
    }
    case 'hessian': {
      const k = t.argnums[0];
      const { result, problem } = callTwice((a) => fn(...a), args);
      if (problem) return problem;
      const H = flat(result);
      const n = size(args[k]);
      if (H.length !== n * n) return wrong(`hessian has ${H.length} entries, want ${n * n}`);
      for (let i = 0; i < n; i++) {
        for (let j = 0; j < n; j++) {
          const a = H[i * n + j];
          const b = H[j * n + i];
          if (Math.abs(a - b) > 1e-9 * Math.max(1, Math.abs(a))) return wrong(`hessian not symmetric at (${i}, ${j}): ${a} vs ${b}`);
          const bad = c.compare(a, c.second(k, i, { comp: j }), SECOND, `H[${i}, ${j}] for p${k}`);
          if (bad) return wrong(bad);
        }
      }
      return undefined;
    }
    case 'gradgrad': {
      const k = t.argnums[0];
      const { result, problem } = callTwice((a) => fn(...a), args);
      if (problem) return problem;
      return wrong(c.compare(result as number, c.second(k, 0, { comp: 0 }), SECOND, `d²f/dp${k}²`));
    }
  }
}
