/**
 * Lower + fence + normalize: TypeScript function → IR (ir.ts), in one walk over the AST.
 *
 * - Fence: anything outside tsgrad's subset throws `Unsupported` at the user's node, here and
 *   nowhere later.
 * - A-normal form: every intermediate value gets a temporary (`_t0 = x * y`).
 * - Structured jumps: `break`, `continue` and nested `return` set flag variables; the statements
 *   after a jump are guarded by the flags, and loop conditions test them.
 *       while (c) { A; if (p) break; B }   →   _brk0 = false
 *                                             loop [pre: c' = !_brk0 && c] { A; if (p) { _brk0 = true }; if (!_brk0) { B } }
 * - Calls to user functions are inlined (fresh variables per call), so the derivative of a callee
 *   is generated inside its caller's derivative. Recursion is rejected.
 */
import type * as TS from 'typescript';
import { unsupported } from '../diagnostics.js';
import {
  type ArrayType,
  type Atom,
  type BinOp,
  bool,
  type Expr,
  type IRFunction,
  type Loop,
  num,
  type Param,
  ref,
  type Stmt,
  type StructParam,
  type Var,
  type VarKind,
} from '../ir.js';
import { flagName, NameScope, resultName, tempName } from '../naming.js';
import { mathConstants, rules, zeroDerivative } from '../rules.js';
import { ts } from '../tsapi.js';
import { arrayTypeOfConstructor, describeShape, isDifferentiable, scalarKind, type Shape, shapeOf } from '../types.js';
import { canonicalFor } from './canonicalLoop.js';
import { loopMarks, type LoopMarks } from './loopMarkers.js';
import { isTsgradDeclaration } from './findCallSites.js';
import type { CustomRule } from './customRules.js';

export type FunctionLike = TS.FunctionDeclaration | TS.FunctionExpression | TS.ArrowFunction;

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
  /** User-given derivatives (customRules.ts), by the declaration of the function they are for. */
  readonly customRules?: ReadonlyMap<TS.Node, CustomRule>;
}

interface LoopFrame {
  brk?: Var;
  cnt?: Var;
}

/** One function being lowered: the root, or a callee being inlined. */
interface Frame {
  readonly decl: FunctionLike;
  readonly symbols: Map<TS.Symbol, Var>;
  /** Parameters that are objects of numbers and arrays: their fields' variables. */
  readonly structs: Map<TS.Symbol, StructNode>;
  readonly result: Var;
  ret?: Var;
  readonly loops: LoopFrame[];
}

/** A struct parameter's fields: a variable per leaf, nested objects as maps. */
type StructNode = Map<string, Var | StructNode>;
interface StructTree {
  readonly node: StructNode;
  readonly shapes: Map<Var, Shape>;
}

type Flags = Set<Var>;
const none = (): Flags => new Set();

const binaryOps: Partial<Record<number, BinOp>> = {};
const compoundOps: Partial<Record<number, BinOp>> = {};

function initOperatorTables(): void {
  if (binaryOps[ts.SyntaxKind.PlusToken]) return;
  const K = ts.SyntaxKind;
  Object.assign(binaryOps, {
    [K.PlusToken]: '+', [K.MinusToken]: '-', [K.AsteriskToken]: '*', [K.SlashToken]: '/',
    [K.PercentToken]: '%', [K.AsteriskAsteriskToken]: '**', [K.LessThanToken]: '<',
    [K.LessThanEqualsToken]: '<=', [K.GreaterThanToken]: '>', [K.GreaterThanEqualsToken]: '>=',
    [K.EqualsEqualsEqualsToken]: '===', [K.ExclamationEqualsEqualsToken]: '!==',
    [K.EqualsEqualsToken]: '===', [K.ExclamationEqualsToken]: '!==',
  });
  Object.assign(compoundOps, {
    [K.PlusEqualsToken]: '+', [K.MinusEqualsToken]: '-', [K.AsteriskEqualsToken]: '*',
    [K.SlashEqualsToken]: '/', [K.PercentEqualsToken]: '%', [K.AsteriskAsteriskEqualsToken]: '**',
  });
}

const boolOps: ReadonlySet<BinOp> = new Set(['<', '<=', '>', '>=', '===', '!==', '&&', '||']);

export function lowerToIR(decl: FunctionLike, name: string, options: LowerOptions): IRFunction {
  initOperatorTables();
  return new Lowerer(options).lowerRoot(decl, name);
}

class Lowerer {
  private readonly checker: TS.TypeChecker;
  private readonly names: NameScope;
  private readonly locals: Var[] = [];
  private readonly outers = new Map<TS.Symbol, Var>();
  private readonly inlining: FunctionLike[] = [];
  private frame!: Frame;
  /** The root function returns an array: the one array variable it returns. */
  private arrayResult?: { readonly frame: Frame; array?: Var };
  private nextVar = 0;
  private nextTemp = 0;
  private nextLoop = 0;

  constructor(private readonly options: LowerOptions) {
    this.checker = options.checker;
    this.names = options.names;
  }

  lowerRoot(decl: FunctionLike, fnName: string): IRFunction {
    this.checkFunctionKind(decl);
    const signature = this.checker.getSignatureFromDeclaration(decl);
    const returnType = signature && this.checker.getReturnTypeOfSignature(signature);
    const returnShape = returnType && shapeOf(returnType, this.checker);
    const returnsArray = returnShape?.kind === 'array' && isDifferentiable(returnShape);
    if (!returnType || !(scalarKind(returnType) === 'num' || (this.options.vectorOutput && returnsArray))) {
      const shown = returnType ? this.checker.typeToString(returnType) : 'unknown';
      if (this.options.vectorOutput) {
        unsupported(decl, `the differentiated function must return a number or a numeric array, but '${fnName}' returns ${shown}`,
          'return a number, number[], Float64Array or Float32Array');
      }
      unsupported(decl, `the differentiated function must return number, but '${fnName}' returns ${shown}`,
        returnsArray
          ? 'grad and valueAndGrad need a scalar output; for a vector output use jacfwd, jacrev, jvp or vjp'
          : 'grad and valueAndGrad differentiate a scalar loss; sum or select one output to get a number');
    }
    // argnums were checked against the parameters at the call (findCallSites)
    const frame = this.newFrame(decl, 'num', fnName);
    if (returnsArray) this.arrayResult = { frame };
    const argnums = this.options.argnums;
    const structs: StructParam[] = [];
    const params: Param[] = decl.parameters.flatMap((p, i): Param[] => {
      const tree = this.structTree(p);
      if (tree) {
        // an object of numbers and arrays: one parameter per leaf
        const name = p.name.getText();
        const leaves = this.leaves(tree, []);
        frame.structs.set(this.symbolOf(p.name), tree.node);
        structs.push({ name, leaves: leaves.map((l) => ({ path: l.path, v: l.v })) });
        const wanted = argnums === 'differentiable' || argnums.includes(i);
        return leaves.map((l) => ({ v: l.v, selected: wanted && isDifferentiable(l.shape) }));
      }
      const shape = this.paramShape(p);
      const selected = argnums === 'differentiable' ? isDifferentiable(shape) : argnums.includes(i);
      if (selected && !isDifferentiable(shape)) {
        unsupported(p, `parameter '${p.name.getText()}' of type ${describeShape(shape)} cannot be differentiated`,
          'differentiable parameters are number, number[], Float64Array or Float32Array; choose others with argnums');
      }
      const v = this.newVar(p.name.getText(), shape, p, false);
      frame.symbols.set(this.symbolOf(p.name), v);
      return [{ v, selected }];
    });
    this.frame = frame;
    const body = this.lowerFrameBody(decl);
    let result = frame.result;
    if (this.arrayResult) {
      if (!this.arrayResult.array) unsupported(decl, `'${fnName}' never returns an array`, 'end the function with return <array variable>');
      result = this.arrayResult.array;
      this.locals.splice(this.locals.indexOf(frame.result), 1);
    }
    return { name: fnName, params, structs: structs.length > 0 ? structs : undefined, body, result, locals: this.locals };
  }

