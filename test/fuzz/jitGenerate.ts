/**
 * Random functions with `// @parallel` loops inside the rules of README "jit: parallel loops as
 * gpu.js kernels", for jit(f), jit(grad(f)) and jit(valueAndGrad(f)):
 *
 *   export function f(theta: Float64Array, X: Float32Array, y: Int32Array, v: Float64Array, w: number, n: number, d: number, c: number): number {
 *     let s0 = 0; let m1 = -Infinity; const B2 = new Float64Array(n * d);
 *     // @parallel
 *     for (let i = 0; i < n; i++) {
 *       let z3 = 0;
 *       for (let j = 0; j < d; j++) z3 += theta[1 * d + j] * X[i * d + j];   // a leaf sum
 *       const a4 = h0(z3, X[i * d + 1]);                                        // a helper (inlined)
 *       s0 += Math.tanh(a4);  m1 = Math.max(m1, z3 * w);                       // reductions
 *       for (let j = 0; j < d; j++) B2[i * d + j] = a4 * X[i * d + j];         // a block write
 *     }
 *     … a sequential or parallel loop reading B2 …
 *     return s0 + 0.5 * m1 + t5;
 *   }
 *
 * theta is c×d row-major, X is n×d, y holds labels in [0, c), v has d elements; every index is in
 * range by construction. Values stay bounded (inputs in [-1, 1], sums of at most n·c terms of
 * bounded functions), so float32 kernels stay within the tolerances of jitCheck.ts.
 */
import { rng } from '../harness.js';
import type { ParamSpec, ParamType } from './generate.js';
import { Draw } from './draw.js';
import { block, type E, expr, line, renderS, type S, text } from './tree.js';

export type JitTransformKind = 'jit' | 'jitGrad' | 'jitValueAndGrad';
export const jitTransformKinds: readonly JitTransformKind[] = ['jit', 'jitGrad', 'jitValueAndGrad'];

export interface JitTransform {
  readonly kind: JitTransformKind;
  /** grad / valueAndGrad: parameters differentiated (theta 0, X 1, v 3, w 4). */
  readonly argnums: readonly number[];
}

export interface JitProgram {
  readonly name: string;
  readonly seed: number;
  readonly n: number;
  readonly d: number;
  readonly c: number;
  /** theta, X, y, v, w, n, d, c in that order; only the array types vary. */
  readonly params: readonly ParamSpec[];
  /** Helper functions (inlined into kernels). */
  readonly top: readonly S[];
  readonly body: readonly S[];
  readonly transforms: readonly JitTransform[];
}

export function generateJit(seed: number, name: string): JitProgram {
  return new JitGenerator(seed, name).program();
}

/** What an expression inside the parallel loop may read. */
interface Ctx {
  readonly nums: readonly string[];
  /** The counter over [0, d) and the one over [0, c), when inside such inner loops. */
  readonly j?: string;
  readonly k?: string;
  /** In a helper of numbers: no arrays, no loop counter. */
  readonly scalarsOnly?: boolean;
}

interface Helper {
  readonly name: string;
  /** 'nn': (a, b) → number; 'row': (u, X, i, d) → Σ u[j]·X[i*d+j] over j. */
  readonly sig: 'nn' | 'row';
  readonly arr?: 'theta' | 'v';
}

/**
 * What branch conditions compare with. Not 0: wrappers such as log(1 + |x|) are never negative and
 * often within float32 rounding of 0 (tanh(t)³ below 6e-8 vanishes in 1 + …), where a float32
 * kernel and the float64 reference take different branches (seed 1070194: 2.9e-3 apart, a rounding
 * decision, not a kernel error); near 0.125 that takes a value within an ulp of it.
 */
const THRESHOLD = 0.125;

/** Wrappers that keep a bounded value bounded (# is the argument). */
const unary = ['Math.tanh(#)', 'Math.sin(#)', 'Math.cos(#)', 'Math.atan(#)', 'Math.exp(Math.tanh(#))', 'Math.log(1 + Math.abs(#))',
  'Math.sqrt(1 + Math.abs(#))', 'Math.abs(#)', 'Math.log1p(Math.abs(#))', 'Math.pow(Math.abs(#) + 0.5, 1.5)', 'Math.expm1(Math.sin(#))',
  'Math.asinh(#)', 'Math.cosh(Math.tanh(#))', 'Math.atan2(#, 1.5)', 'Math.cbrt(1.5 + Math.abs(#))', '(Math.abs(#) + 0.5) ** 0.5', 'Math.sign(#) * 0.25',
  // powers of values negative as often as positive (GPU pow is undefined there: compiler/passes/kernelMath.ts)
  'Math.tanh(#) ** 3', 'Math.pow(Math.sin(#), 2)', 'Math.pow(Math.tanh(#), 5)'];
