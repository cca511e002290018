/**
 * The idiomatic corpus (issue 13): GradBench/ADBench objectives and scientists' code written as a
 * TypeScript developer writes them (test/cases/idiomatic/*.ts; entries and inputs in
 * test/idiomatic/corpus.ts). What compiles is checked against central finite differences in
 * float64 under each transformation, optimize on and off; what does not yet is listed in
 * test/idiomatic/pending.ts and asserted to be still rejected, so that when support lands this
 * test says to move it. `node dist/test/idiomatic/report.js` prints where every function stands.
 */
import { expect } from 'chai';
import { modes } from './check.js';
import { controls, corpus, type Entry, type Transform, transformsOf } from './idiomatic/corpus.js';
import { pending, pendingFor } from './idiomatic/pending.js';
import { clone, getAt, leafPaths } from './idiomatic/tree.js';
import { checkTransform, type Compiled, compileEntry } from './idiomatic/verify.js';

const entries = [...controls, ...corpus];

describe('idiomatic corpus: the lists', () => {
  it('pending.ts names entries and transformations of the corpus', () => {
    for (const p of pending) {
      const e = corpus.find((x) => x.name === p.name);
      expect(e, `pending entry '${p.name}'`).to.not.equal(undefined);
      for (const t of p.transforms ?? []) expect(transformsOf(e!), `${p.name}: ${t}`).to.include(t);
    }
  });

  it('every function runs at its test inputs and gives finite numbers (the references are sound)', () => {
    for (const e of entries) {
      const c = compileEntry(e, [], true);
      expect(c.invalid, `${e.name}: corpus type-checks`).to.deep.equal([]);
      // particle's primal itself calls grad(potential): it runs once that call compiles
      if (!c.module || c.loadError || c.rejected.length > 0) continue;
      for (const seed of [1, 2]) {
        const y = c.module[e.fn](...e.args(seed, c.module));
        const ys: number[] = typeof y === 'number' ? [y] : Array.from(y as ArrayLike<number>);
        expect(ys.length > 0 && ys.every(Number.isFinite), `${e.name} at seed ${seed}: ${ys}`).to.equal(true);
      }
    }
  });
});

for (const optimize of modes) {
  describe(`idiomatic corpus (optimize: ${optimize})`, () => {
    for (const e of entries) {
      const ready = transformsOf(e).filter((t) => !pendingFor(e.name, t));
      const waiting = transformsOf(e).filter((t) => pendingFor(e.name, t));
      describe(e.name, () => {
        if (ready.length > 0) {
          let c: Compiled;
          before(() => {
            c = compileEntry(e, ready, optimize);
          });
          it(`compiles: ${ready.join(', ')}`, () => {
            expect(c.invalid, 'TypeScript errors').to.deep.equal([]);
            expect(c.rejected, 'tsgrad diagnostics').to.deep.equal([]);
            expect(String(c.loadError ?? ''), 'load error').to.equal('');
          });
          for (const t of ready) {
            it(`${t} agrees with finite differences`, function () {
              if (c.rejected.length > 0 || !c.driver) this.skip();
              expect(checkTransform(e, t, c)).to.equal(undefined);
            });
          }
        }
        if (waiting.length > 0) {
          it(`still rejects ${waiting.join(', ')} (pending.ts: ${pendingFor(e.name, waiting[0])!.reason})`, () => {
            for (const t of waiting) {
              const c = compileEntry(e, [t], optimize);
              expect(c.invalid, 'TypeScript errors').to.deep.equal([]);
              expect(
                c.rejected.length,
                `${e.name}: ${t} now compiles. Run \`node dist/test/idiomatic/report.js "${e.name}"\`; ` +
                  'where its derivatives are right, take it out of test/idiomatic/pending.ts',
              ).to.be.greaterThan(0);
            }
          });
        }
      });
    }
  });
}

/** A copy of `x` with its first numeric leaf moved by 1e-3 (a derivative slightly wrong). */
function bumped(x: unknown): unknown {
  if (typeof x === 'number') return x + 1e-3;
  const y = clone(x);
  const [first] = leafPaths(y, [0]);
  const parent = getAt(y, first.slice(1, -1)) as Record<string | number, number>;
  parent[first[first.length - 1]] += 1e-3;
  return y;
}

/** The same derivative function with a slightly wrong result. */
function broken(t: Transform, d: (...args: any[]) => any): (...args: any[]) => any {
  switch (t) {
    case 'valueAndGrad':
    case 'jvp':
      return (...a) => {
        const [v, g] = d(...a);
        return [v, bumped(g)];
      };
    case 'vjp':
      return (...a) => {
        const [v, pullback] = d(...a);
        return [v, (ct: unknown) => (pullback(ct) as unknown[]).map((c, i) => (i === 0 ? bumped(c) : c))];
      };
    default:
      return (...a) => bumped(d(...a));
  }
}

describe('idiomatic corpus: the checker finds wrong derivatives', () => {
  for (const e of controls) {
    it(`${e.name}: every transformation, off by 1e-3 in one element, is reported`, () => {
      const c = compileEntry(e, transformsOf(e), true);
      expect(c.rejected).to.deep.equal([]);
      for (const t of transformsOf(e)) {
        const wrong = { ...c, driver: { ...c.driver, [`d_${t}`]: broken(t, c.driver![`d_${t}`]) } };
        expect(checkTransform(e, t, wrong), `${e.name}: ${t}`).to.be.a('string');
      }
    });
  }

  it('a derivative call that writes into its arguments is reported', () => {
    const e: Entry = controls[0];
    const c = compileEntry(e, ['grad'], true);
    const writes = (x: Float64Array) => {
      const g = c.driver!.d_grad(x);
      x[0] += 1;
      return g;
    };
    expect(checkTransform(e, 'grad', { ...c, driver: { d_grad: writes } })).to.match(/modified its arguments/);
  });
});
