/**
 * The Lorenz-96 4D-Var example's derivatives (examples/lorenz96-4dvar): the tangent-linear model
 * (jvp) against central differences of the model, the adjoint (vjp) by the dot-product test, and
 * the gradient of the 4D-Var cost — checkpointed and taped — against central differences.
 */
import { expect } from 'chai';
import * as path from 'node:path';
import { expectClose } from './check.js';
import { casesDir, compile, dot, formatDiagnostics, randomArray, relError } from './harness.js';

describe('Lorenz-96 4D-Var example', () => {
  const out = compile([path.join(casesDir, 'lorenz96.ts')]);
  const m = out.modules.get('test/cases/lorenz96')!;
  // a state on the attractor, from the model itself
  const start = (): number[] => {
    const x = new Array<number>(40).fill(8);
    x[20] += 0.01;
    return m.forecast(x, 1000, 0.01);
  };

  it('compiles without diagnostics', () => {
    expect(formatDiagnostics(out.diagnostics)).to.equal('');
    expect(out.loadError).to.equal(undefined);
  });

  it('tangent-linear model (jvp) against central differences of the model', () => {
    const x0 = start();
    for (const seed of [1, 2]) {
      const dx = Array.from(randomArray(seed, 40));
      const [y, Mdx] = m.forecast_jvp(x0, 50, 0.01, dx);
      expect(Array.from(y)).to.deep.equal(Array.from(m.forecast(x0, 50, 0.01)));
      const h = 1e-6;
      const plus = m.forecast(x0.map((v, i) => v + h * dx[i]), 50, 0.01);
      const minus = m.forecast(x0.map((v, i) => v - h * dx[i]), 50, 0.01);
      expectClose(Mdx, plus.map((v: number, i: number) => (v - minus[i]) / (2 * h)), 1e-7, `seed ${seed}`);
    }
  });

  it('adjoint model (vjp, checkpointed) passes the dot-product test <M dx, dy> = <dx, Mᵀ dy> to 1e-12', () => {
    const x0 = start();
    for (const steps of [1, 37, 100]) {
      const dx = Array.from(randomArray(steps, 40));
      const dy = Array.from(randomArray(steps + 1, 40));
      const [, Mdx] = m.forecast_jvp(x0, steps, 0.01, dx);
      const [, pullback] = m.forecast_vjp(x0, steps, 0.01);
      const [MTdy, dSteps, dDt] = pullback(dy);
      expect(Math.abs(dot(Mdx, dy) - dot(dx, MTdy)) / Math.abs(dot(Mdx, dy)), `steps=${steps}`).to.be.below(1e-12);
      expect(typeof dSteps).to.equal('number');
      expect(typeof dDt).to.equal('number');
    }
  });

  it('gradient of the 4D-Var cost: checkpointed equals taped, and both match central differences', () => {
    const x0 = start();
    const observed = Int32Array.from([0, 3, 6, 9, 12, 15, 18, 21, 24, 27, 30, 33, 36, 39]);
    const steps = 60;
    const every = 6;
    const values = randomArray(5, (steps / every) * observed.length, 0, 8);
    const w = { steps, dt: 0.01, every, observed, values, background: x0.map((v) => v + 0.5), sigmaB: 1, sigmaO: 0.5 };
    const at = Array.from(randomArray(9, 40, -3, 3), (v, i) => v + x0[i]);
    const g = m.cost_grad(at, w);
    expect(relError(g, m.costTaped_grad(at, w))).to.be.below(1e-14);
    const h = 1e-6;
    for (const seed of [3, 4]) {
      const v = Array.from(randomArray(seed, 40));
      const fd = (m.cost(at.map((a, i) => a + h * v[i]), w) - m.cost(at.map((a, i) => a - h * v[i]), w)) / (2 * h);
      expectClose(dot(g, v), fd, 1e-7, `direction ${seed}`);
    }
  });
});
