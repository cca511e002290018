/**
 * The jit fuzzer's batches and shrinking: jitGenerate.ts programs compiled in memory with run.ts's
 * compileUnits, diagnostics classified as in the main fuzzer (a tsgrad diagnostic on a generated
 * program is a rejection of code inside the documented jit rules; TS99099 is internal), and every
 * loaded program checked by jitCheck.ts: synchronously on cpu and webasm (runJitBatch), or awaited
 * with webgpu too (runJitBatchAsync). Shrinking is shrink.ts's greedy loop over tree.ts's smaller
 * statement lists.
 */
import { diagnosticFindings, compileUnits } from './run.js';
import { checkJitProgram, checkJitProgramAsync, isAsyncBackend, type JitBackend, type JitCheckResult, type JitFailure, kernelBackends } from './jitCheck.js';
import { generateJit, type JitProgram, renderJit } from './jitGenerate.js';
import { shrinkGreedyAsync, signature } from './shrink.js';
import { shrinkBlock } from './tree.js';

export interface JitFinding {
  readonly program: JitProgram;
  readonly optimize: boolean;
  readonly kind: 'rejected' | 'internal' | 'unloadable' | 'invalid' | JitFailure['kind'];
  readonly transform?: string;
  readonly detail: string;
  /** The backends of the run that found it (with an async one, the program was rendered with its jitAsync exports). */
  readonly backends: readonly JitBackend[];
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

export interface JitRunOptions {
  /** `kind@backend`: check only that transformation on that backend (and js, the reference); for shrinking. */
  readonly only?: string;
  /** The kernel backends to check against js; default cpu and webasm (webgpu needs runJitBatchAsync). */
  readonly backends?: readonly JitBackend[];
}

const usesAsync = (backends: readonly JitBackend[]): boolean => backends.some(isAsyncBackend);

/**
 * Compiles one batch with one optimize mode, records what the compiler said as findings, and returns
 * the programs that loaded with their modules, to be checked.
 */
function compileBatch(programs: readonly JitProgram[], optimize: boolean, stats: JitStats, findings: JitFinding[], backends: readonly JitBackend[]): [JitProgram, Record<string, any>][] {
  const async = usesAsync(backends);
  const out = compileUnits(programs.map((p) => ({ name: p.name, main: renderJit(p, async) })), optimize);
  const loaded: [JitProgram, Record<string, any>][] = [];
  for (const p of programs) {
    stats.programs++;
    const { diagnostics, module: m, loadError } = out.get(p.name)!;
    const found = (kind: JitFinding['kind'], detail: string): void => {
      findings.push({ program: p, optimize, kind, detail, backends });
    };
    if (diagnosticFindings(diagnostics, found)) continue;
    if (!m || typeof m.f !== 'function' || !p.transforms.every((_, i) => typeof m[`t${i}`] === 'function' && (!async || typeof m[`a${i}`] === 'function'))) {
      found('unloadable', String(loadError ?? 'module not loaded'));
      continue;
    }
    loaded.push([p, m]);
  }
  return loaded;
}

/** A program's check results as counts and findings. */
function record(p: JitProgram, optimize: boolean, result: JitCheckResult, stats: JitStats, findings: JitFinding[], backends: readonly JitBackend[]): void {
  if (result.skipped) stats.skipped++;
  stats.compared += result.compared;
  stats.kinks += result.kinks;
  for (const { transform, outcome } of result.outcomes) {
    if (outcome === 'ok') stats.ok.set(transform, (stats.ok.get(transform) ?? 0) + 1);
    else if (outcome !== 'stub') findings.push({ program: p, optimize, kind: outcome.kind, transform: outcome.transform, detail: outcome.detail, backends });
  }
}

/** One batch on the synchronous backends (cpu, webasm). */
export function runJitBatch(programs: readonly JitProgram[], optimizeModes: readonly boolean[], stats: JitStats, only?: string, backends: readonly JitBackend[] = kernelBackends): JitFinding[] {
  if (usesAsync(backends)) throw new Error(`runJitBatch: ${backends.join(', ')} includes an async backend; use runJitBatchAsync`);
  const findings: JitFinding[] = [];
  for (const optimize of optimizeModes) {
    for (const [p, m] of compileBatch(programs, optimize, stats, findings, backends)) record(p, optimize, checkJitProgram(p, m, p.seed, only, backends), stats, findings, backends);
  }
  return findings;
}

/** One batch on any backends, webgpu included (its calls are awaited, one at a time). */
export async function runJitBatchAsync(programs: readonly JitProgram[], optimizeModes: readonly boolean[], stats: JitStats, o: JitRunOptions = {}): Promise<JitFinding[]> {
  const backends = o.backends ?? kernelBackends;
  const findings: JitFinding[] = [];
  for (const optimize of optimizeModes) {
    for (const [p, m] of compileBatch(programs, optimize, stats, findings, backends)) {
      record(p, optimize, await checkJitProgramAsync(p, m, p.seed, o.only, backends), stats, findings, backends);
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

/**
 * A smaller program with the same finding (same kind, transformation@backend and, for diagnostics,
 * message), checked on the finding's backend alone (a diagnostic: on the backends of its run, so the
 * program is rendered as it was).
 */
export async function shrinkJit(finding: JitFinding, maxRounds = 40, perRound = 60): Promise<JitProgram> {
  const want = signature(finding);
  const backend = finding.transform?.split('@')[1];
  const backends = backend === undefined ? finding.backends : backend === 'js' ? [] : [backend as JitBackend];
  const reproduces = async (list: readonly JitProgram[]): Promise<JitProgram | undefined> => {
    const found = await runJitBatchAsync(list, [finding.optimize], newJitStats(), { only: finding.transform, backends });
    return list.find((p) => found.some((f) => f.program === p && signature(f) === want));
  };
  const kind = finding.transform?.split('@')[0];
  const alone = kind ? { ...finding.program, transforms: finding.program.transforms.filter((t) => t.kind === kind) } : finding.program;
  return shrinkGreedyAsync(finding.program, alone, candidates, reproduces, maxRounds, perRound);
}
