/**
 * Selections (compiler/passes/selectionLoops.ts): a branch that keeps the largest or smallest
 * value, `if (x[c] > mx) mx = x[c]`, is reversed in the one iteration that took it last instead of
 * bit by bit; a loop that does nothing else is reversed for that iteration alone. Every gradient is
 * checked against central differences (or, at ties, a derivative worked out by hand), optimized
 * and not, including loops that look alike but are not selections (the selected value read in the
 * loop, a start that is not a constant), which stay taped.
 */
import { expect } from 'chai';
import * as path from 'node:path';
import { expectClose, modes } from './check.js';
import { compile, finiteDiff, formatDiagnostics, randomArray, repoRoot } from './harness.js';

const file = path.join(repoRoot, 'test', 'virtual', 'selection.ts');
/** softmax's logits and their largest in one loop, with an inner loop. */
const softmaxFile = path.join(repoRoot, 'bench', 'workloads', 'softmax.ts');
const source = `import { grad } from 'tsgrad';

/** log Σ exp, shifted by the largest entry. */
export function lse(x: Float64Array): number {
  let mx = x[0];
  for (let c = 1; c < x.length; c++) if (x[c] > mx) mx = x[c];
  let se = 0;
  for (let c = 0; c < x.length; c++) se += Math.exp(x[c] - mx);
  return mx + Math.log(se);
}

/** One log Σ exp per row: the selection loop runs inside another (each row reversed right after it). */
export function rows(x: Float64Array, m: number): number {
  let total = 0;
  for (let i = 0; i < x.length / m; i++) {
    let mx = x[i * m];
    for (let c = 1; c < m; c++) {
      if (x[i * m + c] > mx) {
        mx = x[i * m + c];
      }
    }
    let se = 0;
    for (let c = 0; c < m; c++) se += Math.exp(x[i * m + c] - mx);
    total += (i + 1) * (mx + Math.log(se));
  }
  return total;
}

/** The smallest scaled entry, computed in the loop before it is compared. */
export function smallest(x: Float64Array, w: number): number {
  let best = Math.sin(w);
  for (let i = 0; i < x.length; i++) {
    const v = x[i] * w + Math.cos(x[i]);
    if (v < best) best = v;
  }
  return best * best;
}

/** Ties: >= keeps the last of equal entries. */
export function lastMax(x: Float64Array): number {
  let mx = -1e9;
  for (let c = 0; c < x.length; c++) if (x[c] >= mx) mx = x[c];
  return 3 * mx;
}

/** A sum beside the selection: every iteration has adjoint work, the branch's only in the one selected. */
export function withSum(x: Float64Array): number {
  let mx = x[0];
  let s = 0;
  for (let c = 1; c < x.length; c++) {
    s += x[c] * x[c];
    if (x[c] > mx) mx = x[c];
  }
  return s * mx;
}

/** The selected value read differentiably in the loop: stays taped. */
export function readsIt(x: Float64Array): number {
  let mx = x[0];
  let s = 0;
  for (let c = 1; c < x.length; c++) {
    s += mx * x[c];
    if (x[c] > mx) mx = x[c];
  }
  return s + mx;
}

/** A conditional sum, \`s = s + v\` (its branch taped: the test reads s): it reads what it assigns, no selection. */
export function condSum(x: Float64Array): number {
  let s = 0.5;
  for (let c = 0; c < x.length; c++) if (x[c] > s - 1) s = s + x[c] * x[c];
  return s * s;
}

/** The running largest stored in the loop: read differentiably there, no selection. */
export function storesIt(x: Float64Array): number {
  const run = new Float64Array(x.length);
  let mx = x[0];
  for (let c = 0; c < x.length; c++) {
    if (x[c] > mx) mx = x[c];
    run[c] = mx;
  }
  let t = 0;
  for (let c = 0; c < x.length; c++) t += run[c] * (c + 1);
  return t;
}

/** A start that is not a constant: stays taped. */
export function fromStart(x: Float64Array, lo: number): number {
  let mx = x[lo];
  for (let c = lo + 1; c < x.length; c++) if (x[c] > mx) mx = x[c];
  return mx * mx;
}

export const gLse = grad(lse);
export const gRows = grad(rows);
export const gSmallest = grad(smallest, [0, 1]);
export const gLastMax = grad(lastMax);
export const gWithSum = grad(withSum);
export const gReadsIt = grad(readsIt);
export const gFromStart = grad(fromStart);
export const gCondSum = grad(condSum);
export const gStoresIt = grad(storesIt);
`;

