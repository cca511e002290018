// Control flow: branches, loops, jumps, early returns.
import { grad, valueAndGrad } from 'tsgrad';

// ── if / else ──────────────────────────────────────────────────────────────────────────────────

export function ifChain(x: number): number {
  let y: number;
  if (x < -1) {
    y = x * x * x;
  } else if (x < 0) {
    y = Math.sin(x) * 2;
  } else if (x < 1) {
    y = x * x + x;
  } else {
    y = Math.exp(x) / x;
  }
  if (y > 0.5) y = y * y; // a second decision on a computed value
  return y;
}
export const ifChain_grad = grad(ifChain);

/** Branches that assign different variables; a branch with no else. */
export function ifAssignsDifferent(x: number, y: number): number {
  let a = x;
  let b = y;
  if (x > y) {
    a = a * y;
  } else {
    b = b * x + a;
  }
  if (a + b > 1) b = Math.sqrt(b * b + 1);
  return a * b;
}
export const ifAssignsDifferent_grad01 = grad(ifAssignsDifferent, [0, 1]);

// ── loops ──────────────────────────────────────────────────────────────────────────────────────

export function forLoop(x: number, n: number): number {
  let s = 0;
  let p = 1;
  for (let i = 0; i < n; i++) {
    p = p * x;
    s += p / (i + 1);
  }
  return s;
}
export const forLoop_grad = grad(forLoop);

export function whileLoop(x: number, n: number): number {
  let s = x;
  let i = 0;
  while (i < n) {
    s = Math.sin(s) + x * 0.5;
    i++;
  }
  return s;
}
export const whileLoop_grad = grad(whileLoop);

/** do…while runs at least once, even when the condition is false at the start. */
export function doWhile(x: number, n: number): number {
  let s = 1;
  let i = 0;
  do {
    s = s * x + i;
    i += 1;
  } while (i < n);
  return s;
}
export const doWhile_grad = grad(doWhile);

/** A loop condition on active data: halve until below 1, count the halvings. */
export function halvings(x: number): number {
  let k = 0;
  while (x > 1) {
    x = x / 2;
    k++;
  }
  return x * k + x; // x·2⁻ᵏ·(k + 1)
}
export const halvings_grad = grad(halvings);

/** Counted loops: step 2, decreasing, decreasing by 3, and a non-canonical counter update. */
export function steps(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i += 2) s += a[i] * a[i] * (i + 1);
  for (let i = a.length - 1; i >= 0; i--) s = s * 0.5 + Math.sin(a[i]) * i;
  for (let i = a.length - 1; i > 0; i -= 3) s += a[i] * a[i - 1];
  for (let i = 1; i < a.length; i = i * 2) s += Math.exp(a[i] * 0.1) * s * 0.1;
  return s;
}
export const steps_grad = grad(steps);

/** Nested loops whose inner trip count depends on the outer index. */
export function triangle(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    let t = 1;
    for (let j = 0; j <= i; j++) t = t * a[j] + 0.1;
    for (let j = i; j < a.length; j += 2) t += a[j] * a[i];
    s += Math.sin(t);
  }
  return s;
}
export const triangle_grad = grad(triangle);

/** Nested loops whose inner trip count depends on data (how often |v| must be halved). */
export function dataTrips(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    let v = a[i] * a[i] + 1;
    while (v > 1.5) v = Math.sqrt(v) * 0.9;
    let k = 0;
    let w = a[i];
    while (w * w > 0.01) {
      w = w * 0.5;
      k++;
    }
    s += v * w + k * a[i];
  }
  return s;
}
export const dataTrips_grad = grad(dataTrips);

/** Long loops: more than the tape's initial capacity. */
export function longLoop(x: number, n: number): number {
  let s = x;
  for (let i = 0; i < n; i++) {
    s = s + Math.sin(s * x) * 0.001;
  }
  return s;
}
export const longLoop_grad = grad(longLoop);

