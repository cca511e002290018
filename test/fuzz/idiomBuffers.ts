/**
 * Local arrays written as buffers, each drawn only when its idiom is switched on (idioms.ts):
 * `rowWrites` builds an array of arrays in f (a copy of a rows parameter `A.map((row) => [...row])`,
 * `Array.from({ length: L }, () => new Float64Array(L))`, `Array.from({ length: L }, (_, i) => [e, …])`),
 * writes it element by element in nested loops (`M[i][j] = e`, `+=`, elimination
 * `M[i][j] -= c * M[k][j]`) and by row swaps (`[M[i], M[k]] = [M[k], M[i]]`), reads it as `M[i][j]`
 * only (README: reading the rows of a written array of arrays by reference is rejected) and sums
 * it; `arraySwap` steps two `let` buffers, `nxt` written from `cur`, then `[cur, nxt] = [nxt, cur]`,
 * and splits a state in two each step, `[h, c] = [s.slice(0, k), s.slice(k)]`.
 *
 * An array of arrays is never written inside a `// @checkpoint` loop (rejected by design) nor by a
 * closure (a closure writes nothing outside itself).
 */
import { arrType, type Scope } from './generate.js';
import { cat, type Piece } from './idiomStmts.js';
import { ObjectIdioms, type ObjScope } from './idiomObjects.js';
import { block, type E, expr, line, type S, text } from './tree.js';

/** A local array of arrays: `rows` rows of `cols` numbers, written where `writable`. */
export interface MatVar {
  readonly name: string;
  readonly rows: number;
  readonly cols: number;
  readonly writable: boolean;
}
export interface BufScope extends ObjScope {
  mats?: MatVar[];
}

/** How often a leaf reads an array of arrays built in f, when there is one. */
const LEAF_RATE = 0.1;

export class BufferIdioms extends ObjectIdioms {
  /** A copy of the scope whose arrays of arrays stay inside it. */
  protected override child(scope: BufScope, changes: Partial<BufScope> = {}): BufScope {
    const c: BufScope = super.child(scope, changes);
    return { ...c, mats: [...(c.mats ?? [])] };
  }

  /** A closure's body reads the arrays of arrays around it, and writes none. */
  protected override closure(scope: BufScope, depth: number): S[] {
    const saved = scope.mats;
    scope.mats = saved?.map((m) => ({ ...m, writable: false }));
    const out = super.closure(scope, depth);
    scope.mats = saved;
    return out;
  }

  /** An index in [0, n): a literal, or an index in scope (in [0, L), and n ≤ L) modulo n. */
  protected below(scope: Scope, n: number): E {
    if (scope.ints.length === 0 || this.chance(0.5)) return text(String(this.int(n)), 'int');
    return text(`${this.pick(scope.ints)} % ${n}`, 'int');
  }

  /** A mutable number to add into: one in scope, or a new `let s = 0` declared in `out`. */
  protected sink(scope: Scope, out: S[]): string {
    const targets = scope.nums.filter((v) => v.mutable);
    if (targets.length > 0 && this.chance(0.6)) return this.pick(targets).name;
    const s = this.fresh('s');
    out.push(line(`let ${s} = 0;`, s));
    scope.nums.push({ name: s, mutable: true });
    return s;
  }

  // ── arrays of arrays written in place ──────────────────────────────────────────────────────

  /** A new array of arrays written and summed, or one more element write into one in scope. */
  protected rowWrites(scope: BufScope, depth: number): S[] | undefined {
    if (scope.readOnlyParams || !this.inF) return undefined;
    const writable = (scope.mats ?? []).filter((m) => m.writable);
    if (writable.length > 0 && this.chance(0.4)) {
      const m = this.pick(writable);
      const op = this.pick(['=', '+=', '-=', '*=']);
      return [line(expr('num', [`${m.name}[`, '][', `] ${op} `, ';'], this.below(scope, m.rows), this.below(scope, m.cols), op === '*=' ? this.compoundOperand(scope) : this.num(scope, 2)))];
    }
    const out = this.buildMatrix(scope);
    const m = scope.mats![scope.mats!.length - 1];
    for (let n = 1 + this.int(2); n > 0; n--) out.push(...this.pick([() => this.fillPass(scope, m), () => this.elimination(scope, m), () => this.rowSwap(scope, m)])());
    return [...out, ...this.sumMatrix(scope, m)];
  }

