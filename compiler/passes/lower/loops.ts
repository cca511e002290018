/**
 * Loops: `for` (counted loops recognised, canonicalLoop.ts), `for…of` over arrays (`.entries()`,
 * `.keys()`, `.values()`), `while`, `do…while`, labeled. `break`, `continue` and `return` inside a
 * loop set flags that its condition and update test; a labeled jump to an outer loop leaves every
 * loop in between the same way.
 */
import type * as TS from 'typescript';
import { unsupported } from '../../diagnostics.js';
import { type Atom, bool, type Loop, num, ref, type Stmt } from '../../ir.js';
import { tempName } from '../../naming.js';
import { ts } from '../../tsapi.js';
import { canonicalFor } from '../canonicalLoop.js';
import { loopMarks, type LoopMarks } from '../loopMarkers.js';
import { type Bound, type Flags, type LoopFrame, skipParens } from './base.js';
import { StmtLowerer } from './statements.js';

interface LoopParts {
  /** The condition: an expression of the user's, or built here (for…of). */
  readonly condition?: TS.Expression | ((into: Stmt[]) => Atom);
  readonly body: TS.Statement;
  readonly update: Stmt[];
  readonly isDo?: boolean;
  readonly canonical?: Loop['canonical'];
  readonly marks: LoopMarks;
  /** Statements at the top of each iteration (for…of binds its element). */
  readonly prelude?: (body: Stmt[]) => void;
  readonly label?: string;
}

export abstract class LoopLowerer extends StmtLowerer {
  protected lowerWhile(s: TS.WhileStatement | TS.DoStatement, out: Stmt[], label?: string): Flags {
    return this.lowerLoop({ condition: s.expression, body: s.statement, update: [], isDo: ts.isDoStatement(s), marks: loopMarks(s), label }, out);
  }

  protected lowerFor(s: TS.ForStatement, out: Stmt[], label?: string): Flags {
    const canonical = canonicalFor(s, this.checker);
    const update: Stmt[] = [];
    if (canonical) {
      const start = this.lowerExpr(canonical.init, out);
      const counter = this.newVar(canonical.name.text, { kind: 'num' }, canonical.name);
      this.frame.symbols.set(this.symbolOf(canonical.name), counter);
      const start0 = start.k === 'var' ? this.temp('num', { k: 'atom', a: start }, out) : start;
      out.push({ k: 'assign', target: counter, expr: { k: 'atom', a: start0 }, init: true });
      update.push({ k: 'assign', target: counter, expr: { k: 'bin', op: '+', a: ref(counter), b: num(canonical.step) } });
      return this.lowerLoop({ condition: s.condition, body: s.statement, update, canonical: { counter, start: start0, step: canonical.step }, marks: loopMarks(s), label }, out);
    }
    if (s.initializer) {
      if (ts.isVariableDeclarationList(s.initializer)) this.lowerDeclarations(s.initializer, out);
      else this.lowerExpr(s.initializer, out, false);
    }
    if (s.incrementor) this.lowerExpr(s.incrementor, update, false);
    return this.lowerLoop({ condition: s.condition, body: s.statement, update, marks: loopMarks(s), label }, out);
  }

