/**
 * `npm run bench:gpu`: the jit benchmark where GPUs are. Bundles bench/gpu/page.ts with
 * tsgrad/esbuild, serves it on 127.0.0.1 and runs it in headless Chromium (Debian's chromium, or
 * TSGRAD_CHROMIUM) with WebGPU and WebGL2 on whatever adapter the machine has, at N = 10^5 and 10^6
 * samples (TSGRAD_BENCH_N="100000,1000000"; REPS calls each, median printed). X has N·64 elements,
 * past the float32 backends' 2^24 above 262,144 samples, so the jit and TF.js cases take the samples
 * in chunks of at most 262,144 (TSGRAD_BENCH_CHUNK sets another size: a smaller one checks the
 * chunked path at a small N). Then the Node path: bench/jit.bench.ts times every backend Node can
 * load (webgpu where navigator.gpu exists, headlessgl where the `gl` package gets a context, webasm,
 * cpu) at the first of the sizes.
 *
 * TSGRAD_BENCH_SOFTWARE=1 runs Chromium on SwiftShader (a software GPU: the figures mean little,
 * but every path runs); by default Chromium is asked for the hardware GPU (Vulkan, blocklist off)
 * and the adapters it got are printed first.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromiumHint, chromiumPath, launchChromium, serve } from '../test/browser/chromium.js';
import type { Row } from './gpu/page.js';

const sizes = (process.env.TSGRAD_BENCH_N ?? '100000,1000000').split(',').map(Number);
const reps = Number(process.env.REPS ?? 5);
const software = process.env.TSGRAD_BENCH_SOFTWARE === '1';
const chunk = process.env.TSGRAD_BENCH_CHUNK ? Number(process.env.TSGRAD_BENCH_CHUNK) : undefined;

async function main(): Promise<void> {
  if (!fs.existsSync(chromiumPath)) throw new Error(`no Chromium at ${chromiumPath} (${chromiumHint})`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsgrad-bench-gpu-'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const esbuild = require('esbuild') as typeof import('esbuild');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const tsgrad = require('tsgrad/esbuild') as () => import('esbuild').Plugin;
  const page = path.join(__dirname, '..', '..', 'gpu', 'page.ts');
  await esbuild.build({ entryPoints: [page], bundle: true, format: 'esm', platform: 'browser', target: 'es2022', outfile: path.join(dir, 'page.js'), plugins: [tsgrad()], logLevel: 'error' });
  fs.writeFileSync(path.join(dir, 'index.html'), `<!doctype html><script type="module">import * as bench from './page.js'; window.bench = bench;</script>`);
  const server = await serve(dir);
  const browser = await launchChromium(software);
  try {
    const tab = await browser.newPage();
    tab.setDefaultTimeout(0);
    await tab.goto(server.url);
    await tab.waitForFunction(() => 'bench' in window);
    const adapters = await tab.evaluate(() => (window as any).bench.adapters());
    console.log(`Chromium ${browser.version()}${software ? ' on SwiftShader (TSGRAD_BENCH_SOFTWARE=1)' : ''}`);
    console.log(`  WebGPU adapter: ${adapters.webgpu}`);
    console.log(`  WebGL2 renderer: ${adapters.webgl2}`);
    for (const N of sizes) {
      const rows: Row[] = await tab.evaluate(([n, r, k]) => (window as any).bench.runBench(n, r, k), [N, reps, chunk] as const);
      const perCall = Math.min(N, chunk ?? Math.floor(2 ** 24 / 64));
      const calls = Math.ceil(N / perCall);
      console.log(`\nsoftmax regression gradient in the browser, N=${N} D=64 C=10: median of ${reps} calls (ms per call, min..max)${calls > 1 ? `; jit and TF.js in ${calls} chunks of up to ${perCall} samples` : ''}`);
      for (const row of rows) {
        console.log(row.skipped
          ? `  ${row.name.padEnd(36)} skipped: ${row.skipped}`
          : `  ${row.name.padEnd(36)} ${row.ms.toFixed(1).padStart(9)}   [${row.min.toFixed(1)}..${row.max.toFixed(1)}]   gradient rel diff ${row.diff.toExponential(1)}`);
      }
      const ms = (name: string): number => rows.find((r) => r.name === name)?.ms ?? NaN;
      const js = ms('compiled JS valueAndGrad (float64)');
      console.log('ratios (time / time; below 1 is faster):');
      for (const [gpu, tfName] of [['webgpu', 'webgpu'], ['webgl2', 'webgl']]) {
        const t = ms(`jit(valueAndGrad) on ${gpu}`);
        console.log(`  jit on ${gpu} / compiled JS            ${(t / js).toFixed(3).padStart(8)}`);
        console.log(`  jit on ${gpu} / TF.js ${tfName.padEnd(7)}          ${(t / ms(`TF.js tf.valueAndGrad, ${tfName}`)).toFixed(3).padStart(8)}`);
      }
    }
  } finally {
    await browser.close();
    await server.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
