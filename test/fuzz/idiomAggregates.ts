/**
 * Arrays of arrays and arrays of objects as f's parameters, each drawn only when its idiom is
 * switched on (idioms.ts): `rowsParam` adds `A: number[][]`, `Float64Array[]` or `[number, number][]`,
 * `objectsParam` adds `ps: { w: number[]; s: number; tag: 'a' | 'b' }[]` (nested objects,
 * Float64Array fields, Int32Array index tables). Both are read only (README: writes into them are
 * rejected): `A[i][j]`, `const row = A[i]`, `for (const row of A)`, `A.forEach`, `A.map`,
 * `A.reduce`, `A.flat()`, `A.length`, `A[i].length`; `ps[i].w[j]`, `const el = ps[i]`,
 * `const { w, s } = ps[i]`, `for (const el of ps)`, `ps.forEach(({ w, s }) => …)`, `ps.reduce`,
 * `ps.map`, `el.tag === 'a'`.
 *
 * Sizes: a parameter has 2…L rows or elements, each row L numbers (or a pair), so a counter over
 * them is an index in [0, L) and a row joins the scope's length-L arrays (read only); an element's
 * fields join the scope as `el.s`, `el.w`, and the generator reads them like any other.
 */
import type { ElemShape, ParamSpec, Scope } from './generate.js';
import { ArrayIdioms } from './idiomArrays.js';
import { cat, type IdiomScope, type Piece } from './idiomStmts.js';
import { block, type E, expr, line, type S, text } from './tree.js';

const elemShapes: readonly ElemShape[] = [{ w: 'numarr', s: 'num', tag: 'tag' }, { v: 'f64', k: 'num', ix: 'i32' },
  { loc: { x: 'num', y: 'num' }, m: 'num', w: 'numarr' }, { s: 'num', k: 'num', tag: 'tag', v: 'f64' }];

export interface AggScope extends IdiomScope {
  /** String tags in scope (`el.tag`, `tag3`), each compared at most once (see tagTest). */
  tags?: string[];
  /** Local arrays with one entry per row or element (`const m = A.map(…)`): indexed by a slot. */
  counted?: { readonly name: string; readonly count: number }[];
}

/** How often a leaf of an expression reads an aggregate parameter, and a statement is one of theirs, when f has one. */
const LEAF_RATE = 0.12;
const STMT_RATE = 0.1;

export class AggregateIdioms extends ArrayIdioms {
  /** f's arrays of arrays and of objects (none while helpers are generated: they come first). */
  protected readonly aggregates: ParamSpec[] = [];
  /** Tags already compared: a second test inside the first would compare a narrowed tag (TS2367). */
  private readonly testedTags = new Set<string>();

  /** generate.ts's parameters, then sometimes an array of arrays and an array of objects. */
  protected override params(): ParamSpec[] {
    const params = super.params();
    const count = (): number => 2 + this.int(this.L - 1);
    const row = (): 'numarr' | 'f64' | 'pair' => this.pick(['numarr', 'numarr', 'f64', 'pair'] as const);
    if (this.on.has('rowsParam') && this.chance(0.6)) params.push({ name: `p${params.length}`, type: 'rows', count: count(), row: row() });
    if (this.on.has('objectsParam') && this.chance(0.6)) params.push({ name: `p${params.length}`, type: 'objs', count: count(), elem: this.pick(elemShapes) });
    return params;
  }

  /** An aggregate is read through the makers below, not through the scope. */
  protected override bindParam(p: ParamSpec, scope: Scope): void {
    if (p.type === 'rows' || p.type === 'objs') this.aggregates.push(p);
    else super.bindParam(p, scope);
  }

  /** A copy of the scope whose tags and mapped arrays stay inside it. */
  protected override child(scope: AggScope, changes: Partial<AggScope> = {}): AggScope {
    const c: AggScope = super.child(scope, changes);
    return { ...c, tags: [...(c.tags ?? [])], counted: [...(c.counted ?? [])] };
  }

  /** One of f's parameters of this type, if any. */
  private some(type: 'rows' | 'objs'): ParamSpec | undefined {
    const list = this.aggregates.filter((p) => p.type === type);
    return list.length > 0 ? this.pick(list) : undefined;
  }

  /** An index in [0, count): a literal, or an index in scope (in [0, L), and count ≤ L) modulo count. */
  private slot(scope: Scope, count: number): E {
    if (scope.ints.length === 0 || this.chance(0.6)) return text(String(this.int(count)), 'int');
    const i = this.pick(scope.ints);
    return text(count === this.L ? i : `${i} % ${count}`, 'int');
  }

