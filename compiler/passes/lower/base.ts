/**
 * The lowering's foundation (lowerToIR.ts lists the steps): options, frames (the root function or
 * an inlined callee), variables and temporaries, flags, and the object parameters' fields.
 */
import type * as TS from 'typescript';
import type { CustomRule } from '../customRules.js';
import { unsupported } from '../../diagnostics.js';
import { type Atom, type CompanionKind, type Expr, ref, type Stmt, type Var, type VarKind } from '../../ir.js';
import { flagName, NameScope, resultName, tempName } from '../../naming.js';
import { ts } from '../../tsapi.js';
import { type FunctionLike, scalarKind, type Shape, shapeOf } from '../../types.js';

export type { FunctionLike };

/** A value as a callee receives it: an atom (an array by reference), an object's fields, a function, or an array of objects built here. */
export type Bound = { readonly k: 'atom'; readonly a: Atom } | { readonly k: 'struct'; readonly s: StructNode } | { readonly k: 'fn'; readonly f: FnValue } | { readonly k: 'objects'; readonly o: ObjectArray };

/** What `this` is in a method being inlined: an object parameter's fields, or an object by reference. */
export type SelfValue = { readonly k: 'atom'; readonly a: Atom } | { readonly k: 'struct'; readonly s: StructNode };

export interface LowerOptions {
  readonly checker: TS.TypeChecker;
  /** Names already used where the derivative is emitted (all identifiers of that file). */
  readonly names: NameScope;
  /** Node where the generated code will live: outer names must resolve to the same symbol there. */
  readonly emitSite: TS.Node;
  /** Indices of the parameters to differentiate, or every differentiable one (jvp, vjp). */
  readonly argnums: readonly number[] | 'differentiable';
  /** The function may return a numeric array (jvp, vjp, Jacobians); else it must return a number. */
  readonly vectorOutput?: boolean;
  /** Lowered for jit(f), which compiles it without differentiating it (for diagnostics). */
  readonly jit?: boolean;
  /** User-given derivatives (customRules.ts), by the declaration of the function they are for. */
  readonly customRules?: ReadonlyMap<TS.Node, CustomRule>;
  /**
   * The generated function takes the parameters first, so a default of the function's own
   * parameter can be its default (grad, valueAndGrad, vjp, jacrev, grad(grad f)); the others
   * put their own arguments after the parameters, where a left-out one would shift them.
   */
  readonly defaults?: boolean;
  /**
   * Declares, beside the derivative, a copy of a module-level table of numbers that it cannot name
   * (not exported, or imported only by another module); returns the copy's name.
   */
  readonly copyTable?: (decl: TS.VariableDeclaration, values: readonly number[], type: 'numarr' | 'f64' | 'f32') => string;
  /**
   * Whether a class in the program overrides this method or getter (passes/findOverrides.ts): a
   * call through an object then runs a method known only at run time. Unknown (absent): assumed so.
   */
  readonly overridden?: (member: TS.MethodDeclaration | TS.GetAccessorDeclaration) => boolean;
  /**
   * The name of a companion of a user function compiled on its own (lower/separate.ts), generated
   * where the derivative is; absent: such functions are not supported here.
   */
  readonly companion?: (decl: FunctionLike, kind: CompanionKind) => string;
}

/** A loop or a switch being lowered: its break and continue flags, and its label. */
export interface LoopFrame {
  brk?: Var;
  cnt?: Var;
  readonly label?: string;
  /** A switch: `break` leaves it, `continue` goes to the loop around it. */
  readonly isSwitch?: boolean;
}

/**
 * A function known at build time: a declaration with a body (a closure with the frame it was
 * declared in, whose names it reads), or a function of Math.
 */
export type FnValue = { readonly decl: FunctionLike; readonly parent?: Frame } | { readonly math: string; readonly node: TS.Node };

/** One function being lowered: the root, or a callee being inlined. */
export interface Frame {
  readonly decl: FunctionLike;
  /** The frame of the function this one was declared in (a closure's), where its free names live. */
  readonly parent?: Frame;
  readonly symbols: Map<TS.Symbol, Var>;
  /** Parameters that are objects of numbers and arrays: their fields' variables. */
  readonly structs: Map<TS.Symbol, StructNode>;
  /** Local functions and function-valued parameters: what they are at build time. */
  readonly functions: Map<TS.Symbol, FnValue>;
  /** Arrays of objects built in differentiated code (objectArrays.ts): one array per field. */
  readonly objectArrays: Map<TS.Symbol, ObjectArray>;
  /** Optional parameters this call leaves out. */
  readonly absent: Set<TS.Symbol>;
  readonly result: Var;
  /** A method's `this`. */
  self?: SelfValue;
  /** The function returns an array: the one array variable it returns, once seen. */
  arrayResult?: { array?: Var; readonly several?: boolean };
  /** The function returns an object: its fields once the first return is seen (copied into by later ones). */
  structResult?: { node?: StructNode; several: boolean };
  ret?: Var;
  readonly loops: LoopFrame[];
}

