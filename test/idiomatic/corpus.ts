/**
 * The idiomatic corpus (test/cases/idiomatic/*.ts): which function, which transformations, at
 * which arguments. Inputs come from a seeded generator; `wrt` are the arguments whose derivatives
 * are checked (grad/valueAndGrad argnums, the cotangents compared under vjp, the arguments given
 * tangents under jvp).
 */
import { rng } from '../harness.js';
import type { Path } from './tree.js';

export type Transform = 'grad' | 'valueAndGrad' | 'jvp' | 'vjp' | 'jacfwd' | 'jacrev' | 'hvp' | 'hessian';

export interface Entry {
  /** Short name used in the report and in `pending`. */
  readonly name: string;
  /** test/cases/idiomatic/<file>.ts */
  readonly file: string;
  /** The exported function differentiated. */
  readonly fn: string;
  readonly output: 'scalar' | 'vector';
  readonly wrt: readonly number[];
  /**
   * Arguments for a seed, fewer than the function's parameters where defaults are meant to apply;
   * `m` is the compiled module (for classes it exports).
   */
  readonly args: (seed: number, m: Record<string, any>) => unknown[];
  /** Numeric leaves of the `wrt` arguments that are not inputs (indices stored as numbers). */
  readonly skip?: (path: Path) => boolean;
  /** Seeds at which grad is checked (other transformations use the first two). */
  readonly seeds?: readonly number[];
  /** Argument of jacfwd/jacrev (vector outputs) or hessian (scalar outputs): a flat array. */
  readonly jac?: number;
  /** Argument of hvp. */
  readonly hvp?: number;
  /** A control (test/cases/idiomatic/subset.ts): the checker's own validation, not the corpus. */
  readonly control?: boolean;
}

/** The transformations checked for an entry. */
export function transformsOf(e: Entry): Transform[] {
  const ts: Transform[] = e.output === 'scalar' ? ['grad', 'valueAndGrad', 'jvp', 'vjp'] : ['jvp', 'vjp'];
  if (e.jac !== undefined) ts.push(...(e.output === 'scalar' ? (['hessian'] as const) : (['jacfwd', 'jacrev'] as const)));
  if (e.hvp !== undefined) ts.push('hvp');
  return ts;
}

/** Uniform numbers in [lo, hi) from a seeded generator, as arrays and matrices. */
function gen(seed: number) {
  const r = rng(seed * 7919 + 17);
  const num = (lo = -1, hi = 1): number => lo + (hi - lo) * r();
  const vec = (n: number, lo = -1, hi = 1): number[] => Array.from({ length: n }, () => num(lo, hi));
  const mat = (m: number, n: number, lo = -1, hi = 1): number[][] => Array.from({ length: m }, () => vec(n, lo, hi));
  const int = (n: number): number => Math.floor(r() * n);
  return { num, vec, mat, int };
}
type Vec2 = [number, number];
type Vec3 = [number, number, number];

const activations = ['relu', 'tanh', 'sigmoid', 'softplus', 'gelu'] as const;

function layers(seed: number, sizes: number[]): { W: number[][]; b: number[] }[] {
  const g = gen(seed);
  return sizes.slice(1).map((n, i) => ({ W: g.mat(n, sizes[i]), b: g.vec(n, -0.3, 0.3) }));
}

function lstmParams(seed: number, D: number, H: number) {
  const g = gen(seed);
  return { Wx: g.mat(4 * H, D, -0.6, 0.6), Wh: g.mat(4 * H, H, -0.6, 0.6), b: g.vec(4 * H, -0.2, 0.2) };
}

function camera(seed: number) {
  const g = gen(seed);
  return {
    rotation: g.vec(3, -0.3, 0.3) as Vec3,
    center: [g.num(-0.5, 0.5), g.num(-0.5, 0.5), g.num(-6, -5)] as Vec3,
    focal: g.num(400, 600),
    principal: g.vec(2, -2, 2) as Vec2,
    radial: g.vec(2, -0.05, 0.05) as Vec2,
  };
}

