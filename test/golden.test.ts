/**
 * Golden files: the generated code for a few cases, kept in test/golden/<case>.grad.js for review
 * (regenerate with UPDATE_GOLDEN=1). Each case also runs and is checked against finite differences.
 */
import { expect } from 'chai';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { type Arg, compile, finiteDiff, formatDiagnostics, relError, repoRoot } from './harness.js';

const dir = path.join(repoRoot, 'test', 'golden');
const cases = fs.readdirSync(dir).filter((f) => f.endsWith('.ts')).map((f) => f.replace(/\.ts$/, ''));

describe('golden files of generated code', () => {
  for (const name of cases) {
    describe(name, () => {
      const out = compile([path.join(dir, `${name}.ts`)]);
      const generated = [...out.generated.values()].join('\n\n') + '\n';
      const goldenPath = path.join(dir, `${name}.grad.js`);

      it('compiles without diagnostics', () => {
        expect(formatDiagnostics(out.diagnostics)).to.equal('');
      });

      it(`matches ${name}.grad.js`, () => {
        if (process.env.UPDATE_GOLDEN || !fs.existsSync(goldenPath)) fs.writeFileSync(goldenPath, generated);
        expect(generated).to.equal(fs.readFileSync(goldenPath, 'utf8'));
      });

      it('gradient agrees with central finite differences', () => {
        const m = out.modules.get(`test/golden/${name}`)!;
        // a case whose gradient is not a flat array checks it against its own central differences
        if (m.check) expect(m.check()).to.be.below(1e-6);
        else for (const args of m.args as unknown[][]) expect(relError(m.df(...args), finiteDiff(m.f, args as never, 0))).to.be.below(1e-6);
      });
    });
  }
});

/** jit: the kernels and host code generated for a parallel loop, in test/jit-golden/<case>.jit.js. */
describe('golden files of generated kernels', () => {
  const jitDir = path.join(repoRoot, 'test', 'jit-golden');
  for (const name of fs.readdirSync(jitDir).filter((f) => f.endsWith('.ts')).map((f) => f.replace(/\.ts$/, ''))) {
    describe(name, () => {
      const out = compile([path.join(jitDir, `${name}.ts`)]);
      const generated = [...out.generated.values()].join('\n\n') + '\n';
      const goldenPath = path.join(jitDir, `${name}.jit.js`);

      it('compiles without diagnostics', () => {
        expect(formatDiagnostics(out.diagnostics)).to.equal('');
      });

      it(`matches ${name}.jit.js`, () => {
        if (process.env.UPDATE_GOLDEN) fs.writeFileSync(goldenPath, generated);
        expect(generated).to.equal(fs.readFileSync(goldenPath, 'utf8'));
      });

      it('kernels on the cpu backend agree with the function run as JavaScript (a gradient: with finite differences)', () => {
        const m = out.modules.get(`test/jit-golden/${name}`)!;
        for (const args of m.args as Arg[][]) {
          const copy = (a: unknown): unknown => (ArrayBuffer.isView(a) ? (a as Float64Array).slice() : a);
          if (m.argnum === undefined) {
            expect(relError(m.jf(...args.map(copy)), m.f(...args.map(copy)))).to.be.below(1e-6);
          } else {
            const x64 = args.map((a, i) => (i === m.argnum ? Float64Array.from(a as Float32Array) : a));
            expect(relError(m.jf(...args.map(copy)), finiteDiff(m.f, x64, m.argnum, 1e-6))).to.be.below(1e-5);
          }
        }
      });
    });
  }
});
