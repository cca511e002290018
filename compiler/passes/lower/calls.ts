/**
 * Calls: Math.*, stopGradient, functions with a custom derivative, and user functions, which are
 * inlined with fresh variables for their parameters. A function is known at build time wherever it
 * is called: a declaration, a closure (inlined where it is called, reading the variables of the
 * frame it was declared in), or a function passed as an argument (bound in the callee's frame).
 */
import type * as TS from 'typescript';
import { unsupported } from '../../diagnostics.js';
import { type Atom, bool, ref, type Stmt, type Var, type VarKind } from '../../ir.js';
import { rules, zeroDerivative } from '../../rules.js';
import { ts } from '../../tsapi.js';
import { functionName, isObjectType, scalarKind, shapeOf } from '../../types.js';
import { isTsgradDeclaration } from '../findCallSites.js';
import type { CustomRule } from '../customRules.js';
import { atomKind, type Bound, isArrayType, type FnValue, type Frame, type FunctionLike, isGlobalMath, isNumeric, type SelfValue, skipParens, type StructNode } from './base.js';
import { SeparateLowerer } from './separate.js';

export type { Bound } from './base.js';

export abstract class CallLowerer extends SeparateLowerer {
  protected abstract lowerFrameBody(decl: FunctionLike): Stmt[];
  /** A method call on an array (arrays.ts). */
  protected abstract methodCall(c: TS.CallExpression, callee: TS.PropertyAccessExpression, out: Stmt[]): Atom;
  /** Binds a destructuring pattern to a value (patterns.ts). */
  protected abstract bindPattern(pattern: TS.BindingPattern, value: Bound, out: Stmt[]): void;

  protected call(c: TS.CallExpression, out: Stmt[]): Atom {
    const callee = skipParens(c.expression);
    if (ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'Math' && isGlobalMath(callee.expression, this.checker)) {
      return this.mathCall(c, callee.name.text, out);
    }
    const test = numberTest(callee, this.checker);
    if (test) return this.numberTest(c, test, out);
    const namespace = ts.isPropertyAccessExpression(callee) && this.checker.getSymbolAtLocation(callee.expression);
    const isNamespaceCall = !!namespace && !!(namespace.flags & ts.SymbolFlags.Alias) &&
      !!(this.checker.getAliasedSymbol(namespace).flags & ts.SymbolFlags.ValueModule);
    if (ts.isPropertyAccessExpression(callee) && !isNamespaceCall) return this.methodCall(c, callee, out);
    const resolved = this.checker.getResolvedSignature(c)?.declaration;
    if (resolved && ts.isFunctionDeclaration(resolved) && resolved.name?.text === 'stopGradient' && isTsgradDeclaration(resolved)) {
      return this.stopGradient(c, out);
    }
    const custom = resolved && this.options.customRules?.get(resolved);
    if (custom) return this.customCall(c, custom, out);
    const fn = this.fnValue(callee);
    const args = c.arguments.map((a) => this.bindArg(a, out));
    return this.invoke(fn, args, c, out);
  }

  /** What a callee or a function-valued argument is at build time. */
  protected fnValue(e: TS.Expression): FnValue {
    e = skipParens(e);
    if (ts.isArrowFunction(e) || ts.isFunctionExpression(e)) return { decl: e, parent: this.frame };
    if (ts.isPropertyAccessExpression(e) && ts.isIdentifier(e.expression) && e.expression.text === 'Math' && isGlobalMath(e.expression, this.checker)) {
      return { math: e.name.text, node: e };
    }
    const symbol = ts.isIdentifier(e) || ts.isPropertyAccessExpression(e) ? this.checker.getSymbolAtLocation(e) : undefined;
    const local = symbol && this.lookup((f) => f.functions.get(symbol));
    if (local) return local;
    const target = symbol && symbol.flags & ts.SymbolFlags.Alias ? this.checker.getAliasedSymbol(symbol) : symbol;
    const decl = target?.valueDeclaration;
    if (decl && ts.isVariableDeclaration(decl) && !(decl.parent.flags & ts.NodeFlags.Const)) {
      unsupported(e, `call through mutable variable '${e.getText()}'`,
        `declare '${e.getText()}' with const or as a function, so the derivative differentiates the function that runs`);
    }
    const fn = decl && ts.isVariableDeclaration(decl) && decl.initializer ? skipParens(decl.initializer) : decl;
    if (fn && (ts.isFunctionDeclaration(fn) || ts.isFunctionExpression(fn) || ts.isArrowFunction(fn))) {
      if (!fn.body) {
        unsupported(e, `'${e.getText()}' has no body in the program, so tsgrad cannot differentiate through it`,
          'call a function whose source is part of the program (declared functions from .d.ts files have no body)');
      }
      return { decl: fn, parent: this.declaringFrame(fn, e) };
    }
    if (decl && ts.isParameter(decl)) {
      unsupported(e, `'${e.getText()}' is a function parameter of the differentiated function, so which function it is is known only at run time`,
        'call the function by name, or pass it to a helper that tsgrad inlines');
    }
    const made = ts.isCallExpression(e) ? this.checker.getResolvedSignature(e)?.declaration : undefined;
    if (made && ts.isFunctionDeclaration(made) && isTsgradDeclaration(made)) {
      unsupported(e, `nested differentiation ('${e.getText()}' inside a differentiated function) is not supported yet`,
        'write the inner derivative by hand as a function, or give the inner function a custom derivative');
    }
    return unsupported(e, `'${e.getText()}' is a function chosen at run time (from an array, an object or a condition), which tsgrad cannot differentiate through`,
      'call the function by name, or choose between calls with if/else or switch');
  }

