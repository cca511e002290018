/**
 * Compiles generated programs in batches (one TypeScript program per batch, every program a module
 * of its own, in memory) with `optimize` on and off, and checks each one (check.ts). A program's
 * finding is one of: rejected (a tsgrad diagnostic on code inside the documented subset), internal
 * (TS99099), unloadable (emitted JavaScript that does not load), or a failed check.
 */
import * as path from 'node:path';
import type * as ts from 'typescript';
import type { TsgradConfig } from '../../compiler/transform.js';
import { compile, repoRoot } from '../harness.js';
import { checkProgram, type Failure } from './check.js';
import { makeArgs } from './args.js';
import type { Program, TransformKind } from './generate.js';
import { render } from './render.js';

export interface Finding {
  readonly program: Program;
  readonly optimize: boolean;
  /** rejected | internal | unloadable | invalid (the generator wrote code TypeScript rejects) | a check's kind. */
  readonly kind: 'rejected' | 'internal' | 'unloadable' | 'invalid' | Failure['kind'];
  readonly transform?: TransformKind;
  readonly detail: string;
}

export interface BatchStats {
  programs: number;
  skipped: number;
  /** Transformations run and found correct, by kind. */
  readonly ok: Map<TransformKind, number>;
  compared: number;
  kinks: number;
  /**
   * Wrong results that are NaN or ±∞ where the reference is finite, and correct when the program is
   * compiled again with strictZeros: 0 · ∞, the README's known limit (a zero tangent or adjoint
   * times the infinite partial of a value at a kink or overflowed, on a path the result does not take).
   */
  readonly zeroTimesInf: Finding[];
  /**
   * Wrong results of programs whose f computes a number of magnitude 2^40 or more on the way: its
   * ulp (2^-12) is past the differences' step (1e-5), so a small term added to it is lost in
   * float64 (absorbed) while the real derivative, which AD computes, keeps it: the differences
   * are no reference (fuzz seed 920703: p1 **= 3 to 1e38, then p1 - ((p0[2] - p1) + p1)). Also
   * dot-product tests whose sides are apart by no more than the rounding of f's largest
   * intermediate (roundedApart).
   */
  readonly absorbed: Finding[];
}

export const virtualDir = path.join(repoRoot, 'test', 'fuzz', 'virtual');
const fileOf = (name: string): string => path.join(virtualDir, `${name}.ts`);
const keyOf = (name: string): string => path.relative(repoRoot, fileOf(name)).replace(/\.ts$/, '');

export function newStats(): BatchStats {
  return { programs: 0, skipped: 0, ok: new Map(), compared: 0, kinks: 0, zeroTimesInf: [], absorbed: [] };
}

/** One module to compile: its main source and an optional helper module `<name>_lib.ts`. */
export interface Unit {
  readonly name: string;
  readonly main: string;
  readonly lib?: string;
}

/** What compiling one unit gave: its diagnostics (by file), and its loaded exports if any. */
export interface UnitOutput {
  readonly diagnostics: readonly ts.Diagnostic[];
  readonly module?: Record<string, any>;
  readonly loadError?: unknown;
}

/** Compile units as one in-memory TypeScript program (each a module of its own) and load them. */
export function compileUnits(units: readonly Unit[], optimize: boolean, config: Omit<TsgradConfig, 'optimize'> = {}): Map<string, UnitOutput> {
  const sources = new Map<string, string>();
  for (const u of units) {
    sources.set(fileOf(u.name), u.main);
    if (u.lib !== undefined) sources.set(fileOf(`${u.name}_lib`), u.lib);
  }
  const out = compile(units.map((u) => fileOf(u.name)), { ...config, optimize }, sources);
  const byFile = new Map<string, ts.Diagnostic[]>();
  for (const d of out.diagnostics) {
    const file = d.file ? path.basename(d.file.fileName, '.ts').replace(/_lib$/, '') : '';
    byFile.set(file, [...(byFile.get(file) ?? []), d]);
  }
  return new Map(units.map((u) => [u.name, { diagnostics: byFile.get(u.name) ?? [], module: out.modules.get(keyOf(u.name)), loadError: out.loadError }]));
}

/**
 * A unit's diagnostics as findings: a non-tsgrad one means the generator wrote invalid TypeScript
 * (returns 'invalid': nothing else to check); TS99099 is an internal error, any other a rejection.
 */
export function diagnosticFindings(diagnostics: readonly ts.Diagnostic[], found: (kind: 'rejected' | 'internal' | 'invalid', detail: string) => void): 'invalid' | undefined {
  const invalid = diagnostics.find((d) => d.source !== 'tsgrad');
  if (invalid) {
    found('invalid', message(invalid));
    return 'invalid';
  }
  // one diagnostic per construct, however many transformations reached it
  for (const text of new Set(diagnostics.map(message))) found(text.includes('TS99099') ? 'internal' : 'rejected', text);
  return undefined;
}

