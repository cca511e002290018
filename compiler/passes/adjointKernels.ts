/**
 * jit(grad(f)), step two: the kernels of the leaf sums that materializeLeaves.ts took out of each
 * parallel loop, and the host code that launches them from inside the sweeps reverseMode writes
 * (the kernels' own code is written by writeLeafKernels.ts).
 *
 * Forward, before the parallel loop runs: one kernel per leaf sum, thread (instance, i) returns
 *   L[i, k] = Σ_j e(i, k, j)
 * (threads are numbered in one dimension, i · instances + instance, the buffer's layout; the gathers'
 * element × block likewise: kernelGrid.ts)
 * Reverse, after the loop's reverse has filled L_b: one *gather* kernel per array A that the sums
 * read, one thread per element m of A:
 *   A_b[m] = Σ over loads t = A[idx] in the sums, over the instances where idx = m,  L_b[i, k] · ∂e/∂t
 * The instances where `idx = m` are found by inverting the index: `theta[k * d + j]` gives
 * k = ⌊m / d⌋, j = m mod d, so the thread loops over i only; `X[i * d + j]` gives i and j, so the
 * thread does no loop at all; counters the index does not determine are looped over; an index that
 * is not of this form is compared with m at every instance (slow, still exact). ∂e/∂t is the
 * reverse of the leaf's straight-line body for one j, inside the thread.
 *
 * Memory: one float32 buffer of trips × instances per leaf sum, and its float64 adjoint; no
 * per-iteration copies of any adjoint array (a scatter `A_b[idx] += …` from every iteration would
 * race; the gather never writes outside its own element).
 */
import { add, assign, bin, call, type CExpr, countUp, type CStmt, id, index, member, mul, n } from '../code.js';
import type { Loop, Var } from '../ir.js';
import { jitNamespace, type NameScope } from '../naming.js';
import type { Kernel } from './lowerKernels.js';
import { backendParam, checkLoop, kernelArguments } from './lowerKernels.js';
import type { LeafGroup, LeafSum, Materialized } from './materializeLeaves.js';
import { atom } from './irCode.js';
import { KernelWriter } from './writeLeafKernels.js';

/** Code reverse mode runs around a loop: before its forward sweep, after its reverse. */
export interface LoopHooks {
  before(loop: Loop): CStmt[];
  afterReverse(loop: Loop, adjoint: (v: Var) => CExpr | undefined): CStmt[];
}