describe('selection loops (selectionLoops)', () => {
  for (const optimize of modes) {
    describe(`optimize: ${optimize}`, () => {
      const out = compile([file, softmaxFile], { optimize }, new Map([[file, source]]));
      const m = out.modules.get('test/virtual/selection')!;
      const sm = out.modules.get('bench/workloads/softmax')!;
      // distinct entries, the largest in the middle; and one whose first entry is the largest
      const x = randomArray(41, 7);
      const first = Float64Array.from(x, (v, i) => (i === 0 ? 5 : v));
      const code = (name: string): string => out.generated.get(name) ?? '';

      it('compiles without diagnostics', () => {
        expect(formatDiagnostics(out.diagnostics)).to.equal('');
        expect(out.loadError).to.equal(undefined);
      });

      it('log Σ exp, the largest entry anywhere or first: gradients match central differences', () => {
        for (const at of [x, first]) expectClose(m.gLse(at), finiteDiff(m.lse, [at], 0) as Float64Array, 1e-7, 'lse');
        const wide = randomArray(42, 24, -3, 3);
        expectClose(m.gRows(wide, 4), finiteDiff(m.rows, [wide, 4], 0) as Float64Array, 1e-6, 'rows');
        const [gx, gw] = m.gSmallest(x, 0.7);
        expectClose(gx, finiteDiff(m.smallest, [x, 0.7], 0) as Float64Array, 1e-6, 'smallest d/dx');
        expectClose(gw, finiteDiff(m.smallest, [x, 0.7], 1) as number, 1e-6, 'smallest d/dw');
      });

      it('equal largest entries: the derivative goes to the last of them (by hand: 3 at index 4)', () => {
        expect(Array.from(m.gLastMax(Float64Array.of(1, 3, 2, 3, 3, -1)))).to.deep.equal([0, 0, 0, 0, 3, 0]);
      });

      it('loops with other adjoint work: gradients match central differences', () => {
        for (const name of ['withSum', 'readsIt', 'condSum', 'storesIt']) {
          expectClose(m[`g${name[0].toUpperCase()}${name.slice(1)}`](x), finiteDiff(m[name], [x], 0) as Float64Array, 1e-6, name);
        }
        expectClose(m.gFromStart(x, 2), finiteDiff(m.fromStart, [x, 2], 0) as Float64Array, 1e-6, 'fromStart');
        const theta = randomArray(43, 12, -2, 2);
        const xs = randomArray(44, 20, -2, 2);
        const y = Int32Array.of(0, 2, 1, 1, 0);
        expectClose(sm.softmaxLossGrad(theta, xs, y, 5, 4, 3), finiteDiff(sm.softmaxLoss, [theta, xs, y, 5, 4, 3], 0) as Float64Array, 1e-6, 'softmax');
      });

      it(optimize ? 'selections keep their counter (mx_at), alone ones reverse no loop, the others stay taped' : 'no selections', () => {
        const alone = ['lse_grad', 'rows_grad', 'smallest_grad_0_1', 'lastMax_grad'];
        const beside = ['withSum_grad', 'softmaxLoss_grad'];
        const taped = ['readsIt_grad', 'fromStart_grad', 'condSum_grad', 'storesIt_grad'];
        for (const name of [...alone, ...beside]) expect(/\b(mx|best|zmax)_at\b/.test(code(name)), name).to.equal(optimize);
        for (const name of alone) expect(/ === /.test(code(name)), name).to.equal(false);
        for (const name of beside) expect(/\b[ck] === (mx|zmax)_at\b/.test(code(name)), name).to.equal(optimize);
        for (const name of taped) expect(/_at\b/.test(code(name)), name).to.equal(false);
        // no bit per iteration: lse's gradient uses no integer tape; rows reverses each row right
        // after it (fuseSweeps), where the counter is still in its local (fusedTape)
        if (optimize) expect(code('lse_grad')).not.to.match(/\bints\b/);
        if (optimize) expect(code('rows_grad')).not.to.match(/\bints\b/);
      });
    });
  }
});
