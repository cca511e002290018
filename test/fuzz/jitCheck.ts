/**
 * Checks one compiled jit program (jitGenerate.ts) on the kernel backends against the `js` backend,
 * which is f itself and the plain compiled (float64) gradient:
 *   - `jit(f, { backend: 'js' })` gives exactly f's value; the js gradient (jit(grad(f)) or
 *     jit(valueAndGrad(f)) on 'js') matches central differences of f in float64 (check.ts's
 *     Checker: two step sizes, kinks skipped), on every element of theta, v and w and a sample of X;
 *   - on `cpu` and `webasm`, every result matches the js one within float32 tolerances; on `webgpu`
 *     (`--webgpu`: only `jitAsync` reaches it), the awaited results the same way, and no kernel may
 *     have been moved to another backend by gpu.js (a `fallback` finding);
 *   - no call changes its arguments, and two calls give the same result (awaited, for webgpu).
 *
 * Tolerance rule (README "Precision", test/jit.test.ts): kernels compute in float32 and the host adds
 * their contributions in float64, so errors are a few float32 ulps of the terms, relative to
 * max(1, |reference|) (elementwise, scaled by the largest reference element, for gradients):
 *   2e-6 for values made of sums and products only;
 *   1e-4 when any transcendental Math function or `**` appears (webasm's exp/log/tanh/pow are less
 *        accurate than V8's), and for every gradient (gathers sum float32 products over n samples);
 * sums here have at most n·c ≤ 600 terms, below the 1500-term sums that need 1e-5 in the tests.
 * webgpu is held to the same rule: kernels compute `**`, Math.pow, sin, cos and tan with tsgrad's
 * own float32 code (compiler/passes/kernelMath.ts; WGSL's sin and cos, promised only to 2^-11
 * absolute, were off by 1.9e-4 on SwiftShader), and the rest of Math there is within 1e-6 relative
 * on SwiftShader (acos: 7e-5 absolute), as README "Precision" lists.
 */
import { flatten, scaledError } from '../harness.js';
import { type Arg, callTwice, callTwiceAsync, type Checker, checkerAt, FIRST, flat, isNotTransformed } from './check.js';
import { type JitProgram, type JitTransform, makeJitArgs, renderJit } from './jitGenerate.js';

/** Backends the synchronous form (`jit`) reaches: checked by checkJitProgram. */
export const kernelBackends = ['cpu', 'webasm'] as const;
/** Backends only the async form (`jitAsync`) reaches: checked by checkJitProgramAsync. */
export const asyncBackends = ['webgpu'] as const;
export type JitBackend = (typeof kernelBackends)[number] | (typeof asyncBackends)[number];
export const isAsyncBackend = (b: string): boolean => (asyncBackends as readonly string[]).includes(b);
type Fn = (...args: any[]) => any;
type Built = Fn & { backend?: { name: string; fallbacks?: readonly string[] } };

/** How long one awaited call may take before it counts as a crash (a Promise that never settles). */
const ASYNC_CALL_LIMIT_MS = 120_000;

export interface JitFailure {
  /**
   * `imprecise`: a kernel's result outside the tolerance by less than IMPRECISE times it (float32
   * rounding or a backend's less accurate Math function, more likely than a wrong derivative; kept
   * apart from `wrong` so that each gets its own class and shrinks to its own program);
   * `fallback`: gpu.js ran a kernel on another backend than the one asked for (webgpu: its WGSL did not compile).
   */
  readonly kind: 'wrong' | 'imprecise' | 'crash' | 'mutated' | 'unstable' | 'fallback';
  /** `jit@cpu`, `jitGrad@webasm`, `jitGrad@webgpu`, `jitValueAndGrad@js` (the js gradient against finite differences) … */
  readonly transform: string;
  readonly detail: string;
}

type Outcome = { readonly transform: string; readonly outcome: 'ok' | 'stub' | JitFailure };

export interface JitCheckResult {
  readonly skipped?: string;
  /** Per (transformation, backend): ok, stub (rejected at compile time) or a failure. */
  readonly outcomes: Outcome[];
  readonly compared: number;
  readonly kinks: number;
}

/** Which tolerance applies to the kernel's values (the rule above). */
export function valueTolerance(p: JitProgram): number {
  return /Math\.(?!abs|max|min|sign|fround)\w+|\*\*/.test(renderJit(p)) ? 1e-4 : 2e-6;
}
const GRAD_TOL = 1e-4;
/** An error beyond the tolerance but below this many times it is `imprecise`, not `wrong`. */
const IMPRECISE = 100;