  // ── frames and variables ────────────────────────────────────────────────────────────────────

  private newFrame(decl: FunctionLike, resultKind: VarKind, fnName: string): Frame {
    const result: Var = { ...this.newVar(resultName(fnName), { kind: resultKind }, decl), callResult: true };
    this.locals[this.locals.length - 1] = result;
    return { decl, symbols: new Map(), structs: new Map(), result, loops: [] };
  }

  private newVar(base: string, shape: Shape, node?: TS.Node, local = true): Var {
    const v: Var = { id: this.nextVar++, name: this.names.unique(base), kind: shape.kind, arrayType: shape.arrayType, node };
    if (local) this.locals.push(v);
    return v;
  }

  /** Fresh single-use temporaries, which `assignTo` may retarget. */
  private readonly temps = new Set<Var>();

  private temp(kind: VarKind, expr: Expr, out: Stmt[]): Atom {
    const v = this.newVar(tempName(this.nextTemp++), { kind });
    this.temps.add(v);
    out.push({ k: 'assign', target: v, expr });
    return ref(v);
  }

  /** `v = a`, retargeting the statement that just computed `a` into a fresh temporary. */
  private assignTo(v: Var, a: Atom, out: Stmt[], init = false): void {
    const last = out[out.length - 1];
    if (a.k === 'var' && last?.k === 'assign' && last.target === a.v && a.v.name.startsWith('_t') && this.temps.has(a.v)) {
      out[out.length - 1] = { k: 'assign', target: v, expr: last.expr, init: init || undefined };
      this.locals.splice(this.locals.indexOf(a.v), 1);
      this.temps.delete(a.v);
      return;
    }
    out.push({ k: 'assign', target: v, expr: { k: 'atom', a }, init: init || undefined });
  }

  private flag(kind: 'brk' | 'cnt' | 'ret' | 'first'): Var {
    return this.newVar(flagName(kind, this.nextLoop), { kind: 'bool' });
  }

  private symbolOf(node: TS.Node): TS.Symbol {
    const s = this.checker.getSymbolAtLocation(node);
    if (!s) unsupported(node, `cannot resolve '${node.getText()}'`, 'tsgrad needs every name to type-check');
    return s;
  }

  private paramShape(p: TS.ParameterDeclaration): Shape {
    if (!ts.isIdentifier(p.name)) unsupported(p, 'destructured parameters are not supported', 'take the value as a plain parameter');
    if (p.dotDotDotToken) unsupported(p, 'rest parameters are not supported', 'pass an array parameter instead');
    if (p.initializer || p.questionToken) unsupported(p, 'optional and default parameters are not supported', 'make the parameter required');
    const shape = shapeOf(this.checker.getTypeAtLocation(p), this.checker);
    if (!shape) {
      unsupported(p, `parameter '${p.name.text}' has type ${this.checker.typeToString(this.checker.getTypeAtLocation(p))}`,
        'tsgrad compiles number, boolean, number[] and typed-array parameters');
    }
    return shape;
  }

