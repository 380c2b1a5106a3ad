import { describe, expect, it } from 'vitest';
import { JournalBatch } from '../../lib/store/journal-batch.js';
import { RecordArena } from '../../lib/store/record-arena.js';
import { journalDelete, journalPut, readJournalLine } from '../../lib/store/record-lines.js';

/** Ids and values a journal line must carry through unchanged. */
const HOSTILE: Array<[string, unknown]> = [
  ['plain', { n: 1 }],
  ['with "quotes":', { s: 'a "quoted": value' }],
  ['back\\slash\\', { s: 'C:\\dir\\' }],
  ['line\nbreak\r\n', { s: 'two\nlines\r\nand\u2028separators\u2029' }],
  ['unicode é 中文 😀 \u0000', { s: '\u0000\u001f', emoji: '😀', lone: '\ud800' }],
  ['lone \udc00 surrogate', 'x'],
  ['', 'empty id'],
  ['null', null],
  [',"i":"fake","v":', { s: ',"d":1}' }],
];

describe('JournalBatch', () => {
  it('writes the bytes of journalPut and journalDelete, with the record bytes taken from the arena', () => {
    const arena = new RecordArena();
    const batch = new JournalBatch();
    let expected = '';
    for (const [id, v] of HOSTILE) {
      const text = JSON.stringify(v);
      batch.put('things', id, arena, arena.add(text));
      batch.delete('other-things', id);
      expected += journalPut('things', id, text) + journalDelete('other-things', id);
    }
    expect(batch.count).toBe(2 * HOSTILE.length);
    expect(batch.bytes().equals(Buffer.from(expected, 'utf8'))).toBe(true);
    // and each line reads back as the change it records
    const lines = batch.bytes().toString('utf8').split('\n').slice(0, -1);
    HOSTILE.forEach(([id, v], n) => {
      expect(readJournalLine(lines[2 * n])).toEqual({ collection: 'things', id, text: JSON.stringify(v) });
      expect(readJournalLine(lines[2 * n + 1])).toEqual({ collection: 'other-things', id });
    });
  });

  it('takes the record as it is when put, whatever the arena holds later', () => {
    const arena = new RecordArena();
    const batch = new JournalBatch();
    const slot = arena.add('{"v":1}');
    batch.put('things', 'a', arena, slot);
    arena.replace(slot, '{"v":2,"longer":true}');
    batch.put('things', 'a', arena, slot);
    expect(batch.bytes().toString('utf8')).toBe(
      `${journalPut('things', 'a', '{"v":1}')}${journalPut('things', 'a', '{"v":2,"longer":true}')}`,
    );
  });

  it('grows for a large batch and gives the memory back once cleared', () => {
    const arena = new RecordArena();
    const batch = new JournalBatch();
    const initial = batch.capacity();
    const big = JSON.stringify({ pad: 'x'.repeat(600 * 1024) });
    const slot = arena.add(big);
    for (let i = 0; i < 4; i++) batch.put('things', `id${i}`, arena, slot);
    expect(batch.bytes().length).toBeGreaterThan(4 * big.length);
    expect(batch.capacity()).toBeGreaterThan(1024 * 1024);
    batch.clear();
    expect(batch.count).toBe(0);
    expect(batch.bytes().length).toBe(0);
    expect(batch.capacity()).toBe(initial);
    // reused after clear: only the new change
    batch.delete('things', 'id0');
    expect(batch.bytes().toString('utf8')).toBe(journalDelete('things', 'id0'));
  });
});
