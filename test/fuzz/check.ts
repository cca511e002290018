/**
 * Checks one compiled program's transformations against independent references:
 *   - first derivatives (grad, valueAndGrad, jvp, vjp, jacfwd, jacrev) against central differences
 *     of f in float64, taken at two step sizes; a component whose two differences disagree (a kink,
 *     a jump, cancellation) is skipped rather than trusted; every stopGradient in f returns, in
 *     each evaluation, what it returned at the point (stops.ts), as the derivatives hold it;
 *   - second derivatives (hvp, hessian, grad(grad(f))) against second differences of f, the same way;
 *   - vjp against jvp by the dot-product test, valueAndGrad's value against f, hessian symmetric;
 *   - every argument (arrays, tangents, hvp's v, cotangents) unchanged by the call, and a second
 *     call giving the same result.
 * Arguments may be objects, arrays of arrays and arrays of objects (args.ts): derivatives must have
 * the argument's shape, and are compared leaf by leaf.
 */
import { getAt, type Path, shifted } from '../idiomatic/tree.js';
import { type Arg, componentsOf, copyAll, copyArg, directions, flat, leavesOf, makeArgs, size } from './args.js';
import { differentiable, type Program, type Transform } from './generate.js';
import { recordStops, replayStops } from './stops.js';

export type { Arg } from './args.js';
export { flat } from './args.js';
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

const sameArgs = (a: readonly Arg[], b: readonly Arg[]): boolean =>
  a.every((x, i) => {
    const u = flat(x);
    const v = flat(b[i]);
    return u.length === v.length && u.every((e, j) => Object.is(e, v[j]));
  });

/**
 * Central differences of f in float64 at one point, and comparisons counted against them. f may
 * return a number or an array: every difference is a list, one entry per output.
 */
export class Checker {
  compared = 0;
  kinks = 0;
  /** The largest relative gap between f at the point and the mean of f at the last differences' two ends. */
  private offCentre = 0;
  /** Whether the last differences saw Math.floor, ceil, trunc or round give different values at their two ends. */
  private stepped = false;
  /** Whether an evaluation since the last differences began called stopGradient other than at the point (stops.ts). */
  private strayed = false;
  /** What each stopGradient call returned at the (widened) point, in order: every evaluation replays them (stops.ts). */
  private readonly stops: readonly number[];
  private readonly wide: Arg[];
  /** f at the (widened) point, flattened. */
  readonly values: number[];
  /** f at the arguments as given (float32 arrays as float32): what a derivative's value must equal. */
  readonly exactAll: number[];
  private readonly cache = new Map<string, number[] | undefined>();
  /** Each argument's leaf paths: its components. */
  private readonly leaves: Path[][];

  constructor(private readonly f: Fn, private readonly p: Pick<Program, 'params'>, private readonly args: readonly Arg[]) {
    // float32 arguments are widened so the differences are taken in float64
    this.wide = args.map((a) => (a instanceof Float32Array ? Float64Array.from(a) : copyArg(a)));
    this.leaves = args.map(leavesOf);
    [this.values, this.stops] = recordStops(() => flat(this.f(...copyAll(this.wide))));
    // as f computes it (float32 arrays rounding what is stored in them), not replayed
    this.exactAll = flat(this.f(...copyAll(args)));
  }

  /** A scalar f's value. */
  get value(): number {
    return this.values[0];
  }
  get exact(): number {
    return this.exactAll[0];
  }

  /** f at `args`, flattened, with stopGradient returning what it returned at the point. */
  F(args: readonly Arg[]): number[] {
    const [value, lined] = replayStops(this.stops, () => flat(this.f(...copyAll(args))));
    if (!lined) this.strayed = true;
    return value;
  }

  /** args + Σ hₖ·dirₖ over the given (parameter, component or direction) steps. */
  private moved(steps: readonly { arg: number; comp?: number; dir?: Arg; h: number }[]): Arg[] {
    const paths: Path[] = [];
    const deltas: number[] = [];
    for (const s of steps) {
      const leaves = this.leaves[s.arg];
      if (s.dir === undefined) {
        paths.push([s.arg, ...leaves[s.comp ?? 0]]);
        deltas.push(s.h);
      } else {
        for (const p of leaves) {
          paths.push([s.arg, ...p]);
          deltas.push(s.h * (getAt(s.dir, p) as number));
        }
      }
    }
    return shifted(this.wide, paths, [[deltas, 1]]) as Arg[];
  }

