/**
 * Array methods with callbacks for the random-program generator, each drawn only when its idiom is
 * switched on (idioms.ts): map, reduce, reduceRight, forEach, some/every, find, findIndex, filter,
 * fill, slice, at, Array.from, Float64Array.from, `new Float64Array(xs)`, spreads, `Math.max(...xs)`,
 * concat, push, `const r = xs` aliases, and `x!`, `as number`, `satisfies number`.
 *
 * Arrays of length L are indexable (they join the scope's arrays); others (a slice, a filter's
 * result, `[...xs, v]`, a concatenation) are only iterated, reduced or searched. Callbacks write
 * nothing but a `forEach` body's accumulator.
 */
import type { ArrKind, ArrVar, Scope } from './generate.js';
import { cat, type IdiomScope, type Piece, type SeqExpr, StmtIdioms } from './idiomStmts.js';
import { block, type E, expr, line, type S, text } from './tree.js';

const kindOf = (a: ArrVar): Exclude<ArrKind, 'i32'> => (a.kind === 'i32' ? 'numarr' : a.kind);

export class ArrayIdioms extends StmtIdioms {
  /** `x > e` or `e >= x` (only > and >=: see generate.ts's bool). */
  private predicate(scope: IdiomScope, x: string): E {
    const inner = this.within(scope, [{ name: x, mutable: false }]);
    return this.chance(0.5) ? expr('bool', [`${x} ${this.pick(['>', '>='])} `, ''], this.num(inner, 1)) : expr('bool', ['', ` >= ${x}`], this.num(inner, 1));
  }

  /** `(x) => x > e` */
  private predicateFn(scope: IdiomScope): Piece[] {
    const x = this.fresh('x');
    return [this.chance(0.5) ? `(${x}) => ` : `(${x}: number) => `, this.predicate(scope, x)];
  }

  /** A length-L array to read (not an Int32Array: its elements are read as numbers). */
  private source(scope: IdiomScope): ArrVar | undefined {
    const arrays = scope.arrays.filter((a) => a.kind !== 'i32');
    return arrays.length > 0 ? this.pick(arrays) : undefined;
  }

  /** More array expressions to iterate: slices, filters, spreads, concatenations, maps. */
  protected override seq(scope: IdiomScope, nonEmpty: boolean): SeqExpr | undefined {
    const a = this.source(scope);
    const L = this.L;
    if (!a || this.chance(0.5)) return super.seq(scope, nonEmpty);
    const forms: (() => SeqExpr)[] = [];
    if (this.on.has('slice')) {
      forms.push(() => {
        const lo = this.int(L - 1);
        const hi = lo + 1 + this.int(L - lo);
        return { pieces: [`${a.name}.slice(${lo}${hi === L && this.chance(0.5) ? '' : `, ${hi}`})`], indexable: false, ints: false };
      });
    }
    if (this.on.has('filter') && !nonEmpty) forms.push(() => ({ pieces: [`${a.name}.filter(`, ...this.predicateFn(scope), ')'], indexable: false, ints: false }));
    if (this.on.has('spread')) {
      forms.push(() => (this.chance(0.5)
        ? { pieces: [`[...${a.name}, `, this.num(scope, 1), ']'], indexable: false, ints: false }
        : { pieces: ['[', this.num(scope, 1), `, ...${a.name}]`], indexable: false, ints: false }));
    }
    const lists = scope.arrays.filter((x) => x.kind === 'numarr');
    if (this.on.has('concat') && a.kind === 'numarr' && lists.length > 0) forms.push(() => ({ pieces: [`${a.name}.concat(${this.pick(lists).name})`], indexable: false, ints: false }));
    // `: number` said: a callback returning literals (`c ? 1.25 : 1`) types the array (1 | 1.25)[],
    // whose reduce without an initial value TypeScript then refuses (seed 2510251)
    if (this.on.has('map')) forms.push(() => ({ pieces: [`${a.name}.map(`, ...this.callback1(scope, 1, true, true), ')'], indexable: true, ints: false }));
    if (this.on.has('arrayFrom')) forms.push(() => ({ pieces: [`Array.from(${a.name})`], indexable: true, ints: false }));
    return forms.length > 0 ? this.pick(forms)() : super.seq(scope, nonEmpty);
  }

