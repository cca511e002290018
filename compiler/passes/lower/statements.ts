/**
 * Statements: lists, if/else, switch, jumps, return. `break`, `continue` and nested `return` set
 * flag variables; the statements after a jump are guarded by the flags, and loop conditions test
 * them (loops.ts).
 */
import type * as TS from 'typescript';
import { unsupported } from '../../diagnostics.js';
import { type Atom, bool, num, ref, type Stmt } from '../../ir.js';
import { ts } from '../../tsapi.js';
import { type Flags, type FunctionLike, type LoopFrame, none, skipParens, type StructNode } from './base.js';
import { scalarKind } from '../../types.js';
import { PatternLowerer } from './patterns.js';

const str = (value: string): Atom => ({ k: 'const', value });

export abstract class StmtLowerer extends PatternLowerer {
  protected abstract lowerFor(s: TS.ForStatement, out: Stmt[], label?: string): Flags;
  protected abstract lowerForOf(s: TS.ForOfStatement, out: Stmt[], label?: string): Flags;
  protected abstract lowerWhile(s: TS.WhileStatement | TS.DoStatement, out: Stmt[], label?: string): Flags;

  protected lowerFrameBody(decl: FunctionLike): Stmt[] {
    const out: Stmt[] = [];
    const body = decl.body!;
    if (ts.isBlock(body)) {
      this.lowerList(body.statements, out);
    } else if (this.frame.structResult) {
      this.returnStruct(body, out);
    } else if (this.frame.arrayResult) {
      this.frame.arrayResult.array = this.lowerArray(body, out);
    } else {
      const value = this.lowerExpr(body, out);
      out.push({ k: 'assign', target: this.frame.result, expr: { k: 'atom', a: value } });
    }
    if (this.frame.ret) out.unshift({ k: 'assign', target: this.frame.ret, expr: { k: 'atom', a: bool(false) } });
    return out;
  }

