/**
 * The line layout the store writes its files in, and the readers for it. Every
 * line holds one record, so a file is read by splitting it into lines and
 * taking each record's text as it is — records are kept in memory as their JSON
 * text and parsed when read (see docs/store.md).
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

/** One record of a shard: `"id":value`, with a leading comma after the first. */
export function shardLine(id: string, text: string, first: boolean): string {
  return `${first ? '\n' : '\n,'}${JSON.stringify(id)}:${text}`;
}

/**
 * The records of a shard file in the line layout, as id → JSON text; null
 * when the file is in another layout (written by lowdb itself or by an older
 * version), which the caller then parses as a whole.
 */
export function readShardLines(file: string): Map<string, string> | null {
  if (!file.startsWith(`${SHARD_HEAD}\n`) && file !== `${SHARD_HEAD}${SHARD_TAIL}`) return null;
  if (!file.endsWith(SHARD_TAIL)) return null;
  const records = new Map<string, string>();
  const body = file.slice(SHARD_HEAD.length + 1, file.length - SHARD_TAIL.length);
  if (body === '') return records;
  for (const line of body.split('\n')) {
    const start = line.charCodeAt(0) === 0x2c ? 1 : 0; // ','
    const end = endOfString(line, start);
    if (end < 0 || line.charCodeAt(end) !== 0x3a || end + 1 >= line.length) return null; // ':' then a value
    records.set(stringAt(line, start, end), line.slice(end + 1));
  }
  return records;
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