  /**
   * A parameter whose type is an object of numbers, numeric arrays and such objects (nested):
   * a variable per leaf, named by its path (`params_W`).
   */
  private structTree(p: TS.ParameterDeclaration): StructTree | undefined {
    if (!ts.isIdentifier(p.name)) return undefined;
    const type = this.checker.getTypeAtLocation(p);
    if (shapeOf(type, this.checker) || !(type.flags & ts.TypeFlags.Object) || this.checker.isArrayLikeType(type)) return undefined;
    if (this.checker.getSignaturesOfType(type, ts.SignatureKind.Call).length > 0) return undefined;
    const shapes = new Map<Var, Shape>();
    const build = (t: TS.Type, path: string[]): StructNode => {
      const node: StructNode = new Map();
      const props = this.checker.getPropertiesOfType(t);
      if (props.length === 0) unsupported(p, `parameter '${p.name.getText()}' has an empty object type`, 'give it numeric fields');
      for (const prop of props) {
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
    return { node: build(type, [p.name.text]), shapes };
  }

  /** A struct's leaves, depth first in declaration order, with their paths below the parameter. */
  private leaves(tree: StructTree, path: string[], node: StructNode = tree.node): { path: string[]; v: Var; shape: Shape }[] {
    return [...node].flatMap(([key, x]) => (x instanceof Map ? this.leaves(tree, [...path, key], x) : [{ path: [...path, key], v: x, shape: tree.shapes.get(x)! }]));
  }

  /** The struct an expression names (`params`, `params.layer`), if any. */
  private structOf(e: TS.Expression): StructNode | undefined {
    e = skipParens(e);
    if (ts.isIdentifier(e)) {
      const s = this.checker.getSymbolAtLocation(e);
      return s && this.frame.structs.get(s);
    }
    if (ts.isPropertyAccessExpression(e)) {
      const parent = this.structOf(e.expression);
      const field = parent?.get(e.name.text);
      return field instanceof Map ? field : undefined;
    }
    return undefined;
  }

  /** `params.W`: the variable of a struct's leaf. */
  private structField(e: TS.PropertyAccessExpression): Var | undefined {
    const parent = this.structOf(e.expression);
    if (!parent) return undefined;
    const field = parent.get(e.name.text);
    if (!field) unsupported(e, `'${e.getText()}' is not a field`, 'read the fields the parameter type declares');
    if (field instanceof Map) unsupported(e, `'${e.getText()}' is an object, used as a value`, 'read its numeric fields, or pass it to a function');
    return field;
  }

  private checkFunctionKind(decl: FunctionLike): void {
    if (decl.asteriskToken) unsupported(decl, 'generator functions cannot be differentiated', 'return a number from a plain function');
    if (decl.modifiers?.some((m) => m.kind === ts.SyntaxKind.AsyncKeyword)) {
      unsupported(decl, 'async functions cannot be differentiated', 'differentiate a synchronous function and await around it');
    }
    if (!decl.body) unsupported(decl, 'the function has no body', 'tsgrad needs the source of every function it differentiates');
  }

  // ── statements ──────────────────────────────────────────────────────────────────────────────

  private lowerFrameBody(decl: FunctionLike): Stmt[] {
    const out: Stmt[] = [];
    const body = decl.body!;
    if (ts.isBlock(body)) {
      this.lowerList(body.statements, out);
    } else {
      const value = this.lowerExpr(body, out);
      out.push({ k: 'assign', target: this.frame.result, expr: { k: 'atom', a: value } });
    }
    if (this.frame.ret) out.unshift({ k: 'assign', target: this.frame.ret, expr: { k: 'atom', a: bool(false) } });
    return out;
  }

  /** Lowers a statement list; returns the flags that a jump in it may leave set. */
  private lowerList(stmts: readonly TS.Statement[], out: Stmt[]): Flags {
    const escaping = none();
    for (let i = 0; i < stmts.length; i++) {
      const s = stmts[i];
      if (ts.isReturnStatement(s) && s.parent === this.frame.decl.body) {
        this.assignResult(s, out);
        return escaping; // statements after a top-level return never run
      }
      const flags = this.lowerStatement(s, out);
      flags.forEach((f) => escaping.add(f));
      if (flags.size > 0 && i + 1 < stmts.length) {
        const rest: Stmt[] = [];
        this.lowerList(stmts.slice(i + 1), rest).forEach((f) => escaping.add(f));
        out.push({ k: 'if', cond: this.noneSet(flags, out), then: rest, else: [] });
        return escaping;
      }
    }
    return escaping;
  }

  /** A boolean atom that is true when none of `flags` is set. */
  private noneSet(flags: Flags, out: Stmt[]): Atom {
    let any: Atom | undefined;
    for (const f of flags) any = any ? this.temp('bool', { k: 'bin', op: '||', a: any, b: ref(f) }, out) : ref(f);
    return this.temp('bool', { k: 'un', op: '!', a: any! }, out);
  }

  private lowerStatement(s: TS.Statement, out: Stmt[]): Flags {
    const K = ts.SyntaxKind;
    switch (s.kind) {
      case K.VariableStatement:
        this.lowerDeclarations((s as TS.VariableStatement).declarationList, out);
        return none();
      case K.ExpressionStatement:
        this.lowerExpr((s as TS.ExpressionStatement).expression, out, false);
        return none();
      case K.Block:
        return this.lowerList((s as TS.Block).statements, out);
      case K.EmptyStatement:
        return none();
      case K.IfStatement:
        return this.lowerIf(s as TS.IfStatement, out);
      case K.ForStatement:
        return this.lowerFor(s as TS.ForStatement, out);
      case K.WhileStatement: {
        const w = s as TS.WhileStatement;
        return this.lowerLoop(w.expression, w.statement, [], out, false, undefined, loopMarks(w));
      }
      case K.DoStatement: {
        const d = s as TS.DoStatement;
        return this.lowerLoop(d.expression, d.statement, [], out, true, undefined, loopMarks(d));
      }
      case K.BreakStatement:
      case K.ContinueStatement:
        return this.lowerJump(s as TS.BreakOrContinueStatement, out);
      case K.ReturnStatement:
        this.assignResult(s as TS.ReturnStatement, out);
        this.frame.ret ??= this.flag('ret');
        out.push({ k: 'assign', target: this.frame.ret, expr: { k: 'atom', a: bool(true) } });
        return new Set([this.frame.ret]);
      default:
        return unsupported(s, `${statementName(s)} is not supported in differentiated code`, statementHint(s));
    }
  }

  private assignResult(s: TS.ReturnStatement, out: Stmt[]): void {
    if (!s.expression) return;
    if (this.arrayResult?.frame === this.frame) {
      const e = skipParens(s.expression);
      const a = ts.isIdentifier(e) ? this.identifier(e) : undefined;
      if (!a || a.k !== 'var' || a.v.kind !== 'array' || a.v.outer) {
        unsupported(s.expression, 'an array result must be returned as a variable',
          'fill a local array (const out = new Float64Array(n)) or an array parameter, and return it by name');
      }
      const known = this.arrayResult.array;
      if (known && known !== a.v) {
        unsupported(s.expression, `'${this.frame.decl.name?.getText() ?? 'the function'}' returns two different arrays ('${known.name}' and '${a.v.name}')`,
          'return one array variable from every return statement');
      }
      this.arrayResult.array = a.v;
      return;
    }
    const value = this.lowerExpr(s.expression, out);
    out.push({ k: 'assign', target: this.frame.result, expr: { k: 'atom', a: value } });
  }

  private lowerJump(s: TS.BreakOrContinueStatement, out: Stmt[]): Flags {
    if (s.label) unsupported(s, 'labeled break/continue is not supported', 'restructure with a flag variable or an early return');
    const loop = this.frame.loops[this.frame.loops.length - 1];
    if (!loop) unsupported(s, `'${s.getText()}' outside a loop is not supported`, 'switch statements are not supported; use if/else');
    const isBreak = s.kind === ts.SyntaxKind.BreakStatement;
    const f = isBreak ? (loop.brk ??= this.flag('brk')) : (loop.cnt ??= this.flag('cnt'));
    out.push({ k: 'assign', target: f, expr: { k: 'atom', a: bool(true) } });
    return new Set([f]);
  }

  private lowerIf(s: TS.IfStatement, out: Stmt[]): Flags {
    const cond = this.lowerExpr(s.expression, out);
    const thenOut: Stmt[] = [];
    const elseOut: Stmt[] = [];
    const flags = this.lowerBranch(s.thenStatement, thenOut);
    if (s.elseStatement) this.lowerBranch(s.elseStatement, elseOut).forEach((f) => flags.add(f));
    out.push({ k: 'if', cond, then: thenOut, else: elseOut });
    return flags;
  }

  /** A branch or loop body: a statement lowered as a list. */
  private lowerBranch(s: TS.Statement, out: Stmt[]): Flags {
    return this.lowerList(ts.isBlock(s) ? s.statements : [s], out);
  }

  private lowerFor(s: TS.ForStatement, out: Stmt[]): Flags {
    const canonical = canonicalFor(s, this.checker);
    const update: Stmt[] = [];
    if (canonical) {
      const start = this.lowerExpr(canonical.init, out);
      const counter = this.newVar(canonical.name.text, { kind: 'num' }, canonical.name);
      this.frame.symbols.set(this.symbolOf(canonical.name), counter);
      const start0 = start.k === 'var' ? this.temp('num', { k: 'atom', a: start }, out) : start;
      out.push({ k: 'assign', target: counter, expr: { k: 'atom', a: start0 }, init: true });
      update.push({ k: 'assign', target: counter, expr: { k: 'bin', op: '+', a: ref(counter), b: num(canonical.step) } });
      return this.lowerLoop(s.condition, s.statement, update, out, false, { counter, start: start0, step: canonical.step }, loopMarks(s));
    }
    if (s.initializer) {
      if (ts.isVariableDeclarationList(s.initializer)) this.lowerDeclarations(s.initializer, out);
      else this.lowerExpr(s.initializer, out, false);
    }
    if (s.incrementor) this.lowerExpr(s.incrementor, update, false);
    return this.lowerLoop(s.condition, s.statement, update, out, false, undefined, loopMarks(s));
  }

  private lowerLoop(
    condition: TS.Expression | undefined,
    bodyNode: TS.Statement,
    update: Stmt[],
    out: Stmt[],
    isDo: boolean,
    canonical: Loop['canonical'],
    marks: LoopMarks,
  ): Flags {
    const id = this.nextLoop++;
    const frame: LoopFrame = {};
    this.frame.loops.push(frame);
    const body: Stmt[] = [];
    const flags = this.lowerBranch(bodyNode, body);
    this.frame.loops.pop();
    if (frame.cnt) body.unshift({ k: 'assign', target: frame.cnt, expr: { k: 'atom', a: bool(false) } });

    // Exit flags: this loop's break, and any return inside it.
    const exits: Flags = new Set([...flags].filter((f) => f === frame.brk || f === this.frame.ret));
    const first = isDo ? this.flag('first') : undefined;
    if (first) body.unshift({ k: 'assign', target: first, expr: { k: 'atom', a: bool(false) } });
    const pre: Stmt[] = [];
    const testCond = (into: Stmt[]): Atom => (condition ? this.lowerExpr(condition, into) : bool(true));
    let cond: Atom;
    if (exits.size === 0 && !first) {
      cond = testCond(pre);
    } else {
      const c = this.newVar(tempName(this.nextTemp++), { kind: 'bool' });
      const guarded: Stmt[] = [];
      if (first) {
        // do…while: the first test passes without evaluating the condition
        const later: Stmt[] = [];
        later.push({ k: 'assign', target: c, expr: { k: 'atom', a: testCond(later) } });
        guarded.push({ k: 'assign', target: c, expr: { k: 'atom', a: bool(true) } });
        guarded.push({ k: 'if', cond: ref(first), then: [], else: later });
      } else {
        guarded.push({ k: 'assign', target: c, expr: { k: 'atom', a: testCond(guarded) } });
      }
      if (exits.size > 0) {
        pre.push({ k: 'assign', target: c, expr: { k: 'atom', a: bool(false) } });
        pre.push({ k: 'if', cond: this.noneSet(exits, pre), then: guarded, else: [] });
      } else {
        pre.push(...guarded);
      }
      cond = ref(c);
    }
    let guardedUpdate = update;
    if (exits.size > 0 && update.length > 0) {
      const g: Stmt[] = [];
      const ok = this.noneSet(exits, g);
      guardedUpdate = [...g, { k: 'if', cond: ok, then: update, else: [] }];
    }
    if (frame.brk) out.push({ k: 'assign', target: frame.brk, expr: { k: 'atom', a: bool(false) } });
    if (first) out.push({ k: 'assign', target: first, expr: { k: 'atom', a: bool(true) } });
    out.push({ k: 'loop', id, pre, cond, body, update: guardedUpdate, canonical, ...marks });
    flags.delete(frame.brk!);
    flags.delete(frame.cnt!);
    return flags;
  }

  private lowerDeclarations(list: TS.VariableDeclarationList, out: Stmt[]): void {
    if (!(list.flags & (ts.NodeFlags.Let | ts.NodeFlags.Const))) {
      unsupported(list, "'var' declarations are not supported", "use 'let' or 'const'");
    }
    for (const d of list.declarations) {
      if (!ts.isIdentifier(d.name)) unsupported(d.name, 'destructuring is not supported', 'declare one variable at a time');
      const symbol = this.symbolOf(d.name);
      const allocation = d.initializer && this.allocation(d.initializer, out);
      if (allocation) {
        const v = this.newVar(d.name.text, { kind: 'array', arrayType: allocation.type }, d);
        this.frame.symbols.set(symbol, v);
        out.push({ k: 'assign', target: v, expr: allocation.expr, init: true });
        allocation.elements.forEach((value, i) => out.push({ k: 'store', arr: v, index: num(i), value }));
        continue;
      }
      const type = this.checker.getTypeAtLocation(d.name);
      if (scalarKind(type) === 'unknown' && d.initializer) {
        // `let z = t[0]` with t from `new Array(n).fill(0)` (any), or a value narrowed to never
        this.declareAs(d, d.name, this.lowerExpr(d.initializer, out), out);
        continue;
      }
      const shape = shapeOf(type, this.checker);
      if (!shape) {
        unsupported(d, `variable '${d.name.text}' has type ${this.checker.typeToString(this.checker.getTypeAtLocation(d.name))}`,
          'differentiated code uses numbers, booleans and numeric arrays');
      }
      if (shape.kind === 'array') {
        unsupported(d, `'${d.name.text}' would alias another array`,
          'allocate a new array (new Float64Array(n)) and copy, or index the original array directly');
      }
      const v = this.newVar(d.name.text, shape, d);
      this.frame.symbols.set(symbol, v);
      if (d.initializer) this.assignTo(v, this.lowerExpr(d.initializer, out), out, true);
    }
  }

  /** A local whose type says nothing (any, never): a number or boolean like its initial value. */
  private declareAs(d: TS.VariableDeclaration, name: TS.Identifier, value: Atom, out: Stmt[]): void {
    const kind = atomKind(value);
    if (kind === 'array') {
      unsupported(d, `'${name.text}' would alias another array`,
        'allocate a new array (new Float64Array(n)) and copy, or index the original array directly');
    }
    const v = this.newVar(name.text, { kind }, d);
    this.frame.symbols.set(this.symbolOf(name), v);
    this.assignTo(v, value, out, true);
  }

  /** `new Float64Array(n)`, `new Array(n).fill(c)`, `[a, b, c]`: a fresh array. */
  private allocation(e: TS.Expression, out: Stmt[]): { type: ArrayType; expr: Expr; elements: Atom[] } | undefined {
    e = skipParens(e);
    if (ts.isArrayLiteralExpression(e)) {
      const elements = e.elements.map((x) => {
        if (ts.isSpreadElement(x)) unsupported(x, 'spread in array literals is not supported', 'write the elements out');
        return this.lowerExpr(x, out);
      });
      return { type: 'numarr', expr: { k: 'newArray', type: 'numarr', ctor: 'Array', length: num(elements.length), fill: num(0) }, elements };
    }
    let fill: Atom = num(0);
    if (ts.isCallExpression(e) && ts.isPropertyAccessExpression(e.expression) && e.expression.name.text === 'fill') {
      if (e.arguments.length !== 1) unsupported(e, '.fill with a range is not supported', 'use .fill(value)');
      const inner = skipParens(e.expression.expression);
      if (!ts.isNewExpression(inner) && !ts.isCallExpression(inner)) return undefined;
      fill = this.lowerExpr(e.arguments[0], out);
      e = inner;
    }
    if (!(ts.isNewExpression(e) || ts.isCallExpression(e)) || !ts.isIdentifier(e.expression)) return undefined;
    const ctor = e.expression.text;
    const type = ctor === 'Array' ? 'numarr' : arrayTypeOfConstructor(ctor);
    if (!type) return undefined;
    const args = e.arguments ?? [];
    if (args.length !== 1 || !isNumeric(this.checker.getTypeAtLocation(args[0]))) {
      unsupported(e, `${ctor} must be created with a length`, `use new ${ctor}(n), then fill it in a loop`);
    }
    return { type, expr: { k: 'newArray', type, ctor, length: this.lowerExpr(args[0], out), fill }, elements: [] };
  }

  // ── expressions ─────────────────────────────────────────────────────────────────────────────

  /** Lowers `e`, appending its statements to `out`; returns the atom holding its value. */
  private lowerExpr(e: TS.Expression, out: Stmt[], used = true): Atom {
    const K = ts.SyntaxKind;
    switch (e.kind) {
      case K.NumericLiteral:
        return num(Number((e as TS.NumericLiteral).text.replace(/_/g, '')));
      case K.TrueKeyword:
        return bool(true);
      case K.FalseKeyword:
        return bool(false);
      case K.Identifier:
        return this.identifier(e as TS.Identifier);
      case K.ParenthesizedExpression:
      case K.AsExpression:
      case K.NonNullExpression:
      case K.TypeAssertionExpression:
      case K.SatisfiesExpression:
        return this.lowerExpr((e as TS.ParenthesizedExpression).expression, out, used);
      case K.PrefixUnaryExpression:
        return this.prefix(e as TS.PrefixUnaryExpression, out);
      case K.PostfixUnaryExpression: {
        const p = e as TS.PostfixUnaryExpression;
        return this.increment(p.operand, p.operator === K.PlusPlusToken ? 1 : -1, out, used ? 'old' : 'none');
      }
      case K.BinaryExpression:
        return this.binary(e as TS.BinaryExpression, out);
      case K.ConditionalExpression:
        return this.conditional(e as TS.ConditionalExpression, out);
      case K.ElementAccessExpression: {
        const a = e as TS.ElementAccessExpression;
        const arr = this.arrayVar(a.expression);
        const index = this.lowerExpr(a.argumentExpression, out);
        return this.temp('num', { k: 'load', arr, index }, out);
      }
      case K.PropertyAccessExpression:
        return this.property(e as TS.PropertyAccessExpression, out);
      case K.CallExpression:
        return this.call(e as TS.CallExpression, out);
      default:
        return unsupported(e, `${expressionName(e)} is not supported in differentiated code`,
          'tsgrad compiles arithmetic, Math.*, comparisons, array indexing and calls to functions with a body');
    }
  }

  private identifier(node: TS.Identifier): Atom {
    if (node.text === 'NaN' || node.text === 'Infinity') {
      const s = this.checker.getSymbolAtLocation(node);
      if (!s || !s.valueDeclaration || s.valueDeclaration.getSourceFile().isDeclarationFile) return num(Number(node.text));
    }
    const symbol = this.symbolOf(node);
    const own = this.frame.symbols.get(symbol);
    if (own) return ref(own);
    if (this.frame.structs.has(symbol)) {
      unsupported(node, `object parameter '${node.text}' used as a value`, `read its fields (${node.text}.field), or pass it to a function`);
    }
    return this.outer(node, symbol);
  }

  /** A name declared outside the function being lowered. */
  private outer(node: TS.Identifier, symbol: TS.Symbol): Atom {
    const target = symbol.flags & ts.SymbolFlags.Alias ? this.checker.getAliasedSymbol(symbol) : symbol;
    const decl = target.valueDeclaration;
    const name = node.text;
    if (decl && ts.isVariableDeclaration(decl) && ts.isVariableDeclarationList(decl.parent)) {
      if (!(decl.parent.flags & ts.NodeFlags.Const)) {
        unsupported(node, `closure over mutable outer variable '${name}'`,
          `pass '${name}' as a parameter, or declare it const if it never changes`);
      }
      const literal = decl.initializer && numericLiteral(decl.initializer);
      if (literal !== undefined) return num(literal);
      const visible = this.checker.resolveName(name, this.options.emitSite, ts.SymbolFlags.Value, false);
      if (visible !== symbol && visible !== target) {
        unsupported(node, `'${name}' is declared outside the differentiated function and is not visible where its derivative is generated`,
          `pass '${name}' as a parameter`);
      }
      // An import is renamed by the module transform (`helpers_js_1.TABLE`); the generated
      // reference follows it only when it can point at a use in the file being emitted.
      const imported = !!(visible && visible.flags & ts.SymbolFlags.Alias);
      const sameFile = node.getSourceFile() === this.options.emitSite.getSourceFile();
      if (imported && !sameFile) {
        unsupported(node, `'${name}' is imported where the derivative is generated and only used inside another module's function`,
          `pass '${name}' as a parameter`);
      }
      const cached = this.outers.get(target);
      if (cached) return ref(cached);
      const shape = shapeOf(this.checker.getTypeAtLocation(decl), this.checker);
      if (!shape) unsupported(node, `outer constant '${name}' is not a number or numeric array`, `pass '${name}' as a parameter`);
      const v: Var = { id: this.nextVar++, name, kind: shape.kind, arrayType: shape.arrayType, outer: true, node: decl, use: imported ? node : undefined };
      this.names.reserve(name);
      this.outers.set(target, v);
      return ref(v);
    }
    if (decl && ts.isParameter(decl)) {
      unsupported(node, `closure over parameter '${name}' of an enclosing function`, `pass '${name}' as a parameter, or copy it into a const`);
    }
    if (decl && (ts.isFunctionDeclaration(decl) || ts.isFunctionExpression(decl) || ts.isArrowFunction(decl))) {
      unsupported(node, `function '${name}' used as a value`, 'differentiated code can call functions but not pass them around');
    }
    return unsupported(node, `'${name}' cannot be used in differentiated code`,
      'use numbers, Math.*, arrays and functions defined in the program; pass other values as parameters');
  }

  private arrayVar(e: TS.Expression): Var {
    e = skipParens(e);
    const field = ts.isPropertyAccessExpression(e) ? this.structField(e) : undefined;
    const a = ts.isIdentifier(e) ? this.identifier(e) : field ? ref(field) : undefined;
    if (!a || a.k !== 'var' || a.v.kind !== 'array') {
      unsupported(e, `'${e.getText()}' is not an array variable`, 'index arrays held in parameters or local variables');
    }
    return a.v;
  }

  private prefix(p: TS.PrefixUnaryExpression, out: Stmt[]): Atom {
    const K = ts.SyntaxKind;
    switch (p.operator) {
      case K.PlusPlusToken:
      case K.MinusMinusToken:
        return this.increment(p.operand, p.operator === K.PlusPlusToken ? 1 : -1, out, 'new');
      case K.PlusToken:
        return this.lowerExpr(p.operand, out);
      case K.MinusToken: {
        const a = this.lowerExpr(p.operand, out);
        return a.k === 'const' ? num(-a.value) : this.temp('num', { k: 'un', op: '-', a }, out);
      }
      case K.ExclamationToken:
        return this.temp('bool', { k: 'un', op: '!', a: this.lowerExpr(p.operand, out) }, out);
      default:
        return unsupported(p, `operator '${ts.tokenToString(p.operator)}' is not supported`, 'bitwise operators have no derivative; use Math.floor/trunc for integers');
    }
  }

  /** `x++`, `--a[i]`: returns the old or new value as asked. */
  private increment(target: TS.Expression, delta: number, out: Stmt[], want: 'old' | 'new' | 'none'): Atom {
    const place = this.place(target, out);
    const old = place.read(out);
    const kept = want === 'old' && old.k === 'var' ? this.temp('num', { k: 'atom', a: old }, out) : old;
    const next = place.write(this.temp('num', { k: 'bin', op: '+', a: kept, b: num(delta) }, out), out);
    return want === 'old' ? kept : next;
  }

  /** An assignable location: a local variable or an array element (index evaluated once). */
  private place(target: TS.Expression, out: Stmt[]): { read(out: Stmt[]): Atom; write(v: Atom, out: Stmt[]): Atom } {
    target = skipParens(target);
    if (ts.isIdentifier(target)) {
      const a = this.identifier(target);
      const v = a.k === 'var' ? a.v : undefined;
      if (!v || v.outer) unsupported(target, `assignment to outer variable '${target.text}'`, 'differentiated functions may only assign their own locals and parameters');
      if (v.kind === 'array') unsupported(target, `reassigning array variable '${target.text}'`, 'write into the elements, or use a new variable');
      return {
        read: () => ref(v),
        write: (value, o) => {
          this.assignTo(v, value, o);
          return ref(v);
        },
      };
    }
    if (ts.isElementAccessExpression(target)) {
      const arr = this.arrayVar(target.expression);
      if (arr.outer) unsupported(target, `writing into outer array '${arr.name}'`, 'pass the array as a parameter');
      const index = this.lowerExpr(target.argumentExpression, out);
      return {
        read: (o) => this.temp('num', { k: 'load', arr, index }, o),
        write: (value, o) => {
          o.push({ k: 'store', arr, index, value });
          return value;
        },
      };
    }
    return unsupported(target, `assignment to '${target.getText()}'`, 'assign to local variables or array elements');
  }

  private binary(b: TS.BinaryExpression, out: Stmt[]): Atom {
    const K = ts.SyntaxKind;
    const op = b.operatorToken.kind;
    if (op === K.EqualsToken) {
      const place = this.place(b.left, out);
      return place.write(this.lowerExpr(b.right, out), out);
    }
    const compound = compoundOps[op];
    if (compound) {
      const place = this.place(b.left, out);
      const old = place.read(out);
      const value = this.lowerExpr(b.right, out);
      return place.write(this.temp('num', { k: 'bin', op: compound, a: old, b: value }, out), out);
    }
    if (op === K.AmpersandAmpersandToken || op === K.BarBarToken) return this.logical(b, op === K.AmpersandAmpersandToken, out);
    if (op === K.CommaToken) {
      this.lowerExpr(b.left, out, false);
      return this.lowerExpr(b.right, out);
    }
    const bop = binaryOps[op];
    if (!bop) {
      return unsupported(b.operatorToken, `operator '${b.operatorToken.getText()}' is not supported`,
        'tsgrad compiles + - * / % ** and comparisons; bitwise operators have no derivative');
    }
    for (const side of [b.left, b.right]) {
      if (!scalarKind(this.checker.getTypeAtLocation(side))) {
        unsupported(side, `operand of type ${this.checker.typeToString(this.checker.getTypeAtLocation(side))}`, 'arithmetic in differentiated code is on numbers');
      }
    }
    const a = this.lowerExpr(b.left, out);
    const c = this.lowerExpr(b.right, out);
    return this.temp(boolOps.has(bop) ? 'bool' : 'num', { k: 'bin', op: bop, a, b: c }, out);
  }

  /** `a && b` / `a || b` on booleans, short-circuiting when `b` has effects or work. */
  private logical(b: TS.BinaryExpression, isAnd: boolean, out: Stmt[]): Atom {
    const boolean = (side: TS.Expression, value: Atom): Atom => {
      if (atomKind(value) !== 'bool') {
        unsupported(side, `'${isAnd ? '&&' : '||'}' on a non-boolean`, 'use && and || on comparisons; use a ternary to choose between numbers');
      }
      return value;
    };
    for (const side of [b.left, b.right]) {
      const kind = scalarKind(this.checker.getTypeAtLocation(side));
      if (kind !== 'bool' && kind !== 'unknown') boolean(side, num(0));
    }
    const left = boolean(b.left, this.lowerExpr(b.left, out));
    const rightOut: Stmt[] = [];
    const right = boolean(b.right, this.lowerExpr(b.right, rightOut));
    if (rightOut.length === 0) return this.temp('bool', { k: 'bin', op: isAnd ? '&&' : '||', a: left, b: right }, out);
    const r = this.newVar(tempName(this.nextTemp++), { kind: 'bool' });
    out.push({ k: 'assign', target: r, expr: { k: 'atom', a: left } });
    rightOut.push({ k: 'assign', target: r, expr: { k: 'atom', a: right } });
    out.push(isAnd ? { k: 'if', cond: ref(r), then: rightOut, else: [] } : { k: 'if', cond: ref(r), then: [], else: rightOut });
    return ref(r);
  }

  private conditional(c: TS.ConditionalExpression, out: Stmt[]): Atom {
    const cond = this.lowerExpr(c.condition, out);
    const whenTrue: Stmt[] = [];
    const whenFalse: Stmt[] = [];
    const a = this.lowerExpr(c.whenTrue, whenTrue);
    const b = this.lowerExpr(c.whenFalse, whenFalse);
    // the arms' kinds, not the checker's: `c ? 0.3 : 1.5` has type 0.3 | 1.5, an arm narrowed away has type never
    const kind = atomKind(a);
    if (kind !== atomKind(b) || kind === 'array') {
      unsupported(c, 'a ternary must choose between two numbers or two booleans', 'compute each case into a variable of one type');
    }
    if (whenTrue.length === 0 && whenFalse.length === 0) return this.temp(kind, { k: 'select', c: cond, a, b }, out);
    const r = this.newVar(tempName(this.nextTemp++), { kind });
    whenTrue.push({ k: 'assign', target: r, expr: { k: 'atom', a } });
    whenFalse.push({ k: 'assign', target: r, expr: { k: 'atom', a: b } });
    out.push({ k: 'if', cond, then: whenTrue, else: whenFalse });
    return ref(r);
  }

  private property(p: TS.PropertyAccessExpression, out: Stmt[]): Atom {
    const prop = p.name.text;
    const leaf = this.structField(p);
    if (leaf) {
      if (leaf.kind === 'array') unsupported(p, `array field '${p.getText()}' used as a value`, 'index it, read its length, or pass it to a function');
      return ref(leaf);
    }
    if (ts.isIdentifier(p.expression) && p.expression.text === 'Math' && isGlobalMath(p.expression, this.checker)) {
      if (prop in mathConstants) return num(mathConstants[prop]);
      unsupported(p, `Math.${prop} is not supported here`, 'call Math functions directly, e.g. Math.exp(x)');
    }
    if (prop === 'length') return this.temp('num', { k: 'length', arr: this.arrayVar(p.expression) }, out);
    return unsupported(p, `property access '${p.getText()}' is not supported`, 'differentiated code reads numbers, arrays and array.length');
  }

  private call(c: TS.CallExpression, out: Stmt[]): Atom {
    const callee = skipParens(c.expression);
    if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'Math' && isGlobalMath(callee.expression, this.checker)) {
      return this.mathCall(c, callee.name.text, out);
    }
    const namespace = ts.isPropertyAccessExpression(callee) && this.checker.getSymbolAtLocation(callee.expression);
    const isNamespaceCall = !!namespace && !!(namespace.flags & ts.SymbolFlags.Alias) &&
      !!(this.checker.getAliasedSymbol(namespace).flags & ts.SymbolFlags.ValueModule);
    if (ts.isPropertyAccessExpression(callee) && !isNamespaceCall) {
      const what = callee.name.text === 'fill' ? "'.fill' outside an array declaration" : `method call '${callee.getText()}'`;
      unsupported(c, `${what} is not supported`, "allocate arrays as 'const a = new Float64Array(n)' and use loops; only Math.* methods can be called");
    }
    const resolved = this.checker.getResolvedSignature(c)?.declaration;
    if (resolved && ts.isFunctionDeclaration(resolved) && resolved.name?.text === 'stopGradient' && isTsgradDeclaration(resolved)) {
      return this.stopGradient(c, out);
    }
    const custom = resolved && this.options.customRules?.get(resolved);
    if (custom) return this.customCall(c, custom, out);
    if (ts.isIdentifier(callee)) {
      const called = this.checker.getSymbolAtLocation(callee);
      const target = called && called.flags & ts.SymbolFlags.Alias ? this.checker.getAliasedSymbol(called) : called;
      const v = target?.valueDeclaration;
      if (v && ts.isVariableDeclaration(v) && !(v.parent.flags & ts.NodeFlags.Const)) {
        unsupported(callee, `call through mutable variable '${callee.text}'`,
          `declare '${callee.text}' with const or as a function, so the derivative differentiates the function that runs`);
      }
    }
    const decl = this.checker.getResolvedSignature(c)?.declaration;
    if (!decl || !(ts.isFunctionDeclaration(decl) || ts.isFunctionExpression(decl) || ts.isArrowFunction(decl))) {
      return unsupported(c, `call to '${callee.getText()}' cannot be differentiated`, 'tsgrad differentiates calls to Math.* and to functions declared with a body in the program');
    }
    if (!decl.body) {
      unsupported(c, `'${callee.getText()}' has no body in the program, so tsgrad cannot differentiate through it`,
        'call a function whose source is part of the program (declared functions from .d.ts files have no body)');
    }
    return this.inline(decl, c, out);
  }

  /** `stopGradient(x)`: x's value in a variable that never carries a derivative. */
  private stopGradient(c: TS.CallExpression, out: Stmt[]): Atom {
    const [arg] = c.arguments;
    if (c.arguments.length !== 1 || ts.isSpreadElement(arg)) unsupported(c, 'stopGradient takes one argument', 'write stopGradient(x)');
    const value = isNumeric(this.checker.getTypeAtLocation(arg)) ? this.lowerExpr(arg, out) : undefined;
    if (!value || atomKind(value) !== 'num') {
      unsupported(arg, `stopGradient of ${this.checker.typeToString(this.checker.getTypeAtLocation(arg))}`,
        'stopGradient takes a number; apply it to the values read from an array, stopGradient(a[i])');
    }
    const v: Var = { ...this.newVar('_stop', { kind: 'num' }, c), constant: true };
    this.locals[this.locals.length - 1] = v;
    out.push({ k: 'assign', target: v, expr: { k: 'atom', a: value }, init: true });
    return ref(v);
  }

  /**
   * A call of a function with a custom derivative: `_erf = erf(x)` (opaque), then each partial
   * inlined with (x, _erf), then `y = custom(_erf; ∂ = partials)`.
   */
  private customCall(c: TS.CallExpression, rule: CustomRule, out: Stmt[]): Atom {
    const callee = skipParens(c.expression);
    if (!ts.isIdentifier(callee)) unsupported(c, `'${callee.getText()}' has a custom derivative and must be called by its name`, 'call it as name(…)');
    const name = callee.text;
    const symbol = this.symbolOf(callee);
    const target = symbol.flags & ts.SymbolFlags.Alias ? this.checker.getAliasedSymbol(symbol) : symbol;
    const visible = this.checker.resolveName(name, this.options.emitSite, ts.SymbolFlags.Value, false);
    const seen = visible && (visible.flags & ts.SymbolFlags.Alias ? this.checker.getAliasedSymbol(visible) : visible);
    if (seen !== target) {
      unsupported(callee, `'${name}' is not visible where the derivative is generated, which calls it`,
        `import '${name}' in the file that calls the tsgrad transformation`);
    }
    const imported = !!(visible!.flags & ts.SymbolFlags.Alias);
    if (imported && callee.getSourceFile() !== this.options.emitSite.getSourceFile()) {
      unsupported(callee, `'${name}' is imported where the derivative is generated and only called inside another module's function`,
        `call '${name}' through a helper in the file that calls the tsgrad transformation, or compute it there and pass it in`);
    }
    const args = c.arguments.map((a) => this.lowerExpr(a, out));
    const value: Var = { ...this.newVar(`_${name}`, { kind: 'num' }, c), constant: true };
    this.locals[this.locals.length - 1] = value;
    out.push({ k: 'assign', target: value, expr: { k: 'call', callee: { name, use: imported ? callee : undefined }, args }, init: true });
    // A partial that reads the result `y` needs y's own derivative for second order (hvp,
    // hessian, grad(grad(f))): y is first the opaque value with the partials taken at it,
    //   _y1 = custom(_f; ∂ = p(x, _f)),   y = custom(_f; ∂ = p(x, _y1))
    // so ∂p/∂x sees y' = p(x, _f). First-order derivatives never read _y1's derivative.
    let result: Atom = ref(value);
    if (rule.partials.some((p) => p.parameters.length > args.length)) {
      const first = rule.partials.map((p) => this.inline(p, c, out, [...args, result]));
      result = this.temp('num', { k: 'custom', value: ref(value), args, partials: first }, out);
    }
    const partials = rule.partials.map((p) => this.inline(p, c, out, [...args, result]));
    return this.temp('num', { k: 'custom', value: ref(value), args, partials }, out);
  }

  private mathCall(c: TS.CallExpression, fn: string, out: Stmt[]): Atom {
    const args = c.arguments.map((a) => {
      if (ts.isSpreadElement(a)) unsupported(a, 'spread arguments are not supported', 'pass the arguments one by one');
      return this.lowerExpr(a, out);
    });
    if ((fn === 'min' || fn === 'max' || fn === 'hypot') && args.length >= 2) {
      return args.slice(1).reduce((acc, x) => this.temp('num', { k: 'math', fn, args: [acc, x] }, out), args[0]);
    }
    if ((fn === 'min' || fn === 'max') && args.length === 1) return args[0];
    if (fn === 'hypot' && args.length === 1) return this.temp('num', { k: 'math', fn: 'abs', args }, out);
    if (fn === 'pow' && args.length === 2) return this.temp('num', { k: 'bin', op: '**', a: args[0], b: args[1] }, out);
    const rule = rules[fn];
    if ((rule && rule.arity === args.length && fn !== 'select') || (zeroDerivative.has(fn) && args.length === 1)) {
      return this.temp('num', { k: 'math', fn, args }, out);
    }
    const hint = fn === 'random' ? 'Math.random has no derivative; pass random numbers in as a parameter' : `supported: ${Object.keys(rules).filter((r) => /^[a-z]/.test(r) && r !== 'neg' && r !== 'select').join(', ')}, ${[...zeroDerivative].join(', ')}`;
    return unsupported(c, `Math.${fn} with ${args.length} argument(s) is not supported`, hint);
  }

  /**
   * Inline a call: arguments bound to fresh variables (arrays by reference), body lowered in place.
   * `given`: the arguments already lowered (a custom rule's partials), instead of the call's.
   */
  private inline(decl: FunctionLike, c: TS.CallExpression, out: Stmt[], given?: readonly Atom[]): Atom {
    if (this.inlining.includes(decl) || decl === this.frame.decl) {
      unsupported(c, `recursive call to '${c.expression.getText()}'`, 'tsgrad inlines calls and cannot differentiate recursion; write it as a loop');
    }
    this.checkFunctionKind(decl);
    const bindings = new Map<TS.Symbol, Var>();
    const structBindings = new Map<TS.Symbol, StructNode>();
    decl.parameters.forEach((p, i) => {
      const argument = c.arguments[i];
      const passed = !given && argument ? this.structOf(argument) : undefined;
      if (passed) {
        structBindings.set(this.symbolOf(p.name), passed);
        return;
      }
      const shape = this.paramShape(p);
      const arg = c.arguments[i];
      if (!arg && !given) unsupported(c, `missing argument for parameter '${p.name.getText()}'`, 'pass every argument');
      if (shape.kind === 'array') {
        if (given) unsupported(p, 'a partial derivative takes numbers', 'declare its parameters as number');
        bindings.set(this.symbolOf(p.name), this.arrayVar(arg));
      } else {
        const value = given ? given[i] : this.lowerExpr(arg, out);
        const v = this.newVar(p.name.getText(), shape, p);
        // a parameter is declared afresh by each call
        out.push({ k: 'assign', target: v, expr: { k: 'atom', a: value }, init: true });
        bindings.set(this.symbolOf(p.name), v);
      }
    });
    const signature = this.checker.getSignatureFromDeclaration(decl);
    const returns = signature && this.checker.getReturnTypeOfSignature(signature);
    const resultKind: VarKind = returns && scalarKind(returns) === 'bool' ? 'bool' : 'num';
    if (returns && !scalarKind(returns) && !(returns.flags & (ts.TypeFlags.Void | ts.TypeFlags.Undefined))) {
      unsupported(c, `'${c.expression.getText()}' returns ${this.checker.typeToString(returns)}`, 'called functions may return number, boolean or nothing; write array results into an array parameter');
    }
    const caller = this.frame;
    const fnName = decl.name && ts.isIdentifier(decl.name) ? decl.name.text : 'fn';
    this.frame = { ...this.newFrame(decl, resultKind, fnName), symbols: bindings, structs: structBindings };
    this.inlining.push(decl);
    const callee = this.frame;
    try {
      out.push(...this.lowerFrameBody(decl));
    } finally {
      this.inlining.pop();
      this.frame = caller;
    }
    return ref(callee.result);
  }
}

/** Whether a value of this kind of atom is a number, a boolean or an array. */
function atomKind(a: Atom): VarKind {
  return a.k === 'var' ? a.v.kind : typeof a.value === 'boolean' ? 'bool' : 'num';
}

/** A number as far as the checker can tell (a number type, or any/never: see scalarKind). */
function isNumeric(type: TS.Type): boolean {
  const kind = scalarKind(type);
  return kind === 'num' || kind === 'unknown';
}

function skipParens(e: TS.Expression): TS.Expression {
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e) || ts.isNonNullExpression(e) || ts.isSatisfiesExpression(e)) e = e.expression;
  return e;
}

