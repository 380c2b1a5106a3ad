import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FileStore, MemoryStore, UnknownCollection } from '../../lib/store/index.js';
import { tempDir } from '../helpers/temp-dir.js';

describe('FileStore', () => {
  it('makes a put durable before resolving: a reopened store reads it back', async () => {
    const dir = tempDir('obmock-store-');
    const store = await FileStore.open(dir, { collections: { things: 4 } });
    await store.put('things', 'a', { n: 1 });
    await store.put('things', 'b', { n: 2 });
    await store.delete('things', 'a');
    const reopened = await FileStore.open(dir, { collections: { things: 4 } });
    expect(reopened.get('things', 'a')).toBeUndefined();
    expect(reopened.get('things', 'b')).toEqual({ n: 2 });
    expect(reopened.list('things')).toEqual([{ n: 2 }]);
  });

  it('group-commits: 500 concurrent puts share far fewer commits, all durable', async () => {
    const dir = tempDir('obmock-store-');
    const store = await FileStore.open(dir, { collections: { things: 8 } });
    await Promise.all(Array.from({ length: 500 }, (_, i) => store.put('things', `id${i}`, { i })));
    expect(store.stats.changes).toBe(500);
    expect(store.stats.commits).toBeLessThan(10);
    expect(store.stats.fileWrites).toBe(store.stats.commits); // one journal append per commit
    const reopened = await FileStore.open(dir, { collections: { things: 8 } });
    expect(reopened.list('things')).toHaveLength(500);
  });

  it('writes shard files atomically with mode 0600 and leaves no temp files', async () => {
    const dir = tempDir('obmock-store-');
    const store = await FileStore.open(dir, { collections: { things: 2 } });
    await Promise.all(Array.from({ length: 50 }, (_, i) => store.put('things', `k${i}`, { i })));
    await store.close(); // close writes the shards and empties the journal
    expect(readFileSync(join(dir, 'journal.jsonl'), 'utf8')).toBe('');
    expect(statSync(join(dir, 'journal.jsonl')).mode & 0o777).toBe(0o600);
    const files = readdirSync(join(dir, 'things'));
    expect(files.sort()).toEqual(['0.json', '1.json']);
    for (const f of files) {
      expect(statSync(join(dir, 'things', f)).mode & 0o777).toBe(0o600);
      expect(() => JSON.parse(readFileSync(join(dir, 'things', f), 'utf8'))).not.toThrow();
    }
  });

  it('rejects unknown collections and corrupt shard files', async () => {
    const dir = tempDir('obmock-store-');
    const store = await FileStore.open(dir, { collections: { things: 1 } });
    expect(() => store.get('nope', 'x')).toThrow(UnknownCollection);
    await store.close();
    await expect(store.put('things', 'x', 1)).rejects.toThrow('store is closed');
    const { writeFileSync } = await import('node:fs');
    writeFileSync(join(dir, 'things', '0.json'), '[1,2]');
    await expect(FileStore.open(dir, { collections: { things: 1 } })).rejects.toThrow('is not a store shard');
  });

  it('replays the journal after a crash (no close), ignoring a torn last line', async () => {
    const dir = tempDir('obmock-store-');
    const store = await FileStore.open(dir, { collections: { things: 4 } });
    await store.put('things', 'a', { v: 1 });
    await store.put('things', 'b', { v: 2 });
    await store.delete('things', 'a');
    // a crash in the middle of the next append leaves half a line behind
    const { appendFileSync } = await import('node:fs');
    appendFileSync(join(dir, 'journal.jsonl'), '{"c":"things","i":"c","v":{"v"');
    const reopened = await FileStore.open(dir, { collections: { things: 4 } });
    expect(reopened.get('things', 'a')).toBeUndefined();
    expect(reopened.get('things', 'b')).toEqual({ v: 2 });
    expect(reopened.get('things', 'c')).toBeUndefined();
  });

  it('compacts when the journal passes compactBytes: shards written, journal emptied, data intact', async () => {
    const dir = tempDir('obmock-store-');
    const store = await FileStore.open(dir, { collections: { things: 2 }, compactBytes: 2_000 });
    for (let i = 0; i < 40; i++) await store.put('things', `k${i}`, { i, pad: 'x'.repeat(50) });
    await store.settled();
    expect(store.stats.compactions).toBeGreaterThan(0);
    expect(readFileSync(join(dir, 'journal.jsonl'), 'utf8').length).toBeLessThan(2_100);
    expect(readdirSync(join(dir, 'things')).sort()).toEqual(['0.json', '1.json']);
    const reopened = await FileStore.open(dir, { collections: { things: 2 } });
    expect(reopened.list('things')).toHaveLength(40);
  });

  it('cuts a torn journal tail at start, so the next acknowledged write survives the following restart (finding 9)', async () => {
    const dir = tempDir('obmock-store-');
    const store = await FileStore.open(dir, { collections: { things: 4 } });
    await store.put('things', 'a', { v: 1 });
    const { appendFileSync } = await import('node:fs');
    appendFileSync(join(dir, 'journal.jsonl'), '{"c":"things","i":"torn","v":{"v"');
    const second = await FileStore.open(dir, { collections: { things: 4 } });
    expect(readFileSync(join(dir, 'journal.jsonl'), 'utf8').endsWith('\n')).toBe(true);
    await second.put('things', 'd', { v: 4 }); // acknowledged
    const third = await FileStore.open(dir, { collections: { things: 4 } });
    expect(third.get('things', 'd')).toEqual({ v: 4 });
    expect(third.get('things', 'a')).toEqual({ v: 1 });
    expect(third.get('things', 'torn')).toBeUndefined();
    for (const line of readFileSync(join(dir, 'journal.jsonl'), 'utf8').split('\n').filter(Boolean))
      expect(() => JSON.parse(line)).not.toThrow();
  });

  it('a crash mid-compaction loses nothing: the set-aside journal is replayed first, then the current one', async () => {
    const dir = tempDir('obmock-store-');
    const store = await FileStore.open(dir, { collections: { things: 2 } });
    await store.put('things', 'old', { v: 0 });
    await store.close(); // shards hold 'old'
    const { writeFileSync, existsSync } = await import('node:fs');
    const line = (o: unknown) => `${JSON.stringify(o)}\n`;
    // What a kill during a compaction leaves: the set-aside journal, and the new one with later changes.
    writeFileSync(
      join(dir, 'journal.compacting.jsonl'),
      line({ c: 'things', i: 'a', v: { v: 1 } }) + line({ c: 'things', i: 'b', v: { v: 1 } }),
    );
    writeFileSync(
      join(dir, 'journal.jsonl'),
      line({ c: 'things', i: 'a', v: { v: 2 } }) + line({ c: 'things', i: 'old', d: 1 }),
    );
    const reopened = await FileStore.open(dir, { collections: { things: 2 } });
    expect(reopened.get('things', 'a')).toEqual({ v: 2 });
    expect(reopened.get('things', 'b')).toEqual({ v: 1 });
    expect(reopened.get('things', 'old')).toBeUndefined();
    expect(existsSync(join(dir, 'journal.compacting.jsonl'))).toBe(false);
    await reopened.put('things', 'c', { v: 3 });
    const again = await FileStore.open(dir, { collections: { things: 2 } });
    expect(again.list('things')).toHaveLength(3);
  });

  it('keeps acknowledging writes while it compacts in the background (finding 6)', async () => {
    const dir = tempDir('obmock-store-');
    const store = await FileStore.open(dir, { collections: { things: 4 }, compactBytes: 64 * 1024 });
    const pad = 'p'.repeat(1000);
    for (let round = 0; round < 5; round++)
      await Promise.all(
        Array.from({ length: 500 }, (_, i) => store.put('things', `k${round}-${i}`, { i, pad })),
      );
    await store.settled();
    expect(store.stats.compactions).toBeGreaterThan(0);
    const reopened = await FileStore.open(dir, { collections: { things: 4 } });
    expect(reopened.count('things')).toBe(2500);
  });

  it('reopens to exactly the content it held, after concurrent writes and deletes across background compactions', async () => {
    const dir = tempDir('obmock-store-');
    const store = await FileStore.open(dir, {
      collections: { things: 4, other: 2 },
      compactBytes: 16 * 1024,
    });
    const expected = new Map<string, unknown>();
    let seed = 7;
    const rand = (n: number) => {
      seed = (seed * 1103515245 + 12345) % 2 ** 31;
      return seed % n;
    };
    for (let round = 0; round < 30; round++) {
      const writes: Promise<void>[] = [];
      for (let k = 0; k < 100; k++) {
        const id = `k${rand(400)}`;
        if (rand(4) === 0) {
          expected.delete(id);
          writes.push(store.delete('things', id));
        } else {
          const value = { round, k, pad: 'p'.repeat(rand(300)), nested: { id, list: [round, k] } };
          expected.set(id, value);
          writes.push(store.put('things', id, value));
        }
      }
      await Promise.all(writes); // rounds overlap the compactions they trigger
      // halfway, let a running compaction end, so the later rounds start another one however
      // slowly this machine runs it (one slow compaction could otherwise span every round)
      if (round === 14) await store.settled();
    }
    await store.put('other', 'x', 'a string value');
    expect(store.stats.compactions).toBeGreaterThan(1);
    const contents = (s: FileStore) => new Map(s.entries('things'));
    expect(contents(store)).toEqual(expected);
    // as after a kill: the journal(s) are replayed over whatever the shards hold
    const crashed = await FileStore.open(dir, { collections: { things: 4, other: 2 } });
    expect(contents(crashed)).toEqual(expected);
    expect(crashed.get('other', 'x')).toBe('a string value');
    await store.settled();
    await crashed.close();
    const reopened = await FileStore.open(dir, { collections: { things: 4, other: 2 } });
    expect(contents(reopened)).toEqual(expected);
    expect(reopened.count('things')).toBe(expected.size);
    expect(readFileSync(join(dir, 'journal.jsonl'), 'utf8')).toBe('');
  });

  it('writes shards one record a line in lowdb format, and reads shards lowdb wrote (rewriting them at close)', async () => {
    const dir = tempDir('obmock-store-');
    const { JSONFile } = await import('lowdb/node');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(dir, 'things'), { recursive: true });
    const lowdbRecords = { a: { v: 1, s: 'line\nbreak' }, 'b "q"': [1, 2] };
    await new JSONFile(join(dir, 'things', '0.json')).write({ records: lowdbRecords });
    const store = await FileStore.open(dir, { collections: { things: 1 } });
    expect(store.get('things', 'a')).toEqual(lowdbRecords.a);
    expect(store.get('things', 'b "q"')).toEqual([1, 2]);
    await store.put('things', 'c', { v: 3 });
    await store.close();
    const text = readFileSync(join(dir, 'things', '0.json'), 'utf8');
    expect(JSON.parse(text)).toEqual({ records: { ...lowdbRecords, c: { v: 3 } } });
    expect(text.split('\n')).toHaveLength(5); // head, three records, tail
    const reopened = await FileStore.open(dir, { collections: { things: 1 } });
    expect(Object.fromEntries(reopened.entries('things'))).toEqual({ ...lowdbRecords, c: { v: 3 } });
  });

  it('gives each reader its own copy, and refuses values that are not JSON', async () => {
    const dir = tempDir('obmock-store-');
    const store = await FileStore.open(dir, { collections: { things: 1 } });
    const value = { list: [1] };
    await store.put('things', 'a', value);
    value.list.push(2); // a caller changing its object after the put
    const read = store.get<{ list: number[] }>('things', 'a')!;
    read.list.push(3);
    expect(store.get('things', 'a')).toEqual({ list: [1] });
    await expect(store.put('things', 'u', undefined)).rejects.toThrow(TypeError);
    await expect(store.put('things', 'f', () => 1)).rejects.toThrow(TypeError);
    expect(store.get('things', 'u')).toBeUndefined();
    await store.close();
    const reopened = await FileStore.open(dir, { collections: { things: 1 } });
    expect(reopened.list('things')).toEqual([{ list: [1] }]);
  });

  it('reads back text that is not ASCII, from the journal and from the shards', async () => {
    const dir = tempDir('obmock-store-');
    const store = await FileStore.open(dir, { collections: { things: 2 } });
    const values = { 'é-id': { s: 'café 😀 \u2028 ü' }, plain: { s: 'ascii only' } };
    for (const [id, v] of Object.entries(values)) await store.put('things', id, v);
    const replayed = await FileStore.open(dir, { collections: { things: 2 } }); // from the journal
    expect(Object.fromEntries(replayed.entries('things'))).toEqual(values);
    await store.close();
    const reopened = await FileStore.open(dir, { collections: { things: 2 } }); // from the shards
    expect(Object.fromEntries(reopened.entries('things'))).toEqual(values);
  });

  it('carries hostile ids and values, and records larger than an arena chunk, through the journal and the shards', async () => {
    const dir = tempDir('obmock-store-');
    const big = { s: 'é'.repeat(5 * 1024 * 1024) }; // 10 MiB of UTF-8: more than a chunk
    const values: Record<string, unknown> = {
      'with "quotes":': { s: 'a "quoted": value' },
      'back\\slash\\': { s: 'C:\\dir\\' },
      'line\nbreak\r\n\u2028': { s: 'two\nlines\u2029', z: '\u0000' },
      '': 'empty id',
      ',"c":"x","i":"fake","v":': { s: ',"d":1}' },
      'unicode é 😀': { lone: '\ud800', emoji: '😀' },
      big,
    };
    const store = await FileStore.open(dir, { collections: { things: 3 } });
    for (const [id, v] of Object.entries(values)) await store.put('things', id, v);
    await store.put('things', 'big', { ...big, again: true }); // the first big record's chunk is dropped
    const want = { ...values, big: { ...big, again: true } };
    const replayed = await FileStore.open(dir, { collections: { things: 3 } }); // from the journal
    expect(Object.fromEntries(replayed.entries('things'))).toEqual(want);
    await store.close();
    const reopened = await FileStore.open(dir, { collections: { things: 3 } }); // from the shards
    expect(Object.fromEntries(reopened.entries('things'))).toEqual(want);
    expect(reopened.memory().records).toBe(Object.keys(want).length);
    await reopened.delete('things', 'big');
    expect(reopened.memory().liveBytes).toBeLessThan(1024);
    await reopened.close();
  });

  it('flush waits for a commit in flight', async () => {
    const dir = tempDir('obmock-store-');
    const store = await FileStore.open(dir, { collections: { things: 1 } });
    void store.put('things', 'x', { v: 1 });
    await store.flush();
    const reopened = await FileStore.open(dir, { collections: { things: 1 } });
    expect(reopened.get('things', 'x')).toEqual({ v: 1 });
  });
});

describe('MemoryStore', () => {
  it('has the same semantics in memory', async () => {
    const store = new MemoryStore(['things']);
    await store.put('things', 'a', { n: 1 });
    expect(store.get('things', 'a')).toEqual({ n: 1 });
    expect(store.list('things')).toEqual([{ n: 1 }]);
    await store.delete('things', 'a');
    expect(store.get('things', 'a')).toBeUndefined();
    expect(() => store.list('other')).toThrow(UnknownCollection);
    await store.put('things', 'b', { n: 2 });
    expect([...store.entries('things')]).toEqual([['b', { n: 2 }]]);
  });
});