export function adjointKernels(
  m: Materialized,
  generated: string,
  names: NameScope,
  isAsync: boolean,
  kernelName: (base: string) => string,
): { hooks: LoopHooks; kernels: Kernel[] } {
  const kernels: Kernel[] = [];
  const launch = (k: Kernel, shape: CExpr[], consts: CExpr, args: CExpr[]): CExpr => {
    const c = call(member(id(jitNamespace), isAsync ? 'runKernelAsync' : 'runKernel'), id(backendParam), id(k.name), { k: 'array', items: shape }, consts, kernelArguments(k, args));
    return isAsync ? { k: 'await', e: c } : c;
  };
  const addKernel = (base: string, w: KernelWriter, body: CStmt[]): Kernel => {
    const name = kernelName(base);
    names.reserve(name);
    const k: Kernel = { name, params: w.params(), body: [...w.prologue(), ...body] };
    kernels.push(k);
    return k;
  };
  const hooks: LoopHooks = {
    before(loop) {
      const group = m.groups.get(loop.id);
      if (!group) return [];
      const out: CStmt[] = [{ k: 'comment', text: `leaf sums of the parallel loop over ${group.counter.v.name}: ${group.sums.length} kernel(s)` }];
      out.push(...checkLoop(group.counter.v.name, group.counter.start, group.counter.bound));
      for (const sum of group.sums) {
        const w = new KernelWriter(group, names);
        const body = w.leafKernel(sum);
        const k = addKernel(`${generated}_${sum.buffer.name.replace(/^_/, '')}`, w, body);
        // instance q of iteration i is thread i * instances + q (kernelGrid.ts), the buffer's layout
        const shape = [sum.outer.length > 0 ? mul(atom(sum.instances), atom(group.counter.trips)) : atom(group.counter.trips)];
        out.push({
          k: 'if',
          cond: bin('>', atom(sum.length), n(0)),
          then: [assign(id(sum.buffer.name), launch(k, shape, w.constants(), w.arrays.map((a) => id(a.name))))],
          else: [],
        });
      }
      return out;
    },
    afterReverse(loop, adjoint) {
      const group = m.groups.get(loop.id);
      if (!group) return [];
      const out: CStmt[] = [];
      const targets: Var[] = [];
      for (const sum of group.sums) {
        if (!sum.active || !adjoint(sum.buffer)) continue;
        for (const s of sum.leaf.body) {
          if (s.k === 'assign' && s.expr.k === 'load' && adjoint(s.expr.arr) && !targets.includes(s.expr.arr)) targets.push(s.expr.arr);
        }
      }
      const active = group.sums.filter((s) => s.active && adjoint(s.buffer));
      for (const A of targets) {
        for (const sums of gatherParts(group, A, active, names, (v) => adjoint(v)!)) out.push(...gather(group, A, sums, adjoint));
      }
      return out;
    },
  };
  /** The launch of one gather kernel of A's adjoint over `sums`, and the host code adding its blocks into A_b. */
  function gather(group: LeafGroup, A: Var, sums: readonly LeafSum[], adjoint: (v: Var) => CExpr | undefined): CStmt[] {
    const w = new KernelWriter(group, names);
    const body = w.gatherKernel(A, sums, (v) => adjoint(v)!);
    const k = addKernel(`${generated}_${A.name}_b`, w, body);
    const [r, t, q, sum, blocks] = ['_r', '_i', '_q', '_s', '_blocks'].map((x) => names.unique(x));
    const length = id(w.length);
    const trips = atom(group.counter.trips);
    const forTo = (name: string, limit: CExpr, body: CStmt[]): CStmt => countUp(name, n(0), limit, body);
    const ceil = (x: CExpr): CExpr => call(member(id('Math'), 'ceil'), x);
    return [
      { k: 'comment', text: `${A.name}_b: gathered over the elements of ${A.name} (${k.name}), the iterations split into blocks` },
      { k: 'let', decls: [{ name: w.length, init: member(id(A.name), 'length') }], isConst: true },
      {
        k: 'if',
        cond: bin('>', length, n(0)),
        then: [
          // about 64k threads in all, so that a GPU has enough of them; each block's partial sums add up on the host
          { k: 'let', decls: [{ name: blocks, init: call(member(id('Math'), 'max'), n(1), call(member(id('Math'), 'min'), trips, ceil(bin('/', n(65536), length)))) }], isConst: true },
          { k: 'let', decls: [{ name: w.chunk, init: ceil(bin('/', trips, id(blocks))) }], isConst: true },
          // element m of block b is thread b * length + m
          { k: 'let', decls: [{ name: r, init: launch(k, [mul(length, id(blocks))], w.constants(), w.args((v) => adjoint(v)!)) }], isConst: true },
          forTo(t, length, [
            { k: 'let', decls: [{ name: sum, init: n(0) }] },
            forTo(q, id(blocks), [{ k: 'assign', target: id(sum), op: '+=', value: index(id(r), add(mul(id(q), length), id(t))) }]),
            { k: 'assign', target: index(adjoint(A)!, id(t)), op: '+=', value: id(sum) },
          ]),
        ],
        else: [],
      },
    ];
  }

  return { hooks, kernels };
}

/**
 * Arrays one kernel may read on webgpu: WebGPU gives a shader 8 storage buffers by default
 * (maxStorageBuffersPerShaderStage; gpu.js asks for no more), and the output takes one. Keep in sync
 * with runtime/gpu/kernel.ts, which names a kernel that reads more.
 */
export const maxKernelArrays = 7;

/**
 * The leaf sums that read A, in groups whose gather kernel reads at most maxKernelArrays arrays
 * (the sums' adjoint buffers and the arrays their partials and indices read): one gather kernel
 * per group, each adding into A_b (fuzz --webgpu seed 30110: a gather of five sums read eight arrays,
 * and WebGPU refused its bind group).
 */
function gatherParts(group: LeafGroup, A: Var, sums: readonly LeafSum[], names: NameScope, adjoint: (v: Var) => CExpr): LeafSum[][] {
  const readers = sums.filter((s) => s.leaf.body.some((x) => x.k === 'assign' && x.expr.k === 'load' && x.expr.arr === A));
  const arrays = (part: readonly LeafSum[]): number => {
    const w = new KernelWriter(group, names.fork());
    w.gatherKernel(A, part, adjoint);
    return w.params().length;
  };
  const parts: LeafSum[][] = [];
  for (const s of readers) {
    const last = parts.at(-1);
    if (last && arrays([...last, s]) <= maxKernelArrays) last.push(s);
    else parts.push([s]);
  }
  return parts;
}
