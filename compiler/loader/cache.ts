/**
 * The loader's disk cache: each compiled file's JavaScript, reused by a later run only while
 * everything its compilation read is as it was.
 *
 * Where: `node_modules/.cache/tsgrad/` in the nearest folder above the file that has a
 * node_modules (else `<os.tmpdir()>/tsgrad-cache-<user>/`); `TSGRAD_CACHE_DIR` names another
 * folder, `TSGRAD_CACHE=0` turns the cache off. Deleting the folder clears it.
 *
 * What an entry is keyed by, so that a stale entry is never taken (a stale derivative would be a
 * silently wrong one):
 * - the folder: a fingerprint of tsgrad (its package.json and every file of its compiled
 *   compiler) and of the TypeScript it compiles with (version, size and time of its compiler
 *   file: ts-patch rewrites it in place), and the platform;
 * - the name: the file's path, the hash of its text, and the tsconfig's key (config-*.json: the
 *   tsconfig's path and the texts of it and every config it extends, checked the same way);
 * - inside: every probe of the file system the compilation made for the file and for the files it
 *   depends on (files.ts): each file's text, how each of its imports resolved (and which files that
 *   resolution looked for and did not find), package.json scopes (module formats), type
 *   directives. A file that calls tsgrad depends on every file of the program, since custom
 *   derivatives and subclass overrides are found program-wide; any other file on the files it
 *   imports, transitively, and the program's global declarations. The entry is used only if every
 *   probe gets the same answer now.
 *
 * Only successful compilations are stored: a file with a tsgrad diagnostic is compiled (and
 * reported) on every run.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Format } from './resolve.js';
import { type Probe, sha256, unchanged } from './files.js';

/** Bumped when an entry's layout or meaning changes. */
const LAYOUT = 1;

export interface Output {
  readonly format: Format;
  readonly code: string;
}

interface FileEntry extends Output {
  readonly layout: number;
  readonly file: string;
  readonly probes: readonly Probe[];
}

interface ConfigEntry {
  readonly layout: number;
  readonly config: string;
  readonly probes: readonly Probe[];
}

let fingerprintMemo: string | undefined;

function listJs(dir: string, out: string[] = []): string[] {
  for (const e of fs.readdirSync(dir, { withFileTypes: true }).sort((a, b) => (a.name < b.name ? -1 : 1))) {
    const full = path.join(dir, e.name);
    if (e.isDirectory()) listJs(full, out);
    else if (e.name.endsWith('.js')) out.push(full);
  }
  return out;
}

/** tsgrad's compiler and TypeScript, as a hash: what the output depends on besides the user's files. */
export function fingerprint(): string {
  if (fingerprintMemo) return fingerprintMemo;
  const hash = [`tsgrad loader cache ${LAYOUT}`, process.platform];
  const compilerDir = path.resolve(__dirname, '..');
  hash.push(fs.readFileSync(path.resolve(compilerDir, '..', '..', 'package.json'), 'utf8'));
  for (const f of listJs(compilerDir)) hash.push(path.relative(compilerDir, f), sha256(fs.readFileSync(f)));
  const ts = require.resolve('typescript');
  const tsStat = fs.statSync(ts);
  hash.push(ts, fs.readFileSync(require.resolve('typescript/package.json'), 'utf8'), `${tsStat.size} ${tsStat.mtimeMs}`);
  return fingerprintMemo = sha256(hash.join('\0'));
}

/** Off when TSGRAD_CACHE is 0, false, off or no. */
export const cacheEnabled = (): boolean => !/^(0|false|off|no)$/i.test(process.env.TSGRAD_CACHE ?? '');

/** The cache folder for `file` (see above). */
export function cacheRoot(file: string): string {
  if (process.env.TSGRAD_CACHE_DIR) return path.resolve(process.env.TSGRAD_CACHE_DIR);
  for (let dir = path.dirname(file); ; dir = path.dirname(dir)) {
    if (path.basename(dir) !== 'node_modules') {
      const modules = path.join(dir, 'node_modules');
      try {
        if (fs.statSync(modules).isDirectory()) return path.join(modules, '.cache', 'tsgrad');
      } catch { /* none here */ }
    }
    if (path.dirname(dir) === dir) break;
  }
  let user = 'user';
  try {
    user = String(os.userInfo().uid >= 0 ? os.userInfo().uid : os.userInfo().username);
  } catch { /* keep the default */ }
  return path.join(os.tmpdir(), `tsgrad-cache-${user}`);
}

function readJson<T>(file: string): T | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, 'utf8')) as T;
  } catch {
    return undefined;
  }
}

/** Writes `file` whole or not at all (a reader never sees half of it). */
function writeAtomic(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const temp = `${file}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  fs.writeFileSync(temp, text);
  fs.renameSync(temp, file);
}

/** One cache folder, for one fingerprint. */
export class Cache {
  readonly dir: string;

  constructor(root: string) {
    this.dir = path.join(root, fingerprint().slice(0, 24));
  }

  private configFile = (config: string): string => path.join(this.dir, `config-${sha256(config).slice(0, 24)}.json`);

  /** The key of a tsconfig (or of none) if its entry is still good; undefined if it must be read with TypeScript first. */
  configKey(config: string | undefined): string | undefined {
    if (config === undefined) return sha256('no tsconfig');
    const entry = readJson<ConfigEntry>(this.configFile(config));
    if (!entry || entry.layout !== LAYOUT || entry.config !== config || !unchanged(entry.probes)) return undefined;
    return sha256(JSON.stringify(entry));
  }

  /** Stores what reading a tsconfig asked of the file system; returns its key. */
  storeConfig(config: string | undefined, probes: readonly Probe[]): string {
    if (config === undefined) return sha256('no tsconfig');
    const entry: ConfigEntry = { layout: LAYOUT, config, probes };
    writeAtomic(this.configFile(config), JSON.stringify(entry));
    return sha256(JSON.stringify(entry));
  }

  private fileStem = (file: string): string => sha256(file).slice(0, 24);
  private entryFile = (file: string, configKey: string, text: string): string =>
    path.join(this.dir, `${this.fileStem(file)}-${sha256(`${configKey}\0${sha256(text)}`).slice(0, 24)}.json`);

  /** The cached output for `file` with this text under this tsconfig, if every probe it recorded is unchanged. */
  lookup(file: string, configKey: string, text: string): Output | undefined {
    const entry = readJson<FileEntry>(this.entryFile(file, configKey, text));
    if (!entry || entry.layout !== LAYOUT || entry.file !== file || !unchanged(entry.probes)) return undefined;
    return { format: entry.format, code: entry.code };
  }

  /** Stores a compiled file, and removes the entries of its earlier texts. */
  store(file: string, configKey: string, text: string, output: Output, probes: readonly Probe[]): string {
    const target = this.entryFile(file, configKey, text);
    const entry: FileEntry = { layout: LAYOUT, file, format: output.format, code: output.code, probes };
    writeAtomic(target, JSON.stringify(entry));
    const stem = `${this.fileStem(file)}-`;
    for (const name of fs.readdirSync(this.dir)) {
      if (name.startsWith(stem) && name.endsWith('.json') && path.join(this.dir, name) !== target) fs.rmSync(path.join(this.dir, name), { force: true });
    }
    return target;
  }
}
