/**
 * Shrinking: from a failing program, keep taking the first smaller program that still shows the
 * same finding (same kind and transformation; for diagnostics the same message), until none does.
 * Smaller = one transformation kept, a statement or module-level item deleted, a block unwrapped,
 * an expression replaced by one of its parts. Each round compiles all candidates as one batch.
 */
import type { Program } from './generate.js';
import { type Finding, newStats, runBatch } from './run.js';
import { type S, shrinkBlock } from './tree.js';

/** What must stay the same for a smaller program to count as the same bug. */
export function signature(f: { readonly kind: string; readonly transform?: string; readonly detail: string }): string {
  const detail = f.kind === 'rejected' || f.kind === 'internal' || f.kind === 'invalid'
    ? f.detail.replace(/^\S+:\d+:\d+ /, '').replace(/'[^']*'/g, "'…'").replace(/\d+/g, 'N')
    : '';
  return `${f.kind}|${f.transform ?? ''}|${detail}`;
}

function candidates(p: Program): Omit<Program, 'name'>[] {
  const out: Omit<Program, 'name'>[] = [];
  if (p.transforms.length > 1) p.transforms.forEach((t) => out.push({ ...p, transforms: [t] }));
  const withList = (key: 'top' | 'lib' | 'body', list: readonly S[]): Omit<Program, 'name'> => ({ ...p, [key]: list });
  for (const body of shrinkBlock(p.body)) out.push(withList('body', body));
  p.top.forEach((_, i) => out.push(withList('top', p.top.filter((__, j) => j !== i))));
  p.lib.forEach((_, i) => out.push(withList('lib', p.lib.filter((__, j) => j !== i))));
  for (const list of [p.top, p.lib]) {
    const key = list === p.top ? 'top' : 'lib';
    list.forEach((s, i) => {
      for (const b of s.blocks) for (const smaller of shrinkBlock(b)) out.push(withList(key, list.map((x, j) => (j === i ? { ...x, blocks: [smaller] } : x))));
    });
  }
  return out;
}

export function shrink(finding: Finding, maxRounds = 40, perRound = 120): Program {
  const want = signature(finding);
  const reproduces = (list: readonly Program[]): Program | undefined => {
    const found = runBatch(list, [finding.optimize], newStats());
    return list.find((p) => found.some((f) => f.program === p && signature(f) === want));
  };
  const alone = finding.transform ? { ...finding.program, transforms: finding.program.transforms.filter((t) => t.kind === finding.transform) } : finding.program;
  return shrinkGreedy(finding.program, alone, candidates, reproduces, maxRounds, perRound);
}

/**
 * The greedy loop shared by the fuzzers: start from `preferred` if it still reproduces (else from
 * `original`), then keep taking the first candidate that reproduces, trying `perRound` candidates per
 * compiled batch, for at most `maxRounds` rounds. Candidates are named `<name>_s<k>`.
 */
export function shrinkGreedy<P extends { readonly name: string }>(
  original: P,
  preferred: P,
  candidatesOf: (p: P) => Omit<P, 'name'>[],
  reproduces: (list: readonly P[]) => P | undefined,
  maxRounds = 40,
  perRound = 120,
): P {
  const steps = greedy(original, preferred, candidatesOf, maxRounds, perRound);
  for (let step = steps.next(undefined); ; step = steps.next(reproduces(step.value))) if (step.done) return step.value;
}

/** shrinkGreedy with a `reproduces` that returns a Promise (the jit fuzzer's webgpu checks are awaited). */
export async function shrinkGreedyAsync<P extends { readonly name: string }>(
  original: P,
  preferred: P,
  candidatesOf: (p: P) => Omit<P, 'name'>[],
  reproduces: (list: readonly P[]) => Promise<P | undefined>,
  maxRounds = 40,
  perRound = 120,
): Promise<P> {
  const steps = greedy(original, preferred, candidatesOf, maxRounds, perRound);
  for (let step = steps.next(undefined); ; step = steps.next(await reproduces(step.value))) if (step.done) return step.value;
}

/** The loop itself: yields each batch of candidates to try, and is told which of them reproduced. */
function* greedy<P extends { readonly name: string }>(
  original: P,
  preferred: P,
  candidatesOf: (p: P) => Omit<P, 'name'>[],
  maxRounds: number,
  perRound: number,
): Generator<readonly P[], P, P | undefined> {
  let serial = 0;
  const named = (c: Omit<P, 'name'>): P => ({ ...c, name: `${original.name}_s${serial++}` }) as P;
  let best = preferred === original || (yield [named(preferred)]) ? preferred : original;
  for (let round = 0; round < maxRounds; round++) {
    const all = candidatesOf(best);
    let next: P | undefined;
    for (let start = 0; start < all.length && !next; start += perRound) next = yield all.slice(start, start + perRound).map(named);
    if (!next) break;
    best = next;
  }
  return { ...best, name: original.name };
}
