import { setImmediate as yieldToEventLoop } from 'node:timers/promises';
import { type BankContext, nowSeconds } from './context.js';
import { BANK_COLLECTIONS, type JtiRecord, type TokenRecord } from './model.js';
import { JTI_HORIZON_SECONDS } from './register/replay.js';

/** Records examined between two yields to the event loop. */
const BATCH = 2_000;

/**
 * Deletes the access tokens and replay-protection jtis whose expiry has
 * passed, a batch at a time (yielding between batches), so the store holds
 * live data only. A jti is kept until its own expiry plus the clock-skew
 * allowance (as recorded), so a replay is still refused while the request could pass; a jti
 * whose expiry lies beyond {@link JTI_HORIZON_SECONDS} from now is deleted too (no JWT the
 * bank accepts can be that far from expiring: such a record was left by an older version that
 * kept a client's exp unbounded). Returns how many records were deleted.
 */
export async function purgeExpired(ctx: BankContext): Promise<number> {
  const now = nowSeconds(ctx);
  let deleted = 0;
  for (const collection of [BANK_COLLECTIONS.tokens, BANK_COLLECTIONS.jtis]) {
    const latest =
      collection === BANK_COLLECTIONS.jtis ? now + JTI_HORIZON_SECONDS : Number.POSITIVE_INFINITY;
    const writes: Promise<void>[] = [];
    let seen = 0;
    // Records are read one at a time, as they stand when reached (the iteration spans several turns).
    let failed: unknown;
    for (const [id, record] of ctx.store.entries<TokenRecord | JtiRecord>(collection)) {
      if (typeof record.expiresAt === 'number' && (record.expiresAt < now || record.expiresAt > latest)) {
        const write = ctx.store.delete(collection, id);
        // handled at once: the loop spans several turns, so a failed delete (the store closing)
        // must neither go unhandled meanwhile nor let the purge go on
        write.catch((err: unknown) => {
          failed ??= err;
        });
        writes.push(write);
        deleted++;
      }
      if (++seen % BATCH === 0) {
        await yieldToEventLoop();
        if (failed !== undefined) break;
      }
    }
    await Promise.all(writes);
  }
  if (deleted > 0) ctx.logger.debug('expired records purged', { bank: ctx.id, deleted });
  return deleted;
}

/**
 * Runs purgeExpired every `intervalMs` (never two at once). The returned function stops it and
 * resolves once a purge under way has finished, so the store can then be closed under it.
 */
export function schedulePurge(ctx: BankContext, intervalMs = 60_000): () => Promise<void> {
  let running: Promise<void> | undefined;
  const timer = setInterval(() => {
    if (running) return;
    running = purgeExpired(ctx)
      .then(() => undefined)
      .catch((err: unknown) => ctx.logger.warn('purge of expired records failed', { error: String(err) }))
      .finally(() => {
        running = undefined;
      });
  }, intervalMs);
  timer.unref();
  return async () => {
    clearInterval(timer);
    await running;
  };
}
