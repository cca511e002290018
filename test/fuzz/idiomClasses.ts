/**
 * Classes and recursion, each drawn only when its idiom is switched on (idioms.ts).
 *
 * `classParam` declares an exported class with parameter properties
 * (`constructor(public k: number, public w: number[], readonly tag: 'a' | 'b' = 'a') {}`), methods
 * that read `this.k` and `this.w[i]` and call each other through `this`, a getter and a static
 * method; f takes an instance (`p2: C0`, made by `new C0(…)` in args.ts) and sometimes an array of
 * them (`p3: C0[]`), and calls their methods (`p2.m0(e)`, `p3[i].m1(e)`, `p2.total`, `C0.sq(e)`,
 * `p3.reduce((s, c) => s + c.m0(e), 0)`, `for (const c of p3)`). No subclass, no `new C0(…)` in f,
 * no field assigned (README: rejected).
 *
 * `recursion` declares a module-level recursive function of numbers and read-only arrays (direct,
 * two mutually recursive ones, or one recursing on `a.slice(1)` until empty), bounded by a depth
 * argument or the array's length, and f calls it; hvp, hessian and grad(grad(f)) of a function
 * that calls one are rejected by design, so such a program leaves them out.
 */
import { arrType, type ClassSpec, type ParamSpec, type Program, type Scope, type Transform } from './generate.js';
import { type BufScope } from './idiomBuffers.js';
import { ComponentIdioms } from './idiomComponents.js';
import { cat } from './idiomStmts.js';
import { block, type E, expr, line, type S } from './tree.js';

/** A declared class: its constructor's fields, its methods `m0(x)`, `m1(x)`…, getter and static method. */
interface ClassInfo {
  readonly spec: ClassSpec;
  readonly methods: readonly string[];
  readonly getter: string;
  readonly statik: string;
}
/** An instance in scope: `p2`, `c5`, `p3[1]`. */
interface Instance {
  readonly ref: string;
  readonly cls: ClassInfo;
}
export interface ClassScope extends BufScope {
  insts?: Instance[];
}
/** A recursive function f may call: `r(x, a, d)` bounded by d, or `r(a, x)` on `a.slice(1)`. */
interface RecFn {
  readonly ref: string;
  readonly kind: 'depth' | 'slice';
  readonly arr: 'numarr' | 'f64';
}

const fieldType = { num: 'number', numarr: 'number[]', f64: 'Float64Array' } as const;
/** How often a leaf of f is a method call when f has instances, and a recursive call when there is a recursive function. */
const METHOD_LEAF_RATE = 0.08;
const RECURSION_LEAF_RATE = 0.03;

export class ClassIdioms extends ComponentIdioms {
  private readonly classes: ClassInfo[] = [];
  /** f's arrays of instances. */
  private readonly instArrays: ParamSpec[] = [];
  private readonly recFns: RecFn[] = [];
  /** f calls a recursive function: no second-order transformations. */
  private callsRecursive = false;

  protected override child(scope: ClassScope, changes: Partial<ClassScope> = {}): ClassScope {
    const c: ClassScope = super.child(scope, changes);
    return { ...c, insts: [...(c.insts ?? [])] };
  }

  /** A class (in the main module, exported) and a recursive function, each sometimes. */
  protected override declarations(lib: S[], top: S[]): void {
    super.declarations(lib, top);
    if (this.on.has('classParam') && this.chance(0.7)) this.declareClass(top);
    if (this.on.has('recursion') && this.chance(0.7)) {
      const inLib = this.chance(0.3);
      this.declareRecursion(inLib ? lib : top, inLib);
    }
  }

  // ── classes ─────────────────────────────────────────────────────────────────────────────────

  /** `export class C0 { constructor(public k: number, …) {} m0(x) {…} m1(x) {…} get total() {…} static sq(v) {…} }` */
  private declareClass(top: S[]): void {
    const name = this.fresh('C');
    const fields: [string, ClassSpec['fields'][number][1]][] = [['k', 'num'], ['w', this.pick(['numarr', 'f64'] as const)]];
    if (this.chance(0.4)) fields.push(['b', 'num']);
    if (this.chance(0.6)) fields.push(['tag', 'tag']);
    const params = fields.map(([f, t]) => (t === 'tag' ? `readonly tag: 'a' | 'b' = 'a'` : `${this.pick(['public', 'public', 'readonly'])} ${f}: ${fieldType[t]}`));
    const cls: ClassInfo = { spec: { name, fields }, methods: [], getter: 'total', statik: 'sq' };
    const members: S[] = [line(`constructor(${params.join(', ')}) {}`)];
    members.push(this.staticMethod(cls), this.getter(cls));
    for (let n = 1 + this.int(3); n > 0; n--) members.push(this.method(cls));
    top.push(block(`export class ${name}`, [members]));
    this.classes.push(cls);
  }

