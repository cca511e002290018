/**
 * Custom derivatives (test/cases/custom.ts). `erfSeries` has no body in the program: the test
 * supplies it at run time, as a library would, so finite differences of the whole function are an
 * independent reference. `clip` has a body, and the rule must win over it (checked by hand).
 */
import { expect } from 'chai';
import * as path from 'node:path';
import { expectClose, expectGradFD, modes } from './check.js';
import * as fs from 'node:fs';
import * as ts from 'typescript';
import { casesDir, compile, formatDiagnostics, repoRoot, randomArray } from './harness.js';

/** erf by its Taylor series: exact to rounding for |x| ≤ 3. */
function erfSeries(x: number): number {
  let term = x;
  let sum = x;
  for (let n = 1; n < 100; n++) {
    term *= (-x * x) / n;
    sum += term / (2 * n + 1);
  }
  return (2 / Math.sqrt(Math.PI)) * sum;
}
(globalThis as Record<string, unknown>).erfSeries = erfSeries;


for (const optimize of modes) {
  describe(`custom derivatives (optimize: ${optimize})`, () => {
    const out = compile([path.join(casesDir, 'custom.ts')], { optimize });
    const m = out.modules.get('test/cases/custom')!;

    it('compiles without diagnostics; the generated code calls erfSeries and never inlines it', () => {
      expect(formatDiagnostics(out.diagnostics)).to.equal('');
      expect(out.loadError).to.equal(undefined);
      const code = [...out.generated].find(([name]) => name.startsWith('probit_grad'))![1];
      expect(code).to.match(/\berfSeries\(/);
    });

    it('grad through a function with no body uses its rule (finite differences of the real function)', () => {
      for (let seed = 1; seed <= 3; seed++) {
        const w = randomArray(seed, 5, -1, 1);
        const x = randomArray(seed + 9, 5, -1.5, 1.5);
        expectGradFD(m.probit, m.probit_grad, [w, x]);
        const [value] = m.probit_valueAndGrad(w, x);
        expect(value).to.equal(m.probit(w, x));
      }
    });

    it('jvp, hvp and hessian through the rule (the partial is differentiated in turn; by hand)', () => {
      const w = randomArray(4, 4, -1, 1);
      const x = randomArray(5, 4, -1.5, 1.5);
      const dw = randomArray(6, 4, -1, 1);
      // f = Σ log Φ(z_i), z = w_i x_i, Φ = (1 + erf)/2: f' = x φ/Φ, f'' = x² (φ'/Φ − φ²/Φ²), φ = erf'/2
      const d1 = new Float64Array(4);
      const d2 = new Float64Array(4);
      for (let i = 0; i < 4; i++) {
        const z = w[i] * x[i];
        const Phi = 0.5 * (1 + erfSeries(z));
        const phi = Math.exp(-z * z) / Math.sqrt(Math.PI);
        const dphi = -2 * z * phi;
        d1[i] = (x[i] * phi) / Phi;
        d2[i] = x[i] * x[i] * (dphi / Phi - (phi * phi) / (Phi * Phi));
      }
      const [, tangent] = m.probit_jvp(w, x, dw);
      expectClose(tangent, d1.reduce((s, g, i) => s + g * dw[i], 0), 1e-12, 'jvp');
      expectClose(m.probit_hvp(w, x, dw), d2.map((h, i) => h * dw[i]), 1e-12, 'hvp');
      const H = m.probit_hessian(w, x);
      for (let i = 0; i < 4; i++) for (let j = 0; j < 4; j++) expectClose(H[i * 4 + j], i === j ? d2[i] : 0, 1e-12, `H[${i},${j}]`);
    });

    it('a rule replaces the automatic derivative of a function with a body (straight-through clip)', () => {
      const a = Float64Array.from([-2.5, -0.3, 0.4, 1.7]);
      // d/da (3 · clip(a) · a) with clip' = 1: 3 (a + clip(a))
      const clipped = a.map((v) => Math.max(-1, Math.min(1, v)));
      expectClose(m.clipped_grad(a), a.map((v, i) => 3 * (v + clipped[i])), 1e-14, 'grad');
    });
  });
}

describe('custom derivatives: rejected rules', () => {
  const fixtures = path.join(repoRoot, 'test', 'fixtures', 'diagnostics');
  const cases: [string, RegExp][] = [
    ['custom-rule-count.ts', /customDerivative needs one partial derivative per parameter of 'scaled' \(2\), and has 1/],
    ['custom-rule-array.ts', /customDerivative supports functions of numbers that return a number, and 'total' is/],
  ];
  for (const [file, message] of cases) {
    it(`${file}: an error at the rule, naming the problem`, () => {
      const out = compile([path.join(fixtures, file)]);
      const line = fs.readFileSync(path.join(fixtures, file), 'utf8').split('\n').findIndex((l) => l.includes('// <- error')) + 1;
      const hit = out.diagnostics.find((d) => d.code === 99002 && d.file && d.file.getLineAndCharacterOfPosition(d.start!).line + 1 === line);
      expect(hit, formatDiagnostics(out.diagnostics)).to.not.equal(undefined);
      expect(hit!.category).to.equal(ts.DiagnosticCategory.Error);
      expect(ts.flattenDiagnosticMessageText(hit!.messageText, '\n')).to.match(message).and.to.match(/Hint: /);
    });
  }
});
