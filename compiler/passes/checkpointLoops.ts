/**
 * `// @checkpoint` loops: which loops can be reversed with binomial checkpointing, what their
 * state is, and the code that drives the schedule (runtime/checkpoint.ts).
 *
 * A taped loop pushes, every iteration, the values its reverse will need: memory grows with the
 * trip count. A checkpointed loop instead saves, at a few iterations, the loop's *state* — the
 * variables an iteration reads that an earlier iteration wrote, and the arrays the loop writes —
 * and reverses one iteration at a time: restore the nearest saved state, run forward to the
 * iteration (plainly), run it once more with taping, then run its adjoint. Only one iteration's
 * tape exists at a time.
 *
 *   // @checkpoint snapshots=20
 *   for (let t = 0; t < steps; t++) { step(x); J += x[0] * x[0] }
 *
 *   forward sweep:  count the steps (_T0), then run them all, saving x and J before the steps the
 *                   schedule names (_ck0.shot)
 *   reverse sweep:  for each operation of the schedule: restore / advance / save / reverse step
 *
 * Applies to an outermost counted `for` loop whose trip count is fixed at loop entry and whose
 * state lives in the function's own variables and arrays; anything else is a diagnostic here.
 */
import { add, assign, call, type CExpr, comment, countUp, type CStmt, exprStmt, id, index, member, mul, n, postfix } from '../code.js';
import { unsupported } from '../diagnostics.js';
import { type Atom, exprOperands, type IRFunction, type Loop, type Stmt, type Var, walk } from '../ir.js';
import type { NameScope } from '../naming.js';
import { primalCode } from './emitPrimal.js';
import { atom, loopStatement, testOnly } from './irCode.js';

export interface CheckpointPlan {
  readonly loop: Loop & { canonical: NonNullable<Loop['canonical']>; checkpoint: NonNullable<Loop['checkpoint']> };
  /** Numbers and booleans saved with each state, then arrays (every element). */
  readonly scalars: readonly Var[];
  readonly arrays: readonly Var[];
}

/** The `// @checkpoint` loops of `fn`, checked. */
export function planCheckpoints(fn: IRFunction): ReadonlyMap<Loop, CheckpointPlan> {
  const plans = new Map<Loop, CheckpointPlan>();
  walk(fn.body, (s, loops) => {
    if (s.k !== 'loop' || !s.checkpoint) return;
    if (loops.length > 0) {
      unsupported(s.checkpoint.node, 'a // @checkpoint loop cannot be inside another loop',
        'put // @checkpoint on the outermost loop (the time loop); the loops inside it are reversed step by step');
    }
    plans.set(s, plan(s, fn));
  });
  return plans;
}

/** jit(grad(f)) does not checkpoint yet. */
export function rejectCheckpoints(fn: IRFunction, why: string): void {
  walk(fn.body, (s) => {
    if (s.k === 'loop' && s.checkpoint) unsupported(s.checkpoint.node, `// @checkpoint is not supported ${why}`, 'remove the comment (the loop is then taped), or differentiate without jit');
  });
}

