/**
 * The derivative rule of an IR expression (compiler/rules.ts, or a user's custom derivative), its
 * arguments, and the primal values its partials read: what analyzeSaves, reverseMode, forwardMode
 * and the adjoint kernels share about differentiating one expression.
 */
import { type Atom, type Expr, exprOperands } from '../ir.js';
import { id, identifiers } from '../code.js';
import { type Rule, rules } from '../rules.js';

/** The primal values a rule's partials mention: operand indices and/or the result. */
export function ruleReads(rule: Rule, arity: number): { operands: Set<number>[]; result: boolean[] } {
  const args = Array.from({ length: arity }, (_, i) => id(`$${i}`));
  const partials = rule.partials(args, id('$y'));
  const operands = partials.map((p) => {
    const names = p ? identifiers(p) : new Set<string>();
    return new Set([...names].filter((n) => /^\$\d+$/.test(n)).map((n) => Number(n.slice(1))));
  });
  const result = partials.map((p) => (p ? identifiers(p).has('$y') : false));
  return { operands, result };
}

/** Rule name for an expression, if it is differentiated by a rule. */
export function ruleOf(e: Expr): string | undefined {
  if (e.k === 'bin') return e.op;
  if (e.k === 'un' && e.op === '-') return 'neg';
  if (e.k === 'math') return rules[e.fn] ? e.fn : undefined;
  if (e.k === 'select') return 'select';
  return undefined;
}

/** The rule that differentiates an expression, if any. */
export function ruleFor(e: Expr): Rule | undefined {
  if (e.k === 'custom') return customRule(e.args.length);
  const name = ruleOf(e);
  return name ? rules[name] : undefined;
}

/** The arguments a rule's partials refer to, in the rule's order (empty for loads and copies). */
export function ruleArgs(e: Expr): Atom[] {
  if (e.k === 'custom') return [...e.args, ...e.partials];
  return e.k === 'bin' || e.k === 'un' || e.k === 'select' || e.k === 'math' ? exprOperands(e) : [];
}

/** A user's derivative as a rule over [...args, ...partials]: ∂/∂argᵢ is the operand partialᵢ. */
function customRule(n: number): Rule {
  return { arity: 2 * n, partials: (ops) => ops.map((_, i) => (i < n ? ops[n + i] : null)) };
}
