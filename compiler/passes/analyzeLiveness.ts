/**
 * Dataflow over the emitted code tree (code.ts), for tidyCode.ts, on bit sets of names:
 *
 *   liveness    after each statement, the locals read later before being written again
 *   knownZero   before each `x += e`, the locals certainly holding +0 (`_t6_b += z_b` right after
 *               `_t6_b = 0`, or at the top of a loop body whose end zeroes it): there `x += e` is
 *               `x = 0 + e`, which is e but for e = -0 (analyzeArrays.ts's neverNegZero says when
 *               that sign cannot matter)
 *
 * Analyses only: nothing here rewrites.
 */
import { type CExpr, children, type CStmt, identifiers, namesIn } from '../code.js';

/** What liveness and knownZero answer with, per statement. */
export interface NameSet {
  has(name: string): boolean;
}

/** Bit sets over the names of one function (a few words each: copied freely, never edited once made). */
class Names {
  private readonly index = new Map<string, number>();
  readonly words: number;

  constructor(names: Iterable<string>) {
    for (const n of names) if (!this.index.has(n)) this.index.set(n, this.index.size);
    this.words = Math.max(1, Math.ceil(this.index.size / 32));
  }

  empty(): Bits {
    return new Bits(this, new Uint32Array(this.words));
  }

  bit(name: string): number | undefined {
    return this.index.get(name);
  }

  /** `into` with the names an expression reads added (one copy, only if one is missing). */
  reads(e: CExpr | undefined, into: Bits = this.empty()): Bits {
    if (!e) return into;
    let w: Uint32Array | undefined;
    for (const n of this.identifiersOf(e)) {
      const b = this.index.get(n)!;
      const bit = 1 << (b & 31);
      if (((w ?? into.w)[b >>> 5] & bit) === 0) (w ??= into.w.slice())[b >>> 5] |= bit;
    }
    return w ? new Bits(this, w) : into;
  }

  /**
   * Live before an assignment: `out` less `killed`, plus what `read` (an expression, or the
   * assignment's target and value) reads and `also`; one copy at most.
   */
  through(out: Bits, killed: string | undefined, read: CExpr | (CStmt & { k: 'assign' }), also: string | undefined): Bits {
    let w: Uint32Array | undefined;
    const set = (name: string, on: boolean): void => {
      const b = this.index.get(name);
      if (b === undefined) return;
      const bit = 1 << (b & 31);
      if ((((w ?? out.w)[b >>> 5] & bit) !== 0) === on) return;
      w ??= out.w.slice();
      w[b >>> 5] ^= bit;
    };
    if (killed !== undefined) set(killed, false);
    const exprs = 'k' in read && read.k === 'assign' ? [read.target, read.value] : [read as CExpr];
    for (const e of exprs) for (const n of this.identifiersOf(e)) set(n, true);
    if (also !== undefined) set(also, true);
    return w ? new Bits(this, w) : out;
  }

  /** identifiers(e), remembered per expression (liveness asks again at every pass over a loop). */
  private identifiersOf(e: CExpr): readonly string[] {
    let ids = this.cache.get(e);
    if (!ids) this.cache.set(e, (ids = [...identifiers(e)].filter((n) => this.index.has(n))));
    return ids;
  }

  private readonly cache = new WeakMap<CExpr, readonly string[]>();
}

class Bits implements NameSet {
  constructor(readonly names: Names, readonly w: Uint32Array) {}

  has(name: string): boolean {
    const b = this.names.bit(name);
    return b !== undefined && (this.w[b >>> 5] & (1 << (b & 31))) !== 0;
  }

  /** With `name` in or out: this same set when that is already so. */
  with(name: string, present: boolean): Bits {
    const b = this.names.bit(name);
    if (b === undefined || this.has(name) === present) return this;
    const w = this.w.slice();
    w[b >>> 5] ^= 1 << (b & 31);
    return new Bits(this.names, w);
  }

  or(o: Bits): Bits {
    let w: Uint32Array | undefined;
    for (let i = 0; i < this.w.length; i++) {
      if ((o.w[i] & ~this.w[i]) !== 0) (w ??= this.w.slice())[i] |= o.w[i];
    }
    return w ? new Bits(this.names, w) : this;
  }

  and(o: Bits): Bits {
    let w: Uint32Array | undefined;
    for (let i = 0; i < this.w.length; i++) {
      if ((this.w[i] & ~o.w[i]) !== 0) (w ??= this.w.slice())[i] &= o.w[i];
    }
    return w ? new Bits(this.names, w) : this;
  }

  equals(o: Bits): boolean {
    return this.w.every((x, i) => x === o.w[i]);
  }
}

