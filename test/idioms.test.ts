/**
 * Idiomatic TypeScript (closures, default and optional parameters, array methods, spread,
 * destructuring, for…of, switch, labeled jumps, helpers that return arrays): each function below
 * goes through every transformation that applies to it (grad, valueAndGrad, jvp, vjp, jacfwd,
 * jacrev, hvp, hessian, grad(grad f)), optimized and not, and is checked the way the fuzzer checks
 * random programs (test/fuzz/check.ts): first derivatives against central differences in float64,
 * second derivatives against second differences, vjp against jvp, values against f, inputs never
 * modified.
 */
import { expect } from 'chai';
import { type ParamSpec, type Program, type Transform } from './fuzz/generate.js';
import { newStats, runBatch } from './fuzz/run.js';
import { line } from './fuzz/tree.js';

interface Idiom {
  readonly name: string;
  readonly body: string;
  /** Module-level helpers and constants. */
  readonly top?: string;
  /** A second module, whose exports the function's module imports by name. */
  readonly lib?: string;
  readonly params?: readonly ParamSpec[];
  readonly output?: Program['output'];
}

const x: ParamSpec = { name: 'x', type: 'num' };
const a: ParamSpec = { name: 'a', type: 'numarr' };
const b: ParamSpec = { name: 'b', type: 'f64' };
const o: ParamSpec = { name: 'o', type: 'obj', shape: { w: 'f64', s: 'num' } };

