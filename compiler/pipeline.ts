/**
 * The compiler, in order. Each step is one file in passes/; analyses return facts, transforms
 * return new trees, nothing mutates its input.
 *
 *   findCallSites    marker calls (grad, valueAndGrad) found through the type checker; one request
 *                    per (function, mode, argnums), however many call sites share it  (transform.ts)
 *   customRules, findOverrides   the program's custom derivatives; methods subclasses override
 *   lowerToIR        TS → IR: fence unsupported code with diagnostics, A-normal form, jumps to
 *                    flags, calls inlined (recursive ones called: their companions, compileCompanion);
 *                    checkpointState: state arrays given each step's new array kept in one array
 *   fuseLoops        (optimize) adjacent counted loops over the same range, each iteration of the
 *                    second reading only what the same iteration of the first wrote, made one
 *   simplifyLoads    (optimize) an element loaded twice in a row loaded once; loads no iteration
 *                    of a loop changes moved before the loop; a temporary copied into a variable
 *                    made that variable; `k = _t + 1` after `_t = k` written `k = k + 1` (L[k++])
 *   analyzeActivity  which variables carry derivatives (varied ∧ useful): only those get adjoints;
 *                    useful is a liveness, so dead assignments get no derivative code
 *   analyzeSaves     which primal values the reverse sweep needs, kept / recomputed / saved
 *                    (exprRules: what each expression's derivative reads; loopBounds: trip counts
 *                    from a counted loop's bound); inductionVars: numbers a loop steps, recomputed
 *                    from its counter; selectionLoops: `if (v > mx) mx = v` keeps the iteration
 *                    it took last; frozenRows: arrays of arrays only read after they are built;
 *                    loopSnapshots: a number no reverse in its loop reads, saved once per loop
 *   checkpointLoops  `// @checkpoint` loops: checked, their state found; reversed with a binomial
 *                    schedule (runtime/checkpoint.ts) instead of taping every iteration
 *   analyzeBuffers   private arrays (one adjoint buffer each, primal arrays refilled, state and
 *                    step temporaries swapped) and integers (saved on the integer stack)
 *   reverseMode      forward sweep (forwardSweep) + reverse sweep as a code tree, over the state
 *                    they share (sweepState; irCode: IR → code pieces;
 *                    reverseBuffers: the code for private arrays; integerValues: counted loops
 *                    reversed from their bound when their start is an integer)
 *   tidyCode         (optimize) the code tree as a person would write it, bit for bit the same:
 *                    foldTemporaries (A-normal form back into expressions, adjoint accumulations
 *                    written directly, dead code out), restoreLoops (`for` loops), over the facts
 *                    of analyzeEffects, analyzeLiveness, analyzeArrays; every body below goes
 *                    through it (jvp, companions, jit's host)
 *   fuseSweeps       (optimize, with tidyCode) a top-level loop whose iterations meet only in sums
 *                    (Σ over samples) reversed one iteration at a time, right after it runs: the
 *                    tape holds one iteration (iterationFacts: what an iteration reads first,
 *                    leaves zero, only adds into); fusedIteration: what the iteration's pushes
 *                    and pops no longer need the tape for, and its reloads, dropped; a body
 *                    left with nothing on its tape loses it (swept, below)
 *   componentSlices  (with fuseSweeps) a scratch array each iteration of a loop writes whole,
 *                    whose reverse runs in the same block (a component loop in a fused sample),
 *                    kept one slice per iteration instead of on the tape; loads from it again
 *   ascendingLoops   (with fuseSweeps) independent reversed loops inside such a loop's reverse run
 *                    forward; an index the nest steps set to its first value again, not popped
 *   remainders       (optimize, with tidyCode) `a % b` as `rem(a, b)` (runtime/values.ts), the
 *                    same number without a division for an index wrapped around (`x[(i + 1) % n]`)
 *   indexedTape      the tape's stacks written by index with a local top (`floats[nf++] = p`)
 *   emit             code tree → ts.factory nodes, placed beside the function     (transform.ts)
 *
 * jit(f) shares the front end: lowerToIR, then parallelLoops (legality of `// @parallel` loops)
 * and lowerKernels (host code plus one gpu.js kernel per loop output); kernelCounters gives every
 * kernel loop an integer counter (WGSL increments only integers), kernelMath gives `**`, Math.pow
 * and the trigonometric functions JavaScript's values on GPUs (products, runtime helpers). Kernels over a grid (slot ×
 * iteration, …) run over one dimension of threads and decode their position (kernelGrid).
 *
 * jit(grad(f)): lowerToIR → parallelLoops → materializeLeaves (leaf sums out of parallel loops,
 * into buffers) → analyzeActivity → analyzeSaves → reverseMode, with adjointKernels' hooks around
 * each parallel loop (leaf-sum kernels before its forward sweep, gathers after its reverse).
 */
