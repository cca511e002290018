// Forward mode: the tangent-linear code jacfwd runs (one jvp per input direction). For a scalar
// f the 1×n Jacobian is the gradient, which the golden test checks against finite differences.
import { jacfwd } from 'tsgrad';

export function f(x: Float64Array): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) s += Math.sin(x[i]) * Math.exp(-0.5 * x[i] * x[i]);
  return s * s;
}
export const df = jacfwd(f);
export const args = [[Float64Array.from([0.3, -1.1, 0.8])], [Float64Array.from([2.0, 0.1, -0.4])]];
