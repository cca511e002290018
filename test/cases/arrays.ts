// Arrays: parameters of each differentiable type, local arrays, in-place updates, index arrays.
import { grad, valueAndGrad } from 'tsgrad';

// ── parameters ─────────────────────────────────────────────────────────────────────────────────

export function sumSquaresF64(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i] * (i + 1);
  return s;
}
export const sumSquaresF64_grad = grad(sumSquaresF64);

export function sumSquaresF32(a: Float32Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i] * (i + 1);
  return s;
}
export const sumSquaresF32_grad = grad(sumSquaresF32);

export function sumSquaresNum(a: number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * a[i] * (i + 1);
  return s;
}
export const sumSquaresNum_grad = grad(sumSquaresNum);

/** Reads with computed indices, a scalar argument, and elements used several times. */
export function stencil(a: Float64Array, x: number): number {
  const n = a.length;
  let s = 0;
  for (let i = 1; i < n - 1; i++) {
    const d = a[i + 1] - 2 * a[i] + a[i - 1];
    s += d * d * x + Math.sin(a[n - 1 - i]) * a[i];
  }
  return s + a[0] * a[n - 1];
}
export const stencil_grad01 = grad(stencil, [0, 1]);

/** Two array arguments of different types, and a scalar. */
export function mixed(a: Float64Array, b: number[], c: Float32Array, x: number): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i] * b[i] + Math.exp(c[i] * x) * b[i];
  return s;
}
export const mixed_grad01 = grad(mixed, [0, 1]);
export const mixed_grad123 = grad(mixed, [1, 2, 3]);
export const mixed_grad2 = grad(mixed, 2);
export const mixed_vg = valueAndGrad(mixed, [0, 2]);

// ── local arrays ───────────────────────────────────────────────────────────────────────────────

export function localF64(x: Float64Array): number {
  const n = x.length;
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) y[i] = x[i] * x[i];
  let s = 0;
  for (let i = 0; i < y.length; i++) s += y[i] * y[n - 1 - i];
  return s;
}
export const localF64_grad = grad(localF64);

/** A Float32Array local rounds what is stored; values here are exact in float32. */
export function localF32(x: Float64Array): number {
  const t = new Float32Array(x.length);
  for (let i = 0; i < x.length; i++) t[i] = x[i] * 2;
  let s = 0;
  for (let i = 0; i < t.length; i++) s += t[i] * t[i];
  return s;
}
export const localF32_grad = grad(localF32);

export function localFill(x: number, n: number): number {
  const zeros: number[] = new Array(n).fill(0);
  const filled: number[] = new Array(n).fill(x * 2); // an active fill value
  const f64 = new Float64Array(n).fill(x); // fill on a typed array
  let s = 0;
  for (let i = 0; i < n; i++) {
    zeros[i] = x * i;
    s += zeros[i] * filled[i] + f64[i];
  }
  return s;
}
export const localFill_grad = grad(localFill);

export function literal(x: number, y: number): number {
  const v = [x, x * y, 3, Math.sin(y)];
  const w = [v[1], v[0]];
  v[2] = v[2] * x;
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * (i + 1);
  return s + w[0] * w[1] + w.length;
}
export const literal_grad01 = grad(literal, [0, 1]);

/** A local array allocated in each iteration of a loop. */
export function allocInLoop(x: Float64Array, reps: number): number {
  let s = 0;
  for (let r = 0; r < reps; r++) {
    const tmp = new Float64Array(x.length);
    for (let i = 0; i < x.length; i++) tmp[i] = Math.sin(x[i] * (r + 1) + s);
    for (let i = 0; i < x.length; i++) s += tmp[i] * tmp[i] * 0.3;
  }
  return s;
}
export const allocInLoop_grad = grad(allocInLoop);

// ── in-place updates that need saved values ───────────────────────────────────────────────────

/** u[i] = u[i] * x + u[i-1], run over time steps, updating u in place from the right. */
export function recurrence(u0: Float64Array, x: number, steps: number): number {
  const n = u0.length;
  const u = new Float64Array(n);
  for (let i = 0; i < n; i++) u[i] = u0[i];
  for (let t = 0; t < steps; t++) {
    for (let i = n - 1; i >= 1; i--) u[i] = u[i] * x + u[i - 1];
    u[0] = u[0] * x;
  }
  let s = 0;
  for (let i = 0; i < n; i++) s += u[i] * u[i];
  return s;
}
export const recurrence_grad01 = grad(recurrence, [0, 1]);

