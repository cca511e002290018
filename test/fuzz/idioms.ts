/**
 * Idiomatic TypeScript in the random programs: constructs beyond generate.ts's core subset, each
 * switched on by name. `supportedIdioms` lists those the compiler accepts: `npm test`'s idiom slice
 * (test/fuzz.test.ts) and `npm run fuzz -- --idioms supported` draw only these; add a name when the
 * compiler supports its construct. `--idioms all` draws every one (rejections of the unsupported
 * ones are expected), `--idioms forOf,switch` a list; `--idioms off` (the default) gives
 * generate.ts's programs unchanged, so seeds found before idioms still reproduce.
 *
 * With idioms on, about one statement in STMT_RATE is drawn from the statement idioms that apply
 * in its scope, one expression in EXPR_RATE (and one condition in BOOL_RATE) from the expression
 * ones, and some helpers take default or optional parameters or a callback; everything else is
 * generate.ts's, so the core constructs keep their coverage.
 */
import { generate, type Program, type Scope } from './generate.js';
import { ClassIdioms } from './idiomClasses.js';
import { cat, type IdiomScope } from './idiomStmts.js';
import { type E, line, type S, text } from './tree.js';

export const allIdioms = [
  // statements and loops (idiomStmts.ts)
  'forOf', 'forOfEntries', 'forOfKeys', 'switch', 'labeled', 'whileTrue',
  'destructTuple', 'swap', 'destructArray', 'destructObject', 'destructDefault',
  'defaultParam', 'optionalParam', 'closure', 'higherOrder',
  // array methods (idiomArrays.ts)
  'map', 'reduce', 'reduceRight', 'forEach', 'someEvery', 'find', 'findIndex', 'filter', 'fill', 'slice', 'at',
  'arrayFrom', 'typedFrom', 'spread', 'mathSpread', 'concat', 'push', 'alias',
  // type assertions
  'nonNull', 'asNumber', 'satisfies',
  // a guard that throws; integer indices from bitwise operators
  'throwGuard', 'bitwise',
  // parameters that are arrays of arrays and arrays of objects (idiomAggregates.ts)
  'rowsParam', 'objectsParam',
  // objects as values (idiomObjects.ts), arrays written as buffers (idiomBuffers.ts), classes and recursion (idiomClasses.ts)
  'objectLiteral', 'objectHelper', 'objectArray', 'rowWrites', 'arraySwap', 'classParam', 'recursion',
  // a time loop's state given each step's new array, often // @checkpoint (idiomBuffers.ts)
  'stateStep',
  // adjacent loops over one range, fused or not by the compiler (idiomBuffers.ts); last, so the
  // programs of the idioms before it are those of earlier seeds without it (idiomsBefore)
  'loopPair',
  // an index stepped through a triangular loop nest (idiomBuffers.ts), after loopPair for the same reason
  'indexWalk',
  // a running maximum or minimum (idiomBuffers.ts), after indexWalk for the same reason
  'selection',
  // stopGradient of any value, not only of an index (generate.ts's): the checker's differences
  // hold stopped values fixed (stops.ts); last for the same reason
  'stopValue',
  // a loop over samples meeting only in a sum (idiomSamples.ts), last for the same reason
  'sampleSum',
  // samples over components with scratch arrays and a stepped index (idiomComponents.ts), last for the same reason
  'componentSum',
] as const;
export type Idiom = (typeof allIdioms)[number];

/** The idioms the compiler on main accepts (checked by running the fuzzer): extend as support lands. */
export const supportedIdioms: readonly Idiom[] = allIdioms;

/** `off` | `supported` | `all` | a comma-separated list of names. */
export function parseIdioms(spec: string): Idiom[] {
  if (spec === 'off' || spec === 'none') return [];
  if (spec === 'supported') return [...supportedIdioms];
  if (spec === 'all') return [...allIdioms];
  const names = spec.split(',').map((s) => s.trim()).filter((s) => s.length > 0);
  const unknown = names.filter((n) => !(allIdioms as readonly string[]).includes(n));
  if (unknown.length > 0) throw new Error(`fuzz: unknown idiom ${unknown.join(', ')} (known: ${allIdioms.join(', ')})`);
  return names as Idiom[];
}

/** generate.ts's program for `seed`, with the given idioms drawn in (none: exactly generate's). */
export function generateWithIdioms(seed: number, name: string, idioms: readonly Idiom[]): Program {
  return idioms.length === 0 ? generate(seed, name) : new IdiomGenerator(seed, name, new Set(idioms)).program();
}

