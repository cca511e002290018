/**
 * `tsgrad build --watch`, run from the installed package: an edit to a file that main.ts's
 * derivative is made from (model.ts, or util.ts which model.ts imports) is picked up, and the
 * rebuilt dist/main.js computes the new gradient (against finite differences). TypeScript's
 * builder alone would re-emit only the edited file, since its types did not change.
 */
import { expect } from 'chai';
import { type ChildProcess, spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkLossOutput, lossProject, makeProject, node } from './project.js';

/** `tsgrad build --watch` in `dir` (the installed bin), with its output collected. */
function watch(dir: string): { child: ChildProcess; output: () => string } {
  let bin = dir;
  while (!fs.existsSync(path.join(bin, 'node_modules', '.bin', 'tsgrad'))) bin = path.dirname(bin);
  const child = spawn(path.join(bin, 'node_modules', '.bin', 'tsgrad'), ['build', '--watch', '-p', dir], { cwd: dir, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout!.on('data', (d: Buffer) => (output += d.toString()));
  child.stderr!.on('data', (d: Buffer) => (output += d.toString()));
  return { child, output: () => output };
}

/** Waits (up to two minutes) until `done` holds, checking every 20 ms. */
async function until(what: string, done: () => boolean): Promise<void> {
  const start = Date.now();
  while (!done()) {
    if (Date.now() - start > 120000) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

describe('end to end: tsgrad build --watch', function () {
  this.timeout(300000);

  it('picks up edits to the files a derivative is made from, and reports tsgrad\'s diagnostics on every rebuild', async () => {
    const files: Record<string, string> = { ...lossProject(), 'src/other.ts': `export const other = 1;\n` };
    const dir = makeProject(files);
    const { child, output } = watch(dir);
    try {
      const builds = (): number => output().match(/watching for changes/g)?.length ?? 0;
      const main = path.join(dir, 'dist', 'main.js');
      const check = (): void => {
        const run = node(dir, 'dist/main.js');
        expect(run.status, run.stdout + run.stderr).to.equal(0);
        checkLossOutput(run.stdout, files);
      };
      /** Writes `name` and waits for the rebuild it causes. */
      const edit = async (name: string, text: string): Promise<string> => {
        const before = builds();
        const from = output().length;
        await new Promise((r) => setTimeout(r, 300)); // file times of the edit and of the last output apart
        files[name] = text;
        fs.writeFileSync(path.join(dir, name), text);
        await until(`the rebuild after ${name}`, () => builds() > before);
        return output().slice(from);
      };
      await until('the first build', () => builds() > 0);
      expect(output(), output()).to.match(/tsgrad: built/);
      check();
      const first = fs.readFileSync(main, 'utf8');
      // body-only edits of model.ts: main.ts's derivative of loss must follow. (TypeScript's watch
      // re-emits a changed file's importers after the first change to each file, when it replaces
      // the file's version by its declaration's hash as its signature; after that, only the file.)
      let last = first;
      const changes = ['0.25 * w[i] * w[i] * w[i] + Math.sin(x[i] * w[i])', '0.25 * w[i] * w[i] * w[i] + Math.cos(x[i] * w[i])'];
      for (const [i, change] of changes.entries()) {
        const log = await edit('src/model.ts', lossProject()['src/model.ts'].replace('0.5 * w[i] * w[i]', change));
        expect(fs.readFileSync(main, 'utf8'), log).to.not.equal(last);
        last = fs.readFileSync(main, 'utf8');
        check();
        if (i > 0) expect(log, log).to.match(/emitted src\/model\.ts, src\/main\.ts \(again for their derivatives: src\/main\.ts\)/);
      }
      // util.ts, which main.ts imports only through model.ts
      for (const scale of ['0.5', '0.25']) {
        const log = await edit('src/util.ts', `export function softplus(z: number): number { return z > 30 ? z : Math.log1p(Math.exp(${scale} * z)) / ${scale}; }\n`);
        expect(fs.readFileSync(main, 'utf8'), log).to.not.equal(last);
        last = fs.readFileSync(main, 'utf8');
        check();
      }
      // a tsgrad error in model.ts is reported at file:line:col, and again after an edit elsewhere
      const broken = await edit('src/model.ts', lossProject()['src/model.ts'].replace('0.5 * w[i] * w[i]', 'external(w[i])').replace('export function loss', 'declare function external(z: number): number;\nexport function loss'));
      expect(broken, broken).to.match(/src\/model\.ts\(5,\d+\): error TS99001: tsgrad: .*'external' has no body in the program/);
      const elsewhere = await edit('src/other.ts', `export const other = 2;\n`);
      expect(elsewhere, elsewhere).to.match(/error TS99001/).and.to.match(/tsgrad: 1 error \(emitted src\/other\.ts;/);
      // fixed again
      await edit('src/model.ts', lossProject()['src/model.ts']);
      files['src/util.ts'] = fs.readFileSync(path.join(dir, 'src', 'util.ts'), 'utf8');
      expect(output().slice(output().lastIndexOf('File change detected'))).to.match(/tsgrad: built/);
      check();
    } finally {
      child.kill();
    }
  });
});
