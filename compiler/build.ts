/**
 * `tsgrad build [-p <tsconfig.json or dir>] [--watch]`: the project type-checked and emitted like
 * `tsc -p`, with tsgrad's transformer applied, through the TypeScript this package runs on (6.x,
 * the last with a transformer API), whatever TypeScript the project itself has installed. Options
 * of a `{ "transform": "tsgrad/transform", … }` plugins entry, if the tsconfig has one, are the
 * transformer's (`optimize`). Diagnostics are tsc's format; the exit code is 1 on errors.
 */
import * as path from 'node:path';
import * as TS from 'typescript';
import { formatDiagnostics, formatHost, withoutTypescript7Options } from './project.js';
import transformer, { type TsgradConfig } from './transform.js';

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
  return entry && typeof entry.optimize === 'boolean' ? { optimize: entry.optimize } : {};
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

/** `--watch`: rebuilds on each change, on an incrementally updated program, until interrupted. */
function watchProject(configPath: string): number {
  const report = (d: TS.Diagnostic): void => print([d]);
  const status = (d: TS.Diagnostic): void => console.log(TS.flattenDiagnosticMessageText(d.messageText, '\n'));
  const host = TS.createWatchCompilerHost(configPath, {}, TS.sys, TS.createEmitAndSemanticDiagnosticsBuilderProgram, report, status);
  host.afterProgramCreate = (builder) => {
    const config = pluginConfig(builder.getCompilerOptions());
    const diagnostics = [...withoutTypescript7Options(builder.getConfigFileParsingDiagnostics()).kept, ...builder.getSyntacticDiagnostics(), ...builder.getSemanticDiagnostics(), ...emit(builder, config)];
    print(TS.sortAndDeduplicateDiagnostics(diagnostics));
    const errors = diagnostics.filter((d) => d.category === TS.DiagnosticCategory.Error).length;
    console.log(`tsgrad: ${errors === 0 ? 'built' : `${errors} error${errors === 1 ? '' : 's'}`}; watching for changes`);
  };
  TS.createWatchProgram(host);
  return 0;
}
