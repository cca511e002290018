/**
 * The browser suite's jit cases (test/browser/suite.ts) on webgpu in Node: `navigator.gpu` from the
 * `webgpu` package (Dawn, a dev dependency), over whatever Vulkan driver the environment names
 * (test/webgpu-node.test.ts runs this in a child process with SwiftShader's). Prints one line of
 * JSON: the results, or why there is no adapter.
 */
import * as path from 'node:path';
import { compile, formatDiagnostics, repoRoot } from '../harness.js';

interface Dawn {
  create(options: string[]): { requestAdapter(): Promise<unknown> };
  globals: object;
}

async function main(): Promise<unknown> {
  // a string, not a literal: TypeScript need not load the package's WebGPU typings
  const dawn = (await import('webgpu' as string)) as Dawn;
  Object.assign(globalThis, dawn.globals);
  const gpu = dawn.create([]);
  // gpu.js checks only that navigator.gpu exists; without an adapter every kernel would throw
  if (!(await gpu.requestAdapter())) return { skipped: 'Dawn found no WebGPU adapter (no Vulkan driver: VK_ICD_FILENAMES)' };
  if (typeof globalThis.navigator === 'undefined') Object.assign(globalThis, { navigator: { gpu } });
  else Object.defineProperty(globalThis.navigator, 'gpu', { value: gpu, configurable: true });

  const suite = path.join(repoRoot, 'test', 'browser', 'suite.ts');
  const out = compile([suite]);
  if (out.diagnostics.length > 0 || out.loadError) return { error: formatDiagnostics(out.diagnostics) || String(out.loadError) };
  const m = out.modules.get('test/browser/suite')!;
  return { caseCount: m.caseCount, results: await m.runSuite('webgpu', true) };
}

main().then(
  (r) => {
    console.log(JSON.stringify(r));
    process.exit(0);
  },
  (err) => {
    console.log(JSON.stringify({ error: String(err?.stack ?? err) }));
    process.exit(1);
  },
);
