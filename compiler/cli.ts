#!/usr/bin/env node
/**
 * `tsgrad build [-p tsconfig.json] [--watch]`: the project compiled like `tsc -p`, with tsgrad's
 * transformer (build.ts).
 * `tsgrad generate <files or dirs> --out <dir>`: the transformed sources as TypeScript (generate.ts).
 * `tsgrad emit path/to/file.ts [--no-optimize] [--no-tidy]`: prints the derivative code tsgrad generates for
 * each grad/valueAndGrad call in that file, using the nearest tsconfig.json's compiler options
 * (`--no-tidy`: as the sweeps produce it, before passes/tidyCode.ts).
 */
import * as path from 'node:path';
import * as TS from 'typescript';
import { build } from './build.js';
import { generate } from './generate.js';
import { configOptions, formatDiagnostics } from './project.js';
import transformer from './transform.js';

const usage = 'usage: tsgrad build [-p <tsconfig.json or directory>] [--watch]\n       tsgrad generate <files or directories> --out <dir> [-p <tsconfig.json>]\n       tsgrad emit <file.ts> [--no-optimize] [--no-tidy]';

function main(argv: string[]): number {
  const [command, file, ...flags] = argv;
  if (command === 'build') {
    const p = argv.findIndex((a) => a === '-p' || a === '--project');
    const unknown = argv.slice(1).filter((a, i) => a !== '--watch' && a !== '-w' && i + 1 !== p && i + 1 !== p + 1);
    if ((p >= 0 && !argv[p + 1]) || unknown.length > 0) {
      console.error(usage);
      return 2;
    }
    return build(p >= 0 ? argv[p + 1] : undefined, argv.includes('--watch') || argv.includes('-w'));
  }
  if (command === 'generate') {
    const rest = argv.slice(1);
    const at = (flag: string): string | undefined => (rest.includes(flag) ? rest[rest.indexOf(flag) + 1] : undefined);
    const out = at('--out');
    const project = at('-p') ?? at('--project');
    const inputs = rest.filter((a, i) => !a.startsWith('-') && !['--out', '-p', '--project'].includes(rest[i - 1]));
    if (!out || inputs.length === 0) {
      console.error(usage);
      return 2;
    }
    return generate(inputs, out, project);
  }
  if (command !== 'emit' || !file) {
    console.error(usage);
    return 2;
  }
  const fileName = path.resolve(file);
  const configPath = TS.findConfigFile(path.dirname(fileName), TS.sys.fileExists);
  const options: TS.CompilerOptions = configPath ? configOptions(configPath) : { target: TS.ScriptTarget.ES2022, module: TS.ModuleKind.NodeNext, strict: true };
  const program = TS.createProgram([fileName], { ...options, noEmit: false, outDir: undefined, declaration: false });
  const source = program.getSourceFile(fileName);
  if (!source) {
    console.error(`tsgrad: cannot read ${file}`);
    return 2;
  }
  const printer = TS.createPrinter();
  const printed: string[] = [];
  const diagnostics: TS.Diagnostic[] = [];
  const factory = transformer(program, {
    optimize: !flags.includes('--no-optimize'),
    tidy: flags.includes('--no-tidy') ? false : undefined,
    onGenerated: (g) => printed.push(printer.printNode(TS.EmitHint.Unspecified, g.node, g.source)),
  }, { ts: TS, addDiagnostic: (d) => diagnostics.push(d) });
  program.emit(source, () => undefined, undefined, false, { before: [factory] });
  if (printed.length > 0) console.log(printed.join('\n\n'));
  if (diagnostics.length > 0) {
    console.error(formatDiagnostics(diagnostics));
    return 1;
  }
  if (printed.length === 0) console.error(`tsgrad: no grad/valueAndGrad calls in ${file}`);
  return 0;
}

process.exitCode = main(process.argv.slice(2));
