/**
 * Softmax regression on Seattle weather: full-batch gradient descent with a gradient compiled by
 * tsgrad, then a finite-difference check of that gradient at the trained parameters.
 */
import * as path from 'node:path';
import { valueAndGrad } from 'tsgrad';
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

// compiled output lives in dist/, the data one level up
const data = loadWeather(path.join(__dirname, '..', 'data', 'seattle-weather.csv'));
const { train, test, d, c } = data;

const step = valueAndGrad(softmaxLoss);

const theta = new Float64Array(c * d);
const start = process.hrtime.bigint();
const curve: string[] = [];
for (let epoch = 0; epoch <= EPOCHS; epoch++) {
  const [loss, g] = step(theta, train.X, train.y, train.n, d, c);
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

const failures: string[] = [];
if (!(relErr <= FD_TOLERANCE)) failures.push('gradient check failed');
if (!(testAcc > baseline)) failures.push('test accuracy does not beat the majority baseline');
if (failures.length > 0) {
  console.error(`FAIL: ${failures.join('; ')}`);
  process.exitCode = 1;
} else {
  console.log('OK');
}
