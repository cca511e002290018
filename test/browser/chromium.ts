/**
 * Headless Chromium for the browser tests and the GPU benchmark: where it is, the flags that give
 * WebGL2 and WebGPU on a machine with no display (SwiftShader where there is no GPU) and no network,
 * and a static server on 127.0.0.1 (WebGPU needs a secure context, which localhost is).
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as path from 'node:path';
import type { Browser } from 'playwright-core';

/** Debian's chromium, or TSGRAD_CHROMIUM. */
export const chromiumPath = process.env.TSGRAD_CHROMIUM ?? '/usr/bin/chromium';

/** What to do to get a Chromium, for messages. */
export const chromiumHint = 'apt-get install -y chromium, or set TSGRAD_CHROMIUM to a Chromium or Chrome binary';

/** Flags for headless Chromium with WebGL2 and WebGPU; `software`: on SwiftShader even where a GPU exists. */
export function chromiumFlags(software = true): string[] {
  return [
    '--no-sandbox',
    '--disable-background-networking',
    '--disable-component-update',
    '--disable-sync',
    '--no-first-run',
    '--enable-unsafe-webgpu',
    '--enable-features=Vulkan',
    ...(software ? ['--use-angle=swiftshader'] : ['--ignore-gpu-blocklist', '--use-angle=vulkan']),
  ];
}

/**
 * For a test suite's `before`: where there is no Chromium, skips the suite (`context.skip()`), saying
 * why, unless TSGRAD_REQUIRE_BROWSER is set (as .ci/run sets it): then it throws, failing the suite.
 */
export function skipWithoutChromium(context: { skip(): void }): void {
  if (fs.existsSync(chromiumPath)) return;
  if (process.env.TSGRAD_REQUIRE_BROWSER) throw new Error(`TSGRAD_REQUIRE_BROWSER is set but there is no Chromium at ${chromiumPath} (${chromiumHint})`);
  console.log(`      skipped: no Chromium at ${chromiumPath} (${chromiumHint})`);
  context.skip();
}

export async function launchChromium(software = true): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumFlags(software) });
}

/** Serves `dir` on 127.0.0.1 at a free port (`/` is index.html). */
export async function serve(dir: string): Promise<{ url: string; close: () => Promise<void> }> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.css': 'text/css', '.svg': 'image/svg+xml', '.map': 'application/json', '.wasm': 'application/wasm' };
  const server = http.createServer((req, res) => {
    const name = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    const file = path.join(dir, name.endsWith('/') ? `${name}index.html` : name);
    if (!file.startsWith(dir) || !fs.existsSync(file) || fs.statSync(file).isDirectory()) {
      res.writeHead(404).end();
      return;
    }
    res.writeHead(200, { 'content-type': types[path.extname(file)] ?? 'application/octet-stream' }).end(fs.readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, close: () => new Promise((resolve) => server.close(() => resolve())) };
}

/** A page that loaded a bundle of test/browser/suite.ts as `window.suite`. */
interface SuitePage {
  evaluate<R, A>(fn: (arg: A) => R | Promise<R>, arg: A): Promise<R>;
}

/**
 * Runs the browser suite's cases (test/browser/suite.ts) in `page` on `backend`; returns a line per
 * case that failed (threw, ran elsewhere, had a kernel moved elsewhere by gpu.js, or missed its
 * tolerance against the float64 path) and how many cases ran.
 */
export async function suiteFailures(page: SuitePage, backend: string, isAsync: boolean): Promise<{ count: number; failures: string[] }> {
  type Result = { name: string; backend: string; fallbacks: string[]; error: number; tolerance: number; threw?: string };
  const results = await page.evaluate(([b, a]) => (window as any).suite.runSuite(b, a) as Promise<Result[]>, [backend, isAsync] as const);
  const failures = results
    .filter((r) => r.threw || r.backend !== backend || r.fallbacks.length > 0 || !(r.error <= r.tolerance))
    .map((r) => `${r.name}: ${r.threw ? `threw ${r.threw}` : `ran on ${r.backend}, error ${r.error.toExponential(2)} (tolerance ${r.tolerance})${r.fallbacks.length ? `, fallbacks ${r.fallbacks.join('; ')}` : ''}`}`);
  return { count: results.length, failures };
}
