/**
 * Derivative rules: one entry per primitive, nothing else. `partials(args, y)` gives ∂y/∂argᵢ as
 * an expression of the arguments and the result `y` (null: that argument has no influence).
 * reverseMode.ts multiplies each by the result's adjoint; analyzeSaves.ts reads which arguments a
 * rule mentions to know what the reverse sweep needs. Adding a primitive is one line here and one
 * test in test/primitives.test.ts.
 *
 * Conventions at non-differentiable points follow JAX: |x|' = sign(x) (0 at 0); min/max split
 * ties evenly; ∂(a**b)/∂b = 0 where a = 0, and ∂(a**b)/∂a = 0 where b = 0 (a**0 is constant).
 */
import { add, bin, type CExpr, cond, div, math, mul, n, neg, sub } from './code.js';

export interface Rule {
  /** Number of arguments (Math.min/max/hypot with more are lowered to nested pairs). */
  readonly arity: number;
  readonly partials: (args: readonly CExpr[], y: CExpr) => readonly (CExpr | null)[];
}

const sq = (a: CExpr): CExpr => mul(a, a);
const one = n(1);
const unary = (d: (a: CExpr, y: CExpr) => CExpr): Rule => ({ arity: 1, partials: ([a], y) => [d(a, y)] });

export const rules: Readonly<Record<string, Rule>> = {
  // arithmetic
  '+': { arity: 2, partials: () => [one, one] },
  '-': { arity: 2, partials: () => [one, n(-1)] },
  '*': { arity: 2, partials: ([a, b]) => [b, a] },
  '/': { arity: 2, partials: ([, b], y) => [div(one, b), neg(div(y, b))] },
  '%': { arity: 2, partials: ([a, b]) => [one, neg(math('trunc', div(a, b)))] },
  '**': {
    arity: 2,
    partials: ([a, b], y) => [
      cond(bin('===', b, n(0)), n(0), mul(b, math('pow', a, sub(b, one)))),
      cond(bin('===', a, n(0)), n(0), mul(y, math('log', a))),
    ],
  },
  neg: unary(() => n(-1)),
  // exponentials and logarithms
  exp: unary((_a, y) => y),
  expm1: unary((_a, y) => add(y, one)),
  log: unary((a) => div(one, a)),
  log1p: unary((a) => div(one, add(one, a))),
  log2: unary((a) => div(one, mul(a, n(Math.LN2)))),
  log10: unary((a) => div(one, mul(a, n(Math.LN10)))),
  sqrt: unary((_a, y) => div(n(0.5), y)),
  cbrt: unary((_a, y) => div(one, mul(n(3), sq(y)))),
  // trigonometric
  sin: unary((a) => math('cos', a)),
  cos: unary((a) => neg(math('sin', a))),
  tan: unary((_a, y) => add(one, sq(y))),
  asin: unary((a) => div(one, math('sqrt', sub(one, sq(a))))),
  acos: unary((a) => neg(div(one, math('sqrt', sub(one, sq(a)))))),
  atan: unary((a) => div(one, add(one, sq(a)))),
  // at the origin, where atan2 has no derivative, 0 (as hypot's), and finite in every order: the
  // denominator is 1 there, not 0 (0 · ∞ would make the whole derivative NaN)
  atan2: {
    arity: 2,
    partials: ([a, b]) => {
      const r2 = add(sq(a), sq(b));
      const safe = cond(bin('===', r2, n(0)), one, r2);
      return [div(b, safe), neg(div(a, safe))];
    },
  },
  // hyperbolic
  sinh: unary((a) => math('cosh', a)),
  cosh: unary((a) => math('sinh', a)),
  tanh: unary((_a, y) => sub(one, sq(y))),
  asinh: unary((a) => div(one, math('sqrt', add(sq(a), one)))),
  acosh: unary((a) => div(one, math('sqrt', sub(sq(a), one)))),
  atanh: unary((a) => div(one, sub(one, sq(a)))),
  // rounding to float32 is treated as the identity, as a Float32Array store is
  fround: unary(() => one),
  // piecewise
  abs: unary((a) => math('sign', a)),
  min: { arity: 2, partials: ([a, b]) => [tie('<', a, b), tie('<', b, a)] },
  max: { arity: 2, partials: ([a, b]) => [tie('>', a, b), tie('>', b, a)] },
  // 0 at the origin; the arm not taken divides by 1 there, so that its own derivative (second
  // order differentiates both arms of the select) is finite and not 0 · ∞
  hypot: {
    arity: 2,
    partials: ([a, b], y) => {
      const origin = bin('===', y, n(0));
      const safe = cond(origin, one, y);
      return [cond(origin, n(0), div(a, safe)), cond(origin, n(0), div(b, safe))];
    },
  },
  pow: { arity: 2, partials: (args, y) => rules['**'].partials(args, y) },
  // `c ? a : b` with both arms evaluated: the condition has no derivative
  select: { arity: 3, partials: ([c]) => [null, cond(c, one, n(0)), cond(c, n(0), one)] },
};

/** 1 where `a op b`, ½ at a tie, else 0. */
function tie(op: '<' | '>', a: CExpr, b: CExpr): CExpr {
  return cond(bin(op, a, b), one, cond(bin('===', a, b), n(0.5), n(0)));
}

/** Math functions whose result is piecewise constant: zero derivative, the result is never active. */
export const zeroDerivative: ReadonlySet<string> = new Set(['floor', 'ceil', 'round', 'sign', 'trunc']);

/** Math constants, folded to literals when lowering. */
export const mathConstants: Readonly<Record<string, number>> = {
  PI: Math.PI,
  E: Math.E,
  LN2: Math.LN2,
  LN10: Math.LN10,
  LOG2E: Math.LOG2E,
  LOG10E: Math.LOG10E,
  SQRT2: Math.SQRT2,
  SQRT1_2: Math.SQRT1_2,
};
