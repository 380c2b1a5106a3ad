import { type NextFunction, type Request, type Response, Router } from 'express';
import { MethodNotAllowed } from '../../lib/errors.js';
import type { BankContext } from '../context.js';
import { listClients } from './list-clients.js';
import { listConsents } from './list-consents.js';
import { listTokens } from './list-tokens.js';
import { requireAdminToken } from './require-admin-token.js';

const onlyGet = (_req: Request, _res: Response, next: NextFunction) => next(new MethodNotAllowed(['GET']));

/**
 * The read-only admin listings of one bank, at {issuer}/admin/{clients,tokens,consents}
 * (docs/bank.md): admin token only, paginated, newest first, secrets as fingerprints.
 * Anything else under /admin falls through (the faults admin API lives beside it).
 */
export function bankAdminRouter(ctx: BankContext, adminToken: string | undefined): Router {
  const r = Router();
  const listings = { '/clients': listClients, '/tokens': listTokens, '/consents': listConsents };
  for (const [path, list] of Object.entries(listings)) {
    r.route(path)
      .all(requireAdminToken(adminToken), (_req, res, next) => {
        res.set('Cache-Control', 'no-store');
        next();
      })
      .get(list(ctx))
      .all(onlyGet);
  }
  return r;
}
