/**
 * Emit: code tree (code.ts) → `ts.factory` nodes; `// forward sweep` style comments become
 * synthetic comments on the statement that follows them.
 *
 * Parentheses are placed here, from JavaScript's precedence table, not left to the factory's
 * parenthesizer: that one prints `(-0.5) ** 2` as `-0.5 ** 2` (a SyntaxError) and drops the
 * parentheses of `a * (b * c)` (a different rounding). The tree's shape is the evaluation order:
 *   bin('**', neg(x), y)         →  (-x) ** y
 *   bin('*', a, bin('*', b, c))  →  a * (b * c)
 *   bin('-', x, n(-1))           →  x - -1
 */
import type * as TS from 'typescript';
import type { CExpr, CStmt } from './code.js';
import { ts } from './tsapi.js';

function operator(op: string): TS.BinaryOperator {
  const K = ts.SyntaxKind;
  const table: Record<string, TS.BinaryOperator> = {
    '+': K.PlusToken, '-': K.MinusToken, '*': K.AsteriskToken, '/': K.SlashToken, '%': K.PercentToken,
    '**': K.AsteriskAsteriskToken, '<': K.LessThanToken, '<=': K.LessThanEqualsToken, '>': K.GreaterThanToken,
    '>=': K.GreaterThanEqualsToken, '===': K.EqualsEqualsEqualsToken, '!==': K.ExclamationEqualsEqualsToken,
    '&&': K.AmpersandAmpersandToken, '||': K.BarBarToken, '=': K.EqualsToken, '+=': K.PlusEqualsToken,
    '-=': K.MinusEqualsToken, '|': K.BarToken, '&': K.AmpersandToken, '^': K.CaretToken, '<<': K.LessThanLessThanToken,
    '>>': K.GreaterThanGreaterThanToken, '>>>': K.GreaterThanGreaterThanGreaterThanToken,
  };
  const kind = table[op];
  if (kind === undefined) throw new Error(`tsgrad internal: no operator ${op}`);
  return kind;
}

/** Binding power of binary operators (MDN's table); all associate to the left except `**`. */
const binaryPrecedence: Readonly<Record<string, number>> = {
  '||': 3, '&&': 4, '|': 5, '^': 6, '&': 7, '===': 8, '!==': 8, '<': 9, '<=': 9, '>': 9, '>=': 9, '<<': 10, '>>': 10, '>>>': 10, '+': 11, '-': 11, '*': 12, '/': 12, '%': 12, '**': 13,
};
const Prec = { conditional: 2, exponent: 13, prefix: 14, postfix: 15, member: 17 } as const;

/** How tightly an expression binds as printed: an operand binding less tightly than its place needs gets parentheses. */
function precedence(e: CExpr): number {
  switch (e.k) {
    case 'num':
      return e.value < 0 || Object.is(e.value, -0) ? Prec.prefix : Prec.member; // -1, -Infinity print as prefix minus
    case 'bin': {
      const p = binaryPrecedence[e.op];
      if (p === undefined) throw new Error(`tsgrad internal: no precedence for ${e.op}`);
      return p;
    }
    case 'un':
    case 'await':
      return Prec.prefix;
    case 'cond':
      return Prec.conditional;
    case 'postfix':
      return e.prefix ? Prec.prefix : Prec.postfix;
    default:
      return Prec.member; // identifiers, literals, calls, member and element access, new X(…)
  }
}

/** `e`, in parentheses when it binds less tightly than `min`. */
function operand(e: CExpr, min: number): TS.Expression {
  const node = emitExpr(e);
  return precedence(e) < min ? ts.factory.createParenthesizedExpression(node) : node;
}

