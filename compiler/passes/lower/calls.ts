/**
 * Calls: Math.*, stopGradient, functions with a custom derivative, and user functions, which are
 * inlined with fresh variables for their parameters.
 */
import type * as TS from 'typescript';
import { unsupported } from '../../diagnostics.js';
import { type Atom, ref, type Stmt, type Var, type VarKind } from '../../ir.js';
import { rules, zeroDerivative } from '../../rules.js';
import { ts } from '../../tsapi.js';
import { scalarKind } from '../../types.js';
import { isTsgradDeclaration } from '../findCallSites.js';
import type { CustomRule } from '../customRules.js';
import { atomKind, type FunctionLike, isGlobalMath, isNumeric, skipParens, type StructNode } from './base.js';
import { ExprLowerer } from './expressions.js';

export abstract class CallLowerer extends ExprLowerer {
  protected abstract lowerFrameBody(decl: FunctionLike): Stmt[];

  protected call(c: TS.CallExpression, out: Stmt[]): Atom {
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
  protected stopGradient(c: TS.CallExpression, out: Stmt[]): Atom {
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
  protected customCall(c: TS.CallExpression, rule: CustomRule, out: Stmt[]): Atom {
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

  protected mathCall(c: TS.CallExpression, fn: string, out: Stmt[]): Atom {
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
  protected inline(decl: FunctionLike, c: TS.CallExpression, out: Stmt[], given?: readonly Atom[]): Atom {
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
