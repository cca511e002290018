/**
 * Arrays of arrays built in the function and then only read (compiler/passes/frozenRows.ts): the
 * rows read out of them after their last store, and the loads through those rows, are recomputed
 * in the reverse sweep instead of taped. Checked against central differences, optimized and not,
 * and with a container made anew in the loop that reads it, whose rows in the reverse sweep are the
 * last iteration's. (Writing into a container whose rows are read by reference, or into a row by
 * its own name, the front end refuses.)
 */
import { expect } from 'chai';
import * as path from 'node:path';
import { expectClose, modes } from './check.js';
import { compile, finiteDiff, formatDiagnostics, randomArray, repoRoot } from './harness.js';

const file = path.join(repoRoot, 'test', 'virtual', 'frozenrows.ts');
const source = `import { grad, hvp } from 'tsgrad';

/** Rows sliced out of the parameter once, read for every sample (the idiomatic GMM's ltris). */
export function frozen(p: number[], x: number[], d: number): number {
  const rows = [0, 1, 2].map((k) => p.slice(k * d, (k + 1) * d).map((v) => v * v));
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    for (let k = 0; k < 3; k++) {
      const row = rows[k];
      for (let j = 0; j < d; j++) s += Math.sin(row[j] * x[i] + j);
    }
  }
  return s;
}

/** The container made anew for every sample: its rows at the reverse sweep are the last sample's. */
export function rebuilt(p: number[], x: number[], d: number): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const rows = [0, 1, 2].map((k) => p.slice(k * d, (k + 1) * d).map((v) => v * x[i]));
    for (let k = 0; k < 3; k++) {
      const row = rows[k];
      for (let j = 0; j < d; j++) s += Math.sin(row[j] + j * x[i]);
    }
  }
  return s;
}

export const gFrozen = grad(frozen, [0, 1]);
export const hFrozen = hvp(frozen);
export const gRebuilt = grad(rebuilt, [0, 1]);
`;

describe('rows of arrays of arrays that no longer change (frozenRows)', () => {
  for (const optimize of modes) {
    describe(`optimize: ${optimize}`, () => {
      const out = compile([file], { optimize }, new Map([[file, source]]));
      const m = out.modules.get('test/virtual/frozenrows')!;
      const arr = (seed: number, n: number): number[] => Array.from(randomArray(seed, n));

      it('compiles without diagnostics', () => {
        expect(out.diagnostics, formatDiagnostics(out.diagnostics)).to.have.length(0);
      });

      const cases: [string, string, any[]][] = [
        ['frozen', 'rows read after their last store', [arr(1, 12), arr(2, 5), 4]],
        ['rebuilt', 'a container made anew in the loop that reads it', [arr(3, 12), arr(4, 5), 4]],
      ];
      for (const [name, what, args] of cases) {
        it(`${what}: gradients match central differences`, () => {
          const g = m[`g${name[0].toUpperCase()}${name.slice(1)}`](...args) as [number[], number[]];
          expectClose(g[0], finiteDiff(m[name], args, 0), 1e-6, 'd/dp');
          expectClose(g[1], finiteDiff(m[name], args, 1), 1e-6, 'd/dx');
        });
      }

      it('rows read after their last store: hvp matches central differences of the gradient', () => {
        const [p, x] = [randomArray(9, 12), randomArray(10, 5)];
        const v = randomArray(11, 12);
        const gv = (q: Float64Array): number => (m.gFrozen(Array.from(q), Array.from(x), 4)[0] as number[]).reduce((t: number, gi: number, i: number) => t + gi * v[i], 0);
        expectClose(m.hFrozen(Array.from(p), Array.from(x), 4, Array.from(v)), finiteDiff(gv, [p], 0, 1e-5), 1e-5, 'hvp');
      });

      if (optimize) {
        it('recomputes the rows read after their last store, and the loads through them, in the reverse sweep (nothing taped for them)', () => {
          const code = [...out.generated.values()].find((c) => c.includes('function frozen_grad'))!;
          // the sample loop tapes nothing, so its forward sweep is gone; the reverse reads the rows again
          expect(code).not.to.include('refs.push(row_b)');
          expect(code).to.match(/\/\/ reverse sweep[\s\S]*row = rows\[k_2\];\s*row_b = rows_b\[k_2\];[\s\S]*= row\[j\];/);
        });
      }
    });
  }
});