  /** A new length-L array kept in a const: `xs.map(…)`, `Array.from(…)`, `Float64Array.from(…)`, `[...xs]`, `xs.slice()`. */
  protected produce(scope: IdiomScope, idiom: 'map' | 'arrayFrom' | 'typedFrom' | 'spread' | 'slice'): S[] | undefined {
    const a = this.source(scope);
    const name = this.fresh('m');
    let pieces: Piece[];
    let kind: ArrKind;
    switch (idiom) {
      case 'map':
        if (!a) return undefined;
        pieces = [`${a.name}.map(`, ...this.callback1(scope, 2, true), ')'];
        kind = kindOf(a);
        break;
      case 'arrayFrom': {
        if (!a || this.chance(0.4)) {
          const size = scope.nums.find((v) => /^p\d+$/.test(v.name) && !v.mutable);
          const i = this.fresh('i');
          const inner = this.within(scope, [], [i], { loop: false, canBreak: false });
          pieces = [`Array.from({ length: ${size && this.chance(0.5) ? size.name : this.L} }, (_, ${i}) => `, this.num(inner, 2), ')'];
        } else {
          pieces = this.chance(0.5) ? [`Array.from(${a.name})`] : [`Array.from(${a.name}, `, ...this.callback1(scope, 2), ')'];
        }
        kind = 'numarr';
        break;
      }
      case 'typedFrom': {
        const b = this.plainArray(scope, 0.2);
        if (!b) return undefined;
        const roll = this.int(3);
        // not Float32Array.from: the copy rounds to float32, whose derivative is 1 by definition
        // while finite differences see the rounding (the reason generate.ts leaves out fround)
        pieces = roll === 0 ? [`new Float64Array(${b.name})`] : roll === 1 ? [`Float64Array.from(${b.name}, `, ...this.callback1(scope, 2), ')'] : [`Float64Array.from(${b.name})`];
        kind = 'f64';
        break;
      }
      case 'spread':
        if (!a) return undefined;
        pieces = [`[...${a.name}]`];
        kind = 'numarr';
        break;
      default:
        if (!a) return undefined;
        pieces = [`${a.name}.slice()`];
        kind = kindOf(a);
    }
    scope.arrays.push({ name, kind, writable: true });
    this.localArrays.add(name);
    // number[] said: a callback returning literals (`c ? 1 : 0.75`) types the array (1 | 0.75)[],
    // which TypeScript then refuses numbers written into it or reduced into it (seed 1010037)
    return [line(cat('num', `const ${name}${kind === 'numarr' ? ': number[]' : ''} = `, ...pieces, ';'), name)];
  }

  /** `const q: number[] = []; for (…) q.push(e);`: length L, or (pushes under a condition) iterated only. */
  protected push(scope: IdiomScope, depth: number): S[] {
    const q = this.fresh('q');
    const i = this.fresh('i');
    const a = this.source(scope);
    const conditional = this.chance(0.3);
    const overArray = a !== undefined && this.on.has('forOf') && this.chance(0.5);
    const x = this.fresh('x');
    const inner = overArray ? this.within(scope, [{ name: x, mutable: false }], [], { loop: true, canBreak: false }) : this.within(scope, [], [i], { loop: true, canBreak: false });
    const pushed = line(expr('num', [`${q}.push(`, ');'], this.num(inner, 2)));
    const body = conditional ? [...this.stmts(this.child(inner, { loop: false }), depth + 1), block(expr('bool', ['if (', ')'], this.bool(inner)), [[pushed]])] : [pushed];
    const head = overArray ? `for (const ${x} of ${a!.name})` : `for (let ${i} = 0; ${i} < ${this.L}; ${i}++)`;
    if (conditional) (scope.seqs ??= []).push({ name: q, nonEmpty: false });
    else {
      // read only: a // @checkpoint loop may not write into an array grown by push (README)
      scope.arrays.push({ name: q, kind: 'numarr', writable: false });
      this.localArrays.add(q);
    }
    return [line(`const ${q}: number[] = [];`, q), block(head, [body])];
  }

  /** `const fl = xs.filter(…);` (iterated later) */
  protected filterConst(scope: IdiomScope): S[] | undefined {
    const a = this.source(scope);
    if (!a) return undefined;
    const name = this.fresh('q');
    // the predicate first: it cannot read the array it initializes
    const predicate = this.predicateFn(scope);
    (scope.seqs ??= []).push({ name, nonEmpty: false });
    return [line(cat('num', `const ${name} = ${a.name}.filter(`, ...predicate, ');'), name)];
  }