import type * as TS from 'typescript';
import { call, type CExpr, id, member, namesIn, type CStmt } from './code.js';
import { type CompanionKind, type IRFunction, storedArrays } from './ir.js';
import { kernelHelpers, NameScope, runtimeNamespace, tapeName } from './naming.js';
import { analyzeActivity } from './passes/analyzeActivity.js';
import { analyzeSaves } from './passes/analyzeSaves.js';
import { type FunctionLike, type LowerOptions, lowerToIR } from './passes/lowerToIR.js';
import { type GradientSpec, reverseMode } from './passes/reverseMode.js';
import { copyWrittenParams } from './passes/irCode.js';
import { backendParam, type JitCode, type Kernel, lowerKernels } from './passes/lowerKernels.js';
import { kernelMath } from './passes/kernelMath.js';
import { findParallelLoops } from './passes/parallelLoops.js';
import { materializeLeaves } from './passes/materializeLeaves.js';
import { simplifyLoads } from './passes/simplifyLoads.js';
import { fuseLoops } from './passes/fuseLoops.js';
import { adjointKernels } from './passes/adjointKernels.js';
import { integerCounters } from './passes/kernelCounters.js';
import { planCheckpoints, rejectCheckpoints } from './passes/checkpointLoops.js';
import { forwardMode } from './passes/forwardMode.js';
import { declareLocals, primalCode } from './passes/emitPrimal.js';
import { unsupported } from './diagnostics.js';
import type { CustomRule } from './passes/customRules.js';
import { gatherParams, userParams } from './structs.js';
import { indexedTape } from './passes/indexedTape.js';
import { tidyCode } from './passes/tidyCode.js';
import { fuseSweeps, primalExposure } from './passes/fuseSweeps.js';
import { remainders } from './passes/remainders.js';
import { componentSlices } from './passes/componentSlices.js';
import { ascendingLoops } from './passes/ascendingLoops.js';

export interface GradientRequest extends GradientSpec {
  readonly decl: FunctionLike;
  /** The function's name, used to name generated code. */
  readonly name: string;
  readonly argnums: readonly number[];
  /** Name of the generated function. */
  readonly generated: string;
}

export interface CompileContext {
  readonly checker: TS.TypeChecker;
  /** Names visible where the generated function goes, which generated locals must not shadow. */
  readonly reserved: Iterable<string>;
  readonly emitSite: TS.Node;
  /** Recompute cheap values instead of saving them, and index counted loops by formula. */
  readonly optimize: boolean;
  /** Fold the generated code back into expressions and `for` loops (passes/tidyCode.ts); default: as `optimize`. */
  readonly tidy?: boolean;
  /** Reverse each iteration of a loop whose iterations meet only in sums right after it (passes/fuseSweeps.ts); default: as `tidy`. */
  readonly fuseSweeps?: boolean;
  /** Products with partials guarded against 0 · ∞ (TsgradConfig.strictZeros). */
  readonly strictZeros?: boolean;
  /** User-given derivatives found in the program (passes/customRules.ts). */
  readonly customRules?: ReadonlyMap<TS.Node, CustomRule>;
  /** See LowerOptions.copyTable. */
  readonly copyTable?: LowerOptions['copyTable'];
  /** See LowerOptions.overridden. */
  readonly overridden?: LowerOptions['overridden'];
  /** See LowerOptions.companion. */
  readonly companion?: LowerOptions['companion'];
}

