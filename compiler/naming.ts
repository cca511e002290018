/**
 * Every name tsgrad puts into generated code comes from here (Clad's `_d_x`, `_t0` convention,
 * adapted): adjoints `x_b`, ANF temporaries `_t0`, trip counters `_n0`, control flags `_brk0`,
 * generated functions `f_grad` / `f_valueAndGrad`, their tapes `f_grad_tape`.
 */
export class NameScope {
  private readonly used: Set<string>;

  constructor(reserved: Iterable<string> = []) {
    this.used = new Set(reserved);
  }

  /** `base` if free, else `base_2`, `base_3`, … ; the name is then taken. */
  unique(base: string): string {
    let name = base;
    for (let i = 2; this.used.has(name); i++) name = `${base}_${i}`;
    this.used.add(name);
    return name;
  }

  reserve(name: string): void {
    this.used.add(name);
  }

  /** A copy whose names are taken apart from this scope (for code written to be measured, then dropped). */
  fork(): NameScope {
    return new NameScope(this.used);
  }
}

export const adjointName = (primal: string): string => `${primal}_b`;
export const tempName = (i: number): string => `_t${i}`;
export const counterName = (loopId: number): string => `_n${loopId}`;
export const reverseIndexName = (loopId: number): string => `_k${loopId}`;
export const flagName = (kind: 'brk' | 'cnt' | 'ret' | 'first', id: number): string => `_${kind}${id}`;
export const resultName = (fn: string): string => `${fn}_result`;
export const tapeName = (generated: string): string => `${generated}_tape`;
export const runtimeNamespace = '__tsgrad';
/** What jit code calls (`tsgrad/jit`: kernels, backends), imported only by files that use jit, so gpu.js stays out of the others. */
export const jitNamespace = '__tsgradJit';

/**
 * Functions that kernels call instead of gpu.js's own Math translation (passes/kernelMath.ts);
 * runtime/gpu/kernelMath.ts defines them under these names (keep in sync).
 */
export const kernelHelpers = { pow: 'tsgrad_pow', sin: 'tsgrad_sin', cos: 'tsgrad_cos', tan: 'tsgrad_tan', asinh: 'tsgrad_asinh' } as const;

export function generatedName(fn: string, mode: 'grad' | 'valueAndGrad', argnums: readonly number[], multi: boolean): string {
  const suffix = multi || argnums[0] !== 0 ? `_${argnums.join('_')}` : '';
  return `${fn}_${mode}${suffix}`;
}

/** Names made up here (the user's are kept): `_t0`, `_t0_b`, `_n0`, `_g`, and the results of inlined calls (`softplus_result`). */
export function isGenerated(name: string): boolean {
  return name.startsWith('_') || /_result(_\d+)?(_b|_dot)?(_\d+)?$/.test(name);
}
