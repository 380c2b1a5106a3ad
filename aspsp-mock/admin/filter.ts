import type { Request } from 'express';
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