  /** `const M = A.map((row) => [...row]);` or an `Array.from` of L rows of L numbers, in scope. */
  private buildMatrix(scope: BufScope): S[] {
    const name = this.fresh('M');
    const L = this.L;
    const rowsParams = this.aggregates.filter((p) => p.type === 'rows');
    let m: MatVar = { name, rows: L, cols: L, writable: true };
    let value: Piece[];
    const roll = this.int(3);
    if (roll === 0 && rowsParams.length > 0) {
      const A = this.pick(rowsParams);
      const row = this.fresh('row');
      m = { ...m, rows: A.count!, cols: A.row === 'pair' ? 2 : L };
      value = [`${A.name}.map((${row}) => [...${row}])`];
    } else if (roll < 2) {
      value = [`Array.from({ length: ${L} }, () => new Float64Array(${L}))`];
    } else {
      const i = this.fresh('i');
      const inner = this.within(scope, [], [i], { loop: false, canBreak: false });
      const items = Array.from({ length: L }, (_, k): Piece[] => (k > 0 ? [', ', this.num(inner, 1)] : [this.num(inner, 1)]));
      value = [`Array.from({ length: ${L} }, (_, ${i}) => [`, ...items.flat(), '])'];
    }
    (scope.mats ??= []).push(m);
    return [line(cat('num', `const ${name} = `, ...value, ';'), name)];
  }

  /** Loop heads `for (let i = 0; i < rows; i++)` and `for (let j = 0; j < cols; j++)`, and the scope inside both. */
  private cells(scope: BufScope, m: MatVar, from = '0'): { i: string; j: string; rowHead: string; colHead: string; inner: BufScope } {
    const i = this.fresh('i');
    const j = this.fresh('j');
    const inner = this.within(scope, [], [i, j], { loop: true, canBreak: false });
    return { i, j, rowHead: `for (let ${i} = ${from}; ${i} < ${m.rows}; ${i}++)`, colHead: `for (let ${j} = 0; ${j} < ${m.cols}; ${j}++)`, inner };
  }

  /** `for (i) for (j) M[i][j] op= e;` */
  private fillPass(scope: BufScope, m: MatVar): S[] {
    const { i, j, rowHead, colHead, inner } = this.cells(scope, m);
    const op = this.pick(['=', '+=', '-=']);
    return [block(rowHead, [[block(colHead, [[line(expr('num', [`${m.name}[${i}][${j}] ${op} `, ';'], this.num(inner, 2)))]])]])];
  }

  /** Elimination below each pivot `M[k][k]` (with pivoting by row swaps, sometimes): `M[i][j] -= c * M[k][j]`. */
  private elimination(scope: BufScope, m: MatVar): S[] {
    const k = this.fresh('k');
    const M = m.name;
    const { i, j, rowHead, colHead } = this.cells(scope, m, `${k} + 1`);
    const c = this.fresh('c');
    const factor = this.pick([`${M}[${i}][${k}] * 0.5`, `Math.tanh(${M}[${i}][${k}])`, `${M}[${i}][${k}] / (1 + ${M}[${k}][${k}] ** 2)`]);
    const body: S[] = [];
    if (this.chance(0.4)) {
      const p = this.fresh('i');
      body.push(block(`for (let ${p} = ${k} + 1; ${p} < ${m.rows}; ${p}++)`, [[
        block(`if (Math.abs(${M}[${p}][${k}]) > Math.abs(${M}[${k}][${k}]))`, [[line(`[${M}[${p}], ${M}[${k}]] = [${M}[${k}], ${M}[${p}]];`)]]),
      ]]));
    }
    body.push(block(rowHead, [[line(`const ${c} = ${factor};`), block(colHead, [[line(`${M}[${i}][${j}] -= ${c} * ${M}[${k}][${j}];`)]])]]));
    return [block(`for (let ${k} = 0; ${k} < ${Math.min(m.rows, m.cols)}; ${k}++)`, [body])];
  }

