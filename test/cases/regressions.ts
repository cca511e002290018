// Programs that the random-program fuzzer found miscompiled (test/regressions.test.ts), each
// beside variants that share its root cause: in loops and branches, and under the other
// transformations that reach the same code.
import { customDerivative, grad, hessian, hvp, jacrev, jit, valueAndGrad, vjp } from 'tsgrad';

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

// ── grad: an active variable overwritten by an element of an inactive array ───────────────────
// The reverse sweep of `z = A[i]` added z's adjoint into A's, which inactive arrays do not have.

const K = new Float64Array([0.5, -1.5]);

/** An element of a module-level const array. */
export function fromConst(x: number): number {
  let z = x * x;
  z = K[1];
  return x + z;
}
export const fromConst_grad = grad(fromConst);
export const fromConst_vg = valueAndGrad(fromConst);
export const fromConst_vjp = (x: number) => vjp(fromConst, x);
export const fromConst_d2 = grad(grad(fromConst));

/** An element of a local array never written. */
export function fromFreshBuffer(x: number): number {
  let z = x * x;
  const buf = new Float64Array(3);
  z = buf[0];
  return x + z;
}
export const fromFreshBuffer_grad = grad(fromFreshBuffer);

/** An element of a local array written only with inactive values. */
export function fromInactiveBuffer(x: number, n: number): number {
  let z = Math.sin(x);
  const buf = new Float64Array(2);
  buf[1] = n * 2.5;
  z = z * buf[1];
  z = buf[1];
  return z * x;
}
export const fromInactiveBuffer_grad = grad(fromInactiveBuffer);

/** An element of an array parameter that is not differentiated. */
export function fromParam(x: number, a: Float64Array): number {
  let z = x * x;
  z = a[0];
  return x * z + z;
}
export const fromParam_grad = grad(fromParam);
export const fromParam_jacrev = jacrev(fromParam);

/** In a loop: each iteration's product replaced by a table entry after it is used. */
export function fromConstInLoop(x: number): number {
  let z = x;
  let s = 0;
  for (let i = 0; i < 4; i++) {
    z = z * x;
    s += Math.sin(z);
    z = K[i % 2];
  }
  return s;
}
export const fromConstInLoop_grad = grad(fromConstInLoop);

// hvp: an active variable overwritten by an element of an array parameter (w.r.t. a: of its
// tangent, a parameter of the tangent program that is not differentiated; w.r.t. x0: of a).
export function fromArrayParam(x0: number, a: number[]): number {
  let w = x0;
  w = a[0];
  x0 = w * w;
  return x0;
}
export const fromArrayParam_hvp_a = hvp(fromArrayParam, 1);
export const fromArrayParam_hvp_x0 = hvp(fromArrayParam, 0);
export const fromArrayParam_hessian_a = hessian(fromArrayParam, 1);

/** hvp w.r.t. an array, with a module-level table read in a loop. */
export function tableInLoop(x: Float64Array): number {
  let s = 0;
  let z = 0;
  for (let i = 0; i < x.length; i++) {
    z = z + x[i] * x[i];
    s += z * Math.tanh(x[i]);
    z = K[i % 2];
  }
  return s;
}
export const tableInLoop_hvp = hvp(tableInLoop);

/** In a `// @checkpoint` loop, whose steps the reverse sweep re-runs from snapshots. */
export function fromConstCheckpointed(x: number, n: number): number {
  let z = x;
  let s = 0;
  // @checkpoint snapshots=2
  for (let t = 0; t < n; t++) {
    z = z * x + 0.1;
    s += Math.sin(z);
    z = K[t % 2];
  }
  return s;
}
export const fromConstCheckpointed_grad = grad(fromConstCheckpointed);
export const fromConstCheckpointed_hvp = hvp(fromConstCheckpointed);

/** jit(grad(f)): a leaf sum in a parallel loop, then the result of the host code overwritten. */
export function fromConstAfterParallel(x: Float64Array, n: number): number {
  let s = 0;
  // @parallel
  for (let i = 0; i < n; i++) s += K[i % 2] * x[i] * x[i];
  let w = s * s;
  w = K[0];
  return s + w;
}
export const fromConstAfterParallel_grad = jit(grad(fromConstAfterParallel), { backend: 'js' });

// ── second order through a custom derivative whose partial reads the result ─────────────────
// The partial `(x, y) => y * Math.cos(x)` saw y as the opaque call's value, a constant, so the
// second derivative lost the y'·cos(x) term (hvp 2× off).

export function expSin(x: number): number {
  return Math.exp(Math.sin(x));
}
customDerivative(expSin, (x, y) => y * Math.cos(x));

export function throughExpSin(x: number, w: Float64Array): number {
  return expSin(x * w[0]) + w[1] * expSin(w[1]);
}
export const throughExpSin_d2 = grad(grad(throughExpSin));
export const throughExpSin_hvp = hvp(throughExpSin, 1);
export const throughExpSin_hessian = hessian(throughExpSin, 1);
export const throughExpSin_grad = grad(throughExpSin, [0, 1]);

// ── second order of Math.hypot at the origin ────────────────────────────────────────────────
// The partial `y === 0 ? 0 : a / y` is 0 at the origin, but reverse over forward also differentiates
// the arm not taken, a / 0, and multiplies its zero adjoint by ∞: NaN (fuzz seed 340: hessian NaN
// where f does not depend on x at all). The safe form divides by `y === 0 ? 1 : y`.

export function hypotAtOrigin(x: number): number {
  const z = 0 * x;
  return Math.hypot(z, z) + x * x;
}
export const hypotAtOrigin_d2 = grad(grad(hypotAtOrigin));
export const hypotAtOrigin_hvp = hvp(hypotAtOrigin);
export const hypotAtOrigin_grad = grad(hypotAtOrigin);

// ── Math.atan2 at the origin ────────────────────────────────────────────────────────────────
// Its partials b / (a² + b²) and -a / (a² + b²) were 0 / 0 = NaN there, and NaN times the zero
// tangent of (0, x - x) made the whole jvp NaN (fuzz seed 404359). Now 0 there, as hypot's.

export function atan2AtOrigin(x: number): number {
  return Math.atan2(0, x - x) + x * x;
}
export const atan2AtOrigin_grad = grad(atan2AtOrigin);
export const atan2AtOrigin_d2 = grad(grad(atan2AtOrigin));