const literals = ['0.5', '2', '1.5', '0.25', '0.75', '1.25', '0.3'];

class JitGenerator extends Draw {
  private readonly helpers: Helper[] = [];
  private readonly types: Record<'theta' | 'X' | 'v', ParamType>;
  private readonly n: number;
  private readonly d: number;
  private readonly c: number;
  /** Reductions declared before the loops: name and kind. */
  private readonly reductions: { name: string; op: 'sum' | 'max' | 'min' }[] = [];
  private readonly before: S[] = [];
  private readonly after: S[] = [];
  private readonly results: string[] = [];

  constructor(private readonly seed: number, private readonly name: string) {
    super(seed * 104729 + 3);
    this.n = 40 + this.int(160);
    this.d = 2 + this.int(4);
    this.c = 1 + this.int(3);
    this.types = { theta: this.pick(['f64', 'f64', 'f32', 'numarr'] as const), X: this.pick(['f32', 'f64'] as const), v: this.pick(['f64', 'f32'] as const) };
  }

  program(): JitProgram {
    const top: S[] = [];
    for (let h = this.int(3); h > 0; h--) top.push(this.helper());
    const body: S[] = [];
    const loops = 1 + this.int(2);
    for (let l = 0; l < loops; l++) body.push(...this.parallelLoop());
    const ret = this.results.length > 0 ? this.results.map((x, i) => (i === 0 ? x : `${this.pick(['+', '-'])} ${this.pick(literals)} * ${x}`)).join(' ') : '0';
    const params: ParamSpec[] = [
      { name: 'theta', type: this.types.theta }, { name: 'X', type: this.types.X }, { name: 'y', type: 'i32' }, { name: 'v', type: this.types.v },
      { name: 'w', type: 'num' }, { name: 'n', type: 'size' }, { name: 'd', type: 'size' }, { name: 'c', type: 'size' },
    ];
    const argnums = [0, 1, 3, 4].filter((_, i) => i === 0 ? this.chance(0.8) : this.chance(0.35));
    if (argnums.length === 0) argnums.push(0);
    const transforms: JitTransform[] = [{ kind: 'jit', argnums: [] }, { kind: this.chance(0.5) ? 'jitGrad' : 'jitValueAndGrad', argnums }];
    return {
      name: this.name, seed: this.seed, n: this.n, d: this.d, c: this.c, params, top,
      body: [...this.before, ...body, ...this.after, line(`return ${ret};`)], transforms,
    };
  }

  private helper(): S {
    const name = this.fresh('h');
    if (this.chance(0.5)) {
      this.helpers.push({ name, sig: 'nn' });
      const e = this.num({ nums: ['a', 'b'], scalarsOnly: true }, 2);
      return block(`function ${name}(a: number, b: number): number`, [[line(expr('num', ['return ', ';'], e))]]);
    }
    const arr = this.pick(['theta', 'v'] as const);
    this.helpers.push({ name, sig: 'row', arr });
    const type = { f64: 'Float64Array', f32: 'Float32Array', numarr: 'number[]' }[this.types[arr] as 'f64'];
    const xType = this.types.X === 'f32' ? 'Float32Array' : 'Float64Array';
    return block(`function ${name}(u: ${type}, X: ${xType}, i: number, d: number): number`, [[
      line('let s = 0;'),
      block('for (let j = 0; j < d; j++)', [[line(`s += u[j] * X[i * d + j];`)]]),
      line('return s;'),
    ]]);
  }

  /** A reduction variable of this kind, declared before the loops (reused or new). */
  private reduction(op: 'sum' | 'max' | 'min', guarded = false): string {
    const have = this.reductions.filter((x) => x.op === op);
    if (have.length > 0 && this.chance(0.4)) return this.pick(have).name;
    const name = this.fresh(op === 'sum' ? 's' : 'm');
    this.reductions.push({ name, op });
        // ±Infinity only where every iteration updates it (else f could stay infinite)
    const bound = guarded ? '5' : 'Infinity';
    this.before.push(line(`let ${name} = ${op === 'sum' ? '0' : op === 'max' ? `-${bound}` : bound};`, name));
    this.results.push(name);
    return name;
  }