  /** An index into a row: in [0, L), or 0 or 1 in a pair. */
  private column(scope: Scope, A: ParamSpec): E {
    return A.row === 'pair' ? text(String(this.int(2)), 'int') : this.index(scope);
  }

  /** A name bound by a pattern or a callback, replacing any variable of that name in scope. */
  private unbind(scope: AggScope, name: string): void {
    scope.nums = scope.nums.filter((v) => v.name !== name);
    scope.arrays = scope.arrays.filter((a) => a.name !== name);
    scope.ints = scope.ints.filter((i) => i !== name);
    scope.tags = (scope.tags ?? []).filter((t) => t !== name);
  }

  /** A row in scope as `name`: a length-L array read only, or a pair's two numbers `[a, b]` (returns the binding's text). */
  private bindRow(scope: AggScope, A: ParamSpec): string {
    if (A.row !== 'pair') {
      const row = this.fresh('row');
      scope.arrays.push({ name: row, kind: A.row!, writable: false });
      return row;
    }
    const names = [this.fresh('a'), this.fresh('b')];
    scope.nums.push(...names.map((name) => ({ name, mutable: false })));
    return `[${names.join(', ')}]`;
  }

  /** An element's fields in scope under `ref` (`el.s`, `el.w`, `ps[i].loc.x`): numbers, arrays and index tables read only, tags. */
  private bindElement(scope: AggScope, ref: string, shape: ElemShape): void {
    for (const [field, t] of Object.entries(shape)) {
      const name = `${ref}.${field}`;
      if (t === 'num') scope.nums.push({ name, mutable: false });
      else if (t === 'tag') (scope.tags ??= []).push(name);
      else if (typeof t === 'string') scope.arrays.push({ name, kind: t, writable: false });
      else this.bindElement(scope, name, t);
    }
  }

  /** `{ w: w3, s, loc: { x: x4 } }` over some of the fields (shorthand only where a new scope begins), its names bound. */
  private pattern(scope: AggScope, shape: ElemShape, shorthand: boolean): string {
    const entries = Object.entries(shape);
    const chosen = entries.filter(() => this.chance(0.6));
    const items = (chosen.length > 0 ? chosen : [entries[0]]).map(([field, t]) => {
      if (typeof t !== 'string') return `${field}: ${this.pattern(scope, t, shorthand)}`;
      const short = shorthand && this.chance(0.5);
      const name = short ? field : this.fresh(field);
      this.unbind(scope, name);
      if (t === 'num') scope.nums.push({ name, mutable: false });
      else if (t === 'tag') (scope.tags ??= []).push(name);
      else scope.arrays.push({ name, kind: t, writable: false });
      return short ? name : `${field}: ${name}`;
    });
    return `{ ${items.join(', ')} }`;
  }

  /** A number read from an element `ref` (`el`, `ps[i]`): a number field, or an array field at an index. */
  private elemRead(scope: Scope, ref: readonly Piece[], shape: ElemShape): E {
    const [field, t] = this.pick(Object.entries(shape).filter(([, x]) => x !== 'tag'));
    const at = [...ref, `.${field}`];
    if (t === 'num') return cat('num', ...at);
    if (typeof t === 'string') return cat('num', ...at, '[', this.index(scope), ']');
    return this.elemRead(scope, at, t);
  }

  /** A number computed from a row bound as `row` in `inner` (its reduce, or an element times an expression). */
  private rowValue(inner: Scope, A: ParamSpec, row: string): E {
    if (A.row === 'pair') return this.num(inner, 2);
    if (this.chance(0.4)) {
      const acc = this.fresh('a');
      const x = this.fresh('x');
      const body = this.within(inner, [{ name: acc, mutable: false }, { name: x, mutable: false }], [], { loop: false, canBreak: false });
      return cat('num', `${row}.reduce((${acc}, ${x}) => ${acc} + `, this.num(body, 1), ', 0)');
    }
    return cat('num', `${row}[`, this.index(inner), '] * ', this.num(inner, 1));
  }

  /** The scope of a callback's body (with a reducer's accumulator `acc`). */
  private callback(scope: AggScope, acc?: string): AggScope {
    return this.within(scope, acc ? [{ name: acc, mutable: false }] : [], [], { loop: false, canBreak: false, canReturn: false });
  }

