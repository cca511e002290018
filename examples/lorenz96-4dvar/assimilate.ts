/**
 * 4D-Var data assimilation on the Lorenz-96 model with derivatives from tsgrad
 * (`npm run demo:4dvar`):
 *   1. the tangent-linear and adjoint models (jvp, vjp) and the dot-product test;
 *   2. 4D-Var: the initial state recovered from noisy observations by L-BFGS on the cost's gradient;
 *   3. a 10,000-step window: the adjoint with binomial checkpointing against the fully taped one.
 * Part 2 writes its curves to out/: the cost per iteration (4dvar-cost.svg) and the truth, background
 * and analysis trajectories of an observed and an unobserved variable (4dvar-x0.svg, 4dvar-x1.svg).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkpointSchedule, defaultSnapshots, grad, jvp, tapeMemory, valueAndGrad, vjp } from 'tsgrad';
import { linePlot, type Series } from '../shared/plot.js';
import { dot, lbfgs } from './lbfgs.js';
import { cost, costTaped, F, forecast, rk4Step, type Window } from './model.js';
import { gaussian, rms, spinUp, twinWindow } from './experiment.js';

const N = 40;
const maxRelDiff = (a: ArrayLike<number>, b: number[]): number => {
  let worst = 0;
  const scale = Math.max(...b.map(Math.abs));
  for (let i = 0; i < a.length; i++) worst = Math.max(worst, Math.abs(a[i] - b[i]) / scale);
  return worst;
};
const fmt = (v: number, digits = 6): string => v.toPrecision(digits);
// compiled to dist/lorenz96-4dvar/ (the build's root is examples/, for ../shared/plot.ts)
const outDir = path.join(__dirname, '..', '..', 'out');
/** Writes an SVG into out/ and prints its path. */
const writePlot = (name: string, svg: string): void => {
  fs.mkdirSync(outDir, { recursive: true });
  fs.writeFileSync(path.join(outDir, name), svg);
  console.log(`   plot: ${path.relative(process.cwd(), path.join(outDir, name))}`);
};

const truth0 = spinUp(N, F);
const noise = gaussian(7);

// ── 1. tangent-linear and adjoint models ──────────────────────────────────────────────────────
{
  const steps = 100;
  const dt = 0.01;
  const dx = Array.from({ length: N }, noise);
  const dy = Array.from({ length: N }, noise);
  const [, Mdx] = jvp(forecast, [truth0, steps, dt], [dx, 0, 0]);
  const [, pullback] = vjp(forecast, truth0, steps, dt);
  const [MTdy] = pullback(dy);
  const lhs = dot(Mdx, dy);
  const rhs = dot(dx, MTdy!);
  const h = 1e-6;
  const plus = forecast(truth0.map((v, i) => v + h * dx[i]), steps, dt);
  const minus = forecast(truth0.map((v, i) => v - h * dx[i]), steps, dt);
  const fd = plus.map((v, i) => (v - minus[i]) / (2 * h));
  console.log(`1. Tangent-linear and adjoint of ${steps} RK4 steps (N = ${N}, F = ${F}, dt = ${dt})`);
  console.log(`   <M dx, dy>  = ${lhs.toPrecision(17)}`);
  console.log(`   <dx, Mᵀ dy> = ${rhs.toPrecision(17)}`);
  console.log(`   dot-product test: relative difference ${Math.abs(lhs - rhs) / Math.abs(lhs)} (want < 1e-12)`);
  console.log(`   M dx against central differences (h = ${h}): relative difference ${maxRelDiff(Mdx, fd).toExponential(1)}`);
}

