// Second order: hvp is reverse mode over the tangent-linear program. f below is ∇E(x)·V written
// by hand, so its finite differences are H·V, which hvp(E)(x, V) must match.
import { hvp } from 'tsgrad';

export function energy(x: Float64Array): number {
  let e = 0;
  for (let i = 0; i + 1 < x.length; i++) e += Math.sin(x[i]) * x[i + 1];
  return e;
}
const V = Float64Array.from([0.5, -1, 2, 0.25]);
export function f(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i + 1 < x.length; i++) s += Math.cos(x[i]) * x[i + 1] * V[i] + Math.sin(x[i]) * V[i + 1];
  return s;
}
const energyHvp = hvp(energy);
export const df = (x: Float64Array) => energyHvp(x, V);
export const args = [[Float64Array.from([0.3, -1.1, 0.8, 1.5])], [Float64Array.from([2.0, 0.1, -0.4, -2.2])]];