function emitBinary(e: CExpr & { k: 'bin' }): TS.Expression {
  const p = precedence(e);
  // `**` is right-associative and its base cannot be a unary expression: `(-x) ** y`, `(a ** b) ** c`, `a ** b ** c`, `a ** -b`.
  // The others associate to the left: `a - b - c`, `a - (b - c)`.
  const [left, right] = e.op === '**' ? [Prec.postfix, Prec.exponent] : [p, p + 1];
  return ts.factory.createBinaryExpression(operand(e.a, left), operator(e.op), operand(e.b, right));
}

export function emitExpr(e: CExpr): TS.Expression {
  const f = ts.factory;
  switch (e.k) {
    case 'num':
      if (Number.isNaN(e.value)) return f.createIdentifier('NaN');
      if (!Number.isFinite(e.value)) return e.value > 0 ? f.createIdentifier('Infinity') : f.createPrefixUnaryExpression(ts.SyntaxKind.MinusToken, f.createIdentifier('Infinity'));
      if (e.value < 0 || Object.is(e.value, -0)) return f.createPrefixUnaryExpression(ts.SyntaxKind.MinusToken, f.createNumericLiteral(-e.value));
      return f.createNumericLiteral(e.value);
    case 'bool':
      return e.value ? f.createTrue() : f.createFalse();
    case 'str':
      return f.createStringLiteral(e.value);
    case 'id':
      return e.original ? ts.setOriginalNode(f.createIdentifier(e.name), e.original) : f.createIdentifier(e.name);
    case 'bin':
      return emitBinary(e);
    case 'un':
      // `- -x` keeps its space (the printer's), `-(a ** b)` its parentheses
      return f.createPrefixUnaryExpression(e.op === '-' ? ts.SyntaxKind.MinusToken : ts.SyntaxKind.ExclamationToken, operand(e.a, Prec.prefix));
    case 'cond':
      return f.createConditionalExpression(operand(e.c, Prec.conditional + 1), f.createToken(ts.SyntaxKind.QuestionToken),
        operand(e.a, Prec.conditional), f.createToken(ts.SyntaxKind.ColonToken), operand(e.b, Prec.conditional));
    case 'call':
      return f.createCallExpression(operand(e.callee, Prec.member), undefined, e.args.map(emitExpr));
    case 'new':
      return f.createNewExpression(operand(e.callee, Prec.member), undefined, e.args.map(emitExpr));
    case 'member':
      return f.createPropertyAccessExpression(operand(e.obj, Prec.member), e.prop);
    case 'index':
      return f.createElementAccessExpression(operand(e.obj, Prec.member), emitExpr(e.index));
    case 'array':
      return f.createArrayLiteralExpression(e.items.map(emitExpr));
    case 'postfix': {
      const token = e.op === '++' ? ts.SyntaxKind.PlusPlusToken : ts.SyntaxKind.MinusMinusToken;
      return e.prefix ? f.createPrefixUnaryExpression(token, f.createIdentifier(e.name)) : f.createPostfixUnaryExpression(f.createIdentifier(e.name), token);
    }
    case 'object':
      return f.createObjectLiteralExpression(e.props.map((p) => f.createPropertyAssignment(p.name, emitExpr(p.value))), false);
    case 'await':
      return f.createAwaitExpression(operand(e.e, Prec.prefix));
  }
}

function declarationList(s: CStmt & { k: 'let' }): TS.VariableDeclarationList {
  const f = ts.factory;
  return f.createVariableDeclarationList(
    s.decls.map((d) => f.createVariableDeclaration(d.name, undefined, undefined, d.init && emitExpr(d.init))),
    s.isConst ? ts.NodeFlags.Const : ts.NodeFlags.Let,
  );
}

function block(stmts: readonly CStmt[]): TS.Block {
  return ts.factory.createBlock(emitStatements(stmts), true);
}