  /** Lowers a statement list; returns the flags that a jump in it may leave set. */
  protected lowerList(stmts: readonly TS.Statement[], out: Stmt[]): Flags {
    const escaping = none();
    for (let i = 0; i < stmts.length; i++) {
      const s = stmts[i];
      if (ts.isReturnStatement(s) && s.parent === this.frame.decl.body) {
        this.assignResult(s, out);
        return escaping; // statements after a top-level return never run
      }
      const flags = this.lowerStatement(s, out);
      if (ts.isThrowStatement(s)) return escaping; // what follows a throw never runs
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
  protected noneSet(flags: Flags, out: Stmt[]): Atom {
    let any: Atom | undefined;
    for (const f of flags) any = any ? this.temp('bool', { k: 'bin', op: '||', a: any, b: ref(f) }, out) : ref(f);
    return this.temp('bool', { k: 'un', op: '!', a: any! }, out);
  }

  protected lowerStatement(s: TS.Statement, out: Stmt[], label?: string): Flags {
    const K = ts.SyntaxKind;
    switch (s.kind) {
      case K.LabeledStatement: {
        const l = s as TS.LabeledStatement;
        if (!ts.isIterationStatement(l.statement, false) && !ts.isSwitchStatement(l.statement)) {
          unsupported(l, 'a label on a statement that is not a loop', 'label loops only (outer: for (…))');
        }
        return this.lowerStatement(l.statement, out, l.label.text);
      }
      case K.FunctionDeclaration:
        return none(); // a local function: inlined where it is called
      case K.SwitchStatement:
        return this.lowerSwitch(s as TS.SwitchStatement, out, label);
      case K.ForOfStatement:
        return this.lowerForOf(s as TS.ForOfStatement, out, label);
      case K.VariableStatement:
        this.lowerDeclarations((s as TS.VariableStatement).declarationList, out);
        return none();
      case K.ExpressionStatement: {
        const e = (s as TS.ExpressionStatement).expression;
        if (isConsoleCall(e, this.checker)) return none(); // logging: no part of the derivative
        this.lowerExpr(e, out, false);
        return none();
      }
      case K.Block:
        return this.lowerList((s as TS.Block).statements, out);
      case K.EmptyStatement:
        return none();
      case K.IfStatement:
        return this.lowerIf(s as TS.IfStatement, out);
      case K.ForStatement:
        return this.lowerFor(s as TS.ForStatement, out, label);
      case K.WhileStatement:
      case K.DoStatement:
        return this.lowerWhile(s as TS.WhileStatement | TS.DoStatement, out, label);
      case K.BreakStatement:
      case K.ContinueStatement:
        return this.lowerJump(s as TS.BreakOrContinueStatement, out);
      case K.ReturnStatement:
        this.assignResult(s as TS.ReturnStatement, out);
        this.frame.ret ??= this.flag('ret');
        out.push({ k: 'assign', target: this.frame.ret, expr: { k: 'atom', a: bool(true) } });
        return new Set([this.frame.ret]);
      case K.ThrowStatement:
        // the derivative throws where the function does (lowerList leaves out what follows it)
        this.lowerThrow(s as TS.ThrowStatement, out);
        return none();
      default:
        return unsupported(s, `${statementName(s)} is not supported in differentiated code`, statementHint(s));
    }
  }

  /**
   * `throw new RangeError(`bad ${x}`)` → `__tsgrad.raise('RangeError', 'bad ', x)`: the same error
   * class (Error, RangeError or TypeError; others become Error) and message.
   */
  protected lowerThrow(s: TS.ThrowStatement, out: Stmt[]): void {
    let e = skipParens(s.expression);
    let kind = 'Error';
    if ((ts.isNewExpression(e) || ts.isCallExpression(e)) && ts.isIdentifier(e.expression) && /Error$/.test(e.expression.text)) {
      kind = ['RangeError', 'TypeError'].includes(e.expression.text) ? e.expression.text : 'Error';
      const [message] = e.arguments ?? [];
      if (!message) {
        out.push({ k: 'assign', target: this.newVar('_thrown', { kind: 'num' }, s), expr: { k: 'call', callee: { name: 'raise', runtime: true }, args: [str(kind)] } });
        return;
      }
      e = skipParens(message);
    }
    const parts: Atom[] = [str(kind)];
    const piece = (x: TS.Expression): void => {
      x = skipParens(x);
      if (ts.isStringLiteral(x) || ts.isNoSubstitutionTemplateLiteral(x)) parts.push(str(x.text));
      else if (ts.isTemplateExpression(x)) {
        parts.push(str(x.head.text));
        for (const span of x.templateSpans) {
          piece(span.expression);
          parts.push(str(span.literal.text));
        }
      } else if (ts.isBinaryExpression(x) && x.operatorToken.kind === ts.SyntaxKind.PlusToken && this.isString(x)) {
        piece(x.left);
        piece(x.right);
      } else if (scalarKind(this.checker.getTypeAtLocation(x))) parts.push(this.lowerExpr(x, out));
      else parts.push(str(x.getText()));
    };
    piece(e);
    out.push({ k: 'assign', target: this.newVar('_thrown', { kind: 'num' }, s), expr: { k: 'call', callee: { name: 'raise', runtime: true }, args: parts } });
  }

  private isString(e: TS.Expression): boolean {
    return !!(this.checker.getTypeAtLocation(e).flags & ts.TypeFlags.StringLike);
  }

  protected assignResult(s: TS.ReturnStatement, out: Stmt[]): void {
    if (!s.expression) return;
    if (this.frame.structResult) {
      this.returnStruct(s.expression, out);
      return;
    }
    const arrayResult = this.frame.arrayResult;
    if (arrayResult?.several) {
      // one of several returns: the result variable names this return's array
      const result = arrayResult.array!;
      const before = this.nextVar;
      const array = this.lowerArray(s.expression, out);
      if (array.id < before || array.outer) this.shared.add(result).add(array);
      out.push({ k: 'assign', target: result, expr: { k: 'atom', a: ref(array) } });
      return;
    }
    if (arrayResult) {
      const array = this.lowerArray(s.expression, out);
      const known = arrayResult.array;
      if (known && known !== array) {
        unsupported(s.expression, `'${this.frame.decl.name?.getText() ?? 'the function'}' returns two different arrays ('${known.name}' and '${array.name}'), so its result is known only at run time`,
          'return one array from every return statement: fill one result array in each branch and return it at the end');
      }
      arrayResult.array = array;
      return;
    }
    const value = this.lowerExpr(s.expression, out);
    out.push({ k: 'assign', target: this.frame.result, expr: { k: 'atom', a: value } });
  }

  /**
   * `return { value, grad }`: the object is the result. With several returns, the first one's
   * fields become the result's (numbers copied into variables of the result, which the later
   * returns assign); arrays and nested objects must then be the same in every return.
   */
  private returnStruct(e: TS.Expression, out: Stmt[]): void {
    const result = this.frame.structResult!;
    const node = this.structValue(e, out, 'result');
    if (!node) unsupported(e, `'${e.getText()}' is not an object tsgrad follows`, 'return an object literal or another object of the program');
    if (!result.several) {
      result.node = node;
      return;
    }
    if (!result.node) {
      const fresh = (n: StructNode): StructNode => {
        const made: StructNode = new Map([...n].map(([k, f]) => [k, f instanceof Map ? fresh(f) : f.kind === 'array' ? f : this.newVar(`result_${k}`, { kind: f.kind }, e)]));
        this.localStructs.add(made); // built here: its number fields may be assigned by the caller
        return made;
      };
      result.node = fresh(node);
    }
    const assign = (into: StructNode, from: StructNode): void => {
      for (const [k, target] of into) {
        const value = from.get(k);
        if (target instanceof Map && value instanceof Map) assign(target, value);
        else if (!(target instanceof Map) && value && !(value instanceof Map) && target.kind !== 'array') out.push({ k: 'assign', target, expr: { k: 'atom', a: ref(value) } });
        else if (target !== value) unsupported(e, `the returns of '${this.frame.decl.name?.getText() ?? 'the function'}' give field '${k}' different arrays or objects`, 'return the same arrays from every return, or return numbers');
      }
    };
    assign(result.node, node);
  }

  protected lowerJump(s: TS.BreakOrContinueStatement, out: Stmt[]): Flags {
    const isBreak = s.kind === ts.SyntaxKind.BreakStatement;
    const label = s.label?.text;
    const loops = this.frame.loops;
    let target: LoopFrame | undefined;
    for (let i = loops.length - 1; i >= 0 && !target; i--) {
      const l = loops[i];
      if (label ? l.label === label : isBreak || !l.isSwitch) target = l;
    }
    if (!target) unsupported(s, `'${s.getText()}' outside a loop${label ? ' with that label' : ''}`, 'break and continue loops and switches of the same function');
    if (!isBreak && target.isSwitch) unsupported(s, `'continue ${label}' names a switch`, 'continue a loop');
    const f = isBreak ? (target.brk ??= this.flag('brk')) : (target.cnt ??= this.flag('cnt'));
    out.push({ k: 'assign', target: f, expr: { k: 'atom', a: bool(true) } });
    return new Set([f]);
  }

  /**
   * `switch`: the case values are tested in order (up to the first match, as JavaScript does), then
   * each clause runs from the matched one on (fall-through) until a break:
   *   start = d === A ? 0 : d === B ? 1 : <default's index>;  m = false
   *   m = m || start === 0; if (m && !brk) { clause 0 }   m = m || start === 1; if (m && !brk) { clause 1 } …
   */
  protected lowerSwitch(s: TS.SwitchStatement, out: Stmt[], label?: string): Flags {
    const d = this.lowerExpr(s.expression, out);
    const clauses = s.caseBlock.clauses;
    const start = this.newVar('_case', { kind: 'num' }, s);
    const defaultIndex = clauses.findIndex((c) => ts.isDefaultClause(c));
    out.push({ k: 'assign', target: start, expr: { k: 'atom', a: num(-1) }, init: true });
    let chain = out;
    clauses.forEach((c, k) => {
      if (!ts.isCaseClause(c)) return;
      const value = this.lowerExpr(c.expression, chain);
      const hit = this.temp('bool', { k: 'bin', op: '===', a: d, b: value }, chain);
      const next: Stmt[] = [];
      chain.push({ k: 'if', cond: hit, then: [{ k: 'assign', target: start, expr: { k: 'atom', a: num(k) } }], else: next });
      chain = next;
    });
    if (defaultIndex >= 0) chain.push({ k: 'assign', target: start, expr: { k: 'atom', a: num(defaultIndex) } });
    const frame: LoopFrame = { isSwitch: true, label };
    const matched = this.newVar('_matched', { kind: 'bool' }, s);
    const code: Stmt[] = [{ k: 'assign', target: matched, expr: { k: 'atom', a: bool(false) }, init: true }];
    const escaping = none();
    this.frame.loops.push(frame);
    try {
      clauses.forEach((c, k) => {
        const here = this.temp('bool', { k: 'bin', op: '===', a: ref(start), b: num(k) }, code);
        code.push({ k: 'assign', target: matched, expr: { k: 'bin', op: '||', a: ref(matched), b: here } });
        const run = escaping.size > 0 ? this.temp('bool', { k: 'bin', op: '&&', a: ref(matched), b: this.noneSet(escaping, code) }, code) : ref(matched);
        const body: Stmt[] = [];
        this.lowerList(c.statements, body).forEach((f) => escaping.add(f));
        code.push({ k: 'if', cond: run, then: body, else: [] });
      });
    } finally {
      this.frame.loops.pop();
    }
    if (frame.brk) out.push({ k: 'assign', target: frame.brk, expr: { k: 'atom', a: bool(false) } });
    out.push(...code);
    escaping.delete(frame.brk!);
    return escaping;
  }

  protected lowerIf(s: TS.IfStatement, out: Stmt[]): Flags {
    const cond = this.lowerExpr(s.expression, out);
    // known at build time (`if (k === undefined)` for an optional parameter): only the branch that runs
    if (cond.k === 'const') {
      const taken = cond.value ? s.thenStatement : s.elseStatement;
      return taken ? this.lowerBranch(taken, out) : none();
    }
    const thenOut: Stmt[] = [];
    const elseOut: Stmt[] = [];
    const flags = this.lowerBranch(s.thenStatement, thenOut);
    if (s.elseStatement) this.lowerBranch(s.elseStatement, elseOut).forEach((f) => flags.add(f));
    out.push({ k: 'if', cond, then: thenOut, else: elseOut });
    return flags;
  }

  /** A branch or loop body: a statement lowered as a list. */
  protected lowerBranch(s: TS.Statement, out: Stmt[]): Flags {
    return this.lowerList(ts.isBlock(s) ? s.statements : [s], out);
  }

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
  if (s.kind === K.ForInStatement) return 'use for…of, or an indexed for loop: for (let i = 0; i < a.length; i++)';
  return 'tsgrad compiles let/const, assignments, if/else, switch, for, for…of, while, do…while, break, continue, return and throw';
}

/** `console.log(…)`, `console.warn(…)`, … of the global console. */
function isConsoleCall(e: TS.Expression, checker: TS.TypeChecker): boolean {
  if (!ts.isCallExpression(e) || !ts.isPropertyAccessExpression(e.expression) || !ts.isIdentifier(e.expression.expression)) return false;
  if (e.expression.expression.text !== 'console') return false;
  const decl = checker.getSymbolAtLocation(e.expression.expression)?.valueDeclaration;
  return !decl || decl.getSourceFile().isDeclarationFile;
}
