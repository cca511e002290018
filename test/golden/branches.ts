// Branches inside a loop, an early return and a helper call: control decisions on the tape.
import { grad } from 'tsgrad';

function softplus(z: number): number {
  if (z > 20) return z;
  return Math.log1p(Math.exp(z));
}

export function f(x: Float64Array, n: number): number {
  let s = 0;
  for (let i = 0; i < n; i++) {
    const v = x[i] > 0 ? x[i] * x[i] : -x[i];
    if (v > 10) break;
    s += softplus(v) * Math.cos(x[i]);
  }
  return s;
}
export const df = grad(f);
export const args = [[new Float64Array([0.5, -1.5, 2.0, 0.25]), 4], [new Float64Array([0.5, 4, 2.0]), 3]];
