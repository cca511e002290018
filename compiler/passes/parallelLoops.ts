/**
 * Legality of `// @parallel` loops, for jit. A parallel loop's iterations must be independent, like
 * an OpenMP `parallel for`; this pass proves it or reports why not, at the loop:
 *
 *   - every variable the body assigns is iteration-private (declared inside the loop), or a
 *     reduction on an outer variable: `acc += e`, `acc -= e`, `acc = Math.max(acc, e)`, `Math.min`;
 *   - every array element the body writes belongs to its iteration alone: the index is
 *     `base + i * S + slot`, where `slot` runs over [0, S) as inner counted loops from 0 enumerate
 *     it (`out[i]`, `out[i * d + j]`, `out[(i * c + k) * d + j]`), and every slot is written;
 *   - the body reads no array it writes, allocates no arrays, and its inner loops are counted loops
 *     whose bounds are known before the parallel loop starts (they become kernel constants).
 *
 * The result says, for each loop, what a kernel must compute: one output per reduction and per
 * written array.
 */
import { Unsupported } from '../diagnostics.js';
import { type Atom, type Expr, exprOperands, type IRFunction, type Loop, type Stmt, type Var, walk } from '../ir.js';

/** A product `c · v1 · v2 …` of uniform variables. */
export interface Monomial {
  readonly c: number;
  readonly vars: readonly Var[];
}
/** A sum of monomials, canonical: like terms combined, sorted, no zero coefficients. */
export type Poly = readonly Monomial[];

export type ReductionOp = 'sum' | 'max' | 'min';

export interface Reduction {
  readonly v: Var;
  readonly op: ReductionOp;
}

export interface ArrayWrite {
  readonly arr: Var;
  /** Elements per iteration; the kernel's output is [S, trips] (or [trips] when S is 1). */
  readonly stride: Poly;
  /** Index of iteration `start`'s first element is `base + start * S`. */
  readonly base: Poly;
  /**
   * When one store writes the array, with slot = Σ coef·counter over inner loops from 0 (mixed
   * radix, smallest coefficient first): each counter is `floor(slot / coef) % bound`.
   */
  readonly slots?: readonly { readonly counter: Var; readonly coef: Poly; readonly bound: Atom }[];
}

export interface ParallelLoop {
  readonly loop: Loop;
  readonly counter: Var;
  readonly start: Atom;
  readonly bound: Atom;
  readonly reductions: readonly Reduction[];
  readonly writes: readonly ArrayWrite[];
  /** Variables that exist only inside one iteration. */
  readonly privates: ReadonlySet<Var>;
  /** Scalars read in the body but assigned outside it: kernel constants. */
  readonly uniforms: readonly Var[];
}

/** Math functions every gpu.js backend compiles. */
export const kernelMath: ReadonlySet<string> = new Set([
  'abs', 'acos', 'acosh', 'asin', 'asinh', 'atan', 'atan2', 'atanh', 'cbrt', 'ceil', 'cos', 'cosh', 'exp', 'expm1',
  'floor', 'fround', 'log', 'log10', 'log1p', 'log2', 'max', 'min', 'pow', 'round', 'sign', 'sin', 'sinh', 'sqrt', 'tan', 'tanh', 'trunc',
]);

/**
 * Whether an assignment declares its variable afresh (a `let`/`const`, a compiler temporary, an
 * inlined call's parameter or result): inside a loop body, each iteration then has its own copy.
 */
export function declaresFresh(s: Stmt & { k: 'assign' }): boolean {
  return s.init === true || !s.target.node || s.target.callResult === true;
}

const reject = (loop: Loop, what: string, hint: string): never => {
  throw new Unsupported(loop.parallel!, what, hint);
};

/** The outermost `// @parallel` loops of `fn`, each checked; inner ones run sequentially inside a kernel. */
export function findParallelLoops(fn: IRFunction): ParallelLoop[] {
  const found: ParallelLoop[] = [];
  const visit = (body: readonly Stmt[]): void => {
    for (const s of body) {
      if (s.k === 'if') {
        visit(s.then);
        visit(s.else);
      } else if (s.k === 'loop') {
        if (s.parallel) found.push(analyzeParallel(s));
        else visit(s.body);
      }
    }
  };
  visit(fn.body);
  return found;
}

