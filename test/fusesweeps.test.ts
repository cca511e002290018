/**
 * A top-level loop whose iterations meet only in sums, reversed one iteration at a time right
 * after it runs (compiler/passes/fuseSweeps.ts): the gradient has one loop over the samples where
 * the sweeps had two, and the tape holds one sample, however many there are. Where an iteration
 * reads what another left (a state carried from one to the next, a ring buffer), or the reverse
 * loop needs a value the loop's result gives (`Math.log(total)`), or the primal reads a value from
 * the iteration before only as a partial, the sweeps stay apart. Every
 * gradient is checked against central differences, and fused against not fused (the same
 * derivatives, summed in another order: equal to rounding).
 */
import { expect } from 'chai';
import * as path from 'node:path';
import { expectClose, modes } from './check.js';
import { compile, finiteDiff, formatDiagnostics, randomArray, relError, repoRoot } from './harness.js';

const file = path.join(repoRoot, 'test', 'virtual', 'fusesweeps.ts');
const source = `import { grad, valueAndGrad } from 'tsgrad';
import { softmaxLoss } from '../../bench/workloads/softmax.js';

/** A weighted sum of squares with a number parameter: fused, 1 / n moved before the loop. */
export function meanSquare(x: Float64Array, w: number, b: number): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const r = w * x[i] - b;
    s += r * r * Math.cos(x[i]);
  }
  return s / x.length;
}

/** A state carried from one iteration to the next: not fused. */
export function carried(x: Float64Array): number {
  let h = 0.5;
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    h = Math.sin(h * x[i] + 1);
    s += h;
  }
  return s;
}

/** A ring buffer one iteration leaves to the next: not fused. */
export function ring(x: Float64Array): number {
  const buf = new Float64Array(2);
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    buf[i % 2] = Math.sin(x[i]);
    s += buf[0] * buf[1];
  }
  return s;
}

/** The reverse loop needs 1 / total, which only the whole loop gives: not fused. */
export function logOfSum(x: Float64Array): number {
  let t = 0;
  for (let i = 0; i < x.length; i++) t += x[i] * x[i] + 1;
  return Math.log(t);
}

/**
 * x from the iteration before, read only as a partial (the sum's value itself is dead in the
 * forward sweep): the reverse part restores x, so a fused iteration would read the x before the
 * loop in every sample. Not fused (a first version of fuseSweeps fused it: the primal's own
 * reads before writes are found before tidyCode drops the forward sum).
 */
export function carriedPartial(p: Float64Array): number {
  let x = 0.5;
  let s = 0;
  for (let i = 0; i < p.length; i++) {
    s += Math.sin(p[i]) * x;
    x = i * 2 + 1;
  }
  return s;
}

/**
 * h set by the first sample only (fuzz seed 7100405 of --idioms sampleSum, as the generator was
 * then): the reverse part of that sample puts h back as it was before the loop, which the next
 * samples would read. Not fused.
 */
export function firstOnly(x: Float64Array): number {
  let h = 0.5;
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    if (i === 0) h = (3 * Math.tanh(2)) % 1.5;
    s += x[i] * x[i] * h;
  }
  return s;
}

/** The scratch read after the loop (its last sample's values, which the reverse part puts back as they were before the loop): not fused. */
export function scratchAfter(x: Float64Array): number {
  const sc = new Float64Array(3);
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    for (let j = 0; j < 3; j++) sc[j] = x[i] * (j + 1);
    s += Math.exp(sc[0]) * sc[2];
  }
  return s + sc[1] * sc[1];
}

/** Two loops over the samples, each with its own scratch, both sums added to the result: both fused. */
export function twoLoops(x: Float64Array, w: number): number {
  const sc = new Float64Array(2);
  const sd = new Float64Array(2);
  let a = 0;
  for (let i = 0; i < x.length; i++) {
    for (let j = 0; j < 2; j++) sc[j] = Math.sin(w * x[i] + j);
    a += sc[0] * sc[1];
  }
  let b = 0;
  for (let i = 0; i < x.length; i++) {
    for (let j = 0; j < 2; j++) sd[j] = Math.exp(-x[i] * w * j);
    b += sd[0] * sd[1] * x[i];
  }
  return a + 2 * b;
}
/** Σ tanh(row · x) over the rows of a matrix: fused, and nothing left on a tape (the row and where its loop ended are still in their locals). */
export function tanhRows(x: number[], W: number[][]): number {
  let s = 0;
  for (const row of W) {
    let z = 0;
    for (let j = 0; j < row.length; j++) z += row[j] * x[j];
    s += Math.tanh(z);
  }
  return s;
}
export const gTanhRows = grad(tanhRows);

/** An array made afresh each sample (refilled), its adjoint a buffer grown as needed and zeroed by fill: fused, nothing taped. */
export function freshEach(x: Float64Array, w: number): number {
  let s = 0;
  for (let i = 0; i < x.length; i++) {
    const v: number[] = new Array(3).fill(0);
    for (let j = 0; j < 3; j++) v[j] = Math.sin(w * x[i] + j);
    s += v[0] * v[1] + v[2];
  }
  return s;
}
export const gFreshEach = grad(freshEach, [0, 1]);
export const gFirstOnly = grad(firstOnly);
export const gScratchAfter = grad(scratchAfter);
export const gTwoLoops = grad(twoLoops, [0, 1]);
export const gCarriedPartial = grad(carriedPartial);
export const vgPerSample = valueAndGrad(softmaxLoss, [0]);
export const gMeanSquare = grad(meanSquare, [0, 1, 2]);
export const gCarried = grad(carried);
export const gRing = grad(ring);
export const gLogOfSum = grad(logOfSum);
`;

