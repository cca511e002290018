/**
 * tidyCode (compiler/passes/tidyCode.ts) must not change a bit of what generated code computes:
 * each program is compiled twice, tidied and not (both optimized), and every transformation is
 * called on the same arguments in both; the results must be identical to the last bit (-0 and +0
 * differ, NaN equals NaN), and so must any error thrown.
 *
 *   node dist/test/fuzz/tidyExact.js --seed S --count N [--idioms supported]
 */
import { type Arg, copyAll, directions, makeArgs } from './args.js';
import { differentiable, type Program, type Transform } from './generate.js';
import { generateWithIdioms, type Idiom, parseIdioms } from './idioms.js';
import { render } from './render.js';
import { compileUnits, type Unit } from './run.js';

export interface TidyDifference {
  readonly program: Program;
  readonly transform?: Transform['kind'];
  readonly detail: string;
}

/** A value as text that tells every double apart (-0 from 0), for comparing results bit for bit. */
export function exactText(x: unknown): string {
  if (typeof x === 'number') return Object.is(x, -0) ? '-0' : String(x);
  if (x === null || x === undefined || typeof x === 'string' || typeof x === 'boolean') return JSON.stringify(x) ?? 'undefined';
  if (Array.isArray(x)) return `[${x.map(exactText).join(',')}]`;
  if (ArrayBuffer.isView(x)) return `${x.constructor.name}[${Array.from(x as Float64Array, exactText).join(',')}]`;
  if (typeof x === 'object') return `{${Object.keys(x).sort().map((k) => `${k}:${exactText((x as Record<string, unknown>)[k])}`).join(',')}}`;
  return typeof x;
}

type Fn = (...args: any[]) => any;

/** Calls transformation `t` the way check.ts does, on copies of the arguments: its result (or error) as exact text. */
function run(t: Transform, fn: Fn, p: Program, args: readonly Arg[], dirs: readonly Arg[]): string {
  try {
    const a = copyAll(args);
    switch (t.kind) {
      case 'jvp':
        return exactText(fn(a, copyAll(dirs)));
      case 'vjp': {
        const [value, pullback] = fn(a);
        const ct = p.output === 'num' ? 0.75 : Float64Array.from({ length: 64 }, (_, i) => 0.75 - 0.5 * i);
        return exactText([value, pullback(ct instanceof Float64Array ? ct.slice(0, Array.isArray(value) || ArrayBuffer.isView(value) ? (value as Float64Array).length : 1) : ct)]);
      }
      case 'hvp':
        return exactText(fn(...a, copyAll(dirs)[t.argnums[0]]));
      default:
        return exactText(fn(...a));
    }
  } catch (err) {
    return `throws ${err instanceof Error ? err.message : String(err)}`;
  }
}

export function compareTidy(programs: readonly Program[]): TidyDifference[] {
  const units = programs.map((p): Unit => ({ name: p.name, ...render(p) }));
  const plain = compileUnits(units, true, { tidy: false, fuseSweeps: false });
  const tidied = compileUnits(units, true, { tidy: true, fuseSweeps: false });
  const out: TidyDifference[] = [];
  for (const p of programs) {
    const [a, b] = [plain.get(p.name)!, tidied.get(p.name)!];
    if (a.diagnostics.length !== b.diagnostics.length) out.push({ program: p, detail: `diagnostics differ: ${a.diagnostics.length} untidied, ${b.diagnostics.length} tidied` });
    if (!a.module || !b.module || a.diagnostics.length > 0) continue;
    const random = makeArgs(p, p.seed, a.module);
    // and again with zeros of both signs among them: where a -0 could come out as +0
    for (const [minus, plus] of [[2, 0], [3, 2]]) {
      const count = { n: 0 };
      const zeroed = random.map((x, k) => (differentiable(p.params[k].type) ? withZeros(x, count, minus, plus) : x));
      compareOn(p, zeroed, a.module, b.module, out);
    }
    compareOn(p, random, a.module, b.module, out);
  }
  return out;
}

/** The numbers of a value, counted on through `count`: every `minus`-th made -0, every `plus`-th 0 (objects keep their prototypes). */
function withZeros(a: Arg, count: { n: number }, minus: number, plus: number): Arg {
  const leaf = (x: number): number => (++count.n % minus === 0 ? -0 : plus > 0 && count.n % plus === 0 ? 0 : x);
  const map = (v: Arg): Arg => {
    if (typeof v === 'number') return leaf(v);
    if (v instanceof Float64Array || v instanceof Float32Array) return v.map(leaf);
    if (typeof v === 'string' || v instanceof Int32Array) return v;
    if (Array.isArray(v)) return (v as Arg[]).map(map) as Arg;
    return Object.assign(Object.create(Object.getPrototypeOf(v)), Object.fromEntries(Object.keys(v).map((k) => [k, map(v[k])])));
  };
  return map(a);
}

function compareOn(p: Program, args: readonly Arg[], ma: Record<string, any>, mb: Record<string, any>, out: TidyDifference[]): void {
    const dirs = directions(args, p, p.seed + 1);
    p.transforms.forEach((t, i) => {
      const get = (m: Record<string, any>): Fn | string => {
        try {
          return (m[`t${i}`] as () => Fn)();
        } catch (err) {
          return `throws ${err instanceof Error ? err.message : String(err)}`;
        }
      };
      const [fa, fb] = [get(ma), get(mb)];
      const [ra, rb] = [typeof fa === 'string' ? fa : run(t, fa, p, args, dirs), typeof fb === 'string' ? fb : run(t, fb, p, args, dirs)];
      if (ra !== rb) out.push({ program: p, transform: t.kind, detail: `untidied ${ra.slice(0, 300)}\n  tidied ${rb.slice(0, 300)}` });
    });
}

function main(argv: readonly string[]): void {
  let seed = 1;
  let count = 100;
  let batch = 40;
  let idioms: Idiom[] = [];
  for (let i = 0; i < argv.length; i += 2) {
    if (argv[i] === '--seed') seed = Number(argv[i + 1]);
    else if (argv[i] === '--count') count = Number(argv[i + 1]);
    else if (argv[i] === '--batch') batch = Number(argv[i + 1]);
    else if (argv[i] === '--idioms') idioms = parseIdioms(argv[i + 1]);
    else throw new Error(`tidyExact: unknown option ${argv[i]} (--seed S --count N --batch B --idioms spec)`);
  }
  let differences = 0;
  let compared = 0;
  for (let s = seed; s < seed + count; s += batch) {
    const programs = Array.from({ length: Math.min(batch, seed + count - s) }, (_, k) => generateWithIdioms(s + k, `p${s + k}`, idioms));
    for (const d of compareTidy(programs)) {
      differences++;
      console.log(`seed ${d.program.seed} ${d.transform ?? ''}: ${d.detail}`);
    }
    compared += programs.length;
    process.stderr.write(`\r${compared}/${count} programs, ${differences} differences`);
  }
  process.stderr.write('\n');
  process.exitCode = differences > 0 ? 1 : 0;
}

if (require.main === module) main(process.argv.slice(2));