export interface CompiledGradient {
  readonly ir: IRFunction;
  readonly params: readonly string[];
  readonly body: readonly CStmt[];
  /** Name of the module-level tape the body uses, if any. */
  readonly tape?: string;
}

export function compileGradient(request: GradientRequest, ctx: CompileContext): CompiledGradient {
  const names = new NameScope(ctx.reserved);
  const ir = loads(lowerToIR(request.decl, request.name, { checker: ctx.checker, names, emitSite: ctx.emitSite, argnums: request.argnums, customRules: ctx.customRules, copyTable: ctx.copyTable, overridden: ctx.overridden, companion: ctx.companion, defaults: true }), ctx);
  const activity = analyzeActivity(ir);
  const saves = analyzeSaves(ir, activity, ctx.optimize);
  const tape = tapeName(request.generated);
  const out = reverseMode(ir, activity, saves, request, names, id(tape), { checkpoints: planCheckpoints(ir), strictZeros: ctx.strictZeros });
  return { ir, params: out.params, ...swept(out, out.params, ctx, tape) };
}

/**
 * A reverse-mode body tidied, with the module-level tape it uses (`tape`, its name), if it still
 * uses one: fused sweeps can leave nothing on it, and then it goes with its reset and mark.
 */
function swept(out: { body: readonly CStmt[]; usesTape: boolean; tapeLocal: string }, params: readonly string[], ctx: CompileContext, tape?: string): { body: readonly CStmt[]; tape?: string } {
  const body = tidied(out.body, params, ctx, out.tapeLocal);
  if (!out.usesTape) return { body };
  const idle = (s: CStmt): boolean =>
    (s.k === 'let' && s.decls.length === 1 && s.decls[0].name === out.tapeLocal) ||
    (s.k === 'expr' && s.e.k === 'call' && s.e.callee.k === 'member' && s.e.callee.obj.k === 'id' && s.e.callee.obj.name === out.tapeLocal && (s.e.callee.prop === 'reset' || s.e.callee.prop === 'mark'));
  const rest = body.filter((s) => !idle(s));
  return namesIn(rest).has(out.tapeLocal) ? { body, tape } : { body: rest };
}

/** A generated body as a person would write it (passes/tidyCode.ts) and its remainders without divisions (passes/remainders.ts), when optimizing; its tape's stacks indexed (passes/indexedTape.ts). */
function tidied(body: readonly CStmt[], params: readonly string[], ctx: CompileContext, tape?: string): readonly CStmt[] {
  const tidy = ctx.optimize && ctx.tidy !== false ? remainders(fused(body, tidyCode(body, params, tape), params, ctx, tape), params) : body;
  return tape ? indexedTape(tidy, params, tape) : tidy;
}

/** Loops whose iterations meet only in sums reversed one iteration at a time (passes/fuseSweeps.ts), unless turned off. */
function fused(sweeps: readonly CStmt[], body: readonly CStmt[], params: readonly string[], ctx: CompileContext, tape?: string): readonly CStmt[] {
  if (!tape || ctx.fuseSweeps === false || !body.some((s) => s.k === 'for' && s.sweep !== undefined)) return body;
  const fused = fuseSweeps(body, params, primalExposure(sweeps, params, tape), tape);
  // what only the reverse loop needed (its trip count) goes
  if (fused === body) return body;
  const { code, sliced } = componentSlices(fused, params, tape);
  return tidyCode(ascendingLoops(code, params, sliced, tape), params, tape);
}

