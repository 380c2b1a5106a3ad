import type { Store } from '../../lib/store/store.js';
import { type BankContext, limitsOf, nowSeconds } from '../context.js';
import { TooManyTokens } from '../errors.js';
import { BANK_COLLECTIONS, type TokenRecord } from '../model.js';
import { ownerIndex } from '../owner-index.js';

/**
 * client_id → the expiry of each access token issued to it and not yet expired, per store: built
 * on first use from the tokens on record (a restart keeps the count; in slices: see
 * {@link ownerIndex}), then kept up here. A token revoked early still counts until its expiry,
 * so the count never falls short of what is stored.
 */
const index = ownerIndex<TokenRecord, Map<string, number[]>>({
  collection: BANK_COLLECTIONS.tokens,
  empty: () => new Map(),
  add: (i, _id, t) => {
    const list = i.get(t.client_id);
    if (list) list.push(t.expiresAt);
    else i.set(t.client_id, [t.expiresAt]);
  },
});

/**
 * Counts a new token of the client expiring at `expiresAt`, or refuses it (429 TooManyTokens,
 * with the seconds until its oldest live token expires) when the client already holds
 * limits.liveTokensPerClient unexpired ones. Expired entries are dropped only when the list is
 * full, so an issue costs a push until then. The first call on a store waits for the count to be
 * built; the check and the count are then made in one turn.
 */
export async function countNewToken(ctx: BankContext, clientId: string, expiresAt: number): Promise<void> {
  const tokens = await index.ready(ctx.store);
  const max = limitsOf(ctx).liveTokensPerClient;
  const now = nowSeconds(ctx);
  let list = tokens.get(clientId) ?? [];
  if (list.length >= max) list = list.filter((e) => e >= now);
  if (list.length >= max) {
    let soonest = Number.POSITIVE_INFINITY;
    for (const e of list) if (e < soonest) soonest = e;
    throw new TooManyTokens(
      `the client holds ${max} unexpired access tokens, the most the bank issues to one; use one until it expires`,
      Math.max(1, soonest - now + 1),
    );
  }
  list.push(expiresAt);
  tokens.set(clientId, list);
}

/** Forgets a deleted client's tokens (they are revoked with it). */
export function forgetClientTokens(store: Store, clientId: string): void {
  index.change(store, (i) => i.delete(clientId));
}
