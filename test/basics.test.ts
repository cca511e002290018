import { expect } from 'chai';
import * as path from 'node:path';
import { casesDir, compile, finiteDiff, formatDiagnostics, relError } from './harness.js';

for (const optimize of [true, false]) {
  describe(`basics (optimize: ${optimize})`, () => {
    const out = compile([path.join(casesDir, 'basics.ts')], { optimize });
    const m = out.modules.get('test/cases/basics')!;

    it('compiles without diagnostics', () => {
      expect(formatDiagnostics(out.diagnostics)).to.equal('');
    });

    it('loopPow: d/dx x^5 = 5x^4 (by hand)', () => {
      for (const x of [-1.5, 0.3, 2]) expect(relError(m.loopPow_grad(x), 5 * x ** 4)).to.be.below(1e-12);
    });

    it('namespace-import call and one-argument Math.hypot: d/dx (x³ + |x|) = 3x² + sign(x) (by hand)', () => {
      for (const x of [-1.5, 0.4, 2]) expect(relError(m.viaNamespace_grad(x), 3 * x * x + Math.sign(x))).to.be.below(1e-12);
    });

    it('dot: valueAndGrad matches the primal and finite differences', () => {
      const a = new Float64Array([0.5, -1.2, 2.0]);
      const b = new Float64Array([1.5, 0.25, -0.75]);
      const [value, g] = m.dot_vg(a, b, 3);
      expect(value).to.equal(m.dot(a, b, 3));
      expect(relError(g, finiteDiff(m.dot, [a, b, 3], 0))).to.be.below(1e-7);
      const [ga, gb] = m.dot_grad01(a, b, 3);
      expect(relError(ga, g)).to.be.below(1e-15);
      expect(relError(gb, a)).to.be.below(1e-15);
    });
  });
}