export interface JitRequest {
  readonly decl: FunctionLike;
  readonly name: string;
  readonly generated: string;
  readonly isAsync: boolean;
  /** A name free at module level, for each kernel. */
  readonly kernelName: (base: string) => string;
}

/** What every kernel goes through last: integer loop counters, then Math as JavaScript means it. */
const finishKernel = (k: Kernel): Kernel => kernelMath(integerCounters(k));

/** jit: the function with its `// @parallel` loops lowered to kernels (passes/lowerKernels.ts). */
export function compileJit(request: JitRequest, ctx: CompileContext): JitCode {
  const names = new NameScope([...ctx.reserved, ...Object.values(kernelHelpers)]);
  const ir = lowerToIR(request.decl, request.name, { checker: ctx.checker, names, emitSite: ctx.emitSite, argnums: [], jit: true, customRules: ctx.customRules, copyTable: ctx.copyTable, overridden: ctx.overridden });
  noStructs(ir, request.decl);
  const code = lowerKernels(ir, request.generated, names, request.isAsync, request.kernelName);
  return { ...code, body: tidied(code.body, code.params, ctx), kernels: code.kernels.map(finishKernel) };
}

/**
 * jit(grad(f)): reverse mode over the IR with each parallel loop's leaf sums taken out
 * (materializeLeaves.ts) and run as kernels, forward and adjoint (adjointKernels.ts).
 */
export function compileJitGradient(request: GradientRequest & Omit<JitRequest, 'decl' | 'name'>, ctx: CompileContext): JitCode & { tape?: string } {
  const names = new NameScope([...ctx.reserved, ...Object.values(kernelHelpers)]);
  const ir = lowerToIR(request.decl, request.name, { checker: ctx.checker, names, emitSite: ctx.emitSite, argnums: request.argnums, customRules: ctx.customRules, copyTable: ctx.copyTable, overridden: ctx.overridden });
  noStructs(ir, request.decl);
  rejectCheckpoints(ir, 'under jit yet');
  const plans = findParallelLoops(ir);
  const split = materializeLeaves(ir, plans, analyzeActivity(ir), names);
  const activity = analyzeActivity(split.fn, split.seeds);
  const saves = analyzeSaves(split.fn, activity, ctx.optimize);
  const { hooks, kernels } = adjointKernels(split, request.generated, names, request.isAsync, request.kernelName);
  const tape = tapeName(request.generated);
  const out = reverseMode(split.fn, activity, saves, request, names, id(tape), { hooks, strictZeros: ctx.strictZeros });
  const params = [backendParam, ...out.params];
  return { params, ...swept(out, params, ctx, tape), kernels: kernels.map(finishKernel) };
}

/** What the transformations beyond grad compile (README, "Forward mode, Jacobians, Hessians"). */
export type DerivativeKind =
  /** f_jvp(...params, ...tangents) → [value, tangent]; `argnums` 'differentiable' or one index (jacfwd). */
  | 'jvp'
  /** f_vjp(ct, ...params) → cotangents (a tuple over all parameters, or the one argnum's: jacrev). */
  | 'vjp'
  /** f_hvp(...params, v) → H·v, reverse mode over the tangent-linear program. */
  | 'hvp'
  /** f_grad_grad(...params) → f'' for a scalar parameter. */
  | 'gradgrad';

export interface DerivativeRequest {
  readonly decl: FunctionLike;
  readonly name: string;
  readonly generated: string;
  readonly kind: DerivativeKind;
  readonly argnums: readonly number[] | 'differentiable';
  /** The generated function may take the function's literal parameter defaults (nothing follows the parameters in its calls). */
  readonly defaults: boolean;
  /** jacfwd, jacrev, hessian: the runtime walks the differentiated argument as one flat vector. */
  readonly flat?: boolean;
}

export interface CompiledDerivative extends CompiledGradient {
  /** Indices of the array parameters the function writes into (the runtime copies them before running f itself). */
  readonly written: readonly number[];
}

