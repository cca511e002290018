// Programs that the random-program fuzzer found miscompiled (test/regressions.test.ts), each
// beside variants that share its root cause: in loops and branches, and under the other
// transformations that reach the same code.
import { grad, hessian, hvp } from 'tsgrad';

// ── hvp: a reassigned number parameter that is not differentiated ────────────────────────────
// Its tangent was read (as zero, by the partial w.r.t. the other factor) before its first
// assignment, which the reverse sweep over the tangent program did not save.

/** The fuzzer's program: x0 is reassigned, b is differentiated. */
export function scaleParam(x0: number, a: number[], b: Float64Array): number {
  x0 *= 0.5 * Math.tanh(b[0] + a[1]);
  return x0 + x0;
}
export const scaleParam_hvp_b = hvp(scaleParam, 2);
export const scaleParam_hvp_a = hvp(scaleParam, 1);
export const scaleParam_hessian_b = hessian(scaleParam, 2);

/** The same in a branch, and read again afterwards; grad(grad(f)) and hessian w.r.t. x. */
export function scaleInBranch(x: number, c: number): number {
  if (x > 0) c = c * Math.sin(x);
  return c * c * x + c;
}
export const scaleInBranch_d2 = grad(grad(scaleInBranch));
export const scaleInBranch_hessian = hessian(scaleInBranch);
export const scaleInBranch_hvp = hvp(scaleInBranch);

/** Reassigned once before a loop and then inside it. */
export function scaleThenLoop(x: Float64Array, c: number): number {
  c = c * x[0];
  for (let i = 1; i < x.length; i++) c = c * Math.cos(x[i]) + x[i];
  return c * c;
}
export const scaleThenLoop_hvp = hvp(scaleThenLoop);

/** Overwritten without reading the old value: the tangent's first assignment defines it. */
export function replaceParam(x: number, c: number): number {
  c = Math.exp(0.5 * x);
  return c * x;
}
export const replaceParam_d2 = grad(grad(replaceParam));