export function longNested(a: Float64Array, n: number): number {
  let s = 0;
  for (let r = 0; r < n; r++) {
    for (let i = 0; i < a.length; i++) {
      s = s * 0.999 + Math.cos(a[i] + s * 0.01) * 0.01;
    }
  }
  return s;
}
export const longNested_grad = grad(longNested);

// ── break and continue ─────────────────────────────────────────────────────────────────────────

export function breakLoop(a: Float64Array, limit: number): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    s += a[i] * a[i];
    if (s > limit) break;
    s = s * 1.5;
  }
  return s;
}
export const breakLoop_grad = grad(breakLoop);

export function continueLoop(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    if (a[i] < 0) continue;
    s = s * a[i] + 1;
    if (i % 2 === 1) continue;
    s += Math.sin(a[i]);
  }
  return s;
}
export const continueLoop_grad = grad(continueLoop);

/** break in an inner loop only leaves the inner loop; continue in while and do…while. */
export function jumpsNested(a: Float64Array, x: number): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    let j = 0;
    while (true) {
      if (j >= a.length) break;
      j++;
      if (a[j - 1] > x) continue;
      s += a[j - 1] * x;
      if (s > 3) break;
    }
    let k = 0;
    do {
      k++;
      if (k === 2) continue;
      s = s * 0.9 + a[i] * k;
    } while (k < 3);
  }
  return s;
}
export const jumpsNested_grad01 = grad(jumpsNested, [0, 1]);

// ── early return ───────────────────────────────────────────────────────────────────────────────

export function returnInIf(x: number): number {
  if (x < 0) return x * x;
  const y = Math.exp(x);
  if (y > 3) {
    return y * x;
  } else if (y > 2) {
    return y;
  }
  return y + x;
}
export const returnInIf_grad = grad(returnInIf);

export function returnInLoop(a: Float64Array, limit: number): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    s += a[i] * a[i];
    if (s > limit) return s * 2;
    s = Math.sin(s);
  }
  return s + 1;
}
export const returnInLoop_grad = grad(returnInLoop);

export function returnInNested(a: Float64Array, limit: number): number {
  let s = 1;
  for (let i = 0; i < a.length; i++) {
    for (let j = 0; j < a.length; j++) {
      s = s * 0.5 + a[i] * a[j];
      if (s > limit) return s * a[j];
    }
    s = s + a[i]; // skipped after the return
  }
  return -s;
}
export const returnInNested_grad = grad(returnInNested);

export function returnInWhile(x: number): number {
  let y = x;
  while (true) {
    y = y * 1.5 + 0.25;
    if (y > 10) return y;
    if (y < -10) return -y * x;
  }
}
export const returnInWhile_grad = grad(returnInWhile);

/** An assignment in a loop condition: the condition runs once more than the body. */
export function conditionAssigns(a: Float64Array): number {
  let s = 1;
  let i = 0;
  while ((s = s * a[i]) < 100) i++;
  return s;
}
export const conditionAssigns_grad = grad(conditionAssigns);

/** The same with a counted for loop whose condition loads a[i]. */
export function conditionAssignsFor(a: Float64Array): number {
  let s = 1;
  for (let i = 0; (s = s * a[i]) < 100; i++) {
    s = s + 0.5;
  }
  return s;
}
export const conditionAssignsFor_grad = grad(conditionAssignsFor);

/** A loop counter that starts at an active value: the counter itself carries a derivative. */
export function activeCounter(x: number): number {
  let s = 0;
  for (let i = x; i < 5; i++) s += i * i;
  return s;
}
export const activeCounter_grad = grad(activeCounter);

/** Fractional step. */
export function fractionalStep(x: number): number {
  let s = 0;
  for (let t = 0; t < 2; t += 0.25) s += Math.sin(x * t) * t;
  return s;
}
export const fractionalStep_grad = grad(fractionalStep);

/** Three nested loops with trip counts depending on the enclosing indices. */
export function tripleNested(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    for (let j = i; j < a.length; j++) {
      let k = j;
      while (k > i) {
        s = s * 0.9 + a[i] * a[j] * a[k];
        k -= 2;
      }
    }
  }
  return s;
}
export const tripleNested_grad = grad(tripleNested);

