/**
 * Module hooks for `node --import tsgrad/register` (register.ts). `resolve`: an import written
 * `./loss.js` finds `./loss.ts` when there is no `.js` (TypeScript's own convention). `load`: a
 * `.ts`/`.mts` file is type-checked in one TypeScript program for the whole run (grown as new
 * entry points appear) and emitted as an ES module with tsgrad's transformer; a tsgrad
 * diagnostic stops the run with file:line:col, type errors do not (as tsx). CommonJS `require`
 * of TypeScript files is not covered (Node 20's hooks see imports only).
 */
import * as fs from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as TS from 'typescript';
import { emitModule, moduleOptions } from '../project.js';

interface Resolved { url: string; format?: string | null; shortCircuit?: boolean }
type NextResolve = (specifier: string, context: unknown) => Promise<Resolved>;
interface Loaded { format: string; source?: string | ArrayBuffer | Uint8Array | null; shortCircuit?: boolean }
type NextLoad = (url: string, context: unknown) => Promise<Loaded>;

const TYPESCRIPT = /\.(ts|mts|cts|tsx)$/;

export async function resolve(specifier: string, context: { parentURL?: string }, next: NextResolve): Promise<Resolved> {
  try {
    return await next(specifier, context);
  } catch (error) {
    const relative = specifier.startsWith('.') || specifier.startsWith('/') || specifier.startsWith('file:');
    const parent = context.parentURL;
    if (!relative || !parent || !/\.(m|c)?js$/.test(specifier)) throw error;
    for (const ts of [specifier.replace(/\.js$/, '.ts'), specifier.replace(/\.mjs$/, '.mts'), specifier.replace(/\.js$/, '.tsx')]) {
      const candidate = new URL(ts, parent);
      if (ts !== specifier && fs.existsSync(fileURLToPath(candidate))) return { url: candidate.href, shortCircuit: true };
    }
    throw error;
  }
}

let program: TS.Program | undefined;

/** The file as JavaScript, with tsgrad's transform. */
function compile(file: string): string {
  if (!program || !program.getSourceFile(file)) program = TS.createProgram([...(program?.getRootFileNames() ?? []), file], moduleOptions(file, { sourceMap: true, inline: true }), undefined, program);
  return emitModule(program, file).code;
}

export async function load(url: string, context: unknown, next: NextLoad): Promise<Loaded> {
  if (!url.startsWith('file:') || !TYPESCRIPT.test(new URL(url).pathname)) return next(url, context);
  return { format: 'module', source: compile(fileURLToPath(url)), shortCircuit: true };
}

