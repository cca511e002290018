/**
 * The GPU benchmark's page (bundled by bench/gpu.bench.ts with tsgrad/esbuild): the softmax
 * regression gradient of examples/softmax-gpu at N samples, timed in the browser as
 * `jit(valueAndGrad(loss))` on webgpu and webgl2, the compiled JS gradient (float64, no kernels), and
 * TensorFlow.js's `tf.valueAndGrad` on its webgpu and webgl backends. Each case is checked against
 * the compiled JS gradient before it is timed.
 *
 * The float32 backends index in float32, exact up to 2^24 (README "Size limits"), so jit refuses X
 * of more than 2^24 elements: past 262,144 samples at D = 64. The jit and TF.js cases therefore take
 * the samples in chunks of at most 2^24 / D (the last one shorter) and combine the chunks' losses and
 * gradients weighted by their sizes; the compiled JS gradient takes them all at once.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-webgpu';
import { jit, jitAsync, valueAndGrad } from 'tsgrad';
import { softmaxLoss } from '../../examples/softmax-gpu/loss.js';
import { rng } from '../../test/random.js';

const D = 64;
const C = 10;

export interface Row {
  readonly name: string;
  /** Median ms per call, and the range. */
  readonly ms: number;
  readonly min: number;
  readonly max: number;
  /** Largest gradient difference from the compiled JS gradient, relative to its largest element. */
  readonly diff: number;
  /** Why the case did not run, if it did not. */
  readonly skipped?: string;
}

type Result = [number, ArrayLike<number>];

/** What the browser says its GPU is. */
export async function adapters(): Promise<{ webgpu: string; webgl2: string }> {
  const gpu = (navigator as unknown as { gpu?: { requestAdapter(): Promise<{ info?: Record<string, string> } | null> } }).gpu;
  const adapter = gpu ? await gpu.requestAdapter() : null;
  const info = adapter?.info;
  const gl = document.createElement('canvas').getContext('webgl2');
  const ext = gl?.getExtension('WEBGL_debug_renderer_info');
  return {
    webgpu: adapter ? [info?.vendor, info?.architecture, info?.device, info?.description].filter(Boolean).join(' / ') || 'an adapter (no info)' : 'none',
    webgl2: gl ? String(ext ? gl.getParameter(ext.UNMASKED_RENDERER_WEBGL) : gl.getParameter(gl.RENDERER)) : 'none',
  };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};

/** [first sample, samples] of each chunk of at most `chunk` samples. */
const chunksOf = (N: number, chunk: number): [number, number][] =>
  Array.from({ length: Math.ceil(N / chunk) }, (_, k) => [k * chunk, Math.min(chunk, N - k * chunk)]);

/**
 * Every case at N samples, `reps` timed calls each after one warm-up call; `chunk` samples at most
 * per jit or TF.js call (by default the most whose X fits in 2^24 elements).
 */
export async function runBench(N: number, reps: number, chunk = Math.floor(2 ** 24 / D)): Promise<Row[]> {
  const rand = rng(7);
  const X = Float32Array.from({ length: N * D }, () => 2 * rand() - 1);
  const y = Int32Array.from({ length: N }, () => Math.floor(rand() * C));
  const theta = Float32Array.from({ length: C * D }, () => 0.3 * (2 * rand() - 1));
  const compiled = valueAndGrad(softmaxLoss);
  const [, reference] = compiled(theta, X, y, N, D, C);
  const scale = Math.max(...Array.from(reference, Math.abs));
  const parts = chunksOf(N, chunk);
  /** The loss and gradient of all N samples from the chunks' (each a mean over its samples). */
  const combined = async (call: (X: Float32Array, y: Int32Array, n: number) => Result | Promise<Result>): Promise<Result> => {
    if (parts.length === 1) return call(X, y, N);
    let value = 0;
    const g = new Float64Array(C * D);
    for (const [first, n] of parts) {
      const [v, gk] = await call(X.subarray(first * D, (first + n) * D), y.subarray(first, first + n), n);
      value += (v * n) / N;
      for (let t = 0; t < g.length; t++) g[t] += (gk[t] * n) / N;
    }
    return [value, g];
  };

  /** Each case: its name and a setup that returns the call to time (and a cleanup). */
  const cases: [string, () => Promise<[() => Result | Promise<Result>, () => void]>][] = [
    ['compiled JS valueAndGrad (float64)', async () => [() => compiled(theta, X, y, N, D, C), () => undefined]],
    ['jit(valueAndGrad) on webgpu', async () => {
      const f = jitAsync(valueAndGrad(softmaxLoss), { backend: 'webgpu' });
      return [() => combined((Xk, yk, n) => f(theta, Xk, yk, n, D, C)), () => undefined];
    }],
    ['jit(valueAndGrad) on webgl2', async () => {
      const f = jit(valueAndGrad(softmaxLoss), { backend: 'webgl2' });
      return [() => combined((Xk, yk, n) => f(theta, Xk, yk, n, D, C)), () => undefined];
    }],
    ...(['webgpu', 'webgl'] as const).map((backend): [string, () => Promise<[() => Promise<Result>, () => void]>] => [`TF.js tf.valueAndGrad, ${backend}`, async () => {
      if (!(await tf.setBackend(backend))) throw new Error(`TF.js could not start its ${backend} backend`);
      await tf.ready();
      // the same chunks (a tensor larger than 2^24 elements does not fit a WebGPU buffer or WebGL texture either)
      const data = parts.map(([first, n]) => ({
        Xt: tf.tensor2d(X.subarray(first * D, (first + n) * D), [n, D]),
        Y: tf.oneHot(tf.tensor1d(y.subarray(first, first + n), 'int32'), C).toFloat(),
      }));
      const total = (th: tf.Tensor) => tf.addN(data.map(({ Xt, Y }) => tf.sum(tf.mul(Y, tf.logSoftmax(tf.matMul(Xt, th, false, true))))));
      const vg = tf.valueAndGrad((th: tf.Tensor) => tf.div(tf.neg(total(th)), N) as tf.Scalar);
      const run = async (): Promise<Result> => {
        const { value, grad } = tf.tidy(() => vg(tf.tensor2d(theta, [C, D])));
        const out: Result = [(await value.data())[0], (await grad.data()) as Float32Array];
        tf.dispose([value, grad]);
        return out;
      };
      return [run, () => tf.dispose(data.flatMap(({ Xt, Y }) => [Xt, Y]))];
    }]),
  ];

  const rows: Row[] = [];
  for (const [name, setup] of cases) {
    try {
      const [run, cleanup] = await setup();
      const [, g] = await run();
      const diff = Math.max(...Array.from(g, (x, t) => Math.abs(x - reference[t]))) / scale;
      if (!(diff < 1e-3)) throw new Error(`its gradient differs from the compiled JS gradient by ${diff.toExponential(2)} (relative); not timed`);
      const samples: number[] = [];
      for (let r = 0; r < reps; r++) {
        const t0 = performance.now();
        await run();
        samples.push(performance.now() - t0);
      }
      cleanup();
      rows.push({ name, ms: median(samples), min: Math.min(...samples), max: Math.max(...samples), diff });
    } catch (err) {
      rows.push({ name, ms: NaN, min: NaN, max: NaN, diff: NaN, skipped: String((err as Error)?.message ?? err).split('\n')[0] });
    }
  }
  return rows;
}
