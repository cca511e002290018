/**
 * Facts about one iteration of a loop body in the emitted code tree, for fuseSweeps.ts: what it
 * reads before writing it (exposedReads), which adjoints it leaves zero when they start zero
 * (staysZero), which it only adds into (accumulateOnly), and which arrays a counted loop writes
 * whole (wholeWrite). Names are locals, and `@group` for the elements of a private array
 * (analyzeArrays.ts's privateArrays, a group with one array). Analyses only.
 *
 *   for (j = 0; j < d; j++) { centered[j] = x[i * d + j] - means[c * d + j]; qx[j] = diags[j] * centered[j]; }
 *   writes all of centered (allocated as `new Float64Array(d)`): a read of it after this loop, or of
 *   centered[j] after that store in its body, reads nothing from before the loop.
 */
import { children, type CExpr, type CStmt, fillOf, mapExpr, samePure, walk } from '../code.js';
import { arrayCtors, type CodeScope, EffectsOf, exprEffects, tapeCall } from './analyzeEffects.js';

export type Names = Set<string>;

/** The locals of a function body, with what fuseSweeps needs to know about its arrays. */
export class BodyFacts {
  /** Private arrays alone in their group, allocated once at the top level: their length. */
  private readonly lengths = new Map<string, CExpr>();
  /** How many statements write each local (top level and nested). */
  readonly writeCounts = new Map<string, number>();
  /** What each statement does (analyzeEffects.ts), for the passes over this body. */
  readonly effects: EffectsOf;
  /** Private groups that only ever hold typed arrays (`new Float64Array(n)`, kept or swapped between them). */
  private readonly typed = new Set<string>();
  /** Of those, the groups whose arrays are all made as zeros (`new Float64Array(x.length)`: a buffer grown as needed). */
  private readonly zeroMade = new Set<string>();
  /** How many locals each private group has. */
  private readonly members = new Map<string, number>();

  constructor(readonly scope: CodeScope, body: readonly CStmt[]) {
    this.effects = new EffectsOf(scope);
    const count = (v: string): void => void this.writeCounts.set(v, (this.writeCounts.get(v) ?? 0) + 1);
    walk(body, (s) => {
      if (s.k === 'assign' && s.target.k === 'id') count(s.target.name);
    }, (e) => exprEffects(e, scope).writes.forEach(count));
    const members = this.members;
    for (const g of scope.privates?.values() ?? []) members.set(g, (members.get(g) ?? 0) + 1);
    const allocated = (a: string, value: CExpr | undefined, at: number, writes: number): void => {
      if (value?.k !== 'new') return;
      const ctor = value.callee;
      const group = scope.privates?.get(a);
      if (group === undefined || members.get(group) !== 1 || (this.writeCounts.get(a) ?? 0) !== writes) return;
      if (ctor.k !== 'id' || !arrayCtors.has(ctor.name) || ctor.name === 'Array' || scope.locals.has(ctor.name) || value.args.length !== 1) return;
      const length = value.args[0];
      // its inputs keep their values: parameters never written, locals written once before
      if ([...exprEffects(length, scope).reads].every((v) => this.settledBefore(v, body, at))) this.lengths.set(a, length);
    };
    body.forEach((s, at) => {
      if (s.k === 'assign' && s.op === '=' && s.target.k === 'id') allocated(s.target.name, s.value, at, 1);
      else if (s.k === 'let') s.decls.forEach((d) => allocated(d.name, d.init, at, 0));
    });
    // what each group holds: typed arrays; typed arrays made as zeros
    const untyped = new Set<string>();
    const notZeros = new Set<string>();
    const typedValue = (e: CExpr, group: string, zeros: boolean): boolean => {
      if (e.k === 'new') return e.callee.k === 'id' && arrayCtors.has(e.callee.name) && e.callee.name !== 'Array' && !scope.locals.has(e.callee.name) && (!zeros || e.args.every(isSize));
      if (e.k === 'id') return scope.privates?.get(e.name) === group;
      return e.k === 'cond' && typedValue(e.a, group, zeros) && typedValue(e.b, group, zeros);
    };
    const holds = (name: string, value: CExpr | undefined): void => {
      const group = scope.privates?.get(name);
      if (group === undefined || value === undefined) return;
      if (!typedValue(value, group, false)) untyped.add(group);
      if (!typedValue(value, group, true)) notZeros.add(group);
    };
    walk(body, (s) => {
      if (s.k === 'assign' && s.target.k === 'id') holds(s.target.name, s.op === '=' ? s.value : undefined);
      else if (s.k === 'let') s.decls.forEach((d) => holds(d.name, d.init));
    }, () => {});
    for (const g of members.keys()) {
      if (!untyped.has(g)) this.typed.add(g);
      if (!notZeros.has(g)) this.zeroMade.add(g);
    }
  }

