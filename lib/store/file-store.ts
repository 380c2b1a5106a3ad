import { isAscii } from 'node:buffer';
import { type FileHandle, mkdir, open, readdir, readFile, rename, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { Low } from 'lowdb';
import { DurableJsonFile } from './durable-json-file.js';
import { JournalBatch } from './journal-batch.js';
import { type Journal, openJournal } from './open-journal.js';
import { type ArenaStats, RecordArena } from './record-arena.js';
import { readJournalLine, readShardLines } from './record-lines.js';
import { slice } from './slow-slice.js';
import { type Store, UnknownCollection } from './store.js';
import { writeShardFile } from './write-shard-file.js';

interface ShardData {
  records: Record<string, unknown>;
}

/** Journal lines replayed between two yields to the event loop while opening. */
const REPLAY_BATCH = 5_000;

interface Shard {
  file: string;
  /** Record id → slot of the record's JSON text in the store's arena (off the V8 heap; parsed on read). */
  records: Map<string, number>;
  /** Size of the shard file as last written. */
  bytes: number;
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
  /** Collection name → number of shard files. A collection that grows large is split by a hash of the record id. */
  collections: Record<string, number>;
  /**
   * Journal size that triggers a compaction (default 4 MiB). The journal may
   * grow to half the size of the shard files before a compaction, so that the
   * cost of rewriting the shards stays proportional to what was written.
   */
  compactBytes?: number;
}

export interface FileStoreStats {
  /** Group commits performed (each appends one batch to the journal). */
  commits: number;
  /** Journal appends and shard files written. */
  fileWrites: number;
  /** put/delete calls made durable. */
  changes: number;
  /** Compactions completed. */
  compactions: number;
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

const JOURNAL = 'journal.jsonl';
/** The journal being made redundant by a compaction in progress; replayed first after a crash. */
const COMPACTING = 'journal.compacting.jsonl';

/**
 * Store with group commit over lowdb-format shard files: a change is applied
 * in memory at once, and its promise resolves after the next commit containing
 * it reached disk. Changes that arrive while a commit is being written share
 * the following one.
 *
 * A commit appends the batch's changes to a journal and fsyncs it once. When
 * the journal passes its threshold, it is set aside (renamed) and a new one
 * started; the changed shards are then rewritten in the background — streamed
 * record by record, each file atomically — while commits go on, and the old
 * journal is deleted once they are all on disk. Opening replays the journals
 * over the shards (first a set-aside one, then the current one), cuts a torn
 * last line off the current journal before appending to it, so a killed process
 * loses nothing that was acknowledged. See docs/store.md.
 */
export class FileStore implements Store {
  private readonly shards = new Map<string, Shard[]>();
  /** The text of every record, off the V8 heap. */
  private readonly arena = new RecordArena();
  private reclaiming: Promise<void> | undefined;
  /** Shards whose contents are newer than their file (their changes are in a journal). */
  private readonly unsnapshotted = new Set<Shard>();
  /** Journal lines of the changes made since the last commit, as bytes. */
  private pending = new JournalBatch();
  /** The other batch: empty, taken as `pending` when a commit starts writing the current one. */
  private spare = new JournalBatch();
  private next: Deferred | null = null;
  private writing = false;
  private closed = false;
  private journal!: Journal;
  private dir = '';
  private journalBytes = 0;
  private compactBytes = 4 * 1024 * 1024;
  private compacting: Promise<void> | undefined;
  private compactError: unknown;
  readonly stats: FileStoreStats = { commits: 0, fileWrites: 0, changes: 0, compactions: 0 };

  static async open(dir: string, options: FileStoreOptions): Promise<FileStore> {
    const store = new FileStore();
    store.dir = dir;
    if (options.compactBytes !== undefined) store.compactBytes = options.compactBytes;
    for (const [name, count] of Object.entries(options.collections)) {
      if (!/^[A-Za-z][A-Za-z0-9_-]*$/.test(name) || !Number.isInteger(count) || count < 1 || count > 4096) {
        throw new Error(`invalid collection '${name}' (${count} shards)`);
      }
      const folder = join(dir, name);
      await mkdir(folder, { recursive: true, mode: 0o700 });
      // Temp files of shard writes a crash interrupted: never renamed, so never part of the store.
      for (const f of await readdir(folder))
        if (f.endsWith('.tmp')) await unlink(join(folder, f)).catch(() => undefined);
      const shards: Shard[] = [];
      for (let i = 0; i < count; i++) {
        const file = join(folder, `${i}.json`);
        const shard = await readShard(file, `${name}/${i}.json`, store.arena);
        shards.push(shard.shard);
        // A shard in another layout is rewritten in the line layout at the next compaction or close.
        if (shard.otherLayout) store.unsnapshotted.add(shard.shard);
        await yieldToEventLoop();
      }
      store.shards.set(name, shards);
    }
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const interrupted = await store.replayJournal(join(dir, COMPACTING), false);
    store.journalBytes = await store.replayJournal(join(dir, JOURNAL), true);
    store.journal = await openJournal(join(dir, JOURNAL));
    store.reclaimIfNeeded();
    // A compaction was cut short: finish it now, so only one journal is ever set aside.
    if (interrupted > 0 || (await exists(join(dir, COMPACTING)))) {
      await store.compact();
      await unlink(join(dir, COMPACTING)).catch(() => undefined);
    }
    return store;
  }

  /**
   * Applies a journal's lines over the shards. A torn last line (a crash
   * mid-append) is ignored, and — for the journal about to be appended to —
   * cut off, so the next append starts on a line of its own. Returns the
   * journal's size once cut.
   */
  private async replayJournal(path: string, cutTornTail: boolean): Promise<number> {
    let text: Buffer;
    try {
      text = await readFile(path);
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return 0;
      throw err;
    }
    const end = text.lastIndexOf(0x0a) + 1; // bytes up to and including the last newline
    const whole = text.subarray(0, end);
    const lines = whole.toString(isAscii(whole) ? 'latin1' : 'utf8').split('\n');
    for (let from = 0; from < lines.length; from += REPLAY_BATCH) {
      slice(
        () => `replay of ${path} lines ${from}…`,
        () => {
          for (const line of lines.slice(from, from + REPLAY_BATCH)) {
            const change = line === '' ? null : readJournalLine(line);
            if (!change || !this.shards.has(change.collection)) continue;
            const shard = this.shardFor(change.collection, change.id);
            if (change.text === undefined) this.remove(shard, change.id);
            else this.set(shard, change.id, change.text);
            this.unsnapshotted.add(shard);
          }
        },
      );
      await yieldToEventLoop();
    }
    if (cutTornTail && end < text.length) {
      const fh = await open(path, 'r+');
      try {
        await fh.truncate(end);
        await fh.sync();
      } finally {
        await fh.close();
      }
    }
    return end;
  }

  private shardFor(collection: string, id: string): Shard {
    const shards = this.shards.get(collection);
    if (!shards) throw new UnknownCollection(collection);
    return shards[hash(id) % shards.length];
  }

  /** Stores a record's text, in the slot it had if it had one; returns the slot. */
  private set(shard: Shard, id: string, text: string): number {
    const slot = shard.records.get(id);
    if (slot !== undefined) {
      this.arena.replace(slot, text);
      return slot;
    }
    const added = this.arena.add(text);
    shard.records.set(id, added);
    return added;
  }

  private remove(shard: Shard, id: string): void {
    const slot = shard.records.get(id);
    if (slot === undefined) return;
    shard.records.delete(id);
    this.arena.delete(slot);
  }

  get<T>(collection: string, id: string): T | undefined {
    const slot = this.shardFor(collection, id).records.get(id);
    return slot === undefined ? undefined : (JSON.parse(this.arena.text(slot)) as T);
  }

  list<T>(collection: string): T[] {
    const out: T[] = [];
    for (const [, v] of this.entries<T>(collection)) out.push(v);
    return out;
  }

  *entries<T>(collection: string): IterableIterator<[string, T]> {
    const shards = this.shards.get(collection);
    if (!shards) throw new UnknownCollection(collection);
    for (const s of shards)
      for (const [id, slot] of s.records) yield [id, JSON.parse(this.arena.text(slot)) as T];
  }

  /** Number of records in a collection. */
  count(collection: string): number {
    const shards = this.shards.get(collection);
    if (!shards) throw new UnknownCollection(collection);
    let n = 0;
    for (const s of shards) n += s.records.size;
    return n;
  }

  put<T>(collection: string, id: string, value: T): Promise<void> {
    const shard = this.shardFor(collection, id);
    if (this.closed) return Promise.reject(new Error('store is closed'));
    const text = JSON.stringify(value);
    if (text === undefined) return Promise.reject(new TypeError('store values must be JSON values'));
    const slot = this.set(shard, id, text);
    this.unsnapshotted.add(shard);
    this.pending.put(collection, id, this.arena, slot);
    return this.schedule();
  }

  delete(collection: string, id: string): Promise<void> {
    const shard = this.shardFor(collection, id);
    if (this.closed) return Promise.reject(new Error('store is closed'));
    this.remove(shard, id);
    this.unsnapshotted.add(shard);
    this.pending.delete(collection, id);
    return this.schedule();
  }

  flush(): Promise<void> {
    if (this.next) return this.next.promise;
    if (!this.writing) return Promise.resolve();
    // A commit is in flight and nothing is queued: wait for it by queueing an empty one.
    return this.schedule();
  }

  /** Resolves once no compaction or reclaim is running (for tests and tools that read the files). */
  async settled(): Promise<void> {
    await this.flush();
    while (this.compacting || this.reclaiming) await (this.compacting ?? this.reclaiming);
  }

  /** What the store's records take in memory (their text, off the V8 heap). */
  memory(): ArenaStats {
    return this.arena.stats();
  }

  /**
   * Reclaims the arena's dead space when there is enough of it: in steps that
   * each copy at most a MiB, yielding to the event loop between them.
   */
  private reclaimIfNeeded(): void {
    if (this.reclaiming || this.closed || !this.arena.needsReclaim()) return;
    // Cleared in `.finally`, never inside the body: a reclaim done in its first step finishes
    // before the assignment below, and clearing there would leave a settled promise behind —
    // no reclaim would run again and `settled()` (so `close()`) would spin on it for ever.
    this.reclaiming = (async () => {
      const steps = this.arena.reclaim();
      try {
        while (
          !this.closed &&
          !slice(
            () => 'arena reclaim step',
            () => steps.next(),
          ).done
        )
          await yieldToEventLoop();
      } finally {
        steps.return();
      }
    })().finally(() => {
      this.reclaiming = undefined;
    });
  }

  /** Flushes, writes every changed shard, empties the journal. */
  async close(): Promise<void> {
    if (this.closed) return;
    await this.settled();
    this.closed = true;
    await this.compact();
    await unlink(join(this.dir, COMPACTING)).catch(() => undefined);
    await this.journal.file.truncate(0);
    await this.journal.file.sync();
    await this.journal.file.close();
  }

  /** Rewrites the changed shards, one after the other, each streamed and atomic. */
  private async compact(): Promise<void> {
    const shards = [...this.unsnapshotted];
    this.unsnapshotted.clear();
    try {
      for (const s of shards) {
        s.bytes = await writeShardFile(s.file, s.records, this.arena);
        this.stats.fileWrites++;
      }
    } catch (err) {
      for (const s of shards) this.unsnapshotted.add(s);
      throw err;
    }
    this.stats.compactions++;
  }

  /** The journal size past which a compaction starts: at least compactBytes, at least half the shard files. */
  private threshold(): number {
    let shardBytes = 0;
    for (const shards of this.shards.values()) for (const s of shards) shardBytes += s.bytes;
    return Math.max(this.compactBytes, shardBytes / 2);
  }

  /**
   * Sets the journal aside and starts a new one (between two commits, so every
   * change is in exactly one of them), then compacts in the background.
   */
  private async startCompaction(): Promise<void> {
    await this.journal.file.close();
    try {
      await rename(join(this.dir, JOURNAL), join(this.dir, COMPACTING));
      this.journalBytes = 0;
    } finally {
      this.journal = await openJournal(join(this.dir, JOURNAL));
    }
    this.compacting = (async () => {
      try {
        await this.compact();
        await unlink(join(this.dir, COMPACTING));
      } catch (err) {
        // Left for the next start: it replays the set-aside journal and finishes the compaction.
        this.compactError = err;
      } finally {
        this.compacting = undefined;
      }
    })();
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
        // Changes made while this batch is written go to the other one.
        const changes = this.pending;
        this.pending = this.spare;
        try {
          if (changes.count > 0) {
            const bytes = changes.bytes();
            await writeAll(this.journal.file, bytes);
            if (!this.journal.writesAreDurable) await this.journal.file.datasync();
            this.journalBytes += bytes.length;
            this.stats.fileWrites++;
          }
          this.stats.commits++;
          this.stats.changes += changes.count;
          batch.resolve();
        } catch (err) {
          batch.reject(err);
        } finally {
          changes.clear();
          this.spare = changes;
        }
        if (
          !this.compacting &&
          this.compactError === undefined &&
          !this.closed &&
          this.journalBytes > this.threshold()
        ) {
          await this.startCompaction().catch((err: unknown) => {
            this.compactError = err;
          });
        }
        this.reclaimIfNeeded();
      }
    } finally {
      this.writing = false;
    }
  }
}