function analyzeParallel(loop: Loop): ParallelLoop {
  const test = loop.pre[0];
  if (!loop.canonical || loop.canonical.step !== 1 || loop.pre.length !== 1 || test.k !== 'assign' || test.expr.k !== 'bin' ||
    test.expr.op !== '<' || test.expr.a.k !== 'var' || test.expr.a.v !== loop.canonical.counter) {
    return reject(loop, 'a // @parallel loop must be a counted loop `for (let i = a; i < b; i++)` with no break or return inside',
      'write the loop in that form; move a search with break into a sequential loop');
  }
  const counter = loop.canonical.counter;
  const bound = test.expr.b;

  // What the body assigns, declares and reads.
  const declared = new Set<Var>([counter]);
  const assigned = new Map<Var, Stmt[]>();
  const innerLoops: Loop[] = [];
  walk(loop.body, (s) => {
    if (s.k === 'assign') {
      if (declaresFresh(s)) declared.add(s.target);
      const list = assigned.get(s.target) ?? [];
      list.push(s);
      assigned.set(s.target, list);
      if (s.expr.k === 'newArray') reject(loop, `the body of a parallel loop allocates an array ('${s.target.name}')`, 'allocate it before the loop, one row per iteration, and index it by the loop counter');
      if (s.expr.k === 'math' && !kernelMath.has(s.expr.fn)) reject(loop, `Math.${s.expr.fn} is not available in kernels`, `use one of Math.${[...kernelMath].slice(0, 8).join(', Math.')}, …`);
    } else if (s.k === 'loop') {
      innerLoops.push(s);
    }
  });
  for (const inner of innerLoops) {
    const t = inner.pre[0];
    if (inner.canonical && inner.pre.length > 1 && inner.pre.length === inner.pre.filter((x) => x.k === 'assign').length) {
      reject(loop, `the bound of the loop over '${inner.canonical.counter.name}' is computed inside the parallel loop`,
        'compute it once before the parallel loop (const m = d + 1) and compare with that; kernel loop bounds are constants');
    }
    if (!inner.canonical || inner.pre.length !== 1 || t.k !== 'assign' || t.expr.k !== 'bin') {
      reject(loop, 'a loop inside a parallel loop must be a counted `for` loop with no break or return',
        'write inner loops as `for (let j = a; j < b; j++)`; kernels run loops with bounds known in advance');
    }
  }
  // a private copy of a uniform (an inlined helper's parameter: `d_1 = d`) is uniform too
  const copies = new Map<Var, Atom>();
  for (const [v, stmts] of assigned) {
    const [s] = stmts;
    if (stmts.length === 1 && s.k === 'assign' && declaresFresh(s) && s.expr.k === 'atom') copies.set(v, s.expr.a);
  }
  const isUniform = (a: Atom, depth = 0): boolean => a.k === 'const' || (a.v.kind === 'num' && a.v !== counter &&
    (!assigned.has(a.v) || (depth < 64 && copies.has(a.v) && isUniform(copies.get(a.v)!, depth + 1))));
  for (const inner of innerLoops) {
    const t = inner.pre[0] as Stmt & { k: 'assign'; expr: Expr & { k: 'bin' } };
    const b = t.expr.a.k === 'var' && t.expr.a.v === inner.canonical!.counter ? t.expr.b : t.expr.a;
    if (!isUniform(b) || !isUniform(inner.canonical!.start)) {
      reject(loop, `the bounds of the loop over '${inner.canonical!.counter.name}' inside this parallel loop change from one iteration to the next`,
        'kernels need loop bounds computed before the parallel loop (parameters or values computed from them)');
    }
  }

  // Variables assigned but not declared inside: reductions, or an error.
  const reductions: Reduction[] = [];
  for (const [v, stmts] of assigned) {
    if (declared.has(v)) continue;
    const op = reductionOf(v, stmts);
    if (!op) {
      reject(loop, `'${v.name}' is assigned in the body of this parallel loop and declared outside it, so the iterations are not independent`,
        `declare '${v.name}' inside the loop, or make it a reduction: ${v.name} += e, ${v.name} = Math.max(${v.name}, e)`);
    }
    reductions.push({ v, op: op! });
  }
  const reduced = new Set(reductions.map((r) => r.v));
  const updates = new Set([...reduced].flatMap((v) => assigned.get(v)!));

  // Reads: a reduction variable may only be read by its own updates.
  const reads = new Set<Var>();
  const arraysRead = new Set<Var>();
  const readAtom = (a: Atom, s: Stmt | undefined): void => {
    if (a.k !== 'var') return;
    if (reduced.has(a.v) && !(s && updates.has(s))) {
      reject(loop, `the reduction variable '${a.v.name}' is read inside the parallel loop`, 'its value is only known after every iteration has run; read it after the loop');
    }
    reads.add(a.v);
  };
  walk(loop.body, (s) => {
    if ((s.k === 'assign' && s.expr.k === 'load' && s.expr.sub) || (s.k === 'store' && s.sub) || (s.k === 'assign' && s.expr.k === 'field')) {
      reject(loop, 'the parallel loop reads or writes an array of arrays or an object (A[i][j], obj.field)', 'kernels take flat arrays: index one array with computed indices (A[i * n + j])');
    }
    if (s.k === 'assign' && s.expr.k === 'call' && s.expr.callee.runtime) {
      reject(loop, 'the parallel loop throws', 'a kernel cannot throw: check the inputs before the loop');
    } else if (s.k === 'assign' && s.expr.k === 'call') {
      reject(loop, `the parallel loop calls '${s.expr.callee.name}', which has a custom derivative and runs outside tsgrad's code`,
        'kernels can only run code tsgrad compiles; call it before or after the loop');
    }
    if (s.k === 'assign') {
      if (s.expr.k === 'load' || s.expr.k === 'length') arraysRead.add(s.expr.arr);
      for (const a of scalarOperands(s.expr)) readAtom(a, s);
    } else if (s.k === 'store') {
      readAtom(s.index, s);
      readAtom(s.value, s);
    } else if (s.k === 'if') {
      readAtom(s.cond, s);
    } else {
      for (const x of s.pre) if (x.k === 'assign') for (const a of scalarOperands(x.expr)) readAtom(a, x);
    }
  });

  const writes = arrayWrites(loop, counter, assigned, declared);
  for (const w of writes) {
    if (arraysRead.has(w.arr)) {
      reject(loop, `the parallel loop both reads and writes the array '${w.arr.name}'`, 'write the results to a separate array');
    }
  }
  const uniforms = [...reads].filter((v) => v.kind !== 'array' && !declared.has(v) && !assigned.has(v));
  return { loop, counter, start: loop.canonical.start, bound, reductions, writes, privates: declared, uniforms };
}

