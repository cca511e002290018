// A recursive function compiled on its own: the derivative calls horner_primal in its forward
// sweep and horner_pullback in its reverse sweep; the pullback recomputes its call, reverses it,
// adds into the coefficients' adjoint and returns x's.
import { grad } from 'tsgrad';

function horner(c: Float64Array, x: number, from: number): number {
  return from >= c.length ? 0 : c[from] + x * horner(c, x, from + 1);
}

export function f(c: Float64Array, x: number): number {
  return horner(c, x, 0) ** 2;
}
export const df = grad(f);
export const args = [[Float64Array.of(0.5, -1.2, 0.3, 2), 0.7]];
