/** `node --import tsgrad/register app.ts`: TypeScript run directly, with tsgrad's transform. */
import { expect } from 'chai';
import { checkLossOutput, lossProject, makeProject, node, unsupportedDiagnostic, unsupportedProject } from './project.js';

describe('end to end: node --import tsgrad/register', function () {
  this.timeout(300000);
  const run = (dir: string, file: string) => node(dir, '--import', 'tsgrad/register', file);

  it('runs a TypeScript project as written (./model.js finds model.ts); the gradient matches finite differences', () => {
    const dir = makeProject(lossProject());
    const result = run(dir, 'src/main.ts');
    expect(result.status, result.stderr).to.equal(0);
    checkLossOutput(result.stdout);
  });

  it('stops with tsgrad\'s diagnostic at file:line:col for unsupported code', () => {
    const dir = makeProject(unsupportedProject());
    const result = run(dir, 'src/main.ts');
    expect(result.status).to.not.equal(0);
    expect(result.stderr).to.match(unsupportedDiagnostic);
  });
});
