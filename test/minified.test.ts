/**
 * jit in minified production bundles. gpu.js translates each kernel from its source text; a kernel
 * that is a function in the bundle is what the minifier made of it (comma expressions, renamed
 * parameters), which gpu.js rejects ("WebGPU backend does not yet support the comma operator", on
 * webgl2 "Unhandled binary expression between Array & Number"). tsgrad emits kernels as strings,
 * which minifiers leave alone. Here the browser suite (test/browser/suite.ts: every jit case) is
 * built twice, by Vite's production build (minified, as `vite build` does by default) with
 * tsgrad/vite and by esbuild with `minify: true` and tsgrad/esbuild, and each bundle runs in
 * headless Chromium on webgl2, webgpu, webasm and cpu against the float64 path, as in
 * test/browser.test.ts. Skipped without Chromium, unless TSGRAD_REQUIRE_BROWSER is set.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchChromium, serve, skipWithoutChromium, suiteFailures } from './browser/chromium.js';
import { repoRoot } from './harness.js';

const suite = path.join(repoRoot, 'test', 'browser', 'suite.ts');
const page = `<!doctype html><script type="module">import * as suite from './suite.js'; window.suite = suite;</script>`;

/** Vite's production build of a page whose script loads the suite; returns the folder built. */
async function viteBuild(dir: string): Promise<string> {
  const root = path.join(dir, 'src');
  fs.mkdirSync(root);
  fs.writeFileSync(path.join(root, 'index.html'), '<!doctype html><script type="module" src="./main.ts"></script>');
  fs.writeFileSync(path.join(root, 'main.ts'), `import * as suite from ${JSON.stringify(suite)};\n(window as any).suite = suite;\n`);
  const { build } = await import('vite');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tsgrad = require('../compiler/plugins/vite.js') as typeof import('../compiler/plugins/vite.js');
  const outDir = path.join(dir, 'vite');
  await build({
    root,
    configFile: false,
    logLevel: 'error',
    plugins: [tsgrad()],
    build: { outDir, emptyOutDir: true, target: 'es2022', chunkSizeWarningLimit: 5000, rolldownOptions: { checks: { pluginTimings: false } } },
  } as never);
  return outDir;
}

/** esbuild's minified bundle of the suite; returns its folder. */
async function esbuildMinified(dir: string): Promise<string> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof import('esbuild');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tsgrad = require('../compiler/plugins/esbuild.js') as typeof import('../compiler/plugins/esbuild.js');
  const outDir = path.join(dir, 'esbuild');
  await esbuild.build({
    entryPoints: [suite],
    bundle: true,
    minify: true,
    format: 'esm',
    platform: 'browser',
    target: 'es2022',
    outfile: path.join(outDir, 'suite.js'),
    plugins: [tsgrad()],
    logLevel: 'error',
  });
  fs.writeFileSync(path.join(outDir, 'index.html'), page);
  return outDir;
}

/** The JavaScript files of a build, read. */
const scripts = (dir: string): string =>
  fs.readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js')).map((f) => fs.readFileSync(path.join(dir, f), 'utf8')).join('\n');

for (const [bundler, make] of [['Vite production build', viteBuild], ['esbuild --minify', esbuildMinified]] as const) {
  describe(`jit in a minified bundle: ${bundler} of every jit case, in headless Chromium`, function () {
    this.timeout(600000);
    let browser: Browser | undefined;
    let tab: Page;
    let server: { url: string; close: () => Promise<void> } | undefined;
    let code = '';

    before(async function () {
      skipWithoutChromium(this);
      const out = await make(fs.mkdtempSync(path.join(os.tmpdir(), 'tsgrad-minified-')));
      code = scripts(out);
      server = await serve(out);
      browser = await launchChromium();
      tab = await browser.newPage();
      await tab.goto(server.url);
      await tab.waitForFunction(() => 'suite' in window);
    });

    after(async () => {
      await browser?.close();
      await server?.close();
    });

    it('is minified, with the kernels in it as tsgrad wrote them', () => {
      // runtime/gpu/kernel.ts's module-level names are gone, renamed by the minifier
      expect(code).not.to.include('float32Indexing');
      expect(code).not.to.include('kernelFor');
      // a kernel's source, whole
      expect(code).to.match(/function softmaxLoss_jit_total\(theta(_\d)?, X(_\d)?, y(_\d)?\) \{(\s|\\n)+const i = this\.thread\.x;/);
    });

    for (const [backend, isAsync] of [['webgl2', false], ['webgpu', true], ['webasm', false], ['cpu', false]] as const) {
      it(`every jit case on ${backend} matches the float64 path`, async () => {
        const { count, failures } = await suiteFailures(tab, backend, isAsync);
        expect(count).to.be.above(10);
        expect(failures.length, `${failures.length} of ${count} cases wrong:\n${failures.join('\n')}`).to.equal(0);
      });
    }
  });
}
