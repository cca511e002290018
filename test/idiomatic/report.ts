/**
 * Where the idiomatic corpus stands: `npm run build && node dist/test/idiomatic/report.js [name…]`
 * compiles every entry of corpus.ts with each transformation, optimize on and off, checks what
 * compiles against finite differences, and prints one row per function: compiles? (the first
 * diagnostic if not), and per transformation ✓ (right), ✗ (compiled, wrong) or – (rejected).
 * Entries marked in pending.ts that now pass are flagged: move them into the asserted set.
 */
import { controls, corpus, type Entry, type Transform, transformsOf } from './corpus.js';
import { pendingFor } from './pending.js';
import { checkTransform, compileEntry } from './verify.js';

type Status = { kind: 'ok' } | { kind: 'rejected'; detail: string } | { kind: 'wrong'; detail: string } | { kind: 'broken'; detail: string };

function statusOf(e: Entry, t: Transform, optimize: boolean): Status {
  const c = compileEntry(e, [t], optimize);
  if (c.invalid.length > 0) return { kind: 'broken', detail: `corpus does not type-check: ${c.invalid[0]}` };
  if (c.rejected.length > 0) return { kind: 'rejected', detail: c.rejected[0] };
  if (c.loadError || !c.module || !c.driver) return { kind: 'broken', detail: `does not load: ${String(c.loadError)}` };
  try {
    const problem = checkTransform(e, t, c);
    return problem ? { kind: 'wrong', detail: problem } : { kind: 'ok' };
  } catch (err) {
    return { kind: 'wrong', detail: `threw: ${err instanceof Error ? err.message : String(err)}` };
  }
}

const mark = { ok: '✓', rejected: '–', wrong: '✗', broken: '!' } as const;
const only = process.argv.slice(2);
const details: string[] = [];
const rows: string[] = ['| function | compiles? (first diagnostic) | derivatives |', '|---|---|---|'];
for (const e of [...corpus, ...controls].filter((x) => only.length === 0 || only.includes(x.name))) {
  const cells: string[] = [];
  let firstDiagnostic: string | undefined;
  let compiledAny = false;
  for (const t of transformsOf(e)) {
    const [on, off] = [statusOf(e, t, true), statusOf(e, t, false)];
    cells.push(on.kind === off.kind ? `${t} ${mark[on.kind]}` : `${t} ${mark[on.kind]}/${mark[off.kind]} (optimize on/off)`);
    for (const [s, optimize] of [[on, true], [off, false]] as const) {
      if (s.kind === 'rejected') firstDiagnostic ??= s.detail.replace(/^test\/cases\/idiomatic\//, '');
      else compiledAny = true;
      if (s.kind === 'wrong' || s.kind === 'broken') details.push(`${e.name} ${t} (optimize: ${optimize}): ${s.detail}`);
    }
    const pending = pendingFor(e.name, t);
    if (pending && on.kind === 'ok' && off.kind === 'ok') details.push(`${e.name} ${t}: passes now; remove it from pending.ts (${pending.reason})`);
    if (!pending && (on.kind !== 'ok' || off.kind !== 'ok')) details.push(`${e.name} ${t}: not in pending.ts but fails`);
  }
  const compiles = firstDiagnostic === undefined ? 'yes' : compiledAny ? `partly: ${firstDiagnostic}` : `no: ${firstDiagnostic}`;
  rows.push(`| ${e.name} | ${compiles.replace(/\|/g, '\\|').replace(/\n/g, ' ')} | ${cells.join(', ')} |`);
}
console.log(rows.join('\n'));
if (details.length > 0) console.log(`\n${details.join('\n')}`);
