/**
 * Math in kernels with JavaScript's meaning on every backend. gpu.js translates `Math.pow` and `**`
 * to GLSL/WGSL `pow`, undefined for a negative base (SwiftShader computes pow(|a|, b), so
 * `(x - u) ** 3` and the adjoint `2 * Math.pow(a, 2 - 1)` came out with the wrong sign), and
 * `Math.sin`/`cos`/`tan` to built-ins that WGSL promises only to 2^-11 absolute on [-π, π]. So each
 * kernel, however it was written (lowerKernels.ts, adjointKernels.ts), gets
 *
 *   a ** 2, Math.pow(a, 3 - 1)       →  a * a             (integer exponents up to 4 in magnitude:
 *   Math.pow(a, -2)                  →  1 / (a * a)        exact where pow is not, and cheaper)
 *   a ** b, Math.pow(a, 1.5), a ** 7 →  tsgrad_pow(a, b)
 *   Math.sin(a), cos, tan, asinh     →  tsgrad_sin(a), …
 *
 * where the tsgrad_ functions are runtime/gpu/kernelMath.ts's, which the runtime hands gpu.js with
 * every kernel that calls them. The other Math functions keep gpu.js's translation (README,
 * "Precision", says how accurate each is on webgpu).
 */
import { call, type CExpr, div, id, mapExprsIn, mul, n } from '../code.js';
import { kernelHelpers } from '../naming.js';
import type { Kernel } from './lowerKernels.js';

/** Integer exponents at most this large in magnitude become products. */
const MAX_PRODUCT = 4;

export function kernelMath(kernel: Kernel): Kernel {
  return { ...kernel, body: mapExprsIn(kernel.body, rewrite) };
}

function rewrite(e: CExpr): CExpr {
  if (e.k === 'bin' && e.op === '**') return power(e.a, e.b);
  const fn = mathCall(e);
  if (!fn) return e;
  const args = (e as CExpr & { k: 'call' }).args;
  if (fn === 'pow' && args.length === 2) return power(args[0], args[1]);
  if (fn === 'sin' || fn === 'cos' || fn === 'tan' || fn === 'asinh') return call(id(kernelHelpers[fn]), ...args);
  return e;
}

/** `f` for a call `Math.f(…)`. */
function mathCall(e: CExpr): string | undefined {
  if (e.k !== 'call' || e.callee.k !== 'member' || e.callee.obj.k !== 'id' || e.callee.obj.name !== 'Math') return undefined;
  return e.callee.prop;
}

/** a ** b: a product for a small integer exponent and a base that can be repeated, else the helper. */
function power(a: CExpr, b: CExpr): CExpr {
  const k = constant(b);
  if (k !== undefined && Number.isInteger(k) && Math.abs(k) <= MAX_PRODUCT && repeatable(a)) {
    if (k === 0) return n(1); // JavaScript: x ** 0 is 1 for every x, NaN included
    let product = a;
    for (let i = 1; i < Math.abs(k); i++) product = mul(product, a);
    return k > 0 ? product : div(n(1), product);
  }
  return call(id(kernelHelpers.pow), a, k !== undefined ? n(k) : b);
}

/** The value of an expression of number literals (`2 - 1`), if it is one. */
function constant(e: CExpr): number | undefined {
  if (e.k === 'num') return e.value;
  if (e.k === 'un' && e.op === '-') {
    const a = constant(e.a);
    return a === undefined ? undefined : -a;
  }
  if (e.k !== 'bin') return undefined;
  const [a, b] = [constant(e.a), constant(e.b)];
  if (a === undefined || b === undefined) return undefined;
  switch (e.op) {
    case '+':
      return a + b;
    case '-':
      return a - b;
    case '*':
      return a * b;
    default:
      return undefined;
  }
}

/** Names, literals and `this.constants.x`: written twice, computed once (kernel code has no side effects). */
function repeatable(e: CExpr): boolean {
  return e.k === 'id' || e.k === 'num' || (e.k === 'member' && repeatable(e.obj));
}
