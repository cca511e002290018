// A time loop over number[] states written with helpers that return new arrays: the generated
// gradient reuses each step's arrays (one adjoint buffer per array variable, the primal arrays
// refilled) and swaps the state with the step's result instead of taping references.
import { grad } from 'tsgrad';

const tendency = (x: number[]): number[] => x.map((xi, i) => -xi + 0.5 * x[(i + 1) % x.length] ** 2);
const axpy = (a: number, x: number[], y: number[]): number[] => y.map((yi, i) => yi + a * x[i]);

export function f(x0: number[]): number {
  let x = x0;
  for (let t = 0; t < 3; t++) {
    const k1 = tendency(x);
    x = axpy(0.1, tendency(axpy(0.05, k1, x)), x);
  }
  return x.reduce((s, v) => s + v * v, 0);
}
export const df = grad(f);
export const args = [[[0.3, -0.2, 0.5, 0.1]]];