const sources = new Map([[file, source]]);
/** The softmax cross-entropy per sample (scratch logits, the largest logit selected): the benchmark's. */
const workload = path.join(repoRoot, 'bench', 'workloads', 'softmax.ts');
const files = [file, workload];
const key = 'test/virtual/fusesweeps';
const workloadKey = 'bench/workloads/softmax';
/** Loops over i in a generated gradient (one fused, two apart). */
const sampleLoops = (code: string): number => (code.match(/\bfor \(i = /g) ?? []).length;

describe('sweeps fused per iteration (fuseSweeps)', () => {
  const d = 4;
  const c = 3;
  const dataset = (n: number): { X: Float64Array; y: Int32Array } => ({ X: randomArray(41 + n, n * d), y: Int32Array.from({ length: n }, (_, i) => (i * 7) % c) });
  const theta = randomArray(40, c * d);
  const x = randomArray(43, 7, 0.2, 1.4);
  const { X, y } = dataset(9);

  for (const optimize of modes) {
    describe(`optimize: ${optimize}`, () => {
      const out = compile(files, { optimize }, sources);
      const m = out.modules.get(key)!;
      const w = out.modules.get(workloadKey)!;

      it('compiles without diagnostics', () => {
        expect(formatDiagnostics(out.diagnostics)).to.equal('');
        expect(out.loadError).to.equal(undefined);
      });

      it('per-sample loss and weighted squares: gradients match central differences', () => {
        const args = [theta, X, y, y.length, d, c];
        expectClose(w.softmaxLossGrad(...args), finiteDiff(w.softmaxLoss, args, 0) as Float64Array, 1e-6, 'softmaxLoss');
        const [value, g] = m.vgPerSample(...args);
        expect(value).to.equal(w.softmaxLoss(...args));
        expectClose(g[0], finiteDiff(w.softmaxLoss, args, 0) as Float64Array, 1e-6, 'valueAndGrad softmaxLoss');
        const [tx, tw] = m.gTwoLoops(x, 0.8);
        expectClose(tx, finiteDiff(m.twoLoops, [x, 0.8], 0) as Float64Array, 1e-6, 'twoLoops d/dx');
        expectClose(tw, finiteDiff(m.twoLoops, [x, 0.8], 1) as number, 1e-6, 'twoLoops d/dw');
        const W = [[0.3, -1.2, 0.5], [0.8, 0.1, -0.4]];
        const xs = [1.5, 0.4, -0.7];
        expectClose(Float64Array.from(m.gTanhRows(xs, W)), Float64Array.from(finiteDiff((v: number[]) => m.tanhRows(v, W), [xs], 0) as Float64Array), 1e-6, 'tanhRows');
        const [fx, fw] = m.gFreshEach(x, 0.6);
        expectClose(fx, finiteDiff(m.freshEach, [x, 0.6], 0) as Float64Array, 1e-6, 'freshEach d/dx');
        expectClose(fw, finiteDiff(m.freshEach, [x, 0.6], 1) as number, 1e-6, 'freshEach d/dw');
        const [gx, gw, gb] = m.gMeanSquare(x, 0.7, -0.2);
        for (const [k, got] of [[0, gx], [1, gw], [2, gb]] as const) expectClose(got, finiteDiff(m.meanSquare, [x, 0.7, -0.2], k) as number | Float64Array, 1e-6, `meanSquare d/d${k}`);
      });

      it('a carried state, a ring buffer, a log of the sum, a carried partial, a first-sample number, a scratch read after the loop: gradients match central differences', () => {
        for (const name of ['carried', 'ring', 'logOfSum', 'carriedPartial', 'firstOnly', 'scratchAfter']) {
          const g = m[`g${name[0].toUpperCase()}${name.slice(1)}`](x);
          expectClose(g, finiteDiff(m[name], [x], 0) as Float64Array, 1e-6, name);
        }
      });

      it(optimize ? 'per-sample loss, weighted squares and two loops over samples fused; the others two loops' : 'no sweeps fused', () => {
        for (const [name, fused] of [['softmaxLoss_grad', true], ['softmaxLoss_valueAndGrad_0', true], ['meanSquare_grad_0_1_2', true], ['carried_grad', false], ['ring_grad', false], ['logOfSum_grad', false], ['carriedPartial_grad', false], ['firstOnly_grad', false], ['scratchAfter_grad', false]] as const) {
          const code = out.generated.get(name)!;
          if (optimize) expect(sampleLoops(code), name).to.equal(fused ? 1 : 2);
          else expect(code, name).not.to.include('reversed right after');
        }
        // two loops over the samples, each with its own scratch: both fused
        const two = out.generated.get('twoLoops_grad_0_1')!;
        expect((two.match(/reversed right after/g) ?? []).length).to.equal(optimize ? 2 : 0);
      });

      it(optimize ? 'a fused sample keeps on the tape only what its own loops need (fusedIteration)' : 'the tape as the sweeps make it', () => {
        // softmax: the largest logit's class and the sum of exponentials stay in their locals; each
        // class's exponential, which the loop over classes overwrites, is taped
        const softmax = out.generated.get('softmaxLoss_grad')!;
        expect(/\bints\b/.test(softmax), softmax).to.equal(!optimize);
        if (optimize) expect(softmax.match(/floats\[nf\+\+\]/g)?.length, softmax).to.equal(1);
        // rows: no tape at all, none made beside the function, and the row loaded once
        const rows = out.generated.get('tanhRows_grad')!;
        expect(/\btape\b/.test(rows), rows).to.equal(!optimize);
        expect(/tanhRows_grad_tape\b/.test(out.js.get(key)!)).to.equal(!optimize);
        if (optimize) expect(rows.match(/ = W\[i\]/g)?.length, rows).to.equal(1);
        // an array made each sample: its adjoint buffer is zero again after each sample's reverse
        const fresh = out.generated.get('freshEach_grad_0_1')!;
        expect(fresh.includes('reversed right after'), fresh).to.equal(optimize);
        if (optimize) expect(fresh).not.to.match(/\btape\b/);
      });
    });
  }

  describe('against the sweeps apart', () => {
    const fused = compile(files, {}, sources);
    const on = fused.modules.get(key)!;
    const onW = fused.modules.get(workloadKey)!;
    const off = compile(files, { fuseSweeps: false }, sources);
    const apart = off.modules.get(key)!;
    const apartW = off.modules.get(workloadKey)!;

    it('with fuseSweeps: false the loops stay apart', () => {
      expect(sampleLoops(off.generated.get('softmaxLoss_grad')!)).to.equal(2);
    });

    it('fused and apart give the same gradients, to rounding', () => {
      expect(relError(onW.softmaxLossGrad(theta, X, y, y.length, d, c), apartW.softmaxLossGrad(theta, X, y, y.length, d, c))).to.be.below(1e-13);
      const [a, b] = [on.gMeanSquare(x, 0.7, -0.2), apart.gMeanSquare(x, 0.7, -0.2)];
      for (let k = 0; k < 3; k++) expect(relError(a[k], b[k])).to.be.below(1e-13);
    });

    it('the tape of a fused gradient holds one sample: its size does not grow with the samples', () => {
      const runtime = require('../runtime/index.js');
      const small = dataset(5);
      onW.softmaxLossGrad(theta, small.X, small.y, 5, d, c);
      const after5 = runtime.tapeMemory();
      const large = dataset(400);
      onW.softmaxLossGrad(theta, large.X, large.y, 400, d, c);
      expect(runtime.tapeMemory()).to.equal(after5);
      // the sweeps apart keep every sample's values
      const before = runtime.tapeMemory();
      apartW.softmaxLossGrad(theta, large.X, large.y, 400, d, c);
      expect(runtime.tapeMemory() - before).to.be.at.least(8 * 400 * c);
    });
  });
});
