/**
 * `tsgrad/jit`: what the code generated for `jit(f)` calls: the backend choice and the kernel runner.
 * It is a separate entry point because it loads gpu.js (an optional peer dependency, with its WebGL,
 * WebGPU and WebAssembly bindings): a program that never calls `jit` never imports it, so neither
 * Node nor a bundler loads gpu.js for it. The `jit` marker itself is exported by `tsgrad`.
 */
export { type BackendInfo, type BackendName, backendNames, chooseBackend, type JitOptions } from './backend.js';
export { bindJit } from './bind.js';
export { checkLoop, runKernel, runKernelAsync } from './kernel.js';
