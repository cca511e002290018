/**
 * Finite differences that see stopGradient as the derivatives do. `stopGradient(v)` is v with no
 * derivative: the derivative of f(x) = x · stopGradient(x) is x, not 2x. Differences of f as it
 * runs move the stopped value with x and measure 2x. So the checker records, at the test point,
 * the value each stopGradient call returned, in call order, and every evaluation of f for the
 * differences replays them: f's other dependence on x moves, the stopped values stay as they were
 * at the point, and the differences measure the derivative with those values held fixed.
 *
 * The compiled programs call the runtime's `stopGradient` through its module object
 * (`(0, tsgrad_1.stopGradient)(v)`, test/harness.ts loads `tsgrad` as dist/runtime/index.js), so
 * replacing that property while f runs replays; derivative code never calls it (stopGradient is
 * compiled away). An evaluation that calls stopGradient a different number of times than at the
 * point took another path (a branch flipped), and its differences are no reference.
 */
const runtime = require('../../runtime/index.js') as { stopGradient: (x: number) => number };

/** `run`'s result with the values stopGradient returned while it ran, in order. */
export function recordStops<T>(run: () => T): [T, number[]] {
  const seen: number[] = [];
  return [swapped((x) => (seen.push(x), x), run), seen];
}

/**
 * `run`'s result with the i-th stopGradient call returning `stops[i]`, and whether the calls lined
 * up with `stops` (as many, none past the end).
 */
export function replayStops<T>(stops: readonly number[], run: () => T): [T, boolean] {
  let i = 0;
  const value = swapped((x) => (i < stops.length ? stops[i++] : (i++, x)), run);
  return [value, i === stops.length];
}

function swapped<T>(stop: (x: number) => number, run: () => T): T {
  const saved = runtime.stopGradient;
  runtime.stopGradient = stop;
  try {
    return run();
  } finally {
    runtime.stopGradient = saved;
  }
}
