import { describe, expect, it } from 'vitest';
import { BANK_COLLECTIONS, type ClientRecord } from '../../aspsp-mock/model.js';
import { clientOfSoftware, noteClient } from '../../aspsp-mock/register/client-by-software.js';
import { MemoryStore } from '../../lib/store/memory-store.js';
import { eventLoopTurns, SlowStore } from '../helpers/slow-store.js';

const client = (client_id: string, software_id: string): ClientRecord =>
  ({
    client_id,
    software_id,
    org_id: 'org',
    client_id_issued_at: 0,
    metadata: {},
    ssaClaims: {},
    createdAt: '2026-01-01T00:00:00.000Z',
    updatedAt: '2026-01-01T00:00:00.000Z',
  }) as unknown as ClientRecord;

async function put(store: MemoryStore, c: ClientRecord): Promise<void> {
  noteClient(store, c);
  await store.put(BANK_COLLECTIONS.clients, c.client_id, c);
}

describe('clientOfSoftware: the client registered for a software_id, without reading every client', () => {
  it('finds clients stored before the index was built and after', async () => {
    const store = new MemoryStore(Object.values(BANK_COLLECTIONS));
    await put(store, client('c1', 'sw-a'));
    expect((await clientOfSoftware(store, 'sw-a'))?.client_id).toBe('c1');
    expect(await clientOfSoftware(store, 'sw-b')).toBeUndefined();
    await put(store, client('c2', 'sw-b'));
    expect((await clientOfSoftware(store, 'sw-b'))?.client_id).toBe('c2');
  });

  it('forgets a deleted client and follows a client whose software changed', async () => {
    const store = new MemoryStore(Object.values(BANK_COLLECTIONS));
    await put(store, client('c1', 'sw-a'));
    await put(store, client('c2', 'sw-a'));
    expect((await clientOfSoftware(store, 'sw-a'))?.client_id).toBe('c1');
    await store.delete(BANK_COLLECTIONS.clients, 'c1');
    expect((await clientOfSoftware(store, 'sw-a'))?.client_id).toBe('c2');
    await put(store, client('c2', 'sw-z'));
    expect(await clientOfSoftware(store, 'sw-a')).toBeUndefined();
    expect((await clientOfSoftware(store, 'sw-z'))?.client_id).toBe('c2');
  });

  it('keeps the indexes of two stores apart', async () => {
    const one = new MemoryStore(Object.values(BANK_COLLECTIONS));
    const two = new MemoryStore(Object.values(BANK_COLLECTIONS));
    await put(one, client('c1', 'sw-a'));
    expect((await clientOfSoftware(one, 'sw-a'))?.client_id).toBe('c1');
    expect(await clientOfSoftware(two, 'sw-a')).toBeUndefined();
  });

  it('is built without holding the event loop: 4,000 clients on file are read over several turns', async () => {
    const clock = eventLoopTurns();
    const store = new SlowStore(clock);
    for (let i = 0; i < 4_000; i++)
      await store.put(BANK_COLLECTIONS.clients, `c${i}`, client(`c${i}`, `sw-${i}`));
    expect((await clientOfSoftware(store, 'sw-3999'))?.client_id).toBe('c3999');
    clock.stop();
    expect(store.readTurns.size).toBeGreaterThan(3);
  });
});
