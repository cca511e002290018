/**
 * Softmax regression on Seattle weather: full-batch gradient descent with a gradient compiled by
 * tsgrad, a finite-difference check of that gradient at the trained parameters, then Newton's
 * method from the same start, its steps solved by conjugate gradients on Hessian-vector products
 * (tsgrad's hvp: the Hessian is never formed). Writes the loss curves to out/loss.svg.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { hvp, valueAndGrad } from 'tsgrad';
import { linePlot } from '../shared/plot.js';
import { CLASSES, FEATURES, loadWeather, type Split } from './data.js';
import { softmaxLoss } from './loss.js';

const EPOCHS = 1000;
const LEARNING_RATE = 1.0;
const REPORT_EVERY = 100;
// Near the optimum the gradient is only ~1e-3, while the loss carries rounding error ~1e-15; with
// h = 1e-6 that error alone, divided by 2h, is ~1e-6 of the gradient. h = 1e-5 balances rounding
// against the O(h^2) truncation error (both ~1e-10 here).
const FD_STEP = 1e-5;
const FD_TOLERANCE = 1e-6;

// compiled to dist/softmax-regression/ (the build's root is examples/, for ../shared/plot.ts)
const exampleDir = path.join(__dirname, '..', '..');
const data = loadWeather(path.join(exampleDir, 'data', 'seattle-weather.csv'));
const { train, test, d, c } = data;

const step = valueAndGrad(softmaxLoss);

const theta = new Float64Array(c * d);
const start = process.hrtime.bigint();
const curve: string[] = [];
// every epoch's training loss, and the test loss at the same parameters (for the plot)
const trainLoss: number[] = [];
const testLoss: number[] = [];
for (let epoch = 0; epoch <= EPOCHS; epoch++) {
  const [loss, g] = step(theta, train.X, train.y, train.n, d, c);
  trainLoss.push(loss);
  testLoss.push(softmaxLoss(theta, test.X, test.y, test.n, d, c));
  if (epoch % REPORT_EVERY === 0) curve.push(`${epoch}: ${loss.toFixed(4)}`);
  if (epoch === EPOCHS) break;
  for (let t = 0; t < theta.length; t++) theta[t] -= LEARNING_RATE * g[t];
}
const seconds = Number(process.hrtime.bigint() - start) / 1e9;

console.log(`Seattle weather: ${train.n} train / ${test.n} test days, features [${FEATURES.join(', ')}] + bias, ` +
  `classes [${CLASSES.join(', ')}]`);
console.log(`training loss by epoch (lr ${LEARNING_RATE}, ${seconds.toFixed(2)} s):`);
console.log(`  ${curve.join('  ')}`);

function predict(s: Split, i: number): number {
  let best = 0;
  let bestLogit = -Infinity;
  for (let k = 0; k < c; k++) {
    let z = 0;
    for (let j = 0; j < d; j++) z += theta[k * d + j] * s.X[i * d + j];
    if (z > bestLogit) [best, bestLogit] = [k, z];
  }
  return best;
}
function accuracy(s: Split, classify: (i: number) => number): number {
  let correct = 0;
  for (let i = 0; i < s.n; i++) if (classify(i) === s.y[i]) correct++;
  return correct / s.n;
}

// Majority baselines: the most frequent training class (what a trivial model would learn), and the
// most frequent test class (an oracle, the stricter bar); the model has to beat both.
const mostFrequent = (s: Split): number => {
  const counts = new Array<number>(c).fill(0);
  for (const label of s.y) counts[label]++;
  return counts.indexOf(Math.max(...counts));
};
const trainMajority = mostFrequent(train);
const testMajority = mostFrequent(test);

const trainAcc = accuracy(train, (i) => predict(train, i));
const testAcc = accuracy(test, (i) => predict(test, i));
const baseline = Math.max(accuracy(test, () => trainMajority), accuracy(test, () => testMajority));
const pct = (x: number) => `${(100 * x).toFixed(1)}%`;
console.log(`train accuracy ${pct(trainAcc)}, test accuracy ${pct(testAcc)}, ` +
  `majority baseline on test ${pct(baseline)} ` +
  `(always "${CLASSES[trainMajority]}": ${pct(accuracy(test, () => trainMajority))}, ` +
  `always "${CLASSES[testMajority]}": ${pct(accuracy(test, () => testMajority))})`);

// Central differences on every parameter. The gradient is nearly zero at the optimum, so entries
// are compared relative to the largest gradient entry rather than each to itself.
const [, g] = step(theta, train.X, train.y, train.n, d, c);
let maxAbsDiff = 0;
let maxAbsGrad = 0;
const probe = Float64Array.from(theta);
for (let t = 0; t < theta.length; t++) {
  probe[t] = theta[t] + FD_STEP;
  const up = softmaxLoss(probe, train.X, train.y, train.n, d, c);
  probe[t] = theta[t] - FD_STEP;
  const down = softmaxLoss(probe, train.X, train.y, train.n, d, c);
  probe[t] = theta[t];
  const fd = (up - down) / (2 * FD_STEP);
  maxAbsDiff = Math.max(maxAbsDiff, Math.abs(g[t] - fd));
  maxAbsGrad = Math.max(maxAbsGrad, Math.abs(fd));
}
const relErr = maxAbsDiff / maxAbsGrad;
console.log(`gradient check (${theta.length} entries, h=${FD_STEP.toExponential()}): max |grad - fd| = ${maxAbsDiff.toExponential(2)}, ` +
  `max |grad| = ${maxAbsGrad.toExponential(2)}, max relative error = ${relErr.toExponential(2)} (tolerance ${FD_TOLERANCE.toExponential()})`);

// ── Newton-CG: the same problem, second order ─────────────────────────────────────────────────
const hessianTimes = hvp(softmaxLoss);
const args = [train.X, train.y, train.n, d, c] as const;
const gdFinal = softmaxLoss(theta, ...args);

// H·v against central differences of the (finite-difference-checked) gradient, at a random direction
const v = Float64Array.from({ length: theta.length }, (_, t) => Math.sin(7.3 * t + 1));
const Hv = hessianTimes(theta, ...args, v);
const shifted = (sign: number) => step(theta.map((x, t) => x + sign * FD_STEP * v[t]), ...args)[1];
const [gPlus, gMinus] = [shifted(1), shifted(-1)];
let hvpDiff = 0;
let hvpMax = 0;
for (let t = 0; t < theta.length; t++) {
  hvpDiff = Math.max(hvpDiff, Math.abs(Hv[t] - (gPlus[t] - gMinus[t]) / (2 * FD_STEP)));
  hvpMax = Math.max(hvpMax, Math.abs(Hv[t]));
}
const hvpErr = hvpDiff / hvpMax;
console.log(`Hessian-vector product check: max relative difference from differences of the gradient ${hvpErr.toExponential(2)}`);

const dotp = (a: Float64Array, b: Float64Array) => a.reduce((s, x, t) => s + x * b[t], 0);
/** Solves H p = -g approximately by conjugate gradients, one hvp per iteration. */
function newtonDirection(at: Float64Array, g: Float64Array, maxIter: number): { p: Float64Array; products: number } {
  const p = new Float64Array(g.length);
  const r = g.map((x) => -x);
  const q = Float64Array.from(r);
  let rr = dotp(r, r);
  const stop = 1e-10 * rr;
  let products = 0;
  for (let it = 0; it < maxIter && rr > stop; it++) {
    const Hq = hessianTimes(at, ...args, q);
    products++;
    const alpha = rr / dotp(q, Hq);
    for (let t = 0; t < p.length; t++) {
      p[t] += alpha * q[t];
      r[t] -= alpha * Hq[t];
    }
    const next = dotp(r, r);
    for (let t = 0; t < q.length; t++) q[t] = r[t] + (next / rr) * q[t];
    rr = next;
  }
  return { p, products };
}

