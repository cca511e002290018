/**
 * Idiomatic statements for the random-program generator (generate.ts), each drawn only when its
 * idiom is switched on (idioms.ts): `for…of` over arrays, `.entries()` and `.keys()`; `switch` with
 * fall-through, `break`, `return` and `default`; labeled `continue`/`break`; `while (true)` left by a
 * counter; array, tuple and object destructuring (with defaults) and swaps; local closures that
 * read f's locals (also a `let` reassigned after the closure was made); helpers with default and
 * optional parameters, and a higher-order helper taking a callback.
 *
 * generate.ts's invariants hold: an indexable array has length L, an index is in [0, L), a loop is
 * bounded, a closure writes nothing outside itself.
 */
import { type ArrVar, Generator, literals, type NumVar, type ObjShape, type Scope } from './generate.js';
import type { Idiom } from './idioms.js';
import { block, type E, expr, line, pinned, type S, text } from './tree.js';

/** Text and sub-expressions in order: `cat('num', 'f(', a, ', ', b, ')')`. */
export type Piece = string | E;
export function cat(type: E['type'], ...pieces: readonly Piece[]): E {
  const parts = [''];
  const kids: E[] = [];
  for (const p of pieces) {
    if (typeof p === 'string') parts[parts.length - 1] += p;
    else {
      kids.push(p);
      parts.push('');
    }
  }
  return { parts, kids, type };
}

/** A local arrow `g(x)` or `g(x, y)` in scope. */
export interface LocalFn {
  readonly name: string;
  readonly arity: 1 | 2;
}
/** A local array of unknown length (a filter's result, conditional pushes): iterated, never indexed. */
export interface SeqVar {
  readonly name: string;
  readonly nonEmpty: boolean;
}
export interface IdiomScope extends Scope {
  fns?: LocalFn[];
  seqs?: SeqVar[];
}
/** An array expression: indexable (a length-L array: its index is in range) or only iterable. */
export interface SeqExpr {
  readonly pieces: readonly Piece[];
  readonly indexable: boolean;
  /** Elements are indices in [0, L) (an Int32Array table). */
  readonly ints: boolean;
}

export interface IdiomHelper {
  readonly ref: string;
  readonly kind: 'default' | 'optional' | 'hof';
}

/** A plain identifier (not a field, an element or a namespace member). */
export const plainName = /^[A-Za-z_]\w*$/;

export class StmtIdioms extends Generator {
  protected readonly idiomHelpers: IdiomHelper[] = [];
  /** f's object parameters, for destructuring. */
  protected readonly objParams: { name: string; shape: ObjShape }[] = [];
  /** Arrays made in a function body (fill writes only these). */
  protected readonly localArrays = new Set<string>();
  /** Field names already declared by shorthand (`const { w } = p1`): later ones are renamed. */
  protected readonly shorthand = new Set<string>();
  /** Discriminants of the switches being generated around the current statement. */
  private readonly switching: string[] = [];

  constructor(seed: number, name: string, protected readonly on: ReadonlySet<Idiom>) {
    super(seed, name);
  }

  protected override child(scope: IdiomScope, changes: Partial<IdiomScope> = {}): IdiomScope {
    const c: IdiomScope = super.child(scope, changes);
    return { ...c, fns: [...(c.fns ?? [])], seqs: [...(c.seqs ?? [])] };
  }

  protected override fields(path: string, shape: ObjShape, scope: Scope): void {
    if (!path.includes('.')) this.objParams.push({ name: path, shape });
    super.fields(path, shape, scope);
  }

  protected within(scope: IdiomScope, nums: readonly NumVar[], ints: readonly string[] = [], changes: Partial<IdiomScope> = {}): IdiomScope {
    return this.child(scope, { nums: [...scope.nums, ...nums], ints: [...scope.ints, ...ints], ...changes });
  }

