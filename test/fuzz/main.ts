/**
 * `npm run fuzz -- [--jit] --seed S --count N [--batch B] [--out DIR] [--shrink K] [--optimize on|off|both] [--idioms supported|all|off|a,b]`
 *
 * Generates N random programs from seed S, compiles them through the transformer in batches, checks
 * every transformation against independent references (check.ts), prints the counts, and writes
 * each distinct finding, shrunk to a small program, to DIR (default fuzz-findings/). Exits 1 when
 * anything was found. `--jit` fuzzes `jit` instead (jitGenerate.ts, jitCheck.ts): `// @parallel` loops
 * under jit(f), jit(grad(f)) and jit(valueAndGrad(f)) on cpu and webasm against the js backend.
 * `--idioms supported|all|a,b` draws idiomatic constructs into the programs (idioms.ts); the default,
 * `off`, generates the core subset's programs (generate.ts) unchanged, so older seeds still reproduce.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Program, transformKinds } from './generate.js';
import { generateWithIdioms, type Idiom, parseIdioms } from './idioms.js';
import { render } from './render.js';
import { type Finding, newStats, runBatch } from './run.js';
import { shrink, signature } from './shrink.js';
import { type JitProgram, renderJit } from './jitGenerate.js';
import { type JitFinding, jitPrograms, newJitStats, runJitBatch, shrinkJit } from './jitRun.js';

interface Options {
  seed: number;
  count: number;
  batch: number;
  out: string;
  shrink: number;
  optimize: boolean[];
  jit: boolean;
  idioms: Idiom[];
  idiomSpec: string;
}

function parse(argv: readonly string[]): Options {
  const o: Options = { seed: 1, count: 200, batch: 40, out: 'fuzz-findings', shrink: 2, optimize: [true, false], jit: false, idioms: [], idiomSpec: 'off' };
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    switch (argv[i]) {
      case '--seed': o.seed = Number(value); i++; break;
      case '--count': o.count = Number(value); i++; break;
      case '--batch': o.batch = Number(value); i++; break;
      case '--out': o.out = value; i++; break;
      case '--shrink': o.shrink = Number(value); i++; break;
      case '--jit': o.jit = true; break;
      case '--idioms': o.idioms = parseIdioms(value); o.idiomSpec = value; i++; break;
      case '--optimize': o.optimize = value === 'on' ? [true] : value === 'off' ? [false] : [true, false]; i++; break;
      default: throw new Error(`fuzz: unknown option ${argv[i]} (--jit --seed S --count N --batch B --out DIR --shrink K --optimize on|off|both --idioms supported|all|off|a,b)`);
    }
  }
  return o;
}

/** Programs seed … seed + count - 1, one per seed, so any program can be regenerated from its seed (and idioms). */
export function programs(seed: number, count: number, idioms: readonly Idiom[] = []): Program[] {
  return Array.from({ length: count }, (_, i) => generateWithIdioms(seed + i, `p${seed + i}`, idioms));
}

interface Stats {
  readonly programs: number;
  readonly skipped: number;
  readonly ok: ReadonlyMap<string, number>;
  readonly compared: number;
  readonly kinks: number;
}

interface Fuzzed {
  readonly program: { readonly seed: number };
  readonly optimize: boolean;
  readonly kind: string;
  readonly transform?: string;
  readonly detail: string;
}

/** What differs between the two fuzzers; `drive` runs either, reports and writes findings the same way. */
interface Fuzzer<P, F extends Fuzzed> {
  readonly title: string;
  readonly programs: readonly P[];
  readonly stats: Stats;
  run(batch: P[]): F[];
  /** The counts of checks passed, in the order to print them. */
  okCounts(): [string, number][];
  /** A finding shrunk, as a file name and its text. */
  written(f: F, sig: string): { name: string; text: string };
}

