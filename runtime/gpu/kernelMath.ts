/**
 * Math functions that kernels call instead of gpu.js's translation, so that a kernel means what its
 * JavaScript means on every backend (compiler/passes/kernelMath.ts writes the calls; keep the names
 * in sync with compiler/naming.ts's `kernelHelpers`).
 *
 * - `Math.pow(a, b)` and `a ** b` become GLSL/WGSL `pow`, which is undefined for a < 0 (SwiftShader
 *   gives pow(|a|, b): (-2) ** 3 came out 8) and for a = 0 with b ≤ 0 (pow(0, 0.5) came out 7.7e-20).
 *   `tsgrad_pow` gives JavaScript's value: the sign by the parity of an integer exponent, NaN for a
 *   negative base and a non-integer exponent, 0 ** b and b === 0 as JavaScript does.
 * - `Math.sin`, `Math.cos` and `Math.tan` become the shading language's, which WGSL promises only to
 *   2^-11 absolute inside [-π, π] and not at all outside (SwiftShader: 1.9e-4 inside, 7e-3 at 10^5).
 *   The helpers reduce the argument by π/2 in three parts (Cody–Waite: k·P1 and k·P2 are exact in
 *   float32 for |k| < 2^13) and evaluate Cephes' float32 polynomials on [-π/4, π/4]: 1e-7 absolute up
 *   to |x| = 10^4, 1e-6 at 10^5, the same on every device (plain float32 arithmetic, no built-in).
 * - `Math.asinh` becomes log(x + sqrt(x² + 1)) in WGSL (Tint), which cancels for x < 0
 *   (asinh(-99) off by 1.2e-3); `tsgrad_asinh` takes the sign out first.
 *
 * The sources are strings: gpu.js reads kernels and their functions from source text, and a string
 * is what a minifier leaves alone. They are plain JavaScript too, run as such by the cpu backend.
 */

/** sin (shift 0) or cos (shift 1) of x: quadrant k of x − k·π/2, then the polynomial of that quadrant. */
const sinCos = (name: string, shift: 0 | 1): string => `function ${name}(x) {
  const k = Math.floor(x * 0.6366197723675814 + 0.5);
  const r = ((x - k * 1.5703125) - k * 4.837512969970703e-4) - k * 7.549789948768648e-8;
  const z = r * r;
  const s = r + r * z * (-0.16666654611 + z * (0.0083321608736 + z * -0.00019515295891));
  const c = 1 - 0.5 * z + z * z * (0.04166664568298827 + z * (-0.001388731625493765 + z * 0.00002443315711809948));
  const q = k + ${shift} - Math.floor((k + ${shift}) * 0.25) * 4;
  if (q === 0) return s;
  if (q === 1) return c;
  if (q === 2) return -s;
  return -c;
}`;

/** Each helper's source, by name. */
export const kernelHelpers: Readonly<Record<string, string>> = {
  tsgrad_pow: `function tsgrad_pow(a, b) {
  if (b === 0) return 1;
  if (a > 0) return Math.pow(a, b);
  let odd = 0;
  if (Math.floor(b) === b) {
    if (Math.floor(b * 0.5) * 2 !== b) odd = 1;
  } else if (a < 0) {
    return Math.sqrt(a);
  }
  if (a === 0) {
    if (b > 0) {
      if (odd > 0) return a;
      return 0;
    }
    if (b < 0) {
      if (odd > 0) return 1 / a;
      return 1 / Math.abs(a);
    }
  }
  const p = Math.pow(-a, b);
  if (odd > 0) return -p;
  return p;
}`,
  tsgrad_sin: sinCos('tsgrad_sin', 0),
  tsgrad_cos: sinCos('tsgrad_cos', 1),
  tsgrad_tan: `function tsgrad_tan(x) {
  const k = Math.floor(x * 0.6366197723675814 + 0.5);
  const r = ((x - k * 1.5703125) - k * 4.837512969970703e-4) - k * 7.549789948768648e-8;
  const z = r * r;
  const s = r + r * z * (-0.16666654611 + z * (0.0083321608736 + z * -0.00019515295891));
  const c = 1 - 0.5 * z + z * z * (0.04166664568298827 + z * (-0.001388731625493765 + z * 0.00002443315711809948));
  if (k - Math.floor(k * 0.5) * 2 === 0) return s / c;
  return -c / s;
}`,
  tsgrad_asinh: `function tsgrad_asinh(x) {
  const a = Math.abs(x);
  const y = Math.log(a + Math.sqrt(a * a + 1));
  if (x < 0) return -y;
  return y;
}`,
};

const parameters = (source: string): string[] => /\(([^)]*)\)/.exec(source)![1].split(',').map((p) => p.trim());

/** gpu.js's `functions` setting for the helpers a kernel's source calls: every parameter and result a float. */
export function helpersFor(source: string): { source: string; settings: { argumentTypes: Record<string, string>; returnType: string } }[] {
  return Object.entries(kernelHelpers)
    .filter(([name]) => source.includes(`${name}(`))
    .map(([, helper]) => ({ source: helper, settings: { argumentTypes: Object.fromEntries(parameters(helper).map((p) => [p, 'Number'])), returnType: 'Number' } }));
}
