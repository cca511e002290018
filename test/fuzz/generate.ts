/**
 * Random programs in tsgrad's documented subset (README, "Supported subset"): numbers, booleans,
 * `number[]`/Float64Array/Float32Array parameters and local arrays, Int32Array index tables,
 * module-level constants, locals with shadowing and reassignment, compound assignment, `++`/`--`,
 * ternaries, `if`/`else`, counted and data-dependent loops (`for`, `while`, `do…while`) with
 * `break`/`continue`/early `return`, in-place array writes (parameters included), helper functions
 * (declarations and arrows, same file or imported by name or namespace) that read and write arrays,
 * and every `Math` function. Every array has the program's length `L`, and every index is in range
 * by construction, so a program never reads `undefined`.
 */
import { Draw } from './draw.js';
import { block, type E, expr, line, pinned, type S, text } from './tree.js';

export type ParamType = 'num' | 'numarr' | 'f64' | 'f32' | 'i32' | 'size' | 'obj' | 'rows' | 'objs' | 'inst' | 'insts';
/** An object parameter's fields (README, "Structured parameters"): numbers, arrays, nested objects. */
export interface ObjShape {
  readonly [field: string]: 'num' | 'numarr' | 'f64' | ObjShape;
}
/**
 * The element of an array-of-objects parameter (idiomAggregates.ts): also Int32Array fields (index
 * tables, constants) and string tags (`'a' | 'b'`, constants).
 */
export interface ElemShape {
  readonly [field: string]: 'num' | 'numarr' | 'f64' | 'i32' | 'tag' | ElemShape;
}
/**
 * A class the program declares and exports (idiomClasses.ts): its constructor's parameter
 * properties in order (a tag's default `'a'` may be left to the constructor).
 */
export interface ClassSpec {
  readonly name: string;
  readonly fields: readonly (readonly [string, 'num' | 'numarr' | 'f64' | 'tag'])[];
}
export interface ParamSpec {
  readonly name: string;
  readonly type: ParamType;
  readonly shape?: ObjShape;
  /** rows and objs (idiomAggregates.ts): how many rows or elements. */
  readonly count?: number;
  /** rows: each row's storage, of length L (`number[][]`, `Float64Array[]`) or a pair (`[number, number][]`). */
  readonly row?: 'numarr' | 'f64' | 'pair';
  /** objs: the elements' fields. */
  readonly elem?: ElemShape;
  /** inst (an instance) and insts (an array of `count` instances): their class. */
  readonly cls?: ClassSpec;
}

export type TransformKind = 'grad' | 'valueAndGrad' | 'jvp' | 'vjp' | 'jacfwd' | 'jacrev' | 'hvp' | 'hessian' | 'gradgrad';
export const transformKinds: readonly TransformKind[] = ['grad', 'valueAndGrad', 'jvp', 'vjp', 'jacfwd', 'jacrev', 'hvp', 'hessian', 'gradgrad'];

export interface Transform {
  readonly kind: TransformKind;
  /** grad / valueAndGrad: the argnums list; the others: one argnum (jvp and vjp take all). */
  readonly argnums: readonly number[];
}

export interface Program {
  readonly name: string;
  readonly seed: number;
  readonly length: number;
  readonly params: readonly ParamSpec[];
  /** Module-level constants and helpers of the main file. */
  readonly top: readonly S[];
  /** An imported module of constants and helpers (exported), and how it is imported. */
  readonly lib: readonly S[];
  readonly libImport: 'named' | 'namespace';
  readonly body: readonly S[];
  readonly transforms: readonly Transform[];
  /** f returns a number, or an array (then only jvp, vjp, jacfwd and jacrev are checked). */
  readonly output: 'num' | 'f64' | 'numarr';
}

export const differentiable = (t: ParamType): boolean => t === 'num' || t === 'numarr' || t === 'f64' || t === 'f32' || t === 'obj' || t === 'rows' || t === 'objs' || t === 'inst' || t === 'insts';
/** An array of arrays, of objects or of instances: grad, valueAndGrad, jvp, vjp and hvp differentiate with respect to it. */
export const aggregate = (t: ParamType): boolean => t === 'rows' || t === 'objs' || t === 'insts';
/** A number or a flat array: what jacfwd, jacrev and hessian differentiate with respect to (not an object or instance). */
const flatParam = (t: ParamType): boolean => t !== 'obj' && t !== 'inst' && !aggregate(t);

const objShapes: readonly ObjShape[] = [{ w: 'f64', s: 'num' }, { a: 'numarr', b: { c: 'num', d: 'f64' } }, { m: 'f64' }];