  /** `[M[a], M[b]] = [M[b], M[a]];`, sometimes under a comparison of the two rows. */
  private rowSwap(scope: BufScope, m: MatVar): S[] {
    const a = this.int(m.rows);
    const b = (a + 1 + this.int(m.rows - 1)) % m.rows;
    const swap = line(`[${m.name}[${a}], ${m.name}[${b}]] = [${m.name}[${b}], ${m.name}[${a}]];`);
    if (this.chance(0.5)) return [swap];
    const c = this.int(m.cols);
    return [block(expr('bool', [`if (${m.name}[${a}][${c}] > `, ')'], this.num(scope, 1)), [[swap]])];
  }

  /** `for (i) for (j) s += M[i][j] * e;` */
  private sumMatrix(scope: BufScope, m: MatVar): S[] {
    const out: S[] = [];
    const s = this.sink(scope, out);
    const { i, j, rowHead, colHead, inner } = this.cells(scope, m);
    out.push(block(rowHead, [[block(colHead, [[line(expr('num', [`${s} += ${m.name}[${i}][${j}] * `, ';'], this.num(inner, 1)))]])]]));
    return out;
  }

  /** Sometimes a leaf reads an element of an array of arrays built in f. */
  protected override leaf(scope: BufScope): E {
    const mats = scope.mats ?? [];
    if (mats.length === 0 || !this.chance(LEAF_RATE)) return super.leaf(scope);
    const m = this.pick(mats);
    return expr('num', [`${m.name}[`, '][', ']'], this.below(scope, m.rows), this.below(scope, m.cols));
  }

  // ── let arrays swapped ──────────────────────────────────────────────────────────────────────

  /**
   * Two buffers stepped and swapped, or a state split in two each step; in f, outside `// @checkpoint`
   * loops (arrays made and swapped in a checkpointed step compile since: test/rowwrites.test.ts; a helper may be called there).
   */
  protected arraySwap(scope: BufScope): S[] | undefined {
    if (scope.readOnlyParams || !this.inF) return undefined;
    return this.chance(0.6) ? this.buffers(scope) : this.split(scope);
  }

