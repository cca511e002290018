/**
 * Adjoint code against hand-written gradients (issue 16): for the GMM objective at ADBench's
 * d=10 K=25 and d=2 K=5 (n=1000), Lorenz-96 (40 variables, RK4, 200 steps) and the softmax
 * cross-entropy (N=20000, D=50, C=10): the primal, tsgrad's gradient and a gradient written by
 * hand (bench/workloads/), timed side by side in one process, interleaved, medians. Before timing,
 * the GMM objective is checked against ADBench's values and every pair of gradients against each
 * other and against central differences; a failure exits with status 1. Times are printed, not
 * asserted, with the issue's targets beside them; then the size of tsgrad's generated code.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { gmmGrad, gmmGradByHand, gmmObjective } from './workloads/gmm.js';
import { adbenchObjective, gmmWishartConstant, parseGmm } from './workloads/gmmData.js';
import { lorenz96Cost, lorenz96CostGrad, lorenz96CostGradByHand } from './workloads/lorenz96.js';
import { softmaxDataset, softmaxLoss, softmaxLossGrad, softmaxLossGradByHand } from './workloads/softmax.js';
import { checkGradients, type GradientCheck } from './verify.js';
import { timeInterleaved, WARMUP_CALLS, WARMUP_MS } from './timing.js';

const REPS = 21;
const TARGET_VS_HAND = 1.15;
const TARGET_GMM_VS_PRIMAL = 2.5;
const repoRoot = path.resolve(__dirname, '..', '..', '..');

interface Workload {
  name: string;
  /** The workload's file: its one grad call is what the code size counts. */
  source: string;
  primal: () => number;
  tsgrad: () => unknown;
  hand: () => unknown;
  check: GradientCheck;
  /** The issue's target for tsgrad's gradient / primal, if it sets one. */
  vsPrimal?: number;
}

function gmmWorkload(file: string): Workload {
  const g = parseGmm(fs.readFileSync(path.join(repoRoot, 'bench', 'data', file), 'utf8'));
  const { alphas, means, icf, x, d, gamma, m } = g;
  const value = gmmObjective(alphas, means, icf, x, d, gamma, m) + gmmWishartConstant(d, g.k, gamma, m);
  const known = adbenchObjective[file];
  const gap = Math.abs(value - known) / Math.abs(known);
  console.log(`GMM ${file}: objective ${value} (ADBench ${known}), relative difference ${gap.toExponential(1)}`);
  if (!(gap < 1e-10)) fail(`the GMM objective on ${file} is not ADBench's`);
  return {
    name: `GMM d=${d} K=${g.k} n=${g.n}`,
    source: 'gmm.ts',
    primal: () => gmmObjective(alphas, means, icf, x, d, gamma, m),
    tsgrad: () => gmmGrad(alphas, means, icf, x, d, gamma, m),
    hand: () => gmmGradByHand(alphas, means, icf, x, d, gamma, m),
    check: {
      inputs: [alphas, means, icf],
      value: ([a, mu, q]) => gmmObjective(a, mu, q, x, d, gamma, m),
      grads: [['hand-written', () => gmmGradByHand(alphas, means, icf, x, d, gamma, m)], ['tsgrad', () => gmmGrad(alphas, means, icf, x, d, gamma, m)]],
    },
    vsPrimal: TARGET_GMM_VS_PRIMAL,
  };
}

function lorenzWorkload(): Workload {
  const [forcing, dt, steps] = [8, 0.01, 200];
  const x0 = Array.from({ length: 40 }, (_, i) => 8 + (i === 0 ? 0.01 : 0) + 0.1 * Math.sin(i));
  return {
    name: 'Lorenz-96 n=40 RK4 200 steps',
    source: 'lorenz96.ts',
    primal: () => lorenz96Cost(x0, forcing, dt, steps),
    tsgrad: () => lorenz96CostGrad(x0, forcing, dt, steps),
    hand: () => lorenz96CostGradByHand(x0, forcing, dt, steps),
    check: {
      inputs: [x0],
      value: ([x]) => lorenz96Cost(Array.from(x), forcing, dt, steps),
      grads: [['hand-written', () => [lorenz96CostGradByHand(x0, forcing, dt, steps)]], ['tsgrad', () => [lorenz96CostGrad(x0, forcing, dt, steps)]]],
    },
  };
}

