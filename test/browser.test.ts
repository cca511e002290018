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
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { chromiumFlags as flags, launchChromium, serve, skipWithoutChromium, suiteFailures } from './browser/chromium.js';
import { repoRoot } from './harness.js';

export { serve };
/** The flags test/browser/chromium.ts gives Chromium (SwiftShader). */
export const chromiumFlags = flags();

describe('jit in headless Chromium (webgl2, webgpu on SwiftShader; webasm, cpu)', function () {
  this.timeout(600000);
  let browser: Browser | undefined;
  let page: Page;
  let server: { url: string; close: () => Promise<void> } | undefined;
  let caseCount = 0;

  before(async function () {
    skipWithoutChromium(this);
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
    browser = await launchChromium();
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
      const { count, failures } = await suiteFailures(page, backend, isAsync);
      expect(count).to.equal(caseCount);
      expect(failures.length, `${failures.length} of ${count} cases wrong:\n${failures.join('\n')}`).to.equal(0);
    });
  }
});
