// Parallel loops of each kind jit lowers, bound to every backend CI has (cpu, webasm) and to js.
import { jit, jitAsync } from 'tsgrad';

/** Softmax cross-entropy, theta c×d row-major: the example's loss (three leaf sums per sample, one indexed by y[i]). */
export { softmaxLoss as loss } from '../../examples/softmax-gpu/loss.js';
import { softmaxLoss as loss } from '../../examples/softmax-gpu/loss.js';

/** Logits of every sample: each iteration writes its block out[i*c .. i*c+c-1]. */
export function logits(theta: Float32Array, X: Float32Array, out: Float64Array, n: number, d: number, c: number): number {
  // @parallel
  for (let i = 0; i < n; i++) {
    for (let k = 0; k < c; k++) {
      let z = 0;
      for (let j = 0; j < d; j++) z += theta[k * d + j] * X[i * d + j];
      out[i * c + k] = z;
    }
  }
  return out[0];
}

/** Max and min reductions, a loop starting at an offset, a branch on a private value. */
export function extremes(x: Float32Array, from: number, n: number): number {
  let hi = -Infinity;
  let lo = Infinity;
  let pos = 0;
  // @parallel
  for (let i = from; i < n; i++) {
    const v = x[i] * x[i] - 0.5 * x[i];
    hi = Math.max(hi, v);
    lo = Math.min(v, lo);
    if (v > 0) pos += 1;
  }
  return hi - 2 * lo + pos;
}

/** Two writes per iteration at fixed slots, a ternary, a scalar parameter read in the kernel. */
export function pairs(x: Float32Array, out: Float64Array, n: number, scale: number): number {
  // @parallel
  for (let i = 0; i < n; i++) {
    const a = x[i] * scale;
    out[2 * i] = a > 0 ? Math.sqrt(a) : -Math.sqrt(-a);
    out[2 * i + 1] = Math.tanh(a) + Math.abs(a) ** 1.5;
  }
  return 0;
}

/** An inner loop longer than gpu.js's default loopMaxIterations (1000). */
export function rowSums(A: Float32Array, out: Float64Array, rows: number, cols: number): number {
  let total = 0;
  // @parallel
  for (let r = 0; r < rows; r++) {
    let s = 0;
    for (let j = 0; j < cols; j++) s += A[r * cols + j];
    out[r] = s;
    total += s;
  }
  return total;
}

/** A helper function called inside the parallel loop (inlined). */
function softplus(z: number): number {
  return Math.max(z, 0) + Math.log(1 + Math.exp(-Math.abs(z)));
}
export function meanSoftplus(x: Float32Array, n: number): number {
  let s = 0;
  // @parallel
  for (let i = 0; i < n; i++) s += softplus(x[i]);
  return s / n;
}

/** Running sums along each row: the value stored at slot k depends on slots before it. */
export function prefixRows(x: Float32Array, out: Float64Array, n: number, w: number): number {
  // @parallel
  for (let i = 0; i < n; i++) {
    let acc = 0;
    for (let k = 0; k < w; k++) {
      acc += x[i * w + k];
      out[i * w + k] = acc;
    }
  }
  return 0;
}

/**
 * Powers and trigonometry with JavaScript's meaning on every backend (compiler/passes/kernelMath.ts):
 * negative bases to integer powers (the sign by parity), to a fractional one (NaN), 0 ** -1, a
 * scalar exponent; sin and cos far outside [-π, π], where the GPUs' own are not accurate.
 */
export function powers(x: Float32Array, t: Float32Array, out: Float64Array, n: number, k: number): number {
  // @parallel
  for (let i = 0; i < n; i++) {
    out[4 * i] = x[i] ** 3 - x[i] ** 2;
    out[4 * i + 1] = Math.pow(x[i], k);
    out[4 * i + 2] = x[i] ** -1 + x[i] ** 0;
    out[4 * i + 3] = Math.sin(t[i]) - 2 * Math.cos(t[i]);
  }
  return 0;
}

const on = <F extends (...args: any[]) => any>(cpu: F, webasm: F, js: F) => ({ cpu, webasm, js });
export const lossOn = on(jit(loss, { backend: 'cpu' }), jit(loss, { backend: 'webasm' }), jit(loss, { backend: 'js' }));
export const logitsOn = on(jit(logits, { backend: 'cpu' }), jit(logits, { backend: 'webasm' }), jit(logits, { backend: 'js' }));
export const extremesOn = on(jit(extremes, { backend: 'cpu' }), jit(extremes, { backend: 'webasm' }), jit(extremes, { backend: 'js' }));
export const pairsOn = on(jit(pairs, { backend: 'cpu' }), jit(pairs, { backend: 'webasm' }), jit(pairs, { backend: 'js' }));
export const rowSumsOn = on(jit(rowSums, { backend: 'cpu' }), jit(rowSums, { backend: 'webasm' }), jit(rowSums, { backend: 'js' }));
export const softplusOn = on(jit(meanSoftplus, { backend: 'cpu' }), jit(meanSoftplus, { backend: 'webasm' }), jit(meanSoftplus, { backend: 'js' }));
export const powersOn = on(jit(powers, { backend: 'cpu' }), jit(powers, { backend: 'webasm' }), jit(powers, { backend: 'js' }));
export const prefixRowsOn = on(jit(prefixRows, { backend: 'cpu' }), jit(prefixRows, { backend: 'webasm' }), jit(prefixRows, { backend: 'js' }));
/** An inline function jit-compiled inside another function, reading that function's const array. */
export function inlineJit(): (x: Float32Array, n: number) => number {
  const w = Float32Array.from({ length: 2000 }, (_, i) => 1 + (i % 3));
  return jit((x: Float32Array, n: number): number => {
    let s = 0;
    // @parallel
    for (let i = 0; i < n; i++) s += x[i] * w[i];
    return s;
  }, { backend: 'webasm' });
}
export const lossAsync = jitAsync(loss, { backend: 'webasm' });
export const lossAsyncOption = jit(loss, { backend: 'cpu', async: true });