function numericLiteral(e: TS.Expression): number | undefined {
  e = skipParens(e);
  if (ts.isNumericLiteral(e)) return Number(e.text.replace(/_/g, ''));
  if (ts.isPrefixUnaryExpression(e) && e.operator === ts.SyntaxKind.MinusToken) {
    const v = numericLiteral(e.operand);
    return v === undefined ? undefined : -v;
  }
  return undefined;
}

function isGlobalMath(node: TS.Identifier, checker: TS.TypeChecker): boolean {
  const decl = checker.getSymbolAtLocation(node)?.valueDeclaration;
  return !decl || decl.getSourceFile().isDeclarationFile;
}

function statementName(s: TS.Statement): string {
  const K = ts.SyntaxKind;
  const names: Partial<Record<number, string>> = {
    [K.SwitchStatement]: 'a switch statement', [K.TryStatement]: 'try/catch', [K.ThrowStatement]: 'throw',
    [K.ForOfStatement]: 'for…of', [K.ForInStatement]: 'for…in', [K.LabeledStatement]: 'a labeled statement',
    [K.FunctionDeclaration]: 'a nested function declaration', [K.ClassDeclaration]: 'a class declaration',
  };
  return names[s.kind] ?? `'${ts.SyntaxKind[s.kind]}'`;
}

