/**
 * The jit fuzzer's batches and shrinking: jitGenerate.ts programs compiled in memory with run.ts's
 * compileUnits, diagnostics classified as in the main fuzzer (a tsgrad diagnostic on a generated
 * program is a rejection of code inside the documented jit rules; TS99099 is internal), and every
 * loaded program checked by jitCheck.ts. Shrinking is shrink.ts's greedy loop over tree.ts's
 * smaller statement lists.
 */
import { diagnosticFindings, compileUnits } from './run.js';
import { type JitCheckResult, checkJitProgram, type JitFailure } from './jitCheck.js';
import { generateJit, type JitProgram, renderJit } from './jitGenerate.js';
import { shrinkGreedy, signature } from './shrink.js';
import { shrinkBlock } from './tree.js';

export interface JitFinding {
  readonly program: JitProgram;
  readonly optimize: boolean;
  readonly kind: 'rejected' | 'internal' | 'unloadable' | 'invalid' | JitFailure['kind'];
  readonly transform?: string;
  readonly detail: string;
}

export interface JitStats {
  programs: number;
  skipped: number;
  /** Checks passed, by `transform@backend`. */
  readonly ok: Map<string, number>;
  compared: number;
  kinks: number;
}

export const newJitStats = (): JitStats => ({ programs: 0, skipped: 0, ok: new Map(), compared: 0, kinks: 0 });

/** Programs seed … seed + count - 1, one per seed. */
export function jitPrograms(seed: number, count: number): JitProgram[] {
  return Array.from({ length: count }, (_, i) => generateJit(seed + i, `j${seed + i}`));
}

export function runJitBatch(programs: readonly JitProgram[], optimizeModes: readonly boolean[], stats: JitStats, only?: string): JitFinding[] {
  const findings: JitFinding[] = [];
  for (const optimize of optimizeModes) {
    const out = compileUnits(programs.map((p) => ({ name: p.name, main: renderJit(p) })), optimize);
    for (const p of programs) {
      stats.programs++;
      const { diagnostics, module: m, loadError } = out.get(p.name)!;
      const found = (kind: JitFinding['kind'], detail: string, transform?: string): void => {
        findings.push({ program: p, optimize, kind, transform, detail });
      };
      if (diagnosticFindings(diagnostics, found)) continue;
      if (!m || typeof m.f !== 'function' || !p.transforms.every((_, i) => typeof m[`t${i}`] === 'function')) {
        found('unloadable', String(loadError ?? 'module not loaded'));
        continue;
      }
      const result: JitCheckResult = checkJitProgram(p, m, p.seed, only);
      if (result.skipped) stats.skipped++;
      stats.compared += result.compared;
      stats.kinks += result.kinks;
      for (const { transform, outcome } of result.outcomes) {
        if (outcome === 'ok') stats.ok.set(transform, (stats.ok.get(transform) ?? 0) + 1);
        else if (outcome !== 'stub') found(outcome.kind, outcome.detail, outcome.transform);
      }
    }
  }
  return findings;
}

function candidates(p: JitProgram): Omit<JitProgram, 'name'>[] {
  const out: Omit<JitProgram, 'name'>[] = [];
  if (p.transforms.length > 1) p.transforms.forEach((t) => out.push({ ...p, transforms: [t] }));
  for (const body of shrinkBlock(p.body)) out.push({ ...p, body });
  p.top.forEach((_, i) => out.push({ ...p, top: p.top.filter((__, j) => j !== i) }));
  return out;
}

/** A smaller program with the same finding (same kind, transformation@backend and, for diagnostics, message). */
export function shrinkJit(finding: JitFinding, maxRounds = 40, perRound = 60): JitProgram {
  const want = signature(finding);
  const reproduces = (list: readonly JitProgram[]): JitProgram | undefined => {
    const found = runJitBatch(list, [finding.optimize], newJitStats(), finding.transform);
    return list.find((p) => found.some((f) => f.program === p && signature(f) === want));
  };
  const kind = finding.transform?.split('@')[0];
  const alone = kind ? { ...finding.program, transforms: finding.program.transforms.filter((t) => t.kind === kind) } : finding.program;
  return shrinkGreedy(finding.program, alone, candidates, reproduces, maxRounds, perRound);
}
