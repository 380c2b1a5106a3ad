import type { Request, Response } from 'express';
import type { BankContext } from '../context.js';
import { BANK_COLLECTIONS, type ClientRecord, type ConsentRecord } from '../model.js';
import { readFilter } from './filter.js';
import { listingIndex } from './listings.js';
import { paginate, readPageRequest } from './paginate.js';
import { selectOwned } from './selection.js';

/** GET {issuer}/admin/consents: the account-access consents the bank holds, newest first. */
export function listConsents(ctx: BankContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const filter = readFilter(req);
    const page = readPageRequest(req);
    const consents = await listingIndex<ConsentRecord>(ctx, BANK_COLLECTIONS.consents);
    const clients =
      filter.org_id === undefined && filter.software_id === undefined
        ? undefined
        : await listingIndex<ClientRecord>(ctx, BANK_COLLECTIONS.clients);
    const listed = await paginate(
      page,
      consents,
      selectOwned(consents, clients, filter),
      (id) => ctx.store.get<ConsentRecord>(BANK_COLLECTIONS.consents, id),
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
    res.status(200).json({ bank: ctx.id, ...listed });
  };
}