const idioms: Idiom[] = [
  {
    name: 'a closure reads the current value of a local it captures',
    body: `let k = 0.5 * x;
  const g = (v: number) => k * v * v + x;
  k = k + 1;
  return g(a[0]) + g(a[1]);`,
  },
  {
    name: 'a closure passed to a higher-order helper',
    top: 'function applyTwice(g: (v: number) => number, y: number): number {\n  return g(g(y));\n}',
    body: `const c = Math.sin(x);
  return applyTwice((v) => c * v + Math.tanh(v), a[2]) + applyTwice(Math.sin, x) + applyTwice((v) => applyTwice((w) => w * c, v), b[0]);`,
  },
  {
    name: 'closures calling closures, passed to map',
    body: `const f1 = (v: number) => v * x;
  const f2 = (v: number): number => f1(v) + f1(v * v);
  function f3(v: number) {
    return f2(v) * b[0];
  }
  return f2(a[0]) + a.map(f2).reduce((s, v) => s + v, 0) + f3(x);`,
  },
  {
    name: 'default and optional parameters of a helper',
    top: `function scaled(y: number, k = 2, j?: number): number {
  return k * y + (j ?? 0.5) * y * y;
}
function tested(y: number, k?: number): number {
  const kk = k === undefined ? 2 : k;
  if (k !== undefined) return kk * y * y;
  return kk * Math.sin(y);
}`,
    body: 'return scaled(x) + scaled(a[0], 3) + scaled(a[1], x, a[2]) + tested(x) + tested(a[3], x);',
  },
  {
    name: 'map and reduce',
    body: `const sq = a.map((v) => v * v);
  return sq.reduce((s, v) => s + Math.sin(v) * x, 0);`,
  },
  {
    name: 'map with Math.exp and a module function, reduce with the index',
    top: 'function square(v: number): number {\n  return v * v;\n}',
    body: `const e = b.map(Math.exp);
  const s = a.map(square);
  return e.reduce((p, v, i) => p + v * s[i] * x, 0);`,
  },
  {
    name: 'reduce without an initial value, reduceRight',
    body: 'return a.reduce((s, v) => s * 0.5 + v * x) + b.reduceRight((s, v, i) => s + v * i * x, 0);',
  },
  {
    name: 'forEach writing a captured local',
    body: `let s = 0;
  a.forEach((v, i) => {
    s += v * (i + x);
  });
  return s;`,
  },
  {
    name: 'some, every, find, findIndex, indexOf, includes',
    body: `const big = a.some((v) => v > 0.5);
  const all = a.every((v) => v > -2);
  const first = a.find((v) => v > 0) ?? x;
  const at = a.findIndex((v) => v > 0);
  const k = b.indexOf(b[2]);
  return (big ? x * x : x) + (all ? first * x : 0) + at * x + k * b[1] + (a.includes(a[3]) ? a[3] : 0);`,
  },
  {
    name: 'filter, then reduce over what is kept',
    body: `const pos = a.filter((v) => v > 0);
  return pos.reduce((s, v) => s + v * x, 0) + pos.length * x;`,
  },
  {
    name: 'slice, concat, at, spread into an array literal and into Math.max',
    body: `const head = a.slice(1, 4);
  const tail = a.slice(-2);
  const both = head.concat(tail);
  const ext = [...both, x, ...b];
  return Math.max(...ext) + ext.at(-1)! * x + both.at(0)! + ext.length * x + Math.min(x, ...a);`,
  },
  {
    name: 'Array.from, Float64Array.from, new Float64Array(xs), fill',
    body: `const w = Array.from({ length: a.length }, (_, i) => a[i] * (i + 1));
  const c = Float64Array.from(b, (v) => v * x);
  const d = new Float64Array(c);
  d[0] = x * x;
  const t = new Array(a.length).fill(x);
  t.fill(0, 2);
  const shifted = t.map((v, i) => t[(i + 1) % t.length] * v); // t is any[]: map gives numbers (fuzz seed 5916)
  const z = new Float64Array(3);
  z.fill(x * a[0], 1, 2);
  return w.reduce((s, v) => s + v, 0) + d.reduce((s, v) => s + v * v, 0) + c[0] + t[1] * t[3] + z[1] + shifted[0];`,
  },
  {
    name: 'Array.from of fractional and negative lengths, slice at fractional indices (fuzz seed 95231: new Array(2.5) threw)',
    body: `const w = Array.from({ length: 2.5 + a.length * 0 }, (_, i) => a[i] * x);
  const none = Array.from({ length: x * 0 - 1.5 }, () => x);
  const s = a.slice(0.7, 3.9).concat(a.slice(-2.5));
  return w.reduce((p, q) => p + q, 0) + none.length + s.reduce((p, q) => p + q * x, 0) + s.length * x + w.length;`,
  },
  {
    name: 'subarray read',
    body: `const sub = b.subarray(1, 3);
  return sub[0] * sub[1] * x + sub.length;`,
  },
  {
    name: 'for…of with break, .entries(), .keys() with continue',
    body: `let s = 0;
  for (const v of a) {
    if (v > 1) break;
    s += v * x;
  }
  for (const [i, v] of b.entries()) s += i * v * v;
  for (const i of a.keys()) {
    if (i === 1) continue;
    s += a[i] * b[i];
  }
  return s;`,
  },
  {
    name: 'switch with fall-through and default, in a loop',
    body: `let y = 0;
  for (let i = 0; i < a.length; i++) {
    switch (i % 3) {
      case 0:
        y += a[i] * x;
      case 1:
        y += Math.sin(a[i]);
        break;
      default:
        y -= x * x;
    }
  }
  return y;`,
  },
  {
    name: 'switch with returns in a helper',
    top: `function act(k: number, v: number): number {
  switch (k) {
    case 0:
      return Math.tanh(v);
    case 1:
      return v > 0 ? v : 0.1 * v;
    default:
      return v;
  }
}`,
    body: 'return act(0, x) + act(1, a[0]) + act(2, a[1] * x) + act(Math.floor(b.length / 2), x);',
  },
  {
    name: 'labeled continue and break out of an inner loop',
    body: `let s = 0;
  outer: for (let i = 0; i < a.length; i++) {
    for (let j = 0; j < b.length; j++) {
      if (a[i] * b[j] > 0.5) continue outer;
      if (j > i + 1) break outer;
      s += a[i] * b[j] * x;
    }
    s += x;
  }
  return s;`,
  },
  {
    name: 'while (true) with break',
    body: `let k = 0;
  let s = x;
  while (true) {
    s = Math.sin(s) + a[k];
    k++;
    if (k >= a.length) break;
  }
  return s;`,
  },
  {
    name: 'destructuring: arrays, swaps, rest, objects',
    params: [x, a, b, o],
    body: `const [p, q] = a;
  let [u, v] = [x * p, q + x];
  [u, v] = [v, u];
  const [first, ...rest] = b;
  const { w, s } = o;
  return u * v + first * rest.reduce((t, e) => t + e, 0) + w[0] * s;`,
  },
  {
    name: 'helpers that return arrays; aliases',
    top: `function scale(xs: readonly number[], k: number): number[] {
  return xs.map((v) => v * k);
}
function step(y: Float64Array, h: number): Float64Array {
  const out = new Float64Array(y.length);
  for (let i = 0; i < y.length; i++) out[i] = y[i] + h * Math.sin(y[i]);
  return out;
}`,
    body: `const r = a;
  const s1 = scale(r, x);
  const y1 = step(b, 0.1);
  const y2 = step(y1, x);
  return s1[0] * y2[1] + y2.reduce((t, v) => t + v, 0);`,
  },
  {
    name: 'a let array given a new array each step (x = step(x)), and read through another let',
    top: `function step(y: readonly number[], h: number): number[] {
  return y.map((v, i) => v + h * Math.sin(v * (i + 1)) * y[(i + 1) % y.length]);
}`,
    body: `let state = [...a];
  let other: ArrayLike<number> = b;
  for (let t = 0; t < 4; t++) {
    state = step(state, 0.1 * x);
    if (t % 2 === 1) state = state.map((v) => v * other[0]);
  }
  other = state.slice(1);
  return state.reduce((s, v) => s + v * v, 0) + other[0] * x;`,
  },
  {
    name: 'a vector output from a time loop of array steps',
    output: 'numarr',
    top: 'const axpy = (s: number, p: number[], q: number[]): number[] => p.map((v, i) => q[i] + s * v);',
    body: `let y = Array.from(a);
  for (let t = 0; t < 3; t++) {
    const k = y.map((v) => Math.cos(v) * x);
    y = axpy(0.2, k, y);
  }
  return y;`,
  },
  {
    name: 'tables of numbers private to another module, read by its helper',
    lib: `const WEIGHTS = [0.2, 0.5, 0.3];
const NODES = new Float64Array([-0.7745966692414834, 0, 0.7745966692414834]);
export const SCALE = [2, 3];
export function quad(g: (t: number) => number): number {
  let s = 0;
  for (let i = 0; i < NODES.length; i++) s += WEIGHTS[i] * g(NODES[i]);
  return s;
}`,
    body: 'return quad((t) => Math.sin(x * t) * a[0]) + SCALE[1] * quad((t) => t * t * b[2]);',
  },
  {
    name: 'push onto local arrays (one value, several, a spread), then read and reduced',
    body: `const kept: number[] = [];
  for (const v of a) if (v > -0.5) kept.push(v * x);
  const more: number[] = [];
  more.push(x, x * x, ...b);
  const n = kept.push(Math.sin(x));
  return kept.reduce((s, v) => s + v * v, 0) + more[1] * more[4] + n * x;`,
  },
  {
    name: 'a pushed array written by index in a loop',
    body: `const q: number[] = [];
  for (const v of a) q.push(v * 0.5);
  let s = x;
  for (let t = 0; t < 4; t++) {
    q[t] = Math.sin(q[t] * s) + b[t];
    s = s * 0.5 + q[t] * q[(t + 1) % q.length];
  }
  return s + q[0];`,
  },
  {
    name: 'a vector output built with push',
    output: 'numarr',
    body: `const out: number[] = [];
  for (let i = 0; i < a.length; i++) {
    if (i % 2 === 0) out.push(a[i] * x + b[i]);
  }
  out.push(x * x);
  return out;`,
  },
  {
    name: 'tuples, and helpers returning one of several arrays',
    top: `type Vec3 = [number, number, number];
const cross = (a: Vec3, b: Vec3): Vec3 => [a[1] * b[2] - a[2] * b[1], a[2] * b[0] - a[0] * b[2], a[0] * b[1] - a[1] * b[0]];
function rotate(rot: Vec3, p: Vec3): Vec3 {
  const t2 = rot[0] * rot[0] + rot[1] * rot[1] + rot[2] * rot[2];
  if (t2 > 0.5) {
    const c = Math.cos(Math.sqrt(t2));
    return [c * p[0], c * p[1], p[2]];
  }
  const k = cross(rot, p);
  return [p[0] + k[0], p[1] + k[1], p[2] + k[2]];
}`,
    body: `const r: Vec3 = [a[0] * x, a[1], a[2]];
  const q = rotate(r, [b[0], b[1], x]);
  const [u, v, w] = rotate([0.1 * x, 0.2, 0.1], q);
  return u * v + w;`,
  },
  {
    name: 'a vector output returned from one of two branches',
    output: 'numarr',
    body: `if (x > 0) return a.map((v) => v * x);
  const out = new Array(3).fill(0);
  out[0] = x * x;
  out[2] = b[1] * x;
  return out;`,
  },
  {
    name: 'a vector output built by map',
    output: 'numarr',
    body: 'return a.map((v, i) => v * x + b[i] * b[i]);',
  },
  {
    name: 'string-literal unions and enums: constants compared in switch and if',
    top: `type Activation = 'tanh' | 'relu' | 'softplus';
enum Norm {
  L1,
  L2,
}
const enum Mode {
  Sum = 'sum',
  Mean = 'mean',
}
function act(kind: Activation, v: number): number {
  switch (kind) {
    case 'tanh':
      return Math.tanh(v);
    case 'relu':
      return v > 0 ? v : 0;
    default:
      return Math.log(1 + Math.exp(v));
  }
}
function norm(xs: ArrayLike<number> & Iterable<number>, n: Norm, mode: Mode): number {
  let s = 0;
  for (const v of xs) s += n === Norm.L1 ? Math.abs(v) : v * v;
  return mode === Mode.Mean ? s / xs.length : s;
}`,
    body: `const kinds: Activation[] = ['tanh', 'relu', 'softplus'];
  let s = norm(a, Norm.L2, Mode.Mean) * x + norm(b, Norm.L1, Mode.Sum);
  s += act('tanh', x) + act('relu', a[0] * x) + act('softplus', b[1]);
  return s + kinds.length;`,
  },
  {
    name: 'Number.EPSILON, Number.isFinite and isNaN guards',
    body: `const d = Math.sqrt(x * x + Number.EPSILON);
  const r = Number.isFinite(1 / d) && !Number.isNaN(d) ? a[0] / d : 0;
  return r * x + (isFinite(b[0]) ? b[0] * d : 0);`,
  },
  {
    name: 'x!, as and satisfies',
    body: `const y = (x as number) * a.at(0)!;
  return (y satisfies number) + a[1]! * x;`,
  },
];

