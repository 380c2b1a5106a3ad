import { type FileHandle, open, rename, unlink } from 'node:fs/promises';
import { SHARD_HEAD, SHARD_TAIL, shardLine } from './record-lines.js';

/** Characters written at once: one piece of synchronous work stays well under a millisecond or two. */
const CHUNK_CHARS = 256 * 1024;

let counter = 0;

/**
 * Writes `records` (id → JSON text) as the lowdb shard document
 * `{"records":{id: value, …}}`, one record a line (record-lines.ts),
 * atomically and durably (temp file in the same folder, fsync, rename), in
 * chunks: however large the shard, no single step holds the event loop for
 * long or builds the whole text in memory. Records changed while the write is
 * under way may appear in either state; the journal that covers those changes
 * is kept until the write is done, so replaying it over the file gives the
 * latest state. Returns the bytes written.
 */
export async function writeShardFile(file: string, records: ReadonlyMap<string, string>): Promise<number> {
  const tmp = `${file}.${process.pid}.${++counter}.tmp`;
  let fh: FileHandle | undefined = await open(tmp, 'w', 0o600);
  let bytes = 0;
  try {
    let buf = SHARD_HEAD;
    let first = true;
    for (const [id, text] of records) {
      buf += shardLine(id, text, first);
      first = false;
      if (buf.length >= CHUNK_CHARS) {
        await fh.writeFile(buf, 'utf8'); // writes all of it, from the current position
        bytes += Buffer.byteLength(buf);
        buf = '';
      }
    }
    buf += SHARD_TAIL;
    await fh.writeFile(buf, 'utf8');
    bytes += Buffer.byteLength(buf);
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
