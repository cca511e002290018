/**
 * Objects as values inside differentiated code, each drawn only when its idiom is switched on
 * (idioms.ts): `objectLiteral` makes local objects (`const o = { x: e, y: e }`, shorthand
 * `{ v3, t2 }`, spread `{ ...o, y: e }`, nested `{ q: { r: e } }`, an array by reference
 * `{ w: xs }`) and accumulators updated in place (`acc.n++; …; acc.sum += e`); `objectHelper` adds
 * helpers returning objects of numbers (one return, or one per if/else branch) called as
 * `const { m, s } = st(xs, e)`, `const r = st(xs, e)` or `st(xs, e).m`.
 *
 * An object's number fields join the scope as `o.x` (some objects' fields are assigned later:
 * `o.x += e`), its array fields as read-only arrays `o.w` (they alias the array they were given),
 * its nested objects' fields likewise. Objects are `const`: never reassigned, never chosen by a
 * ternary, never holding functions (README: rejected).
 */
import { arrType, type ArrKind } from './generate.js';
import { AggregateIdioms, type AggScope } from './idiomAggregates.js';
import { cat, type Piece, plainName } from './idiomStmts.js';
import { block, type E, expr, line, pinned, type S } from './tree.js';

/** A local object's fields: numbers, arrays (by reference) and nested objects. */
export interface LocalShape {
  readonly [field: string]: 'num' | Exclude<ArrKind, 'i32'> | LocalShape;
}
export interface ObjVar {
  readonly name: string;
  readonly shape: LocalShape;
}
export interface ObjScope extends AggScope {
  /** Local objects, for spreads. */
  objs?: ObjVar[];
}
/** A helper returning an object of numbers: `st(a: number[], k: number): { m: number; s: number }`. */
interface ObjHelper {
  readonly ref: string;
  readonly arr: 'numarr' | 'f64';
  readonly fields: readonly string[];
  /** Returns from if/else branches: its result's fields are not assigned (compiled since; test/objectvalues.test.ts checks it). */
  readonly branches: boolean;
}

const FIELDS = ['x', 'y', 'z', 'r', 'q'];
const RESULT_FIELDS = [['m', 's'], ['lo', 'hi'], ['mean', 'sd', 'peak']];
/** How often a helper is followed by a helper returning an object, when objectHelper is on. */
const HELPER_RATE = 0.4;
/** How often a leaf of f reads an object helper's result, when there is one. */
const CALL_LEAF_RATE = 0.04;

export class ObjectIdioms extends AggregateIdioms {
  private readonly objHelpers: ObjHelper[] = [];

  /** A copy of the scope whose objects stay inside it. */
  protected override child(scope: ObjScope, changes: Partial<ObjScope> = {}): ObjScope {
    const c: ObjScope = super.child(scope, changes);
    return { ...c, objs: [...(c.objs ?? [])] };
  }

  /** An object's fields in scope under `ref`: numbers (assignable when `mutable`), arrays read only, nested objects' fields. */
  private bindObject(scope: ObjScope, ref: string, shape: LocalShape, mutable: boolean): void {
    for (const [field, t] of Object.entries(shape)) {
      const name = `${ref}.${field}`;
      if (t === 'num') scope.nums.push({ name, mutable });
      else if (typeof t === 'string') scope.arrays.push({ name, kind: t, writable: false });
      else this.bindObject(scope, name, t, mutable);
    }
  }

  /** `const o = <value>;` with the object's fields in scope (its number fields sometimes assignable, where `assignable`). */
  private declareObject(scope: ObjScope, value: readonly Piece[], shape: LocalShape, assignable = true): S {
    const name = this.fresh('o');
    const s = line(cat('num', `const ${name} = `, ...value, ';'), name);
    this.bindObject(scope, name, shape, this.chance(0.4) && assignable);
    (scope.objs ??= []).push({ name, shape });
    return s;
  }

