/**
 * The store's record text, off the V8 heap: UTF-8 bytes in large Buffers
 * (external memory, which the garbage collector neither traces nor moves),
 * each record addressed by a slot number whose location lives in typed arrays.
 * A collection's index thus holds, per record, its id and a small integer —
 * no string or object per record that grows with what was written.
 *
 * Bytes are only ever appended: a chunk's bytes never change once written, so
 * a view of a record stays valid for as long as it is held, and a record
 * replaced or deleted leaves dead bytes behind. Space is reclaimed a chunk at
 * a time: a chunk whose records are all dead is dropped; when dead bytes pass
 * a third of the live ones, the records of chunks less than three-quarters
 * live are copied to the end by {@link RecordArena.reclaim}, in bounded steps,
 * and those chunks dropped once empty. See docs/store.md.
 */

/** Size of a chunk records are appended to. */
const CHUNK_BYTES = 8 * 1024 * 1024;
/** A record larger than this gets a chunk of its own. */
const OWN_CHUNK_BYTES = CHUNK_BYTES / 4;
/** Dead bytes tolerated whatever the live size. */
const MIN_GARBAGE_BYTES = 16 * 1024 * 1024;
/** A chunk with less live than this fraction of its size is emptied by a reclaim. */
const SPARSE = 0.75;
/** Marks a free slot in the chunk column. */
const FREE = 0xffffffff;

export interface ArenaStats {
  /** Records held. */
  records: number;
  /** Bytes of the records held (UTF-8). */
  liveBytes: number;
  /** Bytes of all chunks held (live, dead, and the unused end of the chunk being appended to). */
  heldBytes: number;
  /** Chunks held. */
  chunks: number;
}

export class RecordArena {
  private chunks: (Buffer | null)[] = [];
  /** Live bytes per chunk. */
  private chunkLive: number[] = [];
  /** The chunk appended to, and where its free space starts. */
  private head = -1;
  private headUsed = 0;
  /** Per slot: chunk (FREE when the slot is free), offset and length of the record's bytes. */
  private chunkOf = new Uint32Array(1024).fill(FREE);
  private offsetOf = new Uint32Array(1024);
  private lengthOf = new Uint32Array(1024);
  /** Slots in use are below this; free slots below it are stacked in `free`. */
  private slotEnd = 0;
  private free = new Uint32Array(256);
  private freeCount = 0;
  private live = 0;
  private held = 0;
  private records = 0;
  /** While a reclaim runs: 1 for each chunk being emptied (a dropped chunk's number may be reused, so it is cleared). */
  private evacuating: Uint8Array | null = null;

  stats(): ArenaStats {
    return {
      records: this.records,
      liveBytes: this.live,
      heldBytes: this.held,
      chunks: this.chunks.length - this.droppedChunks(),
    };
  }

  private droppedChunks(): number {
    let n = 0;
    for (const c of this.chunks) if (c === null) n++;
    return n;
  }

  /** Stores a record's text; returns its slot. */
  add(text: string): number {
    const slot = this.takeSlot();
    this.write(slot, text);
    return slot;
  }

  /** Replaces the text in a slot (its old bytes become dead). */
  replace(slot: number, text: string): void {
    this.release(slot);
    this.write(slot, text);
  }

  /** Frees a slot. */
  delete(slot: number): void {
    this.release(slot);
    this.chunkOf[slot] = FREE;
    this.records--;
    if (this.freeCount === this.free.length) this.free = grow(this.free, this.free.length * 2);
    this.free[this.freeCount++] = slot;
  }

  /**
   * Takes `bytes` (e.g. a shard file just read) as a chunk of its own, whose
   * records are then placed with {@link place}. Returns the chunk's number.
   */
  adopt(bytes: Buffer): number {
    return this.newChunk(bytes);
  }

  /** A record whose bytes are already in an adopted chunk; returns its slot. */
  place(chunk: number, start: number, end: number): number {
    const slot = this.takeSlot();
    this.chunkOf[slot] = chunk;
    this.offsetOf[slot] = start;
    this.lengthOf[slot] = end - start;
    this.chunkLive[chunk] += end - start;
    this.live += end - start;
    return slot;
  }

  /** The record's text (a new string each call). */
  text(slot: number): string {
    const chunk = this.chunks[this.chunkOf[slot]] as Buffer;
    const start = this.offsetOf[slot];
    return chunk.toString('utf8', start, start + this.lengthOf[slot]);
  }

  /** The record's bytes, as a view into the arena: valid as long as it is held (bytes are never overwritten). */
  bytes(slot: number): Buffer {
    const chunk = this.chunks[this.chunkOf[slot]] as Buffer;
    const start = this.offsetOf[slot];
    return chunk.subarray(start, start + this.lengthOf[slot]);
  }

  /** Copies the record's bytes into `target` at `offset`; returns the bytes copied. */
  copy(slot: number, target: Buffer, offset: number): number {
    const chunk = this.chunks[this.chunkOf[slot]] as Buffer;
    const start = this.offsetOf[slot];
    return chunk.copy(target, offset, start, start + this.lengthOf[slot]);
  }