function plan(loop: Loop, fn: IRFunction): CheckpointPlan {
  const node = loop.checkpoint!.node;
  const c = loop.canonical;
  if (!c) {
    unsupported(node, "the trip count of this // @checkpoint loop is not known at loop entry: it must be a counted loop whose counter only the loop header changes",
      'write it as for (let t = a; t < b; t++), with b not changed by the loop');
  }
  if (!Number.isInteger(c.step)) unsupported(node, `a // @checkpoint loop must step its counter by an integer, not ${c.step}`, 'count steps with an integer and compute the time from it');
  if (!loop.pre.every((s) => s.k === 'assign')) {
    unsupported(node, 'the trip count of this // @checkpoint loop is not known at loop entry: a break or return inside can end it early',
      'let the loop run all its steps (keep a flag and skip the work instead of breaking)');
  }
  const assigned = new Set<Var>(); // by body and update
  const stored = new Set<Var>();
  const allocated = new Set<Var>(); // arrays made afresh each step: not loop state
  const given: (Stmt & { k: 'assign' })[] = []; // array variables given another array in the step
  walk([...loop.body, ...loop.update], (s) => {
    if (s.k === 'assign' && s.expr.k === 'newArray') allocated.add(s.target);
  });
  walk([...loop.body, ...loop.update], (s) => {
    if (s.k === 'assign') assigned.add(s.target);
    if (s.k === 'store') stored.add(s.arr);
    if (s.k === 'store' && s.arr.arrayType === 'rows' && !allocated.has(s.arr)) {
      unsupported(node, `the state of this // @checkpoint loop cannot be saved: it writes into '${s.arr.name}', an array of arrays, whose saved states are not restored yet`,
        'keep the loop\'s state in flat arrays (index them i * n + j)');
    }
    if (s.k === 'store' && s.arr.growable && !allocated.has(s.arr)) {
      unsupported(node, `the state of this // @checkpoint loop cannot be saved: it writes into '${s.arr.name}', an array grown by push, whose saved states are not restored yet`,
        'allocate the array with its final length (new Array(n).fill(0)) and store by index, or build it inside the loop');
    }
    // an array made in the step (`[cur, nxt] = [nxt, cur]` of two buffers it allocates) is no state
    if (s.k === 'assign' && s.target.kind === 'array' && s.expr.k === 'atom' && s.target.node && !allocated.has(s.target)) given.push(s);
  });
  // Another name taken in the step for an array the step never gives a new one (`const r = cur`),
  // only read, and taken before it is read in every step: it names the saved state's own array, so
  // it is no state itself (fuzz seed 932470).
  const isParam = new Set(fn.params.map((p) => p.v));
  const outside = new Set<Var>(isParam);
  walk(fn.body, (s, loops) => {
    if (s.k === 'assign' && !loops.includes(loop)) outside.add(s.target);
  });
  const exposed = new Set<Var>();
  readsBeforeWrites([...loop.body, ...loop.update], new Set([c.counter]), exposed);
  const givenTargets = new Set(given.map((s) => s.target));
  const source = (s: Stmt & { k: 'assign' }): Var | undefined => (s.expr.k === 'atom' && s.expr.a.k === 'var' ? s.expr.a.v : undefined);
  const alias = (s: Stmt & { k: 'assign' }): boolean => {
    const from = source(s);
    return !!from && !allocated.has(from) && !givenTargets.has(from) && !stored.has(s.target) && !exposed.has(s.target) && !outside.has(s.target);
  };
  const named = given.filter((s) => !alias(s));
  // a state given each step's new array that checkpointState.ts could not keep in one array (named
  // first: the variable given a fresh array, rather than another name for the state)
  const fresh = (s: Stmt & { k: 'assign' }): boolean => !!source(s) && allocated.has(source(s)!);
  const state = named.find(fresh) ?? named[0];
  if (state) {
    const x = state.target.name;
    unsupported(node, `the state of this // @checkpoint loop cannot be saved: '${x}' is given a new array each step, and the loop also uses it other than by index (another name for it, a call it is passed to) or gives it an array that lives on`,
      `give the state a step's fresh result (${x} = step(${x})) and inside the loop only index it, or copy each step's result into one array (for (let i = 0; i < n; i++) ${x}[i] = next[i])`);
  }
  for (const s of loop.pre as readonly (Stmt & { k: 'assign' })[]) {
    for (const a of exprOperands(s.expr)) {
      const v = a.k === 'var' ? a.v : undefined;
      if (!v || v === c.counter) continue;
      if (assigned.has(v) || (s.expr.k === 'load' && stored.has(s.expr.arr))) {
        const name = v.node ? `'${v.name}'` : 'its bound';
        unsupported(node, `the trip count of this // @checkpoint loop is not known at loop entry: the condition reads ${name}, which the loop changes`,
          'compute the number of steps before the loop and compare the counter with that');
      }
    }
  }
  for (const a of stored) {
    if (isParam.has(a) || a.outer) {
      const where = isParam.has(a) ? 'a parameter' : 'declared outside the function';
      unsupported(node, `the state of this // @checkpoint loop cannot be saved: it writes into '${a.name}', ${where}, which the adjoint would have to rewind in place`,
        `copy '${a.name}' into a local array before the loop and write into that`);
    }
  }

  // State: what an iteration reads before writing it (or what was set before the loop and may be
  // read again after it), and the arrays from outside the loop that it writes.
  const inLoop = new Set<Var>([...assigned, ...(loop.pre as readonly (Stmt & { k: 'assign' })[]).map((s) => s.target)]);
  // What the loop only reads but code after it changes: the recomputed steps of the reverse sweep
  // run after that code, so these are saved with each state too (taped loops read the tape instead).
  const changedAfter = new Set<Var>();
  const read = new Set<Var>();
  let passed = false;
  walk(fn.body, (s, loops) => {
    if (s === loop) passed = true;
    if (loops.includes(loop)) {
      const atoms = s.k === 'assign' ? exprOperands(s.expr) : s.k === 'store' ? [s.index, s.value] : [s.cond];
      for (const a of atoms) if (a.k === 'var') read.add(a.v);
    } else if (passed && s !== loop) {
      if (s.k === 'assign') changedAfter.add(s.target);
      if (s.k === 'store') changedAfter.add(s.arr);
    }
  });
  const readOnlyChanged = [...read].filter((v) => changedAfter.has(v) && !inLoop.has(v) && !stored.has(v) && v !== c.counter);
  const scalars = [...inLoop].filter((v) => v.kind !== 'array' && v !== c.counter && (exposed.has(v) || outside.has(v)));
  scalars.push(...readOnlyChanged.filter((v) => v.kind !== 'array'));
  const arrays = [...stored].filter((a) => !inLoop.has(a));
  arrays.push(...readOnlyChanged.filter((v) => v.kind === 'array'));
  return { loop: loop as CheckpointPlan['loop'], scalars, arrays };
}

