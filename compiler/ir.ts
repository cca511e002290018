/**
 * tsgrad's intermediate representation: one function, every statement one operation over atoms
 * (A-normal form), structured control flow only. `break`, `continue` and `return` have already
 * been turned into flag variables and guards by lowering, and calls to user functions inlined, so
 * the passes that follow see four statement kinds and no jumps.
 *
 *   source:  for (let i = 0; i < n; i++) s += a[i] * x;
 *   IR:      s = 0; i = 0
 *            loop#0 [pre: t0 = i < n] while t0 { t1 = a[i]; t2 = t1 * x; s = s + t2 } update { i = i + 1 }
 */
import type * as TS from 'typescript';

/**
 * Element representation of an array variable. `int` arrays (Int32Array, …) are never active.
 * Objects are references too, so they are array variables: `record` is one object (`fields` says
 * what each field holds), `objects` an array of objects (`fields`: each element's). Both are read,
 * never written, in differentiated code; their shadows (adjoint, tangent) are objects of the same
 * shape, read out by the same paths (`cam_b = cameras_b[k]`, `cam_b.focal += …`).
 */
export type ArrayType = 'f64' | 'f32' | 'numarr' | 'int' | 'rows' | 'record' | 'objects';
export type VarKind = 'num' | 'bool' | 'array';

/** What a value holds, as tsgrad sees it (types.ts reads it from TypeScript types). */
export interface Shape {
  readonly kind: VarKind;
  readonly arrayType?: ArrayType;
  /** An array of arrays (`number[][]`, `Float64Array[]`): the rows' type. */
  readonly row?: Exclude<ArrayType, 'rows' | 'record' | 'objects'>;
  /** A record, or an array of records: the fields it reads (methods and getters left out). */
  readonly fields?: Fields;
}
export type Fields = ReadonlyMap<string, Shape>;

export interface Var {
  readonly id: number;
  /** Name in generated code; unique within the function (naming.ts). */
  readonly name: string;
  readonly kind: VarKind;
  readonly arrayType?: ArrayType;
  /** `rows` (number[][], Float64Array[]): the type of each row. Rows are read, never written. */
  readonly row?: Shape['row'];
  /** `record` and `objects`: the fields of the object, or of each element. */
  readonly fields?: Fields;
  /** Declared outside the function (an enclosing `const`): referenced by name, never assigned. */
  readonly outer?: boolean;
  /** The user's declaration, for diagnostics. */
  readonly node?: TS.Node;
  /** For an imported outer constant: a use in the emitted file, so the module transform renames it. */
  readonly use?: TS.Identifier;
  /** Holds the result of an inlined call: assigned by each call before it is read. */
  readonly callResult?: boolean;
  /** `stopGradient(x)`: the value never carries a derivative. */
  readonly constant?: boolean;
  /** A local number[] that push() appends to: its adjoint and tangent are plain arrays that grow with it. */
  readonly growable?: boolean;
}

export type Atom = { readonly k: 'var'; readonly v: Var } | { readonly k: 'const'; readonly value: number | boolean | string };

/** `|`, `&`, `^`, `<<`, `>>`, `>>>`: integer operations (`(t * n) | 0`), piecewise constant: no derivative. */
export type BitOp = '|' | '&' | '^' | '<<' | '>>' | '>>>';
export type BinOp = '+' | '-' | '*' | '/' | '%' | '**' | '<' | '<=' | '>' | '>=' | '===' | '!==' | '&&' | '||' | BitOp;
export type UnOp = '-' | '!';

