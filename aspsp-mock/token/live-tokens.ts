import type { Store } from '../../lib/store/store.js';
import { type BankContext, limitsOf, nowSeconds } from '../context.js';
import { TooManyTokens } from '../errors.js';
import { BANK_COLLECTIONS, type TokenRecord } from '../model.js';

/**
 * client_id → the expiry of each access token issued to it and not yet expired, per store: built
 * on first use from the tokens on record (a restart keeps the count), then kept up here. A token
 * revoked early still counts until its expiry, so the count never falls short of what is stored.
 */
const indexes = new WeakMap<Store, Map<string, number[]>>();

function indexOf(store: Store): Map<string, number[]> {
  let index = indexes.get(store);
  if (!index) {
    index = new Map();
    for (const [, t] of store.entries<TokenRecord>(BANK_COLLECTIONS.tokens)) {
      const list = index.get(t.client_id);
      if (list) list.push(t.expiresAt);
      else index.set(t.client_id, [t.expiresAt]);
    }
    indexes.set(store, index);
  }
  return index;
}

/**
 * Counts a new token of the client expiring at `expiresAt`, or refuses it (429 TooManyTokens,
 * with the seconds until its oldest live token expires) when the client already holds
 * limits.liveTokensPerClient unexpired ones. Expired entries are dropped only when the list is
 * full, so an issue costs a push until then.
 */
export function countNewToken(ctx: BankContext, clientId: string, expiresAt: number): void {
  const index = indexOf(ctx.store);
  const max = limitsOf(ctx).liveTokensPerClient;
  const now = nowSeconds(ctx);
  let list = index.get(clientId) ?? [];
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
  index.set(clientId, list);
}

/** Forgets a deleted client's tokens (they are revoked with it). */
export function forgetClientTokens(store: Store, clientId: string): void {
  indexes.get(store)?.delete(clientId);
}