/**
 * Adds to `exposed` the variables that `stmts` may read before assigning them, given those
 * `defined` already; assignments inside an `if` count when both branches make them, inside a
 * loop not at all (it may run zero times).
 */
function readsBeforeWrites(stmts: readonly Stmt[], defined: Set<Var>, exposed: Set<Var>): void {
  const read = (a: Atom): void => {
    if (a.k === 'var' && !defined.has(a.v)) exposed.add(a.v);
  };
  for (const s of stmts) {
    if (s.k === 'assign') {
      exprOperands(s.expr).forEach(read);
      defined.add(s.target);
    } else if (s.k === 'store') {
      [s.index, s.value].forEach(read);
      read({ k: 'var', v: s.arr });
    } else if (s.k === 'if') {
      read(s.cond);
      const a = new Set(defined);
      const b = new Set(defined);
      readsBeforeWrites(s.then, a, exposed);
      readsBeforeWrites(s.else, b, exposed);
      for (const v of a) if (b.has(v)) defined.add(v);
    } else {
      readsBeforeWrites(s.pre, defined, exposed);
      read(s.cond);
      readsBeforeWrites([...s.body, ...s.update], new Set(defined), exposed);
    }
  }
}

// ── code ──────────────────────────────────────────────────────────────────────────────────────

/** What the reverse-mode generator supplies for one iteration of the loop. */
export interface StepCode {
  /** The iteration with taping (the reverse-mode forward sweep of body and update). */
  readonly taped: () => CStmt[];
  /** Its adjoint (the reverse sweep of update and body). */
  readonly adjoint: () => CStmt[];
}

/** Names shared by the forward and reverse code of one checkpointed loop. */
export interface CheckpointNames {
  readonly checkpoints: string;
  readonly steps: string;
  /** Block-scoped: the step index of a loop over steps, a saved state, the schedule's operation. */
  readonly step: string;
  readonly state: string;
  readonly op: string;
}

export function checkpointNames(plan: CheckpointPlan, names: NameScope): CheckpointNames {
  const id = plan.loop.id;
  return { checkpoints: names.unique(`_ck${id}`), steps: names.unique(`_T${id}`), step: names.unique(`_k${id}`), state: names.unique('_s'), op: names.unique('_op') };
}

/** `tape.checkpoints(id)`: the loop's saved states, kept across calls like the tape. */
export function checkpointsOf(plan: CheckpointPlan, tape: CExpr): CExpr {
  return call(member(tape, 'checkpoints'), n(plan.loop.id));
}