  /** `let cur = …; let nxt = …; for (…) { for (i) nxt[i] = e(cur); [cur, nxt] = [nxt, cur]; }`, both in scope after. */
  private buffers(scope: BufScope): S[] {
    const L = this.L;
    const sources = scope.arrays.filter((a) => a.kind !== 'i32');
    const src = sources.length > 0 && this.chance(0.8) ? this.pick(sources).name : undefined;
    const kind = src && this.chance(0.5) ? 'f64' : 'numarr';
    const cur = this.fresh('cur');
    const nxt = this.fresh('nxt');
    const init: Piece[] = kind === 'f64' ? [this.pick([`Float64Array.from(${src})`, `new Float64Array(${src})`])]
      : src ? [this.pick([`[...${src}]`, `Array.from(${src})`])] : ['[', ...Array.from({ length: L }, (_, k): Piece[] => (k > 0 ? [', ', this.num(scope, 1)] : [this.num(scope, 1)])).flat(), ']'];
    const other = kind === 'f64' ? this.pick([`new Float64Array(${L})`, `${cur}.slice()`]) : this.pick([`[...${cur}]`, `${cur}.slice()`]);
    const n = this.fresh('n');
    const i = this.fresh('i');
    const inner = this.within(scope, [], [i], { loop: true, canBreak: false });
    inner.arrays.push({ name: cur, kind, writable: false });
    const e = this.pick<Piece[]>([[`0.5 * ${cur}[${i}] + 0.5 * Math.tanh(`, this.num(inner, 2), ')'], [`${cur}[(${i} + 1) % ${L}] * `, this.num(inner, 1)], [this.num(inner, 2)]]);
    const step = block(`for (let ${n} = 0; ${n} < ${2 + this.int(2)}; ${n}++)`, [[
      block(`for (let ${i} = 0; ${i} < ${L}; ${i}++)`, [[line(cat('num', `${nxt}[${i}] = `, ...e, ';'))]]),
      line(`[${cur}, ${nxt}] = [${nxt}, ${cur}];`),
    ]]);
    const out = [line(cat('num', `let ${cur}${kind === 'numarr' ? ': number[]' : ''} = `, ...init, ';'), cur), line(`let ${nxt} = ${other};`, nxt), step];
    for (const name of [cur, nxt]) {
      scope.arrays.push({ name, kind, writable: true, reassigned: true });
      this.localArrays.add(name);
    }
    const s = this.sink(scope, out);
    out.push(line(expr('num', [`${s} += ${cur}[`, '] * ', ';'], this.index(scope), this.num(scope, 1))));
    return out;
  }

  /**
   * A state given each step's new array, `x = x.map(…)` (or `[...x.slice(1), e]`,
   * `Float64Array.from(x, …)`), starting as a parameter itself or a copy of it; in f's body outside
   * loops the time loop is mostly `// @checkpoint` (passes/checkpointState.ts keeps such a state in
   * one array).
   */
  protected stateStep(scope: BufScope, depth: number): S[] | undefined {
    if (scope.readOnlyParams || !this.inF) return undefined;
    const sources = scope.arrays.filter((a) => (a.kind === 'numarr' || a.kind === 'f64') && !a.name.includes('.'));
    if (sources.length === 0) return undefined;
    const L = this.L;
    const src = this.pick(sources);
    const [x, acc, n, i, v] = [this.fresh('x'), this.fresh('acc'), this.fresh('n'), this.fresh('i'), this.fresh('v')];
    const checkpoint = depth === 0 && !scope.loop && this.chance(0.7);
    const inner = this.within(scope, [], [], { loop: true, canBreak: false, canReturn: false, readOnlyParams: scope.readOnlyParams || checkpoint });
    const callback = this.within(inner, [{ name: v, mutable: false }], [i]);
    const copy = src.kind === 'f64' ? `Float64Array.from(${src.name})` : `[...${src.name}]`;
    const step: Piece[] = src.kind === 'f64'
      ? this.pick<Piece[]>([
        [`${x}.map((${v}, ${i}) => 0.5 * ${v} + 0.25 * Math.tanh(${x}[(${i} + 1) % ${L}] * `, this.num(callback, 1), '))'],
        [`Float64Array.from(${x}, (${v}, ${i}) => ${v} * 0.5 + `, this.num(callback, 1), ')'],
      ])
      : this.pick<Piece[]>([
        [`${x}.map((${v}, ${i}) => 0.5 * ${v} + 0.25 * Math.tanh(${x}[(${i} + 1) % ${L}] * `, this.num(callback, 1), '))'],
        [`[...${x}.slice(1), ${x}[0] * 0.5 + `, this.num(inner, 1), ']'],
      ]);
    const body = [line(cat('num', `${x} = `, ...step, ';')), line(expr('num', [`${acc} += ${x}[`, '] * ', ';'], this.index(inner), this.num(inner, 1)))];
    const loop = block(`for (let ${n} = 0; ${n} < ${2 + this.int(3)}; ${n}++)`, [body]);
    const out: S[] = [
      // the array itself only when nothing writes it (an array written later may not have a second name)
      line(`let ${x} = ${!src.writable && this.chance(0.5) ? src.name : copy};`, x),
      line(`let ${acc} = 0;`, acc),
      ...(checkpoint ? [line(this.pick(['// @checkpoint', '// @checkpoint snapshots=1', '// @checkpoint snapshots=2']))] : []),
      loop,
    ];
    const s = this.sink(scope, out);
    out.push(line(expr('num', [`${s} += ${acc} + ${x}[`, '];'], this.index(scope))));
    return out;
  }

