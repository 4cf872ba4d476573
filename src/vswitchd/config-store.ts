/*
 * The embedded configuration store: one JSON document on disk, owned by the daemon.
 * Loading validates it (structure, references, unique names) and refuses a corrupt or
 * unreadable file without touching it. Transactions run one at a time; each change is written
 * atomically (temporary file, fsync, rename, directory fsync) before it is acknowledged.
 * A lock file next to the document keeps a second process from opening it.
 */
import { promises as fsp, constants as fsc } from 'node:fs';
import * as path from 'node:path';
import writeFileAtomic from 'write-file-atomic';
import { newConfigDoc, normalizeDoc, collectGarbage, type ConfigDoc } from './config-doc.js';
import { applyOps, validateDoc, type TxnOrigin } from './config-txn.js';

/** The file cannot be used (missing directory, unreadable, corrupt, locked). */
export class ConfigError extends Error {}

export interface ConfigChange {
  readonly doc: Readonly<ConfigDoc>;
  readonly previous: Readonly<ConfigDoc>;
  readonly origin: TxnOrigin;
}

export type ConfigListener = (change: ConfigChange) => void;

export interface TransactResult {
  generation: number;
  inserted: string[];
  changed: boolean;
}

export interface OpenOptions {
  /** Create the file (and its directory) with an empty configuration when missing. Default true. */
  create?: boolean;
}

function deepFreeze<T>(o: T): T {
  if (o && typeof o === 'object' && !Object.isFrozen(o)) {
    Object.freeze(o);
    for (const v of Object.values(o as object)) deepFreeze(v);
  }
  return o;
}

function errnoText(e: unknown): string {
  const err = e as NodeJS.ErrnoException;
  const text: Record<string, string> = {
    ENOENT: 'No such file or directory',
    EACCES: 'Permission denied',
    EISDIR: 'Is a directory',
    ENOTDIR: 'Not a directory',
    ENOSPC: 'No space left on device',
    EROFS: 'Read-only file system',
  };
  return (err.code && text[err.code]) || err.message;
}

function pidAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

async function fsyncDir(dir: string): Promise<void> {
  const fh = await fsp.open(dir, fsc.O_RDONLY);
  try {
    await fh.sync();
  } catch {
    // Some filesystems do not support fsync on directories; the rename is still atomic.
  } finally {
    await fh.close();
  }
}

/** Takes `<file>.lock` (O_EXCL, holding our pid); a lock whose process is gone is taken over. */
async function acquireLock(lockPath: string): Promise<void> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fh = await fsp.open(lockPath, 'wx', 0o644);
      await fh.writeFile(`${process.pid}\n`);
      await fh.close();
      return;
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new ConfigError(`${lockPath}: cannot create lock file (${errnoText(e)})`);
      }
    }
    const text = await fsp.readFile(lockPath, 'utf8').catch(() => '');
    const pid = Number.parseInt(text, 10);
    if (pid > 0 && pid !== process.pid && pidAlive(pid)) {
      throw new ConfigError(`${lockPath}: configuration is locked by process ${pid}`);
    }
    await fsp.unlink(lockPath).catch(() => undefined);
  }
  throw new ConfigError(`${lockPath}: cannot take the lock`);
}

export class ConfigStore {
  private doc: ConfigDoc;
  private queue: Promise<unknown> = Promise.resolve();
  private readonly listeners = new Set<ConfigListener>();
  private closed = false;

  private constructor(
    readonly file: string,
    private readonly lockPath: string | null,
    doc: ConfigDoc,
  ) {
    this.doc = deepFreeze(doc);
  }

  /**
   * Opens (or creates) the configuration at `file`. Throws ConfigError with a one-line message
   * if the file is unreadable, not valid JSON, fails validation, or is locked by a live process.
   */
  static async open(file: string, opts: OpenOptions = {}): Promise<ConfigStore> {
    const abs = path.resolve(file);
    const lockPath = `${abs}.lock`;
    let text: string | null = null;
    try {
      text = await fsp.readFile(abs, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'ENOENT' || opts.create === false) {
        throw new ConfigError(`${abs}: cannot read configuration (${errnoText(e)})`);
      }
    }
    let doc: ConfigDoc;
    if (text === null) {
      try {
        await fsp.mkdir(path.dirname(abs), { recursive: true });
      } catch (e) {
        throw new ConfigError(`${path.dirname(abs)}: cannot create directory (${errnoText(e)})`);
      }
      doc = newConfigDoc();
    } else {
      let parsed: unknown;
      try {
        parsed = JSON.parse(text);
      } catch (e) {
        throw new ConfigError(`${abs}: configuration is not valid JSON (${(e as Error).message}); refusing to use it`);
      }
      const err = validateDoc(parsed);
      if (err) throw new ConfigError(`${abs}: invalid configuration: ${err}; refusing to use it`);
      doc = normalizeDoc(parsed as ConfigDoc);
      collectGarbage(doc);
    }
    await acquireLock(lockPath);
    const store = new ConfigStore(abs, lockPath, doc);
    if (text === null) {
      try {
        await store.write(doc);
      } catch (e) {
        await store.close();
        throw new ConfigError(`${abs}: cannot write configuration (${errnoText(e)})`);
      }
    }
    return store;
  }

  /** The current document (deeply frozen; replaced, never mutated, by transactions). */
  snapshot(): Readonly<ConfigDoc> {
    return this.doc;
  }

  get generation(): number {
    return this.doc.generation;
  }

  /** Calls `listener` after each committed change (synchronously, after the write). */
  onChange(listener: ConfigListener): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  /**
   * Applies `ops` atomically (see config-doc.ts for the operations). Transactions are
   * serialised; the promise resolves once the new document is on disk. Rejects with
   * TxnError (nothing changed) or a write error (nothing changed either).
   */
  transact(ops: unknown, origin: TxnOrigin = 'client'): Promise<TransactResult> {
    const run = async (): Promise<TransactResult> => {
      if (this.closed) throw new ConfigError(`${this.file}: configuration store is closed`);
      const previous = this.doc;
      const res = applyOps(previous, ops, origin);
      if (!res.changed) return { generation: previous.generation, inserted: res.inserted, changed: false };
      await this.write(res.doc);
      this.doc = deepFreeze(res.doc);
      const change: ConfigChange = { doc: this.doc, previous, origin };
      for (const l of this.listeners) l(change);
      return { generation: this.doc.generation, inserted: res.inserted, changed: true };
    };
    const p = this.queue.then(run, run);
    this.queue = p.catch(() => undefined);
    return p;
  }

  private async write(doc: ConfigDoc): Promise<void> {
    await writeFileAtomic(this.file, `${JSON.stringify(doc, null, 2)}\n`, { fsync: true, mode: 0o644 });
    await fsyncDir(path.dirname(this.file));
  }

  /** Waits for queued transactions, then releases the lock. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.queue;
    this.closed = true;
    if (this.lockPath) await fsp.unlink(this.lockPath).catch(() => undefined);
  }
}
