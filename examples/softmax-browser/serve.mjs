/**
 * `npm run demo:browser`: builds the page with Vite (vite.config.mjs: tsgrad's plugin) into dist/ and
 * serves it with `vite preview` on 127.0.0.1 (WebGPU needs a secure context, which localhost is),
 * printing the URL to open, until Ctrl-C. PORT picks the port (4173 by default; the next free one
 * if it is taken). test/demo-browser.test.ts builds and serves the page with the same two functions.
 */
import * as path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { build, preview } from 'vite';

export const root = path.dirname(fileURLToPath(import.meta.url));

/** Builds the page into `outDir` (dist/ by default); returns it. */
export async function buildDemo(outDir = path.join(root, 'dist')) {
  await build({ root, logLevel: 'warn', build: { outDir, emptyOutDir: true } });
  return outDir;
}

/** Serves the built page from `outDir` on 127.0.0.1 (port 0: any free port). */
export async function serveDemo(outDir = path.join(root, 'dist'), port = 4173) {
  const server = await preview({ root, logLevel: 'warn', build: { outDir }, preview: { host: '127.0.0.1', port, strictPort: false, open: false } });
  const address = server.httpServer.address();
  const url = `http://127.0.0.1:${typeof address === 'object' && address ? address.port : port}/`;
  return { url, close: () => server.close() };
}

if (process.argv[1] && import.meta.url === pathToFileURL(path.resolve(process.argv[1])).href) {
  const started = performance.now();
  const outDir = await buildDemo();
  console.log(`built ${path.relative(process.cwd(), outDir)} in ${((performance.now() - started) / 1000).toFixed(1)} s`);
  const { url } = await serveDemo(outDir, Number(process.env.PORT ?? 4173));
  console.log(`\nsoftmax regression in the browser: open ${url}\n(WebGPU where the browser has it: Chrome/Edge 113+, or Chromium with --enable-unsafe-webgpu; Ctrl-C stops the server)`);
}