export type ArrKind = 'numarr' | 'f64' | 'f32' | 'i32';
export interface ArrVar {
  readonly name: string;
  readonly kind: ArrKind;
  readonly writable: boolean;
  /** A `let` array given other arrays (swapped): once another name holds it, it is read only (tsgrad rejects writing into it then). */
  readonly reassigned?: boolean;
}
export interface NumVar {
  readonly name: string;
  readonly mutable: boolean;
  /** A module-level `const K = <literal>` (inlined wherever it is read). */
  readonly literal?: boolean;
}
export interface Helper {
  /** How a call is written: `h0` or `lib.h0`. */
  readonly ref: string;
  readonly sig: 'nn' | 'n' | 'an' | 'aw';
  readonly arr?: ArrKind;
  /** Has a custom derivative: callable from the main module only. */
  readonly custom?: boolean;
}

export interface Scope {
  nums: NumVar[];
  ints: string[];
  bools: string[];
  arrays: ArrVar[];
  /** Inside a loop (break/continue allowed), and whether `return` is allowed. */
  loop: boolean;
  /** `break` allowed (not directly inside a checkpointed loop, whose trip count must be fixed). */
  canBreak: boolean;
  canReturn: boolean;
  /** Inside a `// @checkpoint` loop: parameters are not written (README, "Long time loops"). */
  readOnlyParams: boolean;
}

export const literals = ['0.5', '2', '1.5', '0.25', '3', '0.75', '1', '1.25', '0.3'];
// Math.fround is left out: its derivative is 1 by definition, which finite differences of its
// float32 steps cannot confirm (test/cases/math.ts checks it by hand).
const unaryMath = ['exp', 'log', 'log1p', 'log2', 'log10', 'expm1', 'sqrt', 'cbrt', 'sin', 'cos', 'tan', 'asin', 'acos', 'atan', 'sinh', 'cosh', 'tanh',
  'asinh', 'acosh', 'atanh', 'abs', 'floor', 'ceil', 'round', 'sign', 'trunc'];
const binaryMath = ['pow', 'atan2', 'min', 'max', 'hypot'];
export const arrType: Record<ArrKind, string> = { numarr: 'number[]', f64: 'Float64Array', f32: 'Float32Array', i32: 'Int32Array' };

export function generate(seed: number, name: string): Program {
  return new Generator(seed, name).program();
}

export class Generator extends Draw {
  protected readonly L: number;
  protected budget = 0;
  protected readonly helpers: Helper[] = [];
  protected readonly outerNums: NumVar[] = [];
  protected readonly outerArrays: ArrVar[] = [];
  /** Generating f's body (not a helper's): `// @checkpoint` loops go there. */
  protected inF = false;
  /** Generating a helper of the imported module: it can call only that module's helpers. */
  protected libOnly = false;

  constructor(protected readonly seed: number, protected readonly name: string) {
    super(seed * 7919 + 17);
    this.L = 3 + this.int(3);
    this.libImport = this.chance(0.5) ? 'named' : 'namespace';
  }

  protected readonly libImport: Program['libImport'];

  /**
   * The documented subset reads module-level constants visible where the derivative is generated:
   * the main module's, and the imported module's when imported by name. (Namespace-qualified
   * constants, and constants read only inside another module's helpers, are issue 13's.)
   */
  protected readonly visibleInMain = (x: { name: string }): boolean => !x.name.startsWith('$lib.') || this.libImport === 'named';

  program(): Program {
    const lib: S[] = [];
    const top: S[] = [];
    this.constants(lib, top);
    this.customs(top);
    this.declarations(lib, top);
    const helperCount = this.int(4);
    for (let i = 0; i < helperCount; i++) {
      const inLib = this.chance(0.4);
      this.helper(inLib ? lib : top, inLib);
    }
    const params = this.params();
    const output = this.chance(0.2) ? this.pick(['f64', 'numarr'] as const) : 'num';
    const scope: Scope = { nums: this.outerNums.filter(this.visibleInMain), ints: [], bools: [], arrays: this.outerArrays.filter(this.visibleInMain), loop: false, canBreak: false, canReturn: true, readOnlyParams: false };
    for (const p of params) this.bindParam(p, scope);
    // an array result: no early `return` of a number
    scope.canReturn = output === 'num';
    this.budget = 6 + this.int(12);
    this.inF = true;
    const body = this.stmts(scope, 0);
    if (output === 'num') body.push(line(expr('num', ['return ', ';'], this.result(scope))));
    else body.push(...this.arrayResult(scope, output));
    return { name: this.name, seed: this.seed, length: this.L, params, top, lib, libImport: this.libImport, body, transforms: this.transforms(params, output), output };
  }

  /** f's parameters: the first a number or an array, then up to three more of any type. */
  protected params(): ParamSpec[] {
    const params: ParamSpec[] = [];
    const nParams = 1 + this.int(4);
    const types: ParamType[] = ['num', 'num', 'numarr', 'f64', 'f64', 'f32', 'i32', 'size', 'obj'];
    for (let i = 0; i < nParams; i++) {
      const type = i === 0 ? this.pick(['num', 'numarr', 'f64'] as const) : this.pick(types);
      params.push(type === 'obj' ? { name: `p${i}`, type, shape: this.pick(objShapes) } : { name: `p${i}`, type });
    }
    return params;
  }

