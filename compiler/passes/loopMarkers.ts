/**
 * Comments that mark a loop for special treatment, read from the comment lines just before it:
 *   // @parallel                     jit runs the iterations as one gpu.js kernel (parallelLoops.ts)
 *   // @checkpoint [snapshots=N]     reverse mode reverses the loop with binomial checkpointing
 *                                    (checkpointLoops.ts) instead of taping every iteration
 */
import type * as TS from 'typescript';
import { unsupported } from '../diagnostics.js';
import type { Loop } from '../ir.js';
import { ts } from '../tsapi.js';

export type LoopMarks = Pick<Loop, 'parallel' | 'checkpoint'>;

export function loopMarks(s: TS.ForStatement | TS.WhileStatement | TS.DoStatement): LoopMarks {
  const text = s.getSourceFile().text;
  const comments = (ts.getLeadingCommentRanges(text, s.getFullStart()) ?? []).map((c) => text.slice(c.pos, c.end));
  const marks: { parallel?: TS.ForStatement; checkpoint?: Loop['checkpoint'] } = {};
  if (ts.isForStatement(s) && comments.some((c) => /^\/[/*]\s*@parallel\b/.test(c))) marks.parallel = s;
  for (const c of comments) {
    const m = /^\/[/*]\s*@checkpoint\b(.*?)(\*\/)?$/s.exec(c);
    if (m) marks.checkpoint = { node: s, snapshots: snapshotsOption(m[1].trim(), s) };
  }
  return marks;
}

/** `snapshots=N` (a positive integer), or nothing for the default. */
function snapshotsOption(options: string, s: TS.Statement): number | undefined {
  if (options === '') return undefined;
  const m = /^snapshots\s*=\s*(\d+)$/.exec(options);
  const value = m ? Number(m[1]) : NaN;
  if (!(value >= 1 && Number.isSafeInteger(value))) {
    unsupported(s, `'// @checkpoint ${options}' is not understood`, 'write // @checkpoint, or // @checkpoint snapshots=N with N a positive integer (the number of saved loop states)');
  }
  return value;
}
