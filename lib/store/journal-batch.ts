import type { RecordArena } from './record-arena.js';

/** Bytes a batch starts with, and keeps between commits. */
const INITIAL_BYTES = 64 * 1024;
/** A batch grown past this (a burst of large changes) goes back to INITIAL_BYTES once written. */
const KEPT_BYTES = 1024 * 1024;

/** `{"c":"name","i":` of each collection, as bytes (collection names are ASCII: FileStore checks them). */
const heads = new Map<string, Buffer>();

function headOf(collection: string): Buffer {
  let head = heads.get(collection);
  if (!head) {
    head = Buffer.from(`{"c":${JSON.stringify(collection)},"i":`, 'utf8');
    heads.set(collection, head);
  }
  return head;
}

/**
 * The journal lines of one group commit, encoded straight into one reusable
 * Buffer: a put's line is the collection, the id, then the record's bytes
 * copied as they are from the arena (its JSON text is encoded to UTF-8 once,
 * by the arena), so no line string is built, joined or re-encoded for the
 * write. The bytes are those of `journalPut`/`journalDelete`
 * (record-lines.ts). The Buffer is external memory reused from commit to
 * commit, not a new allocation per change.
 */
export class JournalBatch {
  private buffer = Buffer.allocUnsafeSlow(INITIAL_BYTES);
  private used = 0;
  /** Changes in the batch. */
  count = 0;

  /** Appends a put: `{"c":collection,"i":id,"v":<the record's bytes in slot>}` and a line break. */
  put(collection: string, id: string, arena: RecordArena, slot: number): void {
    const head = headOf(collection);
    const idJson = JSON.stringify(id);
    // 3 bytes per UTF-16 unit is UTF-8's worst case for the id; 5 for `,"v":`, 2 for `}\n`.
    this.reserve(head.length + idJson.length * 3 + 5 + arena.byteLength(slot) + 2);
    const b = this.buffer;
    let at = this.used + head.copy(b, this.used);
    at += b.write(idJson, at, 'utf8');
    at += b.write(',"v":', at, 'latin1');
    at += arena.copy(slot, b, at);
    b[at++] = 0x7d; // }
    b[at++] = 0x0a; // \n
    this.used = at;
    this.count++;
  }

  /** Appends a delete: `{"c":collection,"i":id,"d":1}` and a line break. */
  delete(collection: string, id: string): void {
    const head = headOf(collection);
    const idJson = JSON.stringify(id);
    this.reserve(head.length + idJson.length * 3 + 8);
    const b = this.buffer;
    let at = this.used + head.copy(b, this.used);
    at += b.write(idJson, at, 'utf8');
    at += b.write(',"d":1}\n', at, 'latin1');
    this.used = at;
    this.count++;
  }

  /** The batch's bytes: a view, valid until {@link clear}. */
  bytes(): Buffer {
    return this.buffer.subarray(0, this.used);
  }

  /** Empties the batch for reuse (after its bytes were written, or dropped with a failed commit). */
  clear(): void {
    this.used = 0;
    this.count = 0;
    if (this.buffer.length > KEPT_BYTES) this.buffer = Buffer.allocUnsafeSlow(INITIAL_BYTES);
  }

  /** Bytes the batch holds in memory (for tests: bounded whatever was written). */
  capacity(): number {
    return this.buffer.length;
  }

  private reserve(bytes: number): void {
    const needed = this.used + bytes;
    if (needed <= this.buffer.length) return;
    let size = this.buffer.length * 2;
    while (size < needed) size *= 2;
    const grown = Buffer.allocUnsafeSlow(size);
    this.buffer.copy(grown, 0, 0, this.used);
    this.buffer = grown;
  }
}
