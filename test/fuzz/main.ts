/**
 * `npm run fuzz -- [--jit [--webgpu | --backends cpu,webasm,webgpu]] --seed S --count N [--batch B] [--out DIR] [--shrink K] [--optimize on|off|both] [--idioms supported|all|off|a,b]`
 *
 * Generates N random programs from seed S, compiles them through the transformer in batches, checks
 * every transformation against independent references (check.ts), prints the counts, and writes
 * each distinct finding, shrunk to a small program, to DIR (default fuzz-findings/). Exits 1 when
 * anything was found. `--jit` fuzzes `jit` instead (jitGenerate.ts, jitCheck.ts): `// @parallel` loops
 * under jit(f), jit(grad(f)) and jit(valueAndGrad(f)) on cpu and webasm against the js backend;
 * `--webgpu` (implies --jit) also on webgpu, through jitAsync, in Node with Dawn (test/webgpu/dawn.ts):
 * where VK_ICD_FILENAMES is unset and SwiftShader's driver is installed (Debian's chromium), the
 * process re-runs itself with the environment that driver needs, which must be set before Dawn
 * loads; without a WebGPU adapter it stops with the reason. `--backends LIST` picks the kernel
 * backends to check (js always runs: it is the reference), e.g. `--backends webgpu` for webgpu alone.
 * `--idioms supported|all|a,b` draws idiomatic constructs into the programs (idioms.ts); the default,
 * `off`, generates the core subset's programs (generate.ts) unchanged, so older seeds still reproduce.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Program, transformKinds } from './generate.js';
import { generateWithIdioms, type Idiom, parseIdioms } from './idioms.js';
import { render } from './render.js';
import { type Finding, newStats, runBatch } from './run.js';
import { shrink, signature } from './shrink.js';
import { type JitProgram, renderJit } from './jitGenerate.js';
import { asyncBackends, type JitBackend, kernelBackends } from './jitCheck.js';
import { type JitFinding, jitPrograms, newJitStats, runJitBatchAsync, shrinkJit } from './jitRun.js';
import { haveSwiftShader, installDawn, swiftShaderEnv, swiftShaderIcd } from '../webgpu/dawn.js';

interface Options {
  seed: number;
  count: number;
  batch: number;
  out: string;
  shrink: number;
  optimize: boolean[];
  jit: boolean;
  /** The jit fuzzer's kernel backends (js always runs). */
  backends: JitBackend[];
  idioms: Idiom[];
  idiomSpec: string;
}

function parse(argv: readonly string[]): Options {
  const o: Options = { seed: 1, count: 200, batch: 40, out: 'fuzz-findings', shrink: 2, optimize: [true, false], jit: false, backends: [...kernelBackends], idioms: [], idiomSpec: 'off' };
  for (let i = 0; i < argv.length; i++) {
    const value = argv[i + 1];
    switch (argv[i]) {
      case '--seed': o.seed = Number(value); i++; break;
      case '--count': o.count = Number(value); i++; break;
      case '--batch': o.batch = Number(value); i++; break;
      case '--out': o.out = value; i++; break;
      case '--shrink': o.shrink = Number(value); i++; break;
      case '--jit': o.jit = true; break;
      case '--webgpu': o.jit = true; if (!o.backends.includes('webgpu')) o.backends.push('webgpu'); break;
      case '--backends': o.jit = true; o.backends = parseBackends(value); i++; break;
      case '--idioms': o.idioms = parseIdioms(value); o.idiomSpec = value; i++; break;
      case '--optimize': o.optimize = value === 'on' ? [true] : value === 'off' ? [false] : [true, false]; i++; break;
      default: throw new Error(`fuzz: unknown option ${argv[i]} (--jit --webgpu --backends cpu,webasm,webgpu --seed S --count N --batch B --out DIR --shrink K --optimize on|off|both --idioms supported|all|off|a,b)`);
    }
  }
  return o;
}

function parseBackends(list: string): JitBackend[] {
  const known: readonly string[] = [...kernelBackends, ...asyncBackends];
  const names = list.split(',').filter(Boolean);
  const bad = names.filter((b) => !known.includes(b));
  if (bad.length > 0 || names.length === 0) throw new Error(`fuzz: --backends ${list}: each of ${known.join(', ')}`);
  return names as JitBackend[];
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
  /** Results that were 0 · ∞ (run.ts: BatchStats.zeroTimesInf). */
  readonly zeroTimesInf?: readonly Fuzzed[];
  /** Wrong results of programs whose intermediates reach 2^40 (run.ts: BatchStats.absorbed). */
  readonly absorbed?: readonly Fuzzed[];
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
  run(batch: P[]): F[] | Promise<F[]>;
  /** The counts of checks passed, in the order to print them. */
  okCounts(): [string, number][];
  /** A finding shrunk, as a file name and its text. */
  written(f: F, sig: string): { name: string; text: string } | Promise<{ name: string; text: string }>;
}