  /** `{ x: e, w: xs, v3, q: { r: e } }`: one to three fields (shorthand for names in scope), nested while `nest` > 0. */
  private literal(scope: ObjScope, nest: number): { pieces: Piece[]; shape: LocalShape } {
    const shape: Record<string, LocalShape[string]> = {};
    const items: Piece[][] = [];
    const arrays = scope.arrays.filter((a) => a.kind !== 'i32');
    // shorthand for locals and parameters (a module constant's is compiled since; test/objectvalues.test.ts checks it)
    const local = (x: { name: string }): boolean => plainName.test(x.name) && !(x.name in shape) && !this.outerNums.some((o) => o.name === x.name) && !this.outerArrays.some((o) => o.name === x.name);
    for (let n = 1 + this.int(3); n > 0; n--) {
      const roll = this.int(10);
      const nums = scope.nums.filter(local);
      const named = arrays.filter(local);
      const field = this.pick(FIELDS.filter((f) => !(f in shape)));
      if (roll < 2 && nums.length > 0) {
        const v = this.pick(nums).name;
        shape[v] = 'num';
        items.push([v]);
      } else if (roll < 3 && named.length > 0) {
        const a = this.pick(named);
        shape[a.name] = a.kind as LocalShape[string];
        items.push([a.name]);
      } else if (roll < 5 && arrays.length > 0) {
        const a = this.pick(arrays);
        shape[field] = a.kind as LocalShape[string];
        items.push([`${field}: ${a.name}`]);
      } else if (roll < 6 && nest > 0) {
        const inner = this.literal(scope, nest - 1);
        shape[field] = inner.shape;
        items.push([`${field}: `, ...inner.pieces]);
      } else {
        shape[field] = 'num';
        items.push([`${field}: `, this.num(scope, 2)]);
      }
    }
    return { pieces: ['{ ', ...items.flatMap((it, k) => (k > 0 ? [', ', ...it] : it)), ' }'], shape };
  }

  /** Every local object and nested object in scope, by the path that reads it (`o`, `o.q`). */
  private objectPaths(scope: ObjScope): ObjVar[] {
    const out: ObjVar[] = [];
    const walk = (name: string, shape: LocalShape): void => {
      out.push({ name, shape });
      for (const [f, t] of Object.entries(shape)) if (typeof t !== 'string') walk(`${name}.${f}`, t);
    };
    for (const o of scope.objs ?? []) walk(o.name, o.shape);
    return out;
  }

  /** A local object: a literal, a spread of another with a field added or replaced, or an accumulator updated in a loop. */
  protected objectLiteral(scope: ObjScope, depth: number): S[] {
    const sources = this.objectPaths(scope);
    const roll = this.int(10);
    if (roll < 3 && sources.length > 0) {
      const src = this.pick(sources);
      const field = this.pick([...Object.keys(src.shape).filter((k) => src.shape[k] === 'num'), ...FIELDS]);
      const shape = { ...src.shape, [field]: 'num' as const };
      return [this.declareObject(scope, [`{ ...${src.name}, ${field}: `, this.num(scope, 2), ' }'], shape)];
    }
    if (roll < 5 && depth < 3) return this.accumulator(scope, depth);
    const { pieces, shape } = this.literal(scope, 1);
    return [this.declareObject(scope, pieces, shape)];
  }

  /** `const acc = { sum: 0, n: 0 }; for (…) { acc.n++; …; acc.sum += e; }`, its fields assignable afterwards. */
  private accumulator(scope: ObjScope, depth: number): S[] {
    const acc = this.fresh('acc');
    const i = this.fresh('i');
    // the body assigns only its own locals: `x *= x` of an outer x in loops nested in this one
    // compounds to ∞ or 0, whose 0 · ∞ makes derivatives NaN (README, Known limits)
    const nums = scope.nums.map((v) => ({ ...v, mutable: false }));
    const inner = this.child(scope, { nums, ints: [...scope.ints, i], loop: true, canBreak: true });
    // the count first: n ≥ 1 after the loop, whatever break or continue the body holds
    const body = [pinned(line(this.pick([`${acc}.n++;`, `${acc}.n += 1;`]))), ...(depth < 2 ? this.stmts(inner, depth + 1) : [])];
    body.push(line(expr('num', [`${acc}.sum ${this.pick(['+=', '-='])} `, ';'], this.num(inner, 2))));
    this.bindObject(scope, acc, { sum: 'num', n: 'num' }, true);
    (scope.objs ??= []).push({ name: acc, shape: { sum: 'num', n: 'num' } });
    const mean = this.fresh('v');
    scope.nums.push({ name: mean, mutable: false });
    return [
      line(`const ${acc} = { sum: 0, n: 0 };`, acc),
      block(`for (let ${i} = 0; ${i} < ${this.L}; ${i}++)`, [body]),
      line(`const ${mean} = ${acc}.sum / ${acc}.n;`, mean),
    ];
  }

