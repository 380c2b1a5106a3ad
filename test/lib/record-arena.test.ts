import { describe, expect, it } from 'vitest';
import { RecordArena } from '../../lib/store/record-arena.js';

/** Record texts an arena must give back byte for byte. */
const HOSTILE = [
  '{"n":1}',
  JSON.stringify({ s: 'a "quoted": value \\ back\\slash' }),
  JSON.stringify({ s: 'two\nlines\r\nand\u2028separators\u2029', z: '\u0000\u001f' }),
  JSON.stringify({ s: 'unicode é ß 中文 😀', lone: '\ud800' }), // a lone surrogate: JSON.stringify escapes it
  '"é"',
  '42',
  'null',
  JSON.stringify('x'.repeat(3 * 1024 * 1024)), // larger than a quarter chunk: a chunk of its own
];

/** Runs a reclaim to its end; returns the number of steps it took. */
function reclaimAll(arena: RecordArena): number {
  let steps = 0;
  for (const _ of arena.reclaim()) steps++;
  return steps;
}

function kib(i: number): string {
  return JSON.stringify({ i, pad: `${i}`.padEnd(1000, '.') });
}

describe('RecordArena', () => {
  it('gives back every text it was given, including non-ASCII and large ones, after replace and delete', () => {
    const arena = new RecordArena();
    const slots = HOSTILE.map((t) => arena.add(t));
    HOSTILE.forEach((t, n) => {
      expect(arena.text(slots[n])).toBe(t);
      expect(arena.byteLength(slots[n])).toBe(Buffer.byteLength(t));
    });
    arena.replace(slots[0], HOSTILE[3]);
    arena.replace(slots[7], '{"small":true}'); // the large record's own chunk is dropped
    arena.delete(slots[1]);
    expect(arena.text(slots[0])).toBe(HOSTILE[3]);
    expect(arena.text(slots[7])).toBe('{"small":true}');
    const live = HOSTILE.slice(2, 7).reduce((n, t) => n + Buffer.byteLength(t), 0);
    expect(arena.stats()).toMatchObject({
      records: HOSTILE.length - 1,
      liveBytes: live + Buffer.byteLength(HOSTILE[3]) + 14,
      chunks: 1,
    });
    expect(arena.add('"reuses a freed slot"')).toBe(slots[1]);
  });

  it('appends to large chunks: what it holds is the live bytes and at most one chunk not yet filled', () => {
    const arena = new RecordArena();
    for (let i = 0; i < 10_000; i++) arena.add(kib(i));
    const stats = arena.stats();
    expect(stats.liveBytes).toBe(
      Array.from({ length: 10_000 }, (_, i) => kib(i).length).reduce((a, b) => a + b),
    );
    expect(stats.chunks).toBe(2);
    expect(stats.heldBytes).toBe(2 * 8 * 1024 * 1024);
  });

  it('reads records in place from an adopted buffer (a shard file read at start)', () => {
    const arena = new RecordArena();
    const file = Buffer.from('xx{"a":"é"}yy[1,2]zz', 'utf8');
    const chunk = arena.adopt(file);
    const a = arena.place(chunk, 2, 2 + Buffer.byteLength('{"a":"é"}'));
    const b = arena.place(chunk, file.indexOf('['), file.indexOf(']') + 1);
    expect(arena.text(a)).toBe('{"a":"é"}');
    expect(arena.text(b)).toBe('[1,2]');
    expect(arena.stats().heldBytes).toBe(file.length);
    arena.delete(a);
    arena.delete(b);
    expect(arena.stats()).toMatchObject({ records: 0, liveBytes: 0, heldBytes: 0, chunks: 0 }); // dropped once empty
  });

  it('reclaims the space of replaced and deleted records in bounded steps, keeping every live record', () => {
    const arena = new RecordArena();
    const slots: number[] = [];
    for (let i = 0; i < 40_000; i++) slots.push(arena.add(kib(i)));
    expect(arena.needsReclaim()).toBe(false);
    for (let i = 0; i < 40_000; i++) if (i % 4 !== 0) arena.delete(slots[i]);
    expect(arena.needsReclaim()).toBe(true);
    const heldBefore = arena.stats().heldBytes;
    const steps = reclaimAll(arena);
    expect(steps).toBeGreaterThan(1); // sliced: at most a MiB copied per step
    const after = arena.stats();
    expect(after.records).toBe(10_000);
    expect(after.heldBytes).toBeLessThan(heldBefore / 2);
    expect(after.heldBytes).toBeLessThanOrEqual((after.liveBytes * 4) / 3 + 16 * 1024 * 1024);
    expect(arena.needsReclaim()).toBe(false);
    for (let i = 0; i < 40_000; i += 4) expect(arena.text(slots[i])).toBe(kib(i));
  });

  it('stays consistent when records change between the steps of a reclaim', () => {
    const arena = new RecordArena();
    const slots: number[] = [];
    const want = new Map<number, string>();
    for (let i = 0; i < 40_000; i++) {
      slots.push(arena.add(kib(i)));
      want.set(slots[i], kib(i));
    }
    for (let i = 0; i < 40_000; i++)
      if (i % 4 !== 0) {
        arena.delete(slots[i]);
        want.delete(slots[i]);
      }
    let n = 0;
    for (const _ of arena.reclaim(2_000)) {
      n++;
      const victim = slots[(n * 4 * 37) % 40_000];
      if (want.has(victim)) {
        arena.delete(victim);
        want.delete(victim);
      }
      const replaced = slots[(n * 4 * 53 + 4) % 40_000];
      if (want.has(replaced)) {
        arena.replace(replaced, `{"replaced":${n}}`);
        want.set(replaced, `{"replaced":${n}}`);
      }
      const added = arena.add(`"added ${n} é"`);
      want.set(added, `"added ${n} é"`);
    }
    expect(n).toBeGreaterThan(5);
    expect(arena.stats().records).toBe(want.size);
    for (const [slot, text] of want) expect(arena.text(slot)).toBe(text);
  });

  it('never overwrites bytes: a view taken before a replace and a reclaim still reads the old record', () => {
    const arena = new RecordArena();
    const slots: number[] = [];
    for (let i = 0; i < 40_000; i++) slots.push(arena.add(kib(i)));
    const view = arena.bytes(slots[1]);
    arena.replace(slots[1], '"new"');
    for (let i = 2; i < 40_000; i++) arena.delete(slots[i]);
    reclaimAll(arena);
    for (let i = 0; i < 10_000; i++) arena.add(kib(-i));
    expect(view.toString('utf8')).toBe(kib(1));
    expect(arena.text(slots[1])).toBe('"new"');
    expect(arena.text(slots[0])).toBe(kib(0));
  });
});
