import type { Request, Response } from 'express';
import type { BankContext } from '../context.js';
import { BANK_COLLECTIONS, type ClientRecord } from '../model.js';
import { readFilter } from './filter.js';
import { listingIndex } from './listings.js';
import { shortHash } from './mask.js';
import { paginate, readPageRequest } from './paginate.js';
import { selectClients } from './selection.js';

/** A registered client as the admin sees it: its metadata; its secrets only as short fingerprints. */
function adminClientView(c: ClientRecord): Record<string, unknown> {
  const m = c.metadata;
  return {
    client_id: c.client_id,
    software_id: c.software_id,
    org_id: c.org_id,
    ...(typeof m.client_name === 'string' ? { client_name: m.client_name } : {}),
    token_endpoint_auth_method: m.token_endpoint_auth_method ?? 'client_secret_basic',
    ...(m.redirect_uris !== undefined ? { redirect_uris: m.redirect_uris } : {}),
    ...(m.scope !== undefined ? { scope: m.scope } : {}),
    ...(c.secretHash ? { client_secret: shortHash(c.secretHash) } : {}),
    ...(c.ratHash ? { registration_access_token: shortHash(c.ratHash) } : {}),
    client_id_issued_at: c.client_id_issued_at,
    created_at: c.createdAt,
    updated_at: c.updatedAt,
  };
}

/** GET {issuer}/admin/clients: the bank's registered clients (optionally filtered), newest first, a page at a time. */
export function listClients(ctx: BankContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const filter = readFilter(req);
    const page = readPageRequest(req);
    const clients = await listingIndex<ClientRecord>(ctx, BANK_COLLECTIONS.clients);
    const listed = await paginate(
      page,
      clients,
      selectClients(clients, filter),
      (id) => ctx.store.get<ClientRecord>(BANK_COLLECTIONS.clients, id),
      adminClientView,
    );
    res.status(200).json({ bank: ctx.id, ...listed });
  };
}
