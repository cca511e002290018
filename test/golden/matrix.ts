// An array of arrays read by row (for…of, reduce): a row is another name for its array. The
// gradient is taken with respect to x; rows.test.ts checks gradients with respect to the matrix.
import { grad } from 'tsgrad';

export function f(x: number[], W: number[][]): number {
  let s = 0;
  for (const row of W) {
    const z = row.reduce((t, w, j) => t + w * x[j], 0);
    s += Math.tanh(z);
  }
  return s;
}
export const df = grad(f);
export const args = [[[1.5, 0.4], [[0.3, -1.2], [0.8, 0.1]]]];