  /** An argument as the callee receives it: a value, an object's fields, or a function. */
  protected bindArg(e: TS.Expression, out: Stmt[]): Bound {
    if (ts.isSpreadElement(e)) unsupported(e, 'spread arguments to functions are not supported', 'pass the arguments one by one');
    const struct = isObjectType(this.checker.getTypeAtLocation(e), this.checker) ? this.structValue(e, out) : this.structOf(e);
    if (struct) return { k: 'struct', s: struct };
    const type = this.checker.getTypeAtLocation(e);
    if (this.checker.getSignaturesOfType(this.checker.getNonNullableType(type), ts.SignatureKind.Call).length > 0) return { k: 'fn', f: this.fnValue(e) };
    if (!scalarKind(type) && isArrayType(type, this.checker)) return { k: 'atom', a: ref(this.lowerArray(e, out)) };
    return { k: 'atom', a: this.lowerExpr(e, out) };
  }

  /**
   * `net.energy(pos)`, `this.stretch(…)`, `layers[i].forward(x)`: a method declared in a class of
   * the program, inlined with `this` bound to the object. Only where no class of the program
   * overrides it, so that the method that runs is known at build time.
   */
  protected classMethod(c: TS.CallExpression, callee: TS.PropertyAccessExpression, out: Stmt[], into?: { struct?: StructNode }): Atom | undefined {
    const decl = this.checker.getResolvedSignature(c)?.declaration;
    if (!decl || !ts.isMethodDeclaration(decl) || !decl.body || decl.getSourceFile().isDeclarationFile) return undefined;
    const isStatic = !!decl.modifiers?.some((m) => m.kind === ts.SyntaxKind.StaticKeyword);
    if (!isStatic) this.checkDispatch(decl, callee);
    const self = isStatic ? undefined : this.selfOf(callee.expression, out);
    const args = c.arguments.map((a) => this.bindArg(a, out));
    return this.inline(decl, undefined, args, c, out, self, into);
  }

  /** `shape.area` of a getter declared in a class of the program, inlined like a method. */
  protected getter(p: TS.PropertyAccessExpression, out: Stmt[]): Atom | undefined {
    const symbol = this.checker.getSymbolAtLocation(p);
    if (!symbol || !(symbol.flags & ts.SymbolFlags.GetAccessor)) return undefined;
    const decl = symbol.declarations?.find(ts.isGetAccessorDeclaration);
    if (!decl?.body) unsupported(p, `getter '${p.getText()}' has no body in the program`, 'read fields, or call functions of the program');
    this.checkDispatch(decl, p);
    return this.inline(decl, undefined, [], p, out, this.selfOf(p.expression, out));
  }

  private checkDispatch(decl: TS.MethodDeclaration | TS.GetAccessorDeclaration, site: TS.Node): void {
    if (this.options.overridden?.(decl) ?? true) {
      unsupported(site, `'${site.getText()}' may run an override of '${decl.name.getText()}' from a subclass, which is known only at run time`,
        'call a method no subclass overrides, or a module function that takes the object');
    }
  }

