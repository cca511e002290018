/**
 * Finds marker calls (`grad(f)`, `valueAndGrad(f, [0, 2])`) in a source file. A call is a marker
 * when the type checker resolves its callee to tsgrad's own declaration, so `import { grad as g }`
 * and `import * as tg` work and a user's unrelated `grad` is left alone.
 */
import * as path from 'node:path';
import type * as TS from 'typescript';
import { Code, Unsupported } from '../diagnostics.js';
import { ts } from '../tsapi.js';
import type { FunctionLike } from '../types.js';

export type Mode = 'grad' | 'valueAndGrad';
/** Transformations beyond grad: forward mode, vector-output reverse mode, Jacobians, Hessians. */
export type TransformMarker = 'jvp' | 'vjp' | 'jacfwd' | 'jacrev' | 'hessian' | 'hvp';
export type Marker = Mode | 'jit' | 'jitAsync' | TransformMarker;
export const transformMarkers: ReadonlySet<string> = new Set(['jvp', 'vjp', 'jacfwd', 'jacrev', 'hessian', 'hvp']);

export interface CallSite {
  readonly call: TS.CallExpression;
  readonly mode: Marker;
}

export interface ResolvedCall {
  readonly call: TS.CallExpression;
  readonly mode: Mode;
  readonly decl: FunctionLike;
  readonly name: string;
  readonly argnums: readonly number[];
  /** argnums was an array: the result is a tuple. */
  readonly tuple: boolean;
  /** The statement declaring `f` in this file, or undefined (f is inline or imported). */
  readonly declaringStatement?: TS.Statement;
}

const markers: ReadonlySet<string> = new Set(['grad', 'valueAndGrad', 'jit', 'jitAsync', ...transformMarkers]);
/** The package root: dist/compiler/passes → three levels up. */
const packageRoot = path.resolve(__dirname, '..', '..', '..');

export function isTsgradDeclaration(decl: TS.Declaration): boolean {
  const file = path.resolve(decl.getSourceFile().fileName);
  if (file.startsWith(packageRoot + path.sep) && /[\\/]runtime[\\/]index\.(d\.)?ts$/.test(file)) return true;
  return /[\\/]node_modules[\\/]tsgrad[\\/]dist[\\/](esm[\\/])?runtime[\\/]index\.d\.ts$/.test(file);
}

export function findCallSites(file: TS.SourceFile, checker: TS.TypeChecker): CallSite[] {
  const found: CallSite[] = [];
  const visit = (node: TS.Node): void => {
    if (ts.isCallExpression(node)) {
      const decl = checker.getResolvedSignature(node)?.declaration;
      const name = decl && ts.isFunctionDeclaration(decl) ? decl.name?.text : undefined;
      if (name && markers.has(name) && isTsgradDeclaration(decl!)) found.push({ call: node, mode: name as Marker });
    }
    ts.forEachChild(node, visit);
  };
  visit(file);
  return found;
}

const badCall = (node: TS.Node, what: string, hint: string): never => {
  throw new Unsupported(node, what, hint, Code.BadCall);
};

export interface ResolvedJit {
  readonly call: TS.CallExpression;
  readonly decl: FunctionLike;
  readonly name: string;
  readonly isAsync: boolean;
  /** The function argument, which the js backend runs as it is. */
  readonly reference: TS.Expression;
  readonly options?: TS.Expression;
  readonly declaringStatement?: TS.Statement;
  /** `jit(grad(f))`: the derivative to compile, with its kernels. */
  readonly derivative?: ResolvedCall;
}

