/**
 * The loader's compiler, loaded (with TypeScript) only when a file is not in the cache: one
 * TypeScript program per tsconfig for the run, grown as new entry points load, with NodeNext
 * module settings so that each file is emitted in the format Node runs it in (`.mts` an ES
 * module, `.cts` CommonJS, `.ts` as its package.json's `"type"` says), with tsgrad's transform.
 * Everything it reads from the file system goes through a Recorder (files.ts), attributed to the
 * file it was read for, so that the cache can tell what each output depends on.
 */
import * as path from 'node:path';
import * as TS from 'typescript';
import { pluginConfig } from '../build.js';
import { emitModule } from '../project.js';
import { mayUseTsgrad, type TsgradConfig } from '../transform.js';
import type { Output } from './cache.js';
import { debug, relative, since } from './debug.js';
import { type Probe, Recorder } from './files.js';
import { formatOf } from './resolve.js';

/** The project's options with what the loader needs: NodeNext modules, JavaScript and an inline source map, nothing else written. */
export function loaderOptions(base: TS.CompilerOptions): TS.CompilerOptions {
  return {
    ...base,
    module: TS.ModuleKind.NodeNext,
    moduleResolution: TS.ModuleResolutionKind.NodeNext,
    target: base.target ?? TS.ScriptTarget.ES2022,
    noEmit: false,
    noEmitOnError: false,
    emitDeclarationOnly: false,
    declaration: false,
    declarationMap: false,
    composite: false,
    incremental: false,
    tsBuildInfoFile: undefined,
    outDir: undefined,
    outFile: undefined,
    sourceMap: false,
    inlineSourceMap: true,
    inlineSources: true,
    mapRoot: undefined,
    sourceRoot: undefined,
  };
}

interface Project {
  readonly options: TS.CompilerOptions;
  readonly config: TsgradConfig;
  /** What reading the tsconfig (and the configs it extends) asked of the file system. */
  readonly configProbes: readonly Probe[];
  readonly recorder: Recorder;
  readonly host: TS.CompilerHost;
  readonly roots: string[];
  /** Each file's imports, resolved. */
  readonly imports: Map<string, Set<string>>;
  readonly isLibrary: (file: string) => boolean;
  program?: TS.Program;
}

const projects = new Map<string, Project>();

function readOptions(config: string | undefined, recorder: Recorder): { options: TS.CompilerOptions; probes: Probe[] } {
  if (config === undefined) return { options: {}, probes: [] };
  const { value, probes } = recorder.capture(() => {
    const host = {
      useCaseSensitiveFileNames: TS.sys.useCaseSensitiveFileNames,
      readDirectory: () => [], // the loader's roots are the files Node loads, not the tsconfig's include
      fileExists: recorder.fileExists,
      readFile: recorder.readFile,
      directoryExists: recorder.directoryExists,
      realpath: recorder.realpath,
      getDirectories: recorder.getDirectories,
    };
    const json = TS.readConfigFile(config, recorder.readFile);
    return TS.parseJsonConfigFileContent(json.config ?? {}, host, path.dirname(config), undefined, config).options;
  });
  return { options: value, probes };
}

