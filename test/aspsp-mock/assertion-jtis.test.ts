import { describe, expect, it } from 'vitest';
import type { BankContext } from '../../aspsp-mock/context.js';
import { BANK_COLLECTIONS, type JtiRecord } from '../../aspsp-mock/model.js';
import { MAX_CLOCK_SKEW_SECONDS, MAX_REQUEST_LIFETIME_SECONDS } from '../../aspsp-mock/profile/switches.js';
import { purgeExpired } from '../../aspsp-mock/purge-expired.js';
import { JTI_HORIZON_SECONDS } from '../../aspsp-mock/register/replay.js';
import {
  MAX_LIVE_ASSERTIONS_PER_CLIENT,
  rememberAssertionJti,
} from '../../aspsp-mock/token/remember-assertion-jti.js';
import type { HttpError } from '../../lib/errors.js';
import { silentLogger } from '../../lib/logger.js';
import { MemoryStore } from '../../lib/store/index.js';

/**
 * The bank's record of client-assertion jtis (audit s8 F2): bounded in count per client, in
 * time by the assertion's lifetime, and old unbounded records purged.
 */
const T0 = 1_800_000_000;
const SKEW = 30;

function bank(store = new MemoryStore(Object.values(BANK_COLLECTIONS))) {
  let now = T0;
  const ctx = {
    id: 'bank',
    store,
    logger: silentLogger,
    settings: { clockSkewSeconds: SKEW },
    now: () => new Date(now * 1000),
  } as unknown as BankContext;
  return {
    ctx,
    store,
    at: (t: number) => {
      now = t;
    },
  };
}
const put = (store: MemoryStore, key: string, expiresAt: number) =>
  store.put<JtiRecord>(BANK_COLLECTIONS.jtis, key, { key, expiresAt });

function refusal(fn: () => unknown): { status: number; code: string; message: string } | undefined {
  try {
    fn();
    return undefined;
  } catch (err) {
    const e = err as HttpError;
    return { status: e.status, code: e.code, message: e.message };
  }
}

describe('rememberAssertionJti: at most MAX_LIVE_ASSERTIONS_PER_CLIENT unexpired per client', () => {
  it('refuses the next one at the cap (401 invalid_client), other clients unaffected, accepts again once some expire', async () => {
    const { ctx, store, at } = bank();
    const writes: Promise<void>[] = [];
    for (let i = 0; i < MAX_LIVE_ASSERTIONS_PER_CLIENT; i++)
      writes.push(rememberAssertionJti(ctx, 'c1', `j${i}`, T0 + (i < 10 ? 60 : 3000)));
    await Promise.all(writes);
    expect(refusal(() => rememberAssertionJti(ctx, 'c1', 'one-more', T0 + 300))).toEqual({
      status: 401,
      code: 'invalid_client',
      message: `the client has ${MAX_LIVE_ASSERTIONS_PER_CLIENT} unexpired client assertions on record; use fewer or shorter-lived ones`,
    });
    expect(store.get(BANK_COLLECTIONS.jtis, 'assertion:c1:one-more')).toBeUndefined();
    await rememberAssertionJti(ctx, 'c2', 'j0', T0 + 300);
    // a replay is still a replay, whatever the count
    expect(refusal(() => rememberAssertionJti(ctx, 'c2', 'j0', T0 + 300))?.message).toBe(
      'client_assertion jti has already been used',
    );
    // ten of c1's expire (exp 60 + skew): ten more fit, not eleven
    at(T0 + 60 + SKEW + 1);
    for (let i = 0; i < 10; i++) await rememberAssertionJti(ctx, 'c1', `later${i}`, T0 + 400);
    expect(refusal(() => rememberAssertionJti(ctx, 'c1', 'later10', T0 + 400))?.code).toBe('invalid_client');
  });

  it('counts what is on record after a restart (a new process, the same store), but not records beyond the horizon', async () => {
    const store = new MemoryStore(Object.values(BANK_COLLECTIONS));
    for (let i = 0; i < MAX_LIVE_ASSERTIONS_PER_CLIENT - 1; i++)
      await put(store, `assertion:c1:j${i}`, T0 + 600);
    // left by an older version: expiring in the year 3000
    for (let i = 0; i < 5; i++) await put(store, `assertion:c1:old${i}`, 32503680000);
    const { ctx } = bank(store);
    await rememberAssertionJti(ctx, 'c1', 'last', T0 + 300);
    expect(refusal(() => rememberAssertionJti(ctx, 'c1', 'too-many', T0 + 300))?.code).toBe('invalid_client');
  });
});

describe('purgeExpired: jti records further ahead than any accepted JWT are expirable', () => {
  it('deletes the expired and the absurdly far ones, keeps every record a JWT the bank accepts can make', async () => {
    expect(JTI_HORIZON_SECONDS).toBe(MAX_REQUEST_LIFETIME_SECONDS + 2 * MAX_CLOCK_SKEW_SECONDS);
    const { ctx, store } = bank();
    const records: [string, number, boolean][] = [
      ['assertion:c1:expired', T0 - 1, false],
      ['assertion:c1:live', T0 + 3600 + 2 * SKEW, true],
      ['assertion:c1:year-3000', 32503680000, false],
      ['register:30-day-request', T0 + MAX_REQUEST_LIFETIME_SECONDS + SKEW, true],
      ['register:at-the-horizon', T0 + JTI_HORIZON_SECONDS, true],
      ['register:beyond-the-horizon', T0 + JTI_HORIZON_SECONDS + 1, false],
    ];
    for (const [key, expiresAt] of records) await put(store, key, expiresAt);
    expect(await purgeExpired(ctx)).toBe(records.filter(([, , kept]) => !kept).length);
    for (const [key, , kept] of records)
      expect(store.get(BANK_COLLECTIONS.jtis, key) !== undefined, key).toBe(kept);
  });
});
