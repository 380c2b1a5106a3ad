import { describe, expect, it } from 'vitest';
import {
  journalDelete,
  journalPut,
  readJournalLine,
  readShardLines,
  SHARD_HEAD,
  SHARD_TAIL,
  shardLine,
} from '../../lib/store/record-lines.js';

/** Ids and values a record line must carry through unchanged. */
const HOSTILE: Array<[string, unknown]> = [
  ['plain', { n: 1 }],
  ['with "quotes":', { s: 'a "quoted": value' }],
  ['back\\slash\\', { s: 'C:\\dir\\' }],
  ['ends with backslash-quote \\"', { s: '\\"' }],
  ['line\nbreak\r\n', { s: 'two\nlines\r\nand\u2028separators\u2029' }],
  ['unicode é 😀 \u0000', { s: '\u0000\u001f', emoji: '😀' }],
  ['', 'empty id'],
  ['number', 42],
  ['null', null],
  ['array', [1, { a: [] }, 'x']],
  [',"i":"fake","v":', { s: ',"d":1}' }],
];

/** A shard's records as id → value text, read from its UTF-8 bytes as the store reads them; null for another layout. */
function readShard(text: string): Map<string, string> | null {
  const bytes = Buffer.from(text, 'utf8');
  const lines = readShardLines(bytes);
  return lines && new Map(lines.map(({ id, start, end }) => [id, bytes.toString('utf8', start, end)]));
}

function shardText(records: Array<[string, unknown]>): string {
  let text = SHARD_HEAD;
  records.forEach(([id, v], n) => {
    text += shardLine(id, JSON.stringify(v), n === 0);
  });
  return text + SHARD_TAIL;
}

describe('shard files, one record a line', () => {
  it('stay a JSON document in lowdb format with every record intact', () => {
    const text = shardText(HOSTILE);
    expect(JSON.parse(text)).toEqual({ records: Object.fromEntries(HOSTILE) });
  });

  it('are read back line by line to the same ids and values', () => {
    const read = readShard(shardText(HOSTILE));
    expect(read).not.toBeNull();
    expect([...read!.keys()]).toEqual(HOSTILE.map(([id]) => id));
    for (const [id, v] of HOSTILE) expect(JSON.parse(read!.get(id)!)).toEqual(v);
  });

  it('read an empty shard as no records', () => {
    expect(readShard(shardText([]))?.size).toBe(0);
    expect(JSON.parse(shardText([]))).toEqual({ records: {} });
  });

  it.each([
    ['compact JSON (older versions)', '{"records":{"a":{"n":1}}}'],
    ['lowdb pretty-printed', JSON.stringify({ records: { a: { n: 1 } } }, null, 2)],
    ['an array', '[1,2]'],
    ['a head but no tail', `${SHARD_HEAD}\n"a":1`],
    ['a line that is not a record', `${SHARD_HEAD}\n"a":1\n,nonsense${SHARD_TAIL}`],
    ['an id without a value', `${SHARD_HEAD}\n"a":${SHARD_TAIL}`],
    ['an unterminated id', `${SHARD_HEAD}\n"a:1${SHARD_TAIL}`],
    ['an empty line', `${SHARD_HEAD}\n${SHARD_TAIL}x`],
    ['a blank record line', `${SHARD_HEAD}\n\n${SHARD_TAIL}`],
    ['an id with a bad escape', `${SHARD_HEAD}\n"a\\q":1${SHARD_TAIL}`],
    ['a head alone', SHARD_HEAD],
  ])('leave another layout to the whole-file reader: %s', (_name, text) => {
    expect(readShard(text)).toBeNull();
  });
});

describe('journal lines', () => {
  it('carry puts and deletes of any id and value', () => {
    for (const [id, v] of HOSTILE) {
      const put = journalPut('things', id, JSON.stringify(v));
      expect(put.endsWith('\n')).toBe(true);
      expect(put.slice(0, -1)).not.toContain('\n');
      expect(JSON.parse(put)).toEqual({ c: 'things', i: id, v });
      const read = readJournalLine(put.slice(0, -1));
      expect(read?.collection).toBe('things');
      expect(read?.id).toBe(id);
      expect(JSON.parse(read!.text!)).toEqual(v);
      expect(readJournalLine(journalDelete('things', id).slice(0, -1))).toEqual({ collection: 'things', id });
    }
  });

  it('accept the same fields in another order (lines of older versions)', () => {
    expect(readJournalLine('{"v":{"n":1},"i":"a","c":"things"}')).toEqual({
      collection: 'things',
      id: 'a',
      text: '{"n":1}',
    });
    expect(readJournalLine('{"d":1,"c":"things","i":"a"}')).toEqual({ collection: 'things', id: 'a' });
  });

  it.each([
    ['torn mid-value', '{"c":"things","i":"a","v":{"n"'],
    ['torn mid-id', '{"c":"things","i":"a'],
    ['value garbled by a crash', '{"c":"things","i":"a","v":{"n":\u0000\u0000}'],
    ['zeros', '\u0000\u0000\u0000\u0000'],
    ['not an object', '[1]'],
    ['no id', '{"c":"things","v":1}'],
    ['id not a string', '{"c":"things","i":7,"v":1}'],
    ['a put without a value', '{"c":"things","i":"a"}'],
  ])('refuse a line that is not a whole change: %s', (_name, line) => {
    expect(readJournalLine(line)).toBeNull();
  });
});