  /** `xs.forEach((x, i) => { acc += …; })` writing a number outside the callback. */
  protected forEach(scope: IdiomScope, depth: number): S[] | undefined {
    const src = this.chance(0.7) ? this.source(scope) : undefined;
    const s = src ? undefined : this.seq(scope, false);
    if (!src && !s) return undefined;
    const out: S[] = [];
    let targets = scope.nums.filter((v) => v.mutable);
    if (targets.length === 0 || this.chance(0.3)) {
      const acc = this.fresh('s');
      out.push(line(`let ${acc} = 0;`, acc));
      scope.nums.push({ name: acc, mutable: true });
      targets = [{ name: acc, mutable: true }];
    }
    const x = this.fresh('x');
    const i = this.fresh('i');
    const withIndex = src !== undefined && this.chance(0.5);
    const inner = this.within(scope, [{ name: x, mutable: false }], withIndex ? [i] : [], { loop: false, canBreak: false, canReturn: false });
    const body = depth < 2 ? this.stmts(inner, depth + 1) : [];
    body.push(line(expr('num', [`${this.pick(targets).name} ${this.pick(['+=', '-=', '+='])} `, ';'], this.num(inner, 2))));
    const head = cat('num', ...(src ? [src.name] : s!.pieces), `.forEach((${x}${withIndex ? `, ${i}` : ''}) =>`);
    out.push(block(head, [body], undefined, text(');')));
    return out;
  }

  /** `xs.fill(e)` or `xs.fill(e, lo, hi)` on a local array. */
  protected fill(scope: IdiomScope): S[] | undefined {
    const locals = scope.arrays.filter((a) => a.writable && a.kind !== 'i32' && (this.localArrays.has(a.name) || /^t\d+$/.test(a.name)));
    if (locals.length === 0) return undefined;
    const a = this.pick(locals);
    const lo = this.int(this.L);
    const range = this.chance(0.4) ? `, ${lo}, ${lo + 1 + this.int(this.L - lo)}` : '';
    return [line(expr('num', [`${a.name}.fill(`, `${range});`], this.num(scope, 2)))];
  }

  /** `const j = xs.findIndex(…); if (j >= 0) { … xs[j] … }` */
  protected findIndexStmt(scope: IdiomScope, depth: number): S[] | undefined {
    const a = this.source(scope);
    if (!a) return undefined;
    const j = this.fresh('j');
    const inner = this.within(scope, [], [j]);
    const body = this.stmts(inner, depth + 1);
    this.accumulate(scope, inner, body, 0.9);
    const test = this.pick([`${j} >= 0`, `${j} !== -1`, `-1 !== ${j}`]);
    return [line(cat('num', `const ${j} = ${a.name}.findIndex(`, ...this.predicateFn(scope), ');'), j), block(`if (${test})`, [body])];
  }

  /** `const r = xs;` read only afterwards. */
  protected alias(scope: IdiomScope): S[] | undefined {
    const a = this.plainArray(scope, 0.2);
    if (!a) return undefined;
    const r = this.fresh('r');
    scope.arrays.push({ name: r, kind: a.kind, writable: false });
    // `const r = cur` of a swapped `let` array: two variables for one array, neither written after (fuzz seed 930276)
    if (a.reassigned) scope.arrays[scope.arrays.indexOf(a)] = { ...a, writable: false };
    return [line(`const ${r} = ${a.name};`, r)];
  }

  /** `const out = xs.map(…); return out;` or `Array.from` / `Float64Array.from` of three: f's array result. */
  protected mappedResult(scope: Scope, output: 'f64' | 'numarr'): S[] | undefined {
    const sources = scope.arrays.filter((a) => (output === 'f64' ? a.kind === 'f64' : a.kind === 'numarr'));
    let pieces: Piece[];
    if (sources.length > 0 && this.on.has('map') && this.chance(0.6)) {
      pieces = [`${this.pick(sources).name}.map(`, ...this.callback1(scope, 2, true), ')'];
    } else if (this.on.has(output === 'f64' ? 'typedFrom' : 'arrayFrom')) {
      const i = this.fresh('i');
      const inner = this.within(scope, [], [i], { loop: false, canBreak: false, canReturn: false });
      pieces = [`${output === 'f64' ? 'Float64Array' : 'Array'}.from({ length: 3 }, (_, ${i}) => `, this.num(inner, 2), ')'];
    } else return undefined;
    return [line(cat('num', 'const out = ', ...pieces, ';'), 'out'), line('return out;')];
  }

  // ── expressions ────────────────────────────────────────────────────────────────────────────