  /** A parameter in f's scope: numbers and sizes read, arrays written in place, an object's fields. */
  protected bindParam(p: ParamSpec, scope: Scope): void {
    if (p.type === 'num') scope.nums.push({ name: p.name, mutable: true });
    else if (p.type === 'size') scope.nums.push({ name: p.name, mutable: false });
    else if (p.type === 'obj') this.fields(p.name, p.shape!, scope);
    else if (!aggregate(p.type)) scope.arrays.push({ name: p.name, kind: p.type as ArrKind, writable: p.type !== 'i32' });
  }

  /** An object parameter's fields in scope: arrays written in place, numbers read (fields are never assigned). */
  protected fields(path: string, shape: ObjShape, scope: Scope): void {
    for (const [field, type] of Object.entries(shape)) {
      const name = `${path}.${field}`;
      if (type === 'num') scope.nums.push({ name, mutable: false });
      else if (typeof type === 'string') scope.arrays.push({ name, kind: type, writable: true });
      else this.fields(name, type, scope);
    }
  }

  /** `const out = new Float64Array(3); out[0] = …; return out;` or `const out = [a, b, c]; return out;` (an array result is returned by name) */
  protected arrayResult(scope: Scope, output: 'f64' | 'numarr'): S[] {
    const items = [this.result(scope), this.result(scope), this.result(scope)];
    if (output === 'numarr') return [line(expr('num', ['const out = [', ', ', ', ', '];'], ...items), 'out'), line('return out;')];
    return [line('const out = new Float64Array(3);', 'out'), ...items.map((e, k) => line(expr('num', [`out[${k}] = `, ';'], e))), line('return out;')];
  }

  protected transforms(params: readonly ParamSpec[], output: Program['output']): Transform[] {
    const diff = params.flatMap((p, i) => (differentiable(p.type) ? [i] : []));
    const one = (): number => this.pick(diff);
    // jacfwd, jacrev and hessian differentiate with respect to a number or an array, not an object
    const plain = diff.filter((i) => flatParam(params[i].type));
    const onePlain = (): number[] => (plain.length > 0 ? [this.pick(plain)] : []);
    if (output !== 'num') {
      return [
        { kind: 'jvp', argnums: diff },
        { kind: 'vjp', argnums: diff },
        { kind: 'jacfwd', argnums: onePlain() },
        { kind: 'jacrev', argnums: onePlain() },
      ].filter((t) => t.argnums.length > 0) as Transform[];
    }
    const out: Transform[] = [
      { kind: 'grad', argnums: diff },
      { kind: 'valueAndGrad', argnums: this.chance(0.5) ? diff : [one()] },
      { kind: 'jvp', argnums: diff },
      { kind: 'vjp', argnums: diff },
      { kind: 'jacfwd', argnums: onePlain() },
      { kind: 'jacrev', argnums: onePlain() },
      { kind: 'hvp', argnums: [one()] },
      { kind: 'hessian', argnums: onePlain() },
    ].filter((t) => t.argnums.length > 0) as Transform[];
    const scalars = diff.filter((i) => params[i].type === 'num');
    if (scalars.length > 0) out.push({ kind: 'gradgrad', argnums: [this.pick(scalars)] });
    return out;
  }

  // ── module level ─────────────────────────────────────────────────────────────────────────────

  protected constants(lib: S[], top: S[]): void {
    const values = (n: number, lo: number, hi: number): string =>
      Array.from({ length: n }, () => String(Math.round((lo + (hi - lo) * this.r()) * 100) / 100)).join(', ');
    const count = this.int(3);
    for (let i = 0; i < count; i++) {
      const inLib = this.chance(0.3);
      const where = inLib ? lib : top;
      const ex = inLib ? 'export ' : '';
      const name = this.fresh('K');
      const ref = inLib ? this.libRef(name) : name;
      switch (this.int(5)) {
        case 0:
          where.push(line(`${ex}const ${name} = ${this.pick(literals)};`));
          this.outerNums.push({ name: ref, mutable: false, literal: true });
          break;
        case 1:
          where.push(line(`${ex}const ${name} = Math.sqrt(${this.pick(literals)});`));
          this.outerNums.push({ name: ref, mutable: false });
          break;
        case 2:
          where.push(line(`${ex}const ${name} = new Float64Array([${values(this.L, -1.5, 1.5)}]);`));
          this.outerArrays.push({ name: ref, kind: 'f64', writable: false });
          break;
        case 3:
          where.push(line(`${ex}const ${name}: number[] = [${values(this.L, -1.5, 1.5)}];`));
          this.outerArrays.push({ name: ref, kind: 'numarr', writable: false });
          break;
        default:
          where.push(line(`${ex}const ${name} = new Int32Array([${Array.from({ length: this.L }, () => this.int(this.L)).join(', ')}]);`));
          this.outerArrays.push({ name: ref, kind: 'i32', writable: false });
      }
    }
  }