  /** Whether every array `@group` ever holds is made as zeros (an adjoint buffer grown as needed). */
  madeAsZeros(group: string): boolean {
    return this.zeroMade.has(group.slice(1));
  }

  /** `@group` of a private array, or undefined. */
  group(name: string): string | undefined {
    const g = this.scope.privates?.get(name);
    return g === undefined ? undefined : `@${g}`;
  }

  /** The array's length as an expression whose value never changes, if known. */
  lengthOf(name: string): CExpr | undefined {
    const l = this.lengths.get(name);
    if (l?.k === 'member' && l.prop === 'length' && l.obj.k === 'id') return this.lengthOf(l.obj.name) ?? l;
    return l;
  }

  private settledBefore(v: string, body: readonly CStmt[], at: number): boolean {
    const count = this.writeCounts.get(v) ?? 0;
    if (count === 0) return true;
    if (count !== 1) return false;
    const w = body.findIndex((s) => s.k === 'assign' && s.target.k === 'id' && s.target.name === v);
    return w >= 0 && w < at;
  }

  /**
   * The locals and groups `e` reads (locals and private elements; not the heap or the tape). A
   * private array itself (`return g_b`, `h(g_b)`) counts as all its elements read.
   */
  reads(e: CExpr, out: Names = new Set()): Names {
    // a typed array's length is not one of its elements, and never changes: a read of the local alone
    e = mapExpr(e, (x) => {
      if (x.k !== 'member' || x.prop !== 'length' || x.obj.k !== 'id' || !this.typed.has(this.scope.privates?.get(x.obj.name) ?? '')) return x;
      out.add(x.obj.name);
      return { k: 'num', value: 0 };
    });
    const fx = exprEffects(e, this.scope);
    fx.reads.forEach((r) => out.add(r));
    fx.privateReads.forEach((g) => out.add(`@${g}`));
    const whole = (x: CExpr): void => {
      if (x.k === 'id') {
        const g = this.group(x.name);
        if (g) out.add(g);
      } else if (x.k === 'index' || x.k === 'member') {
        if (x.obj.k !== 'id') whole(x.obj);
        if (x.k === 'index') whole(x.index);
      } else children(x).forEach(whole);
    };
    whole(e);
    return out;
  }

  /** The locals and groups statements read, nested code included (as `reads`: a typed array's length is not its elements). */
  readsIn(stmts: readonly CStmt[]): Names {
    const out = new Set<string>();
    walk(stmts, (s) => {
      if (s.k !== 'assign') return true;
      this.assignReads(s).forEach((r) => out.add(r));
      return false;
    }, (e) => this.reads(e, out));
    return out;
  }

  /** What an assignment reads: its value, where it stores (the array's local, the index), and what it stores into where it adds to it. */
  private assignReads(s: CStmt & { k: 'assign' }): Names {
    const out = this.reads(s.value);
    const t = s.target;
    if (s.op !== '=') this.reads(t, out);
    if (t.k === 'index' || t.k === 'member') {
      if (t.obj.k === 'id') out.add(t.obj.name);
      else this.reads(t.obj, out);
      if (t.k === 'index') this.reads(t.index, out);
    }
    return out;
  }