function program(idiom: Idiom, i: number): Program {
  const params = idiom.params ?? [x, a, b];
  const output = idiom.output ?? 'num';
  const diff = params.flatMap((p, k) => (p.type === 'size' || p.type === 'i32' ? [] : [k]));
  const plain = diff.filter((k) => params[k].type !== 'obj');
  const first = params.findIndex((p) => p.type === 'num');
  const transforms: Transform[] = output !== 'num'
    ? [{ kind: 'jvp', argnums: diff }, { kind: 'vjp', argnums: diff }, { kind: 'jacfwd', argnums: [plain[0]] }, { kind: 'jacrev', argnums: [plain[plain.length - 1]] }]
    : [
      { kind: 'grad', argnums: diff },
      { kind: 'valueAndGrad', argnums: [diff[diff.length - 1]] },
      { kind: 'jvp', argnums: diff },
      { kind: 'vjp', argnums: diff },
      { kind: 'jacfwd', argnums: [plain[0]] },
      { kind: 'jacrev', argnums: [plain[plain.length - 1]] },
      { kind: 'hvp', argnums: [plain[plain.length - 1]] },
      { kind: 'hessian', argnums: [plain[0]] },
      { kind: 'gradgrad', argnums: [first] },
    ];
  return {
    name: `idiom${i}`, seed: 1000 + i, length: 5, params,
    top: idiom.top ? [line(idiom.top)] : [], lib: idiom.lib ? [line(idiom.lib)] : [], libImport: 'named',
    body: [line(idiom.body)], transforms, output,
  };
}

describe('idiomatic TypeScript: every transformation against finite differences, optimize on and off', () => {
  const programs = idioms.map(program);
  let findings: ReturnType<typeof runBatch> | undefined;
  const stats = newStats();
  before(function () {
    this.timeout(120_000);
    findings = runBatch(programs, [true, false], stats);
  });
  idioms.forEach((idiom, i) => {
    it(idiom.name, () => {
      const mine = findings!.filter((f) => f.program === programs[i]);
      expect(mine.map((f) => `optimize ${f.optimize}: ${f.kind} ${f.transform ?? ''} ${f.detail.split('\n')[0]}`).join('\n')).to.equal('');
    });
  });
  it('the checks compared values (nothing was skipped)', () => {
    expect(stats.skipped).to.equal(0);
    const checked = [...stats.ok.values()].reduce((s, n) => s + n, 0);
    expect(checked).to.be.at.least(idioms.length * 2 * 4);
    expect(stats.compared).to.be.greaterThan(idioms.length * 20);
  });
});