/** Every name a body mentions (declared, read or written). */
function allNames(body: readonly CStmt[]): Set<string> {
  const out = namesIn(body);
  const decls = (stmts: readonly CStmt[]): void => {
    for (const s of stmts) {
      if (s.k === 'let') s.decls.forEach((d) => out.add(d.name));
      else if (s.k === 'if') decls(s.then), decls(s.else);
      else if (s.k === 'for') decls(s.init ? [s.init, ...s.body] : s.body);
      else if (s.k === 'while') decls(s.body);
    }
  };
  decls(body);
  return out;
}

// ── liveness ──────────────────────────────────────────────────────────────────────────────────

/**
 * For each statement, the locals that may be read after it before being written again; for a
 * `break`, those live where the loop exits.
 */
export function liveness(body: readonly CStmt[]): Map<CStmt, NameSet> {
  const names = new Names(allNames(body));
  const liveOut = new Map<CStmt, NameSet>();
  const block = (stmts: readonly CStmt[], out: Bits, exit: Bits): Bits => {
    let live = out;
    for (let i = stmts.length - 1; i >= 0; i--) {
      liveOut.set(stmts[i], live);
      live = stmt(stmts[i], live, exit);
    }
    return live;
  };
  // live at each loop's test, as the last pass over the body left it: a pass goes over every loop
  // once, from what the one before found, until nothing grows (nested loops are not iterated inside
  // each other, which would take iterations to the power of their depth)
  const heads = new Map<CStmt, Bits>();
  let grew = false;
  const loop = (s: CStmt, cond: CExpr | undefined, update: CExpr | undefined, body: readonly CStmt[], out: Bits): Bits => {
    // the exit's (if there is a test), the test's, and the body's own
    const known = heads.get(s);
    const head = cond ? names.reads(cond, known ? out.or(known) : out) : (known ?? names.empty());
    const next = block(body, names.reads(update, head), out).or(head);
    if (!known || !next.equals(known)) {
      heads.set(s, next);
      grew = true;
    }
    return next;
  };
  const stmt = (s: CStmt, out: Bits, exit: Bits): Bits => {
    switch (s.k) {
      case 'assign':
        // x = e kills x (unless e reads it); x += e reads it; a[i] = e reads a and i
        return names.through(out, s.target.k === 'id' && s.op === '=' ? s.target.name : undefined, s.op === '=' && s.target.k === 'id' ? s.value : s, s.target.k === 'id' && s.op !== '=' ? s.target.name : undefined);
      case 'let': {
        let live = out;
        for (let i = s.decls.length - 1; i >= 0; i--) live = names.reads(s.decls[i].init, live.with(s.decls[i].name, false));
        return live;
      }
      case 'expr':
        return names.reads(s.e, out);
      case 'return':
        return names.reads(s.e);
      case 'break':
        return exit;
      case 'comment':
        return out;
      case 'if':
        return names.reads(s.cond, block(s.then, out, exit).or(block(s.else, out, exit)));
      case 'while':
        return loop(s, s.cond, undefined, s.body, out);
      case 'for': {
        const head = loop(s, s.cond, s.update, s.body, out);
        if (!s.init) return head;
        liveOut.set(s.init, head);
        return stmt(s.init, head, exit);
      }
    }
  };
  const none = names.empty();
  do {
    grew = false;
    block(body, none, none);
  } while (grew);
  return liveOut;
}

// ── known zero ────────────────────────────────────────────────────────────────────────────────

const isPositiveZero = (e: CExpr | undefined): boolean => e?.k === 'num' && e.value === 0 && !Object.is(e.value, -0);

/** Locals an expression writes (`i++`). */
function postfixWrites(e: CExpr | undefined, out: Set<string>): void {
  if (!e) return;
  if (e.k === 'postfix') out.add(e.name);
  else for (const c of children(e)) postfixWrites(c, out);
}

type Zeros = Bits | null; // null: not reached

const meet = (a: Zeros, b: Zeros): Zeros => (a === null ? b : b === null ? a : a.and(b));
const sameZeros = (a: Zeros, b: Zeros): boolean => (a === null || b === null ? a === b : a.equals(b));

/** The locals some `x += e` or `x -= e` accumulates into: the only ones knownZero is asked about. */
function accumulators(stmts: readonly CStmt[], out: Set<string> = new Set()): Set<string> {
  for (const s of stmts) {
    if (s.k === 'assign' && s.op !== '=' && s.target.k === 'id') out.add(s.target.name);
    else if (s.k === 'if') accumulators(s.then, out), accumulators(s.else, out);
    else if (s.k === 'for' || s.k === 'while') accumulators(s.body, out);
  }
  return out;
}