/** A struct parameter's fields: a variable per leaf, nested objects as maps. */
export type StructNode = Map<string, Var | StructNode>;
export interface StructTree {
  readonly node: StructNode;
  readonly shapes: Map<Var, Shape>;
}

/**
 * An array of objects built in differentiated code (`xs.map((x) => ({ x, y: 2 * x }))`), held as
 * one array per field (objectArrays.ts): a number[] per number field, an array of rows per array
 * field, nested objects as maps. Read only: element i is a StructNode of values loaded from them.
 */
export type ObjectArrayNode = Map<string, Var | ObjectArrayNode>;
export interface ObjectArray {
  readonly fields: ObjectArrayNode;
  /** A field's array, whose length is the array's. */
  readonly lengthOf: Var;
  /** Its name in the source, for the names of the variables reading it. */
  readonly name: string;
}

export type Flags = Set<Var>;
export const none = (): Flags => new Set();

export abstract class LowerBase {
  protected readonly checker: TS.TypeChecker;
  protected readonly names: NameScope;
  protected readonly locals: Var[] = [];
  protected readonly outers = new Map<TS.Symbol, Var>();
  /**
   * The calls being inlined, innermost last: the function and the functions passed to it. The same
   * pair twice is recursion; the same higher-order function nested with other callbacks
   * (`ap(v => ap(g, v), x)`) is not.
   */
  protected readonly inlining: { readonly decl: FunctionLike; readonly fns: readonly (TS.Node | string)[] }[] = [];
  protected frame!: Frame;
  /** Arrays made by `subarray`: views of another array in JavaScript, copies here, so never written. */
  protected readonly views = new Set<Var>();
  /** Rows read out of arrays of arrays (`const row = A[i]`): never written. */
  protected readonly rowVars = new Set<Var>();
  /** Local arrays of arrays written in place (`M[i][j] = v`, `[M[k], M[p]] = [M[p], M[k]]`): checked by rowWrites.ts. */
  protected readonly writtenRows = new Map<Var, TS.Node>();
  /** `let` arrays, which may be given new arrays (`x = step(x)`). */
  protected readonly reassignable = new Set<Var>();
  /** Variables that name one array together (`let u = u0`): read, never written through. */
  protected readonly shared = new Set<Var>();
  /** The frames being lowered, innermost last: where closures find the frame they were declared in. */
  protected readonly active: Frame[] = [];
  protected nextVar = 0;
  protected nextTemp = 0;
  protected nextLoop = 0;

  constructor(protected readonly options: LowerOptions) {
    this.checker = options.checker;
    this.names = options.names;
  }


  // ── frames and variables ────────────────────────────────────────────────────────────────────

  protected newFrame(decl: FunctionLike, resultKind: VarKind, fnName: string, parent?: Frame): Frame {
    const result: Var = { ...this.newVar(resultName(fnName), { kind: resultKind }, decl), callResult: true };
    this.locals[this.locals.length - 1] = result;
    return { decl, parent, symbols: new Map(), structs: new Map(), functions: new Map(), objectArrays: new Map(), absent: new Set(), result, loops: [] };
  }

  /** What the innermost frame that knows a name says about it (a closure reads its parents' names). */
  protected lookup<T>(get: (f: Frame) => T | undefined): T | undefined {
    for (let f: Frame | undefined = this.frame; f; f = f.parent) {
      const found = get(f);
      if (found !== undefined) return found;
    }
    return undefined;
  }

  /**
   * The frame a local function was declared in (the innermost one being lowered), whose variables
   * its body reads; undefined for a module-level function.
   */
  protected declaringFrame(fn: TS.Node, use: TS.Node): Frame | undefined {
    let p = fn.parent;
    while (p && !ts.isSourceFile(p) && !ts.isFunctionLike(p)) p = p.parent;
    if (!p || ts.isSourceFile(p)) return undefined;
    for (let i = this.active.length - 1; i >= 0; i--) if (this.active[i].decl === p) return this.active[i];
    return unsupported(use, `'${use.getText()}' is a local function of another function`, 'call local functions inside the function that declares them');
  }

  /**
   * Where a function returns an array: the one array it returns, or, when it has several return
   * statements, a variable that each return gives its array (`return a` … `return b`).
   */
  protected arrayResultOf(decl: FunctionLike, fnName: string, shape: Shape): { array?: Var; several?: boolean } {
    if (this.returnCount(decl) <= 1) return {};
    return { array: this.newVar(`${fnName}_result`, shape, decl), several: true };
  }

