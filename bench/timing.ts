/**
 * Side-by-side timing for the CPU benchmarks (adjoint.bench.ts, idiomatic.bench.ts): every case
 * warmed up until V8 has settled on its optimized code, then timed interleaved, the order rotated
 * each round so that drift in machine speed hits all cases alike, medians.
 *
 * Warming up takes more calls than one would think: a gradient's forward sweep is one long loop,
 * which V8 compiles on stack (OSR) before the code after it has run, and the first few dozen calls
 * of such a function leave its optimized code again there (Lorenz-96 and GMM d=2: 50–70 calls, the
 * hand-written gradients as well as tsgrad's; `node --trace-deopt` shows them). Twelve calls, as
 * these benchmarks once did, timed calls that had not settled (idiomatic Lorenz-96: 1.40× the
 * loop version's time after twelve calls, 1.07× after six hundred).
 */

/** Calls per case before timing, at least, and at least this long per case. */
export const WARMUP_CALLS = 100;
export const WARMUP_MS = 300;
/** A sample times a batch of calls that takes at least this long (the same batch for every case). */
export const SAMPLE_MS = 2;

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
}

/** Median ms per call of each case, over `reps` interleaved rounds after the warm-up. */
export function timeInterleaved(cases: readonly (() => unknown)[], reps: number): number[] {
  let sink = 0;
  const call = (f: () => unknown): void => {
    sink += f() === undefined ? 1 : 0;
  };
  for (const f of cases) {
    const start = performance.now();
    for (let n = 0; n < WARMUP_CALLS || performance.now() - start < WARMUP_MS; n++) call(f);
  }
  // the batch from the fastest case's time per call
  const perCall = Math.min(...cases.map((f) => {
    const t0 = performance.now();
    call(f);
    return performance.now() - t0;
  }));
  const batch = Math.max(1, Math.round(SAMPLE_MS / Math.max(perCall, 1e-3)));
  const samples: number[][] = cases.map(() => []);
  for (let r = 0; r < reps; r++) {
    for (let s = 0; s < cases.length; s++) {
      const c = (r + s) % cases.length;
      const start = performance.now();
      for (let b = 0; b < batch; b++) call(cases[c]);
      samples[c].push((performance.now() - start) / batch);
    }
  }
  if (sink !== 0) console.log('(a case returned nothing)');
  return samples.map(median);
}
