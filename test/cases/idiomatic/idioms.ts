// Small functions, one everyday construct each, on number and number[] parameters (which tsgrad
// has always accepted), so that each construct is seen on its own: guards, casts, `??`, comma
// expressions, swaps, labeled loops, Infinity as a starting minimum, Newton iterations.

/** Input validation as people write it: a guard that throws, then the computation. */
export function guardedLog(x: number): number {
  if (!Number.isFinite(x) || x <= 0) throw new RangeError(`log of ${x}`);
  return Math.log(x) * x;
}

/** Debug output left in. */
export function withLogging(xs: number[]): number {
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += xs[i] ** 3;
  if (s > 1e6) console.warn('large sum', s);
  return s;
}

/** Non-null assertion and `as` casts, which change nothing at run time. */
export function casts(xs: number[]): number {
  const first = xs[0]!;
  const last = xs[xs.length - 1] as number;
  return (first * last) satisfies number;
}

/** An optional parameter with `??`. */
export function scaled(xs: number[], factor?: number): number {
  const k = factor ?? 2;
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += k * Math.sin(xs[i]);
  return s;
}

/** Two indices walking towards each other, with a comma in the loop header. */
export function foldedProduct(xs: number[]): number {
  let s = 0;
  for (let i = 0, j = xs.length - 1; i < j; i++, j--) s += xs[i] * xs[j];
  return s;
}

/** Packed lower-triangular storage read with `k++` inside the index (gmm's Q·v). */
export function packedTriangle(ltri: number[], v: number[]): number {
  let k = 0;
  let s = 0;
  for (let i = 0; i < v.length; i++) {
    for (let j = i + 1; j < v.length; j++) s += ltri[k++] * v[i] * v[j];
  }
  return s;
}

/** Nearest point by a running minimum started at Infinity (k-means written with loops). */
export function nearestSquaredDistance(point: number[], centres: number[]): number {
  let best = Infinity;
  for (let c = 0; c < centres.length; c += 2) {
    const d = (point[0] - centres[c]) ** 2 + (point[1] - centres[c + 1]) ** 2;
    if (d < best) best = d;
  }
  return best;
}

/** A variable swap through a temporary inside a loop (an iteration of the Fibonacci kind). */
export function twoTermRecurrence(a0: number, b0: number, x: number): number {
  let a = a0;
  let b = b0;
  for (let i = 0; i < 6; i++) {
    const t = a;
    a = b;
    b = t + x * b;
  }
  return b;
}

/** A labeled break out of two loops at the first large partial sum. */
export function firstLarge(xs: number[], cols: number): number {
  let s = 0;
  outer: for (let i = 0; i < xs.length; i += cols) {
    for (let j = 0; j < cols; j++) {
      s += xs[i + j] * xs[i + j];
      if (s > 2) break outer;
    }
  }
  return s;
}

/** sqrt by Newton's method, iterated to convergence with `while (true)`. */
export function newtonSqrt(a: number): number {
  let x = a > 1 ? a : 1;
  while (true) {
    const next = 0.5 * (x + a / x);
    if (Math.abs(next - x) < 1e-15 * x) return next;
    x = next;
  }
}

/** Math.max/min with several arguments and the last element by `.at(-1)`. */
export function spread3(xs: number[]): number {
  return Math.max(xs[0], xs[1], xs[2]) - Math.min(xs[0], xs[1], xs[2]) + xs.at(-1)! * 2;
}

/** A string-literal union compared with `if`, without a switch. */
export function penalty(x: number, kind: 'l1' | 'l2' | 'huber'): number {
  if (kind === 'l1') return Math.abs(x);
  if (kind === 'l2') return x * x;
  return Math.abs(x) < 1 ? 0.5 * x * x : Math.abs(x) - 0.5;
}

/** Shadowing in nested blocks. */
export function shadowing(x: number): number {
  let y = x * 2;
  {
    const y2 = y;
    let x = y2 + 1;
    x *= x;
    y += x;
  }
  return y * x;
}

/** An exponent that is a loop counter (polynomial evaluation without Horner). */
export function powerSeries(coeffs: number[], x: number): number {
  let s = 0;
  for (let j = 0; j < coeffs.length; j++) s += coeffs[j] * x ** j;
  return s;
}

/** Bitwise truncation to an index, as in table lookups and interpolation: `(t * n) | 0`. */
export function linearInterpolation(table: number[], t: number): number {
  const pos = t * (table.length - 1);
  const i = pos | 0;
  const frac = pos - i;
  return table[i] * (1 - frac) + table[i + 1] * frac;
}

/** Unary plus, chained assignment, a `let` declared without a value. */
export function unaryAndChained(x: number, y: number): number {
  let a: number;
  let b: number;
  a = b = +x * 2;
  let z;
  if (y > 0) z = a * y;
  else z = b - y;
  return z * -a;
}

/** An assignment inside a loop condition. */
export function assignInCondition(x: number): number {
  let steps = 0;
  let v = x;
  while ((v = Math.cos(v)) > 0.5 && steps < 5) steps++;
  return v * x;
}

/** Quadrature with a table of nodes and weights at module level. */
const GAUSS_NODES = [-0.906179845938664, -0.5384693101056831, 0, 0.5384693101056831, 0.906179845938664];
const GAUSS_WEIGHTS = [0.23692688505618908, 0.47862867049936647, 0.5688888888888889, 0.47862867049936647, 0.23692688505618908];

/** ∫ₐᵇ exp(−c t²) dt by 5-point Gauss–Legendre. */
export function gaussLegendre(a: number, b: number, c: number): number {
  const half = (b - a) / 2;
  const mid = (a + b) / 2;
  let s = 0;
  for (let i = 0; i < GAUSS_NODES.length; i++) {
    const t = mid + half * GAUSS_NODES[i];
    s += GAUSS_WEIGHTS[i] * Math.exp(-c * t * t);
  }
  return half * s;
}

/** Negative bases with integer exponents, `**=`, and `%` on negative numbers. */
export function signedPowers(x: number, y: number): number {
  let p = x;
  p **= 3;
  const q = (-y) ** 2 + x ** 4;
  const r = (x * 7) % 3;
  return p + q * r;
}

/** A reverse loop and a boolean flag. */
export function lastAbove(xs: number[], threshold: number): number {
  let found = false;
  let value = 0;
  for (let i = xs.length - 1; i >= 0 && !found; i--) {
    if (xs[i] > threshold) {
      found = true;
      value = xs[i] * xs[i];
    }
  }
  return found ? value : threshold;
}

/** A parameter array overwritten in place (the caller's array is the function's scratch space). */
export function normalizeInPlace(xs: number[]): number {
  let norm = 0;
  for (let i = 0; i < xs.length; i++) norm += xs[i] * xs[i];
  norm = Math.sqrt(norm);
  for (let i = 0; i < xs.length; i++) xs[i] /= norm;
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += (i + 1) * xs[i];
  return s;
}

/** Number.EPSILON and Math constants in a smoothed absolute value. */
export function smoothAbs(x: number): number {
  return Math.sqrt(x * x + Number.EPSILON) * Math.SQRT2 + Math.LN2 * x;
}
