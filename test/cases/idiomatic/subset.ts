// Controls, not part of the corpus: three of its functions rewritten into the subset tsgrad
// compiled before issue 13 (loops, typed arrays, objects of arrays). They validate the checker
// (test/idiomatic/verify.ts) under every transformation on code that compiles today.

export function logsumexpLoop(xs: Float64Array): number {
  let max = xs[0];
  for (let i = 1; i < xs.length; i++) max = Math.max(max, xs[i]);
  let s = 0;
  for (let i = 0; i < xs.length; i++) s += Math.exp(xs[i] - max);
  return max + Math.log(s);
}

/** Lorenz-96, RK4, in place on scratch arrays; returns the final state. */
export function lorenz96Loop(x0: number[], forcing: number, dt: number, steps: number): Float64Array {
  const n = x0.length;
  const x = new Float64Array(n);
  const k = new Float64Array(4 * n);
  const tmp = new Float64Array(n);
  for (let i = 0; i < n; i++) x[i] = x0[i];
  for (let t = 0; t < steps; t++) {
    for (let stage = 0; stage < 4; stage++) {
      const a = stage === 0 ? 0 : stage === 3 ? dt : dt / 2;
      for (let i = 0; i < n; i++) tmp[i] = x[i] + (stage === 0 ? 0 : a * k[(stage - 1) * n + i]);
      for (let i = 0; i < n; i++) {
        k[stage * n + i] = (tmp[(i + 1) % n] - tmp[(i + n - 2) % n]) * tmp[(i + n - 1) % n] - tmp[i] + forcing;
      }
    }
    for (let i = 0; i < n; i++) x[i] += (dt / 6) * (k[i] + 2 * k[n + i] + 2 * k[2 * n + i] + k[3 * n + i]);
  }
  return x;
}

export interface Springs {
  stiffness: Float64Array;
  rest: Float64Array;
  /** Endpoints of spring s: ends[2s], ends[2s + 1]. */
  ends: Int32Array;
  gravity: number;
}

/** Spring network energy with positions (x, y) interleaved. */
export function springEnergyLoop(net: Springs, pos: Float64Array): number {
  let e = 0;
  for (let s = 0; s < net.stiffness.length; s++) {
    const a = net.ends[2 * s];
    const b = net.ends[2 * s + 1];
    const stretch = Math.hypot(pos[2 * b] - pos[2 * a], pos[2 * b + 1] - pos[2 * a + 1]) - net.rest[s];
    e += 0.5 * net.stiffness[s] * stretch * stretch;
  }
  for (let i = 1; i < pos.length; i += 2) e += net.gravity * pos[i];
  return e;
}