/** Forward sweep: count the steps, then run them all, saving the state where the schedule says. */
export function checkpointedForward(plan: CheckpointPlan, cn: CheckpointNames, reused: ReadonlySet<Var>): CStmt[] {
  const { loop } = plan;
  const ck = id(cn.checkpoints);
  const [k, s] = [cn.step, cn.state];
  const test = testOnly(loop);
  const count = loopStatement(loop, test, test ? [] : primalCode(loop.pre), [exprStmt(postfix(cn.steps, '++')), ...primalCode(loop.update)]);
  const snapshots = loop.checkpoint.snapshots;
  return [
    comment(`loop#${loop.id}: binomial checkpointing, ${snapshots ? `${snapshots} saved states` : '2·log2(steps) saved states'}`),
    assign(id(cn.steps), n(0)),
    count,
    exprStmt(call(member(ck, 'begin'), id(cn.steps), n(snapshots ?? 0), width(plan))),
    countUp(k, n(0), id(cn.steps), [
      { k: 'if', cond: { k: 'bin', op: '===', a: id(k), b: member(ck, 'shot') }, then: [constDecl(s, call(member(ck, 'take'))), ...save(plan, id(s))], else: [] },
      ...plainStep(plan, id(k), reused),
    ]),
  ];
}

/** Reverse sweep: the schedule's operations, until it says done. */
export function checkpointedReverse(plan: CheckpointPlan, cn: CheckpointNames, reused: ReadonlySet<Var>, step: StepCode): CStmt[] {
  const ck = id(cn.checkpoints);
  const [k, s, op] = [cn.step, cn.state, cn.op];
  const state = constDecl(s, call(member(ck, 'state')));
  const is = (value: number): CExpr => ({ k: 'bin', op: '===', a: id(op), b: n(value) });
  const next = call(member(ck, 'next'));
  const at = setCounter(plan, member(ck, 'from'));
  const reverseStep: CStmt[] = [comment('reverse step from: run it with taping, then its adjoint'), at, ...step.taped(), at, ...step.adjoint()];
  const advance = countUp(k, member(ck, 'from'), member(ck, 'to'), plainStep(plan, id(k), reused));
  const dispatch: CStmt = {
    k: 'if', cond: is(1), then: [comment('restore a saved state'), ...(plan.scalars.length > 0 ? [state] : []), ...restore(plan, id(s), ck)],
    else: [{
      k: 'if', cond: is(2), then: [comment('advance: run steps from..to-1 again'), advance],
      else: [{ k: 'if', cond: is(3), then: [comment('save the state'), state, ...save(plan, id(s))], else: reverseStep }],
    }],
  };
  const done: CStmt = { k: 'if', cond: is(0), then: [{ k: 'break' }], else: [] };
  return [{ k: 'for', body: [constDecl(op, next), done, dispatch] }];
}

/** A step run plainly; the step's private arrays (analyzeBuffers.ts) reuse the arrays they held. */
function plainStep(plan: CheckpointPlan, k: CExpr, reused: ReadonlySet<Var>): CStmt[] {
  return [setCounter(plan, k), ...primalCode(plan.loop.body, undefined, reused), ...primalCode(plan.loop.update, undefined, reused)];
}

/** counter = start + k·step */
function setCounter(plan: CheckpointPlan, k: CExpr): CStmt {
  const c = plan.loop.canonical;
  return assign(id(c.counter.name), add(atom(c.start), mul(k, n(c.step))));
}

/** Numbers per saved state: the scalars, then each array's elements. */
function width(plan: CheckpointPlan): CExpr {
  return offset(plan, plan.arrays.length);
}

/** Where array `i` starts in a saved state. */
function offset(plan: CheckpointPlan, i: number): CExpr {
  return plan.arrays.slice(0, i).reduce<CExpr>((w, a) => add(w, member(id(a.name), 'length')), n(plan.scalars.length));
}

function save(plan: CheckpointPlan, s: CExpr): CStmt[] {
  const out: CStmt[] = plan.scalars.map((v, i) => assign(index(s, n(i)), v.kind === 'bool' ? { k: 'cond', c: id(v.name), a: n(1), b: n(0) } : id(v.name)));
  plan.arrays.forEach((a, i) => out.push(exprStmt(call(member(s, 'set'), id(a.name), offset(plan, i)))));
  return out;
}

function restore(plan: CheckpointPlan, s: CExpr, ck: CExpr): CStmt[] {
  const out: CStmt[] = plan.scalars.map((v, i) => assign(id(v.name), v.kind === 'bool' ? { k: 'bin', op: '===', a: index(s, n(i)), b: n(1) } : index(s, n(i))));
  plan.arrays.forEach((a, i) => out.push(exprStmt(call(member(ck, 'load'), id(a.name), offset(plan, i)))));
  return out;
}

function constDecl(name: string, init: CExpr): CStmt {
  return { k: 'let', decls: [{ name, init }], isConst: true };
}
