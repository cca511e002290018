/**
 * Kernels over a grid: a block write (slot × iteration), a leaf sum with counters around it
 * (instance × iteration), a gather (element × block of iterations). Each runs as W·H threads in one
 * dimension, not as a W × H output, and finds its (x, y) from `this.thread.x`:
 *
 *   let _iter = 0, _slot = 0;
 *   _iter = Math.floor(this.thread.x / W); _slot = this.thread.x - _iter * W; (corrected: divMod)
 *
 * On WebGL gpu.js gives a 2D output a texture of W × H texels, and a texture side is at most 8192
 * (SwiftShader) or 16384 (most GPUs): a loop of 20000 iterations failed. A 1D output is packed into a
 * square-ish texture, up to that side squared. The result is the same row-major array ((x, y) at
 * y·W + x), so the host code that reads it is unchanged.
 *
 * Kernel integers are float32 (gpu.js gives every kernel variable a float type on webgl2 and webgpu,
 * f32 on webasm): exact up to 2^24, which runtime/gpu/kernel.ts checks before a kernel runs. Float32
 * division is not exact: GLSL and WGSL allow 2.5 ulp of error, so `Math.floor(x / w)` can come out
 * one too low at a multiple of w or one too high just below one (on hardware GPUs; SwiftShader and
 * WebAssembly round division correctly). `divMod` corrects the quotient by one either way with the
 * remainder x − q·w, which is exact: every product and difference involved is an integer below 2^24.
 * (Rounding x + 0.5 first does not do: above 2^23 x + 0.5 is not a float32, and the quotient's
 * error grows with x while the margin 0.5 / w does not.)
 */
import { add, assign, bin, type CExpr, type CStmt, id, member, mul, n, sub } from '../code.js';

/** `this.thread.x`: the only thread index the kernels use. */
export const threadX: CExpr = member(member(id('this'), 'thread'), 'x');

/**
 * Statements setting `q` = ⌊x / w⌋ and `r` = x − q·w exactly, for integers |x| < 2^24 and w ≥ 1
 * (`q` and `r` are assignable, declared by the caller; `x` is read before `r` is written, so `r`
 * may be `x` itself). `x` and `w` are evaluated more than once: pass names or constants.
 */
export function divMod(x: CExpr, w: CExpr, q: CExpr, r: CExpr): CStmt[] {
  if (w.k === 'num' && w.value === 1) return [assign(q, x), assign(r, n(0))];
  return [
    assign(q, { k: 'call', callee: member(id('Math'), 'floor'), args: [bin('/', x, w)] }),
    assign(r, sub(x, mul(q, w))),
    { k: 'if', cond: bin('<', r, n(0)), then: [assign(q, sub(q, n(1))), assign(r, add(r, w))], else: [] },
    { k: 'if', cond: bin('>=', r, w), then: [assign(q, add(q, n(1))), assign(r, sub(r, w))], else: [] },
  ];
}
