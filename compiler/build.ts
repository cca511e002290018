/**
 * `tsgrad build [-p <tsconfig.json or dir>] [--watch]`: the project type-checked and emitted like
 * `tsc -p`, with tsgrad's transformer applied, through the TypeScript this package runs on (6.x,
 * the last with a transformer API), whatever TypeScript the project itself has installed. Options
 * of a `{ "transform": "tsgrad/transform", … }` plugins entry, if the tsconfig has one, are the
 * transformer's (`optimize`, `strictZeros`, `fuseSweeps`). Diagnostics are tsc's format; the exit code is 1 on errors.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as TS from 'typescript';
import { formatDiagnostics, formatHost, withoutTypescript7Options } from './project.js';
import transformer, { mayUseTsgrad, type TsgradConfig } from './transform.js';

function print(diagnostics: readonly TS.Diagnostic[]): void {
  if (diagnostics.length === 0) return;
  process.stdout.write(process.stdout.isTTY ? TS.formatDiagnosticsWithColorAndContext(diagnostics, formatHost) : formatDiagnostics(diagnostics));
}

/** The tsconfig a `-p` argument names (a file or a directory), or the nearest one above the current directory. */
function configFile(project: string | undefined): string | undefined {
  if (project) {
    const full = path.resolve(project);
    return TS.sys.directoryExists(full) ? path.join(full, 'tsconfig.json') : full;
  }
  return TS.findConfigFile(TS.sys.getCurrentDirectory(), TS.sys.fileExists);
}

/** The transformer's options from the tsconfig's `plugins` entry for tsgrad/transform, if any. */
export function pluginConfig(options: TS.CompilerOptions): TsgradConfig {
  const plugins = (options.plugins ?? []) as unknown as readonly Record<string, unknown>[];
  const entry = plugins.find((p) => typeof p.transform === 'string' && /^tsgrad(\/transform)?$/.test(p.transform));
  if (!entry) return {};
  return {
    ...(typeof entry.optimize === 'boolean' ? { optimize: entry.optimize } : {}),
    ...(typeof entry.strictZeros === 'boolean' ? { strictZeros: entry.strictZeros } : {}),
    ...(typeof entry.fuseSweeps === 'boolean' ? { fuseSweeps: entry.fuseSweeps } : {}),
  };
}

/** Emits a program with tsgrad's transformer; returns the diagnostics it and the transformer produced. */
function emit(builder: TS.BuilderProgram | TS.Program, config: TsgradConfig): TS.Diagnostic[] {
  const program = 'getProgram' in builder ? builder.getProgram() : builder;
  const found: TS.Diagnostic[] = [];
  const before = [transformer(program, config, { ts: TS, addDiagnostic: (d) => found.push(d) })];
  const result = builder.emit(undefined, undefined, undefined, undefined, { before });
  return [...result.diagnostics, ...found];
}

export function build(project: string | undefined, watch: boolean): number {
  const configPath = configFile(project);
  if (!configPath || !TS.sys.fileExists(configPath)) {
    console.error(`tsgrad build: no tsconfig.json ${project ? `at ${project}` : 'here or above'}; pass -p <tsconfig.json>`);
    return 2;
  }
  if (watch) return watchProject(configPath);
  const configErrors: TS.Diagnostic[] = [];
  const host: TS.ParseConfigFileHost = { ...TS.sys, onUnRecoverableConfigFileDiagnostic: (d) => configErrors.push(d) };
  const parsed = TS.getParsedCommandLineOfConfigFile(configPath, {}, host);
  if (!parsed) {
    print(configErrors);
    return 1;
  }
  const config = pluginConfig(parsed.options);
  const { kept: configFileParsingDiagnostics, notes } = withoutTypescript7Options(TS.getConfigFileParsingDiagnostics(parsed));
  for (const note of notes) console.log(note);
  const setup = { rootNames: parsed.fileNames, options: parsed.options, projectReferences: parsed.projectReferences, configFileParsingDiagnostics };
  const builder = parsed.options.incremental || parsed.options.composite ? TS.createIncrementalProgram(setup) : TS.createProgram(setup);
  const program = 'getProgram' in builder ? builder.getProgram() : builder;
  const diagnostics = [...TS.getPreEmitDiagnostics(program), ...emit(builder, config)];
  print(TS.sortAndDeduplicateDiagnostics(diagnostics));
  return diagnostics.some((d) => d.category === TS.DiagnosticCategory.Error) ? 1 : 0;
}

/** A file whose text tsgrad reads program-wide: custom derivatives and classes (which methods some subclass overrides). */
const readProgramWide = (text: string): boolean => /customDerivative|\bclass\b/.test(text);

/** Up to five names, relative to the current folder, or how many. */
const listed = (files: readonly string[]): string => files.length > 5 ? `${files.length} files` : files.map((f) => path.relative(process.cwd(), f)).join(', ');