function project(config: string | undefined): Project {
  const known = projects.get(config ?? '');
  if (known) return known;
  const recorder = new Recorder();
  const read = readOptions(config, recorder);
  const options = loaderOptions(read.options);
  const host = TS.createCompilerHost(options);
  const libraryDir = path.dirname(TS.getDefaultLibFilePath(options)) + path.sep;
  const isLibrary = (file: string): boolean => path.resolve(file).startsWith(libraryDir);
  const imports = new Map<string, Set<string>>();
  const sources = new Map<string, TS.SourceFile>();
  host.fileExists = recorder.fileExists;
  host.readFile = recorder.readFile;
  host.directoryExists = recorder.directoryExists;
  host.realpath = recorder.realpath;
  host.getDirectories = recorder.getDirectories;
  host.getSourceFile = (fileName, languageVersionOrOptions, onError) => {
    const format = typeof languageVersionOrOptions === 'object' ? languageVersionOrOptions.impliedNodeFormat : undefined;
    const key = `${fileName}\0${format}`;
    const known = sources.get(key);
    if (known) return known;
    // TypeScript's own library files are part of the TypeScript the cache is keyed by
    const text = isLibrary(fileName) ? TS.sys.readFile(fileName) : recorder.within(fileName, () => recorder.readFile(fileName));
    if (text === undefined) {
      onError?.(`cannot read ${fileName}`);
      return undefined;
    }
    const source = TS.createSourceFile(fileName, text, languageVersionOrOptions);
    sources.set(key, source);
    return source;
  };
  // Resolution depends on the importing file's folder, the name and the mode only (TypeScript's own
  // cache is keyed so); each resolution's probes are the importing file's.
  const resolutions = new Map<string, { resolved: TS.ResolvedModuleWithFailedLookupLocations; probes: Probe[] }>();
  host.resolveModuleNameLiterals = (literals, containingFile, redirectedReference, compilerOptions, containingSourceFile) =>
    recorder.within(containingFile, () => literals.map((literal) => {
      const mode = TS.getModeForUsageLocation(containingSourceFile, literal, compilerOptions);
      const key = [path.dirname(containingFile), literal.text, mode, redirectedReference?.sourceFile.fileName ?? ''].join('\0');
      let known = resolutions.get(key);
      if (known) recorder.add(known.probes);
      else {
        const { value, probes } = recorder.capture(() => TS.resolveModuleName(literal.text, containingFile, compilerOptions, host, undefined, redirectedReference, mode));
        resolutions.set(key, known = { resolved: value, probes });
      }
      const target = known.resolved.resolvedModule?.resolvedFileName;
      if (target) {
        let set = imports.get(containingFile);
        if (!set) imports.set(containingFile, set = new Set());
        set.add(target);
      }
      return known.resolved;
    }));
  const created: Project = { options, config: pluginConfig(read.options), configProbes: read.probes, recorder, host, roots: [], imports, isLibrary };
  projects.set(config ?? '', created);
  return created;
}

/** The project's program, with `file` in it (a new root if it was not). */
function programWith(p: Project, file: string): TS.Program {
  if (p.program?.getSourceFile(file)) return p.program;
  const start = process.hrtime.bigint();
  p.roots.push(file);
  p.program = TS.createProgram({ rootNames: [...p.roots], options: p.options, host: p.host, oldProgram: p.program });
  debug(`created a TypeScript program for ${relative(file)} (${p.program.getSourceFiles().length} files, ${since(start)})`);
  return p.program;
}

/** The files `from` import, transitively, and themselves. */
function closure(p: Project, from: Iterable<string>): Set<string> {
  const seen = new Set<string>();
  const visit = (f: string): void => {
    if (seen.has(f)) return;
    seen.add(f);
    for (const g of p.imports.get(f) ?? []) visit(g);
  };
  for (const f of from) visit(f);
  return seen;
}

export interface Compiled {
  readonly output: Output;
  /** What the output depends on. */
  readonly probes: readonly Probe[];
  /** What the tsconfig's options depend on. */
  readonly configProbes: readonly Probe[];
}

/** `file` as JavaScript with tsgrad's transform; a tsgrad diagnostic throws, with file:line:col. */
export function compile(file: string, config: string | undefined): Compiled {
  const start = process.hrtime.bigint();
  const p = project(config);
  const program = programWith(p, file);
  const source = program.getSourceFile(file);
  if (!source) throw new Error(`tsgrad: TypeScript could not read ${file}`);
  let { code } = emitModule(program, file, p.config);
  let format = source.impliedNodeFormat === TS.ModuleKind.ESNext ? 'module' as const : 'commonjs' as const;
  if (code === '' && source.text.trim() !== '') {
    // TypeScript emits no file of an external library (a .ts file under node_modules): plain JavaScript, without the transform
    format = formatOf(file);
    code = TS.transpileModule(source.text, { fileName: file, compilerOptions: { ...p.options, module: format === 'module' ? TS.ModuleKind.ESNext : TS.ModuleKind.CommonJS } }).outputText;
  }
  // What the output depends on: for a file that may call tsgrad, every file of the program (custom
  // derivatives and subclass overrides are found program-wide); for another, the files it imports,
  // transitively, and the declarations no root imports (global types)
  const files = program.getSourceFiles().filter((sf) => !program.isSourceFileDefaultLibrary(sf) && !p.isLibrary(sf.fileName)).map((sf) => sf.fileName);
  let depends: Iterable<string> = files;
  if (!mayUseTsgrad(source.text)) {
    const imported = closure(p, p.roots);
    depends = new Set([...closure(p, [file]), ...files.filter((f) => !imported.has(f))]);
  }
  debug(`compiled ${relative(file)} (${since(start)})`);
  return { output: { format, code }, probes: p.recorder.probes(depends), configProbes: p.configProbes };
}
