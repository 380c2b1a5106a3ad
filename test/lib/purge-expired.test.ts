import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { BankContext } from '../../aspsp-mock/context.js';
import { BANK_COLLECTIONS, bankCollections, type JtiRecord } from '../../aspsp-mock/model.js';
import { purgeExpired, schedulePurge } from '../../aspsp-mock/purge-expired.js';
import { silentLogger } from '../../lib/logger.js';
import { FileStore } from '../../lib/store/index.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

const NOW = 1_800_000_000;

describe('purgeExpired over a large store', () => {
  it('deletes every expired record across many batches, keeps live ones and ones renewed during the purge', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'obmock-purge-'));
    dirs.push(dir);
    const store = await FileStore.open(dir, { collections: bankCollections() });
    const ctx = {
      id: 'bank',
      store,
      logger: silentLogger,
      now: () => new Date(NOW * 1000),
    } as unknown as BankContext;
    const jti = (key: string, expiresAt: number): JtiRecord => ({ key, expiresAt });
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 9_000; i++) {
      const key = `register:${i}`;
      writes.push(store.put(BANK_COLLECTIONS.jtis, key, jti(key, i % 3 === 0 ? NOW + 60 : NOW - 1)));
    }
    await Promise.all(writes);
    const purge = purgeExpired(ctx);
    // While the purge runs (it yields between batches), expired records are renewed.
    const renewed = Array.from({ length: 50 }, (_, n) => `register:${n * 60 + 1}`);
    await Promise.all(renewed.map((key) => store.put(BANK_COLLECTIONS.jtis, key, jti(key, NOW + 600))));
    const deleted = await purge;
    const left = new Map(store.entries<JtiRecord>(BANK_COLLECTIONS.jtis));
    for (const [key, record] of left) expect(record.expiresAt, key).toBeGreaterThanOrEqual(NOW);
    for (let i = 0; i < 9_000; i += 3) expect(left.has(`register:${i}`)).toBe(true);
    for (const key of renewed) expect(left.get(key)?.expiresAt).toBe(NOW + 600);
    expect(left.size + deleted).toBe(9_000);
    await store.close();
    const reopened = await FileStore.open(dir, { collections: bankCollections() });
    expect(reopened.count(BANK_COLLECTIONS.jtis)).toBe(left.size);
    await reopened.close();
  });

  it('a store closed during a purge: the purge stops with the error (never an unhandled rejection), and a stopped schedule waits for its purge', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'obmock-purge-'));
    dirs.push(dir);
    const store = await FileStore.open(dir, { collections: bankCollections() });
    const warnings: string[] = [];
    const ctx = {
      id: 'bank',
      store,
      logger: { ...silentLogger, warn: (msg: string) => warnings.push(msg) },
      now: () => new Date(NOW * 1000),
    } as unknown as BankContext;
    const writes: Promise<void>[] = [];
    for (let i = 0; i < 9_000; i++)
      writes.push(
        store.put(BANK_COLLECTIONS.jtis, `register:${i}`, { key: `register:${i}`, expiresAt: NOW - 1 }),
      );
    await Promise.all(writes);
    const unhandled: unknown[] = [];
    const onUnhandled = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', onUnhandled);
    try {
      const purge = purgeExpired(ctx).then(
        () => undefined,
        (err: unknown) => err,
      );
      await store.close();
      expect(String(await purge)).toContain('store is closed');
      await new Promise((r) => setTimeout(r, 50));
      expect(unhandled.map((e) => (e as Error).stack)).toEqual([]);
    } finally {
      process.off('unhandledRejection', onUnhandled);
    }
    const reopened = await FileStore.open(dir, { collections: bankCollections() });
    const scheduledCtx = { ...ctx, store: reopened } as BankContext;
    const stop = schedulePurge(scheduledCtx, 10);
    await new Promise((r) => setTimeout(r, 30));
    await stop();
    // the schedule is stopped and no purge is under way: closing now cannot fail a purge
    await reopened.close();
    await new Promise((r) => setTimeout(r, 50));
    expect(warnings).toEqual([]);
    expect(reopened.count(BANK_COLLECTIONS.jtis)).toBeLessThanOrEqual(9_000);
  });
});