/**
 * `--watch`: rebuilds on each change, on TypeScript's incrementally updated program, until
 * interrupted. TypeScript's builder checks and emits again only the files a change affects: the
 * changed file and those whose types it changes. A file that calls tsgrad depends on more, the
 * bodies of the functions it differentiates (`grad(loss)` in train.ts is loss.ts's code), so it is
 * emitted again whenever a file it imports, directly or not, changes, and after any change to a
 * file with a class or a customDerivative (tsgrad reads those program-wide). tsgrad's diagnostics
 * are kept per file and reported on every rebuild, as TypeScript's are.
 */
function watchProject(configPath: string): number {
  const report = (d: TS.Diagnostic): void => print([d]);
  const status = (d: TS.Diagnostic): void => console.log(TS.flattenDiagnosticMessageText(d.messageText, '\n'));
  const host = TS.createWatchCompilerHost(configPath, {}, TS.sys, TS.createEmitAndSemanticDiagnosticsBuilderProgram, report, status);
  let previous = new Map<string, TS.SourceFile>();
  const tsgradDiagnostics = new Map<string, readonly TS.Diagnostic[]>();
  host.afterProgramCreate = (builder) => {
    const start = process.hrtime.bigint();
    const program = builder.getProgram();
    const config = pluginConfig(builder.getCompilerOptions());
    // what changed since the last build (TypeScript's watch keeps the same SourceFile for an unchanged file)
    const files = new Map(program.getSourceFiles().map((sf) => [sf.fileName, sf]));
    const changed = new Set<string>();
    let programWide = false;
    for (const [name, sf] of files) {
      const before = previous.get(name);
      if (before === sf) continue;
      changed.add(name);
      programWide ||= previous.size > 0 && (readProgramWide(sf.text) || (before !== undefined && readProgramWide(before.text)));
    }
    for (const [name, before] of previous) {
      if (files.has(name)) continue;
      changed.add(name);
      programWide ||= readProgramWide(before.text);
      tsgradDiagnostics.delete(name);
    }
    previous = files;
    // tsgrad's diagnostics by the file being transformed (a derivative in main.ts can fail in model.ts)
    const found = new Map<string, TS.Diagnostic[]>();
    let transforming = '';
    const track: TS.TransformerFactory<TS.SourceFile> = () => (sf) => {
      transforming = sf.fileName;
      return sf;
    };
    const addDiagnostic = (d: TS.Diagnostic): void => void found.set(transforming, [...(found.get(transforming) ?? []), d]);
    const transformers = { before: [track, transformer(program, config, { ts: TS, addDiagnostic })] };
    const emitDiagnostics: TS.Diagnostic[] = [];
    // the files whose JavaScript was written (the builder may emit only the declarations of a file a change affects)
    const emitted = new Set<string>();
    const writeFile: TS.WriteFileCallback = (fileName, text, writeByteOrderMark, onError, sourceFiles) => {
      try {
        fs.mkdirSync(path.dirname(fileName), { recursive: true });
        TS.sys.writeFile(fileName, text, writeByteOrderMark);
      } catch (error) {
        onError?.(String(error));
      }
      if (/\.[cm]?js$/.test(fileName)) for (const sf of sourceFiles ?? []) emitted.add(sf.fileName);
    };
    for (let next = builder.emitNextAffectedFile(writeFile, undefined, false, transformers); next; next = builder.emitNextAffectedFile(writeFile, undefined, false, transformers)) {
      emitDiagnostics.push(...next.result.diagnostics);
    }
    const again: string[] = [];
    for (const sf of program.getSourceFiles()) {
      if (emitted.has(sf.fileName) || sf.isDeclarationFile || program.isSourceFileFromExternalLibrary(sf) || !mayUseTsgrad(sf.text)) continue;
      if (!programWide && !builder.getAllDependencies(sf).some((f) => changed.has(f))) continue;
      emitDiagnostics.push(...builder.emit(sf, writeFile, undefined, false, transformers).diagnostics);
      again.push(sf.fileName);
    }
    for (const file of emitted) tsgradDiagnostics.set(file, found.get(file) ?? []);
    const diagnostics = [
      ...withoutTypescript7Options(builder.getConfigFileParsingDiagnostics()).kept, ...builder.getSyntacticDiagnostics(), ...builder.getSemanticDiagnostics(),
      ...emitDiagnostics, ...[...tsgradDiagnostics.values()].flat(),
    ];
    const unique = TS.sortAndDeduplicateDiagnostics(diagnostics);
    print(unique);
    const errors = unique.filter((d) => d.category === TS.DiagnosticCategory.Error).length;
    const sources = [...emitted].filter((f) => files.has(f) && !files.get(f)!.isDeclarationFile);
    const what = `emitted ${listed(sources) || 'nothing'}${again.length > 0 ? ` (again for their derivatives: ${listed(again)})` : ''}`;
    console.log(`tsgrad: ${errors === 0 ? 'built' : `${errors} error${errors === 1 ? '' : 's'}`} (${what}; ${(Number(process.hrtime.bigint() - start) / 1e6).toFixed(0)} ms); watching for changes`);
  };
  TS.createWatchProgram(host);
  return 0;
}
