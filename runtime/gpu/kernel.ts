/**
 * Running the kernels that `jit` generates. Generated code calls `runKernel` (or its async twin)
 * with a kernel's function, the output shape (one dimension: a kernel over a grid numbers its
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
 * gpu.js kernels are built once per (backend, function, output shape, constants) and cached: a
 * training loop that calls a jit function with same-sized inputs compiles each kernel once.
 */
import * as gpujs from 'gpu.js';
import { GPU, type IKernelRunShortcut } from 'gpu.js';
import type { BackendInfo, BackendName } from './backend.js';

/** A generated kernel: `this.thread.x` (and `.y`) index its output. */
export type KernelFunction = (this: unknown, ...args: never[]) => number;

type Built = IKernelRunShortcut;

const instances = new Map<string, GPU>();
const built = new WeakMap<KernelFunction, Map<string, Built>>();

function gpuFor(backend: BackendName, async: boolean): GPU {
  const key = `${backend}${async ? ':async' : ''}`;
  let gpu = instances.get(key);
  if (!gpu) {
    gpu = new GPU({ mode: backend as never });
    instances.set(key, gpu);
  }
  return gpu;
}

/** The kernel for these settings, built on first use. */
function kernelFor(backend: BackendInfo, fn: KernelFunction, output: readonly number[], constants: Readonly<Record<string, number>>): Built {
  const key = `${backend.name}|${backend.async}|${output.join('x')}|${Object.entries(constants).map(([k, v]) => `${k}=${v}`).join(',')}`;
  let forFn = built.get(fn);
  if (!forFn) built.set(fn, (forFn = new Map()));
  let kernel = forFn.get(key);
  if (!kernel) {
    const gpu = gpuFor(backend.name, backend.async);
    kernel = gpu.createKernel(fn as never, {
      output: [...output],
      constants: { ...constants },
      precision: 'single',
      tactic: 'precision',
      // Loop bounds are constants; gpu.js still caps some loops (a bound computed from a constant,
      // a start that is not a literal on webasm) at this count, so make it effectively unbounded.
      // (2 ** 31 means zero iterations on webasm, Infinity zero on cpu.)
      loopMaxIterations: 1e9,
      ...(backend.async ? { asyncMode: true } : {}),
    } as never) as Built;
    forFn.set(key, kernel);
  }
  return kernel;
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

/** The kernel's arguments in parameter order, after checking the sizes this backend indexes exactly. */
function checked(backend: BackendInfo, fn: KernelFunction, output: readonly number[], args: Readonly<Record<string, unknown>> | readonly unknown[]): unknown[] {
  const values = Array.isArray(args) ? args : Object.values(args);
  if (!float32Indexing.has(backend.name)) return values;
  const kernel = fn.name ? `kernel ${fn.name}` : 'a kernel';
  const threads = output.reduce((a, b) => a * b, 1);
  if (threads > float32IndexLimit) {
    throw new Error(`tsgrad jit: ${kernel} computes ${threads} elements (one thread each); ${limitText(backend)}, so it would compute the wrong elements: ${remedy}`);
  }
  const names = Array.isArray(args) ? values.map((_, k) => `argument ${k}`) : Object.keys(args);
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

/** A 1D result as it is; a 2D result (rows of Float32Array) as one row-major Float32Array (tsgrad's kernels are 1D). */
function flatten(result: unknown): Float32Array {
  if (result instanceof Float32Array) return result;
  const rows = result as Float32Array[];
  const width = rows.length > 0 ? rows[0].length : 0;
  const first = rows[0];
  const contiguous = first && rows.every((r, y) => r.buffer === first.buffer && r.byteOffset === first.byteOffset + y * width * 4);
  if (contiguous) return new Float32Array(first.buffer, first.byteOffset, rows.length * width);
  const out = new Float32Array(rows.length * width);
  rows.forEach((r, y) => out.set(r, y * width));
  return out;
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

export function runKernel(backend: BackendInfo, fn: KernelFunction, output: readonly number[], constants: Readonly<Record<string, number>>, args: KernelArguments): Float32Array {
  const values = checked(backend, fn, output, args);
  const kernel = kernelFor(backend, fn, output, constants);
  const result = kernel(...(values.map(argument) as never[]));
  check(backend, kernel);
  return flatten(result);
}

export async function runKernelAsync(
  backend: BackendInfo,
  fn: KernelFunction,
  output: readonly number[],
  constants: Readonly<Record<string, number>>,
  args: KernelArguments,
): Promise<Float32Array> {
  const values = checked(backend, fn, output, args);
  const kernel = kernelFor(backend, fn, output, constants);
  const result: unknown = await (kernel(...(values.map(argument) as never[])) as unknown);
  check(backend, kernel);
  return flatten(result);
}
