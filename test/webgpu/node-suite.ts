/**
 * The browser suite's jit cases (test/browser/suite.ts) on webgpu in Node: `navigator.gpu` from the
 * `webgpu` package (Dawn, a dev dependency), over whatever Vulkan driver the environment names
 * (test/webgpu-node.test.ts runs this in a child process with SwiftShader's). Prints one line of
 * JSON: the results, or why there is no adapter.
 */
import * as path from 'node:path';
import { compile, formatDiagnostics, repoRoot } from '../harness.js';
import { installDawn, printJsonResult } from './dawn.js';

async function main(): Promise<unknown> {
  const dawn = await installDawn();
  if ('missing' in dawn) return { skipped: dawn.missing };

  const suite = path.join(repoRoot, 'test', 'browser', 'suite.ts');
  const out = compile([suite]);
  if (out.diagnostics.length > 0 || out.loadError) return { error: formatDiagnostics(out.diagnostics) || String(out.loadError) };
  const m = out.modules.get('test/browser/suite')!;
  return { caseCount: m.caseCount, results: await m.runSuite('webgpu', true) };
}

printJsonResult(main);
