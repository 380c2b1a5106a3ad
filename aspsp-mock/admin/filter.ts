import type { Request } from 'express';
import type { BankContext } from '../context.js';
import { BANK_COLLECTIONS, type ClientRecord } from '../model.js';
import { InvalidPageRequest } from './errors.js';

/** The filters every admin listing takes, each optional, each an exact match. */
export const FILTERS = ['org_id', 'software_id', 'client_id'] as const;
export type ListingFilter = Partial<Record<(typeof FILTERS)[number], string>>;

/** An identifier as the directory and the bank issue them (OB ids, UUIDs): 1–128 of these characters. */
const IDENTIFIER = /^[A-Za-z0-9._~:-]{1,128}$/;

/** Step: the request's filters — each given at most once, an identifier, else 400 invalid_request. */
export function readFilter(req: Request): ListingFilter {
  const filter: ListingFilter = {};
  for (const name of FILTERS) {
    const v = req.query[name];
    if (v === undefined) continue;
    if (typeof v !== 'string') throw new InvalidPageRequest(`give ${name} once`);
    if (!IDENTIFIER.test(v))
      throw new InvalidPageRequest(`${name} must be 1 to 128 letters, digits or . _ ~ : -`);
    filter[name] = v;
  }
  return filter;
}

/** A client matches when every filter given equals its field. */
export function clientMatches(f: ListingFilter, c: ClientRecord): boolean {
  return (
    (f.client_id === undefined || c.client_id === f.client_id) &&
    (f.software_id === undefined || c.software_id === f.software_id) &&
    (f.org_id === undefined || c.org_id === f.org_id)
  );
}

/**
 * For records that name only their client (tokens, consents): whether a
 * record's client_id passes the filter. Organisation and software are those of
 * the client as registered now; a record of a deleted client matches only a
 * client_id filter. One pass over the clients per call, nothing kept.
 */
export function clientIdFilter(ctx: BankContext, f: ListingFilter): (clientId: string) => boolean {
  if (f.org_id === undefined && f.software_id === undefined)
    return (id) => f.client_id === undefined || id === f.client_id;
  const ids = new Set(
    ctx.store
      .list<ClientRecord>(BANK_COLLECTIONS.clients)
      .filter((c) => clientMatches(f, c))
      .map((c) => c.client_id),
  );
  return (id) => ids.has(id);
}