  /** What a method's body reads: `this.k`, `this.w`, `this.tag`, the module's constants, and its parameter. */
  private methodScope(cls: ClassInfo, params: readonly string[]): ClassScope {
    const scope: ClassScope = this.helperScope(false);
    this.bindInstance(scope, 'this', cls, false);
    scope.nums.push(...params.map((name) => ({ name, mutable: true })));
    return scope;
  }

  /** `static sq(v: number): number { return … }` */
  private staticMethod(cls: ClassInfo): S {
    const scope: ClassScope = this.helperScope(false);
    scope.nums.push({ name: 'v', mutable: true });
    const body = this.chance(0.5) ? cat('num', 'v * v') : cat('num', 'v * ', this.num(scope, 2));
    return line(cat('num', `static ${cls.statik}(v: number): number { return `, body, '; }'));
  }

  /** `get total(): number { return this.w.reduce((s, v) => s + v, 0) * this.k; }` and variants. */
  private getter(cls: ClassInfo): S {
    const sum = this.pick(['this.w.reduce((s, v) => s + v, 0)', 'this.w.reduce((s, v) => s + v * v, 0)', 'Math.max(...this.w)']);
    const scope = this.methodScope(cls, []);
    return line(cat('num', `get ${cls.getter}(): number { return ${sum} * `, this.num(scope, 1), '; }'));
  }

  /** A method of x: an expression, or a loop over `this.w`; later methods also call earlier ones, the getter and the static method. */
  private method(cls: ClassInfo): S {
    const name = `m${cls.methods.length}`;
    const scope = this.methodScope(cls, ['x']);
    const calls: (() => E)[] = [() => cat('num', `this.${cls.getter}`), () => cat('num', `${cls.spec.name}.${cls.statik}(`, this.num(scope, 1), ')')];
    for (const m of cls.methods) calls.push(() => cat('num', `this.${m}(`, this.num(scope, 1), ')'));
    const term = (): E => (this.chance(0.6) ? this.pick(calls)() : this.num(scope, 2));
    (cls.methods as string[]).push(name);
    if (this.chance(0.4)) {
      const j = this.fresh('j');
      const inner = this.within(scope, [], [j], { loop: true });
      return block(`${name}(x: number): number`, [[
        line('let s = 0;'),
        block(`for (let ${j} = 0; ${j} < this.w.length; ${j}++)`, [[line(expr('num', [`s += this.w[${j}] * `, ';'], this.num(inner, 1)))]]),
        line(cat('num', 'return s * ', term(), ';')),
      ]]);
    }
    return line(cat('num', `${name}(x: number): number { return `, this.num(scope, 1), ' * ', term(), ' + ', term(), '; }'));
  }

  /** An instance's fields in scope under `ref` (read only), its tag, and its methods (unless it is `this`). */
  private bindInstance(scope: ClassScope, ref: string, cls: ClassInfo, callable = true): void {
    for (const [f, t] of cls.spec.fields) {
      if (t === 'num') scope.nums.push({ name: `${ref}.${f}`, mutable: false });
      else if (t === 'tag') (scope.tags ??= []).push(`${ref}.${f}`);
      else scope.arrays.push({ name: `${ref}.${f}`, kind: t, writable: false });
    }
    if (callable) (scope.insts ??= []).push({ ref, cls });
  }

  /** generate.ts's parameters, then sometimes an instance and an array of instances of a declared class. */
  protected override params(): ParamSpec[] {
    const params = super.params();
    if (this.classes.length === 0) return params;
    if (this.chance(0.7)) params.push({ name: `p${params.length}`, type: 'inst', cls: this.pick(this.classes).spec });
    if (this.chance(0.5)) params.push({ name: `p${params.length}`, type: 'insts', cls: this.pick(this.classes).spec, count: 2 + this.int(this.L - 1) });
    return params;
  }

  /** An instance's fields and methods in scope; an array of instances read through the makers below. */
  protected override bindParam(p: ParamSpec, scope: ClassScope): void {
    const cls = this.classes.find((c) => c.spec === p.cls);
    if (p.type === 'inst') this.bindInstance(scope, p.name, cls!);
    else if (p.type === 'insts') this.instArrays.push(p);
    else super.bindParam(p, scope);
  }

