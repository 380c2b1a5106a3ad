import { mkdir } from 'node:fs/promises';
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

/**
 * lowdb-backed store with group commit: a change is applied in memory at once,
 * and its promise resolves after the next commit containing it reached disk.
 * Changes that arrive while a commit is being written share the following one.
 */
export class FileStore implements Store {
  private readonly shards = new Map<string, Shard[]>();
  private readonly dirty = new Set<Shard>();
  private next: Deferred | null = null;
  private pendingChanges = 0;
  private writing = false;
  private closed = false;
  readonly stats: FileStoreStats = { commits: 0, fileWrites: 0, changes: 0 };

  static async open(dir: string, options: FileStoreOptions): Promise<FileStore> {
    const store = new FileStore();
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
    return store;
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
    shard.low.data.records[id] = value;
    return this.markDirty(shard);
  }

  delete(collection: string, id: string): Promise<void> {
    const shard = this.shardFor(collection, id);
    delete shard.low.data.records[id];
    return this.markDirty(shard);
  }

  flush(): Promise<void> {
    if (this.next) return this.next.promise;
    if (!this.writing) return Promise.resolve();
    // A commit is in flight and nothing is queued: wait for it by queueing an empty one.
    return this.schedule();
  }

  async close(): Promise<void> {
    await this.flush();
    this.closed = true;
  }

  private markDirty(shard: Shard): Promise<void> {
    if (this.closed) return Promise.reject(new Error('store is closed'));
    this.dirty.add(shard);
    this.pendingChanges++;
    return this.schedule();
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
        const shards = [...this.dirty];
        this.dirty.clear();
        const changes = this.pendingChanges;
        this.pendingChanges = 0;
        try {
          await Promise.all(shards.map((s) => s.low.write()));
          this.stats.commits++;
          this.stats.fileWrites += shards.length;
          this.stats.changes += changes;
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
