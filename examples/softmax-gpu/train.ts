/**
 * Softmax regression trained by full-batch gradient descent, with the loss's gradient compiled by
 * `jit(valueAndGrad(loss))`: the sample loop's inner sums run as gpu.js kernels, forward and
 * adjoint, on the fastest backend available (TSGRAD_BACKEND=cpu|webasm|… chooses one).
 *
 * Synthetic problem, N = 100,000 samples, D = 64 features, C = 10 classes: labels from a random
 * linear model plus noise (data.ts). Prints the backend, time per epoch and the loss, and checks
 * the first gradient against the compiled float64 JS gradient (kernels compute in float32).
 */
import { jit, valueAndGrad } from 'tsgrad';
import { synthetic } from './data.js';
import { softmaxLoss } from './loss.js';

const N = 100_000;
const D = 64;
const C = 10;
const EPOCHS = Number(process.env.EPOCHS ?? 15);
const RATE = 0.5;

const { X, y } = synthetic(N, D, C);

const step = jit(valueAndGrad(softmaxLoss));
const reference = valueAndGrad(softmaxLoss);

const b = step.backend;
console.log(`softmax regression, N=${N} D=${D} C=${C}: jit(valueAndGrad) on backend '${b.name}'`);
for (const [name, why] of Object.entries(b.unavailable)) console.log(`  (${name} not used: ${why})`);
for (const f of b.fallbacks) console.log(`  (gpu.js fell back: ${f})`);

const theta = new Float32Array(C * D);
{
  // the kernels' float32 gradient against the float64 compiled JS one, before training
  const [v32, g32] = step(theta, X, y, N, D, C);
  const [v64, g64] = reference(theta, X, y, N, D, C);
  let diff = 0;
  let scale = 0;
  for (let t = 0; t < g64.length; t++) {
    diff = Math.max(diff, Math.abs(g32[t] - g64[t]));
    scale = Math.max(scale, Math.abs(g64[t]));
  }
  console.log(`first step vs compiled JS (float64): loss ${v32.toFixed(6)} vs ${v64.toFixed(6)}, gradient max rel diff ${(diff / scale).toExponential(2)}`);
  if (!(diff / scale < 1e-3) || !(Math.abs(v32 - v64) < 1e-4)) {
    console.error('FAIL: the jit gradient disagrees with the compiled JS gradient');
    process.exit(1);
  }
}

let total = 0;
for (let epoch = 1; epoch <= EPOCHS; epoch++) {
  const t0 = performance.now();
  const [loss, g] = step(theta, X, y, N, D, C);
  for (let t = 0; t < theta.length; t++) theta[t] -= RATE * g[t];
  const ms = performance.now() - t0;
  total += ms;
  if (epoch === 1 || epoch % 5 === 0 || epoch === EPOCHS) console.log(`epoch ${String(epoch).padStart(3)}  loss ${loss.toFixed(4)}  ${ms.toFixed(0)} ms`);
}
let correct = 0;
for (let i = 0; i < N; i++) {
  let best = 0;
  let bestZ = -Infinity;
  for (let k = 0; k < C; k++) {
    let z = 0;
    for (let j = 0; j < D; j++) z += theta[k * D + j] * X[i * D + j];
    if (z > bestZ) [best, bestZ] = [k, z];
  }
  if (best === y[i]) correct++;
}
console.log(`mean ${(total / EPOCHS).toFixed(0)} ms per epoch on '${b.name}'; final loss ${softmaxLoss(theta, X, y, N, D, C).toFixed(4)}, ` +
  `training accuracy ${((100 * correct) / N).toFixed(1)}% (chance ${(100 / C).toFixed(0)}%)`);
