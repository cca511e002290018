/**
 * Statements: declarations, assignments, if/else, loops. `break`, `continue` and nested `return`
 * set flag variables; the statements after a jump are guarded by the flags, and loop conditions
 * test them.
 */
import type * as TS from 'typescript';
import { unsupported } from '../../diagnostics.js';
import { type ArrayType, type Atom, bool, type Expr, type Loop, num, ref, type Stmt } from '../../ir.js';
import { tempName } from '../../naming.js';
import { ts } from '../../tsapi.js';
import { arrayTypeOfConstructor, scalarKind, shapeOf } from '../../types.js';
import { canonicalFor } from '../canonicalLoop.js';
import { loopMarks, type LoopMarks } from '../loopMarkers.js';
import { atomKind, type Flags, type FunctionLike, isNumeric, type LoopFrame, none, skipParens } from './base.js';
import { CallLowerer } from './calls.js';

export abstract class StmtLowerer extends CallLowerer {
  // ── statements ──────────────────────────────────────────────────────────────────────────────

  protected lowerFrameBody(decl: FunctionLike): Stmt[] {
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
  protected lowerList(stmts: readonly TS.Statement[], out: Stmt[]): Flags {
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
  protected noneSet(flags: Flags, out: Stmt[]): Atom {
    let any: Atom | undefined;
    for (const f of flags) any = any ? this.temp('bool', { k: 'bin', op: '||', a: any, b: ref(f) }, out) : ref(f);
    return this.temp('bool', { k: 'un', op: '!', a: any! }, out);
  }

  protected lowerStatement(s: TS.Statement, out: Stmt[]): Flags {
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

  protected assignResult(s: TS.ReturnStatement, out: Stmt[]): void {
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

  protected lowerJump(s: TS.BreakOrContinueStatement, out: Stmt[]): Flags {
    if (s.label) unsupported(s, 'labeled break/continue is not supported', 'restructure with a flag variable or an early return');
    const loop = this.frame.loops[this.frame.loops.length - 1];
    if (!loop) unsupported(s, `'${s.getText()}' outside a loop is not supported`, 'switch statements are not supported; use if/else');
    const isBreak = s.kind === ts.SyntaxKind.BreakStatement;
    const f = isBreak ? (loop.brk ??= this.flag('brk')) : (loop.cnt ??= this.flag('cnt'));
    out.push({ k: 'assign', target: f, expr: { k: 'atom', a: bool(true) } });
    return new Set([f]);
  }

  protected lowerIf(s: TS.IfStatement, out: Stmt[]): Flags {
    const cond = this.lowerExpr(s.expression, out);
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

  protected lowerFor(s: TS.ForStatement, out: Stmt[]): Flags {
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

  protected lowerLoop(
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

  protected lowerDeclarations(list: TS.VariableDeclarationList, out: Stmt[]): void {
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
  protected declareAs(d: TS.VariableDeclaration, name: TS.Identifier, value: Atom, out: Stmt[]): void {
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
  protected allocation(e: TS.Expression, out: Stmt[]): { type: ArrayType; expr: Expr; elements: Atom[] } | undefined {
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