async function drive<P, F extends Fuzzed>(o: Options, fz: Fuzzer<P, F>): Promise<void> {
  const findings: F[] = [];
  const started = Date.now();
  for (let i = 0; i < fz.programs.length; i += o.batch) {
    findings.push(...(await fz.run(fz.programs.slice(i, i + o.batch))));
    process.stderr.write(`\r${Math.min(i + o.batch, fz.programs.length)}/${fz.programs.length} programs, ${findings.length} findings`);
  }
  process.stderr.write('\n');
  const { stats } = fz;
  const seconds = (Date.now() - started) / 1000;
  console.log(`${fz.title}: seeds ${o.seed}…${o.seed + o.count - 1}, ${stats.programs} compiles (optimize ${o.optimize.map((x) => (x ? 'on' : 'off')).join('+')}), ${seconds.toFixed(1)} s`);
  console.log(`  skipped (f not finite or too large at the test point): ${stats.skipped}`);
  console.log(`  checked and correct: ${fz.okCounts().map(([k, n]) => `${k} ${n}`).join(', ')}`);
  console.log(`  components compared with finite differences: ${stats.compared} (${stats.kinks} skipped as kinks)`);
  const ab = stats.absorbed ?? [];
  if (ab.length > 0) {
    const seeds = [...new Set(ab.map((f) => f.program.seed))];
    console.log(`  not checkable (f computes a number of magnitude 2^40 or more on the way: differences are no reference there): ${ab.length} results in ${seeds.length} programs (seeds ${seeds.slice(0, 12).join(', ')}${seeds.length > 12 ? ', …' : ''})`);
  }
  const zi = stats.zeroTimesInf ?? [];
  if (zi.length > 0) {
    const seeds = [...new Set(zi.map((f) => f.program.seed))];
    console.log(`  0 · ∞, the documented limit (NaN or ±∞ where differences are finite, correct when compiled with strictZeros): ${zi.length} results in ${seeds.length} programs (seeds ${seeds.slice(0, 12).join(', ')}${seeds.length > 12 ? ', …' : ''})`);
  }
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
  // every finding, one a line, for triage (the classes above show at most 6 seeds each)
  const every = findings.map((f) => `seed ${f.program.seed}, optimize ${f.optimize}: ${signature(f)}: ${f.detail.split('\n')[0].slice(0, 300)}`);
  fs.writeFileSync(path.join(o.out, `findings-${o.seed}-${o.seed + o.count - 1}.txt`), `${every.join('\n')}\n`);
  let n = 0;
  for (const [sig, list] of classes) {
    for (const f of list.slice(0, sig.startsWith('invalid') ? 0 : o.shrink)) {
      const { name, text } = await fz.written(f, sig);
      fs.writeFileSync(path.join(o.out, `${name}-${f.kind}-${f.transform ?? 'compile'}-${f.program.seed}${f.optimize ? '' : '-noopt'}.ts`), text);
      n++;
    }
  }
  console.log(`  ${n} shrunk programs and the list of every finding written to ${o.out}/`);
  if (invalid < findings.length) process.exitCode = 1;
}

const header = (what: string, sig: string, f: Fuzzed, more = ''): string =>
  `// ${what}: ${sig}\n// seed ${f.program.seed}, optimize ${f.optimize}${more}\n// ${f.detail.split('\n').slice(0, 3).join('\n// ')}\n`;

/**
 * Where webgpu is asked for: true when this process re-ran itself with SwiftShader's environment
 * (the child's exit status is already set), else sets navigator.gpu from Dawn or throws why not.
 */
async function setUpWebgpu(): Promise<boolean> {
  if (process.env.VK_ICD_FILENAMES === undefined && haveSwiftShader()) {
    const child = spawnSync(process.execPath, [...process.execArgv, ...process.argv.slice(1)], { env: swiftShaderEnv(), stdio: 'inherit' });
    process.exitCode = child.status ?? 1;
    return true;
  }
  const dawn = await installDawn();
  if ('missing' in dawn) {
    throw new Error(`fuzz --webgpu: ${dawn.missing}; SwiftShader's Vulkan driver, which Debian's chromium ships, is looked for at ${swiftShaderIcd} (or TSGRAD_VK_ICD)`);
  }
  console.log(`webgpu: Dawn on ${dawn.adapter}${process.env.VK_ICD_FILENAMES ? ` (VK_ICD_FILENAMES=${process.env.VK_ICD_FILENAMES})` : ''}`);
  return false;
}

async function main(): Promise<void> {
  const o = parse(process.argv.slice(2));
  if (o.jit) {
    const webgpu = o.backends.includes('webgpu');
    if (webgpu && (await setUpWebgpu())) return;
    if (!webgpu && haveSwiftShader()) console.log(`(webgpu not checked: add --webgpu to run every program on it too, through Dawn on ${swiftShaderIcd})`);
    const stats = newJitStats();
    await drive<JitProgram, JitFinding>(o, {
      title: `fuzz --jit on ${o.backends.join(', ')}`,
      programs: jitPrograms(o.seed, o.count),
      stats,
      run: (batch) => runJitBatchAsync(batch, o.optimize, stats, { backends: o.backends }),
      okCounts: () => [...stats.ok].sort(),
      written: async (f, sig) => {
        const small = await shrinkJit(f);
        const async = f.backends.some((b) => (asyncBackends as readonly string[]).includes(b));
        return { name: 'jit', text: header('fuzz --jit finding', sig, f, `, n ${small.n}, d ${small.d}, c ${small.c}`) + renderJit(small, async) };
      },
    });
    return;
  }
  const stats = newStats();
  await drive<Program, Finding>(o, {
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

// Dawn keeps the event loop alive: exit once done
if (require.main === module) {
  main().then(
    () => process.exit(process.exitCode ?? 0),
    (err) => {
      // the fuzzer's own errors (options, no adapter) by their message, anything else with its stack
      console.error(err instanceof Error ? (err.message.startsWith('fuzz') ? err.message : err.stack) : err);
      process.exit(2);
    },
  );
}
