/** What `npm pack` ships. */
import { expect } from 'chai';
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../harness.js';

describe('the package', function () {
  this.timeout(120000);

  it('npm pack ships the compiler, runtime, CLI and loader, and no tests', () => {
    const npm = process.platform === 'win32' ? 'npm.cmd' : 'npm';
    const result = spawnSync(npm, ['pack', '--dry-run', '--json', '--ignore-scripts'], { cwd: repoRoot, encoding: 'utf8' });
    expect(result.status, result.stderr).to.equal(0);
    const files = (JSON.parse(result.stdout)[0].files as { path: string }[]).map((f) => f.path);
    for (const f of ['bin/tsgrad.js', 'dist/runtime/index.js', 'dist/runtime/index.d.ts', 'dist/compiler/transform.js', 'dist/compiler/cli.js', 'dist/compiler/loader/register.js', 'dist/compiler/loader/hooks.js']) {
      expect(files, f).to.include(f);
    }
    expect(files.filter((f) => f.startsWith('dist/test/'))).to.deep.equal([]);
    const pkg = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
    for (const entry of Object.values(pkg.exports as Record<string, string | { default: string }>)) {
      const target = typeof entry === 'string' ? entry : entry.default;
      expect(files, target).to.include(target.replace(/^\.\//, ''));
    }
  });
});
