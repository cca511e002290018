/**
 * The browser demo (examples/softmax-browser, `npm run demo:browser`): the page built by Vite with
 * tsgrad/vite and served by the demo's own script (serve.mjs: `vite preview` on 127.0.0.1), driven
 * in headless Chromium like the browser suite (test/browser/chromium.ts: the same flags, skipped
 * without Chromium unless TSGRAD_REQUIRE_BROWSER). Through the page's controls it trains on webgl2
 * and on webgpu (SwiftShader); it checks that the gradient the page trains on matches float64
 * central differences computed in the page (and that this check rejects a wrong gradient), that the
 * loss falls, and that the charts drew the curves.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { Browser, Page } from 'playwright-core';
import type { DemoState, GradientCheck } from '../examples/softmax-browser/state.js';
import { launchChromium, skipWithoutChromium } from './browser/chromium.js';
import { repoRoot } from './harness.js';

/** What examples/softmax-browser/serve.mjs exports. */
interface DemoScript {
  buildDemo(outDir?: string): Promise<string>;
  serveDemo(outDir?: string, port?: number): Promise<{ url: string; close(): Promise<void> }>;
}

/** Epochs per training run: SwiftShader takes about 0.5 s an epoch on webgl2 at 4,000 samples. */
const EPOCHS = 12;

/** The points of an SVG path's `d` ("M x,y L x,y …"). */
const pathPoints = (d: string): [number, number][] =>
  [...d.matchAll(/[ML]\s*(-?[\d.]+),(-?[\d.]+)/g)].map((m) => [Number(m[1]), Number(m[2])]);

describe('browser demo (npm run demo:browser) in headless Chromium', function () {
  this.timeout(600000);
  let browser: Browser | undefined;
  let page: Page;
  let server: { url: string; close(): Promise<void> } | undefined;
  let built = '';

  before(async function () {
    skipWithoutChromium(this);
    const script = pathToFileURL(path.join(repoRoot, 'examples', 'softmax-browser', 'serve.mjs')).href;
    const demo = (await import(script)) as DemoScript;
    const outDir = await demo.buildDemo(fs.mkdtempSync(path.join(os.tmpdir(), 'tsgrad-demo-')));
    built = fs.readdirSync(outDir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js')).map((f) => fs.readFileSync(path.join(outDir, f), 'utf8')).join('\n');
    server = await demo.serveDemo(outDir, 0);
    browser = await launchChromium();
    page = await browser.newPage();
    const errors: string[] = [];
    page.on('pageerror', (err) => errors.push(err.message));
    await page.goto(server.url);
    await page.waitForFunction(() => document.body.dataset.status !== 'loading');
    expect(errors, 'errors in the page').to.deep.equal([]);
  });

  after(async () => {
    await browser?.close();
    await server?.close();
  });

  const state = (): Promise<DemoState> => page.evaluate(() => (window as any).demo.state as DemoState);

  it('is built minified, as a production build is (the kernels are strings the minifier leaves alone)', () => {
    expect(built).not.to.include('float32Indexing'); // a module-level name of runtime/gpu/kernel.ts, renamed
    expect(built).to.match(/function softmaxLoss_jitAsync_valueAndGrad_\w+\(/);
  });

  it('offers every browser backend, webgpu (the fastest Chromium has here) picked first', async () => {
    expect((await state()).status).to.equal('ready');
    const options = await page.$$eval('#backend option', (os) => os.map((o) => [(o as HTMLOptionElement).value, (o as HTMLOptionElement).disabled]));
    expect(options).to.deep.equal([['webgpu', false], ['webgl2', false], ['webasm', false], ['cpu', false], ['js', false]]);
    expect(await page.inputValue('#backend')).to.equal('webgpu');
  });

  for (const backend of ['webgl2', 'webgpu']) {
    it(`trains on ${backend}: the gradient matches float64 finite differences, the loss falls, the charts draw`, async () => {
      await page.selectOption('#backend', backend);
      await page.selectOption('#problem', 'synthetic-4000');
      await page.fill('#epochs', String(EPOCHS));
      await page.click('#start');
      await page.waitForFunction(() => ['done', 'stopped', 'error'].includes(document.body.dataset.status ?? ''), null, { timeout: 300000 });
      const s = await state();
      expect(s.error, 'the page reported an error').to.equal(undefined);
      expect(s.status).to.equal('done');
      expect(s.backend, 'the backend the jit function ran on').to.equal(backend);
      expect(s.fallbacks, 'kernels gpu.js moved to another backend').to.deep.equal([]);

      const check = s.gradientCheck!;
      expect(check.ok, `gradient check: ${JSON.stringify(check)}`).to.equal(true);
      expect(check.error).to.be.below(check.tolerance);
      expect(check.directions + check.entries).to.be.at.least(8);

      // gradient descent on a convex loss with a small step: it falls every epoch
      expect(s.loss).to.have.length(EPOCHS);
      expect(s.loss[0]).to.be.closeTo(Math.log(10), 1e-6); // θ = 0: every class equally likely
      for (let e = 1; e < EPOCHS; e++) expect(s.loss[e], `loss at epoch ${e}`).to.be.below(s.loss[e - 1]);
      expect(s.loss[EPOCHS - 1]).to.be.below(0.75 * s.loss[0]);
      expect(s.trainAccuracy.at(-1)).to.be.above(50); // chance: 10%

      // the charts: one point per epoch; the loss curve's points go right and down the page as the loss falls
      const d = await page.getAttribute('#loss-chart svg g.series[data-name="training loss"] path', 'd');
      const points = pathPoints(d ?? '');
      expect(points).to.have.length(EPOCHS);
      for (let e = 1; e < EPOCHS; e++) {
        expect(points[e][0]).to.be.above(points[e - 1][0]);
        expect(points[e][1]).to.be.above(points[e - 1][1]);
      }
      const box = await page.locator('#loss-chart svg g.series path').boundingBox();
      expect(box!.width * box!.height, 'the drawn loss curve').to.be.above(1000);
      const accuracy = await page.getAttribute('#accuracy-chart svg g.series[data-name="training samples"] path', 'd');
      expect(pathPoints(accuracy ?? '')).to.have.length(EPOCHS);
    });
  }

  it('the gradient check rejects a wrong gradient (classes 0 and 1 swapped)', async () => {
    const [right, wrong] = await page.evaluate(async () => {
      const demo = (window as any).demo;
      return [await demo.checkGradient('webgpu'), await demo.checkGradient('webgpu', true)] as GradientCheck[];
    });
    expect(right.ok).to.equal(true);
    expect(wrong.ok).to.equal(false);
    expect(wrong.error).to.be.above(100 * wrong.tolerance);
  });
});
