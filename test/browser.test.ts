/**
 * jit in a real browser: test/browser/suite.ts (every jit case) bundled with tsgrad's esbuild plugin,
 * served from 127.0.0.1 (WebGPU needs a secure context, which localhost is) and run in headless
 * Chromium, driven by playwright-core, on webgl2 and webgpu (SwiftShader: a software GPU, so
 * gpu.js's GLSL and WGSL translations really run) and on webasm and cpu, each compared with the
 * float64 path.
 *
 * Chromium is /usr/bin/chromium (Debian's package) or TSGRAD_CHROMIUM. Without one the suite is
 * skipped, saying why, unless TSGRAD_REQUIRE_BROWSER is set (as .ci/run sets it): then it fails.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { Browser, Page } from 'playwright-core';
import type { CaseResult } from './browser/suite.js';
import { repoRoot } from './harness.js';

const chromiumPath = process.env.TSGRAD_CHROMIUM ?? '/usr/bin/chromium';
const required = !!process.env.TSGRAD_REQUIRE_BROWSER;

/** Flags for headless Chromium on a machine with no GPU and no network: WebGL2 and WebGPU on SwiftShader. */
export const chromiumFlags = [
  '--no-sandbox',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--enable-unsafe-webgpu',
  '--enable-features=Vulkan',
  '--use-angle=swiftshader',
];

/** Serves `dir` on 127.0.0.1 at a free port. */
export async function serve(dir: string): Promise<{ url: string; close: () => Promise<void> }> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.map': 'application/json' };
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

describe('jit in headless Chromium (webgl2, webgpu on SwiftShader; webasm, cpu)', function () {
  this.timeout(600000);
  let browser: Browser | undefined;
  let page: Page;
  let server: { url: string; close: () => Promise<void> } | undefined;
  let caseCount = 0;

  before(async function () {
    if (!fs.existsSync(chromiumPath)) {
      if (required) throw new Error(`TSGRAD_REQUIRE_BROWSER is set but there is no Chromium at ${chromiumPath} (apt-get install -y chromium, or set TSGRAD_CHROMIUM)`);
      console.log(`      skipped: no Chromium at ${chromiumPath} (apt-get install -y chromium, or set TSGRAD_CHROMIUM)`);
      this.skip();
    }
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsgrad-browser-'));
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const esbuild = require('esbuild') as typeof import('esbuild');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const tsgrad = require('../compiler/plugins/esbuild.js') as typeof import('../compiler/plugins/esbuild.js');
    await esbuild.build({
      entryPoints: [path.join(repoRoot, 'test', 'browser', 'suite.ts')],
      bundle: true,
      format: 'esm',
      platform: 'browser',
      target: 'es2022',
      outfile: path.join(dir, 'suite.js'),
      plugins: [tsgrad()],
      logLevel: 'error',
    });
    fs.writeFileSync(path.join(dir, 'index.html'), `<!doctype html><script type="module">import * as suite from './suite.js'; window.suite = suite;</script>`);
    server = await serve(dir);
    const { chromium } = await import('playwright-core');
    browser = await chromium.launch({ executablePath: chromiumPath, headless: true, args: chromiumFlags });
    page = await browser.newPage();
    await page.goto(server.url);
    await page.waitForFunction(() => 'suite' in window);
    caseCount = await page.evaluate(() => (window as any).suite.caseCount as number);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const runs: [string, boolean][] = [['webgl2', false], ['webgl2', true], ['webgpu', true], ['webasm', false], ['cpu', true]];
  for (const [backend, isAsync] of runs) {
    it(`every jit case on ${backend}${isAsync ? ' (async)' : ''} matches the float64 path`, async () => {
      const results: CaseResult[] = await page.evaluate(([b, a]) => (window as any).suite.runSuite(b, a), [backend, isAsync] as const);
      expect(results.length).to.equal(caseCount);
      const wrong = results.filter((r) => r.threw || r.backend !== backend || r.fallbacks.length > 0 || !(r.error <= r.tolerance));
      const describe = (r: CaseResult) =>
        `${r.name}: ${r.threw ? `threw ${r.threw}` : `ran on ${r.backend}, error ${r.error.toExponential(2)} (tolerance ${r.tolerance})${r.fallbacks.length ? `, fallbacks ${r.fallbacks.join('; ')}` : ''}`}`;
      expect(wrong.length, `${wrong.length} of ${results.length} cases wrong:\n${wrong.map(describe).join('\n')}`).to.equal(0);
    });
  }
});
