import { DirectoryError } from '../errors.js';
import { type DirectoryConnection, directoryCall, directoryJson } from './directory-call.js';

export interface NewOrganisation {
  OrganisationName: string;
  /** Default 'tpp'. */
  OrganisationType?: 'tpp' | 'aspsp';
  /** e.g. ['AISP', 'PISP']. */
  Roles: string[];
  LegalName?: string;
  /** 2.5.4.97 value; the directory defaults it to PSDGB-OB-Unknown<OrganisationId>. */
  OrganisationIdentifier?: string;
  /** At most 10, one per type (Business, PBC, PTC, Registered, Technical); Email and Phone as the swagger's ContactSchema. */
  Contacts?: {
    Name?: string;
    Email: string;
    Phone: string;
    Type: 'Business' | 'PBC' | 'PTC' | 'Registered' | 'Technical';
  }[];
  /** obmock only: the organisation is one of the sandbox's own services (may take the sandbox's host names). */
  SandboxService?: boolean;
}

export interface CreatedOrganisation {
  organisationId: string;
  /** The organisation's directory credential (returned once). */
  accessToken: string;
  /** The directory's whole answer except the token. */
  record: Record<string, unknown>;
}

/** `POST /admin/organisations` with the admin token (obmock's admin API; a real directory has no such call). */
export async function createOrganisation(
  dir: DirectoryConnection,
  adminToken: string,
  org: NewOrganisation,
): Promise<CreatedOrganisation> {
  const step = 'create organisation';
  const res = await directoryCall(dir, step, {
    method: 'POST',
    path: '/admin/organisations',
    token: adminToken,
    contentType: 'application/json',
    body: JSON.stringify({ OrganisationType: 'tpp', ...org }),
  });
  const { AccessToken, ...record } = directoryJson(step, res);
  if (typeof record.OrganisationId !== 'string' || typeof AccessToken !== 'string') {
    throw new DirectoryError(
      step,
      res.status,
      'invalid_response',
      'no OrganisationId or AccessToken in the answer',
    );
  }
  return { organisationId: record.OrganisationId, accessToken: AccessToken, record };
}
