/**
 * The compiler's structure: its modules import each other in a line (no cycles), so each pass
 * can be read after the ones below it (compiler/pipeline.ts lists them in order).
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './harness.js';

function modules(dir: string): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((d) => {
    const p = path.join(dir, d.name);
    return d.isDirectory() ? modules(p) : p.endsWith('.ts') ? [p] : [];
  });
}

describe('compiler structure', () => {
  it('no two modules of compiler/ and runtime/ import each other, directly or through others', () => {
    const files = [...modules(path.join(repoRoot, 'compiler')), ...modules(path.join(repoRoot, 'runtime'))];
    const imports = new Map(files.map((f) => [f, [...fs.readFileSync(f, 'utf8').matchAll(/from '(\.[^']+)'/g)].map((m) => path.join(path.dirname(f), m[1].replace(/\.js$/, '.ts')))]));
    const cycles: string[] = [];
    const done = new Set<string>();
    const stack: string[] = [];
    const visit = (f: string): void => {
      if (stack.includes(f)) {
        cycles.push([...stack.slice(stack.indexOf(f)), f].map((x) => path.relative(repoRoot, x)).join(' → '));
        return;
      }
      if (done.has(f)) return;
      stack.push(f);
      for (const t of imports.get(f) ?? []) visit(t);
      stack.pop();
      done.add(f);
    };
    files.forEach(visit);
    expect(cycles).to.deep.equal([]);
  });
});
