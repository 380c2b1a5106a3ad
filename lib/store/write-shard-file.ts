import { type FileHandle, open, rename, unlink } from 'node:fs/promises';
import type { RecordArena } from './record-arena.js';
import { SHARD_HEAD, SHARD_TAIL, shardKey } from './record-lines.js';

/** Bytes written at once: one piece of synchronous work stays well under a millisecond or two. */
const CHUNK_BYTES = 256 * 1024;

let counter = 0;

/**
 * Writes `records` (id → slot of the record's text in `arena`) as the lowdb
 * shard document `{"records":{id: value, …}}`, one record a line
 * (record-lines.ts), atomically and durably (temp file in the same folder,
 * fsync, rename), in chunks: however large the shard, no single step holds the
 * event loop for long or builds the whole text in memory; record bytes are
 * copied from the arena as they are, never decoded. Records changed while the
 * write is under way may appear in either state; the journal that covers those
 * changes is kept until the write is done, so replaying it over the file gives
 * the latest state. Returns the bytes written.
 */
export async function writeShardFile(
  file: string,
  records: ReadonlyMap<string, number>,
  arena: RecordArena,
): Promise<number> {
  const tmp = `${file}.${process.pid}.${++counter}.tmp`;
  let fh: FileHandle | undefined = await open(tmp, 'w', 0o600);
  const out = Buffer.allocUnsafe(CHUNK_BYTES);
  let bytes = 0;
  let used = 0;
  const drain = async (): Promise<void> => {
    if (used === 0) return;
    await (fh as FileHandle).writeFile(out.subarray(0, used)); // writes all of it, from the current position
    bytes += used;
    used = 0;
  };
  try {
    used = out.write(SHARD_HEAD, 0, 'latin1');
    let first = true;
    for (const [id, slot] of records) {
      // Read at once, before any await: the slot's bytes are those of the record now.
      const value = arena.bytes(slot);
      const key = shardKey(id, first);
      first = false;
      const keyBytes = Buffer.byteLength(key, 'utf8');
      if (used + keyBytes + value.length > CHUNK_BYTES) await drain();
      if (keyBytes + value.length > CHUNK_BYTES) {
        // A record larger than a chunk: written as it is (the view stays valid: arena bytes are never overwritten).
        await fh.writeFile(key, 'utf8');
        await fh.writeFile(value);
        bytes += keyBytes + value.length;
        continue;
      }
      used += out.write(key, used, 'utf8');
      used += value.copy(out, used);
    }
    if (used + SHARD_TAIL.length > CHUNK_BYTES) await drain();
    used += out.write(SHARD_TAIL, used, 'latin1');
    await drain();
    await fh.sync();
    await fh.close();
    fh = undefined;
    await rename(tmp, file);
    return bytes;
  } catch (err) {
    await fh?.close().catch(() => undefined);
    await unlink(tmp).catch(() => undefined);
    throw err;
  }
}
