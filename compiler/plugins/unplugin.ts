/**
 * tsgrad as a bundler plugin (unplugin): `tsgrad/vite`, `tsgrad/rollup`, `tsgrad/esbuild`,
 * `tsgrad/webpack`, each a default export taking the transformer's options. TypeScript modules
 * are type-checked in one program, shared by the build and updated incrementally as modules change
 * (dev servers, watch; program.ts), and emitted as JavaScript with tsgrad's transform and a source
 * map; the bundler takes it from there. A tsgrad diagnostic fails the build with file:line:col.
 *
 * Vite and esbuild compile TypeScript themselves, so only the modules that may call tsgrad go
 * through the program there; rollup and webpack do not, so there every TypeScript module does, and
 * an import written as TypeScript's NodeNext style wants it (`./model.js` for model.ts,
 * `./model`) is resolved as tsc resolves it.
 *
 * When a file changes, the modules whose generated derivatives read it (main.ts's grad(loss), when
 * model.ts changes) are transformed again too: each is given its dependencies as watch files
 * (rollup, webpack and esbuild rebuild it then), and in vite, which would reuse an importer's
 * transform after a dependency changed, they are invalidated in the module graph and sent in the
 * HMR update.
 */
import * as path from 'node:path';
import * as TS from 'typescript';
import { createUnplugin } from 'unplugin';
import { moduleOptions } from '../project.js';
import { mayUseTsgrad, type TsgradConfig } from '../transform.js';
import { IncrementalProgram } from './program.js';

const TYPESCRIPT = /\.(ts|mts|cts|tsx)$/;
const TYPESCRIPT_SOURCE = new Set(['.ts', '.tsx', '.mts', '.cts']);

/** Bundlers that do not compile TypeScript themselves: every module goes through the program. */
const COMPILES_TYPESCRIPT_ITSELF = new Set(['vite', 'esbuild', 'rolldown', 'bun', 'farm', 'rsbuild']);

/** What the plugin uses of vite's module graph (typed here so the package's types need no vite). */
interface ModuleNode { readonly file: string | null }
interface ModuleGraph {
  getModulesByFile(file: string): Set<ModuleNode> | undefined;
  invalidateModule(mod: ModuleNode): void;
}
interface Environment { readonly moduleGraph: ModuleGraph }
interface ViteHookContext { readonly environment?: Environment }
interface ViteServer { readonly environments?: Record<string, Environment> }

const fileOf = (id: string): string => id.split('?')[0];

export const tsgradPlugin = createUnplugin((config: TsgradConfig | undefined, meta) => {
  const compilesAll = !COMPILES_TYPESCRIPT_ITSELF.has(meta.framework);
  let shared: IncrementalProgram | undefined;
  const program = (file: string): IncrementalProgram =>
    (shared ??= new IncrementalProgram({
      ...moduleOptions(file, { sourceMap: true, inline: false }),
      // Vite and esbuild compile JSX themselves; rollup and webpack get what the tsconfig asks for.
      ...(compilesAll ? {} : { jsx: TS.JsxEmit.Preserve }),
    }));
  let resolutionCache: TS.ModuleResolutionCache | undefined;
  const servers = new Set<ViteServer>();
  /** Files changed since the modules they affect were last prepared (see IncrementalProgram.prepare). */
  const changed = new Set<string>();
  const fileChanged = (file: string): void => {
    if (!shared) return;
    shared.changed(file);
    if (changed.size === 0) {
      setTimeout(() => {
        for (const f of changed) shared!.prepare(f, config ?? {});
        changed.clear();
      });
    }
    changed.add(file);
  };

  /** The modules of vite's graph for the files whose generated code depends on `file`. */
  const dependentModules = (graph: ModuleGraph | undefined, file: string): ModuleNode[] =>
    graph ? (shared?.dependents(file) ?? []).flatMap((d) => [...(graph.getModulesByFile(d) ?? [])]) : [];

  return {
    name: 'tsgrad',
    enforce: 'pre',
    ...(compilesAll && {
      /** `./model.js`, `./model` or a tsconfig `paths` alias, from a TypeScript module, to a TypeScript file, as tsc resolves it. */
      resolveId(source: string, importer: string | undefined) {
        if (!importer || !TYPESCRIPT.test(fileOf(importer)) || source.startsWith('\0')) return null;
        const options = program(fileOf(importer)).options;
        resolutionCache ??= TS.createModuleResolutionCache(process.cwd(), (f) => f, options);
        const resolved = TS.resolveModuleName(source, fileOf(importer), options, TS.sys, resolutionCache).resolvedModule;
        if (!resolved || resolved.isExternalLibraryImport || !TYPESCRIPT_SOURCE.has(resolved.extension)) return null;
        // A path the bundler finds as written is left to it (webpack asks again with what we answer).
        const asWritten = path.resolve(path.dirname(fileOf(importer)), source);
        return path.resolve(resolved.resolvedFileName) === asWritten ? null : resolved.resolvedFileName;
      },
    }),
    transformInclude: (id: string) => TYPESCRIPT.test(fileOf(id)) && !id.includes('/node_modules/'),
    transform(code: string, id: string) {
      const file = fileOf(id);
      if (!compilesAll && !mayUseTsgrad(code)) {
        shared?.supply(file, code);
        shared?.forget(file);
        return null;
      }
      let emitted: ReturnType<IncrementalProgram['emit']>;
      try {
        emitted = program(file).emit(file, code, config ?? {});
      } catch (error) {
        // A diagnostic is the message (file(line,col): error …); the plugin's stack is noise there.
        if (error instanceof Error && error.message.startsWith('tsgrad could not compile')) error.stack = `${error.name}: ${error.message}`;
        throw error;
      }
      for (const d of emitted.dependencies) this.addWatchFile(d);
      return { code: emitted.code, map: emitted.map };
    },
    watchChange(id: string) {
      fileChanged(fileOf(id));
    },
    vite: {
      configureServer(server: ViteServer) {
        servers.add(server);
      },
      // Vite (HMR) and vitest (none) would at most soft-invalidate main.ts when model.ts changes,
      // reusing its transform; a hard invalidation, in every environment (client, ssr, vitest's),
      // makes the next request transform it again.
      watchChange(this: ViteHookContext, id: string) {
        const file = fileOf(id);
        const graphs = new Set([...servers].flatMap((s) => Object.values(s.environments ?? {}).map((e) => e.moduleGraph)));
        if (this.environment) graphs.add(this.environment.moduleGraph);
        for (const graph of graphs) for (const mod of dependentModules(graph, file)) graph.invalidateModule(mod);
        fileChanged(file);
      },
      // The HMR update names the dependent modules too, so a client that accepted model.ts's update
      // in main.ts still gets main.ts's new derivative.
      hotUpdate(this: ViteHookContext, options: { file: string; modules: ModuleNode[] }) {
        const extra = dependentModules(this.environment?.moduleGraph, options.file);
        return extra.length > 0 ? [...new Set([...extra, ...options.modules])] : undefined;
      },
    } as Record<string, unknown>,
  };
});