export const corpus: readonly Entry[] = [
  {
    name: 'logsumexp', file: 'mixtures', fn: 'logsumexp', output: 'scalar', wrt: [0], jac: 0, hvp: 0,
    args: (s) => [gen(s).vec(6, -3, 3)],
  },
  {
    name: 'gmm', file: 'mixtures', fn: 'gmmObjective', output: 'scalar', wrt: [0, 1, 2], hvp: 1,
    args: (s) => {
      const g = gen(s);
      const [d, K, n] = [2, 3, 5];
      return [g.vec(K), g.mat(K, d), g.mat(K, d + (d * (d - 1)) / 2, -0.5, 0.5), g.mat(n, d, -2, 2), { gamma: 1, m: 0 }];
    },
  },
  {
    name: 'kmeans', file: 'mixtures', fn: 'kmeansCost', output: 'scalar', wrt: [0], hvp: 0,
    args: (s) => {
      const g = gen(s);
      return [g.mat(3, 2, -2, 2), g.mat(8, 2, -3, 3)];
    },
  },
  {
    name: 'softmax classifier', file: 'mixtures', fn: 'softmaxLoss', output: 'scalar', wrt: [0, 1], hvp: 1,
    args: (s) => {
      const g = gen(s);
      const data = Array.from({ length: 6 }, () => ({ features: g.vec(3), label: g.int(4) }));
      return [g.mat(4, 3), g.vec(4, -0.5, 0.5), data];
    },
  },
  {
    name: 'activation switch', file: 'networks', fn: 'neuron', output: 'scalar', wrt: [0, 2], seeds: [1, 2, 3, 4, 5],
    args: (s) => {
      const g = gen(s);
      return [g.vec(3), g.vec(3), g.num(-0.5, 0.5), activations[s % activations.length]];
    },
  },
  {
    name: 'mlp', file: 'networks', fn: 'mlp', output: 'vector', wrt: [0, 1], jac: 1,
    args: (s) => [layers(s, [3, 4, 2]), gen(s + 100).vec(3)],
  },
  {
    name: 'mlp loss', file: 'networks', fn: 'mlpLoss', output: 'scalar', wrt: [0], hvp: 0,
    args: (s) => {
      const g = gen(s + 100);
      return [layers(s, [2, 3, 1]), g.mat(4, 2), g.mat(4, 1)];
    },
  },
  {
    name: 'lstm step', file: 'networks', fn: 'lstmStep', output: 'vector', wrt: [0, 1, 2, 3], jac: 2,
    args: (s) => {
      const g = gen(s + 100);
      return [lstmParams(s, 2, 3), g.vec(2), g.vec(3), g.vec(3)];
    },
  },
  {
    name: 'lstm objective', file: 'networks', fn: 'lstmObjective', output: 'scalar', wrt: [0, 1], hvp: 1,
    args: (s) => {
      const g = gen(s + 100);
      return [lstmParams(s, 2, 3), g.mat(2, 3), g.mat(4, 2)];
    },
  },
  {
    name: 'ba residual', file: 'geometry', fn: 'reprojectionError', output: 'vector', wrt: [0, 1, 2], jac: 1,
    args: (s) => {
      const g = gen(s + 100);
      return [camera(s), [g.num(-1, 1), g.num(-1, 1), g.num(-1, 1)] as Vec3, g.num(0.5, 1.5), g.vec(2, -50, 50) as Vec2];
    },
  },
  {
    name: 'ba objective', file: 'geometry', fn: 'bundleAdjustmentCost', output: 'scalar', wrt: [0, 1], hvp: 1,
    args: (s) => {
      const g = gen(s + 100);
      const points = Array.from({ length: 3 }, () => g.vec(3, -1, 1) as Vec3);
      const observations = [[0, 0], [0, 1], [1, 1], [1, 2], [0, 2]].map(([camera, point]) => ({ camera, point, feature: g.vec(2, -50, 50) as Vec2 }));
      return [[camera(s), camera(s + 50)], points, observations];
    },
  },
  {
    name: 'spring network (class)', file: 'geometry', fn: 'springEnergy', output: 'scalar', wrt: [0, 1], hvp: 1,
    skip: (p) => p[0] === 0 && p[1] === 'edges',
    args: (s, m) => {
      const g = gen(s);
      const edges: [number, number][] = [[0, 1], [1, 2], [2, 0], [2, 3]];
      return [new m.SpringNetwork(g.vec(4, 1, 3), g.vec(4, 0.5, 1.5), edges), g.mat(4, 2, -1, 1) as Vec2[]];
    },
  },
  {
    name: 'det (LU)', file: 'linalg', fn: 'detLU', output: 'scalar', wrt: [0], hvp: 0,
    args: (s) => [gen(s).mat(4, 4)],
  },
  {
    name: 'det (minors, recursive)', file: 'linalg', fn: 'detMinors', output: 'scalar', wrt: [0], hvp: 0,
    args: (s) => [gen(s).mat(4, 4)],
  },
  {
    name: 'llsq', file: 'linalg', fn: 'llsq', output: 'scalar', wrt: [0], jac: 0, hvp: 0,
    args: (s) => [gen(s).vec(4), 9],
  },
  {
    name: 'polynomial fit (recursive Horner)', file: 'linalg', fn: 'polyFit', output: 'scalar', wrt: [0, 1], jac: 0, hvp: 0,
    args: (s) => {
      const g = gen(s);
      return [g.vec(4), g.vec(6), g.vec(6)];
    },
  },
  {
    name: 'rosenbrock', file: 'linalg', fn: 'rosenbrock', output: 'scalar', wrt: [0], jac: 0, hvp: 0,
    args: (s) => [gen(s).vec(5, -1.5, 1.5)],
  },
  {
    name: 'kalman filter', file: 'linalg', fn: 'kalmanLogLikelihood', output: 'scalar', wrt: [0, 1], hvp: 0,
    args: (s) => {
      const g = gen(s);
      let position = 0;
      const ys = Array.from({ length: 6 }, () => (position += 0.5 + 0.3 * g.num()) + 0.2 * g.num());
      return [{ logQ: g.num(-2, 0), logR: g.num(-2, 0) }, ys];
    },
  },
  {
    name: 'pendulum (RK4)', file: 'dynamics', fn: 'simulatePendulum', output: 'vector', wrt: [0, 1], jac: 0,
    args: (s) => {
      const g = gen(s);
      return [[g.num(-1, 1), g.num(-1, 1)] as Vec2, { gravity: g.num(9, 10), length: g.num(0.8, 1.2), damping: g.num(0, 0.3) }];
    },
  },
  {
    name: 'lorenz96 (RK4)', file: 'dynamics', fn: 'lorenz96Forecast', output: 'vector', wrt: [0, 1], jac: 0,
    args: (s) => [gen(s).vec(6, -2, 2).map((v) => v + 8), 8],
  },
  {
    name: 'heat equation', file: 'dynamics', fn: 'heatSolve', output: 'vector', wrt: [0, 1], jac: 0,
    args: (s) => [gen(s).vec(7, 0, 1), gen(s + 1).num(0.5, 2)],
  },
  {
    name: 'particle (nested grad)', file: 'particle', fn: 'particle', output: 'scalar', wrt: [0],
    args: (s) => [0.1 * s - 0.15],
  },
  // test/cases/idiomatic/idioms.ts: one everyday construct each
  { name: 'idiom: guard that throws', file: 'idioms', fn: 'guardedLog', output: 'scalar', wrt: [0], jac: 0, hvp: 0, args: (s) => [gen(s).num(0.5, 3)] },
  { name: 'idiom: console.warn left in', file: 'idioms', fn: 'withLogging', output: 'scalar', wrt: [0], args: (s) => [gen(s).vec(4)] },
  { name: 'idiom: x!, as, satisfies', file: 'idioms', fn: 'casts', output: 'scalar', wrt: [0], args: (s) => [gen(s).vec(4)] },
  { name: 'idiom: optional parameter omitted, ??', file: 'idioms', fn: 'scaled', output: 'scalar', wrt: [0], args: (s) => [gen(s).vec(4)] },
  { name: 'idiom: optional parameter given, ??', file: 'idioms', fn: 'scaled', output: 'scalar', wrt: [0, 1], args: (s) => [gen(s).vec(4), gen(s + 1).num(0.5, 2)] },
  { name: 'idiom: comma in a for header', file: 'idioms', fn: 'foldedProduct', output: 'scalar', wrt: [0], jac: 0, args: (s) => [gen(s).vec(5)] },
  { name: 'idiom: k++ inside an index', file: 'idioms', fn: 'packedTriangle', output: 'scalar', wrt: [0, 1], hvp: 1, args: (s) => [gen(s).vec(3), gen(s + 1).vec(3)] },
  { name: 'idiom: running minimum from Infinity', file: 'idioms', fn: 'nearestSquaredDistance', output: 'scalar', wrt: [0, 1], args: (s) => [gen(s).vec(2), gen(s + 1).vec(6, -2, 2)] },
  { name: 'idiom: swap through a temporary', file: 'idioms', fn: 'twoTermRecurrence', output: 'scalar', wrt: [0, 1, 2], jac: 2, args: (s) => [gen(s).num(), gen(s + 1).num(), gen(s + 2).num()] },
  { name: 'idiom: labeled break', file: 'idioms', fn: 'firstLarge', output: 'scalar', wrt: [0], args: (s) => [gen(s).vec(8), 2] },
  { name: 'idiom: while (true) Newton iteration', file: 'idioms', fn: 'newtonSqrt', output: 'scalar', wrt: [0], jac: 0, args: (s) => [gen(s).num(0.5, 4)] },
  { name: 'idiom: Math.max of 3, .at(-1)', file: 'idioms', fn: 'spread3', output: 'scalar', wrt: [0], args: (s) => [gen(s).vec(4)] },
  {
    name: 'idiom: string union compared with if', file: 'idioms', fn: 'penalty', output: 'scalar', wrt: [0], seeds: [1, 2, 3, 4, 5, 6],
    args: (s) => [gen(s).num(-2, 2), (['l1', 'l2', 'huber'] as const)[s % 3]],
  },
  { name: 'idiom: shadowing in a block', file: 'idioms', fn: 'shadowing', output: 'scalar', wrt: [0], jac: 0, args: (s) => [gen(s).num()] },
  { name: 'idiom: loop counter as exponent', file: 'idioms', fn: 'powerSeries', output: 'scalar', wrt: [0, 1], jac: 0, hvp: 1, args: (s) => [gen(s).vec(4), gen(s + 1).num()] },
  { name: 'idiom: (t * n) | 0 as an index', file: 'idioms', fn: 'linearInterpolation', output: 'scalar', wrt: [0, 1], args: (s) => [gen(s).vec(5), gen(s + 1).num(0.05, 0.95)] },
  { name: 'idiom: unary plus, a = b = …, let without value', file: 'idioms', fn: 'unaryAndChained', output: 'scalar', wrt: [0, 1], seeds: [1, 2, 3, 4], args: (s) => [gen(s).num(), gen(s + 1).num()] },
  { name: 'idiom: assignment in a loop condition', file: 'idioms', fn: 'assignInCondition', output: 'scalar', wrt: [0], jac: 0, args: (s) => [gen(s).num(0.2, 1.2)] },
  { name: 'idiom: module-level quadrature tables', file: 'idioms', fn: 'gaussLegendre', output: 'scalar', wrt: [0, 1, 2], jac: 2, args: (s) => [gen(s).num(-1, 0), gen(s + 1).num(0.5, 1.5), gen(s + 2).num(0.5, 2)] },
  { name: 'idiom: negative bases, **=, % of negatives', file: 'idioms', fn: 'signedPowers', output: 'scalar', wrt: [0, 1], jac: 0, seeds: [1, 2, 3, 4], args: (s) => [gen(s).num(-2, -0.2), gen(s + 1).num(-2, 2)] },
  { name: 'idiom: reverse loop with a boolean flag', file: 'idioms', fn: 'lastAbove', output: 'scalar', wrt: [0, 1], args: (s) => [gen(s).vec(6), gen(s + 1).num(0, 0.5)] },
  { name: 'idiom: parameter array overwritten in place', file: 'idioms', fn: 'normalizeInPlace', output: 'scalar', wrt: [0], hvp: 0, args: (s) => [gen(s).vec(4)] },
  { name: 'idiom: Number.EPSILON, Math.SQRT2', file: 'idioms', fn: 'smoothAbs', output: 'scalar', wrt: [0], jac: 0, args: (s) => [gen(s).num()] },
];