  /** The return statements of a function's own body (not of functions inside it). */
  protected returnCount(decl: FunctionLike): number {
    let returns = 0;
    const count = (n: TS.Node): void => {
      if (ts.isReturnStatement(n)) returns++;
      if (!ts.isFunctionLike(n)) ts.forEachChild(n, count);
    };
    if (decl.body && ts.isBlock(decl.body)) decl.body.statements.forEach(count);
    return returns;
  }

  protected newVar(base: string, shape: Shape, node?: TS.Node, local = true): Var {
    const v: Var = { id: this.nextVar++, name: this.names.unique(base), kind: shape.kind, arrayType: shape.arrayType, row: shape.row, fields: shape.fields, node };
    if (local) this.locals.push(v);
    return v;
  }

  /** Fresh single-use temporaries, which `assignTo` may retarget. */
  protected readonly temps = new Set<Var>();

  protected temp(kind: VarKind, expr: Expr, out: Stmt[]): Atom {
    const v = this.newVar(tempName(this.nextTemp++), { kind });
    this.temps.add(v);
    out.push({ k: 'assign', target: v, expr });
    return ref(v);
  }

  /** `v = a`, retargeting the statement that just computed `a` into a fresh temporary. */
  protected assignTo(v: Var, a: Atom, out: Stmt[], init = false): void {
    const last = out[out.length - 1];
    if (a.k === 'var' && last?.k === 'assign' && last.target === a.v && a.v.name.startsWith('_t') && this.temps.has(a.v)) {
      out[out.length - 1] = { k: 'assign', target: v, expr: last.expr, init: init || undefined };
      this.locals.splice(this.locals.indexOf(a.v), 1);
      this.temps.delete(a.v);
      return;
    }
    out.push({ k: 'assign', target: v, expr: { k: 'atom', a }, init: init || undefined });
  }

  protected flag(kind: 'brk' | 'cnt' | 'ret' | 'first'): Var {
    return this.newVar(flagName(kind, this.nextLoop), { kind: 'bool' });
  }

  protected symbolOf(node: TS.Node): TS.Symbol {
    const s = this.checker.getSymbolAtLocation(node);
    if (!s) unsupported(node, `cannot resolve '${node.getText()}'`, 'tsgrad needs every name to type-check');
    return s;
  }

  protected paramShapeOrUndefined(p: TS.ParameterDeclaration): Shape | undefined {
    const type = this.checker.getTypeAtLocation(p);
    return shapeOf(p.questionToken ? this.checker.getNonNullableType(type) : type, this.checker);
  }

  protected paramShape(p: TS.ParameterDeclaration): Shape {
    if (p.dotDotDotToken) unsupported(p, 'rest parameters are not supported', 'pass an array parameter instead');
    const shape = this.paramShapeOrUndefined(p);
    if (!shape) {
      unsupported(p, `parameter '${p.name.getText()}' has type ${this.checker.typeToString(this.checker.getTypeAtLocation(p))}`,
        'tsgrad compiles number, boolean, number[] and typed-array parameters');
    }
    return shape;
  }

  /**
   * A parameter whose type is an object of numbers, numeric arrays and such objects (nested):
   * a variable per leaf, named by its path (`params_W`).
   */
  protected structTree(p: TS.ParameterDeclaration, name = p.name.getText()): StructTree | undefined {
    if (ts.isArrayBindingPattern(p.name)) return undefined;
    const type = this.checker.getTypeAtLocation(p);
    if (shapeOf(type, this.checker) || !(type.flags & ts.TypeFlags.Object) || this.checker.isArrayLikeType(type)) return undefined;
    if (this.checker.getSignaturesOfType(type, ts.SignatureKind.Call).length > 0) return undefined;
    const shapes = new Map<Var, Shape>();
    const build = (t: TS.Type, path: string[]): StructNode => {
      const node: StructNode = new Map();
      const props = this.checker.getPropertiesOfType(t);
      if (props.length === 0) unsupported(p, `parameter '${p.name.getText()}' has an empty object type`, 'give it numeric fields');
      for (const prop of props) {
        // a class's methods and getters are called, not read as fields
        if (prop.flags & (ts.SymbolFlags.Method | ts.SymbolFlags.GetAccessor | ts.SymbolFlags.SetAccessor) || prop.name.startsWith('#')) continue;
        const ft = this.checker.getTypeOfSymbolAtLocation(prop, p);
        const at = [...path, prop.name];
        const shape = shapeOf(ft, this.checker);
        if (shape) {
          const v = this.newVar(at.join('_'), shape, p, false);
          shapes.set(v, shape);
          node.set(prop.name, v);
        } else if (ft.flags & ts.TypeFlags.Object && !this.checker.isArrayLikeType(ft) && this.checker.getSignaturesOfType(ft, ts.SignatureKind.Call).length === 0) {
          node.set(prop.name, build(ft, at));
        } else {
          unsupported(p, `field '${at.slice(1).join('.')}' of parameter '${p.name.getText()}' has type ${this.checker.typeToString(ft)}`,
            'objects passed to differentiated functions hold numbers, numeric arrays and such objects');
        }
      }
      return node;
    };
    return { node: build(type, [name]), shapes };
  }

