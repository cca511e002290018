/**
 * Running the kernels that `jit` generates. Generated code calls `runKernel` (or its async twin)
 * with a kernel's source (a string: `function name(params) { … }`, which gpu.js parses and a
 * minifier leaves alone), the output shape (one dimension: a kernel over a grid numbers its
 * threads itself, compiler/passes/kernelGrid.ts), the kernel's constants (loop bounds and every
 * other scalar the loop reads) and its array arguments by parameter name; it gets back a flat
 * Float32Array.
 *
 * On webgl2, headlessgl, webgpu and webasm gpu.js computes thread indices, loop counters and array
 * indices in float32, exact only up to 2^24: a kernel with more threads, an array argument with more
 * elements or a parallel loop whose counter goes past it would silently read or write the wrong
 * elements, so each is an error here (`checkLoop` for the counter), naming what is too large. The
 * cpu backend runs kernels as JavaScript, indexing in float64, and has no such limit.
 *
 * gpu.js kernels are built once per (backend, kernel, output shape, constants) and cached: a
 * training loop that calls a jit function with same-sized inputs compiles each kernel once.
 */
import * as gpujs from 'gpu.js';
import type { BackendInfo, BackendName } from './backend.js';
import { helpersFor } from './kernelMath.js';

/**
 * A generated kernel's source, `function name(arrays) { … }`: `this.thread.x` is its thread's index,
 * `this.constants` its scalars. (A function is accepted too; gpu.js reads its source text.)
 */
export type KernelSource = string | ((this: unknown, ...args: never[]) => number);

type Built = gpujs.IKernelRunShortcut;

const instances = new Map<string, gpujs.GPU>();
const built = new Map<string, Map<string, Built>>();

function gpuFor(backend: BackendName, async: boolean): gpujs.GPU {
  const key = `${backend}${async ? ':async' : ''}`;
  let gpu = instances.get(key);
  if (!gpu) {
    gpu = new gpujs.GPU({ mode: backend as never });
    instances.set(key, gpu);
  }
  return gpu;
}

/** The kernel for these settings, built on first use. */
function kernelFor(backend: BackendInfo, kernel: KernelSource, output: readonly number[], constants: Readonly<Record<string, number>>): Built {
  const source = String(kernel);
  const key = `${backend.name}|${backend.async}|${output.join('x')}|${Object.entries(constants).map(([k, v]) => `${k}=${v}`).join(',')}`;
  let forSource = built.get(source);
  if (!forSource) built.set(source, (forSource = new Map()));
  let run = forSource.get(key);
  if (!run) {
    const gpu = gpuFor(backend.name, backend.async);
    run = gpu.createKernel(source, {
      output: [...output],
      constants: { ...constants },
      // the Math helpers it calls (kernelMath.ts)
      functions: helpersFor(source),
      precision: 'single',
      tactic: 'precision',
      // Loop bounds are constants; gpu.js still caps some loops (a bound computed from a constant,
      // a start that is not a literal on webasm) at this count, so make it effectively unbounded.
      // (2 ** 31 means zero iterations on webasm, Infinity zero on cpu.)
      loopMaxIterations: 1e9,
      ...(backend.async ? { asyncMode: true } : {}),
    } as never) as Built;
    forSource.set(key, run);
  }
  return run;
}

/** `kernel NAME` for messages, from the source's `function NAME(`. */
function describe(kernel: KernelSource): string {
  const name = typeof kernel === 'function' ? kernel.name : /^\s*function\s+([\w$]+)/.exec(kernel)?.[1];
  return name ? `kernel ${name}` : 'a kernel';
}

/** Integers a float32 represents exactly: every one up to 2^24. */
export const float32IndexLimit = 2 ** 24;

/** Backends whose kernels index in float32. */
const float32Indexing: ReadonlySet<BackendName> = new Set<BackendName>(['webgl2', 'headlessgl', 'webgpu', 'webasm']);

const limitText = (backend: BackendInfo): string =>
  `on ${backend.name}, gpu.js computes thread indices, loop counters and array indices in float32, exact only up to 2^24 = ${float32IndexLimit}`;
const remedy = "split the work into calls over at most 2^24 elements, or use the 'cpu' backend (float64 indices) or 'js'";

/**
 * Throws where the parallel loop over `counter`, from `start` to `bound`, has a counter value that
 * float32 does not represent exactly on this backend. Generated code calls it before the loop's
 * kernels when the loop does not start at 0 (from 0, the thread and array limits cover the counter).
 */
export function checkLoop(backend: BackendInfo, counter: string, start: number, bound: number): void {
  if (!float32Indexing.has(backend.name) || !(bound > start)) return;
  if (Math.max(Math.abs(start), Math.abs(bound)) > float32IndexLimit) {
    throw new Error(`tsgrad jit: the parallel loop over ${counter} runs from ${start} to ${bound}; ${limitText(backend)}, so its kernels would give wrong results: ${remedy}`);
  }
}