  /** The instances in scope, and one element of each array of instances. */
  private instances(scope: ClassScope): Instance[] {
    const els = this.instArrays.map((p) => ({ ref: `${p.name}[${this.int(p.count!)}]`, cls: this.classes.find((c) => c.spec === p.cls)! }));
    return [...(scope.insts ?? []), ...els];
  }

  /** `c.m0(e)`, `c.total`, `C0.sq(e)`, `cs.reduce((s, c) => s + c.m1(e), 0)` */
  protected classExpr(scope: ClassScope, d: number): E | undefined {
    const all = this.instances(scope);
    if (all.length === 0) return undefined;
    if (this.instArrays.length > 0 && this.chance(0.25)) {
      const cs = this.pick(this.instArrays);
      const acc = this.fresh('a');
      const c = this.fresh('c');
      const cls = this.classes.find((k) => k.spec === cs.cls)!;
      const inner = this.within(scope, [{ name: acc, mutable: false }], [], { loop: false, canBreak: false, canReturn: false });
      this.bindInstance(inner, c, cls);
      return cat('num', `${cs.name}.reduce((${acc}, ${c}) => ${acc} + `, this.callOn(inner, { ref: c, cls }, Math.min(d, 1)), ', 0)');
    }
    return this.callOn(scope, this.pick(all), d);
  }

  /** A method, the getter or the static method called on (or for) an instance. */
  private callOn(scope: ClassScope, x: Instance, d: number): E {
    const roll = this.int(5);
    if (roll === 0) return cat('num', `${x.ref}.${x.cls.getter}`);
    if (roll === 1) return cat('num', `${x.cls.spec.name}.${x.cls.statik}(`, this.num(scope, d), ')');
    return cat('num', `${x.ref}.${this.pick(x.cls.methods)}(`, this.num(scope, d), ')');
  }

  /** `const c = cs[i];`, `for (const c of cs) { …; acc += c.m0(e); }`, or a counted loop over cs. */
  protected classStmt(scope: ClassScope, depth: number): S[] | undefined {
    if (this.instArrays.length === 0) return undefined;
    const cs = this.pick(this.instArrays);
    const cls = this.classes.find((k) => k.spec === cs.cls)!;
    const c = this.fresh('c');
    if (depth >= 2 || this.chance(0.3)) {
      const s = line(expr('num', [`const ${c} = ${cs.name}[`, '];'], this.below(scope, cs.count!)), c);
      this.bindInstance(scope, c, cls);
      return [s];
    }
    const out: S[] = [];
    const acc = this.sink(scope, out);
    if (this.chance(0.5)) {
      const inner = this.child(scope, { loop: true, canBreak: true });
      this.bindInstance(inner, c, cls);
      const body = [...this.stmts(inner, depth + 1), line(cat('num', `${acc} += `, this.callOn(inner, { ref: c, cls }, 1), ';'))];
      return [...out, block(`for (const ${c} of ${cs.name})`, [body])];
    }
    const i = this.fresh('i');
    const inner = this.child(scope, { ints: [...scope.ints, i], loop: true, canBreak: true });
    this.bindInstance(inner, `${cs.name}[${i}]`, cls);
    const body = [line(cat('num', `${acc} += `, this.callOn(inner, { ref: `${cs.name}[${i}]`, cls }, 1), ' * ', this.num(inner, 1), ';'))];
    return [...out, block(`for (let ${i} = 0; ${i} < ${cs.name}.length; ${i}++)`, [body])];
  }

  /** In f, sometimes a leaf calls a method of an instance or a recursive function. */
  protected override leaf(scope: ClassScope): E {
    if (this.inF && this.recFns.length > 0 && this.chance(RECURSION_LEAF_RATE)) {
      const e = this.recursiveCall(scope, 0);
      if (e) return e;
    }
    const all = this.classes.length > 0 ? this.instances(scope) : [];
    if (all.length === 0 || !this.chance(METHOD_LEAF_RATE)) return super.leaf(scope);
    return this.callOn(scope, this.pick(all), 0);
  }

  // ── recursion ───────────────────────────────────────────────────────────────────────────────

