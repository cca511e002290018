/**
 * tsgrad as a bundler plugin (unplugin): `tsgrad/vite`, `tsgrad/rollup`, `tsgrad/esbuild`,
 * `tsgrad/webpack`, each a default export taking the transformer's options. TypeScript modules
 * that call tsgrad are type-checked in one program, shared by the build and updated as modules
 * change (dev servers, watch), and emitted as JavaScript with tsgrad's transform and a source map;
 * the bundler takes it from there. A tsgrad diagnostic fails the build with file:line:col.
 */
import * as path from 'node:path';
import * as TS from 'typescript';
import { createUnplugin } from 'unplugin';
import { emitModule, moduleOptions } from '../project.js';
import { mayUseTsgrad, type TsgradConfig } from '../transform.js';

const TYPESCRIPT = /\.(ts|mts|cts|tsx)$/;

/** One program for the build, its files read from what the bundler hands over where it has them. */
class SharedProgram {
  private program: TS.Program | undefined;
  private readonly texts = new Map<string, string>();
  private options: TS.CompilerOptions | undefined;

  compile(file: string, code: string, config: TsgradConfig): { code: string; map?: string } {
    const changed = this.texts.get(file) !== code;
    this.texts.set(file, code);
    this.options ??= { ...moduleOptions(file, { sourceMap: true, inline: false }), jsx: TS.JsxEmit.Preserve };
    if (!this.program || changed || !this.program.getSourceFile(file)) {
      const roots = new Set([...(this.program?.getRootFileNames() ?? []), file]);
      const host = TS.createCompilerHost(this.options);
      const read = host.readFile.bind(host);
      host.readFile = (name) => this.texts.get(path.resolve(name)) ?? read(name);
      this.program = TS.createProgram([...roots], this.options, host, this.program);
    }
    return emitModule(this.program, file, config);
  }
}

export const tsgradPlugin = createUnplugin((config: TsgradConfig | undefined) => {
  const shared = new SharedProgram();
  return {
    name: 'tsgrad',
    enforce: 'pre',
    transformInclude: (id: string) => TYPESCRIPT.test(id.split('?')[0]) && !id.includes('/node_modules/'),
    transform(code: string, id: string) {
      if (!mayUseTsgrad(code)) return null;
      return shared.compile(path.resolve(id.split('?')[0]), code, config ?? {});
    },
  };
});
