/**
 * What the entry points that compile a user's project share (build.ts, generate.ts, cli.ts,
 * loader/hooks.ts, plugins/unplugin.ts): the nearest tsconfig's options, diagnostics printed the
 * way tsc prints them, one module emitted with the transform.
 */
import * as path from 'node:path';
import * as TS from 'typescript';
import transformer, { type TsgradConfig } from './transform.js';

export const formatHost: TS.FormatDiagnosticsHost = {
  getCanonicalFileName: (f) => f,
  getCurrentDirectory: () => TS.sys.getCurrentDirectory(),
  getNewLine: () => TS.sys.newLine,
};

/** Diagnostics as tsc prints them (`file(line,col): error TSnnnn: …`). */
export const formatDiagnostics = (diagnostics: readonly TS.Diagnostic[]): string => TS.formatDiagnostics(diagnostics, formatHost);

/** Options TypeScript 7's native tsc added (parallel checking, profiling), unknown to the TypeScript 6 tsgrad compiles with. */
const typescript7Options: ReadonlySet<string> = new Set(['checkers', 'builders', 'singleThreaded', 'quiet', 'pprofDir']);

/**
 * A tsconfig's parsing diagnostics without TypeScript 6's "Unknown compiler option" errors for
 * TypeScript 7's own options (they only tune how tsc 7 runs; tsgrad ignores them), and a note for each.
 */
export function withoutTypescript7Options(diagnostics: readonly TS.Diagnostic[]): { kept: TS.Diagnostic[]; notes: string[] } {
  const kept: TS.Diagnostic[] = [];
  const notes: string[] = [];
  for (const d of diagnostics) {
    const option = /^Unknown compiler option '([^']+)'/.exec(TS.flattenDiagnosticMessageText(d.messageText, '\n'))?.[1];
    if (option && typescript7Options.has(option)) notes.push(`tsgrad: ignoring '${option}', an option of TypeScript 7's tsc (tsgrad compiles with TypeScript 6)`);
    else kept.push(d);
  }
  return { kept, notes };
}

/** The compiler options a tsconfig file sets. */
export function configOptions(config: string): TS.CompilerOptions {
  return TS.parseJsonConfigFileContent(TS.readConfigFile(config, TS.sys.readFile).config, TS.sys, path.dirname(config)).options;
}

/** The compiler options of the tsconfig nearest to `file` (or `fallback` where there is none). */
export function nearestOptions(file: string, fallback: TS.CompilerOptions = {}): TS.CompilerOptions {
  const config = TS.findConfigFile(path.dirname(file), TS.sys.fileExists);
  return config ? configOptions(config) : fallback;
}

/** The project's options for compiling one module at a time to an ES module (the loader, bundler plugins). */
export function moduleOptions(file: string, maps: { sourceMap: boolean; inline: boolean }): TS.CompilerOptions {
  const base = nearestOptions(file);
  return {
    ...base,
    module: TS.ModuleKind.ESNext,
    moduleResolution: TS.ModuleResolutionKind.Bundler,
    target: base.target ?? TS.ScriptTarget.ES2022,
    noEmit: false,
    outDir: undefined,
    declaration: false,
    sourceMap: maps.sourceMap && !maps.inline,
    inlineSourceMap: maps.sourceMap && maps.inline,
    inlineSources: maps.sourceMap,
  };
}

/** One file of `program` as JavaScript (and its source map, if the options ask for a separate one), with tsgrad's transform; a tsgrad diagnostic throws. */
export function emitModule(program: TS.Program, file: string, config: TsgradConfig = {}): { code: string; map?: string } {
  const found: TS.Diagnostic[] = [];
  const out: { code: string; map?: string } = { code: '' };
  program.emit(program.getSourceFile(file), (name, text) => {
    if (name.endsWith('.map')) out.map = text;
    else if (/\.(m|c)?js$/.test(name)) out.code = program.getCompilerOptions().sourceMap ? text.replace(/\n\/\/# sourceMappingURL=.*$/, '') : text;
  }, undefined, false, { before: [transformer(program, config, { ts: TS, addDiagnostic: (d) => found.push(d) })] });
  if (found.length > 0) throw new Error(`tsgrad could not compile ${path.relative(process.cwd(), file)}:\n${formatDiagnostics(found)}`);
  return out;
}