export function compileDerivative(request: DerivativeRequest, ctx: CompileContext): CompiledDerivative {
  const names = new NameScope(ctx.reserved);
  const { kind, argnums } = request;
  const vectorOutput = kind === 'jvp' || kind === 'vjp';
  const ir = loads(lowerToIR(request.decl, request.name, { checker: ctx.checker, names, emitSite: ctx.emitSite, argnums, vectorOutput, customRules: ctx.customRules, copyTable: ctx.copyTable, overridden: ctx.overridden, companion: ctx.companion, defaults: request.defaults }), ctx);
  const written = writtenParams(ir);
  if (argnums !== 'differentiable' && kind !== 'gradgrad' && kind !== 'hvp' && ir.structs?.some((st) => st.leaves.some((l) => ir.params.find((p) => p.v === l.v)?.selected))) {
    unsupported(request.decl.parameters[argnums[0]], 'jacfwd, jacrev and hessian differentiate with respect to a number or an array, not an object',
      'pass the array itself, or use jvp/vjp/hvp, which take objects');
  }
  if (request.flat) noRows(ir, request.decl, kind === 'hvp' ? 'hessian' : 'jacfwd and jacrev');
  const tape = tapeName(request.generated);
  const activity = analyzeActivity(ir);
  if (kind === 'vjp') {
    const cotangent = names.unique('ct');
    const all = argnums === 'differentiable';
    const saves = analyzeSaves(ir, activity, ctx.optimize);
    const out = reverseMode(ir, activity, saves, { mode: 'grad', tuple: all, cotangent, allParams: all }, names, id(tape), { checkpoints: planCheckpoints(ir), strictZeros: ctx.strictZeros });
    return { ir, params: out.params, ...swept(out, out.params, ctx, tape), written };
  }
  if (kind === 'gradgrad') {
    const p = ir.params.find((x) => x.selected)!;
    if (p.v.kind !== 'num') {
      unsupported(p.v.node ?? request.decl, `grad(grad(f)) differentiates twice with respect to a number, and '${p.v.name}' is an array`,
        'for an array parameter use hessian(f) or hvp(f)');
    }
  }
  const tangent = forwardMode(ir, activity, names, kind === 'gradgrad' ? 'one' : 'param', kind !== 'jvp', ctx.strictZeros);
  if (kind === 'jvp') {
    const index = new Map(ir.params.map((p, i) => [p, i]));
    const primals = gatherParams(ir, (p) => ({ name: p.v.name, read: true }), (s) => s.name);
    const tangents = gatherParams(ir, (p) => {
      const t = tangent.tangentParams.get(index.get(p)!);
      return t ? { name: t.name, read: true } : { name: names.unique(`${p.v.name}_dot`), read: false };
    }, (s) => tangent.tangentStructs.get(s)?.name ?? names.unique(`${s.name}_dot`));
    // the primal and tangent arrays the tangent program writes into are copies (f writes into them)
    const prologue: CStmt[] = [...primals.prologue, ...tangents.prologue, ...copyWrittenParams(tangent.fn)];
    const body = [...prologue, ...primalCode(tangent.fn.body)];
    const resultTangent = tangent.fn.result;
    // the caller's tangent, when f returns an array parameter it does not write: copied on the way out
    const callersTangent = tangent.fn.params.some((p) => p.v === resultTangent) && !storedArrays(tangent.fn.body).has(resultTangent);
    const result: CExpr = {
      k: 'array',
      items: [id(tangent.primalResult.name), callersTangent ? call(member(id('Float64Array'), 'from'), id(resultTangent.name)) : id(resultTangent.name)],
    };
    // jvp takes a tangent per parameter; jacfwd's jvp only the one it differentiates
    const tangentSide = request.argnums === 'differentiable' ? tangents.names : [...tangent.tangentParams.values()].map((v) => v.name);
    const decls = declareLocals(tangent.fn, body, [result]);
    const params = [...primals.names, ...tangentSide];
    return { ir, params, body: tidied([...decls, ...body, { k: 'return', e: result }], params, ctx), written };
  }
  // hvp and grad(grad(f)): reverse mode over the tangent-linear program
  const outer = analyzeActivity(tangent.fn);
  const saves = analyzeSaves(tangent.fn, outer, ctx.optimize);
  const out = reverseMode(tangent.fn, outer, saves, { mode: 'grad', tuple: false }, names, id(tape), { checkpoints: planCheckpoints(tangent.fn), strictZeros: ctx.strictZeros });
  return { ir, params: out.params, ...swept(out, out.params, ctx, tape), written };
}