// ── 2. 4D-Var ─────────────────────────────────────────────────────────────────────────────────
{
  const w = twinWindow(truth0, { steps: 100, dt: 0.01, every: 10, stride: 2, sigmaO: 0.5, sigmaB: 1, seed: 11 });
  const costGrad = valueAndGrad(cost, 0);
  console.log(`\n2. 4D-Var over ${w.steps} steps (${w.steps * w.dt} time units): ${w.observed.length} of ${N} variables observed every ${w.every} steps, σo = ${w.sigmaO}, background error σb = ${w.sigmaB}`);
  // the gradient against central differences of the cost, along a random direction
  const v = Array.from({ length: N }, noise);
  const [, g] = costGrad(w.background, w);
  const h = 1e-6;
  const fd = (cost(w.background.map((x, i) => x + h * v[i]), w) - cost(w.background.map((x, i) => x - h * v[i]), w)) / (2 * h);
  console.log(`   gradient · v = ${fmt(dot(g, v), 10)}, central differences ${fmt(fd, 10)}`);
  console.log('   iteration   cost          |gradient|');
  const costs: number[] = [];
  const result = lbfgs((x) => costGrad(x, w), w.background, {
    memory: 12,
    maxIterations: 150,
    gradientTolerance: 1e-4,
    onIteration: (k, f, gn) => {
      costs.push(f);
      console.log(`   ${String(k).padStart(9)}   ${fmt(f, 8).padEnd(12)}  ${gn.toExponential(2)}`);
    },
  });
  const endTruth = forecast(truth0, w.steps, w.dt);
  console.log(`   ${result.iterations} iterations, ${result.evaluations} gradients`);
  console.log(`   RMS error of the initial state:  background ${fmt(rms(w.background, truth0), 4)}  →  analysis ${fmt(rms(result.x, truth0), 4)}`);
  console.log(`   RMS error at the end of window:  background ${fmt(rms(forecast(w.background, w.steps, w.dt), endTruth), 4)}  →  analysis ${fmt(rms(forecast(result.x, w.steps, w.dt), endTruth), 4)}`);
  writePlot('4dvar-cost.svg', linePlot({
    title: '4D-Var on Lorenz-96: L-BFGS on the cost\'s gradient (valueAndGrad)',
    xLabel: 'iteration',
    yLabel: 'cost J(x₀)',
    logY: true,
    series: [{ name: 'cost', y: costs }],
  }));
  // the trajectories step by step, and the observations of a variable (none for odd ones)
  const run = (x0: number[]): number[][] => {
    const states = [x0];
    for (let t = 0; t < w.steps; t++) states.push(rk4Step(states[t], w.dt));
    return states;
  };
  const [truth, background, analysis] = [run(truth0), run(w.background), run(result.x)];
  const time = truth.map((_, t) => t * w.dt);
  for (const v of [0, 1]) {
    const j = Array.from(w.observed).indexOf(v);
    const times = w.values.length / w.observed.length;
    const series: Series[] = [
      { name: 'truth', x: time, y: truth.map((x) => x[v]) },
      { name: 'background', x: time, y: background.map((x) => x[v]), dashed: true },
      { name: 'analysis (4D-Var)', x: time, y: analysis.map((x) => x[v]) },
    ];
    if (j >= 0) {
      series.push({
        name: `observations (σo = ${w.sigmaO})`,
        x: Array.from({ length: times }, (_, k) => (k + 1) * w.every * w.dt),
        y: Array.from({ length: times }, (_, k) => w.values[k * w.observed.length + j]),
        points: true,
      });
    }
    const name = `x${String.fromCharCode(0x2080 + v)}`; // x₀, x₁
    writePlot(`4dvar-x${v}.svg`, linePlot({
      title: `Lorenz-96: ${name} over the assimilation window (${j >= 0 ? 'observed' : 'not observed'})`,
      xLabel: 'time (model units)',
      yLabel: name,
      series,
    }));
  }
}

// ── 3. a 10,000-step window: checkpointed against taped adjoint ───────────────────────────────
{
  const steps = 10000;
  const w: Window = twinWindow(truth0, { steps, dt: 0.001, every: 100, stride: 2, sigmaO: 0.5, sigmaB: 1, seed: 13 });
  const checkpointed = grad(cost, 0);
  const taped = grad(costTaped, 0);
  // memory: how much the first call grows tsgrad's tapes and saved states (capacities, which do
  // not shrink: the call's peak need)
  const firstCall = (g: (x: number[], w: Window) => number[]): { bytes: number; out: number[] } => {
    const held = tapeMemory();
    const out = g(w.background, w);
    return { bytes: tapeMemory() - held, out };
  };
  const ck = firstCall(checkpointed);
  const tp = firstCall(taped);
  // time: two warm-up rounds, then 7 rounds calling the three in turn (medians)
  const runs = { primal: (x: number[]) => cost(x, w), taped: (x: number[]) => taped(x, w), checkpointed: (x: number[]) => checkpointed(x, w) };
  const times = { primal: [] as number[], taped: [] as number[], checkpointed: [] as number[] };
  for (let r = 0; r < 9; r++) {
    for (const k of ['primal', 'taped', 'checkpointed'] as const) {
      const t0 = performance.now();
      runs[k](w.background);
      if (r >= 2) times[k].push(performance.now() - t0);
    }
  }
  const median = (a: number[]): number => [...a].sort((x, y) => x - y)[a.length >> 1];
  const [primalMs, tapedMs, checkpointedMs] = [median(times.primal), median(times.taped), median(times.checkpointed)];
  const snapshots = defaultSnapshots(steps);
  const plan = checkpointSchedule(steps, snapshots);
  const kb = (b: number): string => `${(b / 1024).toFixed(0)} KB`.padStart(9);
  console.log(`\n3. Adjoint of a ${steps}-step window (dt = ${w.dt}): time (median of 7), tape and saved states held`);
  console.log(`   primal cost                     ${primalMs.toFixed(1).padStart(7)} ms`);
  console.log(`   taped adjoint                   ${tapedMs.toFixed(1).padStart(7)} ms   ${kb(tp.bytes)}`);
  console.log(`   checkpointed adjoint, ${snapshots} states ${checkpointedMs.toFixed(1).padStart(7)} ms   ${kb(ck.bytes)}`);
  console.log(`   memory ${(tp.bytes / ck.bytes).toFixed(0)}× smaller, time ${(checkpointedMs / tapedMs).toFixed(2)}× the taped adjoint; adjoint/primal ${(tapedMs / primalMs).toFixed(2)} taped, ${(checkpointedMs / primalMs).toFixed(2)} checkpointed`);
  console.log(`   recompute: each step runs forward ${((2 * steps + plan.recomputed) / steps).toFixed(2)} times (taped: once), ${plan.recomputed} steps rerun`);
  console.log(`   gradients agree: max relative difference ${maxRelDiff(ck.out, tp.out).toExponential(1)}`);
}
