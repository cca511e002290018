/**
 * Softmax regression gradient: tsgrad's compiled grad/valueAndGrad against the primal loss and a
 * hand-written gradient, on synthetic data (N=20000, D=50, C=10). Timings are printed, not asserted.
 */
import { grad, valueAndGrad } from 'tsgrad';
import { softmaxLoss, softmaxLossGradByHand } from './loss.js';
import { rng } from '../test/random.js';

const N = 20000;
const D = 50;
const C = 10;
const WARMUP = 5;
const REPS = 21;

const rand = rng(42);
const gauss = () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());

// labels come from a random linear model plus noise, so the problem has structure
const X = Float64Array.from({ length: N * D }, gauss);
const truth = Float64Array.from({ length: C * D }, gauss);
const y = new Int32Array(N);
for (let i = 0; i < N; i++) {
  let best = 0;
  let bestZ = -Infinity;
  for (let k = 0; k < C; k++) {
    let z = 2 * gauss();
    for (let j = 0; j < D; j++) z += truth[k * D + j] * X[i * D + j];
    if (z > bestZ) [best, bestZ] = [k, z];
  }
  y[i] = best;
}
const theta = Float64Array.from({ length: C * D }, () => 0.1 * gauss());

const compiledGrad = grad(softmaxLoss);
const compiledValueAndGrad = valueAndGrad(softmaxLoss);

function maxRelDiff(a: Float64Array, b: Float64Array): number {
  let diff = 0;
  let scale = 0;
  for (let t = 0; t < a.length; t++) {
    diff = Math.max(diff, Math.abs(a[t] - b[t]));
    scale = Math.max(scale, Math.abs(b[t]));
  }
  return diff / scale;
}

const gHand = softmaxLossGradByHand(theta, X, y, N, D, C);
const gCompiled = compiledGrad(theta, X, y, N, D, C);
const [value, gVg] = compiledValueAndGrad(theta, X, y, N, D, C);
const agreement = Math.max(maxRelDiff(gCompiled, gHand), maxRelDiff(gVg, gHand));
const primalValue = softmaxLoss(theta, X, y, N, D, C);
const valueDiff = Math.abs(value - primalValue) / Math.abs(primalValue);
console.log(`softmax regression, N=${N} D=${D} C=${C}: loss ${value.toFixed(6)}`);
console.log(`compiled vs hand-written gradient: max rel diff ${agreement.toExponential(2)} (must be < 1e-10); ` +
  `valueAndGrad value vs primal: rel diff ${valueDiff.toExponential(2)}`);
if (!(agreement < 1e-10) || !(valueDiff < 1e-12)) {
  console.error('FAIL: compiled results disagree with the reference; not timing');
  process.exit(1);
}

const cases: [string, () => unknown][] = [
  ['primal', () => softmaxLoss(theta, X, y, N, D, C)],
  ['compiled grad', () => compiledGrad(theta, X, y, N, D, C)],
  ['compiled valueAndGrad', () => compiledValueAndGrad(theta, X, y, N, D, C)],
  ['hand-written grad', () => softmaxLossGradByHand(theta, X, y, N, D, C)],
];

// Round-robin, with the order rotated each round, so drift in machine speed (thermal, GC, other
// processes) hits every case alike instead of whichever happened to run last.
let sink = 0;
const keep = (r: unknown) => {
  sink += typeof r === 'number' ? r : Array.isArray(r) ? (r[1] as Float64Array)[0] : (r as Float64Array)[0];
};
for (let w = 0; w < WARMUP; w++) for (const [, fn] of cases) keep(fn());
const samples = cases.map(() => [] as number[]);
for (let rep = 0; rep < REPS; rep++) {
  for (let s = 0; s < cases.length; s++) {
    const c = (rep + s) % cases.length;
    const t0 = process.hrtime.bigint();
    keep(cases[c][1]());
    samples[c].push(Number(process.hrtime.bigint() - t0) / 1e6);
  }
}
const median = (xs: number[]) => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const ms = samples.map(median);
const [primal, gradMs, vgMs, handMs] = ms;

console.log(`\nmedian of ${REPS} calls after ${WARMUP} warm-up rounds (ms per call, min..max in brackets):`);
cases.forEach(([name], c) => {
  const lo = Math.min(...samples[c]).toFixed(2);
  const hi = Math.max(...samples[c]).toFixed(2);
  console.log(`  ${name.padEnd(22)} ${ms[c].toFixed(2).padStart(8)}   [${lo}..${hi}]`);
});
const ratio = (label: string, r: number, target?: number) =>
  console.log(`  ${label.padEnd(30)} ${r.toFixed(2).padStart(6)}` +
    (target === undefined ? '' : `   target <= ${target}  ${r <= target ? 'met' : 'NOT met'}`));
console.log('\nratios:');
ratio('compiled grad / primal', gradMs / primal, 3);
ratio('compiled grad / hand-written', gradMs / handMs, 1.3);
ratio('valueAndGrad / primal', vgMs / primal);
ratio('hand-written / primal', handMs / primal);
if (Number.isNaN(sink)) console.log('(sink)');