  /** The locals and groups statements write, nested code included (elements of arrays others can see are the heap: Effects.heapWrite). */
  writes(stmts: readonly CStmt[]): Names {
    const fx = this.effects.block(stmts);
    return withGroups(fx.writes, fx.privateWrites);
  }

  /**
   * `for (j = 0; j < L; j++) { …; a[j] = v; … }` or `for (j = L - 1; j >= 0; j--)` (L also as
   * `Math.ceil(L)`), with the store at the body's top level, j written by nothing else and no
   * `break`: the array it writes whole, the store's position in the body and the value stored.
   */
  wholeWrite(s: CStmt): { array: string; index: string; at: number; value: CExpr }[] {
    if (s.k !== 'for' || !s.init || s.init.k !== 'assign' || s.init.op !== '=' || s.init.target.k !== 'id' || !s.cond || s.update?.k !== 'postfix') return [];
    const j = s.init.target.name;
    if (s.update.name !== j) return [];
    const from = s.init.value;
    const cond = s.cond;
    let bound: CExpr | undefined;
    if (s.update.op === '++' && isZero(from) && cond.k === 'bin' && cond.op === '<' && isId(cond.a, j)) bound = cond.b;
    else if (s.update.op === '--' && cond.k === 'bin' && cond.op === '>=' && isId(cond.a, j) && isZero(cond.b)) bound = reversedBound(from);
    if (!bound || this.writes(s.body).has(j) || this.effects.block(s.body).exits) return [];
    const boundReads = this.reads(bound);
    if ([...this.writes(s.body)].some((w) => boundReads.has(w))) return [];
    const out: { array: string; index: string; at: number; value: CExpr }[] = [];
    s.body.forEach((x, at) => {
      if (x.k !== 'assign' || x.op !== '=' || x.target.k !== 'index' || x.target.obj.k !== 'id' || !isId(x.target.index, j)) return;
      const a = x.target.obj.name;
      const length = this.lengthOf(a);
      if (length && sameLength(this, length, bound!) && !out.some((o) => o.array === a)) out.push({ array: a, index: j, at, value: x.value });
    });
    return out;
  }

  /**
   * The locals and groups that `stmts`, run from the top, read before they write them (a loop's
   * body counts as run once, its first time). Reads inside the tape's pushes are left out (they
   * only save a value for the reverse sweep to put back). A reversed loop (tagged `sweep`, as its
   * forward loop earlier in `stmts`) runs its body only where the forward loop ran its own: it
   * reads what one iteration of the forward body writes as written.
   */
  exposedReads(stmts: readonly CStmt[]): Names {
    const out = new Set<string>();
    this.expose(stmts, new Set(), out, [], new Map());
    return out;
  }

