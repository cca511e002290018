/**
 * The browser demo's model and training, without the page: the softmax classifier of
 * examples/softmax-gpu (its loss.ts, float32 data), its value and gradient compiled by
 * `jitAsync(valueAndGrad(softmaxLoss), { backend })` for the backend picked in the page, full-batch
 * gradient descent, accuracy on the training and test samples, and a check of the jit gradient
 * against central differences of the loss in float64.
 */
import { jitAsync, valueAndGrad } from 'tsgrad';
import { chooseBackend } from 'tsgrad/jit';
import { gaussian, synthetic, uniform } from '../softmax-gpu/data.js';
import { softmaxLoss } from '../softmax-gpu/loss.js';
import { CLASSES, parseWeather } from '../softmax-regression/weather.js';
import weatherCsv from '../softmax-regression/data/seattle-weather.csv?raw';
import type { GradientCheck } from './state.js';

/** The backends a page can have, fastest first (headlessgl is Node's only). */
export const pageBackends = ['webgpu', 'webgl2', 'webasm', 'cpu', 'js'] as const;
export type PageBackend = (typeof pageBackends)[number];

/** For each backend: undefined where it can run here, else why not. */
export async function backendSupport(): Promise<Record<PageBackend, string | undefined>> {
  const support = {} as Record<PageBackend, string | undefined>;
  for (const name of pageBackends) {
    try {
      chooseBackend({ backend: name, async: true });
      support[name] = undefined;
    } catch (err) {
      support[name] = String((err as Error).message).replace(/^tsgrad: backend '\w+' \([^)]*\) is not available: /, '');
    }
  }
  if (support.webgpu === undefined) {
    // navigator.gpu can exist with no adapter behind it (a blocklisted GPU, no Vulkan): ask for one
    const gpu = (navigator as unknown as { gpu: { requestAdapter(): Promise<unknown> } }).gpu;
    const adapter = await gpu.requestAdapter().catch(() => null);
    if (!adapter) support.webgpu = 'navigator.gpu exists but gave no adapter';
  }
  return support;
}

export interface Split {
  /** n×d row-major. */
  readonly X: Float32Array;
  readonly y: Int32Array;
  readonly n: number;
}

export interface Problem {
  readonly train: Split;
  readonly test: Split;
  readonly d: number;
  readonly c: number;
  /** The learning rate that suits it (the Node examples' rates). */
  readonly rate: number;
}

/** Takes rows [start, end) of a row-major n×d array and its labels. */
function rows(X: ArrayLike<number>, y: Int32Array, d: number, start: number, end: number): Split {
  return { X: Float32Array.from({ length: (end - start) * d }, (_, t) => X[start * d + t]), y: y.slice(start, end), n: end - start };
}

/** The synthetic problem of examples/softmax-gpu (D = 64, C = 10): n training samples and n/4 test samples. */
function syntheticProblem(n: number): Problem {
  const [d, c] = [64, 10];
  const { X, y } = synthetic(n + n / 4, d, c);
  return { train: rows(X, y, d, 0, n), test: rows(X, y, d, n, n + n / 4), d, c, rate: 0.5 };
}

/** Seattle weather (examples/softmax-regression's data): the first 80% of the days train, the rest test. */
function weatherProblem(): Problem {
  const data = parseWeather(weatherCsv);
  const f32 = (s: { X: Float64Array; y: Int32Array; n: number }): Split => ({ X: Float32Array.from(s.X), y: s.y, n: s.n });
  return { train: f32(data.train), test: f32(data.test), d: data.d, c: data.c, rate: 1 };
}

/** The problems on offer, by key: a label for the page and a function that makes it. */
export const problems: Record<string, { readonly label: string; readonly make: () => Problem }> = {
  'synthetic-4000': { label: 'synthetic: 4,000 samples, 64 features, 10 classes', make: () => syntheticProblem(4000) },
  'synthetic-20000': { label: 'synthetic: 20,000 samples, 64 features, 10 classes', make: () => syntheticProblem(20000) },
  'synthetic-100000': { label: 'synthetic: 100,000 samples, 64 features, 10 classes', make: () => syntheticProblem(100000) },
  weather: { label: `Seattle weather (NOAA): 1,168 training days, 4 features, ${CLASSES.length} classes`, make: weatherProblem },
};

/** The loss's value and gradient as kernels on `backend` (Promises on every backend). */
export function stepFor(backend: PageBackend) {
  return jitAsync(valueAndGrad(softmaxLoss), { backend });
}
export type Step = ReturnType<typeof stepFor>;
/** A call of a Step (what the gradient check needs). */
export type StepCall = (...args: Parameters<Step>) => ReturnType<Step>;

