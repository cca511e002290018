/**
 * jit: every `// @parallel` loop kind in test/jit-cases/kernels.ts runs as gpu.js kernels on the
 * backends CI has (cpu, webasm) and is compared with the same function run as plain float64
 * JavaScript. Kernels compute in float32, so the tolerances are float32 ones: 2e-6 relative for
 * sums of products, 1e-4 where webasm's own exp/log/tanh/pow (less accurate than V8's) dominate.
 * Trip counts exceed gpu.js's default loopMaxIterations (1000), which cuts loops with argument
 * bounds short: jit passes bounds as kernel constants, and these sizes would show a cut.
 */
import { expect } from 'chai';
import * as path from 'node:path';
import * as ts from 'typescript';
import { id } from '../compiler/code.js';
import { emitStatements } from '../compiler/emit.js';
import { divMod } from '../compiler/passes/kernelGrid.js';
import { useTypeScript } from '../compiler/tsapi.js';
import { chooseBackend } from '../runtime/gpu/backend.js';
import { compile, formatDiagnostics, repoRoot, rng, scaledError } from './harness.js';

const out = compile([path.join(repoRoot, 'test', 'jit-cases', 'kernels.ts')]);
const m = () => out.modules.get('test/jit-cases/kernels')!;
const backends = ['cpu', 'webasm'] as const;

const rand = rng(7);
const uniform = (length: number, lo = -1, hi = 1): Float32Array => Float32Array.from({ length }, () => lo + (hi - lo) * rand());

/** The largest |got − want| / max(1, |want|) over the elements; a NaN or an infinity must be the same one. */
export function elementError(got: ArrayLike<number>, want: ArrayLike<number>): number {
  let worst = 0;
  for (let i = 0; i < want.length; i++) {
    if (Object.is(got[i], want[i])) continue;
    const e = Number.isFinite(got[i]) && Number.isFinite(want[i]) ? Math.abs(got[i] - want[i]) / Math.max(1, Math.abs(want[i])) : Infinity;
    worst = Math.max(worst, e);
  }
  return got.length === want.length ? worst : Infinity;
}