  /** Functions with a user-given derivative (README, "Custom derivatives"): correct rules, so f's derivative is exact. */
  protected customs(top: S[]): void {
    const table = [
      { body: 'Math.log(1 + Math.exp(x))', params: ['x'], partials: ['(x) => 1 / (1 + Math.exp(-x))'] },
      { body: 'x * x * x', params: ['x'], partials: ['(x) => 3 * x * x'] },
      { body: 'Math.exp(Math.sin(x))', params: ['x'], partials: ['(x, y) => y * Math.cos(x)'] },
      { body: 'x * Math.sin(y)', params: ['x', 'y'], partials: ['(x, y) => Math.sin(y)', '(x, y) => x * Math.cos(y)'] },
    ];
    const count = this.chance(0.3) ? 1 + this.int(2) : 0;
    for (let i = 0; i < count; i++) {
      const c = this.pick(table);
      const name = this.fresh('c');
      top.push(line(`function ${name}(${c.params.map((x) => `${x}: number`).join(', ')}): number { return ${c.body}; }`));
      top.push(line(`customDerivative(${name}, ${c.partials.join(', ')});`));
      this.helpers.push({ ref: name, sig: c.params.length === 1 ? 'n' : 'nn', custom: true });
    }
  }

  /** Module-level declarations the idioms add before the helpers (classes, recursive functions); none here. */
  protected declarations(_lib: S[], _top: S[]): void {}

  /** `lib.X` or `X`: decided per program when it is rendered (see render.ts); marked here. */
  protected libRef(name: string): string {
    return `$lib.${name}`;
  }

  /** What a helper's body sees: in the imported module, only that module's constants. */
  protected helperScope(inLib: boolean): Scope {
    return inLib
      ? { nums: this.outerNums.filter((x) => x.name.startsWith('$lib.') && x.literal), ints: [], bools: [], arrays: [], loop: false, canBreak: false, canReturn: true, readOnlyParams: false }
      : { nums: this.outerNums.filter(this.visibleInMain), ints: [], bools: [], arrays: this.outerArrays.filter(this.visibleInMain), loop: false, canBreak: false, canReturn: true, readOnlyParams: false };
  }

  protected helper(where: S[], inLib: boolean): void {
    const name = this.fresh('h');
    const ex = inLib ? 'export ' : '';
    const ref = inLib ? this.libRef(name) : name;
    const scope = this.helperScope(inLib);
    this.libOnly = inLib;
    this.budget = 2 + this.int(4);
    const sig = this.pick(['nn', 'n', 'an', 'aw'] as const);
    if (sig === 'nn' || sig === 'n') {
      const params = sig === 'nn' ? ['u', 'v'] : ['u'];
      for (const p of params) scope.nums.push({ name: p, mutable: true });
      const list = params.map((p) => `${p}: number`).join(', ');
      if (sig === 'n' && this.chance(0.5)) {
        where.push(line(expr('num', [`${ex}const ${name} = (${list}): number => `, ';'], this.num(scope, 2))));
      } else {
        const body = this.stmts(scope, 0);
        body.push(line(expr('num', ['return ', ';'], this.result(scope))));
        where.push(block(`${ex}function ${name}(${list}): number`, [body]));
      }
      this.helpers.push({ ref, sig });
      this.libOnly = false;
      return;
    }
    // array helpers: read (an) or write (aw) an array of one storage type
    const arr = this.pick(['numarr', 'f64', 'f64', 'f32'] as const);
    scope.arrays.push({ name: 't', kind: arr, writable: true });
    scope.nums.push({ name: 's', mutable: true });
    const body: S[] = [];
    const j = this.fresh('j');
    const inner: Scope = { ...scope, ints: [...scope.ints, j], loop: true, canBreak: true, canReturn: false, nums: [...scope.nums], arrays: [...scope.arrays] };
    if (sig === 'aw') {
      scope.canReturn = false;
      body.push(block(`for (let ${j} = 0; ${j} < t.length; ${j}++)`, [[line(expr('num', [`t[${j}] = `, ';'], this.num(inner, 2)))]]));
      body.push(...this.stmts(scope, 0));
      where.push(block(`${ex}function ${name}(t: ${arrType[arr]}, s: number): void`, [body]));
    } else {
      body.push(line('let acc = 0;'));
      inner.nums.push({ name: 'acc', mutable: true });
      body.push(block(`for (let ${j} = 0; ${j} < t.length; ${j}++)`, [[line(expr('num', ['acc += ', ';'], this.num(inner, 2)))]]));
      body.push(line('return acc;'));
      where.push(block(`${ex}function ${name}(t: ${arrType[arr]}, s: number): number`, [body]));
    }
    this.helpers.push({ ref, sig, arr });
    this.libOnly = false;
  }

