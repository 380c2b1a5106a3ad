import { DirectoryError } from '../errors.js';
import { type DirectoryConnection, directoryCall, directoryJson } from './directory-call.js';

/** One authorisation server of an ASPSP, as listed by the directory. */
export interface BankListing {
  /** The ASPSP's OB organisation id (the `aud` of registration requests). */
  organisationId: string;
  organisationName: string;
  authorisationServerId: string;
  customerFriendlyName: string;
  /** The OIDC discovery URL. */
  openIdConfigUrl: string;
}

/**
 * `GET /v2.1/organisation` with the organisation's token: every ASPSP's authorisation servers
 * with their `OpenIDConfigEndPointUri` — how a TPP finds banks' discovery documents.
 */
export async function listBanks(dir: DirectoryConnection, accessToken: string): Promise<BankListing[]> {
  const step = 'list organisations';
  const res = await directoryCall(dir, step, {
    method: 'GET',
    path: '/v2.1/organisation',
    token: accessToken,
    accept: 'application/scim+json, application/json',
  });
  const list = directoryJson(step, res);
  if (!Array.isArray(list.Resources)) {
    throw new DirectoryError(step, res.status, 'invalid_response', 'the answer has no Resources list');
  }
  const banks: BankListing[] = [];
  for (const resource of list.Resources as Record<string, unknown>[]) {
    const org = (resource?.['urn:openbanking:organisation:1.0'] ?? {}) as Record<string, unknown>;
    const servers = Array.isArray(resource?.AuthorisationServers) ? resource.AuthorisationServers : [];
    for (const s of servers as Record<string, unknown>[]) {
      if (typeof s?.OpenIDConfigEndPointUri !== 'string') continue;
      banks.push({
        organisationId: String(org.OBOrganisationId ?? resource.id ?? ''),
        organisationName: String(org.OrganisationCommonName ?? ''),
        authorisationServerId: String(s.Id ?? ''),
        customerFriendlyName: String(s.CustomerFriendlyName ?? ''),
        openIdConfigUrl: s.OpenIDConfigEndPointUri,
      });
    }
  }
  return banks;
}