function drive<P, F extends Fuzzed>(o: Options, fz: Fuzzer<P, F>): void {
  const findings: F[] = [];
  const started = Date.now();
  for (let i = 0; i < fz.programs.length; i += o.batch) {
    findings.push(...fz.run(fz.programs.slice(i, i + o.batch)));
    process.stderr.write(`\r${Math.min(i + o.batch, fz.programs.length)}/${fz.programs.length} programs, ${findings.length} findings`);
  }
  process.stderr.write('\n');
  const { stats } = fz;
  const seconds = (Date.now() - started) / 1000;
  console.log(`${fz.title}: seeds ${o.seed}…${o.seed + o.count - 1}, ${stats.programs} compiles (optimize ${o.optimize.map((x) => (x ? 'on' : 'off')).join('+')}), ${seconds.toFixed(1)} s`);
  console.log(`  skipped (f not finite or too large at the test point): ${stats.skipped}`);
  console.log(`  checked and correct: ${fz.okCounts().map(([k, n]) => `${k} ${n}`).join(', ')}`);
  console.log(`  components compared with finite differences: ${stats.compared} (${stats.kinks} skipped as kinks)`);
  const classes = new Map<string, F[]>();
  for (const f of findings) classes.set(signature(f), [...(classes.get(signature(f)) ?? []), f]);
  const invalid = findings.filter((f) => f.kind === 'invalid').length;
  console.log(`  findings: ${findings.length - invalid} in ${[...classes.keys()].filter((k) => !k.startsWith('invalid')).length} classes` +
    ` (and ${invalid} programs the generator wrote that TypeScript itself rejects: not tsgrad's findings, not checked)`);
  if (classes.size === 0) return;
  fs.mkdirSync(o.out, { recursive: true });
  // every class first (shrinking takes a while), then the shrunk programs
  for (const [sig, list] of classes) {
    console.log(`  ${list.length} × ${sig}  (seeds ${[...new Set(list.map((f) => f.program.seed))].slice(0, 6).join(', ')}; e.g. optimize ${list[0].optimize}): ${list[0].detail.split('\n')[0].slice(0, 200)}`);
  }
  let n = 0;
  for (const [sig, list] of classes) {
    for (const f of list.slice(0, sig.startsWith('invalid') ? 0 : o.shrink)) {
      const { name, text } = fz.written(f, sig);
      fs.writeFileSync(path.join(o.out, `${name}-${f.kind}-${f.transform ?? 'compile'}-${f.program.seed}${f.optimize ? '' : '-noopt'}.ts`), text);
      n++;
    }
  }
  console.log(`  ${n} shrunk programs written to ${o.out}/`);
  if (invalid < findings.length) process.exitCode = 1;
}

const header = (what: string, sig: string, f: Fuzzed, more = ''): string =>
  `// ${what}: ${sig}\n// seed ${f.program.seed}, optimize ${f.optimize}${more}\n// ${f.detail.split('\n').slice(0, 3).join('\n// ')}\n`;

function main(): void {
  const o = parse(process.argv.slice(2));
  if (o.jit) {
    const stats = newJitStats();
    drive<JitProgram, JitFinding>(o, {
      title: 'fuzz --jit',
      programs: jitPrograms(o.seed, o.count),
      stats,
      run: (batch) => runJitBatch(batch, o.optimize, stats),
      okCounts: () => [...stats.ok].sort(),
      written: (f, sig) => {
        const small = shrinkJit(f);
        return { name: 'jit', text: header('fuzz --jit finding', sig, f, `, n ${small.n}, d ${small.d}, c ${small.c}`) + renderJit(small) };
      },
    });
    return;
  }
  const stats = newStats();
  drive<Program, Finding>(o, {
    title: `fuzz --idioms ${o.idiomSpec}${o.idiomSpec === 'supported' ? ` (${o.idioms.join(',') || 'none'})` : ''}`,
    programs: programs(o.seed, o.count, o.idioms),
    stats,
    run: (batch) => runBatch(batch, o.optimize, stats),
    okCounts: () => transformKinds.map((k) => [k, stats.ok.get(k) ?? 0]),
    written: (f, sig) => {
      const small = shrink(f);
      const r = render(small);
      return { name: 'fuzz', text: `${header('fuzz finding', sig, f, `, --idioms ${o.idioms.join(',') || 'off'}`)}${r.main}\n// ── ${small.name}_lib.ts ──\n${r.lib.split('\n').map((l) => `// ${l}`).join('\n')}\n` };
    },
  });
}

if (require.main === module) main();