/**
 * Arrays a kernel may read on webgpu: WebGPU gives a shader 8 storage buffers by default
 * (maxStorageBuffersPerShaderStage; gpu.js asks for no more) and the output takes one (keep in sync
 * with compiler/passes/adjointKernels.ts, which splits gathers to fit).
 */
const webgpuArrays = 7;

/** The kernel's arguments in parameter order, after checking the sizes this backend indexes exactly. */
function checked(backend: BackendInfo, source: KernelSource, output: readonly number[], args: Readonly<Record<string, unknown>> | readonly unknown[]): unknown[] {
  const values = Array.isArray(args) ? args : Object.values(args);
  const names = Array.isArray(args) ? values.map((_, k) => `argument ${k}`) : Object.keys(args);
  const kernel = describe(source);
  const arrays = names.filter((_, k) => typeof values[k] === 'object' && values[k] !== null);
  if (backend.name === 'webgpu' && arrays.length > webgpuArrays) {
    throw new Error(`tsgrad jit: ${kernel} reads ${arrays.length} arrays (${arrays.join(', ')}); WebGPU gives a kernel ${webgpuArrays + 1} storage buffers, one of them its output: read at most ${webgpuArrays} arrays in one parallel loop (split it in two), or use another backend`);
  }
  if (!float32Indexing.has(backend.name)) return values;
  const threads = output.reduce((a, b) => a * b, 1);
  if (threads > float32IndexLimit) {
    throw new Error(`tsgrad jit: ${kernel} computes ${threads} elements (one thread each); ${limitText(backend)}, so it would compute the wrong elements: ${remedy}`);
  }
  values.forEach((a, k) => {
    const length = (a as { length?: unknown } | null)?.length;
    if (typeof length === 'number' && length > float32IndexLimit) {
      throw new Error(`tsgrad jit: ${kernel} reads the array ${names[k]}, of ${length} elements; ${limitText(backend)}, so it would read the wrong elements: ${remedy}`);
    }
  });
  return values;
}

/** gpu.js reads Float32Array directly; other arrays are converted once per call. */
function argument(a: unknown): unknown {
  if (a instanceof Float32Array || a instanceof Int32Array || typeof a === 'number') return a;
  if (a instanceof Float64Array || Array.isArray(a)) return Float32Array.from(a as ArrayLike<number>);
  return a;
}

/** A kernel's result: tsgrad's kernels have one dimension of threads (kernelGrid.ts), so gpu.js returns one Float32Array. */
function result(value: unknown): Float32Array {
  if (value instanceof Float32Array) return value;
  throw new Error(`tsgrad internal: a kernel returned ${Object.prototype.toString.call(value)}, not a Float32Array`);
}

/**
 * gpu.js's kernel classes by the backend name tsgrad uses, most derived first. Their own `mode` is
 * no use here: every WebGL kernel (WebGL2's, headless-gl's) says 'gpu'.
 */
const exported = gpujs as unknown as Record<string, (abstract new (...args: never[]) => unknown) | undefined>;
const kernelClasses = ([['headlessgl', 'HeadlessGLKernel'], ['webgl2', 'WebGL2Kernel'], ['webgl', 'WebGLKernel'], ['webgpu', 'WebGPUKernel'], ['webasm', 'WebAssemblyKernel'], ['cpu', 'CPUKernel']] as const)
  .flatMap(([name, cls]) => (exported[cls] ? [[name, exported[cls]] as const] : []));

/** Notes in `backend.fallbacks` a kernel that gpu.js ran on another backend than the one chosen (a fallback to its CPU kernel). */
function check(backend: BackendInfo, kernel: Built): void {
  const inner = (kernel as unknown as { kernel?: { constructor: { mode?: string }; fallbackReason?: string | null } }).kernel;
  if (!inner) return;
  const ranOn = kernelClasses.find(([, cls]) => inner instanceof cls)?.[0] ?? inner.constructor.mode ?? 'unknown';
  if (ranOn !== backend.name && !backend.fallbacks.some((f) => f.startsWith(ranOn))) {
    backend.fallbacks.push(`${ranOn}: ${inner.fallbackReason ?? 'gpu.js chose another backend'}`);
  }
}

/** Kernel arguments by parameter name (an array in parameter order is accepted too). */
export type KernelArguments = Readonly<Record<string, unknown>> | readonly unknown[];

export function runKernel(backend: BackendInfo, source: KernelSource, output: readonly number[], constants: Readonly<Record<string, number>>, args: KernelArguments): Float32Array {
  const values = checked(backend, source, output, args);
  const kernel = kernelFor(backend, source, output, constants);
  const value = kernel(...(values.map(argument) as never[]));
  check(backend, kernel);
  return result(value);
}

export async function runKernelAsync(
  backend: BackendInfo,
  source: KernelSource,
  output: readonly number[],
  constants: Readonly<Record<string, number>>,
  args: KernelArguments,
): Promise<Float32Array> {
  const values = checked(backend, source, output, args);
  const kernel = kernelFor(backend, source, output, constants);
  const value: unknown = await (kernel(...(values.map(argument) as never[])) as unknown);
  check(backend, kernel);
  return result(value);
}