  /** `let [h, c] = [xs.slice(0, k), xs.slice(k)]; for (…) { const s = Array.from(…h, c…); [h, c] = [s.slice(0, k), s.slice(k)]; }` */
  private split(scope: BufScope): S[] {
    const L = this.L;
    const k = 1 + this.int(L - 1);
    const sources = scope.arrays.filter((a) => a.kind === 'numarr');
    const h = this.fresh('h');
    const c = this.fresh('c');
    const out: S[] = [];
    let src: string;
    if (sources.length > 0 && this.chance(0.7)) src = this.pick(sources).name;
    else {
      src = this.fresh('t');
      out.push(line(cat('num', `const ${src}: ${arrType.numarr} = [`, ...Array.from({ length: L }, (_, j): Piece[] => (j > 0 ? [', ', this.num(scope, 1)] : [this.num(scope, 1)])).flat(), '];'), src));
    }
    if (this.chance(0.5)) out.push(line(`let [${h}, ${c}] = [${src}.slice(0, ${k}), ${src}.slice(${k})];`, `${h} ${c}`));
    else out.push(line(`let ${h} = ${src}.slice(0, ${k});`, h), line(`let ${c} = ${src}.slice(${k});`, c));
    const s = this.fresh('s');
    const i = this.fresh('i');
    const n = this.fresh('n');
    const inner = this.within(scope, [], [i], { loop: false, canBreak: false });
    const value = cat('num', `const ${s} = Array.from({ length: ${L} }, (_, ${i}) => 0.5 * (${i} < ${k} ? ${h}[${i}] : ${c}[${i} - ${k}]) + `, this.num(inner, 2), ');');
    out.push(block(`for (let ${n} = 0; ${n} < ${2 + this.int(2)}; ${n}++)`, [[line(value), line(`[${h}, ${c}] = [${s}.slice(0, ${k}), ${s}.slice(${k})];`)]]));
    (scope.seqs ??= []).push({ name: h, nonEmpty: true }, { name: c, nonEmpty: true });
    const acc = this.sink(scope, out);
    out.push(line(expr('num', [`${acc} += ${h}[${k - 1}] * `, ` + ${c}[${L - k - 1}];`], this.num(scope, 1))));
    return out;
  }

  // ── adjacent loops over one range ──────────────────────────────────────────────────────────

