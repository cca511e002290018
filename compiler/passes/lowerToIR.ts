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
 *   is generated inside its caller's derivative; recursive functions, and functions inlining would
 *   multiply, are called instead (separate.ts). rowWrites.ts checks arrays of arrays written in place.
 *
 * The lowerer is one class built in layers, each file below the next (lower/):
 *   base.ts         frames, variables, temporaries, flags, object parameters' fields
 *   names.ts        locals, parameters, outer constants and tables, array variables
 *   places.ts       assignment targets: variables, elements, rows written in place, object fields
 *   expressions.ts  operators, loads, properties, ternaries and &&/|| as branches
 *   separate.ts     recursive and widely inlined functions compiled on their own (userCall)
 *   calls.ts        Math.*, stopGradient, custom derivatives, methods, closures, inlining
 *   arrays.ts       arrays as values: allocations, copies, literals, spread, rows, objects, loops
 *   arrayMethods.ts map, reduce, filter, some, find, … as loops with the callback inlined
 *   objects.ts      objects as values: literals, helpers returning objects, new C(…)
 *   objectArrays.ts arrays of objects built here (map, Array.from, literals): an array per field, read only
 *   patterns.ts     declarations, destructuring, array variables given new arrays
 *   statements.ts   lists, if/else, switch, jumps as flags, return
 *   loops.ts        for, for…of, while, do…while, labels
 *   lowerToIR.ts    the root function: its parameters (defaults, destructured), its result;
 *                   then checkpointState.ts: a // @checkpoint loop's state given new arrays kept in one,
 *                   a state that starts as another array's name made a copy (ownStates)
 */
import type * as TS from 'typescript';
import { unsupported } from '../diagnostics.js';
import { type IRFunction, type Param, ref, type Stmt, type StructParam, type Var } from '../ir.js';
import { ts } from '../tsapi.js';
import { describeShape, hasDerivative, isDifferentiable, recordFields, recursivePath, scalarKind, shapeOf } from '../types.js';
import { type FunctionLike, type LowerOptions, numericLiteral, skipParens } from './lower/base.js';
import { checkRowWrites } from './lower/rowWrites.js';
import type { Bound } from './lower/calls.js';
import { initOperatorTables } from './lower/expressions.js';
import { LoopLowerer } from './lower/loops.js';
import { keepCheckpointState, ownStates } from './checkpointState.js';

export type { FunctionLike, LowerOptions };

export function lowerToIR(decl: FunctionLike, name: string, options: LowerOptions): IRFunction {
  initOperatorTables();
  return ownStates(keepCheckpointState(new Lowerer(options).lowerRoot(decl, name), options.names), options.names);
}

