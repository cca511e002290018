/**
 * `transpile(file)`: a TypeScript file as the JavaScript Node runs, from the cache (cache.ts) when
 * everything it was compiled from is unchanged, else compiled (program.ts, which loads TypeScript)
 * and stored. A run whose files all come from the cache loads no TypeScript and creates no program.
 */
import * as path from 'node:path';
import { Cache, cacheEnabled, cacheRoot, type Output } from './cache.js';
import { debug, relative, since } from './debug.js';
import { decode, fileExists, readBytes } from './files.js';

type Compiler = typeof import('./program.js');
let compiler: Compiler | undefined;

function loadCompiler(): Compiler {
  if (!compiler) {
    const start = process.hrtime.bigint();
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    compiler = require('./program.js') as Compiler;
    debug(`loaded TypeScript and tsgrad's compiler (${since(start)})`);
  }
  return compiler;
}

const configs = new Map<string, string | undefined>();

/** The tsconfig.json nearest above `file`, as TypeScript's findConfigFile finds it. */
export function nearestConfig(file: string): string | undefined {
  const dir = path.dirname(file);
  if (configs.has(dir)) return configs.get(dir);
  const here = path.join(dir, 'tsconfig.json');
  const found = fileExists(here) ? here : path.dirname(dir) === dir ? undefined : nearestConfig(dir);
  configs.set(dir, found);
  return found;
}

const caches = new Map<string, Cache | undefined>();

function cacheFor(file: string): Cache | undefined {
  if (!cacheEnabled()) return undefined;
  const root = cacheRoot(file);
  if (!caches.has(root)) {
    try {
      caches.set(root, new Cache(root));
    } catch (error) {
      debug(`no cache: ${String(error)}`);
      caches.set(root, undefined);
    }
  }
  return caches.get(root);
}

/** `file` (a TypeScript file Node is loading) as JavaScript, with tsgrad's transform. */
export function transpile(file: string): Output {
  const bytes = readBytes(file);
  if (!bytes) throw new Error(`tsgrad: cannot read ${file}`);
  const text = decode(bytes);
  const config = nearestConfig(file);
  const cache = cacheFor(file);
  let configKey = cache?.configKey(config);
  if (cache && configKey !== undefined) {
    const start = process.hrtime.bigint();
    const hit = cache.lookup(file, configKey, text);
    if (hit) {
      debug(`cache hit ${relative(file)} (${since(start)})`);
      return hit;
    }
  }
  const compiled = loadCompiler().compile(file, config);
  if (cache) {
    try {
      configKey ??= cache.storeConfig(config, compiled.configProbes);
      const stored = cache.store(file, configKey, text, compiled.output, compiled.probes);
      debug(`cached ${relative(file)} in ${stored} (${compiled.probes.length} probes)`);
    } catch (error) {
      debug(`could not write the cache: ${String(error)}`);
    }
  }
  return compiled.output;
}
