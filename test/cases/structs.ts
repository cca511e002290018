// Structured parameters (test/structs.test.ts): objects of numbers and arrays, nested, get
// derivatives of the same shape.
import { grad, hvp, jvp, valueAndGrad, vjp } from 'tsgrad';

export interface Layer {
  W: Float64Array;
  b: Float64Array;
}
export interface Params {
  hidden: Layer;
  out: { w: Float64Array; b: number };
  scale: number;
  /** Not differentiable: its derivative slot is null. */
  order: Int32Array;
}

/** out = tanh(W x + b) for a layer given as an object (inlined with the object bound). */
function dense(layer: Layer, x: Float64Array, out: Float64Array): void {
  const m = layer.b.length;
  for (let k = 0; k < m; k++) {
    let z = layer.b[k];
    for (let j = 0; j < x.length; j++) z += layer.W[k * x.length + j] * x[j];
    out[k] = Math.tanh(z);
  }
}

/** A one-hidden-layer network's squared error on one sample. */
export function mlp(params: Params, x: Float64Array, y: number): number {
  const h = new Float64Array(params.hidden.b.length);
  dense(params.hidden, x, h);
  let pred = params.out.b;
  for (let k = 0; k < h.length; k++) pred += params.out.w[params.order[k]] * h[k];
  const r = params.scale * pred - y;
  return r * r;
}

export const mlp_grad = grad(mlp);
export const mlp_valueAndGrad01 = valueAndGrad(mlp, [0, 1]);
export const mlp_vjp = (p: Params, x: Float64Array, y: number) => vjp(mlp, p, x, y);
export const mlp_jvp = (p: Params, x: Float64Array, y: number, dp: Params, dx: Float64Array) => jvp(mlp, [p, x, y], [dp, dx, 0]);
export const mlp_hvp = hvp(mlp);