  /**
   * Two or three adjacent loops over the same range (what compiler/passes/fuseLoops.ts fuses): a
   * fresh buffer written by the first, read by the second at the same index (fusable), at the next
   * one, or with a sum the first builds (not fusable), and summed by a third or after them.
   */
  protected loopPair(scope: BufScope): S[] | undefined {
    const L = this.L;
    const [u, w, t, i, j, k] = [this.fresh('u'), this.fresh('w'), this.fresh('t'), this.fresh('i'), this.fresh('j'), this.fresh('k')];
    const kinds = [u, w].map(() => (this.chance(0.5) ? 'f64' as const : 'numarr' as const));
    const alloc = (n: number): string => (kinds[n] === 'f64' ? `new Float64Array(${L})` : this.pick([`new Array(${L}).fill(0)`, `new Array<number>(${L}).fill(0)`]));
    const variant = this.int(3); // 0: same index, 1: the next index, 2: a running sum
    const out: S[] = [line(`const ${u} = ${alloc(0)};`, u), line(`const ${w} = ${alloc(1)};`, w)];
    if (variant === 2) out.push(line(`let ${t} = 0;`, t));
    const first = this.within(scope, [], [i], { loop: true, canBreak: false });
    const firstBody = [line(cat('num', `${u}[${i}] = `, this.num(first, 2), ';'))];
    if (variant === 2) firstBody.push(line(`${t} += ${u}[${i}];`));
    out.push(block(`for (let ${i} = 0; ${i} < ${L}; ${i}++)`, [firstBody]));
    const second = this.within(scope, [], [j], { loop: true, canBreak: false });
    const read = [`${u}[${j}]`, `${u}[(${j} + 1) % ${L}]`, `${u}[${j}] * ${t}`][variant];
    out.push(block(`for (let ${j} = 0; ${j} < ${L}; ${j}++)`, [[line(cat('num', `${w}[${j}] = ${read} * `, this.num(second, 1), ';'))]]));
    const acc = this.sink(scope, out);
    if (this.chance(0.5)) out.push(block(`for (let ${k} = 0; ${k} < ${L}; ${k}++)`, [[line(`${acc} += ${w}[${k}] * ${u}[${k}];`)]]));
    else out.push(line(expr('num', [`${acc} += ${w}[`, '] * ', ';'], this.index(scope), this.num(scope, 1))));
    for (const [n, name] of [u, w].entries()) {
      scope.arrays.push({ name, kind: kinds[n], writable: true });
      this.localArrays.add(name);
    }
    return out;
  }

  // ── an index walked through a triangle ────────────────────────────────────────────────────

  /**
   * `idx++` (or `w[idx++]`) through a triangular loop nest, the index used only to index (what
   * compiler/passes/inductionVars.ts steps back in the reverse sweep instead of taping): set before
   * the nest or at the top of each row, the inner loop below or above the diagonal.
   */
  protected indexWalk(scope: BufScope): S[] | undefined {
    const L = this.L;
    const [w, idx, a, b, q] = [this.fresh('w'), this.fresh('idx'), this.fresh('a'), this.fresh('b'), this.fresh('q')];
    const out: S[] = [];
    const fill = this.within(scope, [], [q], { loop: false, canBreak: false });
    // number[] said: literals in the callback would type it (2 | 0.5)[] (seed 1140475)
    out.push(line(cat('num', `const ${w}: number[] = Array.from({ length: ${L * L} }, (_, ${q}) => `, this.num(fill, 1), ');'), w));
    const perRow = this.chance(0.4);
    const acc = this.sink(scope, out);
    if (!perRow) out.push(line(`let ${idx} = ${this.pick(['0', String(L), `${L - 1}`])};`, idx));
    const rowBody = this.within(scope, [], [a, b], { loop: true, canBreak: false });
    const innerHead = this.chance(0.5) ? `for (let ${b} = ${a} + 1; ${b} < ${L}; ${b}++)` : `for (let ${b} = 0; ${b} < ${a}; ${b}++)`;
    // stepped after the read, or in it (`w[idx++]`, as C code walks a packed triangle)
    const step = this.pick(['++', ' += 1', 'in the read']);
    const read = step === 'in the read' ? `${w}[${idx}++]` : `${w}[${idx}]`;
    const walk = [line(cat('num', `${acc} += ${read} * `, this.num(rowBody, 1), ';')), ...(step === 'in the read' ? [] : [line(`${idx}${step};`)])];
    const inner = block(innerHead, [walk]);
    const rows = perRow ? [line(`let ${idx} = ${a} * ${L};`, idx), inner] : [inner];
    out.push(block(`for (let ${a} = 0; ${a} < ${L}; ${a}++)`, [rows]));
    // not in scope: every other construct takes an array in scope to have the program's length L
    // (fuzz seed 5300027 of --idioms supported: a map over w, L² long, read p0[3 - i] up to i = 15)
    return out;
  }

