/**
 * Private arrays (passes/analyzeBuffers.ts): a variable given a fresh array in each iteration and
 * only indexed keeps one adjoint buffer and refills its primal array when the length is the same.
 * Checked where a shared buffer would go wrong: lengths that grow and shrink between iterations,
 * an array read in the next iteration before it is replaced, a replacement inside a branch, fills
 * that carry a derivative, and integers restored from the integer tape for the index arithmetic
 * of the reverse sweep. Against central finite differences (grad, optimized and not), and for the
 * second order (hvp) against differences of the gradient.
 */
import { expect } from 'chai';
import * as path from 'node:path';
import { expectClose } from './check.js';
import { compile, finiteDiff, formatDiagnostics, repoRoot } from './harness.js';

const file = path.join(repoRoot, 'test', 'virtual', 'buffers.ts');
const source = `import { grad, hvp } from 'tsgrad';

/** Arrays whose length changes each step (the buffer grows and shrinks), a fill with a derivative. */
export function ragged(x: number[], lengths: Int32Array): number {
  let s = 0;
  for (let t = 0; t < lengths.length; t++) {
    const a = new Array(lengths[t]).fill(x[t % x.length]);
    const b = x.slice(0, lengths[t]).map((v, i) => v * a[i] + Math.sin(v));
    s += b.reduce((p, v) => p + v * v, 0) / (t + 1);
  }
  return s;
}
export const gRagged = grad(ragged);
export const hvRagged = hvp(ragged);

/** An array read in the next step before it is replaced (its first element left 0), and replaced again in a branch. */
export function carried(x: number[]): number {
  const n = x.length;
  let prev = new Float64Array(n);
  let s = 0;
  for (let t = 0; t < 4; t++) {
    for (let i = 0; i < n; i++) s += prev[i] * x[i];
    prev = new Float64Array(n);
    for (let i = 1; i < n; i++) prev[i] = Math.cos(x[i] * (t + 1)) + s * 0.1;
    if (t % 2 === 1) {
      prev = new Float64Array(n);
      for (let i = 0; i < n; i++) prev[i] = x[(i + t) % n] * s;
    }
  }
  for (let i = 0; i < n; i++) s += prev[i] * prev[i];
  return s;
}
export const gCarried = grad(carried);
export const hvCarried = hvp(carried);

/** Lengths and bitwise results reassigned each step, read by the reverse sweep's index arithmetic. */
export function rings(x: number[], sizes: Int32Array): number {
  let s = 0;
  for (let t = 0; t < sizes.length; t++) {
    const part = x.slice(0, Math.min(sizes[t], x.length));
    const m = part.length;
    const shift = (t * 3) & 3;
    for (let i = 0; i < m; i++) s += part[(i + 1) % m] * part[(i + m - 1) % m] * Math.cos(x[(i + shift) % x.length]);
  }
  return s;
}
export const gRings = grad(rings);

/** A state that starts as the parameter itself, then is given each step's new array (made its own copy first). */
export function stepped(x0: number[], steps: number): number {
  let x = x0;
  for (let t = 0; t < steps; t++) {
    const k = x.map((v, i) => Math.sin(v) * x[(i + 1) % x.length]);
    x = x.map((v, i) => v + 0.1 * k[i]);
  }
  return x.reduce((s, v) => s + v * v, 0) + x0[0];
}
export const gStepped = grad(stepped);
export const hvStepped = hvp(stepped);
`;

describe('private arrays and integers on the tape', () => {
  const x = [0.4, -0.8, 1.3, 0.2, -0.5, 0.9];
  const lengths = Int32Array.of(2, 6, 3, 5, 1, 4);
  const v = [0.3, 0.1, -0.7, 0.5, 0.2, -0.4];
  for (const optimize of [true, false]) {
    describe(`optimize: ${optimize}`, () => {
      const out = compile([file], { optimize }, new Map([[file, source]]));
      const m = out.modules.get('test/virtual/buffers')!;
      const hvpByDifferences = (g: (x: number[]) => number[], at: number[]): number[] => {
        const h = 1e-5;
        const plus = g(at.map((xi, i) => xi + h * v[i]));
        const minus = g(at.map((xi, i) => xi - h * v[i]));
        return plus.map((p, i) => (p - minus[i]) / (2 * h));
      };

      it('compiles without diagnostics', () => {
        expect(formatDiagnostics(out.diagnostics)).to.equal('');
      });

      it('lengths that grow and shrink between steps', () => {
        const copy = [...x];
        expectClose(m.gRagged(x, lengths), finiteDiff(m.ragged, [x, lengths], 0), 1e-6, 'grad');
        expectClose(m.hvRagged(x, lengths, v), hvpByDifferences((p) => m.gRagged(p, lengths), x), 1e-5, 'hvp');
        expect(x).to.deep.equal(copy);
      });

      it('an array read before it is replaced, replaced again in a branch', () => {
        expectClose(m.gCarried(x), finiteDiff(m.carried, [x], 0), 1e-6, 'grad');
        expectClose(m.hvCarried(x, v), hvpByDifferences((p) => m.gCarried(p), x), 1e-5, 'hvp');
      });

      it('integers restored for index arithmetic', () => {
        expectClose(m.gRings(x, lengths), finiteDiff(m.rings, [x, lengths], 0), 1e-6, 'grad');
      });

      it('a state starting as the parameter itself: the parameter is not refilled', () => {
        const copy = [...x];
        for (const steps of [0, 1, 5]) {
          expectClose(m.gStepped(x, steps), finiteDiff(m.stepped, [x, steps], 0), 1e-6, `grad, ${steps} steps`);
          expectClose(m.hvStepped(x, steps, v), hvpByDifferences((p) => m.gStepped(p, steps), x), 1e-5, `hvp, ${steps} steps`);
        }
        expect(x).to.deep.equal(copy);
      });

      it('calls after the first reuse nothing from the one before', () => {
        const first = m.gRagged(x, lengths);
        m.gRagged(x.map((xi) => 2 * xi), Int32Array.of(6, 6, 6));
        expect(m.gRagged(x, lengths)).to.deep.equal(first);
      });
    });
  }
});
