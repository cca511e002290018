// Arithmetic, assignments, variables and expressions.
import { grad, valueAndGrad } from 'tsgrad';

// ── binary operators ───────────────────────────────────────────────────────────────────────────

export function ops(x: number, y: number): number {
  return x + y * x - y / x + x * x * x - 3 - y;
}
export const ops_grad01 = grad(ops, [0, 1]);

export function quotient(x: number, y: number): number {
  return (x * x + 1) / (y * y + 2) - 1 / x;
}
export const quotient_grad01 = grad(quotient, [0, 1]);

/** x ** 3 with a constant exponent, a ** b with both active (a > 0). */
export function power(x: number, a: number, b: number): number {
  return x ** 3 + a ** b + 2 ** x;
}
export const power_grad012 = grad(power, [0, 1, 2]);

/** JS remainder: x % y = x - y * trunc(x / y). */
export function remainder(x: number, y: number): number {
  return (x % y) * x + (x * 3) % 2;
}
export const remainder_grad01 = grad(remainder, [0, 1]);

export function negation(x: number, y: number): number {
  const a = -x;
  const b = -(x * y);
  return -a * b + -(-y) + +x;
}
export const negation_grad01 = grad(negation, [0, 1]);

// ── compound assignment ────────────────────────────────────────────────────────────────────────

export function compoundScalar(x: number, y: number): number {
  let s = x;
  s += y * x;
  s -= y;
  s *= x;
  s /= y;
  s **= 2;
  let r = x * 3 + 0.25;
  r %= y; // test points keep r / y away from integers
  return s + r;
}
export const compoundScalar_grad01 = grad(compoundScalar, [0, 1]);

export function compoundElements(x: number, y: number): number {
  const a = new Float64Array(6);
  a[0] = x;
  a[0] += y;
  a[1] = x;
  a[1] -= y * y;
  a[2] = 2;
  a[2] *= x;
  a[2] *= x;
  a[3] = x;
  a[3] /= y;
  a[4] = x;
  a[4] **= 3;
  a[5] = x * 5;
  a[5] %= y;
  let s = 0;
  for (let i = 0; i < 6; i++) s += a[i] * (i + 1);
  return s;
}
export const compoundElements_grad01 = grad(compoundElements, [0, 1]);

/** Compound assignment whose value is used in an expression. */
export function compoundValue(x: number): number {
  let s = x;
  const t = (s *= x) + 1; // s = x², t = x² + 1
  return s * t;
}
export const compoundValue_grad = grad(compoundValue);

// ── ++ and -- ──────────────────────────────────────────────────────────────────────────────────

export function increments(x: number): number {
  let a = x;
  a++; // x + 1
  ++a; // x + 2
  let b = a--; // b = x + 2, a = x + 1
  const c = --a; // a = x, c = x
  const d = ++b * a; // b = x + 3, d = (x + 3) x
  const e = b++ * c; // e = (x + 3) x, b = x + 4
  return d + e + b * b + a;
}
export const increments_grad = grad(increments);

/** a[i++] and friends: the index moves, the values are differentiated. */
export function indexIncrement(v: Float64Array, x: number): number {
  const out = new Float64Array(4);
  let i = 0;
  out[i++] = v[0] * x; // out[0]
  out[i++] = v[1] + x; // out[1]
  let j = 0;
  let s = v[j++] * v[j++]; // v[0] * v[1]
  s += v[++j] * x; // v[3] * x (j = 3)
  out[--i] *= x; // out[1] *= x
  out[i + 1]++; // out[2] = 1
  out[3] = 2;
  out[3]--; // out[3] = 1
  return s + out[0] * out[1] + out[2] * x + out[3] * v[2];
}
export const indexIncrement_grad01 = grad(indexIncrement, [0, 1]);

/** Element ++ of an active value. */
export function elementIncrement(x: number): number {
  const a = new Float64Array(2);
  a[0] = x * x;
  a[0]++;
  const old = a[0]++;
  ++a[1];
  a[1] += x;
  return a[0] * old + a[1] * a[1];
}
export const elementIncrement_grad = grad(elementIncrement);

// ── variables ──────────────────────────────────────────────────────────────────────────────────

export function shadowing(x: number): number {
  const a = x * 2;
  let s = a;
  {
    const a = x * x; // shadows the outer a
    s += a;
    {
      let a = 3;
      a = a * x;
      s *= a;
    }
    s += a; // x * x
  }
  if (x > -100) {
    const a = Math.sin(x);
    s += a;
  }
  return s + a; // outer a: 2x
}
export const shadowing_grad = grad(shadowing);

