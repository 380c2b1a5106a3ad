import type { Request, Response } from 'express';
import type { BankContext } from '../context.js';
import { BANK_COLLECTIONS, type ConsentRecord } from '../model.js';
import { pageOfOwned } from './page-of-owned.js';

/** GET {issuer}/admin/consents: the account-access consents the bank holds, newest first. */
export function listConsents(ctx: BankContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const listed = await pageOfOwned(ctx, BANK_COLLECTIONS.consents, req, (c: ConsentRecord) => ({
      ConsentId: c.ConsentId,
      client_id: c.client_id,
      Status: c.Status,
      Permissions: c.Permissions,
      CreationDateTime: c.CreationDateTime,
      StatusUpdateDateTime: c.StatusUpdateDateTime,
      ...(c.ExpirationDateTime ? { ExpirationDateTime: c.ExpirationDateTime } : {}),
    }));
    res.status(200).json({ bank: ctx.id, ...listed });
  };
}