  // ── statements ──────────────────────────────────────────────────────────────────────────────

  protected stmts(scope: Scope, depth: number): S[] {
    const out: S[] = [];
    const n = 1 + this.int(depth === 0 ? 5 : 3);
    for (let i = 0; i < n && this.budget > 0; i++) {
      this.budget--;
      out.push(...this.stmt(scope, depth));
    }
    return out;
  }

  protected child(scope: Scope, changes: Partial<Scope> = {}): Scope {
    return { ...scope, nums: [...scope.nums], ints: [...scope.ints], bools: [...scope.bools], arrays: [...scope.arrays], ...changes };
  }

  protected stmt(scope: Scope, depth: number): S[] {
    const mutableNums = scope.nums.filter((v) => v.mutable);
    const writable = scope.arrays.filter((a) => a.writable && a.kind !== 'i32' && !(scope.readOnlyParams && /^p\d+(\.|$)/.test(a.name)));
    const nested = depth < 3;
    const roll = this.int(22);
    if (roll < 4) return [this.declareNum(scope)];
    if (roll < 7 && mutableNums.length > 0) return [this.assignNum(scope, this.pick(mutableNums))];
    if (roll < 9 && writable.length > 0) return [this.assignElement(scope, this.pick(writable))];
    if (roll < 10) return this.localArray(scope);
    if (roll < 11) {
      const name = this.fresh('b');
      const s = line(expr('bool', [`const ${name} = `, ';'], this.bool(scope)), name);
      scope.bools.push(name);
      return [s];
    }
    if (roll < 13 && nested) return [this.ifStmt(scope, depth)];
    if (roll < 16 && nested) return this.forLoop(scope, depth);
    if (roll < 17 && nested) return this.whileLoop(scope, depth);
    if (roll < 18 && nested) return this.doWhile(scope, depth);
    if (roll < 19 && scope.loop) return [block(expr('bool', ['if (', ')'], this.bool(scope)), [[line(scope.canBreak && this.chance(0.5) ? 'break;' : 'continue;')]])];
    if (roll < 20 && scope.canReturn && depth > 0) {
      return [block(expr('bool', ['if (', ')'], this.bool(scope)), [[line(expr('num', ['return ', ';'], this.result(scope)))]])];
    }
    if (roll < 21) {
      const writer = this.helpers.filter((h) => h.sig === 'aw' && writable.some((a) => a.kind === h.arr) && (!this.libOnly || h.ref.startsWith('$lib.')));
      if (writer.length > 0) {
        const h = this.pick(writer);
        const a = this.pick(writable.filter((x) => x.kind === h.arr));
        return [line(expr('num', [`${h.ref}(${a.name}, `, ');'], this.num(scope, 1)))];
      }
    }
    if (nested && this.chance(0.5)) {
      // a block with a local that may shadow an outer one
      const inner = this.child(scope);
      const shadow = scope.nums.filter((v) => !v.name.includes('.') && !v.name.startsWith('$') && !v.name.startsWith('K') && !v.name.startsWith('p'));
      const name = shadow.length > 0 && this.chance(0.6) ? this.pick(shadow).name : this.fresh('z');
      inner.nums = inner.nums.filter((v) => v.name !== name);
      // an integer of that name (a destructured index) is shadowed by a number
      inner.ints = inner.ints.filter((i) => i !== name);
      // the initializer cannot read the outer variable it shadows (the inner one is in its TDZ)
      const decl = line(expr('num', [`let ${name} = `, ';'], this.num(this.child(inner), 2)), name);
      inner.nums.push({ name, mutable: true });
      const body = [decl, ...this.stmts(inner, depth + 1)];
      const target = scope.nums.filter((v) => v.mutable && v.name !== name);
      if (target.length > 0) body.push(line(expr('num', [`${this.pick(target).name} += `, ';'], this.num(inner, 1))));
      return [block(expr('bool', ['if (', ')'], this.bool(scope)), [body])];
    }
    return [this.declareNum(scope)];
  }

  protected declareNum(scope: Scope): S {
    const name = this.fresh('v');
    const mutable = this.chance(0.7);
    const s = line(expr('num', [`${mutable ? 'let' : 'const'} ${name} = `, ';'], this.num(scope, 3)), name);
    scope.nums.push({ name, mutable });
    return s;
  }