  /** A mutable number to accumulate into: one in scope, or a new `let s = 0` declared in `out`. */
  private target(scope: Scope, out: S[]): string {
    const targets = scope.nums.filter((v) => v.mutable);
    if (targets.length > 0 && this.chance(0.7)) return this.pick(targets).name;
    const acc = this.fresh('s');
    out.push(line(`let ${acc} = 0;`, acc));
    scope.nums.push({ name: acc, mutable: true });
    return acc;
  }

  /** A loop body over `inner`, then `target op= …` so the loop matters. */
  private loopBody(scope: Scope, inner: Scope, depth: number, out: S[]): S[] {
    const acc = this.target(scope, out);
    const body = depth < 2 ? this.stmts(inner, depth + 1) : [];
    body.push(line(expr('num', [`${acc} ${this.pick(['+=', '-=', '+='])} `, ';'], this.num(inner, 2))));
    return body;
  }

  /** `.reduce((u, w) => u + w, 0)` with fresh names (an expression around it may read outer ones). */
  private sum(): string {
    const u = this.fresh('u');
    const w = this.fresh('w');
    return `.reduce((${u}, ${w}) => ${u} + ${w}, 0)`;
  }

  // ── arrays of arrays ───────────────────────────────────────────────────────────────────────

  /** A statement reading an array of arrays: a row by name, a mapped array, a loop over the rows. */
  protected rowsStmt(scope: AggScope, depth: number): S[] | undefined {
    const A = this.some('rows');
    if (!A) return undefined;
    const loop = depth < 3;
    switch (this.int(loop ? 5 : 2)) {
      case 0:
        return [line(expr('num', [`const ${this.bindRow(scope, A)} = ${A.name}[`, '];'], this.slot(scope, A.count!)))];
      case 1: {
        const inner = this.child(scope, { loop: false, canBreak: false, canReturn: false });
        const row = this.bindRow(inner, A);
        return this.counted(scope, A.count!, cat('num', `${A.name}.map((${row}) => `, this.rowValue(inner, A, row), ')'));
      }
      case 2: {
        const out: S[] = [];
        const inner = this.child(scope, { loop: true, canBreak: true });
        const row = this.bindRow(inner, A);
        const body = this.loopBody(scope, inner, depth, out);
        return [...out, block(`for (const ${row} of ${A.name})`, [body])];
      }
      case 3:
        return this.rowsByIndex(scope, A, depth);
      default: {
        const out: S[] = [];
        const i = this.chance(0.5) ? this.fresh('i') : undefined;
        const inner = this.child(scope, { ints: i ? [...scope.ints, i] : scope.ints, loop: false, canBreak: false, canReturn: false });
        const row = this.bindRow(inner, A);
        const body = this.loopBody(scope, inner, depth, out);
        return [...out, block(`${A.name}.forEach((${row}${i ? `, ${i}` : ''}) =>`, [body], undefined, text(');'))];
      }
    }
  }

  /** `for (let i = 0; i < A.length; i++) { const row = A[i]; … for (let j = 0; j < A[i].length; j++) acc += A[i][j] * …; }` */
  private rowsByIndex(scope: AggScope, A: ParamSpec, depth: number): S[] {
    const out: S[] = [];
    const i = this.fresh('i');
    const inner = this.child(scope, { ints: [...scope.ints, i], loop: true, canBreak: true });
    const named = this.chance(0.5) ? [line(`const ${this.bindRow(inner, A)} = ${A.name}[${i}];`)] : [];
    const body = [...named, ...this.loopBody(scope, inner, depth, out)];
    if (this.chance(0.5)) {
      const j = this.fresh('j');
      const cells = this.child(inner, { ints: [...inner.ints, j] });
      const acc = this.target(scope, out);
      body.push(block(`for (let ${j} = 0; ${j} < ${A.name}[${i}].length; ${j}++)`, [[line(expr('num', [`${acc} += ${A.name}[${i}][${j}] * `, ';'], this.num(cells, 1)))]]));
    }
    return [...out, block(`for (let ${i} = 0; ${i} < ${A.name}.length; ${i}++)`, [body])];
  }

  /** `const m = <one entry per row or element>;`, then indexable by a slot. */
  private counted(scope: AggScope, count: number, e: E): S[] {
    const name = this.fresh('m');
    (scope.counted ??= []).push({ name, count });
    (scope.seqs ??= []).push({ name, nonEmpty: true });
    return [line(cat('num', `const ${name} = `, e, ';'), name)];
  }