/**
 * Before each `x += e` / `x -= e` of a local, the locals certainly holding +0 there: set to the
 * literal 0 (or from one that holds it) on every path, not written since. For a loop: those
 * holding +0 when it starts (after its init), of the locals some `+=` adds into.
 */
export function knownZero(body: readonly CStmt[]): Map<CStmt, NameSet> {
  const names = new Names(accumulators(body));
  const before = new Map<CStmt, NameSet>();
  let breaks: Zeros[] = [];
  const expr = (e: CExpr | undefined, z: Zeros): Zeros => {
    if (z === null || !e) return z;
    const w = new Set<string>();
    postfixWrites(e, w);
    for (const x of w) z = z.with(x, false);
    return z;
  };
  const block = (stmts: readonly CStmt[], z: Zeros): Zeros => {
    for (const s of stmts) z = stmt(s, z);
    return z;
  };
  // what each loop body's end gave in the last pass (as in liveness: passes until nothing shrinks)
  const ends = new Map<CStmt, Zeros>();
  let shrank = false;
  const loop = (s: CStmt, cond: CExpr | undefined, update: CExpr | undefined, body: readonly CStmt[], entry: Zeros): Zeros => {
    if (entry !== null) before.set(s, entry);
    const outer = breaks;
    breaks = [];
    const head = ends.has(s) ? meet(entry, ends.get(s)!) : entry;
    const test = expr(cond, head);
    const end = expr(update, block(body, test));
    if (!ends.has(s) || !sameZeros(end, ends.get(s)!)) {
      ends.set(s, end);
      shrank = true;
    }
    const exits = breaks.reduce<Zeros>((a, b) => meet(a, b), cond ? test : null);
    breaks = outer;
    return exits;
  };
  const stmt = (s: CStmt, z: Zeros): Zeros => {
    if (z === null) return null;
    switch (s.k) {
      case 'assign': {
        const t = s.target;
        z = expr(s.value, expr(t, z));
        if (t.k !== 'id' || z === null) return z;
        if (s.op !== '=') before.set(s, z);
        return z.with(t.name, s.op === '=' && (isPositiveZero(s.value) || (s.value.k === 'id' && z.has(s.value.name))));
      }
      case 'let': {
        let next: Zeros = z;
        for (const d of s.decls) {
          next = expr(d.init, next);
          if (next === null) return null;
          next = next.with(d.name, isPositiveZero(d.init));
        }
        return next;
      }
      case 'expr':
        return expr(s.e, z);
      case 'return':
        return null;
      case 'break':
        breaks.push(z);
        return null;
      case 'comment':
        return z;
      case 'if': {
        const c = expr(s.cond, z);
        return meet(block(s.then, c), block(s.else, c));
      }
      case 'while':
        return loop(s, s.cond, undefined, s.body, z);
      case 'for':
        return loop(s, s.cond, s.update, s.body, s.init ? stmt(s.init, z) : z);
    }
  };
  do {
    shrank = false;
    block(body, names.empty());
  } while (shrank);
  return before;
}

// ── faint locals ──────────────────────────────────────────────────────────────────────────────

/**
 * Locals whose value goes nowhere but into themselves: every statement that reads one is an
 * assignment to it computed without effects (`total += Math.log(sum) + max`, in a gradient that
 * does not return the value). Liveness keeps such a loop-carried sum alive (each update reads the
 * last); all its assignments can go.
 */
export function faintLocals(body: readonly CStmt[], locals: ReadonlySet<string>, params: ReadonlySet<string>, removable: (e: CExpr) => boolean): Set<string> {
  const used = new Set<string>();
  const reads = (e: CExpr | undefined, except?: string): void => {
    if (e) for (const n of identifiers(e)) if (n !== except) used.add(n);
  };
  const visit = (stmts: readonly CStmt[]): void => {
    for (const s of stmts) {
      switch (s.k) {
        case 'assign':
          if (s.target.k === 'id') reads(s.value, removable(s.value) ? s.target.name : undefined);
          else reads(s.target), reads(s.value);
          break;
        case 'let':
          s.decls.forEach((d) => reads(d.init));
          break;
        case 'expr':
        case 'return':
          reads(s.e);
          break;
        case 'if':
          reads(s.cond);
          visit(s.then);
          visit(s.else);
          break;
        case 'for':
          if (s.init) visit([s.init]);
          reads(s.cond);
          reads(s.update);
          visit(s.body);
          break;
        case 'while':
          reads(s.cond);
          visit(s.body);
          break;
      }
    }
  };
  visit(body);
  return new Set([...locals].filter((x) => !used.has(x) && !params.has(x)));
}
