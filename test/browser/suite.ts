/**
 * The jit cases (test/jit-cases: every parallel-loop kind, jit(grad), jit(valueAndGrad), the softmax
 * example's loss), run in a browser page on one backend and compared with the float64 `js` path.
 * test/browser.test.ts bundles this module with tsgrad's esbuild plugin and calls `runSuite` in
 * headless Chromium, where webgl2 and webgpu are real (on SwiftShader, a software GPU).
 *
 * Tolerances are relative to max(1, |reference|): 2e-6 for sums of float32 products, 1e-4 where
 * float32 exp/log/tanh (the GPU's, or WebAssembly's) dominate, as in the Node tests. A NaN or an
 * infinity in the reference must come back as the same one.
 */
import { grad, jit, jitAsync, valueAndGrad } from 'tsgrad';
import type { BackendName } from 'tsgrad';
import { extremes, logits, loss, meanSoftplus, pairs, powers, prefixRows, rowSums } from '../jit-cases/kernels.js';
import { hostOnly, mixed, powerSums, repeated, scrambled, softmax } from '../jit-cases/grads.js';
import { rng } from '../random.js';

export interface CaseResult {
  readonly name: string;
  /** The backend the jit function ran on (it may differ from the one asked for only by an error). */
  readonly backend: string;
  /** Kernels gpu.js moved to another backend (a silent fallback would make the test meaningless). */
  readonly fallbacks: readonly string[];
  /** Largest |got - want| / max(1, |want|) over the outputs compared. */
  readonly error: number;
  readonly tolerance: number;
  /** What the case threw, if it did. */
  readonly threw?: string;
}

function scaledError(got: number | ArrayLike<number>, want: number | ArrayLike<number>): number {
  const g = typeof got === 'number' ? [got] : Array.from(got);
  const w = typeof want === 'number' ? [want] : Array.from(want);
  if (g.length !== w.length) return Infinity;
  const scale = Math.max(1, ...w.filter(Number.isFinite).map(Math.abs));
  let worst = 0;
  for (let i = 0; i < g.length; i++) {
    if (Object.is(g[i], w[i])) continue;
    const e = Math.abs(g[i] - w[i]);
    worst = Math.max(worst, Number.isFinite(e) ? e / scale : Infinity);
  }
  return worst;
}

/** The worst error over several outputs (a tuple of gradients, a value and its gradient). */
const worst = (pairs: readonly [number | ArrayLike<number>, number | ArrayLike<number>][]): number =>
  Math.max(...pairs.map(([g, w]) => scaledError(g, w)));

type Jitted = { readonly backend: { readonly name: string; readonly fallbacks: readonly string[] } };

/** One case: builds its jit function for `backend`, runs it (awaiting a Promise), returns [jitted, error]. */
type Case = (backend: BackendName, isAsync: boolean) => Promise<[Jitted, number]>;

const rand = rng(7);
const uniform = (length: number, lo = -1, hi = 1): Float32Array => Float32Array.from({ length }, () => lo + (hi - lo) * rand());
const n = 2500;
const d = 12;
const c = 4;
const theta = uniform(c * d);
const X = uniform(n * d);
const y = Int32Array.from({ length: n }, () => Math.floor(rand() * c));
/**
 * More iterations than a texture has texels on a side (8192 on SwiftShader, 16384 on most GPUs):
 * kernels over slot × iteration, instance × iteration or element × block must not be W × H outputs.
 */
const big = 20000;
const Xbig = uniform(big * d);
const ybig = Int32Array.from({ length: big }, () => Math.floor(rand() * c));

/** `jit(f, { backend })` or its async form (each built only when picked: webgpu has no sync form). */
const pick = <F extends (...args: any[]) => any>(sync: () => F & Jitted, later: () => Jitted & ((...args: Parameters<F>) => Promise<Awaited<ReturnType<F>>>), isAsync: boolean) =>
  (isAsync ? later() : sync()) as Jitted & ((...args: Parameters<F>) => Promise<Awaited<ReturnType<F>>> | ReturnType<F>);

