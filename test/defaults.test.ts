/**
 * Literal defaults of the differentiated function's own parameters (`scale = 2`, `kind = 'l2'`,
 * `dt = 0.1`): the generated functions take them too, so a call that leaves them out matches f
 * called the same way. Checked against central finite differences of f, with and without the
 * optional arguments, for grad, valueAndGrad, vjp, jvp, jacfwd, jacrev, hessian and grad(grad f);
 * hvp (whose direction follows the parameters) and non-literal defaults are rejected.
 */
import { expect } from 'chai';
import * as path from 'node:path';
import { expectClose } from './check.js';
import { compile, finiteDiff, formatDiagnostics, repoRoot } from './harness.js';

const file = path.join(repoRoot, 'test', 'virtual', 'defaults.ts');
const source = `import { grad, valueAndGrad, vjp, jvp, jacfwd, jacrev, hessian } from 'tsgrad';

export function loss(x: number[], scale = 2, kind: 'l1' | 'l2' = 'l2', steps = 3): number {
  let s = 0;
  for (let t = 0; t < steps; t++) for (const v of x) s += kind === 'l2' ? scale * v * v * (t + 1) : scale * Math.abs(v);
  return s + Math.sin(x[0] * scale);
}
export const g = grad(loss);
export const g01 = grad(loss, [0, 1]);
export const vg = valueAndGrad(loss, [1]);
export const h = hessian(loss);
export const jr = jacrev(loss);
export const jf = jacfwd(loss);

export function cube(x: number, k = 1.5): number {
  return k * x * x * x;
}
export const cubeGG = grad(grad(cube));

export function step(y: number[], dt = 0.1): number[] {
  return y.map((v, i) => v + dt * Math.sin(v * (i + 1)));
}
export const stepJf = jacfwd(step);
export const stepJr = jacrev(step);
export const stepJvp = (y: number[], t: number[]) => jvp(step, [y, 0.1], [t, 0]);
export const stepJvpSpread = (p: [number[]], t: [number[]]) => jvp(step, p, t);
export const stepVjp = (y: number[]) => vjp(step, y);
`;

const rejected = `import { grad, hvp } from 'tsgrad';
export function f(x: number, k = 2): number {
  return k * x * x;
}
export const h = hvp(f);
export function g(x: number, k = Math.PI): number {
  return k * x;
}
export const gg = grad(g);
`;

describe('defaults of the differentiated function\'s own parameters', () => {
  for (const optimize of [true, false]) {
    describe(`optimize: ${optimize}`, () => {
      const out = compile([file], { optimize }, new Map([[file, source]]));
      const m = out.modules.get('test/virtual/defaults')!;
      const x = [0.3, -0.7, 1.1];

      it('compiles without diagnostics', () => {
        expect(formatDiagnostics(out.diagnostics)).to.equal('');
      });

      it('grad and valueAndGrad with the defaults left out, and given', () => {
        expectClose(m.g(x), finiteDiff(m.loss, [x], 0), 1e-6, 'grad, defaults');
        expectClose(m.g(x, 0.5, 'l1', 2), finiteDiff((a: number[]) => m.loss(a, 0.5, 'l1', 2), [x], 0), 1e-6, 'grad, given');
        const [dx, ds] = m.g01(x);
        expectClose(dx, finiteDiff(m.loss, [x], 0), 1e-6, 'grad [0, 1]: x');
        expectClose(ds, finiteDiff((a: number[], s: number) => m.loss(a, s), [x, 2], 1), 1e-6, 'grad [0, 1]: scale');
        const [value, dscale] = m.vg(x, 3);
        expect(value).to.equal(m.loss(x, 3));
        expectClose(dscale, finiteDiff((a: number[], s: number) => m.loss(a, s), [x, 3], 1), 1e-6, 'valueAndGrad: scale');
      });

      it('hessian, jacrev, jacfwd and grad(grad f) with the defaults left out', () => {
        const H = m.h(x) as Float64Array;
        for (let j = 0; j < x.length; j++) {
          const col = finiteDiff((a: number[]) => (m.g(a) as ArrayLike<number>)[j], [x], 0, 1e-5) as Float64Array;
          expectClose(H.slice(j * 3, j * 3 + 3), col, 1e-5, `hessian column ${j}`);
        }
        expectClose(m.jr(x), finiteDiff(m.loss, [x], 0), 1e-6, 'jacrev');
        expectClose(m.jf(x), finiteDiff(m.loss, [x], 0), 1e-6, 'jacfwd');
        expectClose(m.cubeGG(0.8), 6 * 1.5 * 0.8, 1e-9, 'grad(grad(cube))');
      });

      it('Jacobians, jvp and vjp of a vector function with a default step', () => {
        const J = m.stepJf(x) as Float64Array;
        expectClose(m.stepJr(x), J, 1e-12, 'jacrev = jacfwd');
        for (let i = 0; i < x.length; i++) {
          const row = finiteDiff((a: number[]) => m.step(a)[i], [x], 0) as Float64Array;
          expectClose(J.slice(i * 3, i * 3 + 3), row, 1e-6, `jacfwd row ${i}`);
        }
        const t = [0.5, -1, 2];
        const [y, dy] = m.stepJvp(x, t);
        expectClose(y, m.step(x), 1e-15, 'jvp value');
        const Jt = [0, 1, 2].map((i) => t.reduce((s, tj, j) => s + J[i * 3 + j] * tj, 0));
        expectClose(dy, Jt, 1e-12, 'jvp = J t');
        expectClose(m.stepJvpSpread([x], [t])[1], Jt, 1e-12, 'jvp of a spread list, the default filled in');
        const [, pullback] = m.stepVjp(x);
        const ct = [1, -2, 0.5];
        const tJ = [0, 1, 2].map((j) => ct.reduce((s, c, i) => s + c * J[i * 3 + j], 0));
        const [dyb, ddt] = pullback(ct);
        expectClose(dyb, tJ, 1e-12, 'vjp = ct J');
        expectClose(ddt, x.reduce((s, v, i) => s + ct[i] * Math.sin(v * (i + 1)), 0), 1e-12, 'vjp: the default step\'s cotangent, by hand');
      });
    });
  }

  it('hvp and non-literal defaults are rejected with the reason', () => {
    const bad = path.join(repoRoot, 'test', 'virtual', 'defaults-rejected.ts');
    const out = compile([bad], {}, new Map([[bad, rejected]]));
    const text = formatDiagnostics(out.diagnostics);
    expect(text).to.match(/defaults-rejected\.ts:2:\d+ .*parameter 'k' of the differentiated function is optional: hvp/);
    expect(text).to.match(/defaults-rejected\.ts:6:\d+ .*the default of 'k' is not a literal/);
  });
});