  private parallelLoop(): S[] {
    const out: S[] = [];
    const ctx = { nums: ['w'] };
    const stmts: S[] = [];
    for (let count = 2 + this.int(5); count > 0; count--) stmts.push(...this.statement(ctx));
    // every private value reaches the result (else kernels would compute nothing of it)
    const privates = ctx.nums.filter((x) => x !== 'w');
    if (privates.length > 0) stmts.push(line(`${this.reduction('sum')} += ${privates.map((x) => `${this.pick(literals)} * ${x}`).join(' + ')};`));
    else stmts.push(this.reduce(ctx));
    const start = this.pick(['0', '0', '0', '1', '3']);
    const loop = block(`for (let i = ${start}; i < n; i++)`, [stmts]);
    out.push(line('// @parallel'), loop);
    if (this.chance(0.15)) return [block('for (let r = 0; r < 2; r++)', [[line('// @parallel'), block('for (let i = 0; i < n; i++)', [[...stmts, this.reduceWith('r')]])]])];
    return out;
  }

  private reduceWith(extra: string): S {
    return line(`${this.reduction('sum')} += ${extra} * ${this.pick(literals)} * X[i * d];`);
  }

  /** One statement (or a few) of the parallel body; `ctx.nums` grows with the privates declared. */
  private statement(ctx: { nums: string[] }): S[] {
    const roll = this.int(13);
    if (roll === 10) {
      // a private reassigned in branches and by compound assignment
      const t = this.fresh('t');
      const out = [line(expr('num', [`let ${t} = `, ';'], this.num(ctx, 1)), t),
        block(expr('bool', ['if (', ` > ${THRESHOLD})`], this.num(ctx, 1)), [[line(expr('num', [`${t} = `, ';'], this.num(ctx, 1)))], [line(`${t} *= ${this.pick(literals)};`)]], [' else'])];
      ctx.nums.push(t);
      return out;
    }
    if (roll === 11) {
      const a = this.fresh('a');
      const s = line(expr('num', [`const ${a} = `, ` > ${THRESHOLD} ? `, ' : ', ';'], this.num(ctx, 1), this.num(ctx, 1), this.num(ctx, 1)), a);
      ctx.nums.push(a);
      return [s];
    }
    if (roll === 12) {
      // an inner loop over all samples (bound n, a kernel constant): a leaf sum that does not read row i
      const z = this.fresh('z');
      ctx.nums.push(z);
      return [line(`let ${z} = 0;`, z), block('for (let q = 0; q < n; q++)', [[line(`${z} += ${this.pick(['X[q * d]', 'X[q * d + 1] * v[0]', 'theta[0] * X[q * d + 1]'])} * 0.01;`)]])];
    }
    if (roll < 2) {
      const a = this.fresh('a');
      const s = line(expr('num', [`const ${a} = `, ';'], this.num(ctx, 2)), a);
      ctx.nums.push(a);
      return [s];
    }
    if (roll < 4) return this.leafSum(ctx);
    if (roll === 4) return this.perClass(ctx);
    if (roll === 5) return [this.reduce(ctx)];
    if (roll === 6) return [block(expr('bool', ['if (', ` > ${this.pick(['0', '0.25', '-0.5'])})`], this.num(ctx, 1)), [[this.reduce(ctx, true)], [this.reduce(ctx, true)]], [' else'])];
    if (roll === 7 && this.helpers.length > 0) {
      const h = this.pick(this.helpers);
      const a = this.fresh('a');
      const call = h.sig === 'nn' ? expr('num', [`const ${a} = ${h.name}(`, ', ', ');'], this.num(ctx, 1), this.num(ctx, 1)) : text(`const ${a} = ${h.name}(${h.arr}, X, i, d);`);
      ctx.nums.push(a);
      return [line(call, a)];
    }
    return this.blockWrite(ctx);
  }

  /** `let z = 0; for (j < d) z += summand;` — the leaf sums materializeLeaves takes out under jit(grad). */
  private leafSum(ctx: { nums: string[]; k?: string }): S[] {
    const z = this.fresh('z');
    const k = ctx.k ?? this.pick(['0', `${this.int(this.c)}`, 'y[i]']);
    const summand = this.pick([
      `theta[${k} * d + j] * X[i * d + j]`, `v[j] * X[i * d + j]`, `Math.tanh(X[i * d + j] * v[j])`, `X[i * d + j] * X[i * d + j]`,
      `(theta[${k} * d + j] - X[i * d + j]) ** 2`, `theta[${k} * d + j] * v[j] * X[i * d + j]`, `Math.sin(theta[${k} * d + j] + X[i * d + j])`,
      `Math.pow(v[j] - X[i * d + j], 3)`,
    ]);
    const op = this.chance(0.8) ? '+=' : '-=';
    const body = this.chance(0.2) ? expr('num', [`${z} ${op} `, ` * ${summand};`], this.num({ nums: ctx.nums.filter((x) => x !== 'w').concat('w') }, 0)) : text(`${z} ${op} ${summand};`);
    ctx.nums.push(z);
    return [line(`let ${z} = 0;`, z), block('for (let j = 0; j < d; j++)', [[line(body)]])];
  }