export type Expr =
  | { readonly k: 'atom'; readonly a: Atom }
  | { readonly k: 'bin'; readonly op: BinOp; readonly a: Atom; readonly b: Atom }
  | { readonly k: 'un'; readonly op: UnOp; readonly a: Atom }
  /** `c ? a : b` over atoms (both arms already evaluated, so no control flow). */
  | { readonly k: 'select'; readonly c: Atom; readonly a: Atom; readonly b: Atom }
  /** `Math.fn(args)`; derivative rules in rules.ts. */
  | { readonly k: 'math'; readonly fn: string; readonly args: readonly Atom[] }
  /** `arr[index]`, or with `sub` `arr[index][sub]`: an element of a row of an array of arrays. */
  | { readonly k: 'load'; readonly arr: Var; readonly index: Atom; readonly sub?: Atom }
  | { readonly k: 'length'; readonly arr: Var }
  /** `obj.name` of a record: a number, boolean, array or record, by the field's shape. */
  | { readonly k: 'field'; readonly obj: Var; readonly name: string }
  /**
   * A fresh array of `length` elements, all `fill`. `written`: the construct that makes it (map,
   * slice, a literal, a copy) writes every element before anything can read it.
   */
  | { readonly k: 'newArray'; readonly type: ArrayType; readonly ctor: string; readonly length: Atom; readonly fill: Atom; readonly written?: boolean }
  /** A call to a function that is not inlined (it has a custom derivative): no derivative of its own. */
  | { readonly k: 'call'; readonly callee: Callee; readonly args: readonly Atom[] }
  /**
   * The value of such a call, `value`, with the user's derivative: ∂/∂args[i] = partials[i]
   * (computed beforehand by the rule's functions, inlined). Reverse and forward mode treat it as
   * a primitive whose partials are given.
   */
  | { readonly k: 'custom'; readonly value: Atom; readonly args: readonly Atom[]; readonly partials: readonly Atom[] }
  /**
   * A call of a user function compiled on its own instead of inlined (recursion, large call
   * graphs): generated code calls its companions, `f_primal`, `f_pullback` (reverse) and `f_jvp`.
   */
  | { readonly k: 'userCall'; readonly fn: UserFunction; readonly args: readonly Atom[] };

/**
 * A user function with derivative companions of its own (lower/separate.ts). `params`: what each
 * parameter's derivative is: a number the pullback returns, an array the pullback accumulates into
 * (and the jvp takes a tangent of), or none (booleans, integer arrays).
 */
export interface UserFunction {
  readonly name: string;
  readonly params: readonly ('num' | 'array' | 'none')[];
  /** The name of a companion, generated beside the derivative that asks for it. */
  companion(kind: CompanionKind): string;
}

/**
 * `tangentPrimal(...params, ...tangents)`: f's directional derivative as a function of its
 * arguments and their tangents; `tangentPullback`: its pullback (second order: hvp over a call).
 */
export type CompanionKind = 'primal' | 'pullback' | 'jvp' | 'tangentPrimal' | 'tangentPullback';

/** f's directional derivative as a user function of (...params, ...tangents of the differentiable ones). */
export function tangentFunction(fn: UserFunction): UserFunction {
  return {
    name: `${fn.name}_tangent`,
    params: [...fn.params, ...fn.params.filter((k) => k !== 'none')],
    companion: (kind) => {
      if (kind === 'primal') return fn.companion('tangentPrimal');
      if (kind === 'pullback') return fn.companion('tangentPullback');
      throw new Error(`tsgrad internal: no ${kind} of the tangent of '${fn.name}'`);
    },
  };
}

/** A function called by name from generated code. */
export interface Callee {
  readonly name: string;
  /** For an import: a use in the emitted file, so the module transform renames it. */
  readonly use?: TS.Identifier;
  /** A function of tsgrad's runtime (`raise` for a `throw`), called through its namespace. */
  readonly runtime?: boolean;
}

export type Stmt =
  /** `init`: the variable's declaration, so its old value is never needed. */
  | { readonly k: 'assign'; readonly target: Var; readonly expr: Expr; readonly init?: boolean }
  /** `append`: a push (the index is the array's length), which grows the array. */
  /** `sub`: `arr[index][sub] = value`, into a row of a local array of arrays. */
  | { readonly k: 'store'; readonly arr: Var; readonly index: Atom; readonly value: Atom; readonly append?: boolean; readonly sub?: Atom }
  | { readonly k: 'if'; readonly cond: Atom; readonly then: readonly Stmt[]; readonly else: readonly Stmt[] }
  | Loop;

/**
 * Runs `pre`, stops unless `cond`, runs `body` then `update`, repeats. `canonical` marks a counted
 * loop `for (let i = start; …; i += step)` whose body never assigns `i`: the reverse sweep then
 * recomputes `i` from the iteration number instead of saving it.
 */
export interface Loop {
  readonly k: 'loop';
  readonly id: number;
  readonly pre: readonly Stmt[];
  readonly cond: Atom;
  readonly body: readonly Stmt[];
  readonly update: readonly Stmt[];
  readonly canonical?: { readonly counter: Var; readonly start: Atom; readonly step: number };
  /** The user's `for` statement, when a `// @parallel` comment precedes it (used by jit only). */
  readonly parallel?: TS.ForStatement;
  /**
   * The user's loop, when a `// @checkpoint` comment precedes it: reverse mode reverses it with
   * binomial checkpointing (checkpointLoops.ts); `snapshots` is the number of loop states kept.
   */
  readonly checkpoint?: { readonly node: TS.Statement; readonly snapshots?: number };
}

