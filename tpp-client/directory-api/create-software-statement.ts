import { DirectoryError } from '../errors.js';
import { type DirectoryConnection, directoryCall, directoryJson } from './directory-call.js';

/** SoftwareStatementCreateSchema fields (OB Directory API v2.1). */
export interface NewSoftwareStatement {
  ClientName: string;
  RedirectUri: string[];
  /** Default: the organisation's roles (minus ASPSP). */
  Roles?: string[];
  Description?: string;
  ClientUri?: string;
  LogoUri?: string;
  PolicyUri?: string;
  TermsOfServiceUri?: string;
  OnBehalfOfObOrganisation?: string;
  Version?: string | number;
  Mode?: 'Live' | 'Test';
}

export interface CreatedSoftwareStatement {
  /** The software statement id = software_id. */
  id: string;
  /** The directory's ClientId (software_client_id). */
  clientId: string;
  record: Record<string, unknown>;
}

/** `POST /v2.1/organisation/{OrganisationId}/software-statement`. */
export async function createSoftwareStatement(
  dir: DirectoryConnection,
  organisationId: string,
  accessToken: string,
  statement: NewSoftwareStatement,
): Promise<CreatedSoftwareStatement> {
  const step = 'create software statement';
  const res = await directoryCall(dir, step, {
    method: 'POST',
    path: `/v2.1/organisation/${encodeURIComponent(organisationId)}/software-statement`,
    token: accessToken,
    contentType: 'application/vnd.openbanking.directory.softwarestatement-v2+json',
    body: JSON.stringify(statement),
  });
  const record = directoryJson(step, res);
  if (typeof record.Id !== 'string') {
    throw new DirectoryError(step, res.status, 'invalid_response', 'no Id in the answer');
  }
  return { id: record.Id, clientId: typeof record.ClientId === 'string' ? record.ClientId : '', record };
}
