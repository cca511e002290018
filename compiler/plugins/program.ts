/**
 * The TypeScript program behind the bundler plugins (unplugin.ts), kept up to date incrementally
 * for a build, a watch or a dev server: one program, its files read from what the bundler hands
 * over where it has them and from disk otherwise. After an edit only the edited files are parsed
 * again; every other file keeps its SourceFile (the lib files included), so TypeScript reuses the
 * old program's structure, and a module is emitted again only where the new program differs from
 * the one it was emitted from.
 *
 * A module's generated derivatives depend on more than its own text: grad(loss) in main.ts is
 * built from the body of loss in model.ts (and whatever loss calls). So each emitted module that
 * calls tsgrad records the files it depends on (its imports, followed through the program, plus
 * global scripts and declaration files), and `dependents(file)` tells the plugin which modules to
 * transform again when `file` changes: a derivative left stale is a silently wrong derivative.
 * Before such a module is emitted, every project file the program holds is checked against the
 * disk (modification time and size), so a change the bundler did not report is seen all the same.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as TS from 'typescript';
import { emitModule } from '../project.js';
import { mayUseTsgrad, type TsgradConfig } from '../transform.js';

/** A file of the project (not a library's): its text, where that came from, and its parse. */
interface ProjectFile {
  text: string;
  /** `mtime:size` of the file on disk when `text` was taken (or handed over), '' if none. */
  stamp: string;
  source?: TS.SourceFile;
}

interface Emitted {
  /** The program it was emitted from, by number (an old program's checker is not kept alive). */
  readonly version: number;
  readonly output: { code: string; map?: string };
  /** Files the module's generated code depends on (the module itself left out). */
  readonly dependencies: ReadonlySet<string>;
}

/** Paths as the program names them: absolute, with forward slashes. */
export const normalizePath = (file: string): string => path.resolve(file).replace(/\\/g, '/');

const stampOf = (file: string): string => {
  try {
    const s = fs.statSync(file);
    return `${s.mtimeMs}:${s.size}`;
  } catch {
    return '';
  }
};

/** A library's file (node_modules, TypeScript's lib files): read once, never checked again. */
const isLibrary = (file: string): boolean => file.includes('/node_modules/');

export class IncrementalProgram {
  private program: TS.Program | undefined;
  private version = 0;
  private stale = true;
  private readonly roots = new Set<string>();
  private readonly files = new Map<string, ProjectFile>();
  private readonly libraries = new Map<string, TS.SourceFile>();
  private readonly emitted = new Map<string, Emitted>();
  private readonly host: TS.CompilerHost;
  private readonly resolutionCache: TS.ModuleResolutionCache;
  /** How many programs were made, files parsed (libraries' too) and modules emitted (tests and bench/editloop.ts read these). */
  readonly stats = { programs: 0, parsed: 0, emitted: 0 };

  constructor(readonly options: TS.CompilerOptions) {
    const host = TS.createCompilerHost(options);
    const readFile = host.readFile.bind(host);
    const getSourceFile = host.getSourceFile.bind(host);
    host.readFile = (name) => this.files.get(normalizePath(name))?.text ?? readFile(name);
    host.getSourceFile = (name, languageVersion, onError) => {
      const file = normalizePath(name);
      if (isLibrary(file)) {
        let source = this.libraries.get(file);
        if (!source) {
          this.stats.parsed++;
          source = getSourceFile(name, languageVersion, onError);
          if (source) this.libraries.set(file, source);
        }
        return source;
      }
      let entry = this.files.get(file);
      if (!entry) {
        const stamp = stampOf(file);
        const text = readFile(name);
        if (text === undefined) return undefined;
        entry = { text, stamp };
        this.files.set(file, entry);
      }
      if (!entry.source) {
        this.stats.parsed++;
        entry.source = TS.createSourceFile(name, entry.text, languageVersion);
      }
      return entry.source;
    };
    this.host = host;
    this.resolutionCache = TS.createModuleResolutionCache(host.getCurrentDirectory(), (f) => f, options);
  }

  /** The bundler's text of `file` (what its earlier plugins made of it). */
  supply(file: string, text: string): void {
    file = normalizePath(file);
    const entry = this.files.get(file);
    if (entry?.text === text) return;
    this.files.set(file, { text, stamp: stampOf(file) });
    if (this.program?.getSourceFile(file)) this.stale = true;
  }

  /** The bundler compiles `file` without the program now (it no longer calls tsgrad): no longer emitted here. */
  forget(file: string): void {
    this.emitted.delete(normalizePath(file));
  }