  /**
   * `acc op= …` after a loop body, so the loop matters; `*=` by a bounded factor (`acc *= acc` in
   * nested loops overflows to ∞, whose 0·∞ makes derivatives NaN: README, Known limits).
   */
  protected accumulate(scope: Scope, inner: Scope, body: S[], p = 0.7): void {
    const acc = scope.nums.filter((v) => v.mutable);
    if (acc.length === 0 || !this.chance(p)) return;
    const op = this.pick(['+=', '-=', '*=']);
    body.push(line(expr('num', [`${this.pick(acc).name} ${op} `, ';'], op === '*=' ? this.compoundOperand(inner) : this.num(inner, 2))));
  }

  /** A length-L array in scope (Int32Array tables with weight `i32`). */
  protected plainArray(scope: Scope, i32 = 0.2): ArrVar | undefined {
    const tables = scope.arrays.filter((a) => a.kind === 'i32');
    const others = scope.arrays.filter((a) => a.kind !== 'i32');
    if (tables.length > 0 && (others.length === 0 || this.chance(i32))) return this.pick(tables);
    return others.length > 0 ? this.pick(others) : undefined;
  }

  /** An array expression to iterate; array-method idioms add more forms (idiomArrays.ts). */
  protected seq(scope: IdiomScope, nonEmpty: boolean): SeqExpr | undefined {
    const seqs = (scope.seqs ?? []).filter((s) => s.nonEmpty || !nonEmpty);
    if (seqs.length > 0 && this.chance(0.3)) return { pieces: [this.pick(seqs).name], indexable: false, ints: false };
    const a = this.plainArray(scope);
    return a && { pieces: [a.name], indexable: true, ints: a.kind === 'i32' };
  }

  // ── loops ──────────────────────────────────────────────────────────────────────────────────

  /** `for (const x of xs) { … }` */
  protected forOf(scope: IdiomScope, depth: number): S[] | undefined {
    const src = this.seq(scope, false);
    if (!src) return undefined;
    const x = this.fresh('x');
    const inner = this.within(scope, [{ name: x, mutable: false }], src.ints ? [x] : [], { loop: true, canBreak: true });
    const body = this.stmts(inner, depth + 1);
    this.accumulate(scope, inner, body);
    return [block(cat('num', `for (const ${x} of `, ...src.pieces, ')'), [body])];
  }

  /** `for (const [i, x] of xs.entries())` or `for (const i of xs.keys())` over a length-L array. */
  protected forOfIndexed(scope: IdiomScope, depth: number, keys: boolean): S[] | undefined {
    const a = this.plainArray(scope);
    if (!a) return undefined;
    const i = this.fresh('i');
    const x = this.fresh('x');
    const inner = keys
      ? this.within(scope, [], [i], { loop: true, canBreak: true })
      : this.within(scope, [{ name: x, mutable: false }], a.kind === 'i32' ? [i, x] : [i], { loop: true, canBreak: true });
    const body = this.stmts(inner, depth + 1);
    this.accumulate(scope, inner, body);
    return [block(keys ? `for (const ${i} of ${a.name}.keys())` : `for (const [${i}, ${x}] of ${a.name}.entries())`, [body])];
  }

  /** `outer: for (…) { … for (…) { … if (c) continue outer; … } … }` */
  protected labeled(scope: IdiomScope, depth: number): S[] {
    const label = this.fresh('outer');
    const i = this.fresh('i');
    const j = this.fresh('i');
    const L = this.L;
    const outer = this.within(scope, [], [i], { loop: true, canBreak: true });
    const body = this.stmts(outer, depth + 1);
    const inner = this.within(outer, [], [j]);
    const jump = (): S => block(expr('bool', ['if (', ')'], this.bool(inner)), [[line(`${this.chance(0.5) ? 'continue' : 'break'} ${label};`)]]);
    // generated in order, so a jump's condition reads only what is declared before it
    const innerBody = [...this.stmts(inner, depth + 2), jump()];
    if (this.chance(0.5)) innerBody.push(...this.stmts(inner, depth + 2));
    if (this.chance(0.3)) innerBody.push(jump());
    this.accumulate(outer, inner, innerBody, 0.8);
    const innerHead = this.chance(0.5) ? `for (let ${j} = 0; ${j} < ${L}; ${j}++)` : `for (let ${j} = ${i}; ${j} < ${L}; ${j}++)`;
    body.push(block(innerHead, [innerBody]));
    this.accumulate(scope, outer, body, 0.5);
    return [block(`${label}: for (let ${i} = 0; ${i} < ${L}; ${i}++)`, [body])];
  }