  /**
   * `for…of`: a counted loop over the indices, the element read into the loop variable first.
   *   for (const [i, v] of xs.entries()) …   →   i' = 0; loop i' < n { i = i'; v = xs[i']; … } update { i' = i' + 1 }
   */
  protected lowerForOf(s: TS.ForOfStatement, out: Stmt[], label?: string): Flags {
    if (s.awaitModifier) unsupported(s, 'for await', 'differentiate synchronous code');
    let iterated = skipParens(s.expression);
    let mode = 'values';
    if (ts.isCallExpression(iterated) && ts.isPropertyAccessExpression(iterated.expression) && iterated.arguments.length === 0 &&
      ['entries', 'keys', 'values'].includes(iterated.expression.name.text) && this.isArray(iterated.expression.expression)) {
      mode = iterated.expression.name.text;
      iterated = iterated.expression.expression;
    }
    if (!this.isArray(iterated)) unsupported(s.expression, `for…of over ${this.checker.typeToString(this.checker.getTypeAtLocation(iterated))}`, 'iterate over arrays (xs, xs.entries(), xs.keys())');
    const list = s.initializer;
    if (!ts.isVariableDeclarationList(list) || list.declarations.length !== 1) {
      unsupported(s.initializer, 'for…of assigning to an existing variable', 'declare the loop variable: for (const v of xs)');
    }
    // an array of objects built here: each element the object of its fields (objectArrays.ts)
    const objects = this.objectArrayValue(iterated, out);
    const arr = objects?.lengthOf ?? this.lowerArray(iterated, out);
    const n = this.temp('num', { k: 'length', arr }, out);
    const counter = this.newVar('i', { kind: 'num' });
    out.push({ k: 'assign', target: counter, expr: { k: 'atom', a: num(0) }, init: true });
    const name = list.declarations[0].name;
    const prelude = (body: Stmt[]): void => {
      const index = { k: 'atom', a: ref(counter) } as const;
      const element = (): Bound => (objects ? { k: 'struct', s: this.objectElement(objects, ref(counter), body) } : { k: 'atom', a: this.loadElement(arr, ref(counter), body) });
      if (mode === 'keys') {
        if (!ts.isIdentifier(name)) unsupported(name, 'destructuring an index', 'name it: for (const i of xs.keys())');
        this.bindName(name, index, name, body);
      } else if (mode === 'entries') {
        if (!ts.isArrayBindingPattern(name)) unsupported(name, 'an entry of .entries() kept whole', 'destructure it: for (const [i, v] of xs.entries())');
        const [i, v] = name.elements;
        if (i && !ts.isOmittedExpression(i)) this.bindPatternElement(i, index, body);
        if (v && !ts.isOmittedExpression(v)) this.bindPatternElement(v, element(), body);
      } else if (ts.isIdentifier(name)) {
        this.bindName(name, element(), name, body);
      } else {
        this.bindPattern(name, element(), body);
      }
    };
    const update: Stmt[] = [{ k: 'assign', target: counter, expr: { k: 'bin', op: '+', a: ref(counter), b: num(1) } }];
    const condition = (into: Stmt[]): Atom => this.temp('bool', { k: 'bin', op: '<', a: ref(counter), b: n }, into);
    return this.lowerLoop({ condition, body: s.statement, update, canonical: { counter, start: num(0), step: 1 }, marks: {}, prelude, label }, out);
  }

  private bindPatternElement(el: TS.BindingElement, value: Bound, body: Stmt[]): void {
    if (el.dotDotDotToken || el.initializer) unsupported(el, 'rest or default in an entry', 'write for (const [i, v] of xs.entries())');
    if (ts.isIdentifier(el.name)) this.bindName(el.name, value, el, body);
    else this.bindPattern(el.name, value, body);
  }

  protected lowerLoop(parts: LoopParts, out: Stmt[]): Flags {
    const { condition, update, isDo, canonical, marks } = parts;
    const id = this.nextLoop++;
    const frame: LoopFrame = { label: parts.label };
    this.frame.loops.push(frame);
    const body: Stmt[] = [];
    let flags: Flags;
    try {
      parts.prelude?.(body);
      flags = this.lowerBranch(parts.body, body);
    } finally {
      this.frame.loops.pop();
    }
    if (frame.cnt) body.unshift({ k: 'assign', target: frame.cnt, expr: { k: 'atom', a: bool(false) } });

    // Exit flags: every flag a jump in the body may leave set but this loop's continue (its break,
    // a return, a labeled jump to an outer loop).
    const exits: Flags = new Set([...flags].filter((f) => f !== frame.cnt));
    const first = isDo ? this.flag('first') : undefined;
    if (first) body.unshift({ k: 'assign', target: first, expr: { k: 'atom', a: bool(false) } });
    const pre: Stmt[] = [];
    const testCond = (into: Stmt[]): Atom => (typeof condition === 'function' ? condition(into) : condition ? this.lowerExpr(condition, into) : bool(true));
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

}