/** A parameter of the differentiated function, and whether the caller asked for its derivative. */
export interface Param {
  readonly v: Var;
  readonly selected: boolean;
}

/**
 * A parameter that is an object of numbers and arrays (`{ W: Float64Array, b: number }`, nested):
 * in `params` it is one parameter per leaf, in place; the generated function takes the object and
 * returns derivatives of the same shape (structs.ts).
 */
export interface StructParam {
  readonly name: string;
  readonly leaves: readonly { readonly path: readonly string[]; readonly v: Var }[];
}

export interface IRFunction {
  readonly name: string;
  readonly params: readonly Param[];
  readonly structs?: readonly StructParam[];
  readonly body: readonly Stmt[];
  /** Holds the return value when `body` finishes. */
  readonly result: Var;
  /** Every variable the body assigns, params excluded, in creation order. */
  readonly locals: readonly Var[];
  /** Literal default values of parameters (`dt = 0.01`), given to the generated function too. */
  readonly defaults?: ReadonlyMap<Var, number | boolean | string>;
}

export const num = (value: number): Atom => ({ k: 'const', value });
export const bool = (value: boolean): Atom => ({ k: 'const', value });
export const ref = (v: Var): Atom => ({ k: 'var', v });

export function atomVar(a: Atom): Var | undefined {
  return a.k === 'var' ? a.v : undefined;
}

/** The atoms an expression reads (array variables of loads included as `ref`). */
export function exprOperands(e: Expr): Atom[] {
  switch (e.k) {
    case 'atom':
      return [e.a];
    case 'bin':
      return [e.a, e.b];
    case 'un':
      return [e.a];
    case 'select':
      return [e.c, e.a, e.b];
    case 'math':
      return [...e.args];
    case 'load':
      return e.sub ? [ref(e.arr), e.index, e.sub] : [ref(e.arr), e.index];
    case 'length':
      return [ref(e.arr)];
    case 'field':
      return [ref(e.obj)];
    case 'newArray':
      return [e.length, e.fill];
    case 'call':
      return [...e.args];
    case 'custom':
      return [e.value, ...e.args, ...e.partials];
    case 'userCall':
      return [...e.args];
  }
}

/** Visit every statement, outermost first, with the loops that enclose it (innermost last), its block and its place there. */
export function walk(body: readonly Stmt[], visit: (s: Stmt, loops: readonly Loop[], block: readonly Stmt[], at: number) => void, loops: Loop[] = []): void {
  for (const [at, s] of body.entries()) {
    visit(s, loops, body, at);
    if (s.k === 'if') {
      walk(s.then, visit, loops);
      walk(s.else, visit, loops);
    } else if (s.k === 'loop') {
      loops.push(s);
      walk(s.pre, visit, loops);
      walk(s.body, visit, loops);
      walk(s.update, visit, loops);
      loops.pop();
    }
  }
}

/** The atoms a statement itself reads (not those of statements nested in it). */
export function readsOf(s: Stmt): readonly (Atom | undefined)[] {
  if (s.k === 'assign') return exprOperands(s.expr);
  if (s.k === 'store') return [s.index, s.sub, s.value];
  return [s.cond];
}

/**
 * Where each variable of `body` is assigned, and the statements that read it, one entry per read
 * (a loop reads its condition and a variable it starts from).
 */
export function useSites(body: readonly Stmt[]): { assigns: Map<Var, Stmt[]>; readers: Map<Var, Stmt[]> } {
  const assigns = new Map<Var, Stmt[]>();
  const readers = new Map<Var, Stmt[]>();
  const add = (m: Map<Var, Stmt[]>, v: Var, s: Stmt): void => {
    const list = m.get(v);
    if (list) list.push(s);
    else m.set(v, [s]);
  };
  walk(body, (s) => {
    if (s.k === 'assign') add(assigns, s.target, s);
    for (const a of readsOf(s)) {
      const v = a && atomVar(a);
      if (v) add(readers, v, s);
    }
    if (s.k === 'loop' && s.canonical?.start.k === 'var') add(readers, s.canonical.start.v, s);
  });
  return { assigns, readers };
}

/** The arrays `body` stores into: for a parameter, the function writes into its caller's array (inlined calls included). */
export function storedArrays(body: readonly Stmt[]): Set<Var> {
  const stored = new Set<Var>();
  walk(body, (s) => {
    if (s.k === 'store') stored.add(s.arr);
  });
  return stored;
}
