/**
 * What reverseMode's sweeps share: the function, its analyses, the names made for it (adjoints,
 * trip counts, induction variables' ends, checkpoint states), and the helpers both sweeps write code with
 * (the tape, saves and restores, loop bounds). forwardSweep.ts extends it with the forward sweep,
 * reverseMode.ts with the reverse sweep and the whole body.
 */
import { add, assign, call, type CExpr, type CStmt, id, index, member, n, neg } from '../code.js';
import { type Atom, type Expr, type IRFunction, type Loop, type Stmt, storedArrays, type Var } from '../ir.js';
import { adjointName, counterName, type NameScope } from '../naming.js';
import type { ActivityInfo } from './analyzeActivity.js';
import type { SaveInfo } from './analyzeSaves.js';
import type { Bound } from './loopBounds.js';
import { atom } from './irCode.js';
import { analyzeBuffers, integerVars } from './analyzeBuffers.js';
import { integerValues } from './integerValues.js';
import { BufferCode } from './reverseBuffers.js';
import { type CheckpointNames, checkpointNames, checkpointsOf, type CheckpointPlan } from './checkpointLoops.js';
import type { LoopHooks } from './adjointKernels.js';
import type { Induction } from './inductionVars.js';

export interface LoopTreatments {
  /** jit(grad(f)): kernels around each parallel loop (adjointKernels.ts). */
  readonly hooks?: LoopHooks;
  /** `// @checkpoint` loops (checkpointLoops.ts). */
  readonly checkpoints?: ReadonlyMap<Loop, CheckpointPlan>;
  /** Products with partials guarded against 0 · ∞ (TsgradConfig.strictZeros). */
  readonly strictZeros?: boolean;
}

export class SweepState {
  protected readonly adjoints = new Map<Var, string>();
  protected readonly counts = new Map<Loop, string>();
  /** Induction variables' values where their loops start. */
  protected readonly ends = new Map<Var, string>();
  /** Selection loops' locals: the counter of the iteration that took the branch last. */
  protected readonly selected = new Map<Loop, string>();
  /** Selection loops by their branch (selectionLoops.ts). */
  protected readonly selectionBranches: ReadonlyMap<Stmt, Loop>;
  protected readonly tapeName: string;
  protected usesTape = false;
  protected scratchG?: string;
  protected scratchY?: string;
  protected readonly extraLocals: string[] = [];
  /** Locals with their own initial value (a checkpointed loop's saved states). */
  protected readonly extraDecls: { name: string; init: CExpr }[] = [];
  protected readonly checkpointed = new Map<Loop, CheckpointNames>();
  protected readonly hooks?: LoopHooks;
  /** Loops enclosing the statement being generated. */
  protected depth = 0;
  /** A pullback companion: array parameters' adjoints are its parameters, not allocated. */
  protected adjointsIn = false;
  /** `_d = f_pullback(…)`: the numbers' adjoints a pullback returns. */
  protected scratchD?: string;
  /** Copies of the arrays passed to user calls, restored from the tape for their pullbacks. */
  protected readonly snapshots: string[] = [];
  /** The arrays the body stores into (for snapshotted), found once. */
  protected stored?: ReadonlySet<Var>;
  /** Private arrays: one adjoint buffer for all they hold, their primal arrays reused (analyzeBuffers.ts). */
  protected readonly buffers: BufferCode;
  /** Numbers saved on the integer stack. */
  protected readonly integers: ReadonlySet<Var>;
  /** Numbers that only hold integers (integerValues.ts). */
  protected readonly integerValued: ReadonlySet<Var>;
  /** The loads and sums of increments, whose reverse is the store's. */
  protected readonly incrementParts: ReadonlySet<Stmt>;

