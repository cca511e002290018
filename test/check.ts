/**
 * Assertions shared by the numeric test files: a generated gradient against central finite
 * differences (float64) or against a derivative written out by hand.
 */
import { expect } from 'chai';
import { finiteDiff, relError } from './harness.js';

type Arg = number | number[] | Float64Array | Float32Array | Int32Array | boolean;
type Grad = number | number[] | Float64Array | Float32Array;

/** A deep copy of call arguments, to check afterwards that a call left them unchanged. */
export function copyArgs(args: readonly Arg[]): Arg[] {
  return args.map((a) => (Array.isArray(a) ? [...a] : ArrayBuffer.isView(a) ? (a as Float64Array).slice() : a));
}

export function show(args: readonly Arg[]): string {
  return args.map((a) => (typeof a === 'object' ? `[${Array.from(a as ArrayLike<number>).join(', ')}]` : String(a))).join(', ');
}

/** The gradient has the same representation as its parameter. */
export function expectSameKind(g: unknown, param: Arg, what: string): void {
  if (typeof param === 'number') expect(typeof g, what).to.equal('number');
  else if (Array.isArray(param)) expect(Array.isArray(g), `${what}: number[] gradient`).to.equal(true);
  else if (param instanceof Float32Array) expect(g, what).to.be.instanceOf(Float32Array);
  else if (param instanceof Float64Array) expect(g, what).to.be.instanceOf(Float64Array);
  if (typeof param === 'object') expect((g as ArrayLike<number>).length, `${what}: length`).to.equal((param as ArrayLike<number>).length);
}

/**
 * Calls `g` (the result of `grad(f, argnums)`) at `args` and compares each gradient with central
 * finite differences of `f` (in float64, also for Float32Array arguments). Also checks the gradient's type and that the call left `args` as they were.
 */
export function expectGradFD(
  f: (...args: any[]) => number,
  g: (...args: any[]) => unknown,
  args: Arg[],
  argnums: number | number[] = 0,
  tol = 1e-6,
  h = 1e-6,
): void {
  const before = copyArgs(args);
  const got = g(...args);
  expect(show(args), 'arguments modified by the gradient call').to.equal(show(before));
  const list = Array.isArray(argnums) ? argnums : [argnums];
  const grads = (Array.isArray(argnums) ? got : [got]) as Grad[];
  expect(grads.length, 'number of gradients').to.equal(list.length);
  list.forEach((k, j) => {
    const what = `d/d(arg ${k}) at (${show(args)})`;
    expectSameKind(grads[j], args[k], what);
    // Float32Array inputs (float32-exact values) are widened so the differences are taken in float64.
    const wide = before.map((a) => (a instanceof Float32Array ? Float64Array.from(a) : a));
    const reference = finiteDiff(f, wide, k, h);
    expect(relError(grads[j], reference), `${what}: got ${show([grads[j]])}, finite differences ${show([reference])}`).to.be.below(tol);
  });
}

/** Compares with a derivative worked out by hand. */
export function expectClose(got: number | ArrayLike<number>, want: number | ArrayLike<number>, tol: number, what: string): void {
  expect(relError(got, want), `${what}: got ${typeof got === 'number' ? got : Array.from(got).join(', ')}, want ${typeof want === 'number' ? want : Array.from(want).join(', ')}`).to.be.below(tol);
}

export const modes = [true, false] as const;
