/**
 * `// @checkpoint` time loops written the idiomatic way, the state given each step's new array
 * (`x = rk4(x)`, passes/checkpointState.ts). The checkpointed gradient is checked against central
 * finite differences and against the same loop taped (no comment), under grad, valueAndGrad, vjp
 * (the state itself returned) and hvp, optimized and not; the caller's arrays and an alias of the
 * first state stay as they were; a step that changes the state's length is an error, not a
 * wrong derivative.
 */
import { expect } from 'chai';
import * as path from 'node:path';
import { expectClose } from './check.js';
import { compile, finiteDiff, formatDiagnostics, repoRoot } from './harness.js';

const file = path.join(repoRoot, 'test', 'virtual', 'checkpointstate.ts');
const source = `import { grad, hvp, valueAndGrad, vjp } from 'tsgrad';

const F = 8;
const tendency = (x: number[]): number[] => x.map((xi, i) => (x[(i + 1) % x.length] - x[(i + x.length - 2) % x.length]) * x[(i + x.length - 1) % x.length] - xi + F);
const axpy = (a: number, x: number[], y: number[]): number[] => y.map((yi, i) => yi + a * x[i]);

function rk4(x: number[], dt: number): number[] {
  const k1 = tendency(x);
  const k2 = tendency(axpy(dt / 2, k1, x));
  const k3 = tendency(axpy(dt / 2, k2, x));
  const k4 = tendency(axpy(dt, k3, x));
  return x.map((xi, i) => xi + (dt / 6) * (k1[i] + 2 * k2[i] + 2 * k3[i] + k4[i]));
}

/** A misfit summed along the trajectory; the first state also read after the loop through an alias. */
export function misfit(x0: number[], steps: number, dt: number): number {
  let x = x0;
  const first = x;
  let J = 0;
  // @checkpoint snapshots=3
  for (let t = 0; t < steps; t++) {
    x = rk4(x, dt);
    J += x[t % x.length] * x[0] / (t + 1);
  }
  return J + first[1] * x[2];
}
export function misfitTaped(x0: number[], steps: number, dt: number): number {
  let x = x0;
  const first = x;
  let J = 0;
  for (let t = 0; t < steps; t++) {
    x = rk4(x, dt);
    J += x[t % x.length] * x[0] / (t + 1);
  }
  return J + first[1] * x[2];
}
export const gMisfit = grad(misfit);
export const gMisfitTaped = grad(misfitTaped);
export const vgMisfit = valueAndGrad(misfit);
export const hvMisfit = hvp(misfit);

/** The model: the state after the steps (a Float64Array state, copied from the parameter). */
export function forecast(x0: Float64Array, steps: number, dt: number): Float64Array {
  let x = Float64Array.from(x0);
  // @checkpoint
  for (let t = 0; t < steps; t++) x = Float64Array.from(rk4(Array.from(x), dt));
  return x;
}
export const pullback = (x0: Float64Array, steps: number, dt: number, ct: Float64Array) => vjp(forecast, x0, steps, dt)[1](ct);

/** A step whose result is one element longer: the state cannot be kept in one array. */
export function growing(x0: number[], steps: number): number {
  let x = x0;
  // @checkpoint
  for (let t = 0; t < steps; t++) x = [...x, x[0]];
  return x.reduce((s, v) => s + v, 0);
}
export const gGrowing = grad(growing);
`;

describe('// @checkpoint loops whose state is given a new array each step', () => {
  const x0 = [8.01, 8.2, 7.9, 8.05, 8.3, 7.7];
  const v = [0.3, -0.2, 0.5, 0.1, -0.4, 0.2];
  for (const optimize of [true, false]) {
    describe(`optimize: ${optimize}`, () => {
      const out = compile([file], { optimize }, new Map([[file, source]]));
      const m = out.modules.get('test/virtual/checkpointstate')!;

      it('compiles without diagnostics', () => {
        expect(formatDiagnostics(out.diagnostics)).to.equal('');
      });

      it('grad and valueAndGrad agree with finite differences and with the taped loop; inputs unchanged', () => {
        const copy = [...x0];
        const g = m.gMisfit(x0, 12, 0.01);
        expectClose(g, finiteDiff((x: number[]) => m.misfit(x, 12, 0.01), [x0], 0), 1e-6, 'grad');
        expectClose(g, m.gMisfitTaped(x0, 12, 0.01), 1e-12, 'taped');
        const [value, g2] = m.vgMisfit(x0, 12, 0.01);
        expect(value).to.be.closeTo(m.misfit(x0, 12, 0.01), 1e-12);
        expectClose(g2, g, 1e-12, 'valueAndGrad');
        expect(x0).to.deep.equal(copy);
      });

      it('hvp agrees with differences of the gradient', () => {
        const h = 1e-5;
        const plus = m.gMisfit(x0.map((x, i) => x + h * v[i]), 12, 0.01);
        const minus = m.gMisfit(x0.map((x, i) => x - h * v[i]), 12, 0.01);
        expectClose(m.hvMisfit(x0, 12, 0.01, v), plus.map((p: number, i: number) => (p - minus[i]) / (2 * h)), 1e-5, 'hvp');
      });

      it('vjp of the model returning its state: a dot-product test against finite differences', () => {
        const x = Float64Array.from(x0);
        const ct = Float64Array.from(v);
        const pulled = m.pullback(x, 9, 0.02, ct);
        // ⟨ct, M'(x)·e_j⟩ by central differences of the model, for every j
        const expected = x0.map((_, j) => {
          const at = (s: number): Float64Array => m.forecast(Float64Array.from(x0, (xi, i) => xi + (i === j ? s : 0)), 9, 0.02);
          const [p, q] = [at(1e-6), at(-1e-6)];
          return v.reduce((acc, c, i) => acc + c * (p[i] - q[i]) / 2e-6, 0);
        });
        expectClose(Array.from(pulled[0]), expected, 1e-6, 'vjp');
        expect(Array.from(x)).to.deep.equal(x0);
      });

      it('a step that changes the state\'s length throws a RangeError that says so', () => {
        expect(() => m.gGrowing([1, 2, 3], 2)).to.throw(RangeError, /state 'x' of a \/\/ @checkpoint loop must keep its length.*4 elements instead of 3/);
      });
    });
  }
});