  /** A number read from an array of arrays: an element, a reduce over rows, a map then reduce or max, a flat() sum, a row passed to a helper, a length. */
  protected rowsExpr(scope: AggScope, d: number): E | undefined {
    const A = this.some('rows');
    if (!A) return undefined;
    const acc = this.fresh('a');
    const inner = this.callback(scope, acc);
    switch (this.int(6)) {
      case 0:
        return this.rowsElement(scope, A);
      case 1: {
        const row = this.bindRow(inner, A);
        return cat('num', `${A.name}.reduce((${acc}, ${row}) => ${acc} + `, this.rowValue(inner, A, row), `, ${this.pick(['0', '0.5'])})`);
      }
      case 2: {
        const each = this.callback(scope);
        const row = this.bindRow(each, A);
        const mapped: Piece[] = [`${A.name}.map((${row}) => `, this.rowValue(each, A, row), ')'];
        return this.chance(0.5) ? cat('num', `Math.${this.pick(['max', 'min'])}(...`, ...mapped, ')') : cat('num', ...mapped, this.sum());
      }
      case 3: {
        if (A.row === 'f64') return this.rowsElement(scope, A); // Float64Array rows: flat() leaves them whole
        const x = this.fresh('x');
        const body = this.within(inner, [{ name: x, mutable: false }]);
        return cat('num', `${A.name}.flat().reduce((${acc}, ${x}) => ${acc} + ${x} * `, this.num(body, Math.min(d, 1)), ', 0)');
      }
      case 4:
        return this.passed(scope, A.row!, [`${A.name}[`, this.slot(scope, A.count!), ']'], d) ?? this.rowsElement(scope, A);
      default:
        return this.chance(0.5) ? cat('num', `(${A.name}.length * `, this.num(scope, d), ')') : cat('num', `${A.name}[`, this.slot(scope, A.count!), '].length');
    }
  }

  /** `h(A[i], e)`, `h(ps[i].w, e)`: a row or an array field passed to a helper reading an array of its kind, if there is one. */
  private passed(scope: Scope, kind: string, array: readonly Piece[], d: number): E | undefined {
    const readers = this.helpers.filter((h) => h.sig === 'an' && h.arr === kind);
    if (readers.length === 0) return undefined;
    return cat('num', `${this.pick(readers).ref}(`, ...array, ', ', this.num(scope, Math.max(0, d - 1)), ')');
  }

  /** `A[i][j]` */
  private rowsElement(scope: Scope, A: ParamSpec): E {
    return expr('num', [`${A.name}[`, '][', ']'], this.slot(scope, A.count!), this.column(scope, A));
  }

  // ── arrays of objects ──────────────────────────────────────────────────────────────────────

  /** A statement reading an array of objects: an element by name or destructured, a mapped array, a loop over the elements. */
  protected objsStmt(scope: AggScope, depth: number): S[] | undefined {
    const ps = this.some('objs');
    if (!ps) return undefined;
    const elem = ps.elem!;
    const loop = depth < 3;
    switch (this.int(loop ? 6 : 3)) {
      case 0: {
        const el = this.fresh('el');
        const s = line(expr('num', [`const ${el} = ${ps.name}[`, '];'], this.slot(scope, ps.count!)), el);
        this.bindElement(scope, el, elem);
        return [s];
      }
      case 1: {
        const n = this.slot(scope, ps.count!);
        return [line(expr('num', [`const ${this.pattern(scope, elem, false)} = ${ps.name}[`, '];'], n))];
      }
      case 2: {
        const el = this.fresh('el');
        const inner = this.child(scope, { loop: false, canBreak: false, canReturn: false });
        this.bindElement(inner, el, elem);
        return this.counted(scope, ps.count!, cat('num', `${ps.name}.map((${el}) => `, this.elemRead(inner, [el], elem), ' * ', this.num(inner, 1), ')'));
      }
      case 3: {
        const out: S[] = [];
        const inner = this.child(scope, { loop: true, canBreak: true });
        const head = this.elemParam(inner, elem);
        const body = this.loopBody(scope, inner, depth, out);
        return [...out, block(`for (const ${head} of ${ps.name})`, [body])];
      }
      case 4: {
        const out: S[] = [];
        const i = this.fresh('i');
        const inner = this.child(scope, { ints: [...scope.ints, i], loop: true, canBreak: true });
        this.bindElement(inner, `${ps.name}[${i}]`, elem);
        const body = this.loopBody(scope, inner, depth, out);
        return [...out, block(`for (let ${i} = 0; ${i} < ${ps.name}.length; ${i}++)`, [body])];
      }
      default: {
        const out: S[] = [];
        const i = this.chance(0.4) ? this.fresh('i') : undefined;
        const inner = this.child(scope, { ints: i ? [...scope.ints, i] : scope.ints, loop: false, canBreak: false, canReturn: false });
        const head = `${this.elemParam(inner, elem)}${i ? `, ${i}` : ''}`;
        const body = this.loopBody(scope, inner, depth, out);
        return [...out, block(`${ps.name}.forEach((${head}) =>`, [body], undefined, text(');'))];
      }
    }
  }

