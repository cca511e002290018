/**
 * The fuzzer's program representation: source text with structure kept, so a failing program can
 * be shrunk by deleting statements, unwrapping blocks and replacing expressions by their parts.
 *
 *   E: text with holes, `parts[0] kids[0] parts[1] kids[1] … parts[n]`   (`(a + b)`: ['(', ' + ', ')'], [a, b])
 *   S: a statement: a line (`head`), or a head followed by blocks joined by `joins`, then `tail`
 *      (`if (c)` {…} ` else` {…};  `do` {…} ` while (…);`)
 */

export interface E {
  readonly parts: readonly string[];
  readonly kids: readonly E[];
  /** 'num' | 'int' | 'bool': what the expression computes, so shrinking keeps types. */
  readonly type: 'num' | 'int' | 'bool';
}

export interface S {
  readonly head: E;
  readonly blocks: readonly (readonly S[])[];
  readonly joins?: readonly string[];
  readonly tail?: E;
  /** A declaration of these names (shrinking removes its uses with it, or keeps it). */
  readonly declares?: string;
  /** Never deleted by shrinking: a loop counter's step or exit, without which the loop never ends. */
  readonly pinned?: boolean;
}

export const text = (s: string, type: E['type'] = 'num'): E => ({ parts: [s], kids: [], type });
export const expr = (type: E['type'], parts: readonly string[], ...kids: E[]): E => ({ parts, kids, type });
export const line = (head: E | string, declares?: string): S => ({ head: typeof head === 'string' ? text(head) : head, blocks: [], declares });
export const pinned = (s: S): S => ({ ...s, pinned: true });
export const block = (head: E | string, blocks: readonly (readonly S[])[], joins?: readonly string[], tail?: E): S =>
  ({ head: typeof head === 'string' ? text(head) : head, blocks, joins, tail });

/**
 * `probe`: every number computed by an operation inside a statement goes through
 * `__probe(…)` (a global the checker sets), which records the largest magnitude f reaches
 * (run.ts: finite differences are no reference past it).
 */
export function renderE(e: E, probe = false, top = true): string {
  let out = e.parts[0];
  for (let i = 0; i < e.kids.length; i++) out += renderE(e.kids[i], probe, false) + e.parts[i + 1];
  return probe && !top && e.type === 'num' && e.kids.length > 0 ? `__probe(${out})` : out;
}

export function renderS(s: S, indent: string, probe = false): string {
  let out = indent + renderE(s.head, probe);
  s.blocks.forEach((b, i) => {
    out += ` {\n${b.map((x) => renderS(x, indent + '  ', probe)).join('\n')}${b.length ? '\n' : ''}${indent}}`;
    if (s.joins?.[i]) out += s.joins[i];
  });
  if (s.tail) out += renderE(s.tail, probe);
  return out;
}

export function renderBlock(stmts: readonly S[], indent: string, probe = false): string {
  return stmts.map((s) => renderS(s, indent, probe)).join('\n');
}

/** Every smaller expression: each kid of the same type in place of the whole, each kid shrunk. */
export function shrinkE(e: E): E[] {
  const out: E[] = [];
  for (const k of e.kids) if (k.type === e.type || (e.type === 'num' && k.type === 'int')) out.push(k);
  if (e.kids.length > 0 && e.type === 'num') out.push(text('0.5'));
  e.kids.forEach((k, i) => {
    for (const smaller of shrinkE(k)) out.push({ ...e, kids: e.kids.map((x, j) => (j === i ? smaller : x)) });
  });
  return out;
}

/** Every smaller statement list: one statement deleted, one block unwrapped, one statement shrunk. */
export function shrinkBlock(stmts: readonly S[]): S[][] {
  const out: S[][] = [];
  stmts.forEach((s, i) => {
    if (!s.pinned) out.push([...stmts.slice(0, i), ...stmts.slice(i + 1)]);
    for (const b of s.blocks) out.push([...stmts.slice(0, i), ...b, ...stmts.slice(i + 1)]);
    for (const smaller of shrinkS(s)) out.push([...stmts.slice(0, i), smaller, ...stmts.slice(i + 1)]);
  });
  return out;
}

function shrinkS(s: S): S[] {
  const out: S[] = [];
  s.blocks.forEach((b, i) => {
    for (const smaller of shrinkBlock(b)) out.push({ ...s, blocks: s.blocks.map((x, j) => (j === i ? smaller : x)) });
  });
  for (const h of shrinkE(s.head)) out.push({ ...s, head: h });
  if (s.tail) for (const t of shrinkE(s.tail)) out.push({ ...s, tail: t });
  return out;
}
