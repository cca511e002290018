/**
 * The loader's view of the file system, recorded. Every question TypeScript asks while it compiles
 * a file for the loader (does this file exist, what does it say, which directories are here, where
 * does this link lead) goes through `ask` here and is written down as a probe with its answer; a
 * cached output is reused only if asking every probe again gets the same answers (cache.ts). The
 * same functions answer both times, so a probe can only match if the file system did.
 *
 * No TypeScript is loaded here: a run whose files are all in the cache never loads it.
 */
import { createHash } from 'node:crypto';
import * as fs from 'node:fs';
import * as path from 'node:path';

/** f: file exists, d: directory exists, r: a file's contents (their hash, '' when unreadable), p: real path, l: subdirectories. */
export type ProbeKind = 'f' | 'd' | 'r' | 'p' | 'l';
/** A question and its answer, as a string. */
export type Probe = readonly [kind: ProbeKind, file: string, answer: string];

export const sha256 = (data: string | Uint8Array): string => createHash('sha256').update(data).digest('hex');

function stat(file: string): fs.Stats | undefined {
  try {
    return fs.statSync(file, { throwIfNoEntry: false });
  } catch {
    return undefined;
  }
}

export const fileExists = (file: string): boolean => stat(file)?.isFile() ?? false;
export const directoryExists = (file: string): boolean => stat(file)?.isDirectory() ?? false;

export function readBytes(file: string): Buffer | undefined {
  try {
    return fs.readFileSync(file);
  } catch {
    return undefined;
  }
}

/** Text as TypeScript's own `sys.readFile` decodes it (UTF-8, or UTF-16 by its byte order mark). */
export function decode(bytes: Buffer): string {
  if (bytes.length >= 2 && bytes[0] === 0xfe && bytes[1] === 0xff) {
    const swapped = Buffer.from(bytes.subarray(0, bytes.length & ~1));
    swapped.swap16();
    return swapped.toString('utf16le', 2);
  }
  if (bytes.length >= 2 && bytes[0] === 0xff && bytes[1] === 0xfe) return bytes.toString('utf16le', 2);
  if (bytes.length >= 3 && bytes[0] === 0xef && bytes[1] === 0xbb && bytes[2] === 0xbf) return bytes.toString('utf8', 3);
  return bytes.toString('utf8');
}

export function realpath(file: string): string {
  try {
    return fs.realpathSync.native(file);
  } catch {
    return file;
  }
}

export function getDirectories(dir: string): string[] {
  try {
    return fs.readdirSync(dir, { withFileTypes: true })
      .filter((e) => e.isDirectory() || (e.isSymbolicLink() && directoryExists(path.join(dir, e.name))))
      .map((e) => e.name)
      .sort();
  } catch {
    return [];
  }
}

/** The answer to a probe now (what `record` below writes down, and what a cached entry is checked against). */
export function ask(kind: ProbeKind, file: string): string {
  switch (kind) {
    case 'f': return fileExists(file) ? '1' : '0';
    case 'd': return directoryExists(file) ? '1' : '0';
    case 'r': {
      const bytes = readBytes(file);
      return bytes ? sha256(bytes) : '';
    }
    case 'p': return realpath(file);
    case 'l': return getDirectories(file).join('/');
  }
}

const answers = new Map<string, string>();

/** Whether every probe gets the answer it got when it was recorded (files are taken as unchanged for the rest of the run once asked). */
export function unchanged(probes: readonly Probe[]): boolean {
  for (const [kind, file, answer] of probes) {
    const key = `${kind}\0${file}`;
    let now = answers.get(key);
    if (now === undefined) answers.set(key, now = ask(kind, file));
    if (now !== answer) return false;
  }
  return true;
}

/**
 * Probes written down by scope: each file's own (its text, the resolution of its imports) and the
 * ones that belong to no file (package.json scopes, type directives, library lookups).
 */
export class Recorder {
  private readonly global = new Map<string, Probe>();
  private readonly byFile = new Map<string, Map<string, Probe>>();
  private scope: Map<string, Probe> | undefined;

  /** Runs `fn` with its probes written down as `file`'s. */
  within<T>(file: string, fn: () => T): T {
    const previous = this.scope;
    let scope = this.byFile.get(file);
    if (!scope) this.byFile.set(file, scope = new Map());
    this.scope = scope;
    try {
      return fn();
    } finally {
      this.scope = previous;
    }
  }

  /** Writes a probe down in the current scope; returns its answer. */
  private note(kind: ProbeKind, file: string, answer: string): void {
    const probe: Probe = [kind, file, answer];
    (this.scope ?? this.global).set(`${kind}\0${file}`, probe);
    answers.set(`${kind}\0${file}`, answer);
  }

  /** Adds probes recorded elsewhere (a resolution answered from memory) to the current scope. */
  add(probes: Iterable<Probe>): void {
    for (const p of probes) (this.scope ?? this.global).set(`${p[0]}\0${p[1]}`, p);
  }

  /** Runs `fn`, returning what it returns and the probes it made (also written down in the current scope). */
  capture<T>(fn: () => T): { value: T; probes: Probe[] } {
    const previous = this.scope;
    const scope = new Map<string, Probe>();
    this.scope = scope;
    let value: T;
    try {
      value = fn();
    } finally {
      this.scope = previous;
    }
    this.add(scope.values());
    return { value, probes: [...scope.values()] };
  }

  fileExists = (file: string): boolean => {
    const yes = fileExists(file);
    this.note('f', file, yes ? '1' : '0');
    return yes;
  };

  directoryExists = (file: string): boolean => {
    const yes = directoryExists(file);
    this.note('d', file, yes ? '1' : '0');
    return yes;
  };

  readFile = (file: string): string | undefined => {
    const bytes = readBytes(file);
    this.note('r', file, bytes ? sha256(bytes) : '');
    return bytes && decode(bytes);
  };

  realpath = (file: string): string => {
    const real = realpath(file);
    this.note('p', file, real);
    return real;
  };

  getDirectories = (dir: string): string[] => {
    const dirs = getDirectories(dir);
    this.note('l', dir, dirs.join('/'));
    return dirs;
  };

  /** The probes of no file and those of `files`. */
  probes(files: Iterable<string>): Probe[] {
    const all = new Map(this.global);
    for (const f of files) for (const [k, p] of this.byFile.get(f) ?? []) all.set(k, p);
    return [...all.values()];
  }
}
