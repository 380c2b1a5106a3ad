import type { Request } from 'express';
import type { BankContext } from '../context.js';
import { BANK_COLLECTIONS, type ClientRecord } from '../model.js';
import { readFilter } from './filter.js';
import { type LISTED, listingIndex } from './listings.js';
import { type Page, paginate, readPageRequest } from './paginate.js';
import { selectOwned } from './selection.js';

/**
 * One page of a client-owned collection (tokens, consents), newest first: the request's
 * filters and page read first (a bad one is refused before any index is built), the clients
 * index consulted only when the filter names an organisation or a software statement.
 */
export async function pageOfOwned<R, V>(
  ctx: BankContext,
  collection: keyof typeof LISTED,
  req: Request,
  view: (r: R) => V,
): Promise<Page<V>> {
  const filter = readFilter(req);
  const page = readPageRequest(req);
  const owned = await listingIndex<R>(ctx, collection);
  const clients =
    filter.org_id === undefined && filter.software_id === undefined
      ? undefined
      : await listingIndex<ClientRecord>(ctx, BANK_COLLECTIONS.clients);
  return paginate(
    page,
    owned,
    selectOwned(owned, clients, filter),
    (id) => ctx.store.get<R>(collection, id),
    view,
  );
}
