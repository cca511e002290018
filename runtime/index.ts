/**
 * tsgrad's public API. `grad`, `valueAndGrad` are *markers*: the tsgrad transformer
 * (`tsgrad/transform`, run by `tsgrad build`, `tsgrad generate` or ts-patch's `tspc`) replaces each call with generated derivative code
 * at build time. Called at run time, a marker means the transformer did not run (or rejected the
 * call with a diagnostic), so it throws instead of returning a wrong or slow answer.
 */
export { Tape, tapeMemory } from './tape.js';
export { Checkpoints, defaultSnapshots, Op as CheckpointOp, schedule as checkpointSchedule } from './checkpoint.js';
export type { BackendInfo, BackendName, JitOptions } from './gpu/backend.js';
export { copyOf, fitted, raise, rem, zerosLike } from './values.js';
export { hessian as hessianOf, jacfwd as jacfwdOf, jacrev as jacrevOf, padded, vjpOf } from './transforms.js';
import type { BackendInfo, JitOptions } from './gpu/backend.js';

import type { Argnum, Argnums, Cotangent, Cotangents, DifferentiableAt, FlatArgnum, Gradients, TangentIn, TangentOut, Tangents } from './types.js';
export type { Argnum, Argnums, Cotangent, Cotangents, FlatArgnum, Gradients, IntegerArray, IsDifferentiable, TangentIn, TangentOut, Tangents } from './types.js';

/** Parameter types that can be differentiated (and objects and arrays of them: see runtime/types.ts). */
export type Differentiable = number | number[] | Float64Array | Float32Array;

type Fn = (...args: any[]) => number;

/**
 * Gradient of `f` with respect to argument 0 (JAX's `grad`): for a parameter of type T, a
 * `Cotangent<T>` (runtime/types.ts): T's own type for numbers and float arrays, an object of its
 * fields' gradients for an object.
 */
export function grad<F extends Fn>(f: F & DifferentiableAt<F>): (...args: Parameters<F>) => Cotangent<Parameters<F>[0]>;
/**
 * Gradient of `f` with respect to argument `argnums`, or a tuple of gradients for a list of them
 * (JAX's `argnums`); each must be the index of a differentiable parameter.
 */
export function grad<F extends Fn, const A extends Argnums<Parameters<F>>>(f: F, argnums: A): (...args: Parameters<F>) => Gradients<Parameters<F>, A>;
export function grad(f: Fn, _argnums?: number | readonly number[]): never {
  throw notTransformed('grad', f);
}

/** `[f(...args), gradient]` in one pass (JAX's `value_and_grad`). */
export function valueAndGrad<F extends Fn>(f: F & DifferentiableAt<F>): (...args: Parameters<F>) => [number, Cotangent<Parameters<F>[0]>];
export function valueAndGrad<F extends Fn, const A extends Argnums<Parameters<F>>>(
  f: F,
  argnums: A,
): (...args: Parameters<F>) => [number, Gradients<Parameters<F>, A>];
export function valueAndGrad(f: Fn, _argnums?: number | readonly number[]): never {
  throw notTransformed('valueAndGrad', f);
}

type AnyFn = (...args: any[]) => any;
type VectorFn = (...args: any[]) => number | number[] | Float64Array | Float32Array;

/**
 * Forward mode (JAX's `jvp`): `[f(...primals), J·tangents]`, computed by the tangent-linear code
 * generated at build time. One primal and one tangent per parameter of `f`.
 */
export function jvp<F extends VectorFn>(
  f: F,
  primals: Parameters<F>,
  tangents: Tangents<Parameters<F>>,
): [ReturnType<F>, TangentOut<ReturnType<F>>];
export function jvp(f: VectorFn, _primals: unknown, _tangents: unknown): never {
  throw notTransformed('jvp', f);
}

/**
 * Reverse mode for any output (JAX's `vjp`): `[f(...primals), pullback]`, where `pullback(ct)`
 * returns `ctᵀ·J` for every parameter (null for parameters that are not differentiable).
 */
export function vjp<F extends VectorFn>(
  f: F,
  ...primals: Parameters<F>
): [ReturnType<F>, (cotangent: TangentIn<ReturnType<F>>) => Cotangents<Parameters<F>>];
export function vjp(f: VectorFn, ..._primals: unknown[]): never {
  throw notTransformed('vjp', f);
}

