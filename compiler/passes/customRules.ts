/**
 * User-given derivatives: `customDerivative(f, ∂f/∂x₀, ∂f/∂x₁, …)` statements at the top level of
 * any file of the program. Each partial is a function of f's arguments and its result,
 *
 *   declare function erf(x: number): number;          // from a library's .d.ts
 *   customDerivative(erf, (x) => (2 / Math.sqrt(Math.PI)) * Math.exp(-x * x));
 *
 * and lowerToIR uses them at every call of f instead of inlining f (which may have no body):
 * `y = f(a, b)` becomes an opaque call plus the partials, inlined, so reverse mode, forward mode
 * and second order (the partials are themselves differentiated) all follow from one rule.
 */
import type * as TS from 'typescript';
import { Code, Unsupported } from '../diagnostics.js';
import { ts } from '../tsapi.js';
import { scalarKind } from '../types.js';
import { isTsgradDeclaration } from './findCallSites.js';
import type { FunctionLike } from '../types.js';

export interface CustomRule {
  /** The function the rule is for (its declaration; it may have no body). */
  readonly target: TS.SignatureDeclaration;
  /** ∂f/∂argᵢ as functions of (...args, result). */
  readonly partials: readonly FunctionLike[];
}

export interface CustomRules {
  readonly rules: ReadonlyMap<TS.Node, CustomRule>;
  /** Rejected rule statements, reported when their file is transformed. */
  readonly errors: ReadonlyMap<TS.SourceFile, readonly Unsupported[]>;
}

const bad = (node: TS.Node, what: string, hint: string): Unsupported => new Unsupported(node, what, hint, Code.BadCall);

export function findCustomRules(program: TS.Program, checker: TS.TypeChecker): CustomRules {
  const rules = new Map<TS.Node, CustomRule>();
  const errors = new Map<TS.SourceFile, Unsupported[]>();
  for (const file of program.getSourceFiles()) {
    if (file.isDeclarationFile || !file.text.includes('customDerivative')) continue;
    const visit = (node: TS.Node): void => {
      if (ts.isCallExpression(node) && isCustomDerivativeCall(node, checker)) {
        try {
          const rule = readRule(node, checker);
          if (rules.has(rule.target)) throw bad(node, `a second customDerivative for '${node.arguments[0].getText()}'`, 'give each function one rule');
          rules.set(rule.target, rule);
        } catch (err) {
          if (!(err instanceof Unsupported)) throw err;
          errors.set(file, [...(errors.get(file) ?? []), err]);
        }
      }
      ts.forEachChild(node, visit);
    };
    visit(file);
  }
  return { rules, errors };
}

function isCustomDerivativeCall(call: TS.CallExpression, checker: TS.TypeChecker): boolean {
  const decl = checker.getResolvedSignature(call)?.declaration;
  return !!decl && ts.isFunctionDeclaration(decl) && decl.name?.text === 'customDerivative' && isTsgradDeclaration(decl);
}

function readRule(call: TS.CallExpression, checker: TS.TypeChecker): CustomRule {
  if (!ts.isExpressionStatement(call.parent) || !ts.isSourceFile(call.parent.parent)) {
    throw bad(call, 'customDerivative must be a statement at the top level of a module', 'the rule applies to the whole program, at build time');
  }
  const [fArg, ...partialArgs] = call.arguments;
  if (!fArg) throw bad(call, 'customDerivative needs the function and its partial derivatives', 'write customDerivative(f, (x, y) => ∂f/∂x, …)');
  const symbol = checker.getSymbolAtLocation(fArg);
  const real = symbol && symbol.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(symbol) : symbol;
  const target = real?.valueDeclaration ?? real?.declarations?.[0];
  if (!target || !ts.isFunctionDeclaration(target)) {
    throw bad(fArg, `customDerivative needs a declared function, and '${fArg.getText()}' is not one`, 'name a function declaration (a `declare function` from a .d.ts file works)');
  }
  const name = fArg.getText();
  const numeric = (t: TS.Type): boolean => scalarKind(t) === 'num';
  const signature = checker.getSignatureFromDeclaration(target);
  const params = target.parameters;
  if (!signature || !numeric(checker.getReturnTypeOfSignature(signature)) || params.some((p) => !numeric(checker.getTypeAtLocation(p)) || !!p.dotDotDotToken || !!p.questionToken)) {
    throw bad(fArg, `customDerivative supports functions of numbers that return a number, and '${name}' is ${checker.typeToString(checker.getTypeOfSymbol(real!))}`,
      'wrap the function in one that takes and returns numbers');
  }
  if (partialArgs.length !== params.length) {
    throw bad(call, `customDerivative needs one partial derivative per parameter of '${name}' (${params.length}), and has ${partialArgs.length}`,
      `write customDerivative(${name}, ${params.map((p) => `(…) => ∂${name}/∂${p.name.getText()}`).join(', ')})`);
  }
  const partials = partialArgs.map((p) => {
    let e: TS.Expression = p;
    while (ts.isParenthesizedExpression(e)) e = e.expression;
    let fn: TS.Node | undefined = e;
    if (ts.isIdentifier(e)) {
      const s = checker.getSymbolAtLocation(e);
      fn = (s && s.flags & ts.SymbolFlags.Alias ? checker.getAliasedSymbol(s) : s)?.valueDeclaration;
    }
    if (!fn || !(ts.isArrowFunction(fn) || ts.isFunctionExpression(fn) || ts.isFunctionDeclaration(fn)) || !fn.body) {
      throw bad(p, 'a partial derivative must be a function with a body', 'write an arrow function of the arguments and the result: (x, y) => …');
    }
    if (fn.parameters.length > params.length + 1) {
      throw bad(p, `a partial derivative of '${name}' takes at most ${params.length + 1} parameters (the arguments, then the result)`, 'drop the extra parameters');
    }
    return fn;
  });
  return { target, partials };
}