  /** The object a method is called on: an object parameter (or one of its object fields), or an object read by reference. */
  private selfOf(e: TS.Expression, out: Stmt[]): SelfValue {
    const struct = isObjectType(this.checker.getTypeAtLocation(e), this.checker) ? this.structValue(e, out) : this.structOf(e);
    if (struct) return { k: 'struct', s: struct };
    const a = this.lowerExpr(e, out);
    if (a.k !== 'var' || a.v.arrayType !== 'record') {
      unsupported(e, `a method called on '${e.getText()}', which is not an object tsgrad follows`, 'call methods on parameters, elements of arrays of objects, or this');
    }
    return { k: 'atom', a };
  }

  /** Calls a function known at build time with arguments already evaluated. */
  protected invoke(fn: FnValue, args: readonly (Bound | undefined)[], site: TS.Node, out: Stmt[]): Atom {
    if ('math' in fn) {
      const x = args[0];
      if (!x || x.k !== 'atom' || atomKind(x.a) !== 'num' || !((rules[fn.math]?.arity === 1 && fn.math !== 'neg') || zeroDerivative.has(fn.math))) {
        unsupported(fn.node, `Math.${fn.math} passed as a function`, `pass Math functions of one number (Math.exp), or write an arrow: (v) => Math.${fn.math}(v, …)`);
      }
      return this.temp('num', { k: 'math', fn: fn.math, args: [x.a] }, out);
    }
    return this.inline(fn.decl, fn.parent, args, site, out);
  }

  /** `Number.isFinite(x)` as `x - x === 0`, `Number.isNaN(x)` as `x !== x`: tests, with no derivative. */
  protected numberTest(c: TS.CallExpression, test: 'isFinite' | 'isNaN', out: Stmt[]): Atom {
    if (c.arguments.length !== 1 || !isNumeric(this.checker.getTypeAtLocation(c.arguments[0]))) unsupported(c, `${test} of something other than a number`, `pass a number to ${test}`);
    const x = this.lowerExpr(c.arguments[0], out);
    if (test === 'isNaN') return this.temp('bool', { k: 'bin', op: '!==', a: x, b: x }, out);
    const d = this.temp('num', { k: 'bin', op: '-', a: x, b: x }, out);
    return this.temp('bool', { k: 'bin', op: '===', a: d, b: { k: 'const', value: 0 } }, out);
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
      const first = rule.partials.map((p) => this.inline(p, undefined, atoms([...args, result]), c, out));
      result = this.temp('num', { k: 'custom', value: ref(value), args, partials: first }, out);
    }
    const partials = rule.partials.map((p) => this.inline(p, undefined, atoms([...args, result]), c, out));
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
   * Inline a call: arguments bound to fresh variables (arrays, objects and functions by reference),
   * default values of parameters left out evaluated in the callee's frame, body lowered in place.
   * `parent`: the frame a closure was declared in.
   */
  protected inline(decl: FunctionLike, parent: Frame | undefined, args: readonly (Bound | undefined)[], site: TS.Node, out: Stmt[], self?: SelfValue, into?: { struct?: StructNode }): Atom {
    const name = functionName(decl) ?? 'fn';
    const fns = args.map((a) => (a?.k === 'fn' ? ('math' in a.f ? a.f.math : a.f.decl) : ''));
    const same = (x: { decl: FunctionLike; fns: readonly (TS.Node | string)[] }): boolean => x.decl === decl && x.fns.length === fns.length && x.fns.every((f, i) => f === fns[i]);
    // the differentiated function itself (the root frame, never on `inlining`), or a callee with the same function arguments
    const recursive = this.inlining.some(same) || (decl === this.active[0]?.decl && !this.inlining.some((x) => x.decl === decl));
    // recursion, and a function inlined many times already: compiled on its own, called
    if (recursive || this.expandsLarge(decl)) {
      const called = this.separateCall(decl, parent, args, site, out, recursive);
      if (called) return called;
    }
    this.checkFunctionKind(decl);
    const signature = this.checker.getSignatureFromDeclaration(decl);
    const returns = signature && this.checker.getReturnTypeOfSignature(signature);
    const resultKind: VarKind = returns && scalarKind(returns) === 'bool' ? 'bool' : 'num';
    const returnsArray = !!returns && shapeOf(returns, this.checker)?.kind === 'array';
    const returnsObject = !!returns && !returnsArray && isObjectType(returns, this.checker);
    if (returnsObject && !into) unsupported(site, `'${name}' returns an object, used here as a number`, 'read a field of its result (f(x).value), or destructure it');
    if (returns && !returnsArray && !returnsObject && !scalarKind(returns) && !(returns.flags & (ts.TypeFlags.Void | ts.TypeFlags.Undefined))) {
      unsupported(site, `'${name}' returns ${this.checker.typeToString(returns)}`, 'called functions may return a number, a boolean, a numeric array, an object of those or nothing');
    }
    const caller = this.frame;
    const callee = this.newFrame(decl, resultKind, name, parent);
    callee.self = self;
    if (returnsArray) callee.arrayResult = this.arrayResultOf(decl, name, shapeOf(returns, this.checker)!);
    if (returnsObject) callee.structResult = { several: this.returnCount(decl) > 1 };
    this.frame = callee;
    this.inlining.push({ decl, fns });
    this.active.push(callee);
    try {
      decl.parameters.forEach((p, i) => this.bindParam(p, args[i], site, out));
      out.push(...this.lowerFrameBody(decl));
    } finally {
      this.active.pop();
      this.inlining.pop();
      this.frame = caller;
    }
    if (callee.structResult) {
      if (!callee.structResult.node) unsupported(site, `'${name}' never returns an object`, 'end it with return { … }');
      into!.struct = callee.structResult.node;
      return bool(true);
    }
    if (callee.arrayResult) {
      const array = callee.arrayResult.array;
      if (!array) unsupported(site, `'${name}' never returns an array`, 'end it with return <array>');
      this.locals.splice(this.locals.indexOf(callee.result), 1);
      return ref(array);
    }
    return ref(callee.result);
  }

