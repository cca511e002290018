/**
 * Corpus entries (or some of their transformations) that tsgrad does not yet compile, with the
 * first diagnostic it gives. test/idiomatic.test.ts asserts that each is still rejected, so when
 * support lands the test says to move it out of here (and the derivatives then get checked).
 */
import type { Transform } from './corpus.js';

export interface Pending {
  /** An entry name from corpus.ts. */
  readonly name: string;
  /** The transformations still rejected; all of the entry's when absent. */
  readonly transforms?: readonly Transform[];
  /** The first diagnostic, shortened. */
  readonly reason: string;
}

export const pending: readonly Pending[] = [
  { name: 'softmax classifier', transforms: ['hvp'], reason: "mixtures.ts: parameter 'lambda' of the differentiated function is optional: hvp(f)(...args, v) takes v after the function's arguments" },
  { name: 'kalman filter', transforms: ['hvp'], reason: "linalg.ts: parameter 'dt' of the differentiated function is optional: hvp(f)(...args, v) and jit take their own arguments after the function's" },
  { name: 'particle (nested grad)', reason: "particle.ts: nested differentiation ('grad(potential)' inside a differentiated function) is not supported yet" },
];

export function pendingFor(name: string, t: Transform): Pending | undefined {
  return pending.find((p) => p.name === name && (p.transforms === undefined || p.transforms.includes(t)));
}