function statementHint(s: TS.Statement): string {
  const K = ts.SyntaxKind;
  if (s.kind === K.SwitchStatement) return 'use if/else';
  if (s.kind === K.ForOfStatement || s.kind === K.ForInStatement) return 'use an indexed for loop: for (let i = 0; i < a.length; i++)';
  if (s.kind === K.FunctionDeclaration) return 'declare helper functions at module level';
  return 'tsgrad compiles let/const, assignments, if/else, for, while, do…while, break, continue and return';
}

function expressionName(e: TS.Expression): string {
  const K = ts.SyntaxKind;
  const names: Partial<Record<number, string>> = {
    [K.ArrowFunction]: 'a closure', [K.FunctionExpression]: 'a closure', [K.StringLiteral]: 'a string',
    [K.TemplateExpression]: 'a template string', [K.ObjectLiteralExpression]: 'an object literal',
    [K.NewExpression]: "'new' outside an array declaration", [K.AwaitExpression]: 'await', [K.YieldExpression]: 'yield',
    [K.ArrayLiteralExpression]: 'an array literal outside a declaration', [K.TypeOfExpression]: 'typeof',
    [K.DeleteExpression]: 'delete', [K.NoSubstitutionTemplateLiteral]: 'a string', [K.NullKeyword]: 'null',
    [K.TaggedTemplateExpression]: 'a tagged template', [K.BigIntLiteral]: 'a bigint',
  };
  return names[e.kind] ?? `'${ts.SyntaxKind[e.kind]}'`;
}
