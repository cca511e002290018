/**
 * Recognizes counted loops, `for (let i = start; <cond>; i++ | i-- | i += c | i -= c)` where
 * nothing in the condition or body assigns `i`. For those the reverse sweep recomputes `i` from the
 * iteration number (`i = start + k * step`) instead of saving it every iteration.
 */
import type * as TS from 'typescript';
import { ts } from '../tsapi.js';
import { scalarKind } from '../types.js';

export interface CanonicalFor {
  readonly name: TS.Identifier;
  readonly init: TS.Expression;
  readonly step: number;
}

export function canonicalFor(s: TS.ForStatement, checker: TS.TypeChecker): CanonicalFor | undefined {
  const list = s.initializer;
  if (!list || !ts.isVariableDeclarationList(list) || !(list.flags & ts.NodeFlags.Let) || list.declarations.length !== 1) return undefined;
  const decl = list.declarations[0];
  if (!ts.isIdentifier(decl.name) || !decl.initializer) return undefined;
  if (scalarKind(checker.getTypeAtLocation(decl.name)) !== 'num') return undefined;
  const symbol = checker.getSymbolAtLocation(decl.name);
  const step = s.incrementor && stepOf(s.incrementor, symbol, checker);
  if (!symbol || !step) return undefined;
  if ((s.condition && assigns(s.condition, symbol, checker)) || assigns(s.statement, symbol, checker)) return undefined;
  return { name: decl.name, init: decl.initializer, step };
}

function isCounter(e: TS.Expression, symbol: TS.Symbol | undefined, checker: TS.TypeChecker): boolean {
  return ts.isIdentifier(e) && checker.getSymbolAtLocation(e) === symbol;
}

function stepOf(e: TS.Expression, symbol: TS.Symbol | undefined, checker: TS.TypeChecker): number | undefined {
  const K = ts.SyntaxKind;
  if ((ts.isPostfixUnaryExpression(e) || ts.isPrefixUnaryExpression(e)) && isCounter(e.operand, symbol, checker)) {
    if (e.operator === K.PlusPlusToken) return 1;
    if (e.operator === K.MinusMinusToken) return -1;
  }
  if (ts.isBinaryExpression(e) && isCounter(e.left, symbol, checker) && ts.isNumericLiteral(e.right)) {
    const c = Number(e.right.text);
    if (c === 0 || !Number.isFinite(c)) return undefined;
    if (e.operatorToken.kind === K.PlusEqualsToken) return c;
    if (e.operatorToken.kind === K.MinusEqualsToken) return -c;
  }
  return undefined;
}

/** Whether `node` contains an assignment, `++` or `--` to `symbol`. */
function assigns(node: TS.Node, symbol: TS.Symbol, checker: TS.TypeChecker): boolean {
  let found = false;
  const visit = (n: TS.Node): void => {
    if (found) return;
    if (ts.isBinaryExpression(n) && n.operatorToken.kind >= ts.SyntaxKind.FirstAssignment && n.operatorToken.kind <= ts.SyntaxKind.LastAssignment) {
      if (isCounter(skip(n.left), symbol, checker)) found = true;
    }
    if ((ts.isPrefixUnaryExpression(n) || ts.isPostfixUnaryExpression(n)) &&
      (n.operator === ts.SyntaxKind.PlusPlusToken || n.operator === ts.SyntaxKind.MinusMinusToken) && isCounter(skip(n.operand), symbol, checker)) {
      found = true;
    }
    ts.forEachChild(n, visit);
  };
  visit(node);
  return found;
}

function skip(e: TS.Expression): TS.Expression {
  while (ts.isParenthesizedExpression(e)) e = e.expression;
  return e;
}