function emitStatement(s: CStmt): TS.Statement | undefined {
  const f = ts.factory;
  switch (s.k) {
    case 'let':
      return f.createVariableStatement(undefined, declarationList(s));
    case 'assign':
      return f.createExpressionStatement(f.createBinaryExpression(emitExpr(s.target), operator(s.op), emitExpr(s.value)));
    case 'expr':
      return f.createExpressionStatement(emitExpr(s.e));
    case 'if':
      // `else { if … }` prints as `else if …`
      return f.createIfStatement(emitExpr(s.cond), block(s.then),
        s.else.length === 1 && s.else[0].k === 'if' ? emitStatement(s.else[0]) : s.else.length > 0 ? block(s.else) : undefined);
    case 'for': {
      const init = s.init && (s.init.k === 'let' ? declarationList(s.init) : (emitStatement(s.init) as TS.ExpressionStatement).expression);
      return f.createForStatement(init, s.cond && emitExpr(s.cond), s.update && emitExpr(s.update), block(s.body));
    }
    case 'while':
      return f.createWhileStatement(emitExpr(s.cond), block(s.body));
    case 'return':
      return f.createReturnStatement(emitExpr(s.e));
    case 'break':
      return f.createBreakStatement();
    case 'comment':
      return undefined;
  }
}

export function emitStatements(stmts: readonly CStmt[]): TS.Statement[] {
  const out: TS.Statement[] = [];
  let pending: string[] = [];
  for (const s of stmts) {
    if (s.k === 'comment') {
      pending.push(s.text);
      continue;
    }
    const node = emitStatement(s)!;
    for (const text of pending) ts.addSyntheticLeadingComment(node, ts.SyntaxKind.SingleLineCommentTrivia, ` ${text}`, true);
    pending = [];
    out.push(node);
  }
  return out;
}

export function emitFunction(name: string, params: readonly string[], body: readonly CStmt[], isAsync = false, defaults?: ReadonlyMap<string, number | boolean | string>): TS.FunctionDeclaration {
  const f = ts.factory;
  const initial = (p: string): TS.Expression | undefined => {
    const d = defaults?.get(p);
    return d === undefined ? undefined : emitExpr(typeof d === 'string' ? { k: 'str', value: d } : typeof d === 'boolean' ? { k: 'bool', value: d } : { k: 'num', value: d });
  };
  return f.createFunctionDeclaration(
    isAsync ? [f.createModifier(ts.SyntaxKind.AsyncKeyword)] : undefined,
    undefined,
    name,
    undefined,
    params.map((p) => f.createParameterDeclaration(undefined, undefined, p, undefined, undefined, initial(p))),
    undefined,
    f.createBlock(emitStatements(body), true),
  );
}

/**
 * `const name = \`function name(params) { body }\`;`: a kernel as the source text gpu.js parses. A
 * string, not a function: gpu.js reads a function's source with Function.prototype.toString, and a
 * minifier rewrites functions into forms it cannot translate (comma expressions, renamed
 * parameters), while it leaves a string as it is. A template literal keeps the text readable.
 */
export function emitKernel(name: string, params: readonly string[], body: readonly CStmt[]): TS.VariableStatement {
  const f = ts.factory;
  const fn = f.createFunctionDeclaration(undefined, undefined, name, undefined,
    params.map((p) => f.createParameterDeclaration(undefined, undefined, p)), undefined, f.createBlock(emitStatements(body), true));
  const text = kernelPrinter().printNode(ts.EmitHint.Unspecified, fn, ts.createSourceFile(`${name}.js`, '', ts.ScriptTarget.Latest));
  // the text as it is between the backquotes, where nothing in it needs an escape (kernel code has no strings)
  const literal = /[`\\]|\$\{/.test(text) ? f.createNoSubstitutionTemplateLiteral(text) : f.createNoSubstitutionTemplateLiteral(text, text);
  return f.createVariableStatement(undefined, f.createVariableDeclarationList([f.createVariableDeclaration(name, undefined, undefined, literal)], ts.NodeFlags.Const));
}

let printer: TS.Printer | undefined;
const kernelPrinter = (): TS.Printer => (printer ??= ts.createPrinter({ newLine: ts.NewLineKind.LineFeed }));