/** The scalar atoms an expression reads (array variables of loads left out). */
export function scalarOperands(e: Expr): Atom[] {
  return exprOperands(e).filter((a) => !(a.k === 'var' && a.v.kind === 'array'));
}

/** `v = v + e`, `v = e + v`, `v = v - e`, `v = Math.max(v, e)`, `v = Math.min(v, e)` — all one kind. */
function reductionOf(v: Var, stmts: readonly Stmt[]): ReductionOp | undefined {
  let op: ReductionOp | undefined;
  for (const s of stmts) {
    if (s.k !== 'assign' || v.kind !== 'num') return undefined;
    const e = s.expr;
    const isV = (a: Atom): boolean => a.k === 'var' && a.v === v;
    const other = (a: Atom): boolean => !isV(a);
    let kind: ReductionOp | undefined;
    if (e.k === 'bin' && e.op === '+' && ((isV(e.a) && other(e.b)) || (isV(e.b) && other(e.a)))) kind = 'sum';
    else if (e.k === 'bin' && e.op === '-' && isV(e.a) && other(e.b)) kind = 'sum';
    else if (e.k === 'math' && (e.fn === 'max' || e.fn === 'min') && e.args.length === 2 && e.args.filter(isV).length === 1) kind = e.fn;
    if (!kind || (op && op !== kind)) return undefined;
    op = kind;
  }
  return op;
}

// ── array writes ──────────────────────────────────────────────────────────────────────────────

/** An index as Σ coef·counter + constant, coefficients and constant polynomials in uniforms. */
interface Affine {
  readonly terms: ReadonlyMap<Var, Poly>;
  readonly c: Poly;
}

