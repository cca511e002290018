/**
 * A generated program as TypeScript: the main module (f and one export per transformation) and
 * its imported helper module.
 *
 *   import { grad, … } from 'tsgrad';  import * as lib from './p3_lib.js';
 *   export function f(p0: number, p1: Float64Array): number { … }
 *   export const t0 = () => grad(f, [0, 1]);  export const t1 = () => hvp(f, 1);  …
 */
import type { ElemShape, ParamSpec, ParamType, Program, Transform } from './generate.js';
import { renderBlock, renderS } from './tree.js';

const typeName: Record<Exclude<ParamType, 'obj' | 'rows' | 'objs' | 'inst' | 'insts'>, string> = { num: 'number', size: 'number', numarr: 'number[]', f64: 'Float64Array', f32: 'Float32Array', i32: 'Int32Array' };
const fieldType = { ...typeName, tag: "'a' | 'b'" };
const rowType = { numarr: 'number[][]', f64: 'Float64Array[]', pair: '[number, number][]' };

/** `{ w: Float64Array; s: number }`, nested. */
function objType(shape: ElemShape): string {
  return `{ ${Object.entries(shape).map(([k, t]) => `${k}: ${typeof t === 'string' ? fieldType[t] : objType(t)}`).join('; ')} }`;
}

function paramType(x: ParamSpec): string {
  switch (x.type) {
    case 'obj': return objType(x.shape!);
    case 'rows': return rowType[x.row!];
    case 'objs': return `${objType(x.elem!)}[]`;
    case 'inst': return x.cls!.name;
    case 'insts': return `${x.cls!.name}[]`;
    default: return typeName[x.type];
  }
}

export interface Rendered {
  readonly main: string;
  readonly lib: string;
}

export function exportName(i: number): string {
  return `t${i}`;
}

/** Each export is a thunk, so a call the compiler rejected (a throwing stub) fails alone, when called. */
function transformCall(t: Transform): string {
  const list = `[${t.argnums.join(', ')}]`;
  switch (t.kind) {
    case 'grad':
    case 'valueAndGrad':
      return `${t.kind}(f, ${list})`;
    case 'jvp':
      return '(p: Parameters<typeof f>, t: any) => jvp(f, p, t)';
    case 'vjp':
      return '(p: Parameters<typeof f>) => vjp(f, ...p)';
    case 'gradgrad':
      return `grad(grad(f, ${t.argnums[0]}))`;
    default:
      return `${t.kind}(f, ${t.argnums[0]})`;
  }
}

/** `probe`: f's body and the helpers (in f's module and in its lib) with every computed number through `__probe` (tree.ts: renderE). */
export function render(p: Program, probe = false): Rendered {
  const libModule = `./${p.name}_lib.js`;
  let lib = p.lib.map((s) => renderS(s, '', probe)).join('\n').replaceAll('$lib.', '');
  if (lib.includes('stopGradient(')) lib = `import { stopGradient } from 'tsgrad';\n${lib}`;
  const exported = [...lib.matchAll(/export (?:const|function) (\w+)/g)].map((m) => m[1]);
  const prefix = p.libImport === 'named' ? '' : 'lib.';
  const imports = ["import { customDerivative, grad, valueAndGrad, jvp, vjp, jacfwd, jacrev, hvp, hessian, stopGradient } from 'tsgrad';"];
  if (exported.length > 0) {
    imports.push(p.libImport === 'named' ? `import { ${exported.join(', ')} } from '${libModule}';` : `import * as lib from '${libModule}';`);
  }
  const params = p.params.map((x) => `${x.name}: ${paramType(x)}`).join(', ');
  const main = [
    ...imports,
    ...p.top.map((s) => renderS(s, '', probe)),
    `export function f(${params}): ${p.output === 'num' ? 'number' : typeName[p.output]} {`,
    renderBlock(p.body, '  ', probe),
    '}',
    ...p.transforms.map((t, i) => `export const ${exportName(i)} = () => ${transformCall(t)};`),
    '',
  ].join('\n').replaceAll('$lib.', prefix);
  return { main, lib: lib + '\n' };
}
