import type { Store } from '../../lib/store/store.js';
import type { BankContext } from '../context.js';
import { BANK_COLLECTIONS, type ClientRecord, type ConsentRecord, type TokenRecord } from '../model.js';
import { ListedStore } from './listed-store.js';
import type { ListingIndex, ListingShape } from './listing-index.js';

/** Seconds since the epoch as a string that sorts like the number. */
const sortable = (seconds: number): string => String(Math.max(0, Math.floor(seconds))).padStart(12, '0');

const clients: ListingShape<ClientRecord> = {
  key: (c) => ({ at: c.createdAt, id: c.client_id }),
  groups: (c) => ({ org_id: c.org_id, software_id: c.software_id }),
};

/** Tokens sort by expiry (issue time plus a lifetime the bank's settings fix). */
const tokens: ListingShape<TokenRecord> = {
  key: (t) => ({ at: sortable(t.expiresAt), id: t.hash }),
  groups: (t) => ({ client_id: t.client_id }),
};

const consents: ListingShape<ConsentRecord> = {
  key: (c) => ({ at: c.CreationDateTime, id: c.ConsentId }),
  groups: (c) => ({ client_id: c.client_id }),
};

/** The collections the admin API lists: each one's order and filter fields. */
export const LISTED = {
  [BANK_COLLECTIONS.clients]: clients,
  [BANK_COLLECTIONS.tokens]: tokens,
  [BANK_COLLECTIONS.consents]: consents,
} as const;

/** Wraps a bank's store so that its admin listings page without sorting a collection per call. */
export function trackListings(store: Store): ListedStore {
  return new ListedStore(store, LISTED as Record<string, ListingShape<never>>);
}

/** The listing index of one of the bank's listed collections. */
export function listingIndex<R>(ctx: BankContext, collection: keyof typeof LISTED): Promise<ListingIndex<R>> {
  if (!(ctx.store instanceof ListedStore))
    return Promise.reject(new Error('the bank store is not wrapped by trackListings'));
  return ctx.store.listing<R>(collection);
}