/** The corpus's functions rewritten into the subset that compiled before issue 13 (subset.ts). */
export const controls: readonly Entry[] = [
  {
    name: 'control: logsumexp (loops)', file: 'subset', fn: 'logsumexpLoop', output: 'scalar', wrt: [0], jac: 0, hvp: 0, control: true,
    args: (s) => [Float64Array.from(gen(s).vec(6, -3, 3))],
  },
  {
    name: 'control: lorenz96 (loops)', file: 'subset', fn: 'lorenz96Loop', output: 'vector', wrt: [0, 1], jac: 0, control: true,
    args: (s) => [gen(s).vec(6, -2, 2).map((v) => v + 8), 8, 0.01, 10],
  },
  {
    name: 'control: spring network (object)', file: 'subset', fn: 'springEnergyLoop', output: 'scalar', wrt: [0, 1], jac: 1, hvp: 0, control: true,
    args: (s) => {
      const g = gen(s);
      const net = { stiffness: Float64Array.from(g.vec(4, 1, 3)), rest: Float64Array.from(g.vec(4, 0.5, 1.5)), ends: Int32Array.from([0, 1, 1, 2, 2, 0, 2, 3]), gravity: 9.81 };
      return [net, Float64Array.from(g.vec(8))];
    },
  },
];
