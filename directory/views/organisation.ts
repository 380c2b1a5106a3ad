import type { DirectoryContext } from '../context.js';
import type { OrganisationRecord } from '../model.js';
import { authorisationServerView } from './authorisation-server.js';
import { softwareStatementView } from './software-statement.js';

/** The admin API's flat view (never includes the access token). */
export function adminOrganisationView(org: OrganisationRecord): Record<string, unknown> {
  return {
    OrganisationId: org.OrganisationId,
    OrganisationName: org.OrganisationName,
    OrganisationType: org.OrganisationType,
    Roles: org.Roles,
    OrganisationIdentifier: org.OrganisationIdentifier,
    LegalName: org.LegalName,
    Contacts: org.Contacts,
    Status: org.Status,
    CreatedAt: org.CreatedAt,
    ModifiedAt: org.ModifiedAt,
  };
}

/** Competent-authority claims derived from the organisation identifier. */
export function competentAuthority(org: OrganisationRecord): {
  authority_id: string;
  registration_id: string;
  member_state: string;
} {
  const eidas = /^PSD([A-Z]{2})-([A-Z0-9]+)-(.+)$/.exec(org.OrganisationIdentifier);
  if (eidas && eidas[2] !== 'OB') {
    return {
      member_state: eidas[1] === 'UK' ? 'GB' : eidas[1],
      authority_id: eidas[2],
      registration_id: eidas[3],
    };
  }
  return { member_state: 'GB', authority_id: 'OBGBR', registration_id: `Unknown${org.OrganisationId}` };
}

/**
 * OrganisationGetFromSCIM200OKResponseSchema: the OB directory returns
 * organisations as SCIM resources with OB extension schemas.
 */
export function scimOrganisationView(
  ctx: DirectoryContext,
  org: OrganisationRecord,
  detail: 'full' | 'public',
): Record<string, unknown> {
  const authority = competentAuthority(org);
  const view: Record<string, unknown> = {
    schemas: [
      'urn:ietf:params:scim:schemas:core:2.0:Organisation',
      'urn:openbanking:organisation:1.0',
      'urn:openbanking:competentauthorityclaims:1.0',
      'urn:openbanking:softwarestatement:1.0',
    ],
    id: org.OrganisationId,
    meta: {
      location: `${ctx.baseUrl}/v2.1/organisation/${org.OrganisationId}`,
      resourceType: 'Organisation',
    },
    'urn:openbanking:organisation:1.0': {
      OBOrganisationId: org.OrganisationId,
      OrganisationCommonName: org.OrganisationName,
      OrganisationType: org.OrganisationType,
      LegalName: org.LegalName,
      status: org.Status,
      CreateTimestamp: org.CreatedAt,
      ModifyTimestamp: org.ModifiedAt,
    },
    'urn:openbanking:competentauthorityclaims:1.0': {
      AuthorityId: authority.authority_id,
      RegistrationId: authority.registration_id,
      MemberState: authority.member_state,
      EtsiIdentifier: org.OrganisationIdentifier,
      Authorisations: org.Roles.map((role) => ({
        Active: true,
        MemberState: authority.member_state,
        Psd2Role: role,
      })),
    },
    AuthorisationServers: ctx.repo.authorisationServersOf(org.OrganisationId).map(authorisationServerView),
  };
  if (detail === 'full') {
    view['urn:openbanking:softwarestatement:1.0'] = {
      SoftwareStatements: ctx.repo
        .softwareStatementsOf(org.OrganisationId)
        .map((ss) => softwareStatementView(ctx, ss)),
    };
  }
  return view;
}