  /**
   * A central difference at two step sizes; undefined where they disagree anywhere (a kink or
   * noise). A third, much smaller step catches staircases finer than the first two (Math.trunc
   * of a fast-changing value, fuzz seed 93601), whose differences follow the average slope while
   * the function's derivative is 0 wherever it exists; it is compared loosely (rounding grows as
   * the step shrinks).
   */
  private stable(d: (h: number) => number[], h: number, tol: number): number[] | undefined {
    this.strayed = false;
    const a = d(h);
    this.offCentre = 0;
    const b = d(h / 4);
    const offCentre = this.offCentre;
    this.stepped = false;
    const c = d(h / 256);
    const stepped = this.stepped;
    const apart = (x: number, y: number, t: number): boolean => !Number.isFinite(x) || !Number.isFinite(y) || Math.abs(x - y) > t * Math.max(1, Math.abs(y));
    // f at the point itself off the mean of its two neighbours by more than rounding and h²·f''
    // allow: f jumps there (a float equality that rounding decides, fuzz seed 922814: f jumps by 37
    // at most points around the test point but not at it, so every difference saw one branch and AD
    // the other)
    // a value Math.floor, ceil, trunc or round rounds differently at the two ends of the smallest
    // step: f is a staircase finer than every step, whose differences measure the average slope
    // with its jumps where AD gives the slope between them (fuzz seed 1160252: ceil of a value
    // growing fast with p0, f jumping by 1.9e-7 every 2e-8)
    // an evaluation calling stopGradient more or fewer times than f at the point took another
    // path: which stopped value it should hold fixed is not known
    if (this.strayed || stepped || offCentre > 1e-6 || a.some((x, i) => apart(x, b[i], tol) || apart(c[i], b[i], 0.01))) {
      this.kinks++;
      return undefined;
    }
    return b;
  }

  private difference(plus: Arg[], minus: Arg[], h: number): number[] {
    const [a, up] = rounding(() => this.F(plus));
    const [b, down] = rounding(() => this.F(minus));
    if (up.length !== down.length || up.some((x, i) => x !== down[i])) this.stepped = true;
    a.forEach((x, i) => {
      const mid = (x + b[i]) / 2;
      this.offCentre = Math.max(this.offCentre, Math.abs(mid - this.values[i]) / Math.max(1, Math.abs(this.values[i])));
    });
    return a.map((x, i) => (x - b[i]) / (2 * h));
  }

  /** ∂f/∂(arg, comp), one entry per output. */
  partials(arg: number, comp: number): number[] | undefined {
    const key = `${arg}:${comp}`;
    if (!this.cache.has(key)) {
      this.cache.set(key, this.stable((h) => this.difference(this.moved([{ arg, comp, h }]), this.moved([{ arg, comp, h: -h }]), h), 4e-5, FIRST));
    }
    return this.cache.get(key);
  }

  /** ∂f/∂(arg, comp) of a scalar f. */
  partial(arg: number, comp: number): number | undefined {
    return this.partials(arg, comp)?.[0];
  }

  /** The derivative of f along the direction `dirs` (one per parameter), one entry per output. */
  directional(dirs: readonly Arg[]): number[] | undefined {
    const steps = (h: number) => dirs.flatMap((dir, arg) => (differentiable(this.p.params[arg].type) ? [{ arg, dir, h }] : []));
    return this.stable((h) => this.difference(this.moved(steps(h)), this.moved(steps(-h)), h), 4e-5, FIRST);
  }