/** `jit(f, options?)` / `jitAsync(f, options?)`: the function, and whether the result is async. */
export function resolveJit(site: CallSite, checker: TS.TypeChecker): ResolvedJit {
  const { call, mode } = site;
  const [fArg, options] = call.arguments;
  if (!fArg) badCall(call, `${mode}() needs a function`, `write ${mode}(f)`);
  let inner: TS.Expression = fArg;
  while (ts.isParenthesizedExpression(inner)) inner = inner.expression;
  let derivative: ResolvedCall | undefined;
  if (ts.isCallExpression(inner)) {
    const decl = checker.getResolvedSignature(inner)?.declaration;
    const name = decl && ts.isFunctionDeclaration(decl) ? decl.name?.text : undefined;
    if (!name || (name !== 'grad' && name !== 'valueAndGrad') || !isTsgradDeclaration(decl!)) {
      badCall(fArg, `${mode}() needs a function or grad(f) / valueAndGrad(f), and '${inner.expression.getText()}(…)' is neither`,
        'pass a function declared in the program, or a tsgrad derivative of one');
    }
    derivative = resolveCall({ call: inner, mode: name as Mode }, checker);
  }
  let isAsync = mode === 'jitAsync';
  if (options) {
    let o: TS.Expression = options;
    while (ts.isParenthesizedExpression(o)) o = o.expression;
    const asyncProp = ts.isObjectLiteralExpression(o)
      ? o.properties.find((p) => p.name && ts.isIdentifier(p.name) && p.name.text === 'async')
      : undefined;
    if (!ts.isObjectLiteralExpression(o)) {
      if (mode === 'jit') badCall(options, 'jit options must be an object literal', "write jit(f, { backend: 'webasm', async: true }); the backend may be any expression");
    } else if (asyncProp) {
      const value = ts.isPropertyAssignment(asyncProp) ? asyncProp.initializer : undefined;
      if (!value || (value.kind !== ts.SyntaxKind.TrueKeyword && value.kind !== ts.SyntaxKind.FalseKeyword)) {
        badCall(asyncProp, 'the async option must be the literal true or false', 'the compiler generates different code for the async form');
      }
      if (mode === 'jitAsync' && value!.kind === ts.SyntaxKind.FalseKeyword) badCall(asyncProp, 'jitAsync cannot be synchronous', 'use jit(f) for the synchronous form');
      isAsync = value!.kind === ts.SyntaxKind.TrueKeyword;
    }
  }
  const f = derivative ?? resolveCall({ call, mode: 'grad' }, checker, { label: 'jit', argnums: false });
  return { call, decl: f.decl, name: f.name, isAsync, reference: fArg, options, declaringStatement: f.declaringStatement, derivative };
}

/** The marker call's function is itself a tsgrad marker call of this name (`grad(grad(f))`). */
export function innerMarker(call: TS.CallExpression, checker: TS.TypeChecker, name: string): TS.CallExpression | undefined {
  let inner: TS.Expression | undefined = call.arguments[0];
  while (inner && ts.isParenthesizedExpression(inner)) inner = inner.expression;
  if (!inner || !ts.isCallExpression(inner)) return undefined;
  const decl = checker.getResolvedSignature(inner)?.declaration;
  return decl && ts.isFunctionDeclaration(decl) && decl.name?.text === name && isTsgradDeclaration(decl) ? inner : undefined;
}

export interface ResolvedTransform extends ResolvedCall {
  readonly marker: TransformMarker;
  /** The function argument as written (vjp and jacrev run it for the value). */
  readonly reference: TS.Expression;
}

/** jvp(f, primals, tangents), vjp(f, ...primals), jacfwd / jacrev / hessian / hvp(f, argnum?). */
export function resolveTransform(site: CallSite, checker: TS.TypeChecker): ResolvedTransform {
  const marker = site.mode as TransformMarker;
  const single = marker !== 'jvp' && marker !== 'vjp';
  const f = resolveCall(site, checker, { label: marker, argnums: single });
  if (f.tuple) badCall(site.call.arguments[1], `${marker} differentiates with respect to one argument`, `write ${marker}(f) or ${marker}(f, 1)`);
  return { ...f, marker, reference: site.call.arguments[0] };
}

