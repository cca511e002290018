/**
 * `node dist/test/fuzz/webgpuSlice.js SEED COUNT`: the jit fuzzer's programs seed … seed + count - 1
 * on webgpu alone (against js), optimize on and off, with `navigator.gpu` from Dawn over whatever
 * Vulkan driver the environment names (test/fuzz.test.ts runs this in a child process with
 * SwiftShader's, which must be named before Dawn loads). Prints one line of JSON: the findings and
 * counts, or why there is no adapter.
 */
import { installDawn, printJsonResult } from '../webgpu/dawn.js';
import { jitPrograms, newJitStats, runJitBatchAsync } from './jitRun.js';
import { signature } from './shrink.js';

export interface SliceFinding {
  readonly seed: number;
  readonly optimize: boolean;
  readonly signature: string;
  readonly detail: string;
}

export interface SliceResult {
  readonly skipped?: string;
  readonly error?: string;
  readonly adapter?: string;
  readonly findings?: SliceFinding[];
  /** Checks passed, by `transform@backend`. */
  readonly ok?: Record<string, number>;
  readonly compared?: number;
}

async function main(): Promise<SliceResult> {
  const [seed, count] = process.argv.slice(2).map(Number);
  const dawn = await installDawn();
  if ('missing' in dawn) return { skipped: dawn.missing };
  const stats = newJitStats();
  const findings = await runJitBatchAsync(jitPrograms(seed, count), [true, false], stats, { backends: ['webgpu'] });
  return {
    adapter: dawn.adapter,
    findings: findings.map((f) => ({ seed: f.program.seed, optimize: f.optimize, signature: signature(f), detail: f.detail.split('\n')[0].slice(0, 300) })),
    ok: Object.fromEntries(stats.ok),
    compared: stats.compared,
  };
}

printJsonResult(main);
