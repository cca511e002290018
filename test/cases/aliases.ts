// The marker imported under another name and through a namespace; a user's own function named
// grad, which the transformer must leave alone.
import { grad as g, valueAndGrad as vg } from 'tsgrad';
import * as tg from 'tsgrad';

export function f(x: number, y: number): number {
  return x * x * y;
}

export const viaAlias = g(f);
export const viaAliasVg = vg(f, 1);
export const viaNamespace = tg.grad(f, [0, 1]);
export const viaNamespaceVg = tg.valueAndGrad(f);

/** Unrelated to tsgrad: twice its argument. */
export function grad(x: number): number {
  return 2 * x;
}
export const ownGrad = grad(21);

export const valueAndGrad = (h: (x: number) => number): number => h(1) + 100;
export const ownValueAndGrad = valueAndGrad((x: number) => x * 3);
