import { type FileHandle, mkdir, open, readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { Low } from 'lowdb';
import { DurableJsonFile } from './durable-json-file.js';
import { type Store, UnknownCollection } from './store.js';

interface ShardData {
  records: Record<string, unknown>;
}

interface Shard {
  low: Low<ShardData>;
}

interface Deferred {
  promise: Promise<void>;
  resolve: () => void;
  reject: (err: unknown) => void;
}

function deferred(): Deferred {
  let resolve!: () => void;
  let reject!: (err: unknown) => void;
  const promise = new Promise<void>((res, rej) => {
    resolve = res;
    reject = rej;
  });
  return { promise, resolve, reject };
}

export interface FileStoreOptions {
  /** Collection name → number of shard files. lowdb rewrites a whole file per write,
   * so a collection that grows large is split by a hash of the record id. */
  collections: Record<string, number>;
  /** Journal size that triggers writing the changed shards and emptying the journal (default 4 MiB). */
  compactBytes?: number;
}

export interface FileStoreStats {
  /** Group commits performed (each writes every shard dirtied since the last one). */
  commits: number;
  /** Shard files written. */
  fileWrites: number;
  /** put/delete calls made durable. */
  changes: number;
}

/** FNV-1a, 32 bit: a cheap stable hash to pick a shard. */
function hash(s: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

interface Change {
  c: string;
  i: string;
  v?: unknown;
  d?: 1;
}

/**
 * lowdb-backed store with group commit: a change is applied in memory at once,
 * and its promise resolves after the next commit containing it reached disk.
 * Changes that arrive while a commit is being written share the following one.
 *
 * A commit appends the batch's changes to a journal and fsyncs it once; when
 * the journal passes `compactBytes`, the changed lowdb shards are rewritten
 * (each atomically) and the journal emptied. Opening replays the journal over
 * the shards, so a killed process loses nothing that was acknowledged.
 */
export class FileStore implements Store {
  private readonly shards = new Map<string, Shard[]>();
  /** Shards whose contents are newer than their file (their changes are in the journal). */
  private readonly unsnapshotted = new Set<Shard>();
  private pending: Change[] = [];
  private next: Deferred | null = null;
  private writing = false;
  private closed = false;
  private journal!: FileHandle;
  private journalPath = '';
  private journalBytes = 0;
  private compactBytes = 4 * 1024 * 1024;
  readonly stats: FileStoreStats = { commits: 0, fileWrites: 0, changes: 0 };

  static async open(dir: string, options: FileStoreOptions): Promise<FileStore> {
    const store = new FileStore();
    if (options.compactBytes !== undefined) store.compactBytes = options.compactBytes;
    for (const [name, count] of Object.entries(options.collections)) {
      if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(name) || !Number.isInteger(count) || count < 1 || count > 4096) {
        throw new Error(`invalid collection '${name}' (${count} shards)`);
      }
      const folder = join(dir, name);
      await mkdir(folder, { recursive: true, mode: 0o700 });
      const shards: Shard[] = [];
      for (let i = 0; i < count; i++) {
        const low = new Low<ShardData>(new DurableJsonFile(join(folder, `${i}.json`)), { records: {} });
        await low.read();
        if (!low.data || typeof low.data.records !== 'object' || low.data.records === null) {
          throw new Error(`store file ${name}/${i}.json is not a store shard`);
        }
        shards.push({ low });
      }
      store.shards.set(name, shards);
    }
    await mkdir(dir, { recursive: true, mode: 0o700 });
    store.journalPath = join(dir, 'journal.jsonl');
    await store.replayJournal();
    store.journal = await open(store.journalPath, 'a', 0o600);
    return store;
  }

  /** Applies journal lines written after the shards were; a torn last line (a crash mid-append) is ignored. */
  private async replayJournal(): Promise<void> {
    let text: string;
    try {
      text = await readFile(this.journalPath, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return;
      throw err;
    }
    this.journalBytes = Buffer.byteLength(text);
    for (const line of text.split('\n')) {
      if (line === '') continue;
      let change: Change;
      try {
        change = JSON.parse(line) as Change;
      } catch {
        continue;
      }
      if (!this.shards.has(change.c)) continue;
      const shard = this.shardFor(change.c, change.i);
      if (change.d) delete shard.low.data.records[change.i];
      else shard.low.data.records[change.i] = change.v;
      this.unsnapshotted.add(shard);
    }
  }

  private shardFor(collection: string, id: string): Shard {
    const shards = this.shards.get(collection);
    if (!shards) throw new UnknownCollection(collection);
    return shards[hash(id) % shards.length];
  }

  get<T>(collection: string, id: string): T | undefined {
    const records = this.shardFor(collection, id).low.data.records;
    return Object.hasOwn(records, id) ? (records[id] as T) : undefined;
  }

  list<T>(collection: string): T[] {
    const shards = this.shards.get(collection);
    if (!shards) throw new UnknownCollection(collection);
    const out: T[] = [];
    for (const s of shards) for (const v of Object.values(s.low.data.records)) out.push(v as T);
    return out;
  }

  put<T>(collection: string, id: string, value: T): Promise<void> {
    const shard = this.shardFor(collection, id);
    if (this.closed) return Promise.reject(new Error('store is closed'));
    shard.low.data.records[id] = value;
    return this.markDirty(shard, { c: collection, i: id, v: value });
  }

  delete(collection: string, id: string): Promise<void> {
    const shard = this.shardFor(collection, id);
    if (this.closed) return Promise.reject(new Error('store is closed'));
    delete shard.low.data.records[id];
    return this.markDirty(shard, { c: collection, i: id, d: 1 });
  }

  flush(): Promise<void> {
    if (this.next) return this.next.promise;
    if (!this.writing) return Promise.resolve();
    // A commit is in flight and nothing is queued: wait for it by queueing an empty one.
    return this.schedule();
  }

  /** Flushes, writes every changed shard, empties the journal. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.flush();
    this.closed = true;
    await this.compact();
    await this.journal.close();
  }

  private markDirty(shard: Shard, change: Change): Promise<void> {
    this.unsnapshotted.add(shard);
    this.pending.push(change);
    return this.schedule();
  }

  /** Rewrites the changed shards (each atomically), then empties the journal they made redundant. */
  private async compact(): Promise<void> {
    const shards = [...this.unsnapshotted];
    this.unsnapshotted.clear();
    await Promise.all(shards.map((s) => s.low.write()));
    this.stats.fileWrites += shards.length;
    await this.journal.truncate(0);
    await this.journal.sync();
    this.journalBytes = 0;
  }

  private schedule(): Promise<void> {
    if (!this.next) {
      this.next = deferred();
      // Let every change made in this turn of the event loop join the commit.
      setImmediate(() => void this.commitLoop());
    }
    return this.next.promise;
  }

  private async commitLoop(): Promise<void> {
    if (this.writing) return; // the running loop picks up what is queued
    this.writing = true;
    try {
      while (this.next) {
        const batch = this.next;
        this.next = null;
        const changes = this.pending;
        this.pending = [];
        try {
          if (changes.length > 0) {
            const text = `${changes.map((c) => JSON.stringify(c)).join('\n')}\n`;
            await this.journal.write(text);
            await this.journal.datasync();
            this.journalBytes += Buffer.byteLength(text);
            this.stats.fileWrites++;
            if (this.journalBytes > this.compactBytes) await this.compact();
          }
          this.stats.commits++;
          this.stats.changes += changes.length;
          batch.resolve();
        } catch (err) {
          batch.reject(err);
        }
      }
    } finally {
      this.writing = false;
    }
  }
}
