/**
 * Rejections. A pass that meets code it cannot differentiate throws `Unsupported` at the user's
 * node; the transformer turns it into a TypeScript error diagnostic (file:line:col, what, hint) and
 * leaves the marker call in place, so the build fails and the output still throws if run.
 */
import type * as TS from 'typescript';
import { ts } from './tsapi.js';

/** Diagnostic codes shown as `TS99001`…; one per family of rejection. */
export const enum Code {
  Unsupported = 99001,
  BadCall = 99002,
  Internal = 99099,
}

export class Unsupported extends Error {
  constructor(
    readonly node: TS.Node,
    readonly what: string,
    readonly hint: string,
    readonly code: Code = Code.Unsupported,
  ) {
    super(`${what}. Hint: ${hint}`);
  }
}

export function unsupported(node: TS.Node, what: string, hint: string): never {
  throw new Unsupported(node, what, hint);
}

export function makeDiagnostic(node: TS.Node, message: string, code: number): TS.Diagnostic {
  const file = node.getSourceFile();
  const start = node.getStart(file);
  return {
    file,
    start,
    length: Math.max(1, node.getEnd() - start),
    messageText: `tsgrad: ${message}`,
    category: ts.DiagnosticCategory.Error,
    code,
    source: 'tsgrad',
  };
}

/** Where a diagnostic points, as `file:line:col`, for messages that name a second place. */
export function position(node: TS.Node): string {
  const file = node.getSourceFile();
  const { line, character } = file.getLineAndCharacterOfPosition(node.getStart(file));
  return `${file.fileName}:${line + 1}:${character + 1}`;
}