  constructor(
    protected readonly fn: IRFunction,
    protected readonly activity: ActivityInfo,
    protected readonly saves: SaveInfo,
    protected readonly names: NameScope,
    protected readonly tapeExpr: CExpr,
    protected readonly loops: LoopTreatments,
  ) {
    this.hooks = loops.hooks;
    this.tapeName = names.unique('tape');
    // kernels move adjoint arrays themselves: every array keeps its own there
    const buffers = loops.hooks ? { private: new Set<Var>(), moves: new Set<Stmt>() } : analyzeBuffers(fn, activity.active);
    this.buffers = new BufferCode(fn, activity, buffers, names, (v) => this.adj(v));
    this.integers = integerVars(fn);
    this.integerValued = integerValues(fn);
    this.incrementParts = new Set([...saves.increments.values()].flatMap((inc) => [inc.load, inc.sum]));
    this.selectionBranches = new Map([...saves.selections].map(([loop, sel]) => [sel.branch, loop]));
    const withAdjoint = new Set(activity.active);
    fn.params.forEach((p) => p.selected && withAdjoint.add(p.v));
    for (const v of [...fn.params.map((p) => p.v), ...fn.locals]) {
      if (withAdjoint.has(v)) this.adjoints.set(v, names.unique(adjointName(v.name)));
    }
  }

  // ── helpers ─────────────────────────────────────────────────────────────────────────────────

  protected adj(v: Var): CExpr {
    const name = this.adjoints.get(v);
    if (!name) throw new Error(`tsgrad internal: no adjoint for ${v.name}`);
    return id(name);
  }

  protected isActive(a: Atom): a is { k: 'var'; v: Var } {
    return a.k === 'var' && this.activity.active.has(a.v);
  }

  /** `tape.floats.push(x)`, `tape.ints.pop()`, …: the stacks used directly (runtime/tape.ts says why); other methods called. */
  protected tape(method: string, ...args: CExpr[]): CExpr {
    this.usesTape = true;
    const stack = TAPE_STACKS[method];
    if (stack) return call(member(member(id(this.tapeName), stack[0]), stack[1]), ...args);
    return call(member(id(this.tapeName), method), ...args);
  }

  protected count(loop: Loop): string {
    let name = this.counts.get(loop);
    if (!name) {
      name = this.names.unique(counterName(loop.id));
      this.counts.set(loop, name);
      this.extraLocals.push(name);
    }
    return name;
  }

  protected block(stmts: readonly Stmt[], each: (s: Stmt, out: CStmt[]) => void): CStmt[] {
    const out: CStmt[] = [];
    for (const s of stmts) each(s, out);
    return out;
  }

  /** A counted loop's trip count from its start and bound (boundedCounts), when it has one. */
  protected tripCount(loop: Loop): CExpr | undefined {
    const b = this.saves.boundedCounts.get(loop);
    const c = loop.canonical;
    if (!b || !c) return undefined;
    const math = (fn: string, ...args: CExpr[]): CExpr => call(member(id('Math'), fn), ...args);
    const bound = boundOf(b);
    const span = c.step > 0 ? add(bound, neg(atom(c.start))) : add(atom(c.start), neg(bound));
    const steps = Math.abs(c.step) === 1 ? span : { k: 'bin' as const, op: '/', a: span, b: n(Math.abs(c.step)) };
    const count = b.op === '<' || b.op === '>' ? math('ceil', steps) : add(math('floor', steps), n(1));
    return math('max', n(0), count);
  }

  /**
   * The last index of a counted loop by ±1 whose start is an integer and whose bound nothing
   * changes (boundedCounts): where its reverse starts, without its trip count. For `i < B`,
   * start + ⌈B − start⌉ − 1 = ⌈B⌉ − 1 (and no iteration when that is below start); `<=`: ⌊B⌋;
   * `>`: ⌊B⌋ + 1; `>=`: ⌈B⌉. The rounding goes where B is an integer too.
   */
  protected firstIndex(loop: Loop): CExpr | undefined {
    const b = this.saves.boundedCounts.get(loop);
    const c = loop.canonical;
    if (!b || !c || Math.abs(c.step) !== 1 || !this.isInteger(c.start)) return undefined;
    const rounded = (fn: 'ceil' | 'floor'): CExpr => (b.length || this.isInteger(b.bound) ? boundOf(b) : call(member(id('Math'), fn), boundOf(b)));
    if (b.op === '<') return add(rounded('ceil'), n(-1));
    if (b.op === '<=') return rounded('floor');
    if (b.op === '>') return add(rounded('floor'), n(1));
    return rounded('ceil');
  }