  /** `while (true) { … if (c) break; }`, bounded by a counter checked where no `continue` skips it. */
  protected whileTrue(scope: IdiomScope, depth: number): S[] {
    const k = this.fresh('k');
    const L = this.L;
    const exit = (): S => pinned(block(expr('bool', [`if (${k} >= ${L} || `, ')'], this.bool(scope)), [[line('break;')]]));
    if (this.chance(0.5)) {
      // the check comes first: `continue` is allowed in the body
      const inner = this.within(scope, [], [`(${k} - 1)`], { loop: true, canBreak: true });
      const body = [pinned(line(`if (${k} >= ${L}) break;`)), pinned(line(`${k}++;`)), ...this.stmts(inner, depth + 1)];
      this.accumulate(scope, inner, body, 0.9);
      if (this.chance(0.6)) body.push(block(expr('bool', ['if (', ')'], this.bool(inner)), [[line('break;')]]));
      return [line(`let ${k} = 0;`, k), block('while (true)', [body])];
    }
    // the check comes last: no `continue` directly in the body (nested loops have their own)
    const inner = this.within(scope, [], [k], { loop: false, canBreak: false });
    const body = this.stmts(inner, depth + 1);
    this.accumulate(scope, inner, body, 0.9);
    body.push(pinned(line(`${k}++;`)), exit());
    return [line(`let ${k} = 0;`, k), block('while (true)', [body])];
  }

  /** `switch` on an integer (a loop counter, `i % 3`, a size) with fall-through, break, return, default. */
  protected switchStmt(scope: IdiomScope, depth: number): S[] | undefined {
    const L = this.L;
    const options: { disc: string; values: number[] }[] = [];
    for (const i of scope.ints) options.push({ disc: `${i} % 3`, values: [0, 1, 2] }, { disc: i, values: Array.from({ length: L }, (_, v) => v) });
    for (const v of scope.nums) if (/^p\d+$/.test(v.name) && !v.mutable) options.push({ disc: v.name, values: [L - 1, L, L + 1] });
    // not a discriminant already switched on around here: TypeScript has narrowed it to the enclosing cases
    const free = options.filter((o) => !this.switching.includes(o.disc));
    if (free.length === 0) return undefined;
    const { disc, values } = this.pick(free);
    this.switching.push(disc);
    const pool = [...values];
    const labels: string[] = [];
    for (let n = 1 + this.int(3); n > 0 && pool.length > 0; n--) labels.push(`case ${pool.splice(this.int(pool.length), 1)[0]}:`);
    if (this.chance(0.6)) labels.splice(this.chance(0.7) ? labels.length : this.int(labels.length), 0, 'default:');
    const out: S[] = [];
    let returned = 0;
    labels.forEach((label, k) => {
      const last = k === labels.length - 1;
      // an empty case falling through to the next
      if (!last && this.chance(0.2)) return void out.push(line(label));
      const body = this.stmts(this.child(scope), depth + 1);
      const end = this.int(10);
      const mayReturn = scope.canReturn && !(labels.includes('default:') && returned === labels.length - 1);
      if (end < 2 && mayReturn) {
        body.push(line(expr('num', ['return ', ';'], this.result(scope))));
        returned++;
      } else if (end < 8 || last) {
        if (!last || this.chance(0.5)) body.push(line('break;'));
      }
      if (this.chance(0.5)) out.push(block(label, [body]));
      else out.push(line(label), ...body);
    });
    this.switching.pop();
    return [block(`switch (${disc})`, [out])];
  }