  /** `xs.reduce((acc, x, i) => …, init)`, `reduceRight`, or with a named reducer. */
  protected reduce(scope: IdiomScope, d: number, method: 'reduce' | 'reduceRight'): E | undefined {
    const withInit = this.chance(0.8);
    const s = this.seq(scope, !withInit);
    if (!s) return undefined;
    const init = withInit ? [', ', this.chance(0.5) ? text(this.pick(['0', '1', '0.5'])) : this.num(scope, 1)] : [];
    const named = (this.on.has('closure') ? (scope.fns ?? []).filter((f) => f.arity === 2).map((f) => f.name) : [])
      .concat(this.helpers.filter((h) => h.sig === 'nn' && !h.custom && (!this.libOnly || h.ref.startsWith('$lib.'))).map((h) => h.ref));
    if (named.length > 0 && withInit && this.chance(0.25)) return cat('num', ...s.pieces, `.${method}(${this.pick(named)}`, ...init, ')');
    const acc = this.fresh('a');
    const x = this.fresh('x');
    const i = this.fresh('i');
    const withIndex = s.indexable && this.chance(0.3);
    const inner = this.within(scope, [{ name: acc, mutable: false }, { name: x, mutable: false }], withIndex ? [i] : [], { loop: false, canBreak: false });
    const e = this.num(inner, Math.max(1, Math.min(d, 2)));
    const body = this.pick<Piece[]>([[`${acc} + `, e], [`${acc} + ${x} * `, e], [`0.5 * ${acc} + `, e], [e]]);
    return cat('num', ...s.pieces, `.${method}((${acc}, ${x}${withIndex ? `, ${i}` : ''}) => `, ...body, ...init, ')');
  }

  /** `(xs.find((x) => …) ?? 0.5)` */
  protected find(scope: IdiomScope): E | undefined {
    const s = this.seq(scope, false);
    return s && cat('num', '(', ...s.pieces, '.find(', ...this.predicateFn(scope), `) ?? ${this.pick(['0', '0.5', '1'])})`);
  }

  /** `(xs.filter(…).length * e)` or a filtered sum. */
  protected filterExpr(scope: IdiomScope, d: number): E | undefined {
    const a = this.source(scope);
    if (!a) return undefined;
    if (this.chance(0.5)) return cat('num', `(${a.name}.filter(`, ...this.predicateFn(scope), ').length * ', this.num(scope, d), ')');
    const acc = this.fresh('a');
    const x = this.fresh('x');
    return cat('num', `${a.name}.filter(`, ...this.predicateFn(scope), `).reduce((${acc}, ${x}) => ${acc} + ${x}, 0)`);
  }

  /** `xs.at(-1)!` or `(xs.at(k) ?? 0)` */
  protected at(scope: IdiomScope): E | undefined {
    const s = this.seq(scope, true);
    if (!s) return undefined;
    const L = this.L;
    const k = s.indexable ? this.int(2 * L) - L : -1;
    return this.chance(0.6) ? cat('num', ...s.pieces, `.at(${k})!`) : cat('num', '(', ...s.pieces, `.at(${k}) ?? 0)`);
  }

  /** `Math.max(...xs)`, `Math.min(e, ...xs)` */
  protected mathSpread(scope: IdiomScope): E | undefined {
    const s = this.seq(scope, true);
    if (!s) return undefined;
    const fn = this.pick(['max', 'min']);
    return this.chance(0.7) ? cat('num', `Math.${fn}(...`, ...s.pieces, ')') : cat('num', `Math.${fn}(`, this.num(scope, 1), ', ...', ...s.pieces, ')');
  }

  /** `x!`, `(e as number)`, `(e satisfies number)` */
  protected assertion(scope: IdiomScope, d: number, kind: 'nonNull' | 'asNumber' | 'satisfies'): E | undefined {
    if (kind === 'nonNull') {
      const vars = scope.nums.filter((v) => !v.name.startsWith('$'));
      return vars.length > 0 ? text(`${this.pick(vars).name}!`) : undefined;
    }
    return cat('num', '(', this.num(scope, d), kind === 'asNumber' ? ' as number)' : ' satisfies number)');
  }

  /** `xs.some((x) => …)`, `xs.every(…)`, `xs.findIndex(…) >= 0` */
  protected search(scope: IdiomScope, kind: 'someEvery' | 'findIndex'): E | undefined {
    const a = this.source(scope);
    const s = kind === 'someEvery' ? this.seq(scope, false) : a && { pieces: [a.name] };
    if (!s) return undefined;
    if (kind === 'findIndex') return cat('bool', '(', ...s.pieces, '.findIndex(', ...this.predicateFn(scope), `) ${this.pick(['>= 0', '!== -1', '=== -1'])})`);
    return cat('bool', ...s.pieces, `.${this.pick(['some', 'every'])}(`, ...this.predicateFn(scope), ')');
  }
}
