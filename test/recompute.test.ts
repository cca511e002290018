/**
 * What the reverse sweep recomputes instead of taping, checked where a wrong choice would give a
 * wrong gradient: indices computed from a number that changes between outer iterations (`n` below
 * is restored by the tape, and `(i + 1) % n` recomputed from it in each inner iteration), and rows,
 * fields and elements read out of containers (recomputed with their adjoints). Against central
 * finite differences, optimized (where the recomputation happens) and not.
 */
import { expect } from 'chai';
import * as path from 'node:path';
import { expectClose } from './check.js';
import { compile, finiteDiff, formatDiagnostics, repoRoot } from './harness.js';

const file = path.join(repoRoot, 'test', 'virtual', 'recompute.ts');
const source = `import { grad } from 'tsgrad';

/** Ring sums over prefixes of x whose length changes each outer step; n is reassigned after its loop too. */
export function rings(x: number[], lengths: Int32Array): number {
  let s = 0;
  let n = 0;
  for (let t = 0; t < lengths.length; t++) {
    n = lengths[t];
    for (let i = 0; i < n; i++) s += x[(i + 1) % n] * x[i] * (t + 1) + Math.sin(x[(i + n - 1) % n]);
    n = 0;
  }
  return s;
}
export const gRings = grad(rings);

/** Rows and fields read by reference in nested loops, with the outer index changing which row. */
export function weights(layers: { W: number[][]; s: number }[], x: number[]): number {
  let total = 0;
  for (let l = 0; l < layers.length; l++) {
    const layer = layers[(l * 2 + 1) % layers.length];
    for (let k = 0; k < layer.W.length; k++) {
      const row = layer.W[(k + l) % layer.W.length];
      for (let j = 0; j < row.length; j++) total += Math.tanh(row[j] * x[j] * layer.s);
    }
  }
  return total;
}
export const gWeights = grad(weights, [0, 1]);
`;

describe('recomputation in the reverse sweep', () => {
  for (const optimize of [true, false]) {
    describe(`optimize: ${optimize}`, () => {
      const out = compile([file], { optimize }, new Map([[file, source]]));
      const m = out.modules.get('test/virtual/recompute')!;

      it('compiles without diagnostics', () => {
        expect(formatDiagnostics(out.diagnostics)).to.equal('');
      });

      it('indices from a number reassigned between and after the inner loops', () => {
        const x = [0.3, -0.7, 1.1, 0.4, -0.2, 0.9];
        const lengths = Int32Array.of(3, 6, 2, 5);
        expectClose(m.gRings(x, lengths), finiteDiff(m.rings, [x, lengths], 0), 1e-6, 'grad');
      });

      it('rows and fields of an array of objects read by reference in nested loops', () => {
        const layers = [
          { W: [[0.5, -0.3], [0.2, 0.8], [-0.6, 0.1]], s: 1.3 },
          { W: [[0.7, 0.4], [-0.2, -0.9]], s: 0.6 },
          { W: [[0.1, 0.2]], s: -1.1 },
        ];
        const x = [0.9, -0.4];
        const [gl, gx] = m.gWeights(layers, x);
        expectClose(gx, finiteDiff((xs: number[]) => m.weights(layers, xs), [x], 0), 1e-6, 'grad x');
        layers.forEach((layer, l) => {
          layer.W.forEach((row, k) => row.forEach((_, j) => {
            const f = (v: number) => m.weights(layers.map((L, p) => ({ s: L.s, W: L.W.map((r, q) => r.map((w, c) => (p === l && q === k && c === j ? v : w))) })), x);
            expectClose(gl[l].W[k][j], (f(row[j] + 1e-6) - f(row[j] - 1e-6)) / 2e-6, 1e-6, `d/dW[${l}][${k}][${j}]`);
          }));
          const fs = (v: number) => m.weights(layers.map((L, p) => ({ W: L.W, s: p === l ? v : L.s })), x);
          expectClose(gl[l].s, (fs(layer.s + 1e-6) - fs(layer.s - 1e-6)) / 2e-6, 1e-6, `d/ds[${l}]`);
        });
      });
    });
  }
});
