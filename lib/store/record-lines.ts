/**
 * The line layout the store writes its files in, and the readers for it. Every
 * line holds one record, so a file is read by splitting it into lines and
 * taking each record's bytes as they are — records are kept in memory as their
 * JSON text, in a {@link RecordArena} off the V8 heap, and parsed when read
 * (see docs/store.md).
 *
 * A shard file stays one JSON document in lowdb's format, one record a line:
 *
 *     {"records":{
 *     "id1":{…}
 *     ,"id2":{…}
 *     }}
 *
 * A journal line is `{"c":collection,"i":id,"v":value}` or
 * `{"c":collection,"i":id,"d":1}`. JSON.stringify escapes every line break
 * inside a value, so neither layout can have one inside a record.
 */

export const SHARD_HEAD = '{"records":{';
export const SHARD_TAIL = '\n}}';

/** Index just past the JSON string starting at `start` (a `"`), or -1. */
function endOfString(text: string, start: number): number {
  if (text.charCodeAt(start) !== 0x22) return -1;
  for (let i = start + 1; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c === 0x5c) i++;
    else if (c === 0x22) return i + 1;
  }
  return -1;
}

/** The JSON string `text.slice(start, end)` as a value: sliced directly when it has no escape. */
function stringAt(text: string, start: number, end: number): string {
  const raw = text.slice(start + 1, end - 1);
  return raw.includes('\\') ? (JSON.parse(text.slice(start, end)) as string) : raw;
}

/** What precedes a record's value in a shard: a line break, a comma after the first record, the id and a colon. */
export function shardKey(id: string, first: boolean): string {
  return `${first ? '\n' : '\n,'}${JSON.stringify(id)}:`;
}

/** One record of a shard: `"id":value`, with a leading comma after the first. */
export function shardLine(id: string, text: string, first: boolean): string {
  return shardKey(id, first) + text;
}

/** A record of a shard file: its id, and where its value's JSON text lies in the file's bytes. */
export interface ShardLine {
  id: string;
  start: number;
  end: number;
}

const HEAD_BYTES = Buffer.from(`${SHARD_HEAD}\n`, 'latin1');
const TAIL_BYTES = Buffer.from(SHARD_TAIL, 'latin1');
const EMPTY_BYTES = Buffer.from(`${SHARD_HEAD}${SHARD_TAIL}`, 'latin1');

/** Index just past the JSON string starting at `start` (a `"`) and ending before `limit`, or -1. UTF-8 safe: `"` and `\\` never occur inside a multi-byte character. */
function endOfStringBytes(bytes: Buffer, start: number, limit: number): number {
  if (bytes[start] !== 0x22) return -1;
  for (let i = start + 1; i < limit; i++) {
    const c = bytes[i];
    if (c === 0x5c) i++;
    else if (c === 0x22) return i + 1;
  }
  return -1;
}

/**
 * The records of a shard file (its bytes, UTF-8) in the line layout, as ids
 * and the location of each value's text — nothing is parsed but the ids; null
 * when the file is in another layout (written by lowdb itself or by an older
 * version), which the caller then parses as a whole.
 */
export function readShardLines(file: Buffer): ShardLine[] | null {
  if (file.equals(EMPTY_BYTES)) return [];
  if (file.length < HEAD_BYTES.length + TAIL_BYTES.length) return null;
  if (!file.subarray(0, HEAD_BYTES.length).equals(HEAD_BYTES)) return null;
  const bodyEnd = file.length - TAIL_BYTES.length;
  if (!file.subarray(bodyEnd).equals(TAIL_BYTES)) return null;
  const lines: ShardLine[] = [];
  let pos = HEAD_BYTES.length;
  for (;;) {
    let lineEnd = file.indexOf(0x0a, pos);
    if (lineEnd < 0 || lineEnd > bodyEnd) lineEnd = bodyEnd;
    const idStart = file[pos] === 0x2c ? pos + 1 : pos; // ','
    const idEnd = endOfStringBytes(file, idStart, lineEnd);
    if (idEnd < 0 || file[idEnd] !== 0x3a || idEnd + 1 >= lineEnd) return null; // ':' then a value
    let id = file.toString('utf8', idStart + 1, idEnd - 1);
    if (id.includes('\\')) {
      try {
        id = JSON.parse(file.toString('utf8', idStart, idEnd)) as string;
      } catch {
        return null;
      }
    }
    lines.push({ id, start: idEnd + 1, end: lineEnd });
    if (lineEnd === bodyEnd) return lines;
    pos = lineEnd + 1;
  }
}

export function journalPut(collection: string, id: string, text: string): string {
  return `{"c":${JSON.stringify(collection)},"i":${JSON.stringify(id)},"v":${text}}\n`;
}

export function journalDelete(collection: string, id: string): string {
  return `{"c":${JSON.stringify(collection)},"i":${JSON.stringify(id)},"d":1}\n`;
}

export interface JournalChange {
  collection: string;
  id: string;
  /** The value's JSON text; undefined for a delete. */
  text?: string;
}

/**
 * One journal line, or null if it is not a whole, valid change (a line torn
 * or garbled by a crash: its request was never acknowledged). The value is
 * parsed once to check it, and kept as its text.
 */
export function readJournalLine(line: string): JournalChange | null {
  try {
    if (line.startsWith('{"c":"')) {
      const c1 = endOfString(line, 5);
      if (c1 > 0 && line.startsWith(',"i":"', c1)) {
        const i1 = endOfString(line, c1 + 5);
        if (i1 > 0) {
          const collection = stringAt(line, 5, c1);
          const id = stringAt(line, c1 + 5, i1);
          if (line.length === i1 + 7 && line.endsWith(',"d":1}')) return { collection, id };
          if (line.startsWith(',"v":', i1) && line.endsWith('}')) {
            const text = line.slice(i1 + 5, -1);
            JSON.parse(text);
            return { collection, id, text };
          }
        }
      }
    }
    // Any other order of the same fields.
    const o = JSON.parse(line) as { c?: unknown; i?: unknown; v?: unknown; d?: unknown };
    if (typeof o?.c !== 'string' || typeof o.i !== 'string') return null;
    if (o.d) return { collection: o.c, id: o.i };
    const text = JSON.stringify(o.v);
    return text === undefined ? null : { collection: o.c, id: o.i, text };
  } catch {
    return null;
  }
}
