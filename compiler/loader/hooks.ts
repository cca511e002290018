/**
 * Module hooks for `node --import tsgrad/register` (register.ts), in the two shapes Node has:
 *
 * - `resolve`/`load` here, asynchronous, for `module.register` (Node 20.19 to 22.14), run in
 *   Node's hooks thread. They see what goes through Node's ES module loader: `import`, the entry
 *   point, and the `require` calls of a CommonJS module this loader gave the source of. Node's
 *   CommonJS loader (`require` from a module it loaded itself) is served in the main thread
 *   instead, by register.ts's require.extensions handlers.
 * - `syncHooks`, for `module.registerHooks` (Node ≥ 22.15 and 23.5), in the main thread, which
 *   see every `import` and `require`.
 *
 * Either way a CommonJS entry point runs in Node's own CommonJS loader, not in the CommonJS
 * emulation of its ES module loader (which has no require.cache, require.extensions or
 * module.children): under --import Node hands the entry point to the ES module loader, and the
 * hooks pass it back.
 *
 * `resolve`: a relative import from a TypeScript file finds the TypeScript file TypeScript's
 * NodeNext resolution finds (`./loss.js` → `loss.ts`, `./m.mjs` → `m.mts`, `./c.cjs` → `c.cts`,
 * and for `require`, `./loss` → `loss.ts`), before Node looks; from another file, if Node finds
 * nothing. `load`: a TypeScript file is compiled by service.ts (cached, type-checked in one
 * program, emitted in the format Node runs it in, with tsgrad's transform); a tsgrad diagnostic
 * stops the run with file:line:col, type errors do not (as tsx).
 */
import { fileURLToPath, pathToFileURL } from 'node:url';
import { formatOf, isTypeScript, typeScriptFor } from './resolve.js';
import { transpile } from './service.js';

interface ResolveContext { parentURL?: string; conditions?: readonly string[] | ReadonlySet<string> }
interface Resolved { url: string; format?: string | null; shortCircuit?: boolean }
interface Loaded { format?: string | null; source?: string | ArrayBuffer | Uint8Array | null; shortCircuit?: boolean }

const parentFile = (context: ResolveContext): string | undefined =>
  context.parentURL?.startsWith('file:') ? fileURLToPath(context.parentURL) : undefined;

/** A `require` (CommonJS resolution, where `./loss` may leave out the extension); Node passes the conditions as an array or a set. */
const isRequire = (context: ResolveContext): boolean => {
  const conditions = context.conditions;
  return !!conditions && ('has' in conditions ? conditions.has('require') : conditions.includes('require'));
};

const typeScriptFile = (url: string): string | undefined => {
  if (!url.startsWith('file:')) return undefined;
  const file = fileURLToPath(url);
  return isTypeScript(file) ? file : undefined;
};

/** The first answer of the resolve hooks: a TypeScript file imported from a TypeScript file, if there is one. */
function preferTypeScript(specifier: string, context: ResolveContext): Resolved | undefined {
  const parent = parentFile(context);
  if (!parent || !isTypeScript(parent)) return undefined;
  const found = typeScriptFor(specifier, parent, isRequire(context));
  return found === undefined ? undefined : { url: pathToFileURL(found).href, shortCircuit: true };
}

/** The answer when Node's own resolution failed: a TypeScript file by NodeNext's mapping, if there is one. */
function fallback(specifier: string, context: ResolveContext): Resolved | undefined {
  const parent = parentFile(context);
  const found = parent && typeScriptFor(specifier, parent, isRequire(context));
  return found ? { url: pathToFileURL(found).href, shortCircuit: true } : undefined;
}

// --- module.register (asynchronous, in the hooks thread)

/** Entry points (resolved with no parent): a CommonJS one is left to Node's CommonJS loader. */
const entryPoints = new Set<string>();

export async function resolve(specifier: string, context: ResolveContext, next: (specifier: string, context: ResolveContext) => Promise<Resolved>): Promise<Resolved> {
  const preferred = preferTypeScript(specifier, context);
  if (preferred) return preferred;
  try {
    const resolved = await next(specifier, context);
    if (context.parentURL === undefined) entryPoints.add(resolved.url);
    return resolved;
  } catch (error) {
    const found = fallback(specifier, context);
    if (found) return found;
    throw error;
  }
}

export async function load(url: string, context: unknown, next: (url: string, context: unknown) => Promise<Loaded>): Promise<Loaded> {
  const file = typeScriptFile(url);
  if (!file) return next(url, context);
  // A CommonJS entry point runs in Node's CommonJS loader (no source: Node loads it with
  // require.extensions, register.ts), with all of CommonJS (require.cache, require.main, …);
  // a CommonJS module imported by an ES module needs its source here, for its named exports.
  if (entryPoints.has(url) && formatOf(file) === 'commonjs') return { format: 'commonjs', source: null, shortCircuit: true };
  const output = transpile(file);
  return { format: output.format, source: output.code, shortCircuit: true };
}

// --- module.registerHooks (synchronous, in the main thread)

const entryStub = `const M = require('node:module'); delete M._cache[__filename]; M._load(__filename, null, true);`;

export const syncHooks = {
  resolve(specifier: string, context: ResolveContext, next: (specifier: string, context: ResolveContext) => Resolved): Resolved {
    const preferred = preferTypeScript(specifier, context);
    if (preferred) return preferred;
    try {
      const resolved = next(specifier, context);
      if (context.parentURL === undefined) entryPoints.add(resolved.url);
      return resolved;
    } catch (error) {
      const found = fallback(specifier, context);
      if (found) return found;
      throw error;
    }
  },
  load(url: string, context: ResolveContext, next: (url: string, context: unknown) => Loaded): Loaded {
    const file = typeScriptFile(url);
    if (!file) return next(url, context);
    if (entryPoints.has(url) && !isRequire(context) && formatOf(file) === 'commonjs') {
      // A CommonJS entry point, which Node hands to its ES module loader under --import. Given
      // source, that loader would run it (and what it requires) in its CommonJS emulation, without
      // require.cache, require.extensions, module.children or require() of an ES module (Node
      // 22.15–22.22); these hooks may not answer "no source" (as the asynchronous ones do). So
      // the source is a stub that loads the file with Node's own CommonJS loader as the main
      // module (which asks these hooks again, for a `require`), in place of the emulation's
      // half-made module.
      entryPoints.delete(url);
      return { format: 'commonjs', source: entryStub, shortCircuit: true };
    }
    const output = transpile(file);
    return { format: output.format, source: output.code, shortCircuit: true };
  },
};