const newton = new Float64Array(c * d);
const newtonStart = process.hrtime.bigint();
const newtonCurve: string[] = [];
let products = 0;
let reachedAt = -1;
for (let iter = 0; iter <= 20; iter++) {
  const [loss, g] = step(newton, ...args);
  newtonCurve.push(`${iter}: ${loss.toFixed(4)}`);
  if (reachedAt < 0 && loss <= gdFinal) reachedAt = iter;
  if (Math.sqrt(dotp(g, g)) < 1e-9) break;
  const dir = newtonDirection(newton, g, 2 * theta.length);
  products += dir.products;
  // backtracking line search (Armijo)
  let t = 1;
  const slope = dotp(g, dir.p);
  while (softmaxLoss(newton.map((x, k) => x + t * dir.p[k]), ...args) > loss + 1e-4 * t * slope && t > 1e-8) t /= 2;
  for (let k = 0; k < newton.length; k++) newton[k] += t * dir.p[k];
}
const newtonSeconds = Number(process.hrtime.bigint() - newtonStart) / 1e9;
console.log(`Newton-CG with hvp (${newtonSeconds.toFixed(2)} s, ${products} Hessian-vector products): ${newtonCurve.join('  ')}`);
console.log(`gradient descent's loss after ${EPOCHS} epochs, ${gdFinal.toFixed(6)}, reached by Newton-CG at iteration ${reachedAt}; ` +
  `Newton's final loss ${softmaxLoss(newton, ...args).toFixed(6)}`);

const newtonFinal = softmaxLoss(newton, ...args);
const svg = path.join(exampleDir, 'out', 'loss.svg');
fs.mkdirSync(path.dirname(svg), { recursive: true });
fs.writeFileSync(svg, linePlot({
  title: 'Softmax regression on Seattle weather: gradient descent',
  xLabel: 'epoch',
  yLabel: 'mean cross-entropy (+ ridge)',
  series: [
    { name: 'training loss', y: trainLoss },
    { name: 'test loss', y: testLoss, dashed: true },
    { name: `Newton-CG optimum (${newtonFinal.toFixed(4)})`, x: [0, EPOCHS], y: [newtonFinal, newtonFinal], color: '#009e73' },
  ],
}));
console.log(`loss curves: ${path.relative(process.cwd(), svg)}`);

const failures: string[] = [];
if (!(relErr <= FD_TOLERANCE)) failures.push('gradient check failed');
if (!(hvpErr <= 1e-5)) failures.push('Hessian-vector product check failed');
if (!(reachedAt >= 0 && reachedAt < EPOCHS)) failures.push('Newton-CG did not reach the loss of gradient descent');
if (!(testAcc > baseline)) failures.push('test accuracy does not beat the majority baseline');
if (failures.length > 0) {
  console.error(`FAIL: ${failures.join('; ')}`);
  process.exitCode = 1;
} else {
  console.log('OK');
}