const STMT_RATE = 0.25;
const EXPR_RATE = 0.06;
const BOOL_RATE = 0.12;
const HELPER_RATE = 0.45;

type Make<T> = readonly [Idiom, T];

class IdiomGenerator extends ClassIdioms {
  private readonly stmtTable: readonly Make<(s: IdiomScope, depth: number) => S[] | undefined>[] = [
    ['forOf', (s, d) => this.nested(d, () => this.forOf(s, d))],
    ['forOfEntries', (s, d) => this.nested(d, () => this.forOfIndexed(s, d, false))],
    ['forOfKeys', (s, d) => this.nested(d, () => this.forOfIndexed(s, d, true))],
    ['switch', (s, d) => this.nested(d, () => this.switchStmt(s, d))],
    ['labeled', (s, d) => (d < 2 ? this.labeled(s, d) : undefined)],
    ['whileTrue', (s, d) => this.nested(d, () => this.whileTrue(s, d))],
    ['destructTuple', (s) => this.destructTuple(s)],
    ['swap', (s) => this.swap(s)],
    ['destructArray', (s) => this.destructArray(s)],
    ['destructObject', (s) => this.destructObject(s)],
    ['closure', (s, d) => this.closure(s, d)],
    ['map', (s) => this.produce(s, 'map')],
    ['arrayFrom', (s) => this.produce(s, 'arrayFrom')],
    ['typedFrom', (s) => this.produce(s, 'typedFrom')],
    ['spread', (s) => this.produce(s, 'spread')],
    ['slice', (s) => this.produce(s, 'slice')],
    ['push', (s, d) => this.nested(d, () => this.push(s, d))],
    ['filter', (s) => this.filterConst(s)],
    ['forEach', (s, d) => this.nested(d, () => this.forEach(s, d))],
    ['fill', (s) => this.fill(s)],
    ['findIndex', (s, d) => this.nested(d, () => this.findIndexStmt(s, d))],
    ['alias', (s) => this.alias(s)],
    ['throwGuard', (s) => this.throwGuard(s)],
    ['rowsParam', (s, d) => this.rowsStmt(s, d)],
    ['objectsParam', (s, d) => this.objsStmt(s, d)],
    ['objectLiteral', (s, d) => this.objectLiteral(s, d)],
    ['objectHelper', (s) => this.objectCallStmt(s)],
    ['objectArray', (s, d) => this.objectArray(s, d)],
    ['rowWrites', (s, d) => this.rowWrites(s, d)],
    ['arraySwap', (s, d) => this.nested(d, () => this.arraySwap(s))],
    ['stateStep', (s, d) => this.nested(d, () => this.stateStep(s, d))],
    ['classParam', (s, d) => this.classStmt(s, d)],
    ['loopPair', (s, d) => this.nested(d, () => this.loopPair(s))],
    ['indexWalk', (s, d) => this.nested(d, () => this.indexWalk(s))],
    ['selection', (s, d) => this.nested(d, () => this.selection(s))],
    ['sampleSum', (s, d) => this.sampleSum(s, d)],
    ['componentSum', (s, d) => this.componentSum(s, d)],
  ];

  private readonly exprTable: readonly Make<(s: IdiomScope, d: number) => E | undefined>[] = [
    ['reduce', (s, d) => this.reduce(s, d, 'reduce')],
    ['reduceRight', (s, d) => this.reduce(s, d, 'reduceRight')],
    ['find', (s) => this.find(s)],
    ['filter', (s, d) => this.filterExpr(s, d)],
    ['at', (s) => this.at(s)],
    ['mathSpread', (s) => this.mathSpread(s)],
    ['nonNull', (s, d) => this.assertion(s, d, 'nonNull')],
    ['asNumber', (s, d) => this.assertion(s, d, 'asNumber')],
    ['satisfies', (s, d) => this.assertion(s, d, 'satisfies')],
    ['closure', (s, d) => this.idiomCall(s, d, ['closure'])],
    ['higherOrder', (s, d) => this.idiomCall(s, d, ['hof'])],
    ['defaultParam', (s, d) => this.idiomCall(s, d, ['default'])],
    ['optionalParam', (s, d) => this.idiomCall(s, d, ['optional'])],
    ['rowsParam', (s, d) => this.rowsExpr(s, d)],
    ['objectsParam', (s, d) => this.objsExpr(s, d)],
    ['objectHelper', (s, d) => this.objectCallExpr(s, d)],
    ['classParam', (s, d) => this.classExpr(s, d)],
    ['recursion', (s, d) => this.recursiveCall(s, d)],
    ['stopValue', (s, d) => cat('num', 'stopGradient(', this.num(s, d), ')')],
  ];