  /** A callback's or for…of's element: a name (`el`) or a destructuring pattern, bound in `inner`. */
  private elemParam(inner: AggScope, elem: ElemShape): string {
    if (this.chance(0.5)) return this.pattern(inner, elem, true);
    const el = this.fresh('el');
    this.bindElement(inner, el, elem);
    return el;
  }

  /** A number read from an array of objects: a field of an element, a reduce, a map then reduce, a length, an array field passed to a helper. */
  protected objsExpr(scope: AggScope, d: number): E | undefined {
    const ps = this.some('objs');
    if (!ps) return undefined;
    const elem = ps.elem!;
    const acc = this.fresh('a');
    const arrays = Object.entries(elem).filter(([, t]) => t === 'numarr' || t === 'f64');
    switch (this.int(5)) {
      case 0:
        return this.objsElement(scope, ps);
      case 4: {
        if (arrays.length === 0) return this.objsElement(scope, ps);
        const [field, kind] = this.pick(arrays);
        return this.passed(scope, kind as string, [`${ps.name}[`, this.slot(scope, ps.count!), `].${field}`], d) ?? this.objsElement(scope, ps);
      }
      case 1: {
        const inner = this.callback(scope, acc);
        const head = this.elemParam(inner, elem);
        return cat('num', `${ps.name}.reduce((${acc}, ${head}) => ${acc} + `, this.num(inner, Math.max(1, Math.min(d, 2))), `, ${this.pick(['0', '1'])})`);
      }
      case 2: {
        const el = this.fresh('el');
        const inner = this.callback(scope);
        this.bindElement(inner, el, elem);
        return cat('num', `${ps.name}.map((${el}) => `, this.elemRead(inner, [el], elem), ')', this.sum(), ' * ', this.num(scope, 1));
      }
      default:
        return cat('num', `(${ps.name}.length * `, this.num(scope, d), ')');
    }
  }

  /** `ps[i].s`, `ps[i].w[j]`, `ps[i].loc.x` */
  private objsElement(scope: Scope, ps: ParamSpec): E {
    return this.elemRead(scope, [`${ps.name}[`, this.slot(scope, ps.count!), ']'], ps.elem!);
  }

  /** `(el.tag === 'a')` of a tag not compared before, or of an element by literal index. */
  protected tagTest(scope: AggScope): E | undefined {
    const free = (scope.tags ?? []).filter((t) => !this.testedTags.has(t));
    let tag = free.length > 0 ? this.pick(free) : undefined;
    if (!tag) {
      const ps = this.some('objs');
      const field = ps && Object.entries(ps.elem!).find(([, t]) => t === 'tag')?.[0];
      if (!ps || !field) return undefined;
      tag = `${ps.name}[${this.int(ps.count!)}].${field}`;
      if (this.testedTags.has(tag)) return undefined;
    }
    this.testedTags.add(tag);
    return text(`(${tag} ${this.pick(['===', '!=='])} '${this.pick(['a', 'b'])}')`, 'bool');
  }

  /** Sometimes a statement reads an aggregate parameter (besides idioms.ts's draw among all enabled idioms). */
  protected override stmt(scope: AggScope, depth: number): S[] {
    if (this.aggregates.length === 0 || !this.chance(STMT_RATE)) return super.stmt(scope, depth);
    return (this.chance(0.5) ? this.rowsStmt(scope, depth) ?? this.objsStmt(scope, depth) : this.objsStmt(scope, depth) ?? this.rowsStmt(scope, depth)) ?? super.stmt(scope, depth);
  }

  /** Sometimes a leaf reads an aggregate parameter or a mapped array (only when f has one). */
  protected override leaf(scope: AggScope): E {
    if (this.aggregates.length === 0 || !this.chance(LEAF_RATE)) return super.leaf(scope);
    const counted = scope.counted ?? [];
    if (counted.length > 0 && this.chance(0.3)) {
      const m = this.pick(counted);
      return expr('num', [`${m.name}[`, ']'], this.slot(scope, m.count));
    }
    const p = this.pick(this.aggregates);
    return p.type === 'rows' ? this.rowsElement(scope, p) : this.objsElement(scope, p);
  }
}