  /** A struct's leaves, depth first in declaration order, with their paths below the parameter. */
  protected leaves(tree: StructTree, path: string[], node: StructNode = tree.node): { path: string[]; v: Var; shape: Shape }[] {
    return [...node].flatMap(([key, x]) => (x instanceof Map ? this.leaves(tree, [...path, key], x) : [{ path: [...path, key], v: x, shape: tree.shapes.get(x)! }]));
  }

  /** The struct an expression names (`params`, `params.layer`), if any. */
  protected structOf(e: TS.Expression): StructNode | undefined {
    e = skipParens(e);
    if (e.kind === ts.SyntaxKind.ThisKeyword) return this.lookup((f) => (f.self?.k === 'struct' ? f.self.s : undefined));
    if (ts.isIdentifier(e)) {
      const s = this.checker.getSymbolAtLocation(e);
      return s && this.lookup((f) => f.structs.get(s));
    }
    if (ts.isPropertyAccessExpression(e)) {
      const parent = this.structOf(e.expression);
      const field = parent?.get(e.name.text);
      return field instanceof Map ? field : undefined;
    }
    return undefined;
  }

  /** `params.W`: the variable of a struct's leaf. */
  protected structField(e: TS.PropertyAccessExpression): Var | undefined {
    const parent = this.structOf(e.expression);
    if (!parent) return undefined;
    const field = parent.get(e.name.text);
    if (!field) unsupported(e, `'${e.getText()}' is not a field`, 'read the fields the parameter type declares');
    if (field instanceof Map) unsupported(e, `'${e.getText()}' is an object, used as a value`, 'read its numeric fields, or pass it to a function');
    return field;
  }

  protected checkFunctionKind(decl: FunctionLike): void {
    if (decl.asteriskToken) unsupported(decl, 'generator functions cannot be differentiated', 'return a number from a plain function');
    if (decl.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)) {
      unsupported(decl, 'async functions cannot be differentiated', 'differentiate a synchronous function and await around it');
    }
    if (!decl.body) unsupported(decl, 'the function has no body', 'tsgrad needs the source of every function it differentiates');
  }

}

/** Whether a value of this kind of atom is a number, a boolean or an array. */
export function atomKind(a: Atom): VarKind {
  return a.k === 'var' ? a.v.kind : typeof a.value === 'boolean' ? 'bool' : 'num';
}

/** A number as far as the checker can tell (a number type, or any/never: see scalarKind). */
export function isNumeric(type: TS.Type): boolean {
  const kind = scalarKind(type);
  return kind === 'num' || kind === 'unknown';
}

export function skipParens(e: TS.Expression): TS.Expression {
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e) || ts.isSatisfiesExpression(e)) e = e.expression;
  return e;
}

export function numericLiteral(e: TS.Expression): number | undefined {
  e = skipParens(e);
  if (ts.isNumericLiteral(e)) return Number(e.text.replace(/_/g, ''));
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.MinusToken) {
    const v = numericLiteral(e.operand);
    return v === undefined ? undefined : -v;
  }
  return undefined;
}

export function isGlobalMath(node: TS.Identifier, checker: TS.TypeChecker): boolean {
  const decl = checker.getSymbolAtLocation(node)?.valueDeclaration;
  return !decl || decl.getSourceFile().isDeclarationFile;
}

/**
 * An array as tsgrad reads it: number[], a typed array, a tuple of numbers, or any type indexed by
 * numbers to numbers with a length (`ArrayLike<number>`, `readonly number[]`).
 */
export function isArrayType(type: TS.Type, checker: TS.TypeChecker): boolean {
  if (type.flags & (ts.TypeFlags.StringLike | ts.TypeFlags.NumberLike | ts.TypeFlags.BooleanLike | ts.TypeFlags.Any | ts.TypeFlags.Unknown | ts.TypeFlags.Never)) return false;
  if (shapeOf(type, checker)?.kind === 'array' || checker.isArrayLikeType(type)) return true;
  const element = checker.getIndexTypeOfType(type, ts.IndexKind.Number);
  return !!element && scalarKind(element) === 'num' && !!type.getProperty('length');
}