  // ── destructuring ──────────────────────────────────────────────────────────────────────────

  private dflt(): string {
    return this.on.has('destructDefault') && this.chance(0.35) ? ` = ${this.pick(literals)}` : '';
  }

  /** `const [a, b] = [e1, e2];` */
  protected destructTuple(scope: IdiomScope): S[] {
    const names = [this.fresh('v'), this.fresh('v')];
    const mutable = this.chance(0.5);
    const items = names.map(() => this.num(scope, 2));
    const s = line(expr('num', [`${mutable ? 'let' : 'const'} [${names[0]}${this.dflt()}, ${names[1]}${this.dflt()}] = [`, ', ', '];'], ...items), names.join(' '));
    scope.nums.push(...names.map((name) => ({ name, mutable })));
    return [s];
  }

  /** `[a, b] = [b, a];` (or `[a, b] = [b, e]`) of two number locals. */
  protected swap(scope: IdiomScope): S[] | undefined {
    const vars = scope.nums.filter((v) => v.mutable && plainName.test(v.name));
    if (vars.length < 2) return undefined;
    const a = this.pick(vars);
    const b = this.pick(vars.filter((v) => v !== a));
    if (this.chance(0.7)) return [line(`[${a.name}, ${b.name}] = [${b.name}, ${a.name}];`)];
    return [line(expr('num', [`[${a.name}, ${b.name}] = [${b.name}, `, '];'], this.num(scope, 2)))];
  }

  /** `const [p, q] = xs;` (holes, defaults) of a length-L array. */
  protected destructArray(scope: IdiomScope): S[] | undefined {
    const a = this.plainArray(scope, 0.25);
    if (!a) return undefined;
    const n = 1 + this.int(Math.min(3, this.L));
    const names: string[] = [];
    const pattern = Array.from({ length: n }, (_, k) => {
      if (k < n - 1 && this.chance(0.2)) return '';
      const name = this.fresh('v');
      names.push(name);
      return name + this.dflt();
    });
    const mutable = this.chance(0.3);
    scope.nums.push(...names.map((name) => ({ name, mutable })));
    if (a.kind === 'i32' && !mutable) scope.ints.push(...names);
    return [line(`${mutable ? 'let' : 'const'} [${pattern.join(', ')}] = ${a.name};`, names.join(' '))];
  }

  /** `const { w, s: s3 } = p1;`, nested `{ b: { c } }`, of f's object parameters (arrays read only: they alias the parameter's). */
  protected destructObject(scope: IdiomScope): S[] | undefined {
    if (this.objParams.length === 0 || !this.inF) return undefined;
    const o = this.pick(this.objParams);
    // sometimes a nested object: `const { c, d } = p1.b`
    let path = o.name;
    let shape = o.shape;
    const nested = Object.entries(shape).filter(([, t]) => typeof t !== 'string');
    if (nested.length > 0 && this.chance(0.3)) {
      const [k, t] = this.pick(nested);
      path = `${path}.${k}`;
      shape = t as ObjShape;
    }
    const declared: string[] = [];
    const pattern = (sh: ObjShape): string => {
      const entries = Object.entries(sh);
      const chosen = entries.filter(() => this.chance(0.7));
      const items = (chosen.length > 0 ? chosen : [entries[0]]).map(([field, t]) => {
        if (typeof t !== 'string') return `${field}: ${pattern(t)}`;
        // not a name in scope: a callback's parameter `({ m }) => { const { m } = p1 }` is a
        // duplicate declaration (seed 1032025)
        const taken = scope.nums.some((v) => v.name === field) || scope.arrays.some((a) => a.name === field);
        const shorthand = !this.shorthand.has(field) && !taken && this.chance(0.5);
        const name = shorthand ? field : this.fresh(field);
        if (shorthand) this.shorthand.add(field);
        declared.push(name);
        if (t === 'num') scope.nums.push({ name, mutable: false });
        else scope.arrays.push({ name, kind: t, writable: false });
        const d = t === 'num' ? this.dflt() : '';
        return shorthand ? `${name}${d}` : `${field}: ${name}${d}`;
      });
      return `{ ${items.join(', ')} }`;
    };
    return [line(`const ${pattern(shape)} = ${path};`, declared.join(' '))];
  }

