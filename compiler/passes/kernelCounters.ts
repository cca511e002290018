/**
 * Loop counters that WebGPU can increment. gpu.js types a kernel variable from its initializer: a
 * counter that starts at an integer literal is an integer (`for (var j : i32 = 0; …; j++)`), any
 * other is f32, and WGSL has no `++` for f32 ("increment statement can only be applied to an
 * integer scalar"). So a kernel's `for (let k = from; k < to; k++)` whose `from` is not an integer
 * literal (a gather's `i = first`, a block slot's `k = this.thread.x % c`) becomes
 *
 *   const k_from = from;
 *   for (let k_i = 0; k_i < to - k_from; k_i++) { const k = k_from + k_i; … }
 *
 * which means the same where the body does not assign k (the only loops rewritten). GLSL (WebGL2)
 * and the JavaScript backends run either form.
 */
import { add, type CExpr, children, type CStmt, countUp, id, namesIn, sub } from '../code.js';
import type { Kernel } from './lowerKernels.js';

export function integerCounters(kernel: Kernel): Kernel {
  const used = namesIn(kernel.body);
  kernel.params.forEach((p) => used.add(p));
  const fresh = (base: string): string => {
    let name = base;
    for (let i = 2; used.has(name); i++) name = `${base}${i}`;
    used.add(name);
    return name;
  };
  const rewrite = (stmts: readonly CStmt[]): CStmt[] => stmts.flatMap((s): CStmt[] => {
    switch (s.k) {
      case 'if':
        return [{ ...s, then: rewrite(s.then), else: rewrite(s.else) }];
      case 'while':
        return [{ ...s, body: rewrite(s.body) }];
      case 'for': {
        const body = rewrite(s.body);
        const counter = countingFrom(s);
        if (!counter || assigns(body, counter.name)) return [{ ...s, body }];
        const from = fresh(`${counter.name}_from`);
        const step = fresh(`${counter.name}_i`);
        return [
          { k: 'let', decls: [{ name: from, init: counter.from }], isConst: true },
          countUp(step, { k: 'num', value: 0 }, sub(counter.to, id(from)), [
            { k: 'let', decls: [{ name: counter.name, init: add(id(from), id(step)) }], isConst: true },
            ...body,
          ]),
        ];
      }
      default:
        return [s];
    }
  });
  return { ...kernel, body: rewrite(kernel.body) };
}

/** `for (let name = from; name < to; name++)` with `from` not an integer literal: its parts. */
function countingFrom(s: Extract<CStmt, { k: 'for' }>): { name: string; from: CExpr; to: CExpr } | undefined {
  const decl = s.init?.k === 'let' && s.init.decls.length === 1 ? s.init.decls[0] : undefined;
  if (!decl?.init || (decl.init.k === 'num' && Number.isInteger(decl.init.value))) return undefined;
  const { name } = decl;
  const cond = s.cond;
  if (cond?.k !== 'bin' || cond.op !== '<' || cond.a.k !== 'id' || cond.a.name !== name) return undefined;
  if (s.update?.k !== 'postfix' || s.update.op !== '++' || s.update.name !== name) return undefined;
  return { name, from: decl.init, to: cond.b };
}

/** Whether `e` increments or decrements `name` (`name++`). */
const steps = (e: CExpr, name: string): boolean => (e.k === 'postfix' && e.name === name) || children(e).some((c) => steps(c, name));

/** Whether `stmts` assign `name` anywhere (`=`, `+=`, `++`) or declare another `name`. */
function assigns(stmts: readonly CStmt[], name: string): boolean {
  return stmts.some((s) => {
    switch (s.k) {
      case 'assign':
        return (s.target.k === 'id' && s.target.name === name) || steps(s.target, name) || steps(s.value, name);
      case 'let':
        return s.decls.some((d) => d.name === name || (d.init !== undefined && steps(d.init, name)));
      case 'expr':
      case 'return':
        return steps(s.e, name);
      case 'if':
        return steps(s.cond, name) || assigns(s.then, name) || assigns(s.else, name);
      case 'for':
        return (s.init !== undefined && assigns([s.init], name)) || (s.cond !== undefined && steps(s.cond, name))
          || (s.update !== undefined && steps(s.update, name)) || assigns(s.body, name);
      case 'while':
        return steps(s.cond, name) || assigns(s.body, name);
      default:
        return false;
    }
  });
}
