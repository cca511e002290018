/**
 * What `jit(f, options)` becomes: `bindJit(f_jit, f, options)`. The backend is chosen here, once, when
 * the jit function is created; on `js` the function runs as written (no kernels), otherwise the
 * generated host code runs with the backend as its first argument.
 */
import { type BackendInfo, chooseBackend, type JitOptions } from './backend.js';

type AnyFn = (...args: never[]) => unknown;

export function bindJit(
  impl: (backend: BackendInfo, ...args: never[]) => unknown,
  reference: AnyFn,
  isAsync: boolean,
  options: JitOptions = {},
): AnyFn & { backend: BackendInfo } {
  const backend = chooseBackend({ ...options, async: isAsync });
  let run: (...args: never[]) => unknown;
  if (backend.name !== 'js') run = (...args) => impl(backend, ...args);
  else if (backend.async) run = async (...args) => reference(...args);
  else run = reference;
  const jitted = (...args: never[]): unknown => run(...args);
  return Object.assign(jitted, { backend });
}