export function reassignment(x: number): number {
  let y = x;
  y = y * y;
  let z = y;
  y = 3;
  z = z + y * x;
  const w = z;
  z = w * x;
  return z + y;
}
export const reassignment_grad = grad(reassignment);

/** Parameters assigned in the body. */
export function paramReassign(x: number, y: number): number {
  const x0 = x;
  x = x * x;
  y = y + x;
  x = Math.sin(x) * y;
  y = 2;
  return x * y + x0;
}
export const paramReassign_grad01 = grad(paramReassign, [0, 1]);

/** A parameter overwritten by a constant: the derivative through it stops. */
export function paramOverwrite(x: number, y: number): number {
  const keep = x * y;
  x = 5;
  return keep + x * y;
}
export const paramOverwrite_grad01 = grad(paramOverwrite, [0, 1]);

// ── conditional expressions and logic ──────────────────────────────────────────────────────────

export function ternary(x: number, y: number): number {
  const a = x > y ? x : y; // select between two values
  const b = x > 0 ? x * x : -x * y; // arms with work
  const c = x < 1 ? (y > 0 ? x * y : y) : 2 * x; // nested
  return a + b + c;
}
export const ternary_grad01 = grad(ternary, [0, 1]);

export function logic(x: number, y: number, flag: boolean): number {
  let s = 0;
  if (x > 0 && y > 0) s += x * y;
  if (x < 0 || y < 0) s += x - y * y;
  if (!(x > 1) && (flag || y > 2)) s += Math.exp(x);
  if ((x > 0 && y < 0) || (x < 0 && y > 0)) s *= x;
  const t = flag && x > 0 ? x : y;
  return s + t * t;
}
export const logic_grad01 = grad(logic, [0, 1]);

/** Boolean locals and comparisons with == and !=. */
export function booleans(x: number, n: number): number {
  const big = x > 1;
  let s = x;
  let neg = false;
  if (x < 0) neg = true;
  // eslint-disable-next-line eqeqeq
  if (n == 2) s *= x;
  // eslint-disable-next-line eqeqeq
  if (n != 3 && !neg) s += 1;
  if (big === neg) s = s * 3;
  return neg ? -s : s;
}
export const booleans_grad = grad(booleans);

export function comma(x: number): number {
  let a = 0;
  let b = 0;
  const c = ((a = x * x), (b = a * x), a + b);
  return c * x;
}
export const comma_grad = grad(comma);

/** Constants: NaN-free literals, Infinity in comparisons, numeric separators. */
export function literals(x: number): number {
  const big = 1_000;
  let s = x * big + 0.5e-3 * x + 0x10;
  if (x < Infinity) s += x;
  return s;
}
export const literals_grad = grad(literals);

// ── valueAndGrad ───────────────────────────────────────────────────────────────────────────────

export const ops_vg = valueAndGrad(ops);
export const ops_vg01 = valueAndGrad(ops, [0, 1]);
export const ops_grad1 = grad(ops, 1);

/** The result does not depend on x. */
export function constant(x: number, y: number): number {
  return y * 2 + 1;
}
export const constant_grad = grad(constant);
export const constant_vg = valueAndGrad(constant);

// ── user names that look like generated ones ───────────────────────────────────────────────────

// module-level names the generated code must not shadow (not literals, so they are read by name)
const tape = Math.sqrt(0.25);
const value = 1 + 2;

export function lookalikes(x: number, x_b: number, _t0: number): number {
  const _g = x * x_b;
  let _y = _g + tape;
  const _n0 = _y * x + value;
  let _brk0 = 0;
  for (let _k0 = 0; _k0 < 4; _k0 += 2) _brk0 += _n0 * _t0;
  const __tsgrad = 2;
  _y = _brk0 * __tsgrad + x;
  return _y;
}
export const lookalikes_grad012 = grad(lookalikes, [0, 1, 2]);

/** The names of the indexed tape's stacks (floats, ints, nf, ni, nf_2) as the user's: parameters (one unused), a local, a module constant. */
const nf = 3;
export function stackNames(floats: number, ni: number, nf_2: number): number {
  let ints = floats;
  for (let k = 0; k < nf; k++) {
    if (ints > 0) ints = Math.sin(ints * ni) + ints;
    else ints = ints * ints * ni;
  }
  return ints;
}
export const stackNames_grad = grad(stackNames, [0, 1]);