  /**
   * An array of objects built in f: `const s = xs.map((v, i) => ({ x: e, y: e }))` or
   * `Array.from({ length: L }, (_, i) => ({ … }))`, then only read, into a number: a reduce with
   * the element destructured or not, a for…of, or an element by index (`s[k].x`).
   */
  protected objectArray(scope: ObjScope, depth: number): S[] | undefined {
    // number[] only: a typed array's map gives a typed array, of numbers
    const arrays = scope.arrays.filter((a) => a.kind === 'numarr');
    const name = this.fresh('s');
    const v = this.fresh('v');
    const i = this.fresh('i');
    const fields = FIELDS.slice(0, 1 + this.int(3));
    const fromArray = arrays.length > 0 && this.chance(0.7);
    const inner = this.within(scope, fromArray ? [{ name: v, mutable: false }] : [], [i], { loop: false, canBreak: false });
    const literal: Piece[] = ['({ ', ...fields.flatMap((f, k): Piece[] => [k > 0 ? ', ' : '', `${f}: `, this.num(inner, 2)]), ' })'];
    const head = fromArray ? `${this.pick(arrays).name}.map((${v}, ${i}) => ` : `Array.from({ length: ${this.L} }, (_, ${i}) => `;
    const out: S[] = [line(cat('num', `const ${name} = ${head}`, ...literal, ');'), name)];
    const t = this.fresh('t');
    const p = this.fresh('p');
    const roll = this.int(4);
    if (roll === 0) {
      out.push(line(`const ${t} = ${name}[${this.int(this.L)}].${this.pick(fields)} + ${name}.length;`, t));
    } else if (roll === 1 && depth < 3) {
      const body = this.within(scope, fields.map((f) => ({ name: `${p}.${f}`, mutable: false })), [], { loop: false, canBreak: false });
      out.push(line(`let ${t} = 0;`, t), block(`for (const ${p} of ${name})`, [[line(expr('num', [`${t} += `, ';'], this.num(body, 2)))]]));
    } else {
      const acc = this.fresh('a');
      const destructure = roll === 2;
      const names = fields.map((f) => (destructure ? this.fresh(f) : `${p}.${f}`));
      const body = this.within(scope, [{ name: acc, mutable: false }, ...names.map((n) => ({ name: n, mutable: false }))], [], { loop: false, canBreak: false });
      const param = destructure ? `{ ${fields.map((f, k) => `${f}: ${names[k]}`).join(', ')} }` : p;
      out.push(line(cat('num', `const ${t} = ${name}.${this.pick(['reduce', 'reduceRight'])}((${acc}, ${param}) => ${acc} + `, this.num(body, 2), ', 0);'), t));
    }
    scope.nums.push({ name: t, mutable: false });
    return out;
  }

  // ── helpers returning objects ──────────────────────────────────────────────────────────────

  /** generate.ts's helpers, each sometimes followed by a helper returning an object. */
  protected override helper(where: S[], inLib: boolean): void {
    super.helper(where, inLib);
    if (this.on.has('objectHelper') && this.chance(HELPER_RATE)) this.objectHelper(where, inLib);
  }

  /** `function st(a: number[], k: number): { m: number; s: number } { let m = 0; for (…) m += …; …; return { m, s }; }` */
  private objectHelper(where: S[], inLib: boolean): void {
    const name = this.fresh('st');
    const arr = this.pick(['numarr', 'f64'] as const);
    const fields = this.pick(RESULT_FIELDS);
    const scope: ObjScope = this.helperScope(inLib);
    this.libOnly = inLib;
    this.budget = 2 + this.int(3);
    scope.arrays.push({ name: 'a', kind: arr, writable: false });
    scope.nums.push({ name: 'k', mutable: true }, { name: fields[0], mutable: true });
    // the results are objects, returned below: no `return e` of a number in between
    scope.canReturn = false;
    const j = this.fresh('j');
    const inner = this.child(scope, { ints: [...scope.ints, j], loop: true, canBreak: true });
    const body: S[] = [
      line(`let ${fields[0]} = 0;`, fields[0]),
      block(`for (let ${j} = 0; ${j} < a.length; ${j}++)`, [[line(expr('num', [`${fields[0]} += `, ';'], this.num(inner, 2)))]]),
      ...this.stmts(scope, 0),
    ];
    const returns = this.objectReturns(scope, fields);
    body.push(...returns.stmts);
    const type = `{ ${fields.map((f) => `${f}: number`).join('; ')} }`;
    where.push(block(`${inLib ? 'export ' : ''}function ${name}(a: ${arrType[arr]}, k: number): ${type}`, [body]));
    this.objHelpers.push({ ref: inLib ? this.libRef(name) : name, arr, fields, branches: returns.branches });
    this.libOnly = false;
  }