  protected assignNum(scope: Scope, v: NumVar): S {
    switch (this.int(6)) {
      case 0:
        return line(this.pick([`${v.name}++;`, `${v.name}--;`, `++${v.name};`, `--${v.name};`]));
      case 1:
      case 2: {
        const op = this.pick(['+=', '-=', '*=', '/=', '**=', '%=']);
        // an integer power: `x **= 0.25` of a negative x is a NaN on the way (README, Known limits)
        return line(expr('num', [`${v.name} ${op} `, ';'], op === '**=' ? text(this.pick(['2', '3'])) : this.compoundOperand(scope)));
      }
      default:
        return line(expr('num', [`${v.name} = `, ';'], this.num(scope, 3)));
    }
  }

  /** Right-hand sides of compound assignment, kept where `/=`, `**=` and `%=` are defined. */
  protected compoundOperand(scope: Scope): E {
    return this.chance(0.5) ? text(this.pick(literals)) : expr('num', ['(1.5 + Math.sin(', '))'], this.num(scope, 2));
  }

  protected assignElement(scope: Scope, a: ArrVar): S {
    const i = this.index(scope);
    if (this.chance(0.2)) {
      const [before, after] = this.pick([['++', ''], ['--', ''], ['', '++'], ['', '--']]);
      return line(expr('num', [`${before}${a.name}[`, `]${after};`], i));
    }
    if (this.chance(0.3)) return line(expr('num', [`${a.name}[`, `] ${this.pick(['+=', '-=', '*=', '/='])} `, ';'], i, this.compoundOperand(scope)));
    return line(expr('num', [`${a.name}[`, '] = ', ';'], i, this.num(scope, 3)));
  }

  protected localArray(scope: Scope): S[] {
    const name = this.fresh('t');
    const L = this.L;
    let s: S;
    let kind: ArrKind;
    switch (this.int(4)) {
      case 0:
        s = line(`const ${name} = new Float64Array(${L});`, name);
        kind = 'f64';
        break;
      case 1:
        s = line(expr('num', [`const ${name}${this.chance(0.5) ? '' : ': number[]'} = new Array(${L}).fill(`, ');'], this.num(scope, 1)), name);
        kind = 'numarr';
        break;
      default: {
        const items = Array.from({ length: L }, () => this.num(scope, 1));
        s = line(expr('num', [`const ${name} = [`, ...Array.from({ length: L - 1 }, () => ', '), '];'], ...items), name);
        kind = 'numarr';
      }
    }
    const out = [s];
    scope.arrays.push({ name, kind, writable: true });
    if (this.chance(0.6)) {
      const i = this.fresh('i');
      const inner = this.child(scope, { ints: [...scope.ints, i], loop: true, canBreak: true, canReturn: false });
      out.push(block(`for (let ${i} = 0; ${i} < ${name}.length; ${i}++)`, [[line(expr('num', [`${name}[${i}] = `, ';'], this.num(inner, 2)))]]));
    }
    return out;
  }

  protected ifStmt(scope: Scope, depth: number): S {
    const c = expr('bool', ['if (', ')'], this.bool(scope));
    const then = this.stmts(this.child(scope), depth + 1);
    if (this.chance(0.5)) return block(c, [then]);
    return block(c, [then, this.stmts(this.child(scope), depth + 1)], [' else']);
  }

  protected forLoop(scope: Scope, depth: number): S[] {
    const i = this.fresh('i');
    const L = this.L;
    const arrays = scope.arrays.filter((a) => !a.name.includes('.'));
    const size = scope.nums.find((v) => v.name.startsWith('p') && !v.mutable);
    const heads = [
      `for (let ${i} = 0; ${i} < ${L}; ${i}++)`,
      `for (let ${i} = ${L - 1}; ${i} >= 0; ${i}--)`,
      `for (let ${i} = 0; ${i} < ${L}; ${i} += 2)`,
      ...(arrays.length > 0 ? [`for (let ${i} = 0; ${i} < ${this.pick(arrays).name}.length; ${i}++)`] : []),
      ...(size ? [`for (let ${i} = 0; ${i} < ${size.name}; ${i}++)`] : []),
    ];
    const checkpoint = depth === 0 && this.inF && this.chance(0.3);
    const inner = this.child(scope, checkpoint
      ? { ints: [...scope.ints, i], loop: true, canBreak: false, canReturn: false, readOnlyParams: true }
      : { ints: [...scope.ints, i], loop: true, canBreak: true });
    const body = this.stmts(inner, depth + 1);
    // accumulate something so the loop matters
    const acc = scope.nums.filter((v) => v.mutable);
    if (acc.length > 0 && this.chance(0.7)) body.push(line(expr('num', [`${this.pick(acc).name} ${this.pick(['+=', '-=', '*='])} `, ';'], this.num(inner, 2))));
    if (checkpoint) {
      const marker = line(this.pick(['// @checkpoint', '// @checkpoint', '// @checkpoint snapshots=1', '// @checkpoint snapshots=2']));
      return [marker, block(this.pick(heads.filter((h) => !h.includes('>= 0'))), [body])];
    }
    return [block(this.pick(heads), [body])];
  }

