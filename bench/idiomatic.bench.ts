/**
 * Idiomatic TypeScript against the same objective written with loops (bench/idiomatic.ts): the
 * primal, tsgrad's gradient of the idiomatic code and tsgrad's gradient of the loop code, side by
 * side in one process (medians of interleaved calls, timing.ts). Issue 13's target: the idiomatic
 * gradient within 1.3× of the loop version's. Printed, not asserted; the two versions' values and
 * gradients are compared first, so the timings are of the same computation.
 */
import * as path from 'node:path';
import { grad } from 'tsgrad';
import { gmmIdiomatic, mlpIdiomatic, mlpLoops, odeIdiomatic, readGmm } from './idiomatic.js';
import { gmmGrad as gmmGradLoops, gmmObjective as gmmLoops } from './workloads/gmm.js';
import { lorenz96Cost, lorenz96CostGrad } from './workloads/lorenz96.js';
import { rng } from '../test/random.js';
import { timeInterleaved, WARMUP_CALLS, WARMUP_MS } from './timing.js';

const REPS = 15;

interface Row {
  name: string;
  primal: () => unknown;
  primalLoops: () => unknown;
  idiomatic: () => unknown;
  loops: () => unknown;
}

function time(rows: Row[]): void {
  console.log(`\nidiomatic TypeScript vs loops: median ms per call of ${REPS} interleaved rounds, after at least ${WARMUP_CALLS} warm-up calls and ${WARMUP_MS} ms of each`);
  console.log('                      primal (idiomatic, loops)   grad (idiomatic, ×primal)   grad (loops, ×primal)   grad idiomatic/loops');
  for (const row of rows) {
    const [p, pl, i, l] = timeInterleaved([row.primal, row.primalLoops, row.idiomatic, row.loops], REPS);
    console.log(`  ${row.name.padEnd(18)} ${p.toFixed(2).padStart(8)} ${pl.toFixed(2).padStart(8)}      ${i.toFixed(2).padStart(8)} (${(i / p).toFixed(2)}×)         ${l.toFixed(2).padStart(8)} (${(l / pl).toFixed(2)}×)       ${(i / l).toFixed(2).padStart(6)}`);
  }
}

/** max |a - b| / max(1, |b|) over the flattened values. */
function gap(a: unknown, b: unknown): number {
  const flat = (x: unknown): number[] => (typeof x === 'number' ? [x] : Array.from(x as ArrayLike<unknown>).flatMap(flat));
  const u = flat(a);
  const v = flat(b);
  if (u.length !== v.length) return Infinity;
  return u.reduce((m, x, k) => Math.max(m, Math.abs(x - v[k]) / Math.max(1, Math.abs(v[k]))), 0);
}

// GMM, ADBench d = 10, K = 25, n = 1000
const g = readGmm(path.join(__dirname, '..', '..', 'data', 'gmm_d10_K25.txt'));
const flatten = (rows: number[][]): Float64Array => Float64Array.from(rows.flat());
const { alphas: fa, means: fm, icf: fi, x: fx } = g.flat;
const gmmGradIdiomatic = grad(gmmIdiomatic, [0, 1, 2]);

// MLP: 8 → 32 → 4, a batch of 256
const r = rng(3);
const u = (): number => -1 + 2 * r();
const [din, dh, dout, n] = [8, 32, 4, 256];
const W1 = Array.from({ length: dh }, () => Array.from({ length: din }, u));
const b1 = Array.from({ length: dh }, u);
const W2 = Array.from({ length: dout }, () => Array.from({ length: dh }, u));
const b2 = Array.from({ length: dout }, u);
const X = Array.from({ length: n }, () => Array.from({ length: din }, u));
const Y = Array.from({ length: n }, () => Array.from({ length: dout }, u));
const mlpGradIdiomatic = grad(mlpIdiomatic, [0, 1, 2, 3]);
const mlpGradLoops = grad(mlpLoops, [0, 1, 2, 3]);
const flatMlp = [flatten(W1), Float64Array.from(b1), flatten(W2), Float64Array.from(b2), flatten(X), flatten(Y)] as const;

// Lorenz-96, 40 variables, RK4, 200 steps
const x0 = Array.from({ length: 40 }, (_, i) => 8 + (i === 0 ? 0.01 : 0) + 0.1 * Math.sin(i));
const odeGradIdiomatic = grad(odeIdiomatic);
const odeLoops = (x: number[]): number => lorenz96Cost(x, 8, 0.01, 200);
const odeGradLoops = (x: number[]): number[] => lorenz96CostGrad(x, 8, 0.01, 200);

const checks: [string, number][] = [
  ['gmm value', gap(gmmIdiomatic(g.alphas, g.means, g.icf, g.x, g.wishart), gmmLoops(fa, fm, fi, fx, g.d, g.wishart.gamma, g.wishart.m))],
  ['gmm gradient', gap(gmmGradIdiomatic(g.alphas, g.means, g.icf, g.x, g.wishart), gmmGradLoops(fa, fm, fi, fx, g.d, g.wishart.gamma, g.wishart.m))],
  ['mlp gradient', gap(mlpGradIdiomatic(W1, b1, W2, b2, X, Y), mlpGradLoops(...flatMlp, din))],
  ['ode gradient', gap(odeGradIdiomatic(x0), odeGradLoops(x0))],
];
console.log(`\nGMM objective on gmm_d10_K25: ${gmmIdiomatic(g.alphas, g.means, g.icf, g.x, g.wishart)} (ADBench's -25649.65 includes the Wishart prior's normalizing constant, which this objective leaves out)`);
for (const [what, e] of checks) console.log(`  idiomatic vs loops, ${what}: largest relative difference ${e.toExponential(1)}`);

time([
  {
    name: 'GMM d10 K25 n1000',
    primal: () => gmmIdiomatic(g.alphas, g.means, g.icf, g.x, g.wishart),
    primalLoops: () => gmmLoops(fa, fm, fi, fx, g.d, g.wishart.gamma, g.wishart.m),
    idiomatic: () => gmmGradIdiomatic(g.alphas, g.means, g.icf, g.x, g.wishart),
    loops: () => gmmGradLoops(fa, fm, fi, fx, g.d, g.wishart.gamma, g.wishart.m),
  },
  {
    name: 'MLP 8-32-4 ×256',
    primal: () => mlpIdiomatic(W1, b1, W2, b2, X, Y),
    primalLoops: () => mlpLoops(...flatMlp, din),
    idiomatic: () => mlpGradIdiomatic(W1, b1, W2, b2, X, Y),
    loops: () => mlpGradLoops(...flatMlp, din),
  },
  {
    name: 'Lorenz-96 RK4 ×200',
    primal: () => odeIdiomatic(x0),
    primalLoops: () => odeLoops(x0),
    idiomatic: () => odeGradIdiomatic(x0),
    loops: () => odeGradLoops(x0),
  },
]);
