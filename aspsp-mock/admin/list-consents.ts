import type { Request, Response } from 'express';
import type { BankContext } from '../context.js';
import { BANK_COLLECTIONS, type ConsentRecord } from '../model.js';
import { clientIdFilter, readFilter } from './filter.js';
import { paginate } from './paginate.js';

/** GET {issuer}/admin/consents: the account-access consents the bank holds, newest first. */
export function listConsents(ctx: BankContext) {
  return (req: Request, res: Response): void => {
    const ofClient = clientIdFilter(ctx, readFilter(req));
    const consents = ctx.store
      .list<ConsentRecord>(BANK_COLLECTIONS.consents)
      .filter((c) => ofClient(c.client_id));
    const page = paginate(
      req,
      consents,
      (c) => ({ at: c.CreationDateTime, id: c.ConsentId }),
      (c) => ({
        ConsentId: c.ConsentId,
        client_id: c.client_id,
        Status: c.Status,
        Permissions: c.Permissions,
        CreationDateTime: c.CreationDateTime,
        StatusUpdateDateTime: c.StatusUpdateDateTime,
        ...(c.ExpirationDateTime ? { ExpirationDateTime: c.ExpirationDateTime } : {}),
      }),
    );
    res.status(200).json({ bank: ctx.id, ...page });
  };
}