const cases: Record<string, [Case, number]> = {
  'sum reduction (softmax cross-entropy, n = 2500)': [async (backend, isAsync) => {
    const f = isAsync ? jitAsync(loss, { backend }) : jit(loss, { backend });
    return [f, scaledError(await f(theta, X, y, n, d, c), loss(theta, X, y, n, d, c))];
  }, 2e-6],
  'block writes out[i * c + k] (logits, n = 20000)': [async (backend, isAsync) => {
    const f = pick(() => jit(logits, { backend }), () => jitAsync(logits, { backend }), isAsync);
    const want = new Float64Array(big * c);
    const got = new Float64Array(big * c).fill(NaN);
    logits(theta, Xbig, want, big, d, c);
    await f(theta, Xbig, got, big, d, c);
    return [f, scaledError(got, want)];
  }, 2e-6],
  'max and min reductions, a counted sum under a branch, a loop from an offset': [async (backend, isAsync) => {
    const f = pick(() => jit(extremes, { backend }), () => jitAsync(extremes, { backend }), isAsync);
    const x = uniform(3001);
    const errors: number[] = [];
    for (const from of [0, 7, 2999]) errors.push(scaledError(await f(x, from, 3001), extremes(x, from, 3001)));
    errors.push((await f(x, 3001, 3001)) === -Infinity ? 0 : Infinity);
    return [f, Math.max(...errors)];
  }, 2e-6],
  'two fixed slots per iteration, a ternary, a scalar argument': [async (backend, isAsync) => {
    const f = pick(() => jit(pairs, { backend }), () => jitAsync(pairs, { backend }), isAsync);
    const x = uniform(1500, -2, 2);
    const want = new Float64Array(3000);
    const got = new Float64Array(3000).fill(NaN);
    pairs(x, want, 1500, 0.75);
    await f(x, got, 1500, 0.75);
    return [f, scaledError(got, want)];
  }, 1e-4],
  'an inner loop of 1500 iterations and 1200 rows (past loopMaxIterations)': [async (backend, isAsync) => {
    const f = pick(() => jit(rowSums, { backend }), () => jitAsync(rowSums, { backend }), isAsync);
    const A = uniform(1200 * 1500, 0, 1);
    const want = new Float64Array(1200);
    const got = new Float64Array(1200);
    const total = rowSums(A, want, 1200, 1500);
    return [f, worst([[await f(A, got, 1200, 1500), total], [got, want]])];
  }, 1e-5],
  'block writes whose value is carried along the block (row prefix sums)': [async (backend, isAsync) => {
    const f = pick(() => jit(prefixRows, { backend }), () => jitAsync(prefixRows, { backend }), isAsync);
    const x = uniform(300 * 40);
    const want = new Float64Array(300 * 40);
    const got = new Float64Array(300 * 40).fill(NaN);
    prefixRows(x, want, 300, 40);
    await f(x, got, 300, 40);
    return [f, scaledError(got, want)];
  }, 1e-5],
  'a mean of softplus (exp and log1p in the kernel)': [async (backend, isAsync) => {
    const f = pick(() => jit(meanSoftplus, { backend }), () => jitAsync(meanSoftplus, { backend }), isAsync);
    const x = uniform(4000, -5, 5);
    return [f, scaledError(await f(x, 4000), meanSoftplus(x, 4000))];
  }, 1e-4],
  // GLSL and WGSL pow are undefined for a negative base, and their sin and cos inaccurate far from 0
  // (compiler/passes/kernelMath.ts): each element against JavaScript's, NaN and Infinity included
  'powers of negative bases (integer, fractional: NaN, 0 ** -1: Infinity) and sin/cos of ±5000': [async (backend, isAsync) => {
    const f = pick(() => jit(powers, { backend }), () => jitAsync(powers, { backend }), isAsync);
    const x = Float32Array.from([0, -1, 1, -0.5, 2, -2, ...uniform(994, -2, 2)]);
    const t = uniform(1000, -5000, 5000);
    const errors: number[] = [];
    for (const k of [3, 2, 0.5, 0, -1, 1.5]) {
      const want = new Float64Array(4000);
      const got = new Float64Array(4000);
      powers(x, t, want, 1000, k);
      await f(x, t, got, 1000, k);
      for (let i = 0; i < 4000; i += 4) errors.push(scaledError(got.subarray(i, i + 4), want.subarray(i, i + 4)));
    }
    return [f, Math.max(...errors)];
  }, 1e-5],
  'jit(grad) of even and odd powers of negative differences and sines (partials 2·a, 3·a², cos)': [async (backend, isAsync) => {
    const f = pick(() => jit(grad(powerSums), { backend }), () => jitAsync(grad(powerSums), { backend }), isAsync);
    const u = uniform(d);
    const Xp = uniform(1200 * d);
    return [f, scaledError(await f(u, Xp, 1200, d), grad(powerSums)(u, Xp, 1200, d))];
  }, 1e-4],
  'jit(valueAndGrad) of softmax cross-entropy (the example\'s loss, n = 20000)': [async (backend, isAsync) => {
    const f = pick(() => jit(valueAndGrad(softmax), { backend }), () => jitAsync(valueAndGrad(softmax), { backend }), isAsync);
    const [value, g] = await f(theta, Xbig, ybig, big, d, c);
    const [v64, g64] = valueAndGrad(softmax)(theta, Xbig, ybig, big, d, c);
    return [f, worst([[value, v64], [g, g64]])];
  }, 1e-4],
  'jit(grad) with respect to the data (a gather over 18000 elements), a vector and a scalar (loop from an offset)': [async (backend, isAsync) => {
    const f = pick(() => jit(grad(mixed, [0, 1, 2]), { backend }), () => jitAsync(grad(mixed, [0, 1, 2]), { backend }), isAsync);
    const Xd = Float64Array.from(Xbig.subarray(0, 6000 * 3));
    const v = Float64Array.from(uniform(3));
    const [gX, gv, gw] = await f(Xd, v, 0.7, 3, 6000, 3);
    const [wX, wv, ww] = grad(mixed, [0, 1, 2])(Xd, v, 0.7, 3, 6000, 3);
    return [f, worst([[gX, wX], [gv, wv], [gw, ww]])];
  }, 1e-4],
  'jit(grad) where the gather cannot invert the index': [async (backend, isAsync) => {
    const f = pick(() => jit(grad(scrambled), { backend }), () => jitAsync(grad(scrambled), { backend }), isAsync);
    const v = uniform(d);
    const Xs = uniform(300 * d);
    return [f, scaledError(await f(v, Xs, 300, d, c), grad(scrambled)(v, Xs, 300, d, c))];
  }, 1e-4],
  'jit(grad) of a parallel loop inside a sequential loop, a sum under a branch': [async (backend, isAsync) => {
    const f = pick(() => jit(grad(repeated), { backend }), () => jitAsync(grad(repeated), { backend }), isAsync);
    const v = uniform(d);
    const Xr = uniform(1200 * d);
    return [f, scaledError(await f(v, Xr, 1200, d, 3), grad(repeated)(v, Xr, 1200, d, 3))];
  }, 1e-4],
  'jit(grad) of a sum that reads an active value from outside it (host only)': [async (backend, isAsync) => {
    const f = pick(() => jit(grad(hostOnly), { backend }), () => jitAsync(grad(hostOnly), { backend }), isAsync);
    const v = Float64Array.from(uniform(d));
    const Xh = Float64Array.from(uniform(1200 * d));
    return [f, scaledError(await f(v, Xh, 1200, d), grad(hostOnly)(v, Xh, 1200, d))];
  }, 1e-7],
  // Indices are float32 on webgl2, webgpu and webasm, exact up to 2^24: past it, a loop counter or
  // an array is an error there (before anything runs), and exact on cpu; at it, exact everywhere.
  'a counter and an array past 2^24 (errors where indices are float32, exact on cpu)': [async (backend, isAsync) => {
    const f = pick(() => jit(extremes, { backend }), () => jitAsync(extremes, { backend }), isAsync);
    const g = pick(() => jit(meanSoftplus, { backend }), () => jitAsync(meanSoftplus, { backend }), isAsync);
    const x = new Float32Array(2 ** 24 + 8);
    for (let i = 2 ** 24 - 16; i < x.length; i++) x[i] = (i % 7) - 3;
    const past: [() => Promise<number> | number, number, RegExp][] = [
      [() => f(x, 2 ** 24 - 4, 2 ** 24 + 8), extremes(x, 2 ** 24 - 4, 2 ** 24 + 8), /parallel loop over i runs from 16777212 to 16777224; on \w+, .*float32, exact only up to 2\^24/],
      [() => g(x, 100), meanSoftplus(x, 100), /kernel \w+ reads the array x, of 16777224 elements; on \w+, .*float32, exact only up to 2\^24/],
    ];
    const errors: number[] = [];
    for (const [run, want, message] of past) {
      try {
        const got = await run();
        errors.push(backend === 'cpu' ? scaledError(got, want) : Infinity);
      } catch (err) {
        if (backend === 'cpu' || !message.test(String(err))) throw err;
      }
    }
    // the last elements of an array of 2^24: on webgl2 only (uploading 2^24 floats takes most of a
    // second on SwiftShader; WGSL indexes in f32 the same way; webasm: test/jit.test.ts)
    if (backend === 'webgl2' && !isAsync) {
      const atLimit = x.subarray(0, 2 ** 24);
      errors.push(scaledError(await f(atLimit, 2 ** 24 - 16, 2 ** 24), extremes(atLimit, 2 ** 24 - 16, 2 ** 24)));
    }
    return [f, Math.max(0, ...errors)];
  }, 2e-6],
};

/** Every case on `backend` (async: the Promise-returning form, the only one webgpu has). */
export async function runSuite(backend: BackendName, isAsync: boolean): Promise<CaseResult[]> {
  const results: CaseResult[] = [];
  for (const [name, [run, tolerance]] of Object.entries(cases)) {
    try {
      const [f, error] = await run(backend, isAsync);
      results.push({ name, backend: f.backend.name, fallbacks: [...f.backend.fallbacks], error, tolerance });
    } catch (err) {
      results.push({ name, backend, fallbacks: [], error: Infinity, tolerance, threw: String((err as Error)?.stack ?? err) });
    }
  }
  return results;
}

/** The number of cases, for the test to check that none went missing. */
export const caseCount = Object.keys(cases).length;