  private readonly boolTable: readonly Make<(s: IdiomScope) => E | undefined>[] = [
    ['someEvery', (s) => this.search(s, 'someEvery')],
    ['findIndex', (s) => this.search(s, 'findIndex')],
    ['objectsParam', (s) => this.tagTest(s)],
    ['classParam', (s) => this.tagTest(s)],
  ];

  /** Block statements go no deeper than generate.ts's own (depth < 3). */
  private nested(depth: number, make: () => S[] | undefined): S[] | undefined {
    return depth < 3 ? make() : undefined;
  }

  /** One of the enabled makers (in random order) that applies here, or undefined. */
  private first<T, R>(table: readonly Make<T>[], run: (make: T) => R | undefined): R | undefined {
    const options = table.filter(([k]) => this.on.has(k));
    while (options.length > 0) {
      const [, make] = options.splice(this.int(options.length), 1)[0];
      const out = run(make);
      if (out !== undefined) return out;
    }
    return undefined;
  }

  protected override stmt(scope: IdiomScope, depth: number): S[] {
    if (this.chance(STMT_RATE)) {
      const s = this.first(this.stmtTable, (make) => make(scope, depth));
      if (s) return s;
    }
    return super.stmt(scope, depth);
  }

  protected override num(scope: IdiomScope, depth: number): E {
    if (depth > 0 && this.chance(EXPR_RATE)) {
      const e = this.first(this.exprTable, (make) => make(scope, depth - 1));
      if (e) return e;
    }
    return super.num(scope, depth);
  }

  protected override bool(scope: IdiomScope, depth = 2): E {
    if (this.chance(BOOL_RATE)) {
      const e = this.first(this.boolTable, (make) => make(scope));
      if (e) return e;
    }
    return super.bool(scope, depth);
  }

  protected override call(scope: IdiomScope, d: number): E | undefined {
    const kinds = (['closure', 'hof', 'default', 'optional'] as const).filter((k) => this.on.has(({ closure: 'closure', hof: 'higherOrder', default: 'defaultParam', optional: 'optionalParam' } as const)[k]));
    if (kinds.length > 0 && this.chance(0.5)) {
      const e = this.idiomCall(scope, d, kinds);
      if (e) return e;
    }
    return super.call(scope, d);
  }

  protected override helper(where: S[], inLib: boolean): void {
    const kinds = (['default', 'optional', 'hof'] as const).filter((k) => this.on.has(({ default: 'defaultParam', optional: 'optionalParam', hof: 'higherOrder' } as const)[k]));
    super.helper(where, inLib);
    // in addition to generate.ts's helpers, so theirs keep their coverage
    if (kinds.length > 0 && this.chance(HELPER_RATE)) this.idiomHelper(where, inLib, this.pick(kinds));
  }

  /** `if (!Number.isFinite(v)) throw new RangeError(`…${v}`);` (a program where it throws is skipped). */
  private throwGuard(scope: IdiomScope): S[] | undefined {
    if (scope.nums.length === 0) return undefined;
    const v = this.pick(scope.nums).name;
    const error = this.pick(['Error', 'RangeError']);
    const test = this.chance(0.5) ? `!Number.isFinite(${v})` : `Number.isNaN(${v}) || Math.abs(${v}) > 1e12`;
    return [line(`if (${test}) throw new ${error}(\`not finite: \${${v}}\`);`)];
  }

  /** An index in [0, L) computed with bitwise operators from an integer in scope. */
  protected override index(scope: IdiomScope): E {
    if (!this.on.has('bitwise') || scope.ints.length === 0 || !this.chance(0.2)) return super.index(scope);
    const i = this.pick(scope.ints);
    const L = this.L;
    return text(this.pick([`(${i} | 0)`, `(${i} >> 1)`, `((${i} ^ 1) % ${L})`, `(~~${i})`, `((${i} << 1) % ${L})`, `((${i} & 1) * ${L - 1})`, `(${i} >>> 0)`]), 'int');
  }

  protected override arrayResult(scope: Scope, output: 'f64' | 'numarr'): S[] {
    return (this.chance(0.5) ? this.mappedResult(scope, output) : undefined) ?? super.arrayResult(scope, output);
  }
}
