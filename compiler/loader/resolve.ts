/**
 * What the loader decides the way TypeScript's NodeNext module setting does, with the file system
 * alone (no TypeScript loaded): whether a file is TypeScript the loader compiles, which module
 * format Node runs it in, and which TypeScript file an import written with a JavaScript extension
 * (`./loss.js`) means.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

export type Format = 'module' | 'commonjs';

/** A TypeScript source file the loader compiles (not a declaration file). */
export const isTypeScript = (file: string): boolean => /\.(ts|mts|cts|tsx)$/.test(file) && !/\.d\.(ts|mts|cts)$/.test(file) && !/\.d\.[^/\\]*\.ts$/.test(file);

/** `./x`, `../x`, `/abs/x`, `file:…`: a specifier naming a file rather than a package. */
export const isRelative = (specifier: string): boolean =>
  specifier === '.' || specifier === '..' || specifier.startsWith('./') || specifier.startsWith('../') || specifier.startsWith('/') || specifier.startsWith('file:') ||
  (process.platform === 'win32' && (specifier.startsWith('.\\') || specifier.startsWith('..\\') || /^[a-zA-Z]:[\\/]/.test(specifier)));

export function isFile(file: string): boolean {
  try {
    return fs.statSync(file, { throwIfNoEntry: false })?.isFile() ?? false;
  } catch {
    return false;
  }
}

const scopes = new Map<string, string | undefined>();

/** The package.json nearest above `file` (its package scope), as Node and TypeScript find it. */
export function packageScope(file: string): string | undefined {
  const dir = path.dirname(file);
  if (scopes.has(dir)) return scopes.get(dir);
  const here = path.join(dir, 'package.json');
  const found = isFile(here) ? here : path.dirname(dir) === dir || path.basename(dir) === 'node_modules' ? undefined : packageScope(dir);
  scopes.set(dir, found);
  return found;
}

/**
 * The format Node runs a TypeScript file in, as TypeScript's NodeNext setting decides it: `.mts` an
 * ES module, `.cts` CommonJS, `.ts`/`.tsx` as the nearest package.json's `"type"` says
 * (CommonJS without one).
 */
export function formatOf(file: string): Format {
  if (file.endsWith('.mts')) return 'module';
  if (file.endsWith('.cts')) return 'commonjs';
  const scope = packageScope(file);
  if (!scope) return 'commonjs';
  try {
    return JSON.parse(fs.readFileSync(scope, 'utf8')).type === 'module' ? 'module' : 'commonjs';
  } catch {
    return 'commonjs';
  }
}

/**
 * The TypeScript files TypeScript's NodeNext resolution tries, in its order, for a relative
 * specifier: `./loss.js` → `./loss.ts`, `./loss.tsx`; `.mjs` → `.mts`; `.cjs` → `.cts`; and, where
 * `extensionless` (a CommonJS `require`), `./loss` → `./loss.ts`, `./loss.tsx`, `./loss/index.ts`.
 */
export function typeScriptCandidates(specifier: string, extensionless: boolean): string[] {
  const written = /\.(js|mjs|cjs|jsx)$/.exec(specifier);
  if (written) {
    const base = specifier.slice(0, -written[0].length);
    const extensions: Record<string, string[]> = { js: ['.ts', '.tsx'], mjs: ['.mts'], cjs: ['.cts'], jsx: ['.tsx', '.ts'] };
    return extensions[written[1]].map((e) => base + e);
  }
  if (!extensionless || /\.[^./\\]+$/.test(specifier)) return [];
  const bare = specifier.replace(/[\\/]$/, '');
  return [`${bare}.ts`, `${bare}.tsx`, `${bare}/index.ts`, `${bare}/index.tsx`];
}

/**
 * The first TypeScript candidate for a relative `specifier` imported from `parent` (a file path)
 * that exists. The hooks try it before Node's own resolution when `parent` is TypeScript, as
 * TypeScript does (so that the module run is the one the program compiled: `./loss.js` is
 * `loss.ts` even beside a stale `loss.js`), and after it fails otherwise.
 */
export function typeScriptFor(specifier: string, parent: string, extensionless: boolean): string | undefined {
  if (!isRelative(specifier)) return undefined;
  const local = specifier.startsWith('file:') ? fileURLToPath(specifier) : specifier;
  for (const c of typeScriptCandidates(local, extensionless)) {
    const full = path.resolve(path.dirname(parent), c);
    if (isFile(full)) return full;
  }
  return undefined;
}
