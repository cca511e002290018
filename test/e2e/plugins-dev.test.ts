/**
 * The bundler plugins in a dev server, vitest, and watch mode. Each watch test edits only model.ts
 * (which calls no tsgrad API) and checks that main's gradient, whose generated code is built from
 * model.ts's text, is the edited model's: against finite differences of the edited model, never
 * against what tsgrad printed before. A stale derivative here is a silently wrong one.
 */
import { expect } from 'chai';
import { devPage, editedModel, esbuildRebuild, lossTest, rollupConfig, rollupWatch, viteConfig, viteDev, vitestConfig, vitestWatch, webpackConfig, webpackWatch } from './bundlers.js';
import { bin, checkLossOutput, editedLossProject, lossProject, makeProject, node } from './project.js';

/** Runs a watch script in `dir` and checks its two outputs: the model's gradient, then the edited model's. */
function checkWatch(dir: string, script: string): void {
  const result = node(dir, script);
  expect(result.status, result.stdout + result.stderr).to.equal(0);
  const outputs: string[] = JSON.parse(result.stdout.trim().split('\n').pop()!);
  expect(outputs).to.have.length(2);
  checkLossOutput(outputs[0], lossProject());
  checkLossOutput(outputs[1], editedLossProject());
}

describe('end to end: bundler plugins in dev servers, vitest and watch mode', function () {
  this.timeout(300000);

  it('vite dev server (createServer, vite.config.mjs): serves the page and its module; after model.ts is edited, an HMR update for the page\'s module, whose new derivative matches finite differences of the edited model', () => {
    const dir = makeProject({ ...lossProject(), ...devPage(), ...editedModel(), 'vite.config.mjs': viteConfig, 'dev.mjs': viteDev });
    const result = node(dir, 'dev.mjs');
    expect(result.status, result.stdout + result.stderr).to.equal(0);
    const { page, before, after, outputs, sent } = JSON.parse(result.stdout.trim().split('\n').pop()!);
    expect(page.status).to.equal(200);
    expect(page.text).to.contain('/src/page.ts');
    expect([before.status, after.status]).to.deep.equal([200, 200]);
    // The client's module carries the generated derivative: the edited model's (cos, so sin) after the edit only.
    expect(before.text).to.not.contain('Math.sin');
    expect(after.text).to.contain('Math.sin');
    const updates = sent.filter((p: { type: string }) => p.type === 'update').flatMap((p: { updates: { path: string }[] }) => p.updates);
    expect(updates.map((u: { path: string }) => u.path)).to.include('/src/page.ts');
    expect(sent.map((p: { type: string }) => p.type)).to.not.include('full-reload');
    checkLossOutput(outputs[0], lossProject());
    checkLossOutput(outputs[1], editedLossProject());
  });

  it('vitest run with tsgrad/vite (vitest.config.ts): a test of grad against finite differences passes, and fails when its reference is wrong', () => {
    const dir = makeProject({ ...lossProject(), 'vitest.config.ts': vitestConfig, 'src/loss.test.ts': lossTest(), 'src/wrong.test.ts': lossTest(true) });
    const passing = bin(dir, 'vitest', 'run', 'src/loss.test.ts');
    expect(passing.status, passing.stdout + passing.stderr).to.equal(0);
    expect(passing.stdout).to.match(/1 passed/);
    const failing = bin(dir, 'vitest', 'run', 'src/wrong.test.ts');
    expect(failing.status).to.not.equal(0);
    expect((failing.stdout + failing.stderr).replace(/\x1b\[[0-9;]*m/g, '')).to.match(/AssertionError: expected .* to be close to/);
  });

  it('vitest watch: after model.ts is edited the test is run again, on the edited model\'s derivative', () => {
    const dir = makeProject({ ...lossProject(), ...editedModel(), 'vitest.config.ts': vitestConfig, 'src/loss.test.ts': lossTest(), 'watch.mjs': vitestWatch });
    const result = node(dir, 'watch.mjs');
    expect(result.status, result.stdout + result.stderr).to.equal(0);
    const runs: { passed: boolean; logs: string[] }[] = JSON.parse(result.stdout.trim().split('\n').pop()!);
    expect(runs.map((r) => r.passed)).to.deep.equal([true, true]);
    checkLossOutput(runs[0].logs[0], lossProject());
    checkLossOutput(runs[1].logs[0], editedLossProject());
  });

  it('rollup watch: after model.ts is edited, main.ts is transformed again (the edited model\'s derivative)', () => {
    checkWatch(makeProject({ ...lossProject(), ...editedModel(), 'rollup.config.mjs': rollupConfig, 'watch.mjs': rollupWatch }), 'watch.mjs');
  });

  it('esbuild rebuild (context): after model.ts is edited, main.ts is transformed again (the edited model\'s derivative)', () => {
    checkWatch(makeProject({ ...lossProject(), ...editedModel(), 'rebuild.cjs': esbuildRebuild }), 'rebuild.cjs');
  });

  it('webpack watch: after model.ts is edited, main.ts is transformed again (the edited model\'s derivative)', () => {
    checkWatch(makeProject({ ...lossProject(), ...editedModel(), 'webpack.config.cjs': webpackConfig, 'watch.cjs': webpackWatch }), 'watch.cjs');
  });
});