  /** `{ m, s: e }`: each field given an expression, or (the first, declared) by shorthand. */
  private resultLiteral(scope: ObjScope, fields: readonly string[]): E {
    const items = fields.map((f, k): Piece[] => (k === 0 && this.chance(0.5) ? [f] : [`${f}: `, this.num(scope, 2)]));
    return cat('num', 'return { ', ...items.flatMap((it, k) => (k > 0 ? [', ', ...it] : it)), ' };');
  }

  /** The helper's end: `const s = e; return { m, s };`, `return { m: e, s: e };`, or a return per if/else branch (`branches`). */
  private objectReturns(scope: ObjScope, fields: readonly string[]): { stmts: S[]; branches: boolean } {
    const roll = this.int(3);
    if (roll === 0) {
      const decls = fields.slice(1).map((f) => line(expr('num', [`const ${f} = `, ';'], this.num(scope, 2)), f));
      return { stmts: [...decls, line(`return { ${fields.join(', ')} };`)], branches: false };
    }
    if (roll === 1) return { stmts: [line(this.resultLiteral(scope, fields))], branches: false };
    const test = expr('bool', ['if (', ')'], this.bool(scope));
    const then = [...this.stmts(this.child(scope), 1), line(this.resultLiteral(scope, fields))];
    if (this.chance(0.5)) return { stmts: [block(test, [then]), line(this.resultLiteral(scope, fields))], branches: true };
    return { stmts: [block(test, [then, [line(this.resultLiteral(scope, fields))]], [' else'])], branches: true };
  }

  /** An object helper callable here, and an array of its kind in scope to pass it. */
  private objectCall(scope: ObjScope, d = 2): { h: ObjHelper; call: E } | undefined {
    // from the main module, the imported module's only when imported by name (`lib.st(…)` is compiled since; test/objectvalues.test.ts)
    const callable = (h: ObjHelper): boolean => (this.libOnly ? h.ref.startsWith('$lib.') : this.visibleInMain({ name: h.ref }));
    const options = this.objHelpers.filter((h) => callable(h) && scope.arrays.some((a) => a.kind === h.arr));
    if (options.length === 0) return undefined;
    const h = this.pick(options);
    const xs = this.pick(scope.arrays.filter((a) => a.kind === h.arr)).name;
    return { h, call: cat('num', `${h.ref}(${xs}, `, this.num(scope, d), ')') };
  }

  /** `const { m, s: s4 } = st(xs, e);` or `const r = st(xs, e);` */
  protected objectCallStmt(scope: ObjScope): S[] | undefined {
    const c = this.objectCall(scope);
    if (!c) return undefined;
    if (this.chance(0.4)) return [this.declareObject(scope, [c.call], Object.fromEntries(c.h.fields.map((f) => [f, 'num' as const])), !c.h.branches)];
    const chosen = c.h.fields.filter(() => this.chance(0.7));
    const taken = new Set([...scope.nums.map((v) => v.name), ...scope.arrays.map((a) => a.name), ...scope.ints]);
    const mutable = this.chance(0.3);
    const names: string[] = [];
    const items = (chosen.length > 0 ? chosen : [c.h.fields[0]]).map((f) => {
      // shorthand in f only: a helper's body may declare these names itself (`const s = …; return { m, s }`)
      const short = this.inF && !this.shorthand.has(f) && !taken.has(f) && this.chance(0.6);
      if (short) this.shorthand.add(f);
      const name = short ? f : this.fresh(f);
      names.push(name);
      scope.nums.push({ name, mutable });
      return short ? f : `${f}: ${name}`;
    });
    return [line(cat('num', `${mutable ? 'let' : 'const'} { ${items.join(', ')} } = `, c.call, ';'), names.join(' '))];
  }

  /** In f, sometimes a leaf reads a field of an object helper's result. */
  protected override leaf(scope: ObjScope): E {
    if (!this.inF || this.objHelpers.length === 0 || !this.chance(CALL_LEAF_RATE)) return super.leaf(scope);
    return this.objectCallExpr(scope, 0) ?? super.leaf(scope);
  }

  /** `st(xs, e).m` */
  protected objectCallExpr(scope: ObjScope, d = 2): E | undefined {
    const c = this.objectCall(scope, d);
    return c && cat('num', c.call, `.${this.pick(c.h.fields)}`);
  }
}
