/** `TSGRAD_DEBUG=1`: the loader says on stderr what it compiles and what it takes from its cache. */
import * as fs from 'node:fs';
import * as path from 'node:path';

export const debugging = !!process.env.TSGRAD_DEBUG;

/** Written synchronously, so that lines from the hooks thread are not lost when the process exits. */
export function debug(message: string): void {
  if (debugging) fs.writeSync(2, `tsgrad loader: ${message}\n`);
}

export const relative = (file: string): string => path.relative(process.cwd(), file) || file;

export const since = (start: bigint): string => `${(Number(process.hrtime.bigint() - start) / 1e6).toFixed(0)} ms`;