  // ── closures ───────────────────────────────────────────────────────────────────────────────

  /**
   * `const g = (x: number): number => …;` reading the locals and parameters around it (it writes
   * none), then a call; sometimes a captured `let` is reassigned in between.
   */
  protected closure(scope: IdiomScope, depth: number): S[] {
    const g = this.fresh('g');
    const arity = this.chance(0.75) ? 1 : 2;
    const params = Array.from({ length: arity }, () => this.fresh('x'));
    const inner = this.child(scope, {
      nums: [...scope.nums.map((v) => ({ ...v, mutable: false })), ...params.map((name) => ({ name, mutable: true }))],
      arrays: scope.arrays.map((a) => ({ ...a, writable: false })),
      loop: false, canBreak: false, canReturn: true,
    });
    const list = params.map((x) => `${x}: number`).join(', ');
    const ret = this.chance(0.5) ? ': number' : '';
    let decl: S;
    if (depth < 2 && this.chance(0.3)) {
      const body = this.stmts(inner, depth + 1);
      body.push(line(expr('num', ['return ', ';'], this.result(inner))));
      decl = block(`const ${g} = (${list})${ret} =>`, [body], undefined, text(';'));
    } else {
      decl = line(expr('num', [`const ${g} = (${list})${ret} => `, ';'], this.num(inner, 2)), g);
    }
    (scope.fns ??= []).push({ name: g, arity });
    const out = [decl];
    const mutable = scope.nums.filter((v) => v.mutable);
    if (mutable.length > 0 && this.chance(0.5)) out.push(line(expr('num', [`${this.pick(mutable).name} = `, ';'], this.num(scope, 2))));
    const call = cat('num', `${g}(`, this.num(scope, 2), ...(arity === 2 ? [', ', this.num(scope, 1)] : []), ')');
    if (mutable.length > 0 && this.chance(0.6)) out.push(line(cat('num', `${this.pick(mutable).name} += `, call, ';')));
    else {
      const v = this.fresh('v');
      out.push(line(cat('num', `const ${v} = `, call, ';'), v));
      scope.nums.push({ name: v, mutable: false });
    }
    return out;
  }

  // ── helpers ────────────────────────────────────────────────────────────────────────────────

  /** `function h(u: number, k = 2)`, `function h(u: number, k?: number) { const kk = k ?? 1.5; … }`, or `function ap(g: (x: number) => number, u: number)`. */
  protected idiomHelper(where: S[], inLib: boolean, kind: IdiomHelper['kind']): void {
    const name = this.fresh(kind === 'hof' ? 'ap' : 'h');
    const ex = inLib ? 'export ' : '';
    const ref = inLib ? this.libRef(name) : name;
    if (kind === 'hof') {
      const body = this.pick(['g(g(u))', 'g(u) + 0.5 * g(0.5 * u)', 'g(u) * g(-u)', '0.5 * (g(u + 0.25) - g(u - 0.25))']);
      where.push(this.chance(0.5)
        ? line(`${ex}function ${name}(g: (x: number) => number, u: number): number { return ${body}; }`)
        : line(`${ex}const ${name} = (g: (x: number) => number, u: number): number => ${body};`));
      this.idiomHelpers.push({ ref, kind });
      return;
    }
    const scope: IdiomScope = this.helperScope(inLib);
    this.libOnly = inLib;
    this.budget = 2 + this.int(4);
    const lit = this.pick(literals);
    scope.nums.push({ name: 'u', mutable: true });
    let list: string;
    const pre: S[] = [];
    if (kind === 'default') {
      list = `u: number, k = ${lit}`;
      scope.nums.push({ name: 'k', mutable: true });
    } else {
      list = 'u: number, k?: number';
      pre.push(line(this.chance(0.7) ? `const kk = k ?? ${lit};` : `const kk = k === undefined ? ${lit} : k;`, 'kk'));
      scope.nums.push({ name: 'kk', mutable: false });
    }
    if (kind === 'default' && this.chance(0.4)) {
      where.push(line(expr('num', [`${ex}const ${name} = (${list}): number => `, ';'], this.num(scope, 2))));
    } else {
      const body = [...pre, ...this.stmts(scope, 0)];
      body.push(line(expr('num', ['return ', ';'], this.result(scope))));
      where.push(block(`${ex}function ${name}(${list}): number`, [body]));
    }
    this.idiomHelpers.push({ ref, kind });
    this.libOnly = false;
  }