function arrayWrites(loop: Loop, counter: Var, assigned: ReadonlyMap<Var, Stmt[]>, declared: ReadonlySet<Var>): ArrayWrite[] {
  const counters = new Map<Var, { bound: Atom; start: Atom }>();
  // Counters of `for (let j = start; j < bound; j++)`: j takes exactly the values start … bound-1.
  // Any other test (`j <= d`, `d > j`) leaves the counter out, so an index using it is not proven.
  walk(loop.body, (s) => {
    if (s.k !== 'loop' || !s.canonical || s.canonical.step !== 1) return;
    const t = s.pre[0] as Stmt & { k: 'assign'; expr: Expr & { k: 'bin' } };
    if (t.expr.op === '<' && t.expr.a.k === 'var' && t.expr.a.v === s.canonical.counter) {
      counters.set(s.canonical.counter, { bound: t.expr.b, start: s.canonical.start });
    }
  });
  // Single-assignment definitions inside the body, which index expressions are traced through.
  const defs = new Map<Var, Expr>();
  for (const [v, stmts] of assigned) if (stmts.length === 1 && declared.has(v) && stmts[0].k === 'assign') defs.set(v, stmts[0].expr);

  const affineOf = (a: Atom, depth = 0): Affine | undefined => {
    if (a.k === 'const') return typeof a.value === 'number' ? { terms: new Map(), c: constPoly(a.value) } : undefined;
    const v = a.v;
    if (v === counter || counters.has(v)) return { terms: new Map([[v, constPoly(1)]]), c: [] };
    if (!assigned.has(v) && v.kind === 'num') return { terms: new Map(), c: [{ c: 1, vars: [v] }] };
    const e = defs.get(v);
    if (!e || depth > 64) return undefined;
    const sub = (x: Atom): Affine | undefined => affineOf(x, depth + 1);
    if (e.k === 'atom') return sub(e.a);
    if (e.k === 'un' && e.op === '-') {
      const x = sub(e.a);
      return x && scale(x, constPoly(-1));
    }
    if (e.k !== 'bin') return undefined;
    const x = sub(e.a);
    const y = sub(e.b);
    if (!x || !y) return undefined;
    if (e.op === '+') return addAffine(x, y);
    if (e.op === '-') return addAffine(x, scale(y, constPoly(-1)));
    if (e.op === '*') {
      if (x.terms.size === 0) return scale(y, x.c);
      if (y.terms.size === 0) return scale(x, y.c);
    }
    return undefined;
  };

  type Slots = NonNullable<ArrayWrite['slots']>;
  const byArray = new Map<Var, { stride: Poly; base: Poly; covered: Set<string>; stores: number; slots: Slots }>();
  const underIf = new Set<Stmt>();
  const mark = (body: readonly Stmt[], conditional: boolean): void => {
    for (const s of body) {
      if (conditional) underIf.add(s);
      if (s.k === 'if') {
        mark(s.then, true);
        mark(s.else, true);
      } else if (s.k === 'loop') {
        mark(s.body, conditional);
      }
    }
  };
  mark(loop.body, false);

  walk(loop.body, (s, loops) => {
    if (s.k !== 'store') return;
    const name = s.arr.name;
    if (declared.has(s.arr)) reject(loop, `'${name}' is an array declared inside the parallel loop`, 'declare it before the loop');
    const disjoint = `write ${name}[base + i * S + slot], with slot running over 0 … S-1 through inner loops from 0, as in ${name}[i * d + j]`;
    const f = affineOf(s.index);
    if (!f) return reject(loop, `cannot tell that iterations of this parallel loop write different elements of '${name}'`, disjoint);
    const stride = f.terms.get(counter) ?? [];
    if (stride.length === 0) return reject(loop, `every iteration of this parallel loop writes the same elements of '${name}'`, disjoint);
    // Inner counters, smallest coefficient first, must enumerate 0 … S-1 exactly once (mixed radix).
    const inner = [...f.terms].filter(([v]) => v !== counter);
    for (const [v] of inner) {
      const info = counters.get(v)!;
      const enclosing = loops.some((l) => l.canonical?.counter === v);
      if (!enclosing || !(info.start.k === 'const' && info.start.value === 0)) {
        reject(loop, `the index of '${name}' uses the counter '${v.name}' of a loop that does not start at 0 or does not enclose the write`, disjoint);
      }
    }
    inner.sort((p, q) => degree(p[1]) - degree(q[1]) || leading(p[1]) - leading(q[1]));
    let radix: Poly = constPoly(1);
    for (const [v, coef] of inner) {
      if (!polyEqual(coef, radix)) reject(loop, `the elements of '${name}' written by one iteration do not form one block`, disjoint);
      radix = mulPoly(radix, atomPoly(counters.get(v)!.bound));
    }
    let base = f.c;
    let slot = 0;
    if (!polyEqual(radix, stride)) {
      // Numeric case: out[2 * i + 1] writes slot 1 of a block of 2.
      const S = numeric(stride);
      const c = numeric(f.c);
      if (inner.length > 0 || S === undefined || c === undefined || S <= 0) {
        reject(loop, `the elements of '${name}' written by one iteration do not form one block of the stride of the loop counter`, disjoint);
      }
      slot = ((c! % S!) + S!) % S!;
      base = constPoly(c! - slot);
    }
    const key = JSON.stringify(polyKey(stride));
    const known = byArray.get(s.arr);
    if (known && (JSON.stringify(polyKey(known.stride)) !== key || !polyEqual(known.base, base))) {
      reject(loop, `the parallel loop writes '${name}' with two different layouts`, disjoint);
    }
    const entry = known ?? { stride, base, covered: new Set<string>(), stores: 0, slots: inner.map(([v, coef]) => ({ counter: v, coef, bound: counters.get(v)!.bound })) };
    entry.stores++;
    if (!underIf.has(s)) entry.covered.add(inner.length > 0 ? 'all' : String(slot));
    byArray.set(s.arr, entry);
  });

  const out: ArrayWrite[] = [];
  for (const [arr, w] of byArray) {
    const S = numeric(w.stride);
    const complete = w.covered.has('all') || (S !== undefined && w.covered.size === S);
    if (!complete) {
      reject(loop, `some iterations of this parallel loop may leave elements of '${arr.name}' in their block unwritten`,
        `write every element of the block in every iteration, for example ${arr.name}[i] = cond ? a : b instead of if (cond) ${arr.name}[i] = a`);
    }
    out.push({ arr, stride: w.stride, base: w.base, slots: w.stores === 1 && w.slots.length > 0 ? w.slots : undefined });
  }
  return out;
}

