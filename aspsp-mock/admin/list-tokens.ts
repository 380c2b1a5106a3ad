import type { Request, Response } from 'express';
import { type BankContext, nowSeconds } from '../context.js';
import { BANK_COLLECTIONS, type TokenRecord } from '../model.js';
import { shortHash } from './mask.js';
import { pageOfOwned } from './page-of-owned.js';

/**
 * GET {issuer}/admin/tokens: the access tokens the bank issued and still keeps
 * (expired ones until the next purge), newest first. The bank stores only each
 * token's SHA-256; the listing shows a short fingerprint of it, never a usable token.
 */
export function listTokens(ctx: BankContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const now = nowSeconds(ctx);
    const listed = await pageOfOwned(ctx, BANK_COLLECTIONS.tokens, req, (t: TokenRecord) => ({
      token: shortHash(t.hash),
      client_id: t.client_id,
      scope: t.scope,
      'cnf.x5t#S256': t.x5tS256,
      expires_at: new Date(t.expiresAt * 1000).toISOString(),
      active: t.expiresAt >= now,
    }));
    res.status(200).json({ bank: ctx.id, ...listed });
  };
}
