// jit of derivatives: each function's gradient runs with its parallel loops' leaf sums as kernels
// (forward) and gathers (adjoint), on cpu, webasm and js; test/jit-grad.test.ts checks them against
// central finite differences of the plain float64 function.
import { grad, jit, jitAsync, valueAndGrad } from 'tsgrad';

/** Softmax cross-entropy, theta c×d row-major: the example's loss (three leaf sums per sample, one indexed by y[i]). */
export { softmaxLoss as softmax } from '../../examples/softmax-gpu/loss.js';
import { softmaxLoss as softmax } from '../../examples/softmax-gpu/loss.js';

/**
 * Gradient with respect to the data and a scalar too: X[i*d + j] (each element owned by one sample,
 * inverted to i and j without a loop), w read outside the leaf sums (host), a sum with `-=`, a
 * nonlinear summand, and a loop starting at an offset.
 */
export function mixed(X: Float64Array, v: Float64Array, w: number, from: number, n: number, d: number): number {
  let total = 0;
  // @parallel
  for (let i = from; i < n; i++) {
    let a = 0;
    let b = 0;
    for (let j = 0; j < d; j++) {
      const t = X[i * d + j] * v[j];
      a += Math.tanh(t);
      b -= t * t * 0.5;
    }
    total += w * a * a + Math.exp(b / d);
  }
  return total;
}

/** An index the gather cannot invert (v[(j * 3 + k) % d]): every instance is compared with the element. */
export function scrambled(v: Float32Array, X: Float32Array, n: number, d: number, c: number): number {
  let total = 0;
  // @parallel
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < c; k++) {
      let z = 0;
      for (let j = 0; j < d; j++) z += v[(j * 3 + k) % d] * X[i * d + j];
      total += z * z;
    }
  }
  return total;
}

/** A leaf sum whose summand reads an active value from outside it: stays on the host (sequential), still exact. */
export function hostOnly(v: Float64Array, X: Float64Array, n: number, d: number): number {
  let total = 0;
  // @parallel
  for (let i = 0; i < n; i++) {
    const s = v[i % d];
    let z = 0;
    for (let j = 0; j < d; j++) z += s * X[i * d + j];
    total += z * z;
  }
  return total;
}

/** The parallel loop inside a sequential loop (its buffers are reallocated each time), and a sum under a branch. */
export function repeated(v: Float32Array, X: Float32Array, n: number, d: number, reps: number): number {
  let total = 0;
  for (let r = 0; r < reps; r++) {
    // @parallel
    for (let i = 0; i < n; i++) {
      let z = 0;
      if (i % 3 !== 1) {
        for (let j = 0; j < d; j++) z += v[j] * X[i * d + j];
      }
      total += Math.sin(z + r);
    }
  }
  return total;
}

/**
 * A leaf sum inside two loops: instances k × l per sample, decoded from the thread's index in mixed
 * radix; theta[(k * h + l) * d + j] is inverted to three counters (j, l, k), X[i * d + j] to i and j.
 */
export function twoLevels(theta: Float32Array, X: Float32Array, n: number, d: number, c: number, h: number): number {
  let total = 0;
  // @parallel
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < c; k++) {
      for (let l = 0; l < h; l++) {
        let z = 0;
        for (let j = 0; j < d; j++) z += theta[(k * h + l) * d + j] * X[i * d + j];
        total += Math.tanh(z) * (l + 1);
      }
    }
  }
  return total;
}

/**
 * Even and odd powers of differences that are negative for some samples, and a sine of up to ±40: the
 * gathers' partials 2·a, 3·a² and cos, which GPU pow and cos got wrong (compiler/passes/kernelMath.ts).
 */
export function powerSums(u: Float32Array, X: Float32Array, n: number, d: number): number {
  let total = 0;
  // @parallel
  for (let i = 0; i < n; i++) {
    let z = 0;
    for (let j = 0; j < d; j++) z += (u[j] - X[i * d + j]) ** 2 - 0.5 * Math.pow(u[j] - X[i * d + j], 3) + Math.sin(40 * u[j] * X[i * d + j]);
    total += z;
  }
  return total;
}

const on = <F extends (...args: any[]) => any>(cpu: F, webasm: F, js: F) => ({ cpu, webasm, js });
export const softmaxOn = on(
  jit(valueAndGrad(softmax), { backend: 'cpu' }),
  jit(valueAndGrad(softmax), { backend: 'webasm' }),
  jit(valueAndGrad(softmax), { backend: 'js' }),
);
export const mixedOn = on(
  jit(grad(mixed, [0, 1, 2]), { backend: 'cpu' }),
  jit(grad(mixed, [0, 1, 2]), { backend: 'webasm' }),
  jit(grad(mixed, [0, 1, 2]), { backend: 'js' }),
);
export const scrambledOn = on(jit(grad(scrambled), { backend: 'cpu' }), jit(grad(scrambled), { backend: 'webasm' }), jit(grad(scrambled), { backend: 'js' }));
export const hostOnlyOn = on(jit(grad(hostOnly), { backend: 'cpu' }), jit(grad(hostOnly), { backend: 'webasm' }), jit(grad(hostOnly), { backend: 'js' }));
export const repeatedOn = on(jit(grad(repeated), { backend: 'cpu' }), jit(grad(repeated), { backend: 'webasm' }), jit(grad(repeated), { backend: 'js' }));
export const powerSumsOn = on(jit(grad(powerSums), { backend: 'cpu' }), jit(grad(powerSums), { backend: 'webasm' }), jit(grad(powerSums), { backend: 'js' }));
export const twoLevelsOn = on(jit(grad(twoLevels, [0, 1]), { backend: 'cpu' }), jit(grad(twoLevels, [0, 1]), { backend: 'webasm' }), jit(grad(twoLevels, [0, 1]), { backend: 'js' }));
export const softmaxAsync = jitAsync(valueAndGrad(softmax), { backend: 'webasm' });