/** Dense Jacobian by forward mode, one jvp per input element: row-major m×n Float64Array. */
export function jacfwd<F extends VectorFn>(f: F & DifferentiableAt<F, 0, 'flat'>): (...args: Parameters<F>) => Float64Array;
export function jacfwd<F extends VectorFn>(f: F, argnum: FlatArgnum<Parameters<F>>): (...args: Parameters<F>) => Float64Array;
export function jacfwd(f: VectorFn, _argnum?: number): never {
  throw notTransformed('jacfwd', f);
}

/** Dense Jacobian by reverse mode, one vjp per output element: row-major m×n Float64Array. */
export function jacrev<F extends VectorFn>(f: F & DifferentiableAt<F, 0, 'flat'>): (...args: Parameters<F>) => Float64Array;
export function jacrev<F extends VectorFn>(f: F, argnum: FlatArgnum<Parameters<F>>): (...args: Parameters<F>) => Float64Array;
export function jacrev(f: VectorFn, _argnum?: number): never {
  throw notTransformed('jacrev', f);
}

/** Dense Hessian of a scalar function, one Hessian-vector product per direction: row-major n×n Float64Array. */
export function hessian<F extends Fn>(f: F & DifferentiableAt<F, 0, 'flat'>): (...args: Parameters<F>) => Float64Array;
export function hessian<F extends Fn>(f: F, argnum: FlatArgnum<Parameters<F>>): (...args: Parameters<F>) => Float64Array;
export function hessian(f: Fn, _argnum?: number): never {
  throw notTransformed('hessian', f);
}

/**
 * Hessian-vector product `H·v` of a scalar function with respect to argument `argnum` (default 0),
 * without forming H: the gradient of the directional derivative (reverse mode over forward mode).
 * Called with f's arguments followed by `v`.
 */
export function hvp<F extends Fn>(f: F & DifferentiableAt<F>): (...args: [...Parameters<F>, v: TangentIn<Parameters<F>[0]>]) => Cotangent<Parameters<F>[0]>;
export function hvp<F extends Fn, const A extends Argnum<Parameters<F>>>(
  f: F,
  argnum: A,
): (...args: [...Parameters<F>, v: TangentIn<Parameters<F>[A]>]) => Cotangent<Parameters<F>[A]>;
export function hvp(f: Fn, _argnum?: number): never {
  throw notTransformed('hvp', f);
}

/**
 * Gives `f` its own derivative, used wherever tsgrad differentiates a call of `f` (JAX's
 * custom_jvp, Clad's custom derivatives): one function per parameter of `f`, each computing
 * ∂f/∂xᵢ from the arguments and the result. For functions without a body in the program (a
 * library's .d.ts) or whose automatic derivative is numerically poor. A statement at the top
 * level of a module; the compiler reads it at build time (README, "Custom derivatives"), and at
 * run time it only checks its arguments.
 */
export function customDerivative<F extends (...args: number[]) => number>(
  f: F,
  ...partials: ((...args: [...Parameters<F>, number]) => number)[]
): void {
  if (typeof f !== 'function' || partials.some((p) => typeof p !== 'function')) {
    throw new TypeError('tsgrad: customDerivative(f, ...partials) takes functions');
  }
}

/** `x` itself, with no derivative: derivatives do not flow through it (JAX's `stop_gradient`). */
export function stopGradient(x: number): number {
  return x;
}
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
      `Either the code was built without it, or it reported an error for this call (see the build output). ` +
      `Plain tsc (TypeScript 7's included: it has no transformer API), tsx, esbuild, vite and webpack do not run it by themselves; ` +
      `build with one of:\n` +
      `  npx tsgrad build                         tsc -p with the transform, whatever TypeScript the project has\n` +
      `  plugins: [tsgrad()]                      from 'tsgrad/vite' (and vitest), 'tsgrad/rollup', 'tsgrad/esbuild', 'tsgrad/webpack'\n` +
      `  node --import tsgrad/register main.ts    run TypeScript directly\n` +
      `  npx tsgrad generate src --out gen        transformed .ts sources for any other compiler\n` +
      `  npx tspc, with "plugins": [{ "transform": "tsgrad/transform" }] in tsconfig.json   (ts-patch, TypeScript 6)`,
  );
}