  private expose(stmts: readonly CStmt[], k: Names, out: Names, elements: readonly { array: string; index: string }[], sweeps: Map<number, Names>): Names {
    const read = (e: CExpr): void => {
      // a[j] stored earlier in this iteration of the loop that writes a whole: not from before
      const masked = mapExpr(e, (x) => (x.k === 'index' && x.obj.k === 'id' && elements.some((el) => el.array === (x.obj as { name: string }).name && isId(x.index, el.index)) ? { k: 'num', value: 0 } : x));
      for (const r of this.reads(masked)) if (!k.has(r)) out.add(r);
    };
    stmts.forEach((s) => {
      switch (s.k) {
        case 'let':
          s.decls.forEach((d) => (d.init && read(d.init), k.add(d.name)));
          break;
        case 'assign':
          read(s.value);
          if (s.target.k === 'id') {
            if (s.op !== '=') read(s.target);
            else k.add(s.target.name);
          } else {
            // (the array stored into: its local, not its elements)
            if (s.op === '=' && s.target.k === 'index' && s.target.obj.k === 'id') {
              read(s.target.index);
              if (!k.has(s.target.obj.name)) out.add(s.target.obj.name);
            } else read(s.target);
          }
          break;
        case 'expr':
          if (!(s.e.k === 'call' && tapeCall(s.e.callee, this.scope))) read(s.e);
          break;
        case 'return':
          read(s.e);
          break;
        case 'if': {
          read(s.cond);
          const a = this.expose(s.then, new Set(k), out, elements, sweeps);
          const b = this.expose(s.else, new Set(k), out, elements, sweeps);
          for (const x of [...k]) if (!a.has(x) || !b.has(x)) k.delete(x);
          for (const x of a) if (b.has(x)) k.add(x);
          break;
        }
        case 'for':
        case 'while': {
          if (s.k === 'for' && s.init) this.expose([s.init], k, out, elements, sweeps);
          if (s.cond) read(s.cond);
          const whole = this.wholeWrite(s);
          // the body's statements after each whole store see that element written
          const body = s.body;
          let from = 0;
          const inner = new Set(k);
          if (s.sweep !== undefined) {
            const forward = sweeps.get(s.sweep);
            if (forward) forward.forEach((x) => inner.add(x));
            // what one iteration writes, whatever it starts from
            else sweeps.set(s.sweep, this.expose(body, new Set(), new Set(), elements, new Map(sweeps)));
          }
          let stored = elements;
          for (const w of [...whole].sort((x, y) => x.at - y.at)) {
            this.expose(body.slice(from, w.at + 1), inner, out, stored, sweeps);
            stored = [...stored, { array: w.array, index: w.index }];
            from = w.at + 1;
          }
          this.expose(body.slice(from), inner, out, stored, sweeps);
          if (s.k === 'for' && s.update) read(s.update);
          for (const w of whole) k.add(this.group(w.array)!);
          break;
        }
      }
    });
    return k;
  }

  /**
   * Which of `names` (locals, `@groups`), zero when `stmts` start, are zero when they end: each
   * written only with 0 last (a group: by a loop that writes it whole with 0).
   */
  staysZero(stmts: readonly CStmt[], names: Names): Names {
    const z = new Set(names);
    this.zeroFlow(stmts, z);
    return z;
  }

  private zeroFlow(stmts: readonly CStmt[], z: Names): void {
    for (const s of stmts) {
      switch (s.k) {
        case 'assign': {
          this.writesIn(s.value).forEach((w) => z.delete(w));
          const t = s.target;
          if (t.k === 'id') {
            if (s.op === '=' && isZero(s.value)) z.add(t.name);
            else z.delete(t.name);
          } else {
            this.writesIn(t).forEach((w) => z.delete(w));
            if (t.k === 'index' && t.obj.k === 'id') z.delete(this.group(t.obj.name) ?? t.obj.name);
          }
          break;
        }
        case 'if': {
          this.writesIn(s.cond).forEach((w) => z.delete(w));
          const a = new Set(z);
          const b = new Set(z);
          this.zeroFlow(s.then, a);
          this.zeroFlow(s.else, b);
          for (const x of [...z]) if (!a.has(x) || !b.has(x)) z.delete(x);
          for (const x of a) if (b.has(x)) z.add(x);
          break;
        }
        case 'for':
        case 'while': {
          if (s.k === 'for' && s.init) this.zeroFlow([s.init], z);
          // the state where the loop tests its condition: before it, and after every iteration
          for (;;) {
            const after = new Set(z);
            this.zeroFlow(s.body, after);
            if (s.k === 'for' && s.update) this.writesIn(s.update).forEach((w) => after.delete(w));
            const before = z.size;
            for (const x of [...z]) if (!after.has(x)) z.delete(x);
            if (z.size === before) break;
          }
          // zero everywhere after it: the loop's only store into that array stores 0
          for (const w of this.wholeWrite(s)) if (isZero(w.value) && this.zeroedLast(s.body, w)) z.add(this.group(w.array)!);
          break;
        }
        default: {
          this.writes([s]).forEach((w) => z.delete(w));
          // `g_b.fill(0)` of the only local of its group: every array of the group it can reach is zeros
          const fill = s.k === 'expr' ? fillOf(s.e) : undefined;
          if (fill?.obj.k === 'id' && fill.args.length === 1 && isZero(fill.args[0])) {
            const g = this.scope.privates?.get(fill.obj.name);
            if (g !== undefined && this.members.get(g) === 1) z.add(`@${g}`);
          }
        }
      }
    }
  }