function softmaxWorkload(): Workload {
  const [N, D, C] = [20000, 50, 10];
  const { theta, X, y } = softmaxDataset(N, D, C, 42);
  return {
    name: `softmax N=${N} D=${D} C=${C}`,
    source: 'softmax.ts',
    primal: () => softmaxLoss(theta, X, y, N, D, C),
    tsgrad: () => softmaxLossGrad(theta, X, y, N, D, C),
    hand: () => softmaxLossGradByHand(theta, X, y, N, D, C),
    check: {
      inputs: [theta],
      value: ([t]) => softmaxLoss(t, X, y, N, D, C),
      grads: [['hand-written', () => [softmaxLossGradByHand(theta, X, y, N, D, C)]], ['tsgrad', () => [softmaxLossGrad(theta, X, y, N, D, C)]]],
    },
  };
}

function fail(why: string): never {
  console.error(`FAIL: ${why}; not timing`);
  process.exit(1);
}

function verify(w: Workload): void {
  const { agreement, directional } = checkGradients(w.check);
  console.log(`${w.name}: tsgrad vs hand-written, largest difference / largest entry ${agreement.toExponential(1)}; ` +
    `both vs central differences along ${directional.length} random directions, worst relative error ${Math.max(...directional).toExponential(1)}`);
  if (!(agreement < 1e-10)) fail(`${w.name}: tsgrad's and the hand-written gradient disagree`);
  if (!directional.every((e) => e < 1e-7)) fail(`${w.name}: a gradient disagrees with central differences`);
}

/** Median ms per call of the primal, tsgrad's gradient and the hand-written one (timing.ts). */
const time = (w: Workload): [number, number, number] => timeInterleaved([w.primal, w.tsgrad, w.hand], REPS) as [number, number, number];

/** Characters, lines and tape pushes of the derivative code tsgrad generates for a workload file (`tsgrad emit`). */
function generatedSize(source: string): { chars: number; lines: number; pushes: number } {
  const code = execFileSync(process.execPath, [path.join(repoRoot, 'bin', 'tsgrad.js'), 'emit', path.join(repoRoot, 'bench', 'workloads', source)], { encoding: 'utf8' }).trimEnd();
  // a push onto the tape's number stacks: `floats[nf++] = p` (compiler/passes/indexedTape.ts)
  return { chars: code.length, lines: code.split('\n').length, pushes: code.match(/\[n[fi](_\d+)?\+\+\] =/g)?.length ?? 0 };
}

const workloads = [gmmWorkload('gmm_d10_K25.txt'), gmmWorkload('gmm_d2_K5.txt'), lorenzWorkload(), softmaxWorkload()];
for (const w of workloads) verify(w);

const pad = (s: string, n: number): string => s.padStart(n);
const met = (ratio: number, target: number): string => `${ratio <= target ? 'met' : 'NOT met'}`;
console.log(`\nadjoint code vs hand-written gradients: median ms per call of ${REPS} interleaved rounds, after at least ${WARMUP_CALLS} warm-up calls and ${WARMUP_MS} ms of each`);
console.log(`${'workload'.padEnd(30)} ${pad('primal ms', 9)} ${pad('tsgrad grad ms (×primal)', 36)} ${pad('hand grad ms (×primal)', 23)} ${pad('tsgrad/hand', 12)}`);
for (const w of workloads) {
  const [p, t, h] = time(w);
  const vsPrimal = w.vsPrimal === undefined ? '' : `, target ≤ ${w.vsPrimal} ${met(t / p, w.vsPrimal)}`;
  const tsgradCol = `${t.toFixed(2)} (${(t / p).toFixed(2)}×${vsPrimal})`;
  console.log(`${w.name.padEnd(30)} ${pad(p.toFixed(2), 9)} ${pad(tsgradCol, 36)} ${pad(`${h.toFixed(2)} (${(h / p).toFixed(2)}×)`, 23)} ${pad((t / h).toFixed(2), 12)} (target ≤ ${TARGET_VS_HAND} ${met(t / h, TARGET_VS_HAND)})`);
}

console.log('\ngenerated gradient code (`tsgrad emit bench/workloads/<file>`, optimized): characters, lines, tape pushes in the text');
for (const source of [...new Set(workloads.map((w) => w.source))]) {
  const { chars, lines, pushes } = generatedSize(source);
  console.log(`  ${source.padEnd(14)} ${pad(String(chars), 7)} chars ${pad(String(lines), 5)} lines ${pad(String(pushes), 4)} pushes`);
}
