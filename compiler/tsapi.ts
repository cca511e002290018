/**
 * The TypeScript instance the compiler works with. The transformer must use the `ts` that ts-patch
 * hands it (`extras.ts`), not whatever `require('typescript')` would find, so the entry points set
 * it once here and every pass reads it through this live binding.
 */
import type * as TS from 'typescript';

export let ts: typeof TS;

export function useTypeScript(instance: typeof TS): void {
  ts = instance;
}