// ── polynomials in uniform variables ─────────────────────────────────────────────────────────

export const constPoly = (c: number): Poly => (c === 0 ? [] : [{ c, vars: [] }]);

export function atomPoly(a: Atom): Poly {
  return a.k === 'const' ? constPoly(Number(a.value)) : [{ c: 1, vars: [a.v] }];
}

function normalize(terms: readonly Monomial[]): Poly {
  const merged = new Map<string, Monomial>();
  for (const m of terms) {
    const vars = [...m.vars].sort((a, b) => a.id - b.id);
    const key = vars.map((v) => v.id).join('*');
    const prev = merged.get(key);
    merged.set(key, { c: (prev?.c ?? 0) + m.c, vars });
  }
  return [...merged.entries()].filter(([, m]) => m.c !== 0).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)).map(([, m]) => m);
}

export function mulPoly(a: Poly, b: Poly): Poly {
  return normalize(a.flatMap((x) => b.map((y) => ({ c: x.c * y.c, vars: [...x.vars, ...y.vars] }))));
}

export const addPoly = (a: Poly, b: Poly): Poly => normalize([...a, ...b]);
const polyKey = (p: Poly): [number, number[]][] => p.map((m) => [m.c, m.vars.map((v) => v.id)]);
export const polyEqual = (a: Poly, b: Poly): boolean => JSON.stringify(polyKey(a)) === JSON.stringify(polyKey(b));
export const degree = (p: Poly): number => Math.max(0, ...p.map((m) => m.vars.length));
export const leading = (p: Poly): number => (p.length > 0 ? Math.abs(p[p.length - 1].c) : 0);

/** The value of a polynomial with no variables. */
export function numeric(p: Poly): number | undefined {
  if (p.length === 0) return 0;
  return p.length === 1 && p[0].vars.length === 0 ? p[0].c : undefined;
}

function addAffine(x: Affine, y: Affine): Affine {
  const terms = new Map(x.terms);
  for (const [v, p] of y.terms) {
    const sum = addPoly(terms.get(v) ?? [], p);
    if (sum.length === 0) terms.delete(v);
    else terms.set(v, sum);
  }
  return { terms, c: addPoly(x.c, y.c) };
}

function scale(x: Affine, k: Poly): Affine {
  const terms = new Map<Var, Poly>();
  for (const [v, p] of x.terms) {
    const q = mulPoly(p, k);
    if (q.length > 0) terms.set(v, q);
  }
  return { terms, c: mulPoly(x.c, k) };
}