  /** ∂²f/∂(arg, j)∂(arg along dir) — one component of H·v — or along another unit vector, for a scalar f. */
  second(arg: number, j: number, other: { comp?: number; dir?: Arg }): number | undefined {
    const at = (h: number, sj: number, so: number): number => this.F(this.moved([{ arg, comp: j, h: sj * h }, { arg, ...other, h: so * h }]))[0];
    return this.stable((h) => [(at(h, 1, 1) - at(h, 1, -1) - at(h, -1, 1) + at(h, -1, -1)) / (4 * h * h)], 2e-3, SECOND)?.[0];
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

/**
 * The largest magnitude Math.floor, ceil, trunc and round see while `run` runs. Past 2^52 every
 * float64 is an integer, so `x - Math.ceil(x)` is exactly 0 there: f is flat in float64 where its
 * real derivative (what AD computes: ceil' = 0) is not, and finite differences are no reference
 * (fuzz seed 900731: p0 near 1e42, its tangent overflowing while differences gave 0).
 */
function roundedMagnitude(run: () => void): number {
  let most = 0;
  try {
    watchRounding(run, (x) => (most = Math.max(most, Math.abs(x))));
  } catch {
    // f's own throw is reported by the checker
  }
  return most;
}

/** `run`'s result, with `see` told each argument and result of Math.floor, ceil, trunc and round while it runs. */
function watchRounding<T>(run: () => T, see: (x: number, rounded: number) => void): T {
  const fns = ['floor', 'ceil', 'trunc', 'round'] as const;
  const saved = fns.map((k) => Math[k]);
  fns.forEach((k, i) => {
    Math[k] = (x: number): number => {
      const r = saved[i](x);
      see(x, r);
      return r;
    };
  });
  try {
    return run();
  } finally {
    fns.forEach((k, i) => (Math[k] = saved[i]));
  }
}

/** `run`'s result, and what Math.floor, ceil, trunc and round returned while it ran, in order. */
function rounding<T>(run: () => T): [T, number[]] {
  const seen: number[] = [];
  return [watchRounding(run, (_, r) => seen.push(r)), seen];
}

/** A checker at `args`, or why the program is skipped there (f throws, is not finite, is huge, or rounds values past 2^52). */
export function checkerAt(f: Fn, p: Pick<Program, 'params'>, args: readonly Arg[]): Checker | string {
  const rounded = roundedMagnitude(() => f(...copyAll(args)));
  if (rounded >= 2 ** 52) return `f rounds ${rounded.toExponential(2)} to an integer (float64 has no fractions there)`;
  let c: Checker;
  try {
    c = new Checker(f, p as Program, args);
  } catch (err) {
    return `f throws: ${String(err)}`;
  }
  return c.values.every((v) => Number.isFinite(v) && Math.abs(v) <= 1e6) ? c : `f = ${c.values.join(', ')}`;
}

/** Run every transformation of `p` from its compiled module `m`. */
export function checkProgram(p: Program, m: Record<string, any>, seed: number): CheckResult {
  const args = makeArgs(p, seed, m);
  const c = checkerAt(m.f, p, args);
  if (typeof c === 'string') return { skipped: c, outcomes: [], compared: 0, kinks: 0 };
  const dirs = directions(args, p, seed + 1);
  const shared: { jvp?: number[] } = {};
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

/**
 * callTwice for a function that returns a Promise (jitAsync, the only form webgpu has): each call is
 * awaited before the arguments are compared and before the second call starts.
 */
export async function callTwiceAsync(run: (inputs: Arg[]) => Promise<unknown>, inputs: readonly Arg[]): Promise<{ result: unknown; problem: Problem }> {
  const first = copyAll(inputs);
  const result = await run(first);
  if (!sameArgs(first, inputs)) return { result, problem: { kind: 'mutated', detail: `arguments changed: ${JSON.stringify(inputs.map(flat))} → ${JSON.stringify(first.map(flat))}` } };
  const again = await run(copyAll(inputs));
  const a = JSON.stringify(deepFlat(result));
  const b = JSON.stringify(deepFlat(again));
  if (a !== b) return { result, problem: { kind: 'unstable', detail: `two calls differ: ${a} then ${b}` } };
  return { result, problem: undefined };
}

/** A result as JSON-able data: arrays, typed arrays and objects (fields sorted) down to numbers and strings. */
function deepFlat(x: unknown): unknown {
  if (x === null || typeof x === 'number' || typeof x === 'string') return x;
  if (Array.isArray(x)) return x.map(deepFlat);
  if (ArrayBuffer.isView(x)) return Array.from(x as Float64Array);
  if (typeof x === 'object') return Object.keys(x).sort().map((k) => [k, deepFlat((x as Record<string, unknown>)[k])]);
  return String(x);
}

function checkOne(t: Transform, fn: Fn, c: Checker, p: Program, args: Arg[], dirs: Arg[], shared: { jvp?: number[] }): Problem {
  const wrong = (detail: string | undefined): Problem => (detail ? { kind: 'wrong', detail } : undefined);
  /** The value a derivative function returned next to it: f's own, bit for bit. */
  const sameValue = (value: unknown): Problem => {
    const got = flat(value);
    return got.length === c.exactAll.length && got.every((x, i) => Object.is(x, c.exactAll[i])) ? undefined : wrong(`value ${got.join(', ')}, f gives ${c.exactAll.join(', ')}`);
  };
  /** Compare ctᵀ·∂f/∂(parameter `arg`) (ct = [1] for a scalar f) with the partials of f. */
  const gradientOf = (g: unknown, arg: number, ct: readonly number[] = [1]): string | undefined => {
    const got = componentsOf(g, args[arg], `d/d p${arg}`);
    if (typeof got === 'string') return got;
    for (let j = 0; j < got.length; j++) {
      const partials = c.partials(arg, j);
      const want = partials?.reduce((sum, d, i) => sum + ct[i] * d, 0);
      const bad = c.compare(got[j], want, FIRST, `d/d p${arg}[${j}]`);
      if (bad) return bad;
    }
    return undefined;
  };
  /** J[i·n + j] = ∂fᵢ/∂(arg, j). */
  const jacobianOf = (J: number[], arg: number): string | undefined => {
    const n = size(args[arg]);
    const m = c.exactAll.length;
    if (J.length !== m * n) return `jacobian has ${J.length} entries, want ${m}×${n}`;
    for (let j = 0; j < n; j++) {
      const partials = c.partials(arg, j);
      for (let i = 0; i < m; i++) {
        const bad = c.compare(J[i * n + j], partials?.[i], FIRST, `J[${i}, ${j}] for p${arg}`);
        if (bad) return bad;
      }
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
        const bad = sameValue(value);
        if (bad) return bad;
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
      const [value, tangent] = result as [unknown, unknown];
      const bad = sameValue(value);
      if (bad) return bad;
      const got = flat(tangent);
      if (got.length !== c.exactAll.length) return wrong(`tangent has ${got.length} entries, the value ${c.exactAll.length}`);
      shared.jvp = got;
      const want = c.directional(dirs);
      for (let i = 0; i < got.length; i++) {
        const mismatch = c.compare(got[i], want?.[i], FIRST, `tangent[${i}]`);
        if (mismatch) return wrong(mismatch);
      }
      return undefined;
    }
    case 'vjp': {
      // a number for a scalar f, an array as long as the value otherwise
      const ct = p.output === 'num' ? [0.75] : c.exactAll.map((_, i) => 0.75 - 0.5 * i);
      const { result, problem } = callTwice((a) => {
        const [value, pullback] = fn(a);
        return [value, pullback(p.output === 'num' ? ct[0] : Float64Array.from(ct))];
      }, args);
      if (problem) return problem;
      const [value, cts] = result as [unknown, unknown[]];
      const bad = sameValue(value);
      if (bad) return bad;
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
        const d = leavesOf(args[k]).map((path) => getAt(dirs[k], path) as number);
        // a Float32Array parameter's cotangent is rounded to float32
        const rounding = p.params[k].type === 'f32' ? 2 ** -23 : 1e-12;
        (componentsOf(cts[k], args[k], '') as number[]).forEach((x, j) => {
          dot += x * d[j];
          slack += Math.abs(x * d[j]) * rounding;
        });
      }
      // dot-product test against jvp: <ct, J·dir> = <Jᵀ·ct, dir>
      if (shared.jvp !== undefined) {
        const want = shared.jvp.reduce((sum, d, i) => sum + ct[i] * d, 0);
        // the sweeps round differently, and where large terms cancel inside f both carry the
        // rounding of those terms: 1e-10 of the result (fuzz seed 922921: terms of 7e4 cancelling
        // to 2.8, the sweeps 7e-12 apart, each within 1e-8 of the differences). The sum itself
        // rounds at the scale of its terms: tangents of 5e55 with opposite cotangents cancel and
        // absorb the tangent of 2.6 beside them (fuzz seed 967277, whose vjp is right by hand).
        const scale = shared.jvp.reduce((sum, d, i) => sum + Math.abs(ct[i] * d), 0);
        if (Math.abs(dot - want) > slack + 1e-10 * Math.max(1, scale)) return wrong(`dot-product test: <vjp, dir> = ${dot}, ct·jvp = ${want}`);
      }
      return undefined;
    }
    case 'jacfwd':
    case 'jacrev': {
      const { result, problem } = callTwice((a) => fn(...a), args);
      if (problem) return problem;
      return wrong(jacobianOf(flat(result), t.argnums[0]));
    }
    case 'hvp': {
      const k = t.argnums[0];
      const v = dirs[k];
      const { result, problem } = callTwice((a) => fn(...a), [...args, v]);
      if (problem) return problem;
      const got = componentsOf(result, args[k], 'H·v');
      if (typeof got === 'string') return wrong(got);
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
