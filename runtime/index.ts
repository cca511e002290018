/**
 * tsgrad's public API. `grad`, `valueAndGrad` are *markers*: the tsgrad transformer
 * (`tsgrad/transform`, run by ts-patch's `tspc`) replaces each call with generated derivative code
 * at build time. Called at run time, a marker means the transformer did not run (or rejected the
 * call with a diagnostic), so it throws instead of returning a wrong or slow answer.
 */
export { Tape } from './tape.js';
export { type BackendInfo, type BackendName, backendNames, chooseBackend, type JitOptions } from './gpu/backend.js';
export { bindJit } from './gpu/bind.js';
export { runKernel, runKernelAsync } from './gpu/kernel.js';
import type { BackendInfo, JitOptions } from './gpu/backend.js';

/** Parameter types that can be differentiated; the gradient has the same type and length. */
export type Differentiable = number | number[] | Float64Array | Float32Array;

type Fn = (...args: any[]) => number;
type Grads<P extends readonly unknown[], A extends readonly number[]> = { -readonly [K in keyof A]: P[A[K]] };

/** Gradient of `f` with respect to argument 0 (JAX's `grad`). */
export function grad<F extends Fn>(f: F): (...args: Parameters<F>) => Parameters<F>[0];
/** Gradient of `f` with respect to argument `argnums`. */
export function grad<F extends Fn, const A extends number>(f: F, argnums: A): (...args: Parameters<F>) => Parameters<F>[A];
/** Gradients of `f` with respect to each argument in `argnums`, as a tuple. */
export function grad<F extends Fn, const A extends readonly number[]>(
  f: F,
  argnums: A,
): (...args: Parameters<F>) => Grads<Parameters<F>, A>;
export function grad(f: Fn, _argnums?: number | readonly number[]): never {
  throw notTransformed('grad', f);
}

/** `[f(...args), gradient]` in one pass (JAX's `value_and_grad`). */
export function valueAndGrad<F extends Fn>(f: F): (...args: Parameters<F>) => [number, Parameters<F>[0]];
export function valueAndGrad<F extends Fn, const A extends number>(
  f: F,
  argnums: A,
): (...args: Parameters<F>) => [number, Parameters<F>[A]];
export function valueAndGrad<F extends Fn, const A extends readonly number[]>(
  f: F,
  argnums: A,
): (...args: Parameters<F>) => [number, Grads<Parameters<F>, A>];
export function valueAndGrad(f: Fn, _argnums?: number | readonly number[]): never {
  throw notTransformed('valueAndGrad', f);
}

type AnyFn = (...args: any[]) => any;
/** A jit function: `f` itself, with the backend it runs on (`.backend.name`, and why faster ones were not used). */
export type Jitted<F extends AnyFn> = F & { readonly backend: BackendInfo };
export type JittedAsync<F extends AnyFn> = ((...args: Parameters<F>) => Promise<Awaited<ReturnType<F>>>) & { readonly backend: BackendInfo };

/**
 * `f` with its `// @parallel` loops compiled to gpu.js kernels (see README, "jit"). The backend is
 * the fastest available, or `options.backend`, or the TSGRAD_BACKEND environment variable.
 */
export function jit<F extends AnyFn>(f: F, options: JitOptions & { readonly async: true }): JittedAsync<F>;
export function jit<F extends AnyFn>(f: F, options?: JitOptions & { readonly async?: false }): Jitted<F>;
export function jit(f: AnyFn, _options?: JitOptions): never {
  throw notTransformed('jit', f);
}

/** `jit(f, { async: true })`: every call returns a Promise, so every backend (webgpu included) can run. */
export function jitAsync<F extends AnyFn>(f: F, _options?: Omit<JitOptions, 'async'>): JittedAsync<F> {
  throw notTransformed('jitAsync', f);
}

function notTransformed(marker: string, f: AnyFn): Error {
  const name = (typeof f === 'function' && f.name) || '<anonymous function>';
  return new Error(
    `tsgrad: ${marker}(${name}) was called at run time, so the tsgrad transformer did not compile this call. ` +
      `Either the transformer is not configured, or it reported an error for this call (see the build output). ` +
      `Build with ts-patch's tspc and add to tsconfig.json:\n` +
      `  "compilerOptions": { "plugins": [{ "transform": "tsgrad/transform" }] }`,
  );
}
