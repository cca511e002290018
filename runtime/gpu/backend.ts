/**
 * Which backend a `jit` function runs its kernels on, and why.
 *
 * Order of preference, fastest first: webgpu (async only: its results arrive as Promises),
 * headlessgl, webgl2, webasm, cpu. `js` runs no kernels at all: the compiled JavaScript, in float64,
 * which is also the reference the kernels are tested against. A request (`jit(f, { backend })`)
 * or the `TSGRAD_BACKEND` environment variable picks one; the environment wins, so a deployed
 * program can be moved to another backend without a rebuild.
 */
import { GPU } from 'gpu.js';

export type BackendName = 'webgpu' | 'headlessgl' | 'webgl2' | 'webasm' | 'cpu' | 'js';
export const backendNames: readonly BackendName[] = ['webgpu', 'headlessgl', 'webgl2', 'webasm', 'cpu', 'js'];

export interface JitOptions {
  /** A backend by name, or 'auto' (the default): the fastest one available. */
  readonly backend?: BackendName | 'auto';
  /** Return Promises; needed for webgpu, allowed everywhere. Must be a literal in the source. */
  readonly async?: boolean;
}

export interface BackendInfo {
  /** The backend the kernels run on. */
  readonly name: BackendName;
  /** What was asked for, and by whom. */
  readonly requested: string;
  /** For each backend preferred to `name` that was not used: why. */
  readonly unavailable: Readonly<Partial<Record<BackendName, string>>>;
  readonly async: boolean;
  /** Kernels that gpu.js itself moved to another backend, with its reason (filled in as they run). */
  readonly fallbacks: string[];
}

/** Why `name` cannot run here, or undefined when it can. */
export function whyUnavailable(name: BackendName, async: boolean): string | undefined {
  if (name === 'js') return undefined;
  switch (name) {
    case 'webgpu':
      if (!async) return 'webgpu returns Promises: use jit(f, { async: true }) or jitAsync(f)';
      return GPU.isWebGPUSupported ? undefined : 'no navigator.gpu (in Node, install a WebGPU implementation such as the `webgpu` package and set globalThis.navigator.gpu)';
    case 'headlessgl':
      return GPU.isHeadlessGLSupported ? undefined : 'the optional `gl` package (headless-gl) is not installed or cannot create a context';
    case 'webgl2':
      return GPU.isWebGL2Supported ? undefined : 'no WebGL2 context (browsers only)';
    case 'webasm':
      return GPU.isWebAssemblySupported ? undefined : 'WebAssembly SIMD is not supported by this engine';
    case 'cpu':
      return undefined;
  }
}

function parse(value: string, source: string): BackendName | 'auto' {
  if (value === 'auto' || (backendNames as readonly string[]).includes(value)) return value as BackendName | 'auto';
  throw new Error(`tsgrad: ${source} names an unknown backend '${value}'; use one of ${backendNames.join(', ')} or auto`);
}

/**
 * The backend for a jit function built with `options`. An explicit backend that is not available is
 * an error, not a silent fallback: the caller asked for it by name.
 */
export function chooseBackend(options: JitOptions = {}): BackendInfo {
  const async = options.async === true;
  const env = typeof process !== 'undefined' ? process.env.TSGRAD_BACKEND : undefined;
  const [wanted, requested] = env
    ? [parse(env, 'TSGRAD_BACKEND'), `TSGRAD_BACKEND=${env}`]
    : [parse(options.backend ?? 'auto', 'the backend option'), options.backend && options.backend !== 'auto' ? `backend: '${options.backend}'` : 'auto'];
  const unavailable: Partial<Record<BackendName, string>> = {};
  if (wanted !== 'auto') {
    const why = whyUnavailable(wanted, async);
    if (why) throw new Error(`tsgrad: backend '${wanted}' (${requested}) is not available: ${why}`);
    return { name: wanted, requested, unavailable, async, fallbacks: [] };
  }
  for (const name of backendNames) {
    const why = whyUnavailable(name, async);
    if (!why) return { name, requested, unavailable, async, fallbacks: [] };
    unavailable[name] = why;
  }
  return { name: 'js', requested, unavailable, async, fallbacks: [] };
}