  /** The record's length in bytes. */
  byteLength(slot: number): number {
    return this.lengthOf[slot];
  }

  /** Whether enough space is dead that {@link reclaim} should run. */
  needsReclaim(): boolean {
    const garbage = this.held - this.live - this.headFree();
    return garbage > Math.max(MIN_GARBAGE_BYTES, this.live / 3);
  }

  /**
   * Empties the chunks less than three-quarters live (not the one appended
   * to) by copying their records to the end, then drops them. A generator:
   * each step moves the records of at most `slotsPerStep` slots, so the caller
   * yields to the event loop between steps; changes made between steps are
   * safe (a record written meanwhile goes to the end, one deleted is skipped).
   */
  *reclaim(slotsPerStep = 16_384, bytesPerStep = 1024 * 1024): Generator<void, void, void> {
    const sparse = new Uint8Array(this.chunks.length);
    let any = false;
    for (let c = 0; c < this.chunks.length; c++) {
      const chunk = this.chunks[c];
      if (chunk && c !== this.head && this.chunkLive[c] < chunk.length * SPARSE) {
        sparse[c] = 1;
        any = true;
      }
    }
    if (!any) return;
    this.evacuating = sparse;
    try {
      let scanned = 0;
      let moved = 0;
      for (let slot = 0; slot < this.slotEnd; slot++) {
        const c = this.chunkOf[slot];
        if (c !== FREE && c < sparse.length && sparse[c] === 1) moved += this.move(slot);
        if (++scanned >= slotsPerStep || moved >= bytesPerStep) {
          scanned = 0;
          moved = 0;
          yield;
        }
      }
    } finally {
      this.evacuating = null;
    }
  }

  /** Copies a record to the end; returns the bytes copied. */
  private move(slot: number): number {
    const from = this.chunkOf[slot];
    const source = this.chunks[from] as Buffer;
    const start = this.offsetOf[slot];
    const length = this.lengthOf[slot];
    const [chunk, offset] = this.reserve(length);
    source.copy(this.chunks[chunk] as Buffer, offset, start, start + length);
    this.chunkOf[slot] = chunk;
    this.offsetOf[slot] = offset;
    this.chunkLive[chunk] += length;
    this.chunkLive[from] -= length;
    if (this.chunkLive[from] === 0 && from !== this.head) this.dropChunk(from);
    return length;
  }

  private headFree(): number {
    return this.head < 0 ? 0 : (this.chunks[this.head] as Buffer).length - this.headUsed;
  }

  private takeSlot(): number {
    this.records++;
    if (this.freeCount > 0) return this.free[--this.freeCount];
    if (this.slotEnd === this.chunkOf.length) {
      const size = this.chunkOf.length * 2;
      this.chunkOf = grow(this.chunkOf, size);
      this.chunkOf.fill(FREE, size / 2);
      this.offsetOf = grow(this.offsetOf, size);
      this.lengthOf = grow(this.lengthOf, size);
    }
    return this.slotEnd++;
  }

  private write(slot: number, text: string): void {
    const length = Buffer.byteLength(text, 'utf8');
    const [chunk, offset] = this.reserve(length);
    (this.chunks[chunk] as Buffer).write(text, offset, length, 'utf8');
    this.chunkOf[slot] = chunk;
    this.offsetOf[slot] = offset;
    this.lengthOf[slot] = length;
    this.chunkLive[chunk] += length;
    this.live += length;
  }

  /** The bytes of a slot become dead (the slot itself stays in use). */
  private release(slot: number): void {
    const c = this.chunkOf[slot];
    const length = this.lengthOf[slot];
    this.chunkLive[c] -= length;
    this.live -= length;
    if (this.chunkLive[c] === 0 && c !== this.head) this.dropChunk(c);
  }

  /** Room for `length` bytes: [chunk, offset]. */
  private reserve(length: number): [number, number] {
    if (length > OWN_CHUNK_BYTES) return [this.newChunk(Buffer.allocUnsafeSlow(length)), 0];
    if (this.head < 0 || this.headUsed + length > (this.chunks[this.head] as Buffer).length) {
      const previous = this.head;
      this.head = this.newChunk(Buffer.allocUnsafeSlow(CHUNK_BYTES));
      this.headUsed = 0;
      if (previous >= 0 && this.chunkLive[previous] === 0) this.dropChunk(previous);
    }
    const offset = this.headUsed;
    this.headUsed += length;
    return [this.head, offset];
  }

  private newChunk(bytes: Buffer): number {
    let c = this.chunks.indexOf(null);
    if (c < 0) {
      c = this.chunks.length;
      this.chunks.push(bytes);
      this.chunkLive.push(0);
    } else {
      this.chunks[c] = bytes;
      this.chunkLive[c] = 0;
    }
    this.held += bytes.length;
    return c;
  }

  private dropChunk(c: number): void {
    this.held -= (this.chunks[c] as Buffer).length;
    this.chunks[c] = null;
    if (this.evacuating && c < this.evacuating.length) this.evacuating[c] = 0;
  }
}

function grow(a: Uint32Array, size: number): Uint32Array<ArrayBuffer> {
  const b = new Uint32Array(size);
  b.set(a);
  return b;
}