  /** A parameter of the frame being entered, bound to its argument or its default value. */
  protected bindParam(p: TS.ParameterDeclaration, arg: Bound | undefined, site: TS.Node, out: Stmt[]): void {
    if (p.dotDotDotToken) unsupported(p, 'rest parameters are not supported', 'pass an array parameter instead');
    if (!arg && p.initializer) arg = this.bindArg(p.initializer, out);
    if (!arg) {
      if (p.questionToken && ts.isIdentifier(p.name)) {
        this.frame.absent.add(this.symbolOf(p.name));
        return;
      }
      unsupported(site, `missing argument for parameter '${p.name.getText()}'`, 'pass every argument, or give the parameter a default');
    }
    if (ts.isIdentifier(p.name)) this.bindName(p.name, arg, p, out);
    else this.bindPattern(p.name, arg, out);
  }

  /** A name bound to a value: numbers and booleans copied into a fresh variable, the rest by reference. */
  protected bindName(name: TS.Identifier, value: Bound, node: TS.Node, out: Stmt[]): void {
    const symbol = this.symbolOf(name);
    if (value.k === 'struct') {
      this.frame.structs.set(symbol, value.s);
    } else if (value.k === 'fn') {
      this.frame.functions.set(symbol, value.f);
    } else if (value.k === 'objects') {
      this.frame.objectArrays.set(symbol, value.o);
    } else if (value.a.k === 'var' && value.a.v.kind === 'array') {
      this.frame.symbols.set(symbol, value.a.v);
    } else {
      const v = this.newVar(name.text, { kind: atomKind(value.a) }, node);
      out.push({ k: 'assign', target: v, expr: { k: 'atom', a: value.a }, init: true });
      this.frame.symbols.set(symbol, v);
    }
  }
}


const atoms = (xs: readonly Atom[]): Bound[] => xs.map((a) => ({ k: 'atom', a }));

/** `Number.isFinite`, `Number.isNaN`, or the global `isFinite`/`isNaN`, as the callee of a call. */
function numberTest(callee: TS.Expression, checker: TS.TypeChecker): 'isFinite' | 'isNaN' | undefined {
  const name = ts.isIdentifier(callee) ? callee : ts.isPropertyAccessExpression(callee) && ts.isIdentifier(callee.expression) && callee.expression.text === 'Number' && isGlobalMath(callee.expression, checker) ? callee.name : undefined;
  if (!name || (name.text !== 'isFinite' && name.text !== 'isNaN')) return undefined;
  const decl = checker.getSymbolAtLocation(name)?.valueDeclaration;
  return !decl || decl.getSourceFile().isDeclarationFile ? name.text : undefined;
}
