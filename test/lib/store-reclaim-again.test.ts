import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { FileStore } from '../../lib/store/index.js';

// A reclaim that finishes in its first step (little live data to move) used to leave the store
// believing a reclaim was still running: none ran again, and `settled()` / `close()` — so a
// SIGTERM'd `obmock up` after a long run — spun for ever on the settled promise.

const dir = mkdtempSync(join(tmpdir(), 'obmock-reclaim-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const BIG = 'x'.repeat(300 * 1024);
let pins = 0;

/** 24 MiB of replaced records, with a small record kept live every 20 of them (each chunk keeps one). */
async function garbageRound(store: FileStore): Promise<void> {
  for (let i = 0; i < 80; i++) {
    await store.put('records', 'big', { i, BIG });
    if (i % 20 === 0) await store.put('records', `pin-${pins++}`, { pin: true });
  }
}

/** Gives the background reclaim turns of the event loop until the arena holds at most `limit`. */
async function heldAfterReclaim(store: FileStore, limit: number): Promise<number> {
  for (let i = 0; i < 300 && store.memory().heldBytes > limit; i++)
    await new Promise((r) => setTimeout(r, 10));
  return store.memory().heldBytes;
}

describe('FileStore: a reclaim done in one step', () => {
  it('runs again when garbage builds up again, and settled() and close() return', async () => {
    const store = await FileStore.open(dir, { collections: { records: 2 } });
    const limit = 20 * 1024 * 1024;
    await garbageRound(store);
    expect(await heldAfterReclaim(store, limit)).toBeLessThanOrEqual(limit);
    await garbageRound(store);
    expect(await heldAfterReclaim(store, limit)).toBeLessThanOrEqual(limit);
    await store.settled();
    await store.close();
    const reopened = await FileStore.open(dir, { collections: { records: 2 } });
    expect(reopened.get('records', 'big')).toEqual({ i: 79, BIG });
    expect(reopened.get('records', `pin-${pins - 1}`)).toEqual({ pin: true });
    await reopened.close();
  });
});