  /** `file` changed on disk (the bundler's watcher says so). */
  changed(file: string): void {
    file = normalizePath(file);
    const entry = this.files.get(file);
    if (entry) this.reread(file, entry, stampOf(file));
  }

  /** Takes `file`'s text from disk again; the program is stale if it changed. */
  private reread(file: string, entry: ProjectFile, stamp: string): void {
    const text = stamp === '' ? undefined : TS.sys.readFile(file);
    if (text === entry.text) {
      entry.stamp = stamp;
      return;
    }
    if (text === undefined) this.files.delete(file);
    else this.files.set(file, { text, stamp });
    if (this.program?.getSourceFile(file)) this.stale = true;
  }

  /** Reads again each project file whose stamp on disk changed since it was read. */
  private checkDisk(): void {
    for (const [file, entry] of this.files) {
      const stamp = stampOf(file);
      if (stamp !== entry.stamp) this.reread(file, entry, stamp);
    }
  }

  private current(file: string): TS.Program {
    if (!this.program?.getSourceFile(file)) {
      this.roots.add(file);
      this.stale = true;
    }
    if (!this.program || this.stale) {
      this.program = TS.createProgram([...this.roots], this.options, this.host, this.program);
      this.version++;
      this.stats.programs++;
      this.stale = false;
    }
    return this.program;
  }

  /**
   * `file` (whose text is `text`) as JavaScript with tsgrad's transform; a tsgrad diagnostic throws.
   * Gives the files its generated code depends on too (none for a module that calls no tsgrad API).
   */
  emit(file: string, text: string, config: TsgradConfig): { code: string; map?: string; dependencies: ReadonlySet<string> } {
    file = normalizePath(file);
    this.supply(file, text);
    const derives = mayUseTsgrad(text);
    if (derives) this.checkDisk();
    const program = this.current(file);
    const last = this.emitted.get(file);
    if (last?.version === this.version) return { ...last.output, dependencies: last.dependencies };
    this.emitted.delete(file);
    const output = emitModule(program, file, config);
    this.stats.emitted++;
    const dependencies = derives ? this.dependenciesOf(program, file) : new Set<string>();
    this.emitted.set(file, { version: this.version, output, dependencies });
    return { ...output, dependencies };
  }

  /**
   * Emits again, ahead of the bundler's request, the modules emitted before that a change of `file`
   * affects (itself and its dependents), so the request finds them done (vitest asks only once a
   * worker has started). A tsgrad diagnostic is left for the request to report.
   */
  prepare(file: string, config: TsgradConfig): void {
    file = normalizePath(file);
    for (const m of [file, ...this.dependents(file)]) {
      if (!this.emitted.has(m)) continue;
      const text = this.files.get(m)?.text ?? TS.sys.readFile(m);
      if (text === undefined) continue;
      try {
        this.emit(m, text, config);
      } catch {
        // reported when the bundler asks for the module
      }
    }
  }

  /** The emitted modules whose generated code depends on `file`. */
  dependents(file: string): string[] {
    file = normalizePath(file);
    return [...this.emitted].filter(([m, e]) => m !== file && e.dependencies.has(file)).map(([m]) => m);
  }

  /**
   * The project files `file`'s generated code may read: the files it imports, followed through
   * their imports, and the program's global scripts and project declaration files (which any module
   * may see without importing them).
   */
  private dependenciesOf(program: TS.Program, file: string): Set<string> {
    const found = new Set<string>();
    for (const source of program.getSourceFiles()) {
      const name = normalizePath(source.fileName);
      if (!isLibrary(name) && (source.isDeclarationFile || !TS.isExternalModule(source))) found.add(name);
    }
    const queue = [file];
    const seen = new Set(queue);
    while (queue.length > 0) {
      const current = queue.pop()!;
      const source = program.getSourceFile(current);
      if (!source) continue;
      const { importedFiles, referencedFiles } = TS.preProcessFile(source.text, true, true);
      const next = [
        ...importedFiles.map((i) => TS.resolveModuleName(i.fileName, current, this.options, this.host, this.resolutionCache).resolvedModule?.resolvedFileName),
        ...referencedFiles.map((r) => path.resolve(path.dirname(current), r.fileName)),
      ];
      for (const n of next) {
        if (n === undefined) continue;
        const name = normalizePath(n);
        if (isLibrary(name) || seen.has(name)) continue;
        seen.add(name);
        found.add(name);
        queue.push(name);
      }
    }
    found.delete(file);
    return found;
  }
}
