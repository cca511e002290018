/**
 * Arrays of objects and objects read out of them (Layer[], Body[], { k, c }[], an object parameter
 * holding a Layer[]): elements and fields read by reference, derivatives returned in the same
 * shape and types (a Layer[] gradient is a Layer[]: number[][] stays number[][], Float64Array
 * stays Float64Array, string and integer fields are kept). Also reduce over an array accumulator,
 * a ternary between arrays, and flat(). Every derivative is checked against central finite
 * differences over each numeric leaf (or, for jvp/vjp, against the gradient by a dot product),
 * optimized and not.
 */
import { expect } from 'chai';
import * as path from 'node:path';
import { expectClose } from './check.js';
import { compile, formatDiagnostics, repoRoot } from './harness.js';
import { clone, getAt, leafPaths, type Path, shapeMismatch, shifted } from './idiomatic/tree.js';

const file = path.join(repoRoot, 'test', 'virtual', 'objects.ts');
const source = `import { grad, valueAndGrad, jvp, vjp, jacfwd, jacrev, hvp, hessian } from 'tsgrad';

type Kind = 'tanh' | 'linear';
export interface Layer { W: number[][]; b: Float64Array; scale: number; kind: Kind }
const act = (v: number, kind: Kind): number => (kind === 'tanh' ? Math.tanh(v) : v);

export function mlp(layers: Layer[], x: number[]): number[] {
  return layers.reduce((h, { W, b, scale, kind }, l) => {
    const z = W.map((row, k) => scale * row.reduce((s, w, j) => s + w * h[j], b[k]));
    return l < layers.length - 1 ? z.map((v) => act(v, kind)) : z;
  }, x);
}
export function loss(layers: Layer[], x: number[], y: number[]): number {
  return mlp(layers, x).reduce((s, v, i) => s + (v - y[i]) ** 2, 0);
}

export interface Body { pos: { x: number; y: number }; mass: number; tags: Int32Array; name: string }
export function energy(bodies: Body[], g: number): number {
  let e = 0;
  for (const b of bodies) {
    const { pos, mass } = b;
    e += mass * g * pos.y + 0.5 * mass * pos.x * pos.x * b.tags[0];
  }
  for (let i = 0; i < bodies.length; i++) {
    for (let j = i + 1; j < bodies.length; j++) {
      const p = bodies[i].pos;
      const q = bodies[j].pos;
      e -= (bodies[i].mass * bodies[j].mass) / Math.hypot(p.x - q.x, p.y - q.y);
    }
  }
  return e;
}

export function rollout(params: { k: number; c: number }[], x0: number, steps: number): number {
  let x = x0;
  let v = 0;
  // @checkpoint
  for (let t = 0; t < steps; t++) {
    const p = params[t % params.length];
    const a = -p.k * x - p.c * v;
    v += 0.1 * a;
    x += 0.1 * v;
  }
  return x * x + v;
}

export function regularized(model: { layers: Layer[]; lambda: number }, x: number[], y: number[]): number {
  let penalty = 0;
  for (const L of model.layers) penalty += L.W.flat().reduce((s, w) => s + w * w, 0);
  return loss(model.layers, x, y) + model.lambda * penalty;
}

export const gLoss = grad(loss);
export const vgLoss = valueAndGrad(loss, [0, 1]);
export const jvpMlp = (L: Layer[], x: number[], dL: Layer[], dx: number[]) => jvp(mlp, [L, x], [dL, dx]);
export const vjpMlp = (L: Layer[], x: number[]) => vjp(mlp, L, x);
export const jfMlp = jacfwd(mlp, 1);
export const jrMlp = jacrev(mlp, 1);
export const hvpLoss = hvp(loss, 1);
export const hvpLayers = hvp(loss);
export function pairwise(points: number[][], w: number): number {
  let s = 0;
  points.forEach((p, i) => points.forEach((q, j) => { if (i < j) s += w * Math.exp(-((p[0] - q[0]) ** 2) - (p[1] - q[1]) ** 2); }));
  return s;
}
export const gPairwise = grad(pairwise);
export const hvpPairwise = hvp(pairwise);
export const hLoss = hessian(loss, 1);
export const gEnergy = grad(energy, [0, 1]);
export const gRollout = grad(rollout, [0, 1]);
export const gRegularized = grad(regularized);
`;

const rejected = `import { grad, hessian, jit } from 'tsgrad';
interface P { w: number[]; k: number; f: (x: number) => number; names: string[] }
export function writes(ps: P[]): number {
  ps[0].w[0] = 2;
  return ps[0].w[0] * ps[0].k;
}
export function assigns(ps: P[]): number {
  const p = ps[0];
  p.k = 3;
  return p.k;
}
export function calls(ps: P[]): number {
  return ps[0].f(ps[0].k);
}
export function sum(ps: P[], x: number): number {
  return ps.reduce((s, p) => s + p.k * x, 0);
}
export function labels(ps: P[]): number {
  return ps[0].names.length * ps[0].k;
}
export const a = grad(writes);
export const b = grad(assigns);
export const c = grad(calls);
export const d = hessian(sum);
export const e = jit(sum);
export const f = grad(labels);
`;

