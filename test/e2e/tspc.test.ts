/**
 * ts-patch's `tspc` on TypeScript 6, with `tsgrad/transform` named in tsconfig.json: the path that
 * worked first, kept working.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { checkLossRun, install, lossProject, makeProject, node, tsgrad, unsupportedProject } from './project.js';
import { repoRoot } from '../harness.js';

describe('end to end: a project built with tspc (TypeScript 6 + ts-patch)', function () {
  this.timeout(300000);
  const tspc = (dir: string) => node(dir, path.join(install('ts6'), 'node_modules', 'ts-patch', 'bin', 'tspc.js'), '-p', dir);

  it('builds a multi-file project and the compiled gradient matches finite differences', () => {
    const dir = makeProject(lossProject(), { install: 'ts6', plugin: true });
    const result = tspc(dir);
    expect(result.status, result.stdout + result.stderr).to.equal(0);
    checkLossRun(dir, 'dist/main.js');
  });

  it('fails the build with a file:line:col diagnostic for unsupported code, and the output throws', () => {
    const dir = makeProject(unsupportedProject(), { install: 'ts6', plugin: true });
    const result = tspc(dir);
    const output = result.stdout + result.stderr;
    expect(result.status).to.not.equal(0);
    expect(output).to.match(/main\.ts[:(]4[,:]10/);
    expect(output).to.contain('no body in the program');
    const run = node(dir, 'dist/main.js');
    expect(run.status).to.not.equal(0);
    expect(run.stderr).to.contain('tsgrad/transform');
    expect(run.stderr).to.contain('npx tsgrad build');
  });

  it('tsgrad emit (the npx entry) prints the generated code', () => {
    const dir = makeProject({ 'src/looppow.ts': fs.readFileSync(path.join(repoRoot, 'test', 'golden', 'looppow.ts'), 'utf8') }, { install: 'ts6' });
    const result = tsgrad(dir, 'emit', 'src/looppow.ts');
    expect(result.status, result.stderr).to.equal(0);
    expect(result.stdout).to.contain('function f_grad(x)');
    expect(result.stdout).to.contain('// reverse sweep');
  });
});
