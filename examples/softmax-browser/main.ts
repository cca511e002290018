/**
 * The browser demo's page: backend and data pickers, the training loop of training.ts, and two
 * charts (examples/shared/plot.ts) redrawn after every epoch. Its state is `window.demo.state`
 * (state.ts), its status also `document.body.dataset.status`, for the console and the test.
 */
import { linePlot } from '../shared/plot.js';
import type { DemoState, Status } from './state.js';
import { backendSupport, checkGradient, pageBackends, type PageBackend, type Problem, problems, stepFor, swapFirstClasses, train } from './training.js';

const element = <T extends HTMLElement>(id: string): T => document.getElementById(id) as T;
const form = element<HTMLFormElement>('controls');
const backendSelect = element<HTMLSelectElement>('backend');
const problemSelect = element<HTMLSelectElement>('problem');
const epochsInput = element<HTMLInputElement>('epochs');
const rateInput = element<HTMLInputElement>('rate');
const startButton = element<HTMLButtonElement>('start');
const stopButton = element<HTMLButtonElement>('stop');

const state: DemoState = {
  status: 'loading', requested: '', backend: '', fallbacks: [], support: {}, problem: '',
  loss: [], trainAccuracy: [], testAccuracy: [], ms: [],
};
let stopRequested = false;
const made = new Map<string, Problem>();
const problemOf = (key: string): Problem => made.get(key) ?? made.set(key, problems[key].make()).get(key)!;
(window as unknown as { demo: unknown }).demo = {
  state,
  stop: () => (stopRequested = true),
  /** The gradient check on `backend` for the data picked; with `corrupt`, of a wrong gradient (classes 0 and 1 swapped). */
  checkGradient: (backend: PageBackend, corrupt = false) => {
    const p = problemOf(problemSelect.value);
    const step = stepFor(backend);
    return checkGradient(corrupt ? swapFirstClasses(step, p.d) : step, p);
  },
};

function setStatus(status: Status, text: string): void {
  state.status = status;
  document.body.dataset.status = status;
  element('status').textContent = text;
  element('status').className = status === 'error' ? 'error' : '';
  const busy = status === 'checking' || status === 'training';
  startButton.disabled = busy || status === 'loading';
  stopButton.disabled = !busy;
  backendSelect.disabled = problemSelect.disabled = busy;
}

function drawCharts(epochs: number, c: number): void {
  const x = state.loss.map((_, e) => e);
  element('loss-chart').innerHTML = linePlot({
    id: 'loss', width: 640, height: 360,
    title: `Training loss on ${state.backend}`, xLabel: 'epoch', yLabel: 'mean cross-entropy',
    xRange: [0, Math.max(1, epochs - 1)],
    series: [{ name: 'training loss', x, y: state.loss }],
  });
  element('accuracy-chart').innerHTML = linePlot({
    id: 'accuracy', width: 640, height: 360,
    title: 'Accuracy', xLabel: 'epoch', yLabel: '% classified right',
    xRange: [0, Math.max(1, epochs - 1)], yRange: [0, 100],
    series: [
      { name: 'training samples', x, y: state.trainAccuracy },
      { name: 'test samples', x, y: state.testAccuracy, dashed: true },
      { name: `chance (1 in ${c})`, x: [0, Math.max(1, epochs - 1)], y: [100 / c, 100 / c], color: '#999999' },
    ],
  });
}

async function run(): Promise<void> {
  const backend = backendSelect.value as PageBackend;
  const key = problemSelect.value;
  const epochs = Math.max(1, Math.floor(Number(epochsInput.value)));
  const rate = Number(rateInput.value);
  Object.assign(state, {
    requested: backend, backend: '', fallbacks: [], problem: key, gradientCheck: undefined, error: undefined,
    loss: [], trainAccuracy: [], testAccuracy: [], ms: [],
  });
  stopRequested = false;
  element('check').textContent = '';
  element('check').className = '';
  try {
    setStatus('checking', 'Preparing the data…');
    const p = problemOf(key);
    const step = stepFor(backend);
    state.backend = step.backend.name;
    element('info').textContent = `jit(valueAndGrad(softmaxLoss)) runs on '${step.backend.name}'; ` +
      `${p.train.n.toLocaleString('en')} training and ${p.test.n.toLocaleString('en')} test samples, ${p.d} features, ${p.c} classes.`;
    setStatus('checking', `Checking the ${backend} gradient against float64 finite differences (compiles the kernels)…`);
    const check = await checkGradient(step, p);
    state.gradientCheck = check;
    element('check').textContent = `Gradient on ${backend} against float64 central differences (${check.directions} random directions, ` +
      `${check.entries} entries): largest difference ${check.error.toExponential(1)} of the largest entry ` +
      `(tolerance ${check.tolerance.toExponential(0)}) ${check.ok ? '✓' : '✗'}`;
    element('check').className = check.ok ? '' : 'failed';
    if (!check.ok) throw new Error(`the ${backend} gradient disagrees with finite differences: not training on it`);
    setStatus('training', 'Training…');
    drawCharts(epochs, p.c);
    await train(step, p, epochs, rate, (e) => {
      state.loss.push(e.loss);
      state.trainAccuracy.push(e.trainAccuracy);
      state.testAccuracy.push(e.testAccuracy);
      state.ms.push(e.ms);
      state.fallbacks = [...step.backend.fallbacks];
      drawCharts(epochs, p.c);
      const mean = state.ms.reduce((a, b) => a + b, 0) / state.ms.length;
      element('status').textContent = `epoch ${e.epoch + 1} of ${epochs}: loss ${e.loss.toFixed(4)}, accuracy ${e.trainAccuracy.toFixed(1)}% ` +
        `(training), ${e.testAccuracy.toFixed(1)}% (test); ${mean.toFixed(1)} ms per jit(valueAndGrad) call on ${step.backend.name}` +
        (state.fallbacks.length ? `; gpu.js fell back: ${state.fallbacks.join('; ')}` : '');
    }, () => stopRequested);
    const done = stopRequested ? 'stopped' : 'done';
    setStatus(done, `${done === 'done' ? 'Done' : 'Stopped'}: ${element('status').textContent}`);
  } catch (err) {
    state.error = String((err as Error)?.message ?? err);
    setStatus('error', `Error: ${state.error}`);
  }
}

async function init(): Promise<void> {
  for (const [key, { label }] of Object.entries(problems)) problemSelect.add(new Option(label, key));
  problemSelect.addEventListener('change', () => (rateInput.value = String(problemOf(problemSelect.value).rate)));
  const support = await backendSupport();
  state.support = support;
  for (const name of pageBackends) {
    const why = support[name];
    const option = new Option(why ? `${name} (not available)` : name, name);
    option.disabled = why !== undefined;
    if (why) option.title = why;
    backendSelect.add(option);
  }
  // the fastest backend this browser has (js always runs)
  backendSelect.value = pageBackends.find((name) => support[name] === undefined) ?? 'js';
  const missing = pageBackends.filter((name) => support[name] !== undefined);
  element('info').textContent = missing.length ? `Not available here: ${missing.map((name) => `${name} (${support[name]})`).join('; ')}.` : '';
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    void run();
  });
  stopButton.addEventListener('click', () => (stopRequested = true));
  setStatus('ready', `Ready: pick a backend and press Train (the fastest here is ${backendSelect.value}).`);
}

void init();