  /** One recursive function, two mutually recursive ones, or one recursing on a slice. */
  private declareRecursion(where: S[], inLib: boolean): void {
    const arr = this.pick(['numarr', 'f64'] as const);
    const ex = inLib ? 'export ' : '';
    const ref = (name: string): string => (inLib ? this.libRef(name) : name);
    this.libOnly = inLib;
    const kind = this.pick(['direct', 'direct', 'mutual', 'slice'] as const);
    if (kind === 'slice') {
      const name = this.fresh('rs');
      const scope = this.recScope(inLib, arr, false);
      where.push(block(`${ex}function ${name}(a: ${arrType[arr]}, x: number): number`, [[
        line(expr('num', ['if (a.length === 0) return ', ';'], this.num(scope, 2))),
        line(cat('num', 'return a[0] * ', this.num(scope, 1), ` + 0.5 * ${name}(a.slice(1), `, this.step(scope), ');')),
      ]]));
      this.recFns.push({ ref: ref(name), kind: 'slice', arr });
    } else {
      const names = kind === 'direct' ? [this.fresh('r')] : [this.fresh('ev'), this.fresh('od')];
      names.forEach((name, k) => where.push(this.depthRecursive(name, names[(k + 1) % names.length], inLib, arr, ex)));
      this.recFns.push({ ref: ref(names[0]), kind: 'depth', arr });
    }
    this.libOnly = false;
  }

  /** A recursive function's scope: x (and d, read only), and its array `a` read only unless it is sliced. */
  private recScope(inLib: boolean, arr: 'numarr' | 'f64', indexable: boolean): ClassScope {
    const scope: ClassScope = this.helperScope(inLib);
    scope.nums.push({ name: 'x', mutable: true });
    if (indexable) scope.nums.push({ name: 'd', mutable: false });
    if (indexable) scope.arrays.push({ name: 'a', kind: arr, writable: false });
    return scope;
  }

  /** The next call's x: shrinking, or bounded. */
  private step(scope: Scope): E {
    return this.chance(0.5) ? cat('num', this.pick(['x * 0.7', 'Math.sin(x) + 0.25', '0.5 * x - 0.1'])) : cat('num', 'Math.tanh(', this.num(scope, 2), ')');
  }

  /** `function r(x, a, d): number { if (d <= 0) return e; …; return e + 0.5 * next(x', a, d - 1); }` (next: itself or its partner). */
  private depthRecursive(name: string, next: string, inLib: boolean, arr: 'numarr' | 'f64', ex: string): S {
    const scope = this.recScope(inLib, arr, true);
    const call = (): E => cat('num', `${next}(`, this.step(scope), ', a, d - 1)');
    const rec = this.pick<() => E>([
      () => cat('num', '0.5 * ', call()),
      () => cat('num', 'Math.tanh(', call(), ')'),
      // a bounded factor: a product with any value grows geometrically with the depth
      () => cat('num', call(), ' * Math.tanh(', this.num(scope, 1), ')'),
      () => cat('num', '0.5 * (', call(), ' + ', call(), ')'),
    ])();
    const head = `${ex}function ${name}(x: number, a: ${arrType[arr]}, d: number): number`;
    if (this.chance(0.5)) return block(head, [[line(cat('num', 'return d <= 0 ? ', this.num(scope, 2), ' : ', this.num(scope, 1), ' + ', rec, ';'))]]);
    this.budget = 1 + this.int(3);
    const base = line(expr('num', ['if (d <= 0) return ', ';'], this.num(scope, 2)));
    const body = this.stmts(scope, 1);
    return block(head, [[base, ...body, line(cat('num', 'return ', this.num(scope, 1), ' + ', rec, ';'))]]);
  }

  /** `r(e, xs, 3)` or `rs(xs, e)` in f. */
  protected recursiveCall(scope: ClassScope, d: number): E | undefined {
    if (!this.inF) return undefined;
    const options = this.recFns.filter((r) => scope.arrays.some((a) => a.kind === r.arr));
    if (options.length === 0) return undefined;
    const r = this.pick(options);
    const xs = this.pick(scope.arrays.filter((a) => a.kind === r.arr)).name;
    this.callsRecursive = true;
    if (r.kind === 'slice') return cat('num', `${r.ref}(${xs}, `, this.num(scope, d), ')');
    const sizes = scope.nums.filter((v) => /^p\d+$/.test(v.name) && !v.mutable).map((v) => v.name);
    const depth = sizes.length > 0 && this.chance(0.3) ? this.pick(sizes) : String(1 + this.int(4));
    return cat('num', `${r.ref}(`, this.num(scope, d), `, ${xs}, ${depth})`);
  }

  /** generate.ts's transformations, without hvp, hessian and grad(grad(f)) when f calls a recursive function. */
  protected override transforms(params: readonly ParamSpec[], output: Program['output']): Transform[] {
    const out = super.transforms(params, output);
    return this.callsRecursive ? out.filter((t) => t.kind !== 'hvp' && t.kind !== 'hessian' && t.kind !== 'gradgrad') : out;
  }
}