  /** A loop over the c classes with a leaf sum per class and a private accumulation (softmax-like). */
  private perClass(ctx: { nums: string[] }): S[] {
    const acc = this.fresh('q');
    const inner = { nums: [...ctx.nums], k: 'k' };
    const sum = this.leafSum(inner);
    const z = inner.nums[inner.nums.length - 1];
    const use = this.chance(0.5) ? line(`${acc} += Math.exp(Math.tanh(${z}));`) : line(`${acc} = Math.max(${acc}, ${z});`);
    const stmts = [...sum, use];
    if (this.chance(0.3)) stmts.push(this.reduce(inner, true));
    ctx.nums.push(acc);
    return [line(`let ${acc} = ${use.head.parts[0].includes('max') ? '-1e30' : '0'};`, acc), block('for (let k = 0; k < c; k++)', [stmts])];
  }

  private reduce(ctx: Ctx, guarded = false): S {
    const op = this.pick(['sum', 'sum', 'sum', 'max', 'min'] as const);
    const name = this.reduction(op, guarded);
    const e = this.num(ctx, 2);
    if (op === 'sum') {
      const form = this.pick([`${name} += #;`, `${name} += #;`, `${name} -= #;`, `${name} = ${name} + #;`, `${name} = # + ${name};`, `${name} = ${name} - #;`]);
      return line(expr('num', form.split('#'), e));
    }
    const fn = op === 'max' ? 'Math.max' : 'Math.min';
    return line(this.chance(0.5) ? expr('num', [`${name} = ${fn}(${name}, `, ');'], e) : expr('num', [`${name} = ${fn}(`, `, ${name});`], e));
  }

  /** Writes of a block per iteration into a local array, read after the loop. */
  private blockWrite(ctx: { nums: string[] }): S[] {
    const B = this.fresh('B');
    const shape = this.pick(['one', 'row', 'row', 'pair', 'carry', 'cells'] as const);
    const size = { one: 'n', row: 'n * d', pair: '2 * n', carry: 'n * d', cells: 'n * c * d' }[shape];
    this.before.push(line(`const ${B} = new Float64Array(${size});`, B));
    const inRow = { nums: ctx.nums, j: 'j' };
    let stmts: S[];
    switch (shape) {
      case 'one': stmts = [line(expr('num', [`${B}[i] = `, ';'], this.num(ctx, 2)))]; break;
      case 'row': stmts = [block('for (let j = 0; j < d; j++)', [[line(expr('num', [`${B}[i * d + j] = `, ';'], this.num(inRow, 2)))]])]; break;
      case 'pair': stmts = [line(expr('num', [`${B}[2 * i] = `, ';'], this.num(ctx, 2))), line(expr('num', [`${B}[2 * i + 1] = `, ';'], this.num(ctx, 2)))]; break;
      case 'carry': {
        const run = this.fresh('run');
        stmts = [line(`let ${run} = 0;`, run), block('for (let j = 0; j < d; j++)', [[line(expr('num', [`${run} += `, ';'], this.num(inRow, 1))), line(`${B}[i * d + j] = ${run};`)]])];
        break;
      }
      case 'cells':
        stmts = [block('for (let k = 0; k < c; k++)', [[block('for (let j = 0; j < d; j++)', [[line(expr('num', [`${B}[(i * c + k) * d + j] = `, ';'], this.num({ ...inRow, k: 'k' }, 1)))]])]])];
        break;
    }
    this.consume(B, size);
    return stmts;
  }

  /** Read a written array after its loop: sequentially, or in a parallel loop of its own. */
  private consume(B: string, size: string): void {
    const t = this.reduction('sum');
    if (this.chance(0.5)) {
      this.after.push(block(`for (let q = 0; q < ${size}; q++)`, [[line(`${t} += ${this.pick(['Math.tanh', 'Math.sin', ''])}(${B}[q]) * ${this.pick(literals)};`)]]));
    } else {
      const read = size === 'n' ? `${B}[i]` : size === '2 * n' ? `${B}[2 * i + 1]` : `${B}[i * d + ${this.int(2)}]`;
      this.after.push(line('// @parallel'), block('for (let i = 0; i < n; i++)', [[line(`${t} += ${read} * ${this.pick(['X[i * d]', 'v[0]', 'w', '0.5'])};`)]]));
    }
  }

