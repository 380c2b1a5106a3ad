import type { Request, Response } from 'express';
import { type BankContext, nowSeconds } from '../context.js';
import { BANK_COLLECTIONS, type TokenRecord } from '../model.js';
import { clientIdFilter, readFilter } from './filter.js';
import { shortHash } from './mask.js';
import { paginate } from './paginate.js';

/** Seconds since the epoch as a string that sorts like the number. */
const sortable = (seconds: number): string => String(Math.max(0, Math.floor(seconds))).padStart(12, '0');

/**
 * GET {issuer}/admin/tokens: the access tokens the bank issued and still keeps
 * (expired ones until the next purge), newest first. The bank stores only each
 * token's SHA-256; the listing shows a short fingerprint of it, never a usable token.
 */
export function listTokens(ctx: BankContext) {
  return (req: Request, res: Response): void => {
    const now = nowSeconds(ctx);
    const ofClient = clientIdFilter(ctx, readFilter(req));
    const tokens = ctx.store.list<TokenRecord>(BANK_COLLECTIONS.tokens).filter((t) => ofClient(t.client_id));
    const page = paginate(
      req,
      tokens,
      (t) => ({ at: sortable(t.expiresAt), id: t.hash }),
      (t) => ({
        token: shortHash(t.hash),
        client_id: t.client_id,
        scope: t.scope,
        'cnf.x5t#S256': t.x5tS256,
        expires_at: new Date(t.expiresAt * 1000).toISOString(),
        active: t.expiresAt >= now,
      }),
    );
    res.status(200).json({ bank: ctx.id, ...page });
  };
}