/** break on the first pass of a do…while, inside a for loop. */
export function doBreak(a: Float64Array, x: number): number {
  let s = x;
  for (let i = 0; i < a.length; i++) {
    let k = 0;
    do {
      if (a[i] < 0) break;
      s = s * a[i] + x;
      k++;
    } while (k < 2);
  }
  return s;
}
export const doBreak_grad01 = grad(doBreak, [0, 1]);

/** A branch on loop-carried state in every iteration of a long loop (the branch goes on the tape). */
export function longBranches(x: number, n: number): number {
  let s = 0.3;
  for (let i = 0; i < n; i++) {
    if (s > 0) {
      s = s * 0.99 - x * 0.01;
    } else {
      s = s * 0.98 + Math.sin(x) * 0.02;
    }
  }
  return s;
}
export const longBranches_grad = grad(longBranches);

/** Taped branches whose bodies save values too, nested. */
export function branchPushes(x: number, n: number): number {
  let s = x;
  for (let i = 0; i < n; i++) {
    if (s > 0.5) {
      s = s * s * 0.6;
      if (s < 0.4) s = Math.exp(s) * s;
    } else {
      s = Math.sin(s) * s + 0.9 * x;
    }
  }
  return s;
}
export const branchPushes_grad = grad(branchPushes);

/** for (;;) with a break, and a for with two counters and a comma update. */
export function forForms(x: number): number {
  let s = x;
  for (;;) {
    s = s * 1.3 + 0.1;
    if (s * s > 20) break;
  }
  for (let i = 0, j = 6; i < j; i++, j--) s += x * i * j;
  return s;
}
export const forForms_grad = grad(forForms);

// ── values the reverse sweep needs after loops overwrite them ─────────────────────────────────

/** Updated in a loop (with a break), read only after it, then reassigned. */
export function readAfterLoop(a: Float64Array, x: number): number {
  let s = 0;
  let p = 1;
  for (let i = 0; i < a.length; i++) {
    s = s + a[i] * x;
    p = p * 0.5 + a[i];
    if (s > 1.5) break;
  }
  const r = Math.sin(s) * s + p * p;
  s = s * r;
  return s + r;
}
export const readAfterLoop_grad01 = grad(readAfterLoop, [0, 1]);

/** Accumulated in an inner loop, read in the outer loop, reassigned there too. */
export function readInOuterLoop(a: Float64Array, x: number): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) {
    let acc = x;
    for (let j = 0; j <= i; j++) {
      acc = acc + a[j] * a[i];
      if (acc > 2) acc = acc - 1;
    }
    s += Math.sin(acc) * acc;
    acc = acc * x;
    s += acc * acc;
  }
  return s;
}
export const readInOuterLoop_grad01 = grad(readInOuterLoop, [0, 1]);

/** Written in one loop, read (and written) in the next. */
export function readInNextLoop(a: Float64Array): number {
  let c = 0;
  for (let i = 0; i < a.length; i++) c = c + a[i];
  let s = 0;
  let d = 0;
  for (let i = 0; i < a.length; i++) d = d + a[i] * 2;
  for (let i = 0; i < a.length; i++) {
    s += c * a[i] + d * d;
    c = c * 0.5 + 0.1;
  }
  return s;
}
export const readInNextLoop_grad = grad(readInNextLoop);

/** Overwritten in a loop that returns early from inside; the value before the loop is needed. */
export function readBeforeLoop(a: Float64Array, x: number): number {
  let t = x * x;
  const u = t * x; // reads t (x·t): needs t's value from before the loop
  let k = 0;
  do {
    t = t + a[k];
    if (t > 3) return u * t;
    k++;
  } while (k < a.length);
  return u + t;
}
export const readBeforeLoop_grad01 = grad(readBeforeLoop, [0, 1]);

// repeated calls reuse the tape
export const longLoop_vg = valueAndGrad(longLoop);