  /** A bounded number expression of depth at most `depth`. */
  private num(ctx: Ctx, depth: number): E {
    if (depth <= 0 || this.chance(0.3)) return this.atom(ctx);
    const roll = this.int(7);
    if (roll < 2) {
      const u = this.pick(unary).split('#');
      return expr('num', u, ...u.slice(1).map(() => this.num(ctx, depth - 1)));
    }
    if (roll === 2) return expr('num', ['(', ' * ', ')'], this.num(ctx, depth - 1), this.num(ctx, depth - 1));
    if (roll === 3) return expr('num', ['(', ') / (1.5 + Math.abs(', '))'], this.num(ctx, depth - 1), this.num(ctx, depth - 1));
    if (roll === 4) return expr('num', [this.pick(['Math.max(', 'Math.min(']), ', ', ')'], this.num(ctx, depth - 1), this.num(ctx, depth - 1));
    // a value without derivative, in kernels and their adjoints (the checker's differences hold it fixed: stops.ts)
    if (roll === 6) return expr('num', ['stopGradient(', ')'], this.num(ctx, depth - 1));
    return expr('num', ['(', this.pick([' + ', ' - ']), ')'], this.num(ctx, depth - 1), this.num(ctx, depth - 1));
  }

  private atom(ctx: Ctx): E {
    const j = ctx.j ?? `${this.int(2)}`;
    const k = ctx.k ?? `${this.int(this.c)}`;
    const choices = [
      ...ctx.nums, ...ctx.nums, this.pick(literals), `X[i * d + ${j}]`, `X[i * d + ${j}]`, `theta[${k} * d + ${j}]`, `theta[y[i] * d + ${j}]`,
      `v[${j}]`, 'y[i]', 'w', 'i * 0.01', 'd', 'c * 0.5',
    ];
    const a = this.pick(ctx.scalarsOnly ? [...ctx.nums, this.pick(literals)] : choices);
    return text(a, a === 'y[i]' ? 'int' : 'num');
  }
}

/** The arguments at a random point: theta c×d, X n×d, y labels in [0, c), v of d, w, sizes. */
export function makeJitArgs(p: JitProgram, seed: number): (number | number[] | Float64Array | Float32Array | Int32Array)[] {
  const r = rng(seed * 31 + 5);
  const u = (): number => Math.round((-1 + 2 * r()) * 1e6) / 1e6;
  const arr = (type: ParamType, length: number) => {
    const xs = Array.from({ length }, u);
    return type === 'f32' ? Float32Array.from(xs) : type === 'numarr' ? xs : Float64Array.from(xs);
  };
  return [
    arr(p.params[0].type, p.c * p.d), arr(p.params[1].type, p.n * p.d), Int32Array.from({ length: p.n }, () => Math.floor(r() * p.c)),
    arr(p.params[3].type, p.d), u(), p.n, p.d, p.c,
  ];
}

const typeName: Partial<Record<ParamType, string>> = { num: 'number', size: 'number', numarr: 'number[]', f64: 'Float64Array', f32: 'Float32Array', i32: 'Int32Array' };

/**
 * The program as one module: f, and per transformation `t<i>`, a function of the backend name that
 * builds it with `jit`; with `async`, also `a<i>`, the same with `jitAsync`, for webgpu (which has
 * only the async form). The async exports are rendered only for runs that use them, so a program
 * rendered for cpu and webasm alone is what it always was.
 */
export function renderJit(p: JitProgram, async = false): string {
  const params = p.params.map((x) => `${x.name}: ${typeName[x.type]}`).join(', ');
  const call = (t: JitTransform, jitFn: string): string => {
    const list = `[${t.argnums.join(', ')}]`;
    if (t.kind === 'jit') return `${jitFn}(f, { backend })`;
    return `${jitFn}(${t.kind === 'jitGrad' ? 'grad' : 'valueAndGrad'}(f, ${list}), { backend })`;
  };
  const body = [...p.top.map((s) => renderS(s, '')), `export function f(${params}): number {`, ...p.body.map((s) => renderS(s, '  ')), '}'];
  const stop = body.some((l) => l.includes('stopGradient(')) ? 'stopGradient, ' : '';
  return [
    `import { grad, jit, ${async ? 'jitAsync, ' : ''}${stop}valueAndGrad } from 'tsgrad';`,
    ...body,
    ...p.transforms.map((t, i) => `export const t${i} = (backend: 'cpu' | 'webasm' | 'js') => ${call(t, 'jit')};`),
    ...(async ? p.transforms.map((t, i) => `export const a${i} = (backend: 'webgpu') => ${call(t, 'jitAsync')};`) : []),
    '',
  ].join('\n');
}
