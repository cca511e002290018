/**
 * `node --import tsgrad/register app.ts`: runs TypeScript files, ES modules and CommonJS alike,
 * with tsgrad's transform applied (hooks.ts, service.ts), on Node ≥ 20.19.
 *
 * - Node ≥ 22.15 (and 23.5): `module.registerHooks`, synchronous hooks in this thread that see
 *   every `import` and `require`.
 * - Older Node: `module.register` (hooks in Node's hooks thread, for what goes through the ES
 *   module loader) and, for Node's CommonJS loader, `require.extensions` handlers for `.ts`,
 *   `.cts` and `.tsx`. `require()` of a TypeScript ES module (`.mts`, or `.ts` under
 *   `"type": "module"`) is not possible there; it says so (`import()` it instead).
 *
 * Both ways, `Module._resolveFilename` learns NodeNext's mapping (`require('./loss.js')` and
 * `require('./loss')` find `loss.ts`): Node resolves the `require` calls of a CommonJS module
 * its ES module loader runs (the entry point under --import, a module an ES module imports)
 * with it directly, before any hook.
 */
import Module = require('node:module');
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { syncHooks } from './hooks.js';
import { isTypeScript, typeScriptFor } from './resolve.js';
import { transpile } from './service.js';

interface CommonJSModule { filename?: string; _compile(code: string, filename: string): unknown }
interface CommonJSLoader {
  _resolveFilename(request: string, parent: CommonJSModule | undefined, isMain: boolean, options?: unknown): string;
  _extensions: Record<string, (module: CommonJSModule, filename: string) => void>;
  registerHooks?: (hooks: typeof syncHooks) => unknown;
}

const loader = Module as unknown as CommonJSLoader;

const resolveFilename = loader._resolveFilename;
loader._resolveFilename = function (this: unknown, request, parent, isMain, options) {
  const from = parent?.filename;
  if (from && isTypeScript(from)) {
    const found = typeScriptFor(request, from, true);
    if (found) return resolveFilename.call(this, found, parent, isMain, options);
  }
  try {
    return resolveFilename.call(this, request, parent, isMain, options);
  } catch (error) {
    const found = from && typeScriptFor(request, from, true);
    if (found) return resolveFilename.call(this, found, parent, isMain, options);
    throw error;
  }
};

const forceAsync = process.env.TSGRAD_LOADER_HOOKS === 'async';

if (typeof loader.registerHooks === 'function' && !forceAsync) {
  loader.registerHooks(syncHooks);
} else {
  const requireEsm = (filename: string): Error => Object.assign(
    new Error(`tsgrad: ${path.relative(process.cwd(), filename)} is an ES module; require() of an ES module written in TypeScript needs Node ≥ 22.15 under tsgrad/register (this is ${process.version}): import() it instead`),
    { code: 'ERR_REQUIRE_ESM' },
  );
  const commonJS = (module: CommonJSModule, filename: string): void => {
    const output = transpile(filename);
    if (output.format !== 'commonjs') throw requireEsm(filename);
    module._compile(output.code, filename);
  };
  for (const extension of ['.ts', '.cts', '.tsx']) loader._extensions[extension] = commonJS;
  loader._extensions['.mts'] = (_module, filename) => {
    throw requireEsm(filename);
  };
  Module.register(pathToFileURL(path.join(__dirname, 'hooks.js')).href);
}
