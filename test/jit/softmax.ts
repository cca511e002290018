// Softmax cross-entropy written per sample, with the sample loop marked parallel.
import { jit, jitAsync } from 'tsgrad';

export function loss(theta: Float32Array, X: Float32Array, y: Int32Array, n: number, d: number, c: number): number {
  let total = 0;
  // @parallel
  for (let i = 0; i < n; i++) {
    let m = -Infinity;
    for (let k = 0; k < c; k++) {
      let z = 0;
      for (let j = 0; j < d; j++) z += theta[k * d + j] * X[i * d + j];
      m = Math.max(m, z);
    }
    let s = 0;
    for (let k = 0; k < c; k++) {
      let z = 0;
      for (let j = 0; j < d; j++) z += theta[k * d + j] * X[i * d + j];
      s += Math.exp(z - m);
    }
    let zy = 0;
    for (let j = 0; j < d; j++) zy += theta[y[i] * d + j] * X[i * d + j];
    total += Math.log(s) + m - zy;
  }
  return total / n;
}

/** Logits of every sample: writes a block of c per iteration. */
export function logits(theta: Float32Array, X: Float32Array, out: Float64Array, n: number, d: number, c: number): number {
  // @parallel
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < c; k++) {
      let z = 0;
      for (let j = 0; j < d; j++) z += theta[k * d + j] * X[i * d + j];
      out[i * c + k] = z;
    }
  }
  return 0;
}

export const lossJit = jit(loss);
export const lossAsync = jitAsync(loss);
export const logitsJit = jit(logits);

export const lossOn = {
  cpu: jit(loss, { backend: 'cpu' }),
  webasm: jit(loss, { backend: 'webasm' }),
  js: jit(loss, { backend: 'js' }),
};
export const logitsOn = {
  cpu: jit(logits, { backend: 'cpu' }),
  webasm: jit(logits, { backend: 'webasm' }),
};
