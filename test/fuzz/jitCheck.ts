/**
 * Checks one compiled jit program (jitGenerate.ts) on the kernel backends against the `js` backend,
 * which is f itself and the plain compiled (float64) gradient:
 *   - `jit(f, { backend: 'js' })` gives exactly f's value; the js gradient (jit(grad(f)) or
 *     jit(valueAndGrad(f)) on 'js') matches central differences of f in float64 (check.ts's
 *     Checker: two step sizes, kinks skipped), on every element of theta, v and w and a sample of X;
 *   - on `cpu` and `webasm`, every result matches the js one within float32 tolerances;
 *   - no call changes its arguments, and two calls give the same result.
 *
 * Tolerance rule (README "Precision", test/jit.test.ts): kernels compute in float32 and the host adds
 * their contributions in float64, so errors are a few float32 ulps of the terms, relative to
 * max(1, |reference|) (elementwise, scaled by the largest reference element, for gradients):
 *   2e-6 for values made of sums and products only;
 *   1e-4 when any transcendental Math function or `**` appears (webasm's exp/log/tanh/pow are less
 *        accurate than V8's), and for every gradient (gathers sum float32 products over n samples);
 * sums here have at most n·c ≤ 600 terms, below the 1500-term sums that need 1e-5 in the tests.
 */
import { flatten, scaledError } from '../harness.js';
import { type Arg, callTwice, type Checker, checkerAt, FIRST, flat, isNotTransformed } from './check.js';
import { type JitProgram, type JitTransform, makeJitArgs, renderJit } from './jitGenerate.js';

export const kernelBackends = ['cpu', 'webasm'] as const;
type Fn = (...args: any[]) => any;

export interface JitFailure {
  readonly kind: 'wrong' | 'crash' | 'mutated' | 'unstable';
  /** `jit@cpu`, `jitGrad@webasm`, `jitValueAndGrad@js` (the js gradient against finite differences) … */
  readonly transform: string;
  readonly detail: string;
}

export interface JitCheckResult {
  readonly skipped?: string;
  /** Per (transformation, backend): ok, stub (rejected at compile time) or a failure. */
  readonly outcomes: { readonly transform: string; readonly outcome: 'ok' | 'stub' | JitFailure }[];
  readonly compared: number;
  readonly kinks: number;
}

/** Which tolerance applies to the kernel's values (the rule above). */
export function valueTolerance(p: JitProgram): number {
  return /Math\.(?!abs|max|min|sign|fround)\w+|\*\*/.test(renderJit(p)) ? 1e-4 : 2e-6;
}
const GRAD_TOL = 1e-4;


/** The gradient part of a js/kernel result: the list of derivatives, one per argnum. */
function gradientsOf(t: JitTransform, result: unknown): unknown[] {
  const g = t.kind === 'jitValueAndGrad' ? (result as [number, unknown])[1] : result;
  return g as unknown[];
}

/** `only` (`kind@backend`, for shrinking): check that one transformation on that backend alone (js always runs: it is the reference). */
export function checkJitProgram(p: JitProgram, m: Record<string, any>, seed: number, only?: string): JitCheckResult {
  const args = makeJitArgs(p, seed) as Arg[];
  const c = checkerAt(m.f, p, args);
  if (typeof c === 'string') return { skipped: c, outcomes: [], compared: 0, kinks: 0 };
  const outcomes: JitCheckResult['outcomes'] = [];
  const valueTol = valueTolerance(p);
  p.transforms.forEach((t, i) => {
    if (only && !only.startsWith(`${t.kind}@`)) return;
    const label = (b: string): string => `${t.kind}@${b}`;
    const run = (b: string, check: (result: unknown, fn: Fn) => string | undefined): unknown => {
      try {
        const fn = (m[`t${i}`] as (b: string) => Fn & { backend?: { name: string } })(b);
        if (fn.backend?.name !== b) throw new Error(`asked for backend ${b}, runs on ${fn.backend?.name}`);
        const { result, problem } = callTwice((a) => fn(...a), args);
        const detail = problem ? undefined : check(result, fn);
        outcomes.push({ transform: label(b), outcome: problem ? { ...problem, transform: label(b) } : detail ? { kind: 'wrong', transform: label(b), detail } : 'ok' });
        return problem || detail ? undefined : result;
      } catch (err) {
        outcomes.push({ transform: label(b), outcome: isNotTransformed(err) ? 'stub' : { kind: 'crash', transform: label(b), detail: err instanceof Error ? err.stack ?? err.message : String(err) } });
        return undefined;
      }
    };
    const want = run('js', (result) => (t.kind === 'jit' ? jsValue(result, c) : jsGradient(t, result, c, p, seed)));
    if (want === undefined) return;
    for (const b of kernelBackends) {
      if (only && only !== label(b)) continue;
      run(b, (result) => {
        if (t.kind === 'jit') {
          const e = scaledError(result, want);
          return e > valueTol ? `value ${String(result)}, js ${String(want)} (error ${e.toExponential(2)} > ${valueTol})` : undefined;
        }
        if (t.kind === 'jitValueAndGrad') {
          const e = scaledError((result as unknown[])[0], (want as unknown[])[0]);
          if (e > valueTol) return `value ${(result as unknown[])[0]}, js ${(want as unknown[])[0]} (error ${e.toExponential(2)} > ${valueTol})`;
        }
        const got = gradientsOf(t, result);
        const ref = gradientsOf(t, want);
        for (let k = 0; k < t.argnums.length; k++) {
          const e = scaledError(got[k], ref[k]);
          if (e > GRAD_TOL) return `d/d ${p.params[t.argnums[k]].name}: error ${e.toExponential(2)} > ${GRAD_TOL}: ${JSON.stringify(flatten(got[k]).slice(0, 6))} vs js ${JSON.stringify(flatten(ref[k]).slice(0, 6))}`;
        }
        return undefined;
      });
    }
  });
  return { outcomes, compared: c.compared, kinks: c.kinks };
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