describe('jit: parallel loops as gpu.js kernels', () => {
  it('compiles without diagnostics', () => {
    expect(formatDiagnostics(out.diagnostics)).to.equal('');
  });

  const n = 2500;
  const d = 12;
  const c = 4;
  const theta = uniform(c * d);
  const X = uniform(n * d);
  const y = Int32Array.from({ length: n }, () => Math.floor(rand() * c));

  for (const b of backends) {
    describe(`on ${b}`, () => {
      it('sum reduction (softmax cross-entropy, n = 2500)', () => {
        const f = m().lossOn[b];
        expect(f.backend.name).to.equal(b);
        expect(scaledError(f(theta, X, y, n, d, c), m().loss(theta, X, y, n, d, c))).to.be.below(2e-6);
        expect(f.backend.fallbacks).to.deep.equal([]);
      });

      it('block writes out[i * c + k] (logits)', () => {
        const want = new Float64Array(n * c);
        const got = new Float64Array(n * c).fill(NaN);
        m().logits(theta, X, want, n, d, c);
        m().logitsOn[b](theta, X, got, n, d, c);
        expect(scaledError(got, want)).to.be.below(2e-6);
      });

      it('block writes of empty blocks (c = 0) write nothing (was: gpu.js refused an output of 0 elements)', () => {
        const out = new Float64Array(0);
        expect(m().logitsOn[b](theta, X, out, n, d, 0)).to.equal(m().logits(theta, X, new Float64Array(0), n, d, 0));
      });

      it('max and min reductions, a counted sum under a branch, a loop from an offset', () => {
        const x = uniform(3001);
        for (const from of [0, 7, 2999]) {
          expect(scaledError(m().extremesOn[b](x, from, 3001), m().extremes(x, from, 3001))).to.be.below(2e-6);
        }
        // no iterations: no kernel runs, the reductions keep their initial values
        expect(m().extremesOn[b](x, 3001, 3001)).to.equal(-Infinity);
      });

      it('two fixed slots per iteration, a ternary, a scalar argument', () => {
        const x = uniform(1500, -2, 2);
        const want = new Float64Array(3000);
        const got = new Float64Array(3000).fill(NaN);
        m().pairs(x, want, 1500, 0.75);
        m().pairsOn[b](x, got, 1500, 0.75);
        expect(scaledError(got, want)).to.be.below(1e-4);
      });

      it('an inner loop of 1500 iterations and 1200 rows (past loopMaxIterations)', () => {
        const A = uniform(1200 * 1500, 0, 1);
        const want = new Float64Array(1200);
        const got = new Float64Array(1200);
        const total = m().rowSums(A, want, 1200, 1500);
        // float32 sums of 1500 terms: error grows like sqrt(1500) ulps
        expect(scaledError(m().rowSumsOn[b](A, got, 1200, 1500), total)).to.be.below(1e-5);
        expect(scaledError(got, want)).to.be.below(1e-5);
        expect(got[1199]).to.be.above(600); // a cut-off loop would sum at most 1000 of 1500 values ≈ 0.5 each
      });

      it('block writes whose value is carried along the block (row prefix sums)', () => {
        // the thread for slot k must run slots 0…k: running only iteration k would store x[k] alone
        const x = uniform(1100 * 9, 0, 1);
        const want = new Float64Array(1100 * 9);
        const got = new Float64Array(1100 * 9).fill(NaN);
        m().prefixRows(x, want, 1100, 9);
        m().prefixRowsOn[b](x, got, 1100, 9);
        expect(scaledError(got, want)).to.be.below(2e-6);
      });

      it('powers and sines as JavaScript computes them: negative bases, NaN, 0 ** -1, a scalar exponent, sin of ±5000', () => {
        const x = Float32Array.from([0, -1, 1, -0.5, 2, -2, ...uniform(994, -2, 2)]);
        const t = uniform(1000, -5000, 5000);
        for (const k of [3, 2, 0.5, 0, -1, 1.5]) {
          const want = new Float64Array(4000);
          const got = new Float64Array(4000);
          m().powers(x, t, want, 1000, k);
          m().powersOn[b](x, t, got, 1000, k);
          expect(elementError(got, want), `k = ${k}`).to.be.below(1e-5);
        }
      });

      it('a helper function called in the loop', () => {
        const x = uniform(4000, -20, 20);
        expect(scaledError(m().softplusOn[b](x, 4000), m().meanSoftplus(x, 4000))).to.be.below(1e-4);
      });
    });
  }

  it('an inline function reading a const of its enclosing function', () => {
    const x = uniform(2000);
    const f = m().inlineJit();
    let want = 0;
    for (let i = 0; i < 2000; i++) want += x[i] * (1 + (i % 3));
    expect(f.backend.name).to.equal('webasm');
    expect(scaledError(f(x, 2000), want)).to.be.below(2e-6);
  });

  it('js backend runs the function as written', () => {
    expect(m().lossOn.js(theta, X, y, n, d, c)).to.equal(m().loss(theta, X, y, n, d, c));
    expect(m().lossOn.js.backend.name).to.equal('js');
  });

  it('async forms return Promises of the same values', async () => {
    const want = m().loss(theta, X, y, n, d, c);
    const p = m().lossAsync(theta, X, y, n, d, c);
    expect(p).to.be.instanceOf(Promise);
    expect(scaledError(await p, want)).to.be.below(2e-6);
    expect(scaledError(await m().lossAsyncOption(theta, X, y, n, d, c), want)).to.be.below(2e-6);
    expect(m().lossAsync.backend.async).to.equal(true);
  });

  it('builds each kernel once for repeated calls with the same shapes', () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { GPU } = require('gpu.js');
    const original = GPU.prototype.createKernel;
    let built = 0;
    GPU.prototype.createKernel = function (...args: unknown[]) {
      built++;
      return original.apply(this, args);
    };
    try {
      const f = m().lossOn.webasm;
      f(theta, X, y, 100, d, c); // a new shape: built once
      const after = built;
      for (let k = 0; k < 3; k++) f(theta, X, y, 100, d, c);
      expect(after).to.equal(1);
      expect(built).to.equal(1);
    } finally {
      GPU.prototype.createKernel = original;
    }
  });
});

