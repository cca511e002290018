/**
 * A twin experiment: a "true" trajectory of the model itself, observed with Gaussian noise, and a
 * background state that is the truth plus Gaussian noise. Seeded, so every run is the same.
 */
import { forecast, type Window } from './model.js';

/** Mulberry32: a small seeded generator of uniform numbers in [0, 1). */
export function uniform(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Standard normal numbers (Box–Muller). */
export function gaussian(seed: number): () => number {
  const u = uniform(seed);
  return () => Math.sqrt(-2 * Math.log(1 - u())) * Math.cos(2 * Math.PI * u());
}

/** A state on the attractor: rest (x = F) nudged at one variable, then run for 20 time units. */
export function spinUp(n: number, F: number): number[] {
  const x = new Array<number>(n).fill(F);
  x[n >> 1] += 0.01;
  return forecast(x, 2000, 0.01);
}

export interface TwinSetup {
  readonly steps: number;
  readonly dt: number;
  readonly every: number;
  /** Observe every `stride`-th variable. */
  readonly stride: number;
  readonly sigmaO: number;
  readonly sigmaB: number;
  readonly seed: number;
}

/** Observations of the truth from `truth0` along the window, and a background around `truth0`. */
export function twinWindow(truth0: number[], s: TwinSetup): Window {
  const noise = gaussian(s.seed);
  const n = truth0.length;
  const observed = Int32Array.from({ length: Math.ceil(n / s.stride) }, (_, j) => j * s.stride);
  const times = Math.floor(s.steps / s.every);
  const values = new Float64Array(times * observed.length);
  let x = truth0;
  for (let k = 0; k < times; k++) {
    x = forecast(x, s.every, s.dt);
    observed.forEach((v, j) => (values[k * observed.length + j] = x[v] + s.sigmaO * noise()));
  }
  const background = truth0.map((v) => v + s.sigmaB * noise());
  return { steps: s.steps, dt: s.dt, every: s.every, observed, values, background, sigmaB: s.sigmaB, sigmaO: s.sigmaO };
}

export function rms(a: number[], b: number[]): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += (a[i] - b[i]) ** 2;
  return Math.sqrt(s / a.length);
}