/** Prefix sums overwritten repeatedly, with a nonlinearity between passes. */
export function prefixRepeat(x: Float64Array, passes: number): number {
  const n = x.length;
  const p = new Float64Array(n);
  for (let i = 0; i < n; i++) p[i] = x[i];
  for (let r = 0; r < passes; r++) {
    for (let i = 1; i < n; i++) p[i] += p[i - 1];
    for (let i = 0; i < n; i++) p[i] = Math.tanh(p[i] * p[i] * 0.5) - p[i] * 0.25;
  }
  let s = 0;
  for (let i = 0; i < n; i++) s += p[i] * (i + 1);
  return s;
}
export const prefixRepeat_grad = grad(prefixRepeat);

/** One element used as loop-carried state, with reads of the old value before each write. */
export function elementState(x: number, n: number): number {
  const st = new Float64Array(2);
  st[0] = x;
  st[1] = 1;
  for (let i = 0; i < n; i++) {
    const old = st[0];
    st[0] = Math.sin(st[0]) * st[1] + x;
    st[1] = st[1] * old * 0.5 + 1;
  }
  return st[0] * st[1];
}
export const elementState_grad = grad(elementState);

/** A write into a local number[] whose value is read back after more writes to other slots. */
export function sortNetwork(x: Float64Array): number {
  const v: number[] = new Array(x.length).fill(0);
  for (let i = 0; i < x.length; i++) v[i] = x[i];
  // bubble sort: data-dependent swaps
  for (let pass = 0; pass < v.length; pass++) {
    for (let i = 0; i + 1 < v.length; i++) {
      if (v[i] > v[i + 1]) {
        const t = v[i];
        v[i] = v[i + 1];
        v[i + 1] = t;
      }
    }
  }
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * (i + 1) * (i + 1);
  return s;
}
export const sortNetwork_grad = grad(sortNetwork);

// ── integer index arrays ───────────────────────────────────────────────────────────────────────

export function gather(x: Float64Array, idx: Int32Array): number {
  let s = 0;
  for (let i = 0; i < idx.length; i++) s += x[idx[i]] * x[idx[(i + 1) % idx.length]];
  return s;
}
export const gather_grad = grad(gather);

/** Scatter-add through an index array, then a nonlinear read of the result. */
export function scatter(x: Float64Array, idx: Int32Array, m: number): number {
  const out = new Float64Array(m);
  for (let i = 0; i < x.length; i++) out[idx[i]] += x[i] * idx[i];
  let s = 0;
  for (let j = 0; j < m; j++) s += out[j] * out[j];
  return s;
}
export const scatter_grad = grad(scatter);

/** A local Int32Array written and read as indices; Math.floor of data used as an index. */
export function bins(x: Float64Array, w: Float64Array): number {
  const order = new Int32Array(x.length);
  for (let i = 0; i < x.length; i++) order[i] = x.length - 1 - i;
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const b = Math.floor(Math.abs(x[order[i]]) * 2) % w.length;
    s += w[b] * x[order[i]];
  }
  return s;
}
export const bins_grad01 = grad(bins, [0, 1]);

/** .length of parameters and locals in arithmetic and bounds. */
export function lengths(a: Float64Array, b: number[]): number {
  const c = new Float64Array(a.length + b.length);
  for (let i = 0; i < a.length; i++) c[i] = a[i];
  for (let i = 0; i < b.length; i++) c[a.length + i] = b[i] * c.length;
  let s = 0;
  for (let i = 0; i < c.length; i++) s += c[i] * c[c.length - 1 - i];
  return s / c.length;
}
export const lengths_grad01 = grad(lengths, [0, 1]);

/** Running maximum from -Infinity, then a stable log-sum-exp: the gradient is softmax(a). */
export function logSumExp(a: Float64Array): number {
  let m = -Infinity;
  for (let i = 0; i < a.length; i++) m = Math.max(m, a[i]);
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.exp(a[i] - m);
  return m + Math.log(s);
}
export const logSumExp_grad = grad(logSumExp);

/** Index of the maximum as a number: a piecewise-constant function (zero gradient). */
export function maxTimesIndex(a: number[]): number {
  let best = 0;
  for (let i = 1; i < a.length; i++) if (a[i] > a[best]) best = i;
  return a[best] * (best + 1);
}
export const maxTimesIndex_grad = grad(maxTimesIndex);