describe('jit: indices in float32 (exact up to 2^24) and kernels over a grid', () => {
  const L = 2 ** 24;
  // the last elements read, and a counter and arrays past 2^24 (zeros but for the tail)
  const x = new Float32Array(L + 8);
  for (let i = L - 16; i < x.length; i++) x[i] = (i % 7) - 3;
  const atLimit = x.subarray(0, L);

  it('webasm reads the last elements of an array of 2^24 elements exactly', () => {
    expect(m().extremesOn.webasm(atLimit, L - 16, L)).to.equal(m().extremes(atLimit, L - 16, L));
  });

  it('webasm: a parallel loop counter past 2^24 is an error naming the loop, before any kernel runs', () => {
    expect(() => m().extremesOn.webasm(x, L - 4, L + 8)).to.throw(/the parallel loop over i runs from 16777212 to 16777224; on webasm, .*float32, exact only up to 2\^24 = 16777216/);
  });

  it('webasm: an array argument past 2^24 elements is an error naming the array', () => {
    expect(() => m().softplusOn.webasm(x, 100)).to.throw(/kernel \w+ reads the array x, of 16777224 elements; on webasm, .*float32/);
  });

  it('webasm: a kernel computing more than 2^24 elements is an error naming it', () => {
    // logits with c = 2, d = 1: 2^23 + 1 iterations write 2^24 + 2 elements (X itself is within the limit)
    const rows = 2 ** 23 + 1;
    expect(() => m().logitsOn.webasm(new Float32Array([1, 2]), new Float32Array(rows), new Float64Array(2 * rows), rows, 1, 2))
      .to.throw(/kernel logits_jit_out\w* computes 16777218 elements/);
  });

  it('cpu indexes in float64: the same counter and array past 2^24 are exact there', () => {
    expect(m().extremesOn.cpu(x, L - 4, L + 8)).to.equal(m().extremes(x, L - 4, L + 8));
    expect(scaledError(m().softplusOn.cpu(x, 100), m().meanSoftplus(x, 100))).to.be.below(2e-6);
  });

  it('divMod corrects a float32 quotient that is one off either way (GLSL and WGSL division is not exact)', () => {
    useTypeScript(ts);
    const printer = ts.createPrinter();
    const source = ts.createSourceFile('divmod.ts', '', ts.ScriptTarget.ES2022);
    const code = emitStatements(divMod(id('x'), id('w'), id('q'), id('r'))).map((s) => printer.printNode(ts.EmitHint.Unspecified, s, source)).join('\n');
    const run = new Function('Math', 'x', 'w', `let q = 0, r = 0;\n${code}\nreturn [q, r];`) as (M: unknown, x: number, w: number) => [number, number];
    const rand = rng(11);
    // a division that rounds to the integer on either side of the true quotient, as a GPU's may at a multiple
    const sloppy = { floor: (v: number) => Math.floor(v) + (rand() < 1 / 3 ? -1 : rand() < 0.5 ? 1 : 0) };
    for (let k = 0; k < 20000; k++) {
      const w = 1 + Math.floor(rand() * (k % 2 ? 9 : 70000));
      const xv = Math.floor((rand() * 2 - 0.25) * (2 ** 24 - 1));
      expect(run(sloppy, xv, w)).to.deep.equal([Math.floor(xv / w), xv - Math.floor(xv / w) * w]);
    }
    expect(run(Math, 2 ** 24 - 1, 1)).to.deep.equal([2 ** 24 - 1, 0]);
  });
});

describe('jit: backend selection', () => {
  const saved = process.env.TSGRAD_BACKEND;
  afterEach(() => {
    if (saved === undefined) delete process.env.TSGRAD_BACKEND;
    else process.env.TSGRAD_BACKEND = saved;
  });

  it('auto picks an available backend and says why faster ones were skipped', () => {
    delete process.env.TSGRAD_BACKEND;
    const info = chooseBackend();
    expect(['headlessgl', 'webgl2', 'webasm', 'cpu', 'js']).to.include(info.name);
    expect(info.requested).to.equal('auto');
    expect(info.unavailable.webgpu).to.match(/async/);
  });

  it('TSGRAD_BACKEND overrides the option', () => {
    process.env.TSGRAD_BACKEND = 'cpu';
    const info = chooseBackend({ backend: 'webasm' });
    expect(info.name).to.equal('cpu');
    expect(info.requested).to.equal('TSGRAD_BACKEND=cpu');
  });

  it('an unknown backend name is an error naming the choices', () => {
    process.env.TSGRAD_BACKEND = 'cuda';
    expect(() => chooseBackend()).to.throw(/unknown backend 'cuda'.*webgpu, headlessgl, webgl2, webasm, cpu, js/);
  });

  it('a backend asked for by name that is not available is an error, not a silent fallback', () => {
    delete process.env.TSGRAD_BACKEND;
    expect(() => chooseBackend({ backend: 'webgpu' })).to.throw(/backend 'webgpu'.*not available.*async/);
    expect(() => chooseBackend({ backend: 'webgl2' })).to.throw(/not available: no WebGL2/);
  });
});
