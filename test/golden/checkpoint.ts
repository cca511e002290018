// A time loop reversed with binomial checkpointing: the state (x, J) is saved before the steps the
// schedule names and the reverse sweep runs the schedule's operations.
import { grad } from 'tsgrad';

export function f(x0: Float64Array, steps: number): number {
  const x = new Float64Array(x0.length);
  for (let i = 0; i < x.length; i++) x[i] = x0[i];
  let J = 0;
  // @checkpoint snapshots=3
  for (let t = 0; t < steps; t++) {
    for (let i = 0; i < x.length; i++) x[i] = Math.sin(x[i]) + 0.1 * x[i];
    J += x[0] * x[1];
  }
  return J;
}

export const df = grad(f);
export const args = [
  [Float64Array.from([0.3, -0.7, 1.1]), 1],
  [Float64Array.from([0.3, -0.7, 1.1]), 9],
];
