/**
 * `strictZeros`: a zero tangent or adjoint times an infinite or NaN partial (0 · ∞) gives 0.
 * Without it such code gives NaN, the README's known limit, which the fuzzer tells apart by
 * compiling again with the option (test/fuzz/run.ts). Each case's derivative is worked out by
 * hand: the kink or the overflow is on a path the result does not depend on.
 */
import { expect } from 'chai';
import * as path from 'node:path';
import { compile, formatDiagnostics, repoRoot } from './harness.js';

const file = path.join(repoRoot, 'test', 'virtual', 'strictzeros.ts');
const source = `import { grad, hvp, jvp } from 'tsgrad';

/** sqrt of a negative number on the branch not taken: d/dx = 0 for x < 0, 1/(2√x) for x > 0. */
export function guarded(x: number): number {
  const r = Math.sqrt(x);
  return x > 0 ? r : 0;
}
export const gGuarded = grad(guarded);

/** cbrt at 0 of a value that does not change with w (w * 0): d/dw = 3w². */
export function kink(w: number): number {
  const s = w * 0;
  return Math.cbrt(s) + w * w * w;
}
export const gKink = grad(kink);
export const jKink = (w: number, t: number) => jvp(kink, [w], [t]);
export const hKink = hvp(kink);

/** exp overflowing to ∞ in a value that is overwritten before the result reads it: d/dx = 2x. */
export function overflow(x: number): number {
  let e = Math.exp(1000 * x);
  e = x * x;
  return e;
}
export const gOverflow = grad(overflow);
`;

describe('strictZeros: 0 · ∞ gives 0', () => {
  const plain = compile([file], {}, new Map([[file, source]]));
  const strict = compile([file], { strictZeros: true }, new Map([[file, source]]));
  const p = plain.modules.get('test/virtual/strictzeros')!;
  const m = strict.modules.get('test/virtual/strictzeros')!;

  it('compiles without diagnostics', () => {
    expect(plain.diagnostics, formatDiagnostics(plain.diagnostics)).to.have.length(0);
    expect(strict.diagnostics, formatDiagnostics(strict.diagnostics)).to.have.length(0);
  });

  it('sqrt of a negative number on the branch not taken', () => {
    expect(p.gGuarded(-2)).to.be.NaN;
    expect(m.gGuarded(-2)).to.equal(0);
    expect(m.gGuarded(4)).to.equal(0.25);
  });

  it('cbrt at 0 of a value constant in w: grad, jvp and hvp', () => {
    expect(p.gKink(1.5)).to.be.NaN;
    expect(m.gKink(1.5)).to.equal(3 * 1.5 * 1.5);
    const [value, tangent] = m.jKink(1.5, 2);
    expect(value).to.equal(1.5 ** 3);
    expect(tangent).to.equal(2 * 3 * 1.5 * 1.5);
    expect(m.hKink(1.5, 2)).to.equal(2 * 6 * 1.5);
  });

  it('exp overflowing in a value overwritten before it is read', () => {
    expect(m.gOverflow(1)).to.equal(2);
    expect(m.gOverflow(-0.5)).to.equal(-1);
  });
});
