/**
 * gpu.js, loaded on first use so that programs which never call a `jit` function do not pay for it
 * (gpu.js pulls in WebAssembly and, where present, WebGL and WebGPU bindings).
 */
import type * as GpuJs from 'gpu.js';

let loaded: typeof GpuJs | undefined;

export function loadGpuJs(): typeof GpuJs {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  loaded ??= require('gpu.js') as typeof GpuJs;
  return loaded;
}