  // ── the largest or smallest element ────────────────────────────────────────────────────────

  /**
   * A running maximum or minimum, `if (v > m) m = v` (what compiler/passes/selectionLoops.ts
   * reverses in the selected iteration only): of an element or a value computed from it, from the
   * first element, a number or ±Infinity, with or without a sum beside it in the loop, per row of
   * an outer loop or once; then used as log Σ exp shifts it, or in a product. A quarter of those not
   * starting from ±Infinity are near misses, no selections: the branch blends into m, or the loop
   * reads m.
   */
  protected selection(scope: BufScope): S[] | undefined {
    const L = this.L;
    const [w, m, c, r, q, v, k, se] = ['w', 'm', 'c', 'r', 'q', 'v', 'k', 'se'].map((x) => this.fresh(x));
    const op = this.pick(['>', '<', '>=', '<=']);
    const out: S[] = [];
    const fill = this.within(scope, [], [q], { loop: false, canBreak: false });
    out.push(line(cat('num', `const ${w}: number[] = Array.from({ length: ${L} }, (_, ${q}) => `, this.num(fill, 1), ');'), w));
    const acc = this.sink(scope, out);
    const rows = this.chance(0.3);
    const body: S[] = [];
    const start = this.int(3); // 0: from w[0], 1: from a number, 2: from ±Infinity
    const init = start === 0 ? `${w}[0]` : start === 2 ? (op.startsWith('>') ? '-Infinity' : 'Infinity') : undefined;
    if (init) body.push(line(`let ${m} = ${init};`, m));
    else body.push(line(cat('num', `let ${m} = `, this.num(scope, 1), ';'), m));
    const inLoop = this.within(scope, [], rows ? [c, r] : [c], { loop: true, canBreak: false });
    const element = rows ? `${w}[${c}] * (${r} + 1)` : `${w}[${c}]`;
    const loop: S[] = [];
    if (this.chance(0.35)) loop.push(line(cat('num', `${acc} += ${w}[${c}] * `, this.num(inLoop, 1), ';')));
    // near misses, no selections (compiler/passes/selectionLoops.ts must keep their branch bits):
    // the branch blends into m (reads what it assigns), or the loop reads m differentiably
    const miss = start === 2 ? 0 : this.pick([0, 0, 0, 0, 0, 0, 1, 2]);
    const picked = (x: string): string => (miss === 1 ? `${m} + ${x}` : x);
    if (this.chance(0.5)) {
      loop.push(line(cat('num', `const ${v} = ${element} * `, this.num(inLoop, 1), ';'), v));
      loop.push(line(`if (${v} ${op} ${m}) ${m} = ${picked(v)};`));
    } else {
      loop.push(line(`if (${element} ${op} ${m}) ${m} = ${picked(element)};`));
    }
    if (miss === 2) loop.push(line(`${acc} += ${m} * 0.25;`));
    body.push(block(`for (let ${c} = ${start === 0 ? 1 : 0}; ${c} < ${L}; ${c}++)`, [loop]));
    if (op.startsWith('>') && this.chance(0.6)) {
      // log Σ exp, shifted by the largest
      body.push(line(`let ${se} = 0;`, se), block(`for (let ${k} = 0; ${k} < ${L}; ${k}++)`, [[line(`${se} += Math.exp(${w}[${k}]${rows ? ` * (${r} + 1)` : ''} - ${m});`)]]));
      body.push(line(`${acc} += ${m} + Math.log(${se});`));
    } else {
      body.push(line(cat('num', `${acc} += ${m} * `, this.num(scope, 1), ';')));
    }
    if (rows) out.push(block(`for (let ${r} = 0; ${r} < 2; ${r}++)`, [body]));
    else out.push(...body);
    scope.arrays.push({ name: w, kind: 'numarr', writable: true });
    this.localArrays.add(w);
    return out;
  }
}
