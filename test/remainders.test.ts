/**
 * Remainders without divisions (compiler/passes/remainders.ts, runtime/values.ts's rem): generated
 * code writes `a % b` as `rem(a, b)`, which must give what `%` gives for every pair of numbers,
 * -0, NaN and infinities included, and gradients through wrapped indices must stay right. rem is
 * compared with `%` bit for bit (Object.is) on special values and on random pairs around the
 * edges of its two fast cases; the gradients with central differences, optimized and not.
 */
import { expect } from 'chai';
import * as path from 'node:path';
import { rem } from '../runtime/values.js';
import { expectGradFD, modes } from './check.js';
import { compile, randomArray, repoRoot } from './harness.js';
import { rng } from './random.js';

const file = path.join(repoRoot, 'test', 'virtual', 'remainders.ts');
const source = `import { grad, jvp } from 'tsgrad';

/** A periodic stencil: neighbours wrap around the ends. */
export function ring(x: Float64Array, c: number): number {
  const n = x.length;
  let s = 0;
  for (let i = 0; i < n; i++) {
    const d = x[(i + 1) % n] - 2 * x[i] + x[(i + n - 1) % n];
    s += d * d + c * x[i] * x[(i + n - 2) % n];
  }
  return s;
}

/** A remainder of numbers, not an index: an angle wrapped into [0, 2π) (of a positive sum). */
export function wrapped(a: number, b: number): number {
  const t = (a * a + b) % (2 * Math.PI);
  return Math.sin(t) * t + (b % 0.75) * a;
}

export const gRing = grad(ring, [0, 1]);
export const gWrapped = grad(wrapped, [0, 1]);
export const jRing = (x: Float64Array, c: number, dx: Float64Array) => jvp(ring, [x, c], [dx, 0]);
`;

describe('remainders without divisions (remainders.ts)', () => {
  it('rem(a, b) is a % b, bit for bit, on special values', () => {
    const specials = [0, -0, 1, -1, 2, -2, 2.5, -2.5, 3, 7, 40, 79, 80, 81, 0.1, 0.75, 2 * Math.PI, 1e-300, 5e-324, -5e-324,
      2 ** 53, 2 ** 53 + 2, -(2 ** 53), 1e300, Number.MAX_VALUE, -Number.MAX_VALUE, Infinity, -Infinity, NaN];
    const bad: string[] = [];
    for (const a of specials) for (const b of specials) if (!Object.is(rem(a, b), a % b)) bad.push(`rem(${a}, ${b}) = ${rem(a, b)}, ${a} % ${b} = ${a % b}`);
    expect(bad).to.deep.equal([]);
  });

  it('rem(a, b) is a % b, bit for bit, on 200000 random pairs around 0, b and 2b', () => {
    const r = rng(7);
    const uniform = (lo: number, hi: number): number => lo + (hi - lo) * r();
    const bad: string[] = [];
    for (let k = 0; k < 200000 && bad.length < 5; k++) {
      const integers = k % 2 === 0;
      const b = integers ? Math.floor(uniform(-5, 100)) : uniform(-3, 50) * (k % 3 === 0 ? 1e-3 : 1);
      // a near one of the edges: 0, b, 2b (one ulp either side among them), or anywhere
      const edge = [0, b, 2 * b, 3 * b][k % 4];
      let a = integers ? edge + Math.floor(uniform(-3, 3)) : edge + uniform(-1, 1) * (k % 5 === 0 ? Math.abs(edge) * 2 ** -52 : 1);
      if (k % 7 === 0) a = uniform(-1e6, 1e6);
      if (!Object.is(rem(a, b), a % b)) bad.push(`rem(${a}, ${b}) = ${rem(a, b)}, ${a} % ${b} = ${a % b}`);
    }
    expect(bad).to.deep.equal([]);
  });

  for (const optimize of modes) {
    describe(`optimize: ${optimize}`, () => {
      const out = compile([file], { optimize }, new Map([[file, source]]));
      const m = out.modules.get('test/virtual/remainders')!;
      const code = [...out.generated.values()].join('\n');

      it(optimize ? 'writes every % of the generated code as rem, read once into a local' : 'keeps % as written', () => {
        if (optimize) {
          expect(code).not.to.match(/ % /);
          expect(code).to.include('const rem = __tsgrad.rem;');
          expect(code).to.match(/= rem\(i \+ 1, n\);/);
        } else {
          expect(code).to.match(/ % /);
          expect(code).not.to.include('rem(');
        }
      });

      it('the periodic stencil: gradient against central differences, and jvp against the gradient', () => {
        for (const n of [1, 2, 3, 40]) {
          const x = randomArray(11 + n, n);
          expectGradFD(m.ring, m.gRing, [x, 0.7], [0, 1]);
          const [gx] = m.gRing(x, 0.7) as [Float64Array, number];
          const dx = randomArray(3, n);
          const [, tangent] = m.jRing(x, 0.7, dx) as [number, number];
          const dot = Array.from(gx).reduce((t, g, i) => t + g * dx[i], 0);
          expect(Math.abs(tangent - dot)).to.be.below(1e-10 * (1 + Math.abs(dot)));
        }
      });

      it('a remainder of numbers: gradient against central differences', () => {
        for (const [a, b] of [[1.3, 0.4], [2.9, 5.1], [0.2, 7.3]]) expectGradFD(m.wrapped, m.gWrapped, [a, b], [0, 1], 1e-6, 1e-7);
      });
    });
  }
});
