/**
 * The synthetic classification problem of this example (and of the browser demo,
 * examples/softmax-browser): n samples of d standard normal features, labels in 0…c-1 from a random
 * linear model plus noise. Seeded (mulberry32, Box–Muller), so every run trains on the same data.
 */

export interface Synthetic {
  /** n×d row-major. */
  readonly X: Float32Array;
  readonly y: Int32Array;
}

/** Uniform numbers in [0, 1) (mulberry32). */
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
  const rand = uniform(seed);
  return () => Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
}

export function synthetic(n: number, d: number, c: number, seed = 2026): Synthetic {
  const gauss = gaussian(seed);
  const X = Float32Array.from({ length: n * d }, gauss);
  const truth = Float64Array.from({ length: c * d }, () => gauss() / Math.sqrt(d));
  const y = new Int32Array(n);
  for (let i = 0; i < n; i++) {
    let best = 0;
    let bestZ = -Infinity;
    for (let k = 0; k < c; k++) {
      let z = 0.5 * gauss();
      for (let j = 0; j < d; j++) z += 3 * truth[k * d + j] * X[i * d + j];
      if (z > bestZ) [best, bestZ] = [k, z];
    }
    y[i] = best;
  }
  return { X, y };
}
