/**
 * The bundler plugins' program (compiler/plugins/program.ts) across edits: one program updated
 * incrementally (an edit re-parses the edited file only, every other SourceFile is kept), a module
 * emitted again only when the program changed, and an edit of model.ts, which calls no tsgrad API,
 * reaching main.ts's generated derivative: seen on disk without being told, or when told by a
 * watcher, and checked against finite differences of the edited model.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { IncrementalProgram, normalizePath } from '../compiler/plugins/program.js';
import { moduleOptions } from '../compiler/project.js';
import { checkLossOutput, editedLossProject, lossProject } from './e2e/project.js';
import { repoRoot } from './harness.js';

/** lossProject, with main.ts exporting what it prints, in a folder where `tsgrad` is this checkout. */
function project(): string {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'tsgrad-program-'));
  const files: Record<string, string> = {
    ...lossProject(),
    'src/main.ts': lossProject()['src/main.ts'].replace('console.log(JSON.stringify(', 'export const printed = (JSON.stringify('),
    'tsconfig.json': JSON.stringify({ compilerOptions: { target: 'es2022', module: 'nodenext', strict: true, types: [] } }),
    'out/package.json': JSON.stringify({ type: 'module' }),
  };
  for (const [name, text] of Object.entries(files)) {
    fs.mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
    fs.writeFileSync(path.join(dir, name), text);
  }
  fs.mkdirSync(path.join(dir, 'node_modules'));
  fs.symlinkSync(repoRoot, path.join(dir, 'node_modules', 'tsgrad'), 'junction');
  return dir;
}

describe('bundler plugins: the incremental program', function () {
  this.timeout(120000);
  const dir = project();
  const src = (f: string) => path.join(dir, 'src', f);
  const program = new IncrementalProgram(moduleOptions(src('main.ts'), { sourceMap: true, inline: false }));
  const read = (f: string) => fs.readFileSync(src(f), 'utf8');
  let round = 0;
  after(() => fs.rmSync(dir, { recursive: true, force: true }));

  /** Emits every module (as for rollup: the entry first), writes them as ES modules under out/<round>/ and gives what main computed. */
  async function run(): Promise<string> {
    const out = path.join(dir, 'out', String(++round));
    fs.mkdirSync(out, { recursive: true });
    for (const f of ['main.ts', 'model.ts', 'util.ts']) fs.writeFileSync(path.join(out, f.replace(/\.ts$/, '.js')), program.emit(src(f), read(f), {}).code);
    return (await import(pathToFileURL(path.join(out, 'main.js')).href)).printed;
  }

  it('emits main.ts with the derivative of model.ts, and knows main.ts depends on model.ts and util.ts', async () => {
    checkLossOutput(await run());
    expect(program.stats.programs).to.equal(1);
    expect(program.stats.parsed).to.be.above(5); // the project's files, TypeScript's lib files, tsgrad's declarations
    expect(program.dependents(src('model.ts'))).to.deep.equal([normalizePath(src('main.ts'))]);
    expect(program.dependents(src('util.ts'))).to.deep.equal([normalizePath(src('main.ts'))]);
    expect(program.dependents(src('main.ts'))).to.deep.equal([]);
  });

  it('emits nothing again and makes no program while nothing changed', () => {
    const before = { ...program.stats };
    program.emit(src('main.ts'), read('main.ts'), {});
    expect(program.stats).to.deep.equal(before);
  });

  it('an edit of model.ts on disk alone (no watcher): one new program, model.ts alone parsed again (not the lib files), main.ts\'s new derivative right', async () => {
    fs.writeFileSync(src('model.ts'), editedLossProject()['src/model.ts']);
    const before = { ...program.stats };
    const main = program.emit(src('main.ts'), read('main.ts'), {});
    expect(program.stats.programs - before.programs).to.equal(1);
    expect(program.stats.parsed - before.parsed).to.equal(1);
    expect(main.code).to.contain('Math.sin');
    checkLossOutput(await run(), editedLossProject());
  });

  it('an edit the watcher reports: prepare emits the dependents ahead of the request, which then finds them done', async () => {
    fs.writeFileSync(src('model.ts'), lossProject()['src/model.ts']);
    program.changed(src('model.ts'));
    const before = { ...program.stats };
    program.prepare(src('model.ts'), {});
    expect(program.stats.programs - before.programs).to.equal(1);
    expect(program.stats.emitted - before.emitted).to.equal(2); // model.ts itself and main.ts
    const afterPrepare = { ...program.stats };
    expect(program.emit(src('main.ts'), read('main.ts'), {}).code).to.not.contain('Math.sin');
    expect(program.stats.emitted).to.equal(afterPrepare.emitted);
    checkLossOutput(await run());
  });
});
