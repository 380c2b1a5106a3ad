import { Conflict } from '../lib/errors.js';
import type { DirectoryConfig } from './config.js';
import type { DirectoryContext } from './context.js';

/**
 * What one organisation may make through the API, each with its limit (config), its count and the
 * code of the refusal: so that a TPP creating software statements, uploading CSRs or adding
 * authorisation servers in a loop cannot grow the directory without end (docs/directory.md).
 */
export const ORGANISATION_LIMITS = {
  softwareStatements: {
    limit: 'maxSoftwareStatementsPerOrganisation',
    count: (ctx: DirectoryContext, orgId: string) => ctx.repo.softwareStatementCountOf(orgId),
    code: 'too_many_software_statements',
    what: 'software statements',
  },
  certificates: {
    limit: 'maxCertificatesPerOrganisation',
    count: (ctx: DirectoryContext, orgId: string) => ctx.repo.certificateCountOf(orgId),
    code: 'too_many_organisation_certificates',
    what: 'certificates (revoked ones included)',
  },
  authorisationServers: {
    limit: 'maxAuthorisationServersPerOrganisation',
    count: (ctx: DirectoryContext, orgId: string) => ctx.repo.authorisationServersOf(orgId).length,
    code: 'too_many_authorisation_servers',
    what: 'authorisation servers',
  },
} as const satisfies Record<
  string,
  {
    limit: keyof DirectoryConfig;
    count: (ctx: DirectoryContext, orgId: string) => number;
    code: string;
    what: string;
  }
>;

export type OrganisationLimit = keyof typeof ORGANISATION_LIMITS;

/** Records being made for an organisation and not yet stored, per kind: they count against its limit. */
const pending = new WeakMap<DirectoryContext, Map<string, number>>();

/**
 * Step: the organisation may make one more record of this kind — counting those still being
 * made — or 409 with the kind's code. Holds the place until the returned function is called
 * (once the record is stored or the call failed).
 */
export function reserveOrganisationRecord(
  ctx: DirectoryContext,
  kind: OrganisationLimit,
  orgId: string,
): () => void {
  const rule = ORGANISATION_LIMITS[kind];
  const max = ctx.config[rule.limit];
  const inFlight = pending.get(ctx) ?? new Map<string, number>();
  pending.set(ctx, inFlight);
  const key = `${kind} ${orgId}`;
  const held = inFlight.get(key) ?? 0;
  if (rule.count(ctx, orgId) + held >= max)
    throw new Conflict(`organisation ${orgId} has reached its limit of ${max} ${rule.what}`, rule.code);
  inFlight.set(key, held + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const left = (inFlight.get(key) ?? 1) - 1;
    if (left > 0) inFlight.set(key, left);
    else inFlight.delete(key);
  };
}