class Lowerer extends LoopLowerer {
  lowerRoot(decl: FunctionLike, fnName: string): IRFunction {
    this.checkFunctionKind(decl);
    const signature = this.checker.getSignatureFromDeclaration(decl);
    const returnType = signature && this.checker.getReturnTypeOfSignature(signature);
    const returnShape = returnType && shapeOf(returnType, this.checker);
    const returnsArray = returnShape?.kind === 'array' && isDifferentiable(returnShape);
    if (!returnType || !(scalarKind(returnType) === 'num' || (this.options.vectorOutput && returnsArray))) {
      const shown = returnType ? this.checker.typeToString(returnType) : 'unknown';
      if (this.options.jit) {
        const nothing = !returnType || (returnType.flags & (ts.TypeFlags.Void | ts.TypeFlags.Undefined)) !== 0;
        unsupported(decl, `jit compiles functions that return a number, and '${fnName}' returns ${nothing ? `nothing (${shown})` : shown}`,
          nothing
            ? `declare '${fnName}' as returning number and end it with \`return 0;\` (or return a value it computes): the arrays it writes are filled all the same`
            : `return a number (a sum, a loss, or 0), and write array results into an array parameter in a // @parallel loop`);
      }
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
    if (returnsArray) frame.arrayResult = this.arrayResultOf(decl, fnName, returnShape);
    const argnums = this.options.argnums;
    const structs: StructParam[] = [];
    const defaults = new Map<Var, number | boolean | string>();
    // a destructured parameter (`{ logQ, logR }: Noise`, `[x, y]: Vec2`) gets a name of its own,
    // and its pattern is bound at the top of the body
    const patterns: { pattern: TS.BindingPattern; value: Bound }[] = [];
    const nameOf = (p: TS.ParameterDeclaration, i: number): string => (ts.isIdentifier(p.name) ? p.name.text : this.names.unique(`arg${i}`));
    const params: Param[] = decl.parameters.flatMap((p, i): Param[] => {
      const name = nameOf(p, i);
      this.notRecursive(p);
      const tree = this.structTree(p, name);
      if (tree) {
        // an object of numbers and arrays: one parameter per leaf
        const leaves = this.leaves(tree, []);
        if (ts.isIdentifier(p.name)) frame.structs.set(this.symbolOf(p.name), tree.node);
        else patterns.push({ pattern: p.name, value: { k: 'struct', s: tree.node } });
        structs.push({ name, leaves: leaves.map((l) => ({ path: l.path, v: l.v })) });
        const wanted = argnums === 'differentiable' || argnums.includes(i);
        if (wanted && argnums !== 'differentiable' && !leaves.some((l) => hasDerivative(l.shape))) this.nothingToDifferentiate(p, i);
        return leaves.map((l) => ({ v: l.v, selected: wanted && isDifferentiable(l.shape) }));
      }
      const fallback = this.defaultValue(p);
      const shape = this.paramShape(p);
      const selected = argnums === 'differentiable' ? isDifferentiable(shape) : argnums.includes(i);
      if (selected && !isDifferentiable(shape)) {
        unsupported(p, `parameter '${p.name.getText()}' of type ${describeShape(shape)} cannot be differentiated`,
          'differentiable parameters are number, number[], Float64Array or Float32Array; choose others with argnums');
      }
      if (selected && argnums !== 'differentiable' && !hasDerivative(shape)) this.nothingToDifferentiate(p, i);
      const v = this.newVar(name, shape, p, false);
      if (ts.isIdentifier(p.name)) frame.symbols.set(this.symbolOf(p.name), v);
      else patterns.push({ pattern: p.name, value: { k: 'atom', a: ref(v) } });
      if (fallback !== undefined) defaults.set(v, fallback);
      return [{ v, selected }];
    });
    this.frame = frame;
    this.active.push(frame);
    const prologue: Stmt[] = [];
    for (const { pattern, value } of patterns) this.bindPattern(pattern, value, prologue);
    const body = [...prologue, ...this.lowerFrameBody(decl)];
    checkRowWrites(body, this.writtenRows);
    let result = frame.result;
    if (frame.arrayResult) {
      const array = frame.arrayResult.array;
      if (!array) unsupported(decl, `'${fnName}' never returns an array`, 'end the function with return <array>');
      if (array.outer) unsupported(decl, `'${fnName}' returns the module constant '${array.name}'`, 'return a copy of it');
      result = array;
      this.locals.splice(this.locals.indexOf(frame.result), 1);
    }
    return { name: fnName, params, structs: structs.length > 0 ? structs : undefined, body, result, locals: this.locals, defaults: defaults.size > 0 ? defaults : undefined };
  }

  /**
   * `k?: number` read only as `k ?? 2` (the same literal everywhere): the literal is its default.
   * Any other read of k leaves it without one.
   */
  private nullishDefault(p: TS.ParameterDeclaration): TS.Expression | undefined {
    const symbol = ts.isIdentifier(p.name) ? this.checker.getSymbolAtLocation(p.name) : undefined;
    const body = (p.parent as FunctionLike).body;
    if (!symbol || !body) return undefined;
    let found: TS.Expression | undefined;
    let other = false;
    const visit = (n: TS.Node): void => {
      if (ts.isIdentifier(n) && n !== p.name && this.checker.getSymbolAtLocation(n) === symbol) {
        const use = n.parent;
        const fallback = ts.isBinaryExpression(use) && use.left === n && use.operatorToken.kind === ts.SyntaxKind.QuestionQuestionToken ? skipParens(use.right) : undefined;
        if (!fallback || literalValue(fallback) === undefined || (found && literalValue(found) !== literalValue(fallback))) other = true;
        found ??= fallback;
      }
      ts.forEachChild(n, visit);
    };
    visit(body);
    return other ? undefined : found;
  }

  /**
   * A parameter whose type contains itself (`interface Tree { v: number; kids: Tree[] }`, or A and
   * B holding each other) has no fixed set of leaves to read it into: rejected, selected or not
   * (reading its fields would expand the type forever).
   */
  private notRecursive(p: TS.ParameterDeclaration): void {
    const type = this.checker.getTypeAtLocation(p);
    const found = recursivePath(type, this.checker);
    if (!found) return;
    const name = p.name.getText();
    const shown = this.checker.typeToString(type);
    const where = `'${ts.isIdentifier(p.name) ? name : shown}${found.path}'`;
    const what = found.deep
      ? `parameter '${name}' of type ${shown} nests objects more than 16 levels deep (${where}); such types are not supported as parameters of a differentiated function`
      : `parameter '${name}' has a recursive type: ${where} is again of type ${this.checker.typeToString(found.self)}; recursive structures (trees, linked lists) are not supported as parameters of a differentiated function`;
    unsupported(p, what, 'flatten the structure into arrays and pass those (the nodes\' numbers in a Float64Array, each node\'s children as indices into it in an Int32Array), or pass the numbers to differentiate as a parameter of their own');
  }

  /** `grad(f)` where f's parameter 0 is an object of strings and integer arrays: nothing to differentiate. */
  private nothingToDifferentiate(p: TS.ParameterDeclaration, i: number): never {
    const name = p.name.getText();
    const decl = p.parent as FunctionLike;
    const other = decl.parameters.findIndex((q, j) => {
      if (j === i) return false;
      const type = this.checker.getTypeAtLocation(q);
      const fields = recordFields(type, this.checker);
      const shape = shapeOf(type, this.checker) ?? (fields && { kind: 'array' as const, arrayType: 'record' as const, fields });
      return !!shape && hasDerivative(shape);
    });
    const choose = other >= 0 ? `choose another parameter with argnums (${other} for '${decl.parameters[other].name.getText()}')` : 'choose another parameter with argnums';
    const type = this.checker.getTypeAtLocation(p);
    const holder = this.checker.isArrayType(type) ? `the objects in '${name}'` : `'${name}'`;
    return unsupported(p, `parameter '${name}' (${this.checker.typeToString(type)}) has no differentiable field: no number, number[], Float64Array or Float32Array inside it, so there is nothing to differentiate with respect to`,
      `${choose}, or give ${holder} a field of type number, number[], Float64Array or Float32Array`);
  }

  /** A parameter's default value (`dt = 0.01`, `kind = 'tanh'`): a literal, where the transformation allows one. */
  private defaultValue(p: TS.ParameterDeclaration): number | boolean | string | undefined {
    if (!p.initializer && !p.questionToken) return undefined;
    const name = p.name.getText();
    if (!this.options.defaults) {
      unsupported(p, `parameter '${name}' of the differentiated function is optional: hvp(f)(...args, v) and jit take their own arguments after the function's, where a left-out one would take their place`,
        `make '${name}' required (a wrapper can fill it in); grad, valueAndGrad, jvp, vjp, jacfwd, jacrev and hessian take defaults`);
    }
    const init = p.initializer ? skipParens(p.initializer) : this.nullishDefault(p);
    const value = !init ? undefined : literalValue(init);
    if (value === undefined) {
      unsupported(p, p.initializer ? `the default of '${name}' is not a literal` : `optional parameter '${name}' has no default`,
        `give it a literal default (${name} = 1) instead of reading it with ??, or compute the value inside the function from a required parameter`);
    }
    return value;
  }
}

/** A literal's value: a number (`-1.5`), a string or a boolean. */
function literalValue(e: TS.Expression): number | boolean | string | undefined {
  e = skipParens(e);
  if (ts.isStringLiteral(e)) return e.text;
  if (e.kind === ts.SyntaxKind.TrueKeyword) return true;
  if (e.kind === ts.SyntaxKind.FalseKeyword) return false;
  return numericLiteral(e);
}