  /** Helpers callable here (a helper of the imported module calls only that module's). */
  protected callableIdiomHelpers(kinds: readonly IdiomHelper['kind'][]): IdiomHelper[] {
    return this.idiomHelpers.filter((h) => kinds.includes(h.kind) && (!this.libOnly || h.ref.startsWith('$lib.')));
  }

  /**
   * A function of one number to pass as a callback (applyTwice, map): an inline arrow, a local
   * closure, a helper or `Math.f`. `index`: an inline arrow may take the element's index too;
   * `typed`: an inline arrow says it returns a number.
   */
  protected callback1(scope: IdiomScope, d: number, index = false, typed = false): Piece[] {
    const named: string[] = [];
    if (this.on.has('closure')) named.push(...(scope.fns ?? []).filter((f) => f.arity === 1).map((f) => f.name));
    named.push(...this.callableIdiomHelpers(['default', 'optional']).map((h) => h.ref));
    named.push(...this.helpers.filter((h) => h.sig === 'n' && !h.custom && (!this.libOnly || h.ref.startsWith('$lib.'))).map((h) => h.ref));
    const roll = this.int(10);
    if (roll < 3 && named.length > 0) return [this.pick(named)];
    if (roll < 4) return [`Math.${this.pick(['sin', 'cos', 'tanh', 'atan', 'exp'])}`];
    const x = this.fresh('x');
    const i = this.fresh('i');
    const withIndex = index && this.chance(0.4);
    const inner = this.within(scope, [{ name: x, mutable: false }], withIndex ? [i] : [], { loop: false, canBreak: false });
    const params = withIndex ? `(${x}, ${i})` : this.chance(0.5) ? `(${x}: number)` : `(${x})`;
    return [`${params}${typed ? ': number' : ''} => `, this.num(inner, Math.max(1, Math.min(d, 2)))];
  }

  /** A call of a local closure or an idiom helper, or undefined when none is in scope. */
  protected idiomCall(scope: IdiomScope, d: number, kinds: readonly ('closure' | IdiomHelper['kind'])[]): E | undefined {
    const a = (): E => this.num(scope, d);
    const calls: (() => E)[] = [];
    if (kinds.includes('closure')) {
      for (const f of scope.fns ?? []) calls.push(() => (f.arity === 1 ? cat('num', `${f.name}(`, a(), ')') : cat('num', `${f.name}(`, a(), ', ', a(), ')')));
    }
    for (const h of this.callableIdiomHelpers(kinds.filter((k) => k !== 'closure') as IdiomHelper['kind'][])) {
      if (h.kind === 'hof') calls.push(() => cat('num', `${h.ref}(`, ...this.callback1(scope, d), ', ', a(), ')'));
      else calls.push(() => (this.chance(0.5) ? cat('num', `${h.ref}(`, a(), ')') : cat('num', `${h.ref}(`, a(), ', ', a(), ')')));
    }
    return calls.length > 0 ? this.pick(calls)() : undefined;
  }
}