  /** `while` with a data-dependent exit; the counter moves first, so `continue` cannot skip it. */
  protected whileLoop(scope: Scope, depth: number): S[] {
    const { k, decl, body } = this.countedBody(scope, depth);
    return [decl, block(expr('bool', [`while (${k} < ${this.L} && `, ')'], this.bool(scope)), [body])];
  }

  protected doWhile(scope: Scope, depth: number): S[] {
    const { k, decl, body } = this.countedBody(scope, depth);
    return [decl, block('do', [body], undefined, expr('bool', [` while (${k} < ${this.L} && `, ');'], this.bool(scope)))];
  }

  /** A counter `k` declared before the loop, and a body that first moves it, then accumulates. */
  protected countedBody(scope: Scope, depth: number): { k: string; decl: S; body: S[] } {
    const k = this.fresh('k');
    const decl = line(`let ${k} = 0;`, k);
    const inner = this.child(scope, { ints: [...scope.ints, `(${k} - 1)`], loop: true, canBreak: true });
    const body = [pinned(line(`${k}++;`)), ...this.stmts(inner, depth + 1)];
    const acc = scope.nums.filter((v) => v.mutable);
    if (acc.length > 0) body.push(line(expr('num', [`${this.pick(acc).name} += `, ';'], this.num(inner, 2))));
    return { k, decl, body };
  }

  // ── expressions ─────────────────────────────────────────────────────────────────────────────

  /** An index in [0, L). */
  protected index(scope: Scope): E {
    const L = this.L;
    const tables = scope.arrays.filter((a) => a.kind === 'i32');
    const roll = this.int(6);
    if (scope.ints.length > 0 && roll < 3) {
      const i = this.pick(scope.ints);
      if (roll === 0) return text(`(${i} + 1) % ${L}`, 'int');
      if (roll === 1) return text(`${L - 1} - ${i}`, 'int');
      return text(i, 'int');
    }
    if (tables.length > 0 && roll === 3) return expr('int', [`${this.pick(tables).name}[`, ']'], this.index(scope));
    return text(String(this.int(L)), 'int');
  }

  protected bool(scope: Scope, depth = 2): E {
    const roll = this.int(8);
    const d = depth - 1;
    if (roll === 0 && scope.bools.length > 0) return text(this.pick(scope.bools), 'bool');
    if (roll === 1 && d >= 0) return expr('bool', ['(', ' && ', ')'], this.bool(scope, d), this.bool(scope, d));
    if (roll === 2 && d >= 0) return expr('bool', ['(', ' || ', ')'], this.bool(scope, d), this.bool(scope, d));
    if (roll === 3 && d >= 0) return expr('bool', ['!(', ')'], this.bool(scope, d));
    const op = this.pick(['>', '>=', '>', '>=', '!==', '===']);
    // `x * 1 === 0.5`: a literal-typed left side would make TypeScript reject the comparison
    if (op === '===' || op === '!==') return expr('bool', ['(', ` * 1 ${op} ${this.pick(literals)})`], this.num(scope, 1));
    // only > and >= (a < b is written b > a): TypeScript reads `a < (b) > (c)` as a call with type arguments
    return expr('bool', ['(', ` ${op} `, ')'], this.num(scope, 1), this.num(scope, 1));
  }

  /** The function's result: a combination of several values in scope. */
  protected result(scope: Scope): E {
    let e = this.num(scope, 2);
    const extra = scope.nums.filter((v) => !v.name.startsWith('K') && !v.name.startsWith('$'));
    for (let i = 0; i < 2 && extra.length > 0; i++) e = expr('num', ['(', ' + ', ')'], e, text(this.pick(extra).name));
    const arrays = scope.arrays.filter((a) => a.kind !== 'i32');
    if (arrays.length > 0 && this.chance(0.7)) e = expr('num', ['(', ' + ', ')'], e, expr('num', [`${this.pick(arrays).name}[`, ']'], this.index(scope)));
    return e;
  }

  protected leaf(scope: Scope): E {
    const roll = this.int(10);
    const arrays = scope.arrays.filter((a) => a.kind !== 'i32');
    if (roll < 4 && scope.nums.length > 0) return text(this.pick(scope.nums).name);
    if (roll < 7 && arrays.length > 0) return expr('num', [`${this.pick(arrays).name}[`, ']'], this.index(scope));
    if (roll === 7 && scope.ints.length > 0) return text(this.pick(scope.ints), 'int');
    if (roll === 8 && this.chance(0.3)) return text(this.pick(['Math.PI', 'Math.E', 'Math.SQRT2', 'Math.LN2', '(-0.5)', '(-1.5)']));
    return text(this.pick(literals));
  }