/** Writes all of `bytes` at the file's end (the journal is opened for appending). */
async function writeAll(fh: FileHandle, bytes: Buffer): Promise<void> {
  let done = 0;
  while (done < bytes.length) {
    const { bytesWritten } = await fh.write(bytes, done, bytes.length - done);
    if (bytesWritten <= 0) throw new Error('journal write made no progress');
    done += bytesWritten;
  }
}

async function exists(path: string): Promise<boolean> {
  return stat(path).then(
    () => true,
    () => false,
  );
}

/**
 * Reads one shard file: in the line layout, its bytes become a chunk of the
 * arena and each record's value stays where it is, unparsed; in any other
 * layout (lowdb's own, older versions), parsed whole with lowdb and each record
 * turned back into its text. A missing file is an empty shard.
 */
async function readShard(
  file: string,
  name: string,
  arena: RecordArena,
): Promise<{ shard: Shard; otherLayout: boolean }> {
  let bytes: Buffer;
  try {
    bytes = await readFile(file);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw err;
    return { shard: { file, records: new Map(), bytes: 0 }, otherLayout: false };
  }
  const records = new Map<string, number>();
  const lines = slice(
    () => `read of ${name} (${bytes.length} bytes)`,
    () => {
      const lines = readShardLines(bytes);
      if (lines && lines.length > 0) {
        const chunk = arena.adopt(bytes);
        for (const { id, start, end } of lines) {
          const previous = records.get(id);
          records.set(id, arena.place(chunk, start, end));
          if (previous !== undefined) arena.delete(previous); // an id twice: the last one counts, as in JSON.parse
        }
      }
      return lines;
    },
  );
  if (lines) return { shard: { file, records, bytes: bytes.length }, otherLayout: false };
  const low = new Low<ShardData>(new DurableJsonFile(file), { records: {} });
  await low.read();
  if (!low.data || typeof low.data.records !== 'object' || low.data.records === null) {
    throw new Error(`store file ${name} is not a store shard`);
  }
  for (const [id, value] of Object.entries(low.data.records)) {
    const t = JSON.stringify(value);
    if (t !== undefined) records.set(id, arena.add(t));
  }
  return { shard: { file, records, bytes: bytes.length }, otherLayout: true };
}
