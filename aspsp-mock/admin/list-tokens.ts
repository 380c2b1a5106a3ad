import type { Request, Response } from 'express';
import { type BankContext, nowSeconds } from '../context.js';
import { BANK_COLLECTIONS, type ClientRecord, type TokenRecord } from '../model.js';
import { readFilter } from './filter.js';
import { listingIndex } from './listings.js';
import { shortHash } from './mask.js';
import { paginate, readPageRequest } from './paginate.js';
import { selectOwned } from './selection.js';

/**
 * GET {issuer}/admin/tokens: the access tokens the bank issued and still keeps
 * (expired ones until the next purge), newest first. The bank stores only each
 * token's SHA-256; the listing shows a short fingerprint of it, never a usable token.
 */
export function listTokens(ctx: BankContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const now = nowSeconds(ctx);
    const filter = readFilter(req);
    const page = readPageRequest(req);
    const tokens = await listingIndex<TokenRecord>(ctx, BANK_COLLECTIONS.tokens);
    const clients =
      filter.org_id === undefined && filter.software_id === undefined
        ? undefined
        : await listingIndex<ClientRecord>(ctx, BANK_COLLECTIONS.clients);
    const listed = await paginate(
      page,
      tokens,
      selectOwned(tokens, clients, filter),
      (id) => ctx.store.get<TokenRecord>(BANK_COLLECTIONS.tokens, id),
      (t) => ({
        token: shortHash(t.hash),
        client_id: t.client_id,
        scope: t.scope,
        'cnf.x5t#S256': t.x5tS256,
        expires_at: new Date(t.expiresAt * 1000).toISOString(),
        active: t.expiresAt >= now,
      }),
    );
    res.status(200).json({ bank: ctx.id, ...listed });
  };
}