/** The function a marker differentiates, and with respect to which arguments. */
export function resolveCall(site: CallSite, checker: TS.TypeChecker, as?: { readonly label: string; readonly argnums: boolean }): ResolvedCall {
  const { call } = site;
  const mode = site.mode as Mode;
  const label = as?.label ?? mode;
  const [fArg, argnumsArg] = call.arguments;
  if (!fArg) badCall(call, `${label}() needs a function`, `write ${label}(f)`);
  const { argnums, tuple } = as && !as.argnums ? { argnums: [], tuple: false } : readArgnums(argnumsArg);
  let target: TS.Expression = fArg;
  while (ts.isParenthesizedExpression(target)) target = target.expression;
  if (ts.isArrowFunction(target) || ts.isFunctionExpression(target)) {
    checkRange(target, argnums, argnumsArg ?? call);
    return { call, mode, decl: target, name: target.name?.text ?? 'anonymous', argnums, tuple };
  }
  const symbol = checker.getSymbolAtLocation(target);
  const real = symbol && symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  const decl = real?.valueDeclaration;
  const name = real?.getName() ?? target.getText();
  let fn: FunctionLike | undefined;
  let statement: TS.Statement | undefined;
  if (decl && ts.isFunctionDeclaration(decl)) {
    fn = decl;
    statement = decl;
  } else if (decl && ts.isVariableDeclaration(decl) && decl.initializer) {
    let init = decl.initializer;
    while (ts.isParenthesizedExpression(init)) init = init.expression;
    if (ts.isArrowFunction(init) || ts.isFunctionExpression(init)) {
      if (!(decl.parent.flags & ts.NodeFlags.Const)) {
        badCall(fArg, `'${name}' is a mutable variable`, `declare it with const or as a function declaration, so the compiled derivative matches the function that runs`);
      }
      fn = init;
      statement = decl.parent.parent as TS.Statement;
    }
  }
  if (!fn) {
    return badCall(fArg, `${label}() needs a function declared in the program, and '${fArg.getText()}' is not one`,
      'pass a function declaration, a const arrow function, or an inline function expression');
  }
  if (!fn.body) badCall(fArg, `'${name}' has no body in the program`, 'tsgrad differentiates functions whose source is compiled with it');
  checkRange(fn, argnums, argnumsArg ?? call);
  const sameFile = fn.getSourceFile() === call.getSourceFile();
  return { call, mode, decl: fn, name, argnums, tuple, declaringStatement: sameFile ? statement : undefined };
}

/** argnums must name parameters of `fn`; the error points at the call's argnums. */
function checkRange(fn: FunctionLike, argnums: readonly number[], at: TS.Node): void {
  for (const i of argnums) {
    if (i < 0 || i >= fn.parameters.length) {
      badCall(at, `argnums ${i} is out of range: the function has ${fn.parameters.length} parameter(s)`, 'pass indices of parameters, counting from 0');
    }
  }
}

function readArgnums(arg: TS.Expression | undefined): { argnums: number[]; tuple: boolean } {
  if (!arg) return { argnums: [0], tuple: false };
  const literal = (e: TS.Expression): number => {
    if (!ts.isNumericLiteral(e) || !Number.isInteger(Number(e.text))) {
      return badCall(e, 'argnums must be integer literals', 'write grad(f, 1) or grad(f, [0, 2])');
    }
    return Number(e.text);
  };
  let e = arg;
  while (ts.isParenthesizedExpression(e) || ts.isAsExpression(e)) e = e.expression;
  if (ts.isArrayLiteralExpression(e)) {
    const argnums = e.elements.map(literal);
    if (argnums.length === 0) badCall(e, 'argnums is empty', 'name at least one parameter index');
    if (new Set(argnums).size !== argnums.length) badCall(e, 'argnums repeats an index', 'name each parameter once');
    return { argnums, tuple: true };
  }
  return { argnums: [literal(e)], tuple: false };
}