  protected isInteger(a: Atom): boolean {
    return a.k === 'const' ? typeof a.value === 'number' && Number.isInteger(a.value) : this.integerValued.has(a.v);
  }

  /** The local holding an induction variable's value after its outermost home loop (Induction.home). */
  protected inductionEnd(ind: Induction): string {
    let name = this.ends.get(ind.v);
    if (!name) {
      name = this.names.unique(`${ind.v.name}_end`);
      this.ends.set(ind.v, name);
      this.extraLocals.push(name);
    }
    return name;
  }

  /** The local holding the counter of the iteration in which a selection loop last took its branch (`mx_at`). */
  protected selectedAt(loop: Loop): string {
    let name = this.selected.get(loop);
    if (!name) {
      name = this.names.unique(`${this.saves.selections.get(loop)!.target.name}_at`);
      this.selected.set(loop, name);
      this.extraLocals.push(name);
    }
    return name;
  }

  protected inLoop(generate: () => CStmt[]): CStmt[] {
    this.depth++;
    const code = generate();
    this.depth--;
    return code;
  }

  /** The names of a checkpointed loop's step count and saved states, declared with the locals. */
  protected checkpointNames(plan: CheckpointPlan): CheckpointNames {
    let cn = this.checkpointed.get(plan.loop);
    if (!cn) {
      cn = checkpointNames(plan, this.names);
      this.checkpointed.set(plan.loop, cn);
      this.extraLocals.push(cn.steps);
      this.usesTape = true;
      this.extraDecls.push({ name: cn.checkpoints, init: checkpointsOf(plan, id(this.tapeName)) });
    }
    return cn;
  }

  /** The array arguments of a user call that may change before its pullback runs: copied onto the tape. */
  protected snapshotted(e: Expr & { k: 'userCall' }): Var[] {
    const stored = (this.stored ??= storedArrays(this.fn.body));
    const fixed = (v: Var): boolean => !!v.outer || (this.fn.params.some((p) => p.v === v) && !stored.has(v));
    return e.args.flatMap((a, i) => (e.fn.params[i] === 'array' && a.k === 'var' && !fixed(a.v) ? [a.v] : []));
  }

  /** `row = A[i]`, `W = layer.W`, `cam = cameras[k]`: the same row, field or element of the container's adjoint. */
  protected shadowOf(e: Expr): CExpr | undefined {
    if (e.k === 'load' && !e.sub && this.activity.active.has(e.arr)) return index(this.adj(e.arr), atom(e.index));
    if (e.k === 'field' && this.activity.active.has(e.obj)) return member(this.adj(e.obj), e.name);
    return undefined;
  }

  /** Push a saved variable's old value: an array's adjoint reference, an integer on the integer tape. */
  protected save(v: Var): CExpr {
    if (v.kind === 'array') return this.tape('pushRef', this.adj(v));
    return this.tape(this.integers.has(v) ? 'pushInt' : 'push', id(v.name));
  }

  protected restore(v: Var): CStmt {
    if (v.kind === 'array') return assign(this.adj(v), this.tape('popRef'));
    return assign(id(v.name), this.tape(this.integers.has(v) ? 'popInt' : 'pop'));
  }

  /** Saved variables push at every assignment but their declaration outside loops (nothing older to keep). */
  protected isSaved(s: Stmt & { k: 'assign' }): boolean {
    return this.saves.saved.has(s.target) && !(s.init && this.depth === 0) && !this.saves.covered.has(s);
  }
}


/** Tape methods generated code calls as the stack operations they are: keep in sync with runtime/tape.ts. */
const TAPE_STACKS: Record<string, readonly [string, string]> = {
  push: ['floats', 'push'],
  pop: ['floats', 'pop'],
  pushInt: ['ints', 'push'],
  popInt: ['ints', 'pop'],
  pushRef: ['refs', 'push'],
  popRef: ['refs', 'pop'],
};

/** A loop's bound as the reverse sweep reads it: an array's length read again, or the bound's own value. */
function boundOf(b: Bound): CExpr {
  return b.length ? member(id(b.length.name), 'length') : atom(b.bound);
}