type Fn = (...args: any[]) => any;

/** Central differences of scalar `f` at every numeric leaf of argument `argnum`, as [path, value]. */
function fdLeaves(f: Fn, args: unknown[], argnum: number, h = 1e-6, skip?: (p: Path) => boolean): [Path, number][] {
  return leafPaths(args[argnum], [argnum], skip).map((p) => {
    const plus = f(...shifted(args, [p], [[[1], h]]));
    const minus = f(...shifted(args, [p], [[[1], -h]]));
    return [p, (plus - minus) / (2 * h)];
  });
}

/** `got` (a derivative with respect to argument `argnum`) has the argument's shape and the finite differences' values. */
function expectLeaves(got: unknown, f: Fn, args: unknown[], argnum: number, what: string, tol = 1e-6): void {
  const mismatch = shapeMismatch(got, args[argnum], [argnum]);
  expect(mismatch, `${what}: shape`).to.equal(undefined);
  for (const [p, want] of fdLeaves(f, args, argnum)) {
    expectClose(getAt([got], [0, ...p.slice(1)]) as number, want, tol, `${what} at ${p.slice(1).join('.')}`);
  }
}

function gen(seed: number): () => number {
  let s = seed;
  return () => ((s = (s * 16807) % 2147483647) / 2147483647) * 2 - 1;
}

function layers(r: () => number): unknown[] {
  const mat = (m: number, n: number) => Array.from({ length: m }, () => Array.from({ length: n }, r));
  return [
    { W: mat(4, 3), b: Float64Array.from({ length: 4 }, r), scale: 1 + 0.2 * r(), kind: 'tanh' },
    { W: mat(2, 4), b: Float64Array.from({ length: 2 }, r), scale: 0.8, kind: 'linear' },
  ];
}

