// Calls to user functions (inlined into the derivative), and the ways grad itself is called.
import { grad, valueAndGrad } from 'tsgrad';
import { cube, firstAbove, loss, poly, scaled, scaleInto, SHIFT, softplus, TABLE } from './helpers.js';

function sq(x: number): number {
  return x * x;
}

function add(a: number, b: number): number {
  return a + b;
}

/** A helper that reassigns its parameter: the caller's variable is unaffected. */
function bump(x: number): number {
  x = x * 2;
  return x + 1;
}

/** Early returns at the top level of a helper. */
function clampSquare(x: number): number {
  if (x > 2) return 4;
  if (x < -2) {
    return 4;
  }
  return x * x;
}

/** A helper returning a boolean, used in a condition. */
function isPositive(x: number): boolean {
  return x > 0;
}

/** A helper writing into an array parameter. */
function accumulateInto(acc: Float64Array, a: Float64Array, w: number): void {
  for (let i = 0; i < a.length; i++) acc[i] += a[i] * w;
}

const halfSquare = (x: number): number => 0.5 * x * x;
const poly2 = (x: number, y: number): number => {
  const t = x * y;
  return t * t + x;
};

export function sameFile(x: number, y: number): number {
  return sq(x) + add(sq(y), x * y) + halfSquare(x - y) + poly2(x, y) + bump(x) * x;
}
export const sameFile_grad01 = grad(sameFile, [0, 1]);

export function nested(x: number): number {
  return sq(add(sq(x), halfSquare(sq(x))));
}
export const nested_grad = grad(nested);

export function inLoops(a: Float64Array, x: number): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    s += clampSquare(a[i] * x) + sq(a[i]);
    if (isPositive(a[i] - x)) s = add(s, cube(a[i]) * 0.1);
  }
  return s;
}
export const inLoops_grad01 = grad(inLoops, [0, 1]);

export function writesArray(a: Float64Array, b: Float64Array, x: number): number {
  const acc = new Float64Array(a.length);
  accumulateInto(acc, a, x);
  accumulateInto(acc, b, sq(x));
  accumulateInto(acc, a, 1);
  const t = new Float64Array(a.length);
  scaleInto(t, acc, x);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += acc[i] * t[i];
  return s;
}
export const writesArray_grad012 = grad(writesArray, [0, 1, 2]);

export function imported(a: Float64Array, x: number): number {
  return cube(x) + firstAbove(a, x * x) + softplus(x) + poly(x) + scaled(x);
}
export const imported_grad01 = grad(imported, [0, 1]);

// grad of an imported function, of an arrow const, of inline functions
export const loss_grad = grad(loss);
export const loss_vg01 = valueAndGrad(loss, [0, 1]);
export const cube_grad = grad(cube);
export const softplus_grad = grad(softplus);
export const halfSquare_grad = grad(halfSquare);
export const inlineArrow_grad = grad((x: number) => x * x);
export const inlineArrowBlock_grad = grad((x: number, y: number): number => {
  let s = x;
  for (let i = 0; i < 3; i++) s = s * y;
  return s;
}, 1);
export const inlineFunction_grad = grad(function (x: number) {
  return Math.sin(x) * sq(x);
});
export const inlineNamed_vg = valueAndGrad(function named(x: number): number {
  return Math.exp(x) * x;
});

/** The same function differentiated twice in one file (the generated code is shared or duplicated). */
export const sq_grad = grad(sq);
export const sq_grad_again = grad(sq);

/** grad inside a function body, called at run time. */
export function makeGrad(): (x: number) => number {
  return grad(sq);
}

/** A function declared below its grad call. */
export const later_grad = grad(later);
function later(x: number): number {
  return Math.sin(x) * x;
}

/** grad of a function declared inside another function's body. */
export function makeLocal(): (x: number) => number {
  function inner(x: number): number {
    return x * x * x;
  }
  return grad(inner);
}

/** A const of an enclosing function, read by the differentiated arrow. */
export function makeScaled(k: number): (x: number) => number {
  const c = k * 2;
  const inner = (x: number): number => x * x * c;
  return grad(inner);
}

/** A module-level const array and a computed const read by the function. */
const WEIGHTS = new Float64Array([0.5, -1.5, 2]);
const OFFSET = Math.PI / 4;
export function weighted(x: Float64Array): number {
  let s = OFFSET;
  for (let i = 0; i < x.length; i++) s += WEIGHTS[i % WEIGHTS.length] * x[i] * x[i];
  return s;
}
export const weighted_grad = grad(weighted);

/** A time-stepping helper that updates an array in place, called in a loop. */
function step(u: Float64Array, x: number): void {
  for (let i = u.length - 1; i >= 1; i--) u[i] = u[i] * x + Math.sin(u[i - 1]);
  u[0] = u[0] * x;
}
export function simulate(u0: Float64Array, x: number, steps: number): number {
  const u = new Float64Array(u0.length);
  for (let i = 0; i < u.length; i++) u[i] = u0[i];
  for (let t = 0; t < steps; t++) step(u, x);
  let s = 0;
  for (let i = 0; i < u.length; i++) s += u[i] * u[i];
  return s;
}
export const simulate_grad01 = grad(simulate, [0, 1]);

/** An imported helper with an early return from inside its loop, called inside a loop. */
export function searchLoop(a: Float64Array, x: number): number {
  let s = 0;
  for (let k = 0; k < 4; k++) s += firstAbove(a, x * (k + 1)) * (k + 1) + cube(s * 0.1);
  return s;
}
export const searchLoop_grad01 = grad(searchLoop, [0, 1]);

/** Arguments that are expressions, calls in ternary arms and in conditions. */
export function callArgs(x: number, y: number): number {
  const a = sq(x) > 1 ? add(x, sq(y)) : halfSquare(y - x);
  let s = a;
  while (sq(s) < 50) s = add(s * 1.5, poly2(x, 0.1));
  return s + bump(sq(x + y) - 1);
}
export const callArgs_grad01 = grad(callArgs, [0, 1]);

/** Reads constants imported from another module (a const array and a computed const number). */
export function importedConsts(x: number): number {
  return TABLE[1] * x * x + SHIFT * x;
}
export const importedConsts_grad = grad(importedConsts);

/** Shadowed loop counter, one helper called twice per iteration, a boolean helper with a loop. */
function clip(t: number): number {
  if (t > 1) return t;
  return t * t;
}
function isBig(t: number): boolean {
  for (let i = 0; i < 3; i++) {
    if (t * i > 2) return true;
  }
  return false;
}
export function kitchenSink(a: Float64Array, x: number): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    for (let i = 0; i < 2; i++) s += a[i] * x;
    s += clip(a[i] * x) + clip(s * 0.1);
    const v = a[i] > 0 ? a[i] : -a[i] * x;
    s += v;
    if (isBig(s)) s = s * 0.5;
    else s = -s * 0.3 + x;
  }
  return s;
}
export const kitchenSink_grad01 = grad(kitchenSink, [0, 1]);
