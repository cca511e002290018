// DESIGN.md's example: a loop-carried product, saved on the tape each iteration.
import { grad } from 'tsgrad';

export function f(x: number): number {
  let p = 1;
  for (let i = 0; i < 5; i++) {
    p *= x;
  }
  return p;
}
export const df = grad(f);
export const args = [[1.3], [-0.7]];