  protected num(scope: Scope, depth: number): E {
    if (depth <= 0 || this.chance(0.25)) return this.leaf(scope);
    const d = depth - 1;
    const a = (): E => this.num(scope, d);
    switch (this.int(16)) {
      case 0:
      case 1:
        return expr('num', ['(', ` ${this.pick(['+', '-', '*'])} `, ')'], a(), a());
      case 2:
        return expr('num', ['(', ' * ', ')'], a(), a());
      case 3:
        return this.chance(0.5)
          ? expr('num', ['(', ' / (1.25 + Math.cos(', ')))'], a(), a())
          : expr('num', ['(', ' / ', ')'], a(), text(this.pick(literals)));
      case 4:
        // Bases are kept positive, as every domain below is kept: a value that is NaN or ∞ on the
        // way to a finite result still makes its derivative NaN (0 · ∞, as in JAX; README, Known limits).
        if (this.chance(0.2)) return text(`(${this.pick(['(-0.5)', '(-1.25)', '2'])} ** ${this.pick(['2', '3'])})`);
        return this.chance(0.4)
          ? expr('num', ['((0.5 + (', ' * ', `) ** 2) ** ${this.pick(['2', '3', '0.5', '-1'])})`], a(), a())
          // a bounded exponent: a huge power leaves f flat at float64 precision, where differences read 0
          : expr('num', ['((0.5 + (', ' * ', ') ** 2) ** (2 * Math.tanh(', ')))'], a(), a(), a());
      case 5:
        // of a bounded value: x % 0.7 of a huge x changes in steps larger than the differences' h
        return expr('num', ['((3 * Math.tanh(', ')) % ', ')'], a(), text(this.pick(['1.5', '0.7', '2'])));
      case 6:
        return expr('num', ['(-', ')'], a());
      case 7:
      case 8:
        return this.math(scope, d);
      case 9:
        return expr('num', ['(', ' ? ', ' : ', ')'], this.bool(scope, 1), a(), a());
      case 10:
        return expr('num', ['(', ` ? ${this.pick(literals)} : ${this.pick(literals)})`], this.bool(scope, 1));
      case 11:
        return this.call(scope, d) ?? a();
      case 12:
        // of a value without derivative: finite differences cannot see a stopped gradient
        return this.chance(0.3) ? expr('num', ['(', ' * stopGradient(', '))'], a(), this.index(scope)) : expr('num', ['(', ' * ', ')'], a(), a());
      default:
        return expr('num', ['(', ` ${this.pick(['+', '-', '*'])} `, ')'], a(), this.leaf(scope));
    }
  }

  protected math(scope: Scope, d: number): E {
    const a = (): E => this.num(scope, d);
    if (this.chance(0.25)) {
      const fn = this.pick(binaryMath);
      if (fn === 'pow') return expr('num', ['Math.pow(0.5 + (', ' * ', ') ** 2, 2 * Math.tanh(', '))'], a(), a(), a());
      return expr('num', [`Math.${fn}(`, ', ', ')'], a(), a());
    }
    const fn = this.pick(unaryMath);
    switch (fn) {
      case 'log': case 'log2': case 'log10': case 'sqrt':
        return expr('num', [`Math.${fn}(0.1 + (`, ' * ', ') ** 2)'], a(), a());
      case 'log1p':
        return expr('num', [`Math.${fn}((`, ' * ', ') ** 2)'], a(), a());
      case 'asin': case 'acos': case 'atanh':
        return expr('num', [`Math.${fn}(0.9 * Math.tanh(`, '))'], a());
      case 'acosh':
        return expr('num', [`Math.${fn}(1.5 + (`, ' * ', ') ** 2)'], a(), a());
      case 'cbrt':
        // cbrt' is infinite at 0, and an argument exactly 0 (v - v) gives reverse mode ∞ - ∞: the
        // README's known limit, kept off as log's arguments are (seeds 921969, 932116, 963566)
        return expr('num', [`Math.${fn}(0.0625 + `, ')'], a());
      case 'exp': case 'expm1': case 'sinh': case 'cosh': case 'tan':
        return expr('num', [`Math.${fn}(Math.sin(`, '))'], a());
      default:
        return expr('num', [`Math.${fn}(`, ')'], a());
    }
  }

  protected call(scope: Scope, d: number): E | undefined {
    const helpers = this.helpers.filter((h) => (!this.libOnly || h.ref.startsWith('$lib.')) && !(h.custom && !this.inF && this.chance(0.5)));
    if (helpers.length === 0) return undefined;
    const h = this.pick(helpers);
    const a = (): E => this.num(scope, d);
    if (h.sig === 'nn') return expr('num', [`${h.ref}(`, ', ', ')'], a(), a());
    if (h.sig === 'n') return expr('num', [`${h.ref}(`, ')'], a());
    if (h.sig === 'an') {
      const arrays = scope.arrays.filter((x) => x.kind === h.arr);
      if (arrays.length === 0) return undefined;
      return expr('num', [`${h.ref}(${this.pick(arrays).name}, `, ')'], a());
    }
    return undefined;
  }
}