/** The gradient part of a js/kernel result: the list of derivatives, one per argnum. */
function gradientsOf(t: JitTransform, result: unknown): unknown[] {
  const g = t.kind === 'jitValueAndGrad' ? (result as [number, unknown])[1] : result;
  return g as unknown[];
}

type Mismatch = { readonly kind: 'wrong' | 'imprecise'; readonly detail: string };
const mismatch = (e: number, tol: number, detail: string): Mismatch => ({ kind: e < IMPRECISE * tol ? 'imprecise' : 'wrong', detail });

/** A kernel backend's result against the js one (`want`), within the tolerances above. */
function againstJs(p: JitProgram, t: JitTransform, result: unknown, want: unknown): Mismatch | undefined {
  const valueTol = valueTolerance(p);
  if (t.kind === 'jit') {
    const e = scaledError(result, want);
    return e > valueTol ? mismatch(e, valueTol, `value ${String(result)}, js ${String(want)} (error ${e.toExponential(2)} > ${valueTol})`) : undefined;
  }
  if (t.kind === 'jitValueAndGrad') {
    const e = scaledError((result as unknown[])[0], (want as unknown[])[0]);
    if (e > valueTol) return mismatch(e, valueTol, `value ${(result as unknown[])[0]}, js ${(want as unknown[])[0]} (error ${e.toExponential(2)} > ${valueTol})`);
  }
  const got = gradientsOf(t, result);
  const ref = gradientsOf(t, want);
  // the worst argument decides the kind
  let worst: [number, number] | undefined;
  for (let k = 0; k < t.argnums.length; k++) {
    const e = scaledError(got[k], ref[k]);
    if (e > GRAD_TOL && (!worst || !(e <= worst[0]))) worst = [e, k];
  }
  if (!worst) return undefined;
  const [e, k] = worst;
  return mismatch(e, GRAD_TOL, `d/d ${p.params[t.argnums[k]].name}: error ${e.toExponential(2)} > ${GRAD_TOL}: ${JSON.stringify(flatten(got[k]).slice(0, 6))} vs js ${JSON.stringify(flatten(ref[k]).slice(0, 6))}`);
}

const crash = (err: unknown): string => (err instanceof Error ? err.stack ?? err.message : String(err));

/** The outcome of one call's checks (the call itself succeeded). */
function outcomeOf(label: string, fn: Built, problem: { kind: JitFailure['kind']; detail: string } | undefined, bad: Mismatch | undefined, strict: boolean): Outcome['outcome'] {
  if (problem) return { ...problem, transform: label };
  if (bad) return { ...bad, transform: label };
  const fallbacks = fn.backend?.fallbacks ?? [];
  if (strict && fallbacks.length > 0) return { kind: 'fallback', transform: label, detail: `kernels ran elsewhere: ${fallbacks.join('; ')}` };
  return 'ok';
}

/** The js results per transformation (undefined where js failed or was not run), and what checking them found. */
interface SyncPart {
  readonly result: JitCheckResult;
  readonly args: Arg[];
  readonly wants: unknown[];
}

function checkSync(p: JitProgram, m: Record<string, any>, seed: number, only: string | undefined, backends: readonly JitBackend[]): SyncPart | JitCheckResult {
  const args = makeJitArgs(p, seed) as Arg[];
  const c = checkerAt(m.f, p, args);
  if (typeof c === 'string') return { skipped: c, outcomes: [], compared: 0, kinks: 0 };
  const outcomes: Outcome[] = [];
  const wants: unknown[] = [];
  p.transforms.forEach((t, i) => {
    if (only && !only.startsWith(`${t.kind}@`)) return;
    const label = (b: string): string => `${t.kind}@${b}`;
    const run = (b: string, check: (result: unknown) => Mismatch | string | undefined): unknown => {
      try {
        const fn = (m[`t${i}`] as (b: string) => Built)(b);
        if (fn.backend?.name !== b) throw new Error(`asked for backend ${b}, runs on ${fn.backend?.name}`);
        const { result, problem } = callTwice((a) => fn(...a), args);
        const found = problem ? undefined : check(result);
        const bad = typeof found === 'string' ? { kind: 'wrong' as const, detail: found } : found;
        outcomes.push({ transform: label(b), outcome: outcomeOf(label(b), fn, problem, bad, false) });
        return problem || bad ? undefined : result;
      } catch (err) {
        outcomes.push({ transform: label(b), outcome: isNotTransformed(err) ? 'stub' : { kind: 'crash', transform: label(b), detail: crash(err) } });
        return undefined;
      }
    };
    const want = run('js', (result) => (t.kind === 'jit' ? jsValue(result, c) : jsGradient(t, result, c, p, seed)));
    wants[i] = want;
    if (want === undefined) return;
    for (const b of kernelBackends) {
      if (!backends.includes(b) || (only && only !== label(b))) continue;
      run(b, (result) => againstJs(p, t, result, want));
    }
  });
  return { result: { outcomes, compared: c.compared, kinks: c.kinks }, args, wants };
}