/** The findings of one batch, with its counts added to `stats`. */
export function runBatch(programs: readonly Program[], optimizeModes: readonly boolean[], stats: BatchStats): Finding[] {
  const units = programs.map((p): Unit => ({ name: p.name, ...render(p) }));
  const findings: Finding[] = [];
  for (const optimize of optimizeModes) {
    const out = compileUnits(units, optimize);
    for (const p of programs) {
      stats.programs++;
      const { diagnostics, module: m, loadError } = out.get(p.name)!;
      const found = (kind: Finding['kind'], detail: string, transform?: TransformKind): void => {
        findings.push({ program: p, optimize, kind, transform, detail });
      };
      if (diagnosticFindings(diagnostics, found)) continue;
      const loaded = m && typeof m.f === 'function' && p.transforms.every((_, i) => typeof m[`t${i}`] === 'function');
      if (!loaded) {
        found('unloadable', String(loadError ?? 'module not loaded'));
        continue;
      }
      const result = checkProgram(p, m, p.seed);
      if (result.skipped) stats.skipped++;
      stats.compared += result.compared;
      stats.kinks += result.kinks;
      for (const { transform, outcome } of result.outcomes) {
        if (outcome === 'ok') stats.ok.set(transform.kind, (stats.ok.get(transform.kind) ?? 0) + 1);
        else if (outcome !== 'stub') found(outcome.kind, outcome.detail, outcome.transform);
      }
    }
  }
  return withoutAbsorbed(withoutZeroTimesInf(findings, units, stats), stats);
}

/** f's largest intermediate magnitude at the checker's arguments (render with probes), or undefined if that did not run. */
export function largestMagnitude(p: Program): number | undefined {
  const out = compileUnits([{ name: p.name, ...render(p, true) }], false).get(p.name);
  if (!out?.module || typeof out.module.f !== 'function') return undefined;
  const g = globalThis as { __probe?: (x: number) => number };
  let most = 0;
  g.__probe = (x: number): number => {
    if (typeof x === 'number' && Number.isFinite(x)) most = Math.max(most, Math.abs(x));
    return x;
  };
  try {
    out.module.f(...makeArgs(p, p.seed, out.module));
  } catch {
    return undefined;
  } finally {
    delete g.__probe;
  }
  return most;
}

/**
 * The two sides of a failed dot-product test, apart by no more than rounding at the scale of f's
 * largest intermediate `most` (16 of its ulps): a value of 2.7e10 cancelling inside f leaves both
 * sweeps that far from the exact result, whichever way they sum (fuzz seed 1032179: x2 *= x2 four
 * times, then (0.75 * x3 - x2) + x2; the sides 5.2e-6 apart, one ulp of 2.7e10 being 5.9e-6).
 */
function roundedApart(f: Finding, most: number): boolean {
  const m = /dot-product test: <vjp, dir> = (\S+), ct·jvp = ([^\s,]+)/.exec(f.detail);
  return !!m && Math.abs(Number(m[1]) - Number(m[2])) <= 16 * 2 ** -52 * most;
}

/** The findings, less wrong values of programs that reach 2^40, or dot-product tests within their rounding (BatchStats.absorbed). */
function withoutAbsorbed(findings: readonly Finding[], stats: BatchStats): Finding[] {
  const magnitudes = new Map<Program, number | undefined>();
  const absorbed = findings.filter((f) => {
    if (f.kind !== 'wrong') return false;
    if (!magnitudes.has(f.program)) magnitudes.set(f.program, largestMagnitude(f.program));
    const most = magnitudes.get(f.program) ?? 0;
    return most >= 2 ** 40 || roundedApart(f, most);
  });
  stats.absorbed.push(...absorbed);
  return findings.filter((f) => !absorbed.includes(f));
}

const nonFinite = (f: Finding): boolean => f.kind === 'wrong' && /got (NaN|-?Infinity)\b/.test(f.detail);

/**
 * The findings, less those that are 0 · ∞ (BatchStats.zeroTimesInf): their programs are compiled
 * again with strictZeros, and a transformation that then passes its check moves to the stats.
 */
function withoutZeroTimesInf(findings: readonly Finding[], units: readonly Unit[], stats: BatchStats): Finding[] {
  const suspects = findings.filter(nonFinite);
  if (suspects.length === 0) return [...findings];
  const cleared = new Set<Finding>();
  for (const optimize of new Set(suspects.map((f) => f.optimize))) {
    const programs = [...new Set(suspects.filter((f) => f.optimize === optimize).map((f) => f.program))];
    const out = compileUnits(units.filter((u) => programs.some((p) => p.name === u.name)), optimize, { strictZeros: true });
    for (const p of programs) {
      const m = out.get(p.name)?.module;
      if (!m || out.get(p.name)!.diagnostics.length > 0) continue;
      const passed = new Set(checkProgram(p, m, p.seed).outcomes.filter((o) => o.outcome === 'ok').map((o) => o.transform.kind));
      for (const f of suspects) if (f.program === p && f.optimize === optimize && f.transform && passed.has(f.transform)) cleared.add(f);
    }
  }
  stats.zeroTimesInf.push(...cleared);
  return findings.filter((f) => !cleared.has(f));
}

function message(d: ts.Diagnostic): string {
  const text = typeof d.messageText === 'string' ? d.messageText : d.messageText.messageText;
  if (!d.file || d.start === undefined) return `TS${d.code}: ${text}`;
  const { line, character } = d.file.getLineAndCharacterOfPosition(d.start);
  return `${path.basename(d.file.fileName)}:${line + 1}:${character + 1} TS${d.code}: ${text}`;
}