/** `step` with the gradient rows of classes 0 and 1 swapped: a wrong gradient, to show that the check catches one. */
export function swapFirstClasses(step: StepCall, d: number): StepCall {
  return async (...args) => {
    const [value, g] = await step(...args);
    const swapped = Float32Array.from(g);
    swapped.set(g.subarray(d, 2 * d), 0);
    swapped.set(g.subarray(0, d), d);
    return [value, swapped];
  };
}

/** Percentage of the samples of `s` whose largest logit is their label's. */
export function accuracy(theta: Float32Array, s: Split, d: number, c: number): number {
  let correct = 0;
  for (let i = 0; i < s.n; i++) {
    let best = 0;
    let bestZ = -Infinity;
    for (let k = 0; k < c; k++) {
      let z = 0;
      for (let j = 0; j < d; j++) z += theta[k * d + j] * s.X[i * d + j];
      if (z > bestZ) [best, bestZ] = [k, z];
    }
    if (best === s.y[i]) correct++;
  }
  return (100 * correct) / s.n;
}

export const GRADIENT_TOLERANCE = 1e-3;

/**
 * The jit gradient (float32 kernels) at a random point against central differences of the loss
 * computed in float64: along 3 random unit directions, and at 4 random entries and the 4 largest.
 * Differences are taken relative to the largest gradient entry (float32 rounding alone gives ~1e-6).
 */
export async function checkGradient(step: StepCall, p: Problem): Promise<GradientCheck> {
  const { X, y, n } = p.train;
  const { d, c } = p;
  const gauss = gaussian(99);
  const theta = Float32Array.from({ length: c * d }, () => 0.3 * gauss());
  const [, g] = await step(theta, X, y, n, d, c);
  // softmaxLoss is plain JavaScript arithmetic, so given a Float64Array it computes in float64
  // throughout (the float32 features are exact in float64); only its declared type says Float32Array
  const loss64 = (t: Float64Array): number => softmaxLoss(t as unknown as Float32Array, X, y, n, d, c);
  const h = 1e-4;
  const along = (v: Float64Array): number =>
    (loss64(Float64Array.from(theta, (x, t) => x + h * v[t])) - loss64(Float64Array.from(theta, (x, t) => x - h * v[t]))) / (2 * h);
  const scale = Math.max(...Array.from(g, Math.abs));
  let worst = 0;
  const directions = 3;
  for (let k = 0; k < directions; k++) {
    const v = Float64Array.from({ length: theta.length }, gauss);
    const norm = Math.hypot(...v);
    for (let t = 0; t < v.length; t++) v[t] /= norm;
    const gv = g.reduce((s, gt, t) => s + gt * v[t], 0);
    worst = Math.max(worst, Math.abs(gv - along(v)) / scale);
  }
  const largest = Array.from(g.keys()).sort((a, b) => Math.abs(g[b]) - Math.abs(g[a])).slice(0, 4);
  const u = uniform(99);
  const random = Array.from({ length: 4 }, () => Math.floor(u() * theta.length));
  const entries = [...new Set([...largest, ...random])];
  for (const t of entries) {
    const e = new Float64Array(theta.length);
    e[t] = 1;
    worst = Math.max(worst, Math.abs(g[t] - along(e)) / scale);
  }
  return { error: worst, tolerance: GRADIENT_TOLERANCE, ok: worst <= GRADIENT_TOLERANCE, directions, entries: entries.length };
}

export interface Epoch {
  readonly epoch: number;
  readonly loss: number;
  readonly trainAccuracy: number;
  readonly testAccuracy: number;
  readonly ms: number;
}

/**
 * Full-batch gradient descent from zero for `epochs` epochs, or until `stopped()`: each epoch one
 * call of the jit function, then θ ← θ − rate·g. `onEpoch` gets the loss and accuracies at the
 * parameters the epoch started from; between epochs the page gets to draw.
 */
export async function train(step: Step, p: Problem, epochs: number, rate: number, onEpoch: (e: Epoch) => void, stopped: () => boolean): Promise<Float32Array> {
  const { X, y, n } = p.train;
  const theta = new Float32Array(p.c * p.d);
  for (let epoch = 0; epoch < epochs && !stopped(); epoch++) {
    const t0 = performance.now();
    const [loss, g] = await step(theta, X, y, n, p.d, p.c);
    const ms = performance.now() - t0;
    onEpoch({ epoch, loss, trainAccuracy: accuracy(theta, p.train, p.d, p.c), testAccuracy: accuracy(theta, p.test, p.d, p.c), ms });
    for (let t = 0; t < theta.length; t++) theta[t] -= rate * g[t];
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  return theta;
}
