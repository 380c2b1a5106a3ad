import type { DirectoryContext } from '../context.js';
import type { SoftwareStatementRecord } from '../model.js';

/** SoftwareStatementSchema of the OB Directory API v2.1. */
export function softwareStatementView(
  ctx: DirectoryContext,
  ss: SoftwareStatementRecord,
): Record<string, unknown> {
  const certs = ctx.repo.activeCertificatesOfSoftware(ss.Id);
  return {
    Id: ss.Id,
    ClientId: ss.ClientId,
    Active: ss.Active,
    AuthorizationDomain: ss.AuthorizationDomain,
    ClientName: ss.ClientName,
    Description: ss.Description,
    Mode: ss.Mode,
    ObClientCreated: false,
    OnBehalfOfObOrganisation: ss.OnBehalfOfObOrganisation,
    PolicyUri: ss.PolicyUri,
    ClientUri: ss.ClientUri,
    LogoUri: ss.LogoUri,
    RedirectUri: ss.RedirectUri,
    Roles: ss.Roles,
    SigningKeyIds: certs.filter((c) => c.use === 'sig').map((c) => c.kid),
    TransportKeyIds: certs.filter((c) => c.use === 'tls').map((c) => c.kid),
    TermsOfServiceUri: ss.TermsOfServiceUri,
    Version: ss.Version,
  };
}
