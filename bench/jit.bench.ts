/**
 * jit of the softmax-regression gradient (examples/softmax-gpu, N = 100,000 or TSGRAD_BENCH_N's first, D = 64, C = 10), side
 * by side in one run: `jit(valueAndGrad(loss))` on every backend this machine has, the compiled JS
 * gradient (float64, no kernels), and TensorFlow.js's `tf.valueAndGrad` on its wasm backend.
 * Round-robin with the order rotated each round; medians printed, nothing asserted.
 */
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import { type BackendName, jit, jitAsync, valueAndGrad } from 'tsgrad';
import { chooseBackend } from 'tsgrad/jit';
import { softmaxLoss } from '../examples/softmax-gpu/loss.js';
import { rng } from '../test/random.js';
import { installDawn } from '../test/webgpu/dawn.js';

/** The first of TSGRAD_BENCH_N's sizes (what bench:gpu times in the browser), 100,000 by default. */
const N = Number((process.env.TSGRAD_BENCH_N ?? '100000').split(',')[0]);
const D = 64;
const C = 10;
const WARMUP = 1;
const REPS = Number(process.env.REPS ?? 5);

const rand = rng(7);
const X = Float32Array.from({ length: N * D }, () => 2 * rand() - 1);
const y = Int32Array.from({ length: N }, () => Math.floor(rand() * C));
const theta = Float32Array.from({ length: C * D }, () => 0.3 * (2 * rand() - 1));

type Result = [number, ArrayLike<number>];
const compiled = valueAndGrad(softmaxLoss);

async function main(): Promise<void> {
  // webgpu in Node: Dawn (the webgpu package) on the machine's Vulkan driver, where it finds an adapter
  const dawn = await installDawn();
  console.log('adapter' in dawn ? `WebGPU in Node: ${dawn.adapter}` : `(WebGPU in Node: ${dawn.missing})`);
  await tf.setBackend('wasm');
  await tf.ready();
  const Xt = tf.tensor2d(X, [N, D]);
  const Y = tf.oneHot(tf.tensor1d(y, 'int32'), C).toFloat();
  const tfValueAndGrad = tf.valueAndGrad((th: tf.Tensor) => tf.neg(tf.mean(tf.sum(tf.mul(Y, tf.logSoftmax(tf.matMul(Xt, th, false, true))), 1))) as tf.Scalar);
  const tfRun = (): Result => {
    const [value, grad] = tf.tidy(() => {
      const r = tfValueAndGrad(tf.tensor2d(theta, [C, D]));
      return [r.value, r.grad];
    });
    const out: Result = [value.dataSync()[0], grad.dataSync() as Float32Array];
    tf.dispose([value, grad]);
    return out;
  };

  const cases: [string, () => Result | Promise<Result>][] = [['compiled JS valueAndGrad (float64)', () => compiled(theta, X, y, N, D, C)]];
  const jitted: string[] = [];
  for (const name of ['webgpu', 'headlessgl', 'webasm', 'cpu'] as BackendName[]) {
    try {
      chooseBackend({ backend: name, async: name === 'webgpu' });
    } catch (err) {
      console.log(`(${name}: ${(err as Error).message.replace(/^tsgrad: /, '')})`);
      continue;
    }
    const f = name === 'webgpu' ? jitAsync(valueAndGrad(softmaxLoss), { backend: name }) : jit(valueAndGrad(softmaxLoss), { backend: name });
    cases.push([`jit(valueAndGrad) on ${name}`, () => f(theta, X, y, N, D, C)]);
    jitted.push(name);
  }
  cases.push([`TF.js tf.valueAndGrad, ${tf.getBackend()}`, tfRun]);

  // every case computes the same loss and gradient (float32 tolerance)
  const [v0, g0] = await cases[0][1]();
  const scale = Math.max(...Array.from(g0, Math.abs));
  for (const [name, run] of cases.slice(1)) {
    const [v, g] = await run();
    const diff = Math.max(...Array.from(g, (x, t) => Math.abs(x - g0[t]))) / scale;
    console.log(`  ${name}: loss ${v.toFixed(6)} (compiled JS ${v0.toFixed(6)}), gradient max rel diff ${diff.toExponential(2)}`);
    if (!(diff < 1e-3) || !(Math.abs(v - v0) < 1e-4)) throw new Error(`${name} disagrees with the compiled JS gradient; not timing`);
  }

  for (let w = 0; w < WARMUP; w++) for (const [, run] of cases) await run();
  const samples = cases.map(() => [] as number[]);
  for (let rep = 0; rep < REPS; rep++) {
    for (let s = 0; s < cases.length; s++) {
      const c = (rep + s) % cases.length;
      const t0 = process.hrtime.bigint();
      await cases[c][1]();
      samples[c].push(Number(process.hrtime.bigint() - t0) / 1e6);
    }
  }
  const median = (xs: number[]): number => {
    const s = [...xs].sort((a, b) => a - b);
    return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  };
  const ms = samples.map(median);
  console.log(`\nsoftmax regression gradient, N=${N} D=${D} C=${C}: median of ${REPS} calls (ms per call, min..max in brackets):`);
  cases.forEach(([name], c) => {
    console.log(`  ${name.padEnd(40)} ${ms[c].toFixed(1).padStart(8)}   [${Math.min(...samples[c]).toFixed(1)}..${Math.max(...samples[c]).toFixed(1)}]`);
  });
  const js = ms[0];
  const tfMs = ms[ms.length - 1];
  console.log('\nratios (time / time; below 1 is faster):');
  const ratio = (label: string, r: number, target?: number): void =>
    console.log(`  ${label.padEnd(34)} ${r.toFixed(2).padStart(6)}` + (target === undefined ? '' : `   target <= ${target}  ${r <= target ? 'met' : 'NOT met'}`));
  jitted.forEach((name, k) => {
    const t = ms[k + 1];
    const gpu = name === 'webgpu' || name === 'headlessgl';
    ratio(`jit on ${name} / compiled JS`, t / js, gpu ? 0.1 : undefined);
    if (!gpu) ratio(`jit on ${name} / TF.js ${tf.getBackend()}`, t / tfMs, name === 'webasm' ? 1 : undefined);
  });
  ratio(`TF.js ${tf.getBackend()} / compiled JS`, tfMs / js);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
