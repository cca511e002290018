// One function per Math primitive, differentiated with respect to each argument.
import { grad } from 'tsgrad';

export const exp = grad((x: number) => Math.exp(x));
export const log = grad((x: number) => Math.log(x));
export const log1p = grad((x: number) => Math.log1p(x));
export const log2 = grad((x: number) => Math.log2(x));
export const log10 = grad((x: number) => Math.log10(x));
export const expm1 = grad((x: number) => Math.expm1(x));
export const sqrt = grad((x: number) => Math.sqrt(x));
export const cbrt = grad((x: number) => Math.cbrt(x));
export const pow = grad((x: number, y: number) => Math.pow(x, y), [0, 1]);
export const powConst = grad((x: number) => Math.pow(x, 3) + Math.pow(2, x));

export const sin = grad((x: number) => Math.sin(x));
export const cos = grad((x: number) => Math.cos(x));
export const tan = grad((x: number) => Math.tan(x));
export const asin = grad((x: number) => Math.asin(x));
export const acos = grad((x: number) => Math.acos(x));
export const atan = grad((x: number) => Math.atan(x));
export const atan2 = grad((y: number, x: number) => Math.atan2(y, x), [0, 1]);

export const sinh = grad((x: number) => Math.sinh(x));
export const cosh = grad((x: number) => Math.cosh(x));
export const tanh = grad((x: number) => Math.tanh(x));
export const asinh = grad((x: number) => Math.asinh(x));
export const acosh = grad((x: number) => Math.acosh(x));
export const atanh = grad((x: number) => Math.atanh(x));

export const abs = grad((x: number) => Math.abs(x));
export const min2 = grad((x: number, y: number) => Math.min(x, y), [0, 1]);
export const max2 = grad((x: number, y: number) => Math.max(x, y), [0, 1]);
export const min3 = grad((x: number, y: number, z: number) => Math.min(x, y, z), [0, 1, 2]);
export const max3 = grad((x: number, y: number, z: number) => Math.max(x, y, z), [0, 1, 2]);
export const hypot2 = grad((x: number, y: number) => Math.hypot(x, y), [0, 1]);
export const hypot3 = grad((x: number, y: number, z: number) => Math.hypot(x, y, z), [0, 1, 2]);

/** Piecewise-constant functions: zero derivative, but the x · g(x) products still work. */
export const floor = grad((x: number) => Math.floor(x) * x);
export const ceil = grad((x: number) => Math.ceil(x) * x);
export const round = grad((x: number) => Math.round(x) * x);
export const sign = grad((x: number) => Math.sign(x) * x);
export const trunc = grad((x: number) => Math.trunc(x) * x);
export const floorOnly = grad((x: number) => Math.floor(x) + Math.ceil(x) + Math.round(x) + Math.sign(x) + Math.trunc(x));

export const constants = grad((x: number) => Math.PI * x * x + Math.E * x + Math.SQRT2);

/** Primitives composed: the chain rule across several of them. */
export function composite(x: number, y: number): number {
  return Math.exp(Math.sin(x) * y) / Math.sqrt(1 + x * x) + Math.atan2(x, y) * Math.log(y * y + 1);
}
export const composite_grad01 = grad(composite, [0, 1]);

/** x ** 0 is the constant 1, so its derivative is 0 everywhere, at x = 0 too. */
export const powZero = grad((x: number) => x ** 0 + x);

/** Math.fround rounds to float32, as a Float32Array store does: its derivative is 1, not 0. */
export const fround = grad((x: number) => Math.fround(x) * 2);
export const float32Store = grad((x: number) => {
  const t = new Float32Array(1);
  t[0] = x;
  return t[0] * 2;
});
