/**
 * Running the kernels that `jit` generates. Generated code calls `runKernel` (or its async twin)
 * with a kernel's function, the output shape, the kernel's constants (loop bounds and every other
 * scalar the loop reads) and its array arguments; it gets back a flat row-major Float32Array.
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

/** gpu.js reads Float32Array directly; other arrays are converted once per call. */
function argument(a: unknown): unknown {
  if (a instanceof Float32Array || a instanceof Int32Array || typeof a === 'number') return a;
  if (a instanceof Float64Array || Array.isArray(a)) return Float32Array.from(a as ArrayLike<number>);
  return a;
}

/** A 1D result as it is; a 2D result (rows of Float32Array) as one row-major Float32Array. */
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

export function runKernel(backend: BackendInfo, fn: KernelFunction, output: readonly number[], constants: Readonly<Record<string, number>>, args: readonly unknown[]): Float32Array {
  const kernel = kernelFor(backend, fn, output, constants);
  const result = kernel(...(args.map(argument) as never[]));
  check(backend, kernel);
  return flatten(result);
}

export async function runKernelAsync(
  backend: BackendInfo,
  fn: KernelFunction,
  output: readonly number[],
  constants: Readonly<Record<string, number>>,
  args: readonly unknown[],
): Promise<Float32Array> {
  const kernel = kernelFor(backend, fn, output, constants);
  const result: unknown = await (kernel(...(args.map(argument) as never[])) as unknown);
  check(backend, kernel);
  return flatten(result);
}
