/**
 * Adjacent counted loops over the same range fused with `optimize` on (compiler/passes/fuseLoops.ts):
 * where each iteration of the second reads only what the same iteration of the first wrote, the
 * gradient has one loop where the user wrote two; where the second reads another element, a sum
 * the first builds, or the first reads an element the second already wrote, they stay apart. Each
 * gradient is checked against central differences, optimized and not: a wrong fusion changes the
 * values (a gradient of a different function).
 */
import { expect } from 'chai';
import * as path from 'node:path';
import { expectClose, modes } from './check.js';
import { compile, finiteDiff, formatDiagnostics, randomArray, repoRoot } from './harness.js';

const file = path.join(repoRoot, 'test', 'virtual', 'fuseloops.ts');
const source = `import { grad } from 'tsgrad';

/** GMM's centered point and its scaled copy: fused, and the sum after them too. */
export function pair(x: Float64Array, mu: Float64Array, w: number): number {
  const n = x.length;
  const centered = new Float64Array(n);
  const qx = new Float64Array(n);
  let total = 0;
  for (let r = 0; r < 3; r++) {
    for (let j = 0; j < n; j++) centered[j] = x[j] - mu[j] * r;
    for (let j = 0; j < n; j++) qx[j] = Math.exp(w) * centered[j];
    for (let j = 0; j < n; j++) total += Math.sin(qx[j] * centered[j]);
  }
  return total;
}

/** The second reads the element after the one the first writes: not fused. */
export function shifted(x: Float64Array): number {
  const n = x.length;
  const a = new Float64Array(n);
  const b = new Float64Array(n);
  for (let j = 0; j < n; j++) a[j] = x[j] * x[j];
  for (let j = 0; j < n; j++) b[j] = a[(j + 1) % n] * x[j];
  let s = 0;
  for (let j = 0; j < n; j++) s += b[j] * b[j];
  return s;
}

/** The second reads the running sum the first builds: not fused. */
export function running(x: Float64Array): number {
  const n = x.length;
  let s = 0;
  let t = 0;
  for (let j = 0; j < n; j++) s += Math.sin(x[j]);
  for (let j = 0; j < n; j++) t += x[j] * s;
  return t;
}

/** The first reads the element before the one the second writes: not fused. */
export function behind(x: Float64Array): number {
  const n = x.length;
  const y = new Float64Array(n);
  const z = Float64Array.from(x);
  for (let j = 0; j < n; j++) y[j] = z[(j + n - 1) % n] * x[j];
  for (let j = 0; j < n; j++) z[j] = Math.sin(x[j]);
  let s = 0;
  for (let j = 0; j < n; j++) s += y[j] * z[j];
  return s;
}

export const gPair = grad(pair, [0, 1, 2]);
export const gShifted = grad(shifted);
export const gRunning = grad(running);
export const gBehind = grad(behind);
`;

describe('fused loops (fuseLoops)', () => {
  for (const optimize of modes) {
    describe(`optimize: ${optimize}`, () => {
      const out = compile([file], { optimize }, new Map([[file, source]]));
      const m = out.modules.get('test/virtual/fuseloops')!;
      const x = randomArray(31, 5);
      const mu = randomArray(32, 5);

      it('compiles without diagnostics', () => {
        expect(formatDiagnostics(out.diagnostics)).to.equal('');
        expect(out.loadError).to.equal(undefined);
      });

      it('each iteration of the second loop reading what the same iteration of the first wrote: gradients match central differences', () => {
        const [gx, gmu, gw] = m.gPair(x, mu, 0.3);
        expectClose(gx, finiteDiff(m.pair, [x, mu, 0.3], 0) as Float64Array, 1e-6, 'd/dx');
        expectClose(gmu, finiteDiff(m.pair, [x, mu, 0.3], 1) as Float64Array, 1e-6, 'd/dmu');
        expectClose(gw, finiteDiff(m.pair, [x, mu, 0.3], 2) as number, 1e-6, 'd/dw');
      });

      it('another element, a running sum, an element the second already wrote: gradients match central differences', () => {
        for (const name of ['shifted', 'running', 'behind']) {
          const g = m[`g${name[0].toUpperCase()}${name.slice(1)}`](x);
          expectClose(g, finiteDiff(m[name], [x], 0) as Float64Array, 1e-6, name);
        }
      });

      it(optimize ? 'the gradient of pair has one j loop where the user wrote three, in each sweep' : 'no loops fused', () => {
        const loops = (out.generated.get('pair_grad_0_1_2')!.match(/\b(for|while) \(/g) ?? []).length;
        // the j loops, forward and reverse, and the r loop: one, its sweeps fused too (fuseSweeps.ts);
        // unoptimized, two r loops and six j loops, written as while loops
        expect(loops).to.equal(optimize ? 3 : 8);
      });
    });
  }
});