  /**
   * Whether the whole store `w` in loop body `body` leaves every element it stores last: every
   * other store into that array in the body is at the same index, before it.
   */
  private zeroedLast(body: readonly CStmt[], w: { array: string; index: string; at: number }): boolean {
    const g = this.group(w.array);
    return body.every((top, at) => {
      let ok = true;
      walk([top], (s) => {
        if (s.k !== 'assign' || s.target.k !== 'index' || s.target.obj.k !== 'id' || this.group(s.target.obj.name) !== g) return;
        if (at > w.at || !isId(s.target.index, w.index)) ok = false;
      }, () => {});
      return ok;
    });
  }

  private writesIn(e: CExpr): ReadonlySet<string> {
    return exprEffects(e, this.scope).writes;
  }

  /**
   * Whether `name` (a local, or `@group`) occurs in `stmts` only as the target of `+=` or `-=`
   * whose value and index do not read it: adding into it in any order gives the same sum.
   */
  accumulateOnly(stmts: readonly CStmt[], name: string): boolean {
    let ok = true;
    walk(stmts, (s) => {
      if (s.k !== 'assign') return true;
      const t = s.target;
      const own = s.op !== '=' && (t.k === 'id' ? t.name === name : t.k === 'index' && t.obj.k === 'id' && (this.group(t.obj.name) ?? t.obj.name) === name);
      if (own) {
        if (this.reads(s.value).has(name) || (t.k === 'index' && this.reads(t.index).has(name))) ok = false;
        return false;
      }
      if (this.writes([s]).has(name) || this.assignReads(s).has(name)) ok = false;
      return false;
    }, (e) => {
      if (this.reads(e).has(name)) ok = false;
    });
    return ok;
  }
}

/** B of a reversed counted loop's first index `B - 1` or `Math.ceil(B) - 1` (reverseMode writes these where the loop starts at an integer). */
export function lastOf(first: CExpr): CExpr | undefined {
  if (first.k !== 'bin' || first.op !== '-' || !isOne(first.b)) return undefined;
  const b = first.a;
  return b.k === 'call' && b.callee.k === 'member' && b.callee.obj.k === 'id' && b.callee.obj.name === 'Math' && b.callee.prop === 'ceil' && b.args.length === 1 ? b.args[0] : b;
}

/** As lastOf, and a constant bound folded: `for (j = 3; j >= 0; j--)` runs below 4. */
export function reversedBound(first: CExpr): CExpr | undefined {
  return first.k === 'num' && Number.isInteger(first.value) ? { k: 'num', value: first.value + 1 } : lastOf(first);
}

/** Whether two lengths are the same number: the same expression, or `a.length` of an array allocated with it. */
function sameLength(facts: BodyFacts, a: CExpr, b: CExpr): boolean {
  const resolve = (x: CExpr): CExpr => (x.k === 'member' && x.prop === 'length' && x.obj.k === 'id' ? facts.lengthOf(x.obj.name) ?? x : x);
  return samePure(resolve(a), resolve(b));
}

export function withGroups(locals: ReadonlySet<string>, groups: ReadonlySet<string>): Names {
  const out = new Set(locals);
  for (const g of groups) out.add(`@${g}`);
  return out;
}

const isId = (e: CExpr, name: string): boolean => e.k === 'id' && e.name === name;
const isZero = (e: CExpr): boolean => e.k === 'num' && e.value === 0;
const isOne = (e: CExpr): boolean => e.k === 'num' && e.value === 1;

/** A typed array's length argument that makes zeros (not an array to copy): a constant, a length, arithmetic. */
const isSize = (e: CExpr): boolean => e.k === 'num' || (e.k === 'member' && e.prop === 'length') || (e.k === 'bin' && ['+', '-', '*', '/', '%'].includes(e.op));