/** fuseLoops, then simplifyLoads, with `optimize` on. */
const loads = (ir: IRFunction, ctx: CompileContext): IRFunction => (ctx.optimize ? simplifyLoads(fuseLoops(ir)) : ir);

function noStructs(ir: IRFunction, decl: FunctionLike): void {
  const s = ir.structs?.[0];
  if (s) unsupported(decl.parameters.find((p) => p.name.getText() === s.name) ?? decl, `jit of a function with an object parameter ('${s.name}') is not supported`, 'pass its arrays and numbers as separate parameters');
  const rows = ir.params.find((p) => p.v.arrayType === 'rows');
  if (rows) unsupported(rows.v.node ?? decl, `jit of a function with an array of arrays ('${rows.v.name}') is not supported`, 'pass one flat array with computed indices (A[i * n + j])');
  const objects = ir.params.find((p) => p.v.arrayType === 'objects');
  if (objects) unsupported(objects.v.node ?? decl, `jit of a function with an array of objects ('${objects.v.name}') is not supported`, 'pass each field as a flat array with computed indices');
}

/**
 * A companion of a user function compiled on its own (lower/separate.ts): `f_primal(...params)`,
 * `f_pullback(...params, ...arrayAdjoints, ct)` or `f_jvp(...params, ...tangents)`.
 */
export function compileCompanion(decl: FunctionLike, fnName: string, kind: CompanionKind, generated: string, ctx: CompileContext): CompiledGradient {
  if (kind === 'tangentPrimal' || kind === 'tangentPullback') return compileTangentCompanion(decl, fnName, kind, ctx);
  if (kind === 'jvp') {
    // callers pass every argument (separate.ts fills in literal defaults): defaults are accepted, not emitted
    const out = compileDerivative({ decl, name: fnName, generated, kind: 'jvp', argnums: 'differentiable', defaults: true }, ctx);
    return { ir: out.ir, params: out.params, body: out.body };
  }
  const names = new NameScope(ctx.reserved);
  const options = { checker: ctx.checker, names, emitSite: ctx.emitSite, customRules: ctx.customRules, copyTable: ctx.copyTable, overridden: ctx.overridden, companion: ctx.companion, defaults: true };
  if (kind === 'primal') {
    const ir = lowerToIR(decl, fnName, { ...options, argnums: [] });
    const body = [...primalCode(ir.body), { k: 'return' as const, e: id(ir.result.name) }];
    const params = ir.params.map((p) => p.v.name);
    return { ir, params, body: tidied([...declareLocals(ir, body), ...body], params, ctx) };
  }
  const ir = lowerToIR(decl, fnName, { ...options, argnums: 'differentiable' });
  const stored = storedArrays(ir.body);
  if (ir.params.some((p) => stored.has(p.v))) {
    unsupported(decl, `'${fnName}' is compiled on its own (it is recursive) and writes into an array parameter`, 'copy the array inside the function and write into the copy');
  }
  const activity = analyzeActivity(ir);
  const saves = analyzeSaves(ir, activity, ctx.optimize);
  const out = reverseMode(ir, activity, saves, { mode: 'grad', tuple: false, cotangent: names.unique('ct'), pullback: true }, names, callTape, { checkpoints: planCheckpoints(ir), strictZeros: ctx.strictZeros });
  return { ir, params: out.params, body: swept(out, out.params, ctx).body };
}

