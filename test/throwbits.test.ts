/**
 * `throw` and integer (bitwise) operators in differentiated code. A derivative throws the same
 * error, with the same message, where the function throws; bitwise results are integers, with no
 * derivative of their own, used as indices and counts. Derivatives checked against central finite
 * differences, optimized and not.
 */
import { expect } from 'chai';
import * as path from 'node:path';
import { expectClose } from './check.js';
import { compile, finiteDiff, formatDiagnostics, repoRoot } from './harness.js';

const file = path.join(repoRoot, 'test', 'virtual', 'throwbits.ts');
const source = `import { grad, hvp, jvp, vjp } from 'tsgrad';

function checkedSqrt(v: number, what: string): number {
  if (v < 0) throw new RangeError('negative ' + what + ': ' + v);
  return Math.sqrt(v);
}
export function norm(x: number[]): number {
  if (x.length === 0) throw new Error(\`empty vector of length \${x.length}\`);
  let s = 0;
  for (const v of x) s += v * v;
  return checkedSqrt(s - 0.5, 'energy') * x[0];
}
export const gNorm = grad(norm);
export const hNorm = hvp(norm);
export const jNorm = (x: number[], t: number[]) => jvp(norm, [x], [t]);
export const vNorm = (x: number[]) => vjp(norm, x);

/** A lookup table read at (t * n) | 0, with halving, masks and ~~ as people write them. */
export function table(x: number[], t: number): number {
  const n = x.length;
  const i = (t * n) | 0;
  const j = (i + 1) & (n - 1);
  const k = n >> 1;
  const m = ~~(t * k);
  let h = 7;
  h ^= i << 2;
  h >>>= 1;
  return x[i] * x[j] * t + x[k] * (m + 1) + (h % 3) * x[0] + (~i & 1) * t * t;
}
export const gTable = grad(table);
export const gTableT = grad(table, 1);
`;

describe('throw and bitwise operators in differentiated code', () => {
  for (const optimize of [true, false]) {
    describe(`optimize: ${optimize}`, () => {
      const out = compile([file], { optimize }, new Map([[file, source]]));
      const m = out.modules.get('test/virtual/throwbits')!;
      const x = [0.9, -0.7, 1.1, 0.4];

      it('compiles without diagnostics', () => {
        expect(formatDiagnostics(out.diagnostics)).to.equal('');
      });

      it('derivatives of a function with guards that throw, where they do not', () => {
        expectClose(m.gNorm(x), finiteDiff(m.norm, [x], 0), 1e-6, 'grad');
        const t = [0.3, 1, -0.5, 2];
        const [value, dot] = m.jNorm(x, t);
        expect(value).to.equal(m.norm(x));
        const g = m.gNorm(x) as Float64Array;
        expectClose(dot, g.reduce((s, gi, i) => s + gi * t[i], 0), 1e-12, 'jvp = grad · t');
        const [, pullback] = m.vNorm(x);
        expectClose(pullback(2)[0], g.map((gi) => 2 * gi), 1e-12, 'vjp = 2 grad');
        const Hv = finiteDiff((a: number[]) => (m.gNorm(a) as Float64Array).reduce((s, gi, i) => s + gi * t[i], 0), [x], 0, 1e-5);
        expectClose(m.hNorm(x, t), Hv, 1e-5, 'hvp');
      });

      it('derivatives throw the function\'s own error, with its message', () => {
        const low = [0.1, 0.2, 0.1, 0.1];
        expect(() => m.norm(low)).to.throw(RangeError, 'negative energy: -0.43');
        for (const [name, run] of [['grad', () => m.gNorm(low)], ['hvp', () => m.hNorm(low, low)], ['jvp', () => m.jNorm(low, low)], ['vjp', () => m.vNorm(low)[1](1)]] as const) {
          expect(run, name).to.throw(RangeError, /^negative energy: -0\.43/);
        }
        expect(() => m.gNorm([])).to.throw(Error, 'empty vector of length 0');
      });

      it('integer indices and counts from | & ^ << >> >>> and ~', () => {
        for (const t of [0.1, 0.3, 0.55, 0.8]) {
          expectClose(m.gTable(x, t), finiteDiff(m.table, [x, t], 0), 1e-6, `grad x at t=${t}`);
          expectClose(m.gTableT(x, t), finiteDiff(m.table, [x, t], 1, 1e-8), 1e-5, `grad t at t=${t}`);
        }
      });
    });
  }
});