/**
 * `only` (`kind@backend`, for shrinking): check that one transformation on that backend alone (js
 * always runs: it is the reference). `backends`: which of cpu and webasm to run (async backends are
 * checkJitProgramAsync's).
 */
export function checkJitProgram(p: JitProgram, m: Record<string, any>, seed: number, only?: string, backends: readonly JitBackend[] = kernelBackends): JitCheckResult {
  const part = checkSync(p, m, seed, only, backends);
  return 'result' in part ? part.result : part;
}

/**
 * checkJitProgram, and then the async backends among `backends` (webgpu), whose module exports
 * `a<i>` (renderJit with async): each transformation through `jitAsync(…, { backend })`, awaited,
 * against the same js result with the same tolerances; arguments unchanged, two calls alike, and no
 * kernel moved to another backend (a `fallback`).
 */
export async function checkJitProgramAsync(p: JitProgram, m: Record<string, any>, seed: number, only: string | undefined, backends: readonly JitBackend[]): Promise<JitCheckResult> {
  const part = checkSync(p, m, seed, only, backends);
  if (!('result' in part)) return part;
  const { result, args, wants } = part;
  for (const b of asyncBackends) {
    if (!backends.includes(b)) continue;
    for (const [i, t] of p.transforms.entries()) {
      const label = `${t.kind}@${b}`;
      if (wants[i] === undefined || (only && only !== label)) continue;
      let outcome: Outcome['outcome'];
      try {
        const fn = (m[`a${i}`] as (b: string) => Built)(b);
        if (fn.backend?.name !== b) throw new Error(`asked for backend ${b}, runs on ${fn.backend?.name}`);
        const { result: got, problem } = await callTwiceAsync((a) => limited(fn(...a) as Promise<unknown>, label), args);
        outcome = outcomeOf(label, fn, problem, problem ? undefined : againstJs(p, t, got, wants[i]), true);
      } catch (err) {
        outcome = isNotTransformed(err) ? 'stub' : { kind: 'crash', transform: label, detail: crash(err) };
      }
      result.outcomes.push({ transform: label, outcome });
    }
  }
  return result;
}

/** `promise`, or a rejection once it has taken ASYNC_CALL_LIMIT_MS. */
function limited<T>(promise: Promise<T>, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`${what}: no result after ${ASYNC_CALL_LIMIT_MS / 1000} s`)), ASYNC_CALL_LIMIT_MS);
  });
  return Promise.race([Promise.resolve(promise), late]).finally(() => clearTimeout(timer));
}

function jsValue(result: unknown, c: Checker): string | undefined {
  return Object.is(result, c.exact) ? undefined : `js backend gives ${String(result)}, f gives ${c.exact}`;
}

/** The js gradient against central differences: every element of theta, v, w and up to 24 of X. */
function jsGradient(t: JitTransform, result: unknown, c: Checker, p: JitProgram, seed: number): string | undefined {
  if (t.kind === 'jitValueAndGrad' && !Object.is((result as unknown[])[0], c.exact)) return `js value ${(result as unknown[])[0]}, f gives ${c.exact}`;
  const grads = gradientsOf(t, result);
  for (let k = 0; k < t.argnums.length; k++) {
    const arg = t.argnums[k];
    const got = flat(grads[k]);
    const length = arg === 4 ? 1 : arg === 0 ? p.c * p.d : arg === 3 ? p.d : p.n * p.d;
    if (got.length !== length) return `d/d ${p.params[arg].name}: length ${got.length}, want ${length}`;
    const comps = arg === 1 && length > 24 ? Array.from({ length: 24 }, (_, j) => (j * 7919 + seed) % length) : got.map((_, j) => j);
    for (const j of comps) {
      const bad = c.compare(got[j], c.partial(arg, j), FIRST, `js d/d ${p.params[arg].name}[${j}]`);
      if (bad) return bad;
    }
  }
  return undefined;
}