/**
 * The tangent function's companions (second order through a call): `f_tangentPrimal(...params,
 * ...tangents)` is f_jvp's tangent; `f_tangentPullback(...params, ...tangents, ...arrayAdjoints, ct)`
 * is reverse mode over f's tangent program, every parameter and tangent differentiated.
 */
function compileTangentCompanion(decl: FunctionLike, fnName: string, kind: 'tangentPrimal' | 'tangentPullback', ctx: CompileContext): CompiledGradient {
  const names = new NameScope(ctx.reserved);
  const ir = lowerToIR(decl, fnName, { checker: ctx.checker, names, emitSite: ctx.emitSite, argnums: 'differentiable', customRules: ctx.customRules, copyTable: ctx.copyTable, overridden: ctx.overridden, companion: ctx.companion, defaults: true });
  const tangent = forwardMode(ir, analyzeActivity(ir), names, 'param', true, ctx.strictZeros);
  const tangents = new Set(tangent.tangentParams.values());
  const fn: IRFunction = { ...tangent.fn, structs: undefined, params: tangent.fn.params.map((p) => ({ v: p.v, selected: p.selected || tangents.has(p.v) })) };
  if (kind === 'tangentPrimal') {
    // f_jvp takes a tangent for every parameter (0 where there is none) and gives [value, tangent]
    const jvp = ctx.companion!(decl, 'jvp');
    const byIndex = ir.params.map((_, i) => tangent.tangentParams.get(i));
    const call: CExpr = { k: 'call', callee: id(jvp), args: [...ir.params.map((p) => id(p.v.name)), ...byIndex.map((t) => (t ? id(t.name) : { k: 'num' as const, value: 0 }))] };
    return { ir: fn, params: fn.params.map((p) => p.v.name), body: [{ k: 'return', e: { k: 'index', obj: call, index: { k: 'num', value: 1 } } }] };
  }
  const activity = analyzeActivity(fn);
  const saves = analyzeSaves(fn, activity, ctx.optimize);
  const out = reverseMode(fn, activity, saves, { mode: 'grad', tuple: false, cotangent: names.unique('ct'), pullback: true }, names, callTape, { checkpoints: planCheckpoints(fn), strictZeros: ctx.strictZeros });
  return { ir: fn, params: out.params, body: swept(out, out.params, ctx).body };
}

/** jacfwd, jacrev and hessian flatten the argument they differentiate: a number or a flat array. */
function noRows(ir: IRFunction, decl: FunctionLike, what: string): void {
  const rows = ir.params.find((p) => p.selected && (p.v.arrayType === 'rows' || p.v.arrayType === 'objects'));
  if (rows) {
    const kind = rows.v.arrayType === 'rows' ? 'an array of arrays' : 'an array of objects';
    unsupported(rows.v.node ?? decl, `${what} with respect to ${kind} ('${rows.v.name}') is not supported yet`,
      `use grad, valueAndGrad, jvp or vjp, which take and return ${kind}, or pass a flat array`);
  }
}

/**
 * The user's parameters (by position) that the function stores into, directly or through an
 * inlined call: an array, or an object with such an array field.
 */
function writtenParams(ir: IRFunction): number[] {
  const stored = storedArrays(ir.body);
  return userParams(ir).flatMap((leaves, i) => (leaves.some((p) => stored.has(p.v)) ? [i] : []));
}

/** `new __tsgrad.Tape()`, hoisted beside a generated function: keep in sync with runtime/tape.ts. */
export const newTape = { k: 'new', callee: member(id(runtimeNamespace), 'Tape'), args: [] } as const;
/** `new __tsgrad.Tape(false)`, a companion's tape for one call (not counted by tapeMemory). */
const callTape = { k: 'new', callee: member(id(runtimeNamespace), 'Tape'), args: [{ k: 'bool', value: false }] } as const;