describe('arrays of objects', () => {
  for (const optimize of [true, false]) {
    describe(`optimize: ${optimize}`, () => {
      const out = compile([file], { optimize }, new Map([[file, source]]));
      const m = out.modules.get('test/virtual/objects')!;
      const r = gen(7);
      const L = layers(r);
      const x = [0.3, -0.8, 0.5];
      const y = [0.1, -0.2];

      it('compiles without diagnostics', () => {
        expect(formatDiagnostics(out.diagnostics)).to.equal('');
      });

      it('grad and valueAndGrad of an MLP loss with respect to its Layer[] and its input', () => {
        const before = clone(L);
        expectLeaves(m.gLoss(L, x, y), m.loss, [L, x, y], 0, 'grad wrt layers');
        const [value, [gL, gx]] = m.vgLoss(L, x, y);
        expect(value).to.equal(m.loss(L, x, y));
        expectLeaves(gL, m.loss, [L, x, y], 0, 'valueAndGrad wrt layers');
        expectLeaves(gx, m.loss, [L, x, y], 1, 'valueAndGrad wrt x');
        expect(L, 'inputs unchanged').to.deep.equal(before);
        const g = m.gLoss(L, x, y);
        expect(g[1].kind, 'string fields kept').to.equal('linear');
        expect(g[0].b).to.be.instanceOf(Float64Array);
      });

      it('jvp and vjp of the MLP agree with the gradient (dot products)', () => {
        const dL = layers(gen(11));
        const dx = [0.2, 0.7, -0.4];
        const [value, tangent] = m.jvpMlp(L, x, dL, dx);
        expectClose(value, m.mlp(L, x), 1e-15, 'jvp value');
        const [, pullback] = m.vjpMlp(L, x);
        const ct = [0.6, -1.3];
        const [ctL, ctx] = pullback(ct);
        // ⟨ct, J·t⟩ = ⟨Jᵀct, t⟩ over every leaf of both parameters
        const lhs = ct.reduce((s, c, i) => s + c * tangent[i], 0);
        let rhs = 0;
        for (const p of leafPaths(L, [0])) rhs += (getAt([ctL], p) as number) * (getAt([dL], p) as number);
        rhs += ctx.reduce((s: number, c: number, i: number) => s + c * dx[i], 0);
        expectClose(lhs, rhs, 1e-12, 'jvp/vjp dot product');
        // and Jᵀct against finite differences of ⟨ct, mlp⟩
        const dotted = (Ls: unknown, xs: number[]) => (m.mlp(Ls, xs) as number[]).reduce((s, v, i) => s + ct[i] * v, 0);
        expectLeaves(ctL, dotted, [L, x], 0, 'vjp wrt layers');
        expectLeaves(ctx, dotted, [L, x], 1, 'vjp wrt x');
      });

      it('jacfwd, jacrev, hvp and hessian with respect to the input', () => {
        const J = m.jfMlp(L, x) as Float64Array;
        expectClose(m.jrMlp(L, x), J, 1e-12, 'jacrev = jacfwd');
        for (let i = 0; i < 2; i++) expectLeaves(Array.from(J.slice(i * 3, i * 3 + 3)), (Ls: unknown, xs: number[]) => m.mlp(Ls, xs)[i], [L, x], 1, `jacfwd row ${i}`);
        const H = m.hLoss(L, x, y) as Float64Array;
        const v = [1, -0.5, 0.25];
        expectClose(m.hvpLoss(L, x, y, v), [0, 1, 2].map((i) => v.reduce((s, vj, j) => s + H[i * 3 + j] * vj, 0)), 1e-10, 'hvp = H v');
        for (let j = 0; j < 3; j++) {
          expectLeaves(Array.from(H.slice(j * 3, j * 3 + 3)), (Ls: unknown, xs: number[], ys: number[]) => m.vgLoss(Ls, xs, ys)[1][1][j], [L, x, y], 1, `hessian column ${j}`, 1e-5);
        }
      });

      it('hvp with respect to a Layer[] and to a number[][]: H·v in the argument\'s shape', () => {
        const v = layers(gen(5));
        // H·v = d/dε ∇f(θ + εv): central differences of the gradient along v, leaf by leaf
        const along = (eps: number): unknown => m.gLoss(shifted([L], leafPaths(L, [0]), [[leafPaths(L, [0]).map((p) => getAt([v], p) as number), eps]])[0], x, y);
        const [plus, minus] = [along(1e-5), along(-1e-5)];
        const Hv = m.hvpLayers(L, x, y, v);
        expect(shapeMismatch(Hv, L, [0])).to.equal(undefined);
        for (const p of leafPaths(L, [0])) {
          expectClose(getAt([Hv], p) as number, ((getAt([plus], p) as number) - (getAt([minus], p) as number)) / 2e-5, 1e-5, `H·v at ${p.join('.')}`);
        }
        const pts = [[0.1, 0.4], [-0.3, 0.2], [0.5, -0.6]];
        const dir = [[1, 0.5], [-0.2, 0.3], [0.7, -1]];
        expectLeaves(m.gPairwise(pts, 1.3), m.pairwise, [pts, 1.3], 0, 'grad wrt number[][]');
        const gAt = (eps: number) => m.gPairwise(pts.map((p, i) => p.map((c, j) => c + eps * dir[i][j])), 1.3);
        const [gp, gm] = [gAt(1e-5), gAt(-1e-5)];
        const Hd = m.hvpPairwise(pts, 1.3, dir);
        pts.forEach((p, i) => p.forEach((_, j) => expectClose(Hd[i][j], (gp[i][j] - gm[i][j]) / 2e-5, 1e-5, `H·d at [${i}][${j}]`)));
      });

      it('nested objects, for…of, destructuring, integer and string fields', () => {
        const bodies = [0, 1, 2].map((k) => ({ pos: { x: r(), y: r() + 2 * k }, mass: 1 + 0.3 * k, tags: Int32Array.of(k + 1), name: `b${k}` }));
        const [gb, gg] = m.gEnergy(bodies, 9.81);
        expectLeaves(gb, m.energy, [bodies, 9.81], 0, 'grad wrt bodies');
        expectLeaves(gg, m.energy, [bodies, 9.81], 1, 'grad wrt g');
        expect(gb[2].name).to.equal('b2');
      });

      it('a // @checkpoint loop reading an array of objects', () => {
        const params = [{ k: 1.5, c: 0.2 }, { k: 0.7, c: 0.05 }, { k: 2, c: 0.4 }];
        for (const steps of [1, 7, 40]) {
          const [gp, gx] = m.gRollout(params, 0.9, steps);
          expectLeaves(gp, m.rollout, [params, 0.9, steps], 0, `grad wrt params, ${steps} steps`);
          expectLeaves(gx, m.rollout, [params, 0.9, steps], 1, `grad wrt x0, ${steps} steps`);
        }
      });

      it('an object parameter holding a Layer[], and flat()', () => {
        const model = { layers: L, lambda: 0.05 };
        expectLeaves(m.gRegularized(model, x, y), m.regularized, [model, x, y], 0, 'grad wrt model');
      });
    });
  }

  it('writes into objects, fields of other types, hvp and jit with respect to them: rejected, all in one build', () => {
    const bad = path.join(repoRoot, 'test', 'virtual', 'objects-rejected.ts');
    const out = compile([bad], {}, new Map([[bad, rejected]]));
    const text = formatDiagnostics(out.diagnostics);
    expect(text).to.match(/objects-rejected\.ts:4:3 .*writing into 'ps\[0\]\.w', an array held by an object/);
    expect(text).to.match(/objects-rejected\.ts:9:3 .*assignment to field 'p\.k'/);
    expect(text).to.match(/objects-rejected\.ts:13:\d+ .*'ps\[0\]\.f\(…\)' calls a method or a function held in an object/);
    expect(text).to.match(/objects-rejected\.ts:19:\d+ .*'names' is not a field tsgrad reads/);
    expect(text).to.match(/objects-rejected\.ts:15:\d+ .*hessian with respect to an array of objects \('ps'\)/);
    expect(text).to.match(/objects-rejected\.ts:15:\d+ .*jit of a function with an array of objects \('ps'\)/);
  });
});
