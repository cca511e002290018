/**
 * What generated code calls for the transformations that loop over directions: vjp's pullback,
 * and dense Jacobians and Hessians built one unit vector at a time around a generated jvp, vjp or
 * hvp. Layout (README, "Jacobians and Hessians"): row-major Float64Array, J[i * n + j] = ∂yᵢ/∂xⱼ,
 * with m = 1 for a scalar output and n = 1 for a scalar input.
 *
 * Generated derivatives copy the arrays they write into on entry (compiler: copyWrittenParams in
 * passes/reverseMode.ts), so they are called here on the caller's arrays and unit vectors as they
 * are; only the user's own `f`, which writes where it writes, runs on copies (`written`).
 */
type Arg = unknown;
type Vector = ArrayLike<number>;
type Fn = (...args: any[]) => any;

/** A copy of an argument's arrays, in their own types; an object (a structured parameter) field by field. */
function copy(a: Arg): Arg {
  if (Array.isArray(a)) return a.slice();
  if (ArrayBuffer.isView(a)) return (a as Float64Array).slice();
  if (typeof a === 'object' && a !== null) return Object.fromEntries(Object.entries(a).map(([k, v]) => [k, copy(v)]));
  return a;
}

/** Fresh copies of the array arguments `f` writes into, so that running it leaves the caller's as they were. */
function fresh(args: readonly Arg[], written: readonly number[]): Arg[] {
  return written.length === 0 ? [...args] : args.map((a, i) => (written.includes(i) ? copy(a) : a));
}

function sizeOf(x: Arg, what: string): number {
  if (typeof x === 'number') return 1;
  if (Array.isArray(x) || (ArrayBuffer.isView(x) && !(x instanceof DataView))) return (x as Vector).length;
  throw new TypeError(`tsgrad: ${what} must be a number or a numeric array, got ${typeof x}`);
}

/**
 * vjp(f, ...primals): the value, and a pullback that maps a cotangent of the value to the
 * cotangents of every parameter. Each pullback call re-runs the generated forward and reverse
 * sweeps from the primals, so it may be called any number of times; the arrays f writes into are
 * kept as they were at the vjp call.
 */
export function vjpOf(f: Fn, generated: Fn, written: readonly number[], primals: readonly Arg[]): [unknown, (ct: number | Vector) => unknown] {
  const kept = fresh(primals, written);
  const value = f(...fresh(primals, written));
  const m = typeof value === 'number' ? undefined : (value as Vector).length;
  const pullback = (ct: number | Vector): unknown => {
    if (m === undefined ? typeof ct !== 'number' : typeof ct === 'number' || ct.length !== m) {
      throw new TypeError(`tsgrad: the cotangent must have the value's shape (${m === undefined ? 'a number' : `an array of ${m}`})`);
    }
    return generated(ct, ...kept);
  };
  return [value, pullback];
}

/** jacfwd(f, a): one jvp per input direction eⱼ, each giving column j. */
export function jacfwd(jvp: Fn, argnum: number, arity = 0): (...args: Arg[]) => Float64Array {
  return (...given) => {
    const args = padded(given, arity);
    const n = sizeOf(args[argnum], `argument ${argnum}`);
    const scalar = typeof args[argnum] === 'number';
    const e = new Float64Array(n);
    let J: Float64Array | undefined;
    let m = 0;
    for (let j = 0; j < n; j++) {
      e[j] = 1;
      const [, dy] = jvp(...args, scalar ? 1 : e) as [unknown, number | Vector];
      e[j] = 0;
      if (!J) {
        m = typeof dy === 'number' ? 1 : dy.length;
        J = new Float64Array(m * n);
      }
      if (typeof dy === 'number') J[j] = dy;
      else for (let i = 0; i < m; i++) J[i * n + j] = dy[i];
    }
    return J ?? new Float64Array(0);
  };
}

/** jacrev(f, a): one vjp per output direction eᵢ, each giving row i. */
export function jacrev(f: Fn, vjp: Fn, argnum: number, written: readonly number[]): (...args: Arg[]) => Float64Array {
  return (...args) => {
    const n = sizeOf(args[argnum], `argument ${argnum}`);
    const y = f(...fresh(args, written)) as number | Vector;
    const m = sizeOf(y, 'the result');
    const J = new Float64Array(m * n);
    const row = (i: number, g: number | Vector): void => {
      if (typeof g === 'number') J[i * n] = g;
      else for (let j = 0; j < n; j++) J[i * n + j] = g[j];
    };
    if (typeof y === 'number') {
      row(0, vjp(1, ...args));
      return J;
    }
    const e = new Float64Array(m);
    for (let i = 0; i < m; i++) {
      e[i] = 1;
      row(i, vjp(e, ...args));
      e[i] = 0;
    }
    return J;
  };
}

/** hessian(f, a): one Hessian-vector product per direction eⱼ (H is symmetric: row j = column j). */
export function hessian(hvp: Fn, argnum: number, arity = 0): (...args: Arg[]) => Float64Array {
  return (...given) => {
    const args = padded(given, arity);
    const n = sizeOf(args[argnum], `argument ${argnum}`);
    const H = new Float64Array(n * n);
    if (typeof args[argnum] === 'number') {
      H[0] = hvp(...args, 1) as number;
      return H;
    }
    const e = new Float64Array(n);
    for (let j = 0; j < n; j++) {
      e[j] = 1;
      const h = hvp(...args, e) as Vector;
      e[j] = 0;
      for (let i = 0; i < n; i++) H[j * n + i] = h[i];
    }
    return H;
  };
}

/**
 * The arguments, padded with undefined up to the function's parameter count: a left-out optional
 * parameter takes its default, and the directions that follow the parameters stay in place.
 */
export function padded(args: readonly Arg[], arity: number, fill?: number): Arg[] {
  const out = [...args];
  while (out.length < arity) out.push(fill as Arg);
  return out;
}
