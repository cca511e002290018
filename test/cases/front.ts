// Front-end regressions found by a random-program fuzzer: emitted code that did not load, code
// inside the subset that was rejected, and NaN from dead statements.
import { grad, hvp, jvp } from 'tsgrad';

// ── emitted JavaScript that did not load ───────────────────────────────────────────────────────

/** `(-0.5) ** 2` was printed `-0.5 ** 2`, a SyntaxError that broke the whole module. */
export function negativeBase(x: number, k: number): number {
  const x0 = (-0.5) ** 2; // 0.25
  const x1 = (-2) ** k; // k an integer, not differentiated
  const x2 = (2 ** 3) ** 2; // 64
  const x3 = 2 ** 3 ** 2; // 512
  return x0 * x * x + x1 * x + x2 / 64 - x3 / 512 - -1 * x - -(-x) + x ** -1;
}
export const negativeBase_grad = grad(negativeBase);
export const negativeBase_hvp = hvp(negativeBase);

// ── code inside the subset that was rejected ───────────────────────────────────────────────────

/** `c ? 0.3 : 1.5` has type `0.3 | 1.5`: "operand of type 0.3 | 1.5". */
export function literalTernary(x: number, c: boolean): number {
  const k = c ? 0.3 : 1.5;
  const on = x > 0 ? true : false; // true | false
  return k * x * x + (on ? x : 2 * x);
}
export const literalTernary_grad = grad(literalTernary);

/** An element of `new Array(n).fill(0)` (any[]) in an unannotated local: "variable 'z' has type any". */
export function filledElement(x: number): number {
  const t = new Array(3).fill(0);
  t[0] = x;
  t[1] = x * x;
  let z = t[0];
  const w = t[1] * z;
  z += t[2];
  return z * w + stopless(t[1]);
}
function stopless(v: number): number {
  return 2 * v;
}
export const filledElement_grad = grad(filledElement);

/**
 * Values TypeScript narrows to `never` (k is 0.3 or 1.5, so the last branch is impossible to it,
 * and `on` is true or false): "operand of type never", "'&&' on a non-boolean".
 */
export function narrowedAway(x: number, c: boolean): number {
  const k = c ? 0.3 : 1.5;
  const on = x > 0;
  let s = x;
  if (k === 0.3) s = s * 2;
  else if (k === 1.5) s = s * 3;
  else if (k > 0 && on) s = s * k;
  if (on === true) s = s + x;
  else if (on === false) s = s - x;
  else if (on && c) s = s * x;
  else {
    const u = k;
    s = u * s;
  }
  return s * x;
}
export const narrowedAway_grad = grad(narrowedAway);

/** Only booleans narrowed away: `on` is never after `on === true` and `on === false` both failed. */
export function narrowedBoolean(x: number, c: boolean): number {
  const on = x > 0;
  let s = x;
  if (on === true) s = s + x;
  else if (on === false) s = s - x;
  else if (on && c) s = s * x;
  else {
    const u = on;
    s = (u || c ? 2 : 3) * s;
  }
  return s * x;
}
export const narrowedBoolean_grad = grad(narrowedBoolean);

// ── NaN where the derivative is finite ────────────────────────────────────────────────────────

/**
 * `d` is overwritten before any use: its adjoint is 0, and 0 · exp(1000x) = 0 · ∞ was NaN. `t`
 * is used in the result too, so the adjoint reached x.
 */
export function deadOverflow(x: number): number {
  const t = 1000 * x;
  let d = Math.exp(t);
  d = Math.exp(d); // dead too, and reads the dead d
  d = 0;
  return x * x + d + t / 1000;
}
export const deadOverflow_grad = grad(deadOverflow);
export const deadOverflow_jvp = (x: number, dx: number) => jvp(deadOverflow, [x], [dx]);
export const deadOverflow_hvp = hvp(deadOverflow);

/** A value computed and never used, and one (-∞ at x = 1) used only by a comparison, then overwritten. */
export function unusedOverflow(x: number): number {
  const t = 1000 * x;
  const e = Math.exp(t) * x;
  const u = x - 1;
  let h = Math.log(u);
  const big = h < 0;
  h = x;
  return big ? h * h + u + t / 1000 : h;
}
export const unusedOverflow_grad = grad(unusedOverflow);
export const unusedOverflow_jvp = (x: number, dx: number) => jvp(unusedOverflow, [x], [dx]);
export const unusedOverflow_hvp = hvp(unusedOverflow);

/** Dead in a loop: each iteration overwrites `d` before reading it. */
export function deadInLoop(x: number, n: number): number {
  let s = 0;
  let d = 0;
  for (let i = 0; i < n; i++) {
    const t = 1000 * x * (i + 1);
    d = Math.exp(t);
    d = x * i;
    s += d * x + t / 1000;
  }
  return s;
}
export const deadInLoop_grad = grad(deadInLoop);
export const deadInLoop_hvp = hvp(deadInLoop);

/**
 * Second order: `Math.hypot(x - 1, 0)` at x = 1 is dead, but its tangent (x - 1)/0 · dx = NaN
 * was computed, and the reverse sweep over the tangent program multiplied by it.
 */
export function deadHypot(x: number, y: number): number {
  let h = Math.hypot(x - 1, y - 1);
  const far = h > 10;
  h = x * y;
  return far ? 0 : h * h + Math.sqrt(Math.abs(x - 1) + 1);
}
export const deadHypot_grad = grad(deadHypot, [0, 1]);
export const deadHypot_jvp = (x: number, y: number, dx: number, dy: number) => jvp(deadHypot, [x, y], [dx, dy]);
export const deadHypot_hvp = (x: Float64Array, v: Float64Array) => hvp(deadHypotVec)(x, v);

export function deadHypotVec(p: Float64Array): number {
  return deadHypot(p[0], p[1]);
}

/** A dead store into an array: its tangent and adjoint code were generated too. */
export function deadStore(x: number): number {
  const a = new Float64Array(2);
  a[0] = Math.exp(1000 * x);
  a[0] = x;
  a[1] = Math.log(x - 1); // never read
  return a[0] * a[0];
}
export const deadStore_grad = grad(deadStore);
export const deadStore_hvp = hvp(deadStore);

// ── NaN from an operation on a value that carries no derivative yet ───────────────────────────

/**
 * `a` is varied (a = x) but holds 0 where `h = Math.sqrt(a)` runs: its tangent was
 * 0.5 / sqrt(0) · a_dot = ∞ · 0 = NaN (jvp, hvp and hessian read it).
 */
export function sqrtBeforeVaried(x: number): number {
  let a = 0;
  const h = Math.sqrt(a);
  a = x;
  return h + a * a;
}
export const sqrtBeforeVaried_jvp = (x: number, dx: number) => jvp(sqrtBeforeVaried, [x], [dx]);
export const sqrtBeforeVaried_hvp = hvp(sqrtBeforeVaried);
export const sqrtBeforeVaried_grad = grad(sqrtBeforeVaried);

