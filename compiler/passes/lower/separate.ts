/**
 * User functions compiled on their own instead of inlined: recursive ones (a determinant by
 * minors, Horner's rule written recursively, a tree walk), and any function inlined so often
 * already that inlining it again would grow the generated code without bound (a chain of helpers
 * each calling the next twice). A call becomes one IR operation, `userCall`, and the function gets
 * companions generated once per file, each calling the others for the calls inside it:
 *
 *   f_primal(...params)              the function itself
 *   f_pullback(...params, ...arrayAdjoints, ct)   recomputes f, then its reverse sweep; adds into
 *                                    the array parameters' adjoints, returns the numbers' (joint
 *                                    mode, Tapenade's and Clad's pullbacks)
 *   f_jvp(...params, ...tangents)    [value, tangent]
 *
 * Eligible: functions declared at module level that take numbers, booleans and numeric arrays
 * (arrays of arrays too) and return a number.
 */
import type * as TS from 'typescript';
import { unsupported } from '../../diagnostics.js';
import { type Atom, num, type Stmt, type UserFunction } from '../../ir.js';
import { ts } from '../../tsapi.js';
import { functionName, isDifferentiable, scalarKind } from '../../types.js';
import { type Bound, type Frame, type FunctionLike, numericLiteral } from './base.js';
import { ExprLowerer } from './expressions.js';

/**
 * A function whose inlined expansion exceeds this many syntax nodes, called from two places or
 * more, is compiled on its own: inlining it everywhere would multiply the code.
 */
const EXPANSION_LIMIT = 2000;

export abstract class SeparateLowerer extends ExprLowerer {
  private readonly userFunctions = new Map<FunctionLike, UserFunction>();
  /** Syntax nodes of each function with everything it calls inlined (Infinity through recursion). */
  private readonly expansion = new Map<FunctionLike, number>();
  /** The call sites of each function in the code reachable from the differentiated function. */
  private readonly callSites = new Map<FunctionLike, Set<TS.Node>>();

  /** Whether inlining `decl` at every call would multiply the generated code (a chain of helpers each calling the next twice). */
  protected expandsLarge(decl: FunctionLike): boolean {
    if (this.expansion.size === 0 && this.active[0]) this.expand(this.active[0].decl);
    return (this.expansion.get(decl) ?? 0) > EXPANSION_LIMIT && (this.callSites.get(decl)?.size ?? 0) >= 2;
  }

  private expand(decl: FunctionLike): number {
    const known = this.expansion.get(decl);
    if (known !== undefined) return known;
    this.expansion.set(decl, Infinity); // a cycle: recursion
    let size = 0;
    const visit = (n: TS.Node): void => {
      size++;
      if (ts.isCallExpression(n)) {
        const callee = this.checker.getResolvedSignature(n)?.declaration;
        if (callee && (ts.isFunctionDeclaration(callee) || ts.isFunctionExpression(callee) || ts.isArrowFunction(callee) || ts.isMethodDeclaration(callee)) && callee.body && !callee.getSourceFile().isDeclarationFile) {
          const sites = this.callSites.get(callee) ?? new Set<TS.Node>();
          this.callSites.set(callee, sites.add(n));
          size += this.expand(callee);
        }
      }
      ts.forEachChild(n, visit);
    };
    if (decl.body) visit(decl.body);
    this.expansion.set(decl, size);
    return size;
  }

  /**
   * `g(a, x)` as a call of g's companions, or undefined where g cannot be compiled on its own (then
   * a recursive call is an error with the reason, and a frequent one is inlined).
   */
  protected separateCall(decl: FunctionLike, parent: Frame | undefined, args: readonly (Bound | undefined)[], site: TS.Node, out: Stmt[], recursive: boolean): Atom | undefined {
    const fn = this.userFunction(decl, parent, recursive ? site : undefined);
    if (!fn) return undefined;
    const atoms = decl.parameters.map((p, i): Atom => {
      const a = args[i];
      if (a?.k === 'atom') return a.a;
      const literal = !a && p.initializer ? numericLiteral(p.initializer) : undefined;
      if (literal !== undefined) return num(literal);
      return unsupported(site, `'${fn.name}' is compiled on its own (it is recursive), and its argument '${p.name.getText()}' is ${a ? (a.k === 'objects' ? 'an array of objects built in the caller' : 'a function or an object') : 'left out'}`,
        'pass numbers and arrays to recursive functions, every argument (or a literal default)');
    });
    return this.temp('num', { k: 'userCall', fn, args: atoms }, out);
  }

  /** g's description for userCall, once per function; undefined (or, at `site`, an error) where not eligible. */
  private userFunction(decl: FunctionLike, parent: Frame | undefined, site?: TS.Node): UserFunction | undefined {
    const known = this.userFunctions.get(decl);
    if (known) return known;
    const name = functionName(decl);
    const why = this.ineligible(decl, parent, name);
    if (why) return site ? unsupported(site, `recursive call to '${name ?? 'a function'}': ${why}`, 'recursive functions are compiled on their own: declare them at module level, taking numbers and numeric arrays and returning a number (or write the recursion as a loop)') : undefined;
    const companion = this.options.companion!;
    const fn: UserFunction = {
      name: name!,
      params: decl.parameters.map((p) => {
        const shape = this.paramShape(p);
        return shape.kind === 'num' ? 'num' : shape.kind === 'array' && isDifferentiable(shape) ? 'array' : 'none';
      }),
      companion: (kind) => companion(decl, kind),
    };
    this.userFunctions.set(decl, fn);
    return fn;
  }

  private ineligible(decl: FunctionLike, parent: Frame | undefined, name: string | undefined): string | undefined {
    if (!this.options.companion) return 'this transformation does not compile functions on their own yet';
    const atModule = ts.isFunctionDeclaration(decl) ? ts.isSourceFile(decl.parent) : ts.isVariableDeclaration(decl.parent) && ts.isSourceFile(decl.parent.parent.parent.parent);
    if (parent || !atModule || !name) return 'it is not a function declared at module level';
    const signature = this.checker.getSignatureFromDeclaration(decl);
    const returns = signature && this.checker.getReturnTypeOfSignature(signature);
    if (!returns || scalarKind(returns) !== 'num') return 'it does not return a number';
    for (const p of decl.parameters) {
      if (!ts.isIdentifier(p.name) || p.dotDotDotToken) return `its parameter '${p.name.getText()}' is destructured or a rest parameter`;
      const type = this.checker.getTypeAtLocation(p);
      if (this.checker.getSignaturesOfType(this.checker.getNonNullableType(type), ts.SignatureKind.Call).length > 0) return `its parameter '${p.name.text}' is a function`;
      const shape = this.paramShapeOrUndefined(p);
      if (!shape || shape.arrayType === 'record' || shape.arrayType === 'objects') return `its parameter '${p.name.text}' is not a number, boolean or numeric array`;
    }
    return undefined;
  }
}
