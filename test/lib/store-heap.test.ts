import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { getHeapStatistics, setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { afterAll, describe, expect, it } from 'vitest';
import { FileStore } from '../../lib/store/index.js';

/**
 * Records written since start do not stay on the V8 heap: after a forced full
 * garbage collection, the heap holds per record its id and an index entry —
 * not its text — so it grows by a small fraction of the data written.
 */
setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

function heapAfterGc(): number {
  gc();
  gc();
  return getHeapStatistics().used_heap_size;
}

const RECORDS = 20_000;
/** A 3.5 KB record with distinct values, the size of a bank's client. */
function client(i: number): Record<string, unknown> {
  return {
    client_id: `client-${i}`,
    software_id: `software-${i}`,
    redirect_uris: [`https://tpp-${i}.example.com/cb`],
    jwks: { keys: [{ kty: 'RSA', kid: `kid-${i}`, n: `${i}`.padEnd(3300, 'n') }] },
  };
}

const dir = mkdtempSync(join(tmpdir(), 'obmock-heap-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('FileStore memory', () => {
  it('keeps the text of written records off the V8 heap: heap growth is a small fraction of the data written', async () => {
    const store = await FileStore.open(dir, { collections: { clients: 16 } });
    const before = heapAfterGc();
    let written = 0;
    for (let from = 0; from < RECORDS; from += 1_000) {
      const batch: Promise<void>[] = [];
      for (let i = from; i < from + 1_000; i++) {
        const value = client(i);
        written += JSON.stringify(value).length;
        batch.push(store.put('clients', `client-${i}`, value));
      }
      await Promise.all(batch);
    }
    await store.settled();
    const growth = heapAfterGc() - before;
    expect(written).toBeGreaterThan(RECORDS * 3_300);
    expect(store.memory().liveBytes).toBe(written);
    // Held as JS strings the text alone would add `written` bytes (70 MB); the id and index entry are ~100 bytes a record.
    expect(growth).toBeLessThan(written / 16);
    expect(store.get('clients', 'client-12345')).toEqual(client(12345));
    await store.close();
  });

  it('reopens with the same small heap: shard files become arena chunks, read in place', async () => {
    const before = heapAfterGc();
    const store = await FileStore.open(dir, { collections: { clients: 16 } });
    const growth = heapAfterGc() - before;
    expect(store.memory().records).toBe(RECORDS);
    expect(growth).toBeLessThan(store.memory().liveBytes / 16);
    expect(store.get('clients', `client-${RECORDS - 1}`)).toEqual(client(RECORDS - 1));
    await store.close();
  });

  it('reclaims the space of replaced records: what it holds follows the live data, not what was written', async () => {
    const store = await FileStore.open(dir, { collections: { clients: 16 } });
    for (let round = 0; round < 3; round++) {
      for (let from = 0; from < RECORDS; from += 1_000) {
        const batch: Promise<void>[] = [];
        for (let i = from; i < from + 1_000; i++)
          batch.push(store.put('clients', `client-${i}`, { ...client(i), round }));
        await Promise.all(batch);
      }
    }
    await store.settled();
    const { liveBytes, heldBytes } = store.memory();
    // Written: four times the live data; held: at most a third more than live, plus the chunks being filled.
    expect(heldBytes).toBeLessThanOrEqual((liveBytes * 4) / 3 + 24 * 1024 * 1024);
    expect(store.get('clients', 'client-777')).toEqual({ ...client(777), round: 2 });
    await store.close();
    const reopened = await FileStore.open(dir, { collections: { clients: 16 } });
    expect(reopened.get('clients', 'client-19999')).toEqual({ ...client(19999), round: 2 });
    await reopened.close();
  });
});
