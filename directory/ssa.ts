import { constants, type KeyObject, sign } from 'node:crypto';
import { newUuid } from '../lib/ids.js';
import type { DirectoryContext } from './context.js';
import type { OrganisationRecord, SoftwareStatementRecord } from './model.js';
import { competentAuthority } from './views/organisation.js';

/** `software_version` is a number in real sandbox SSAs when the version is numeric (e.g. 1.5). */
function versionClaim(version: string): string | number {
  return /^\d+(\.\d+)?$/.test(version) && Number.isFinite(Number(version)) ? Number(version) : version;
}

/** Every claim of an OB directory-issued SSA, endpoints pointing at this keystore. */
export function ssaClaims(
  ctx: DirectoryContext,
  org: OrganisationRecord,
  ss: SoftwareStatementRecord,
): Record<string, unknown> {
  const keystore = `${ctx.baseUrl}/keystore`;
  const authority = competentAuthority(org);
  return {
    iss: 'OpenBanking Ltd',
    iat: Math.floor(ctx.now().getTime() / 1000),
    jti: newUuid(),
    software_environment: ctx.config.ssaEnvironment,
    software_mode: ss.Mode === 'Live' ? 'Live' : 'Test',
    software_id: ss.Id,
    software_client_id: ss.ClientId,
    software_client_name: ss.ClientName,
    software_client_description: ss.Description,
    software_version: versionClaim(ss.Version),
    software_client_uri: ss.ClientUri,
    software_redirect_uris: ss.RedirectUri,
    software_roles: ss.Roles,
    organisation_competent_authority_claims: {
      authority_id: authority.authority_id,
      registration_id: authority.registration_id,
      status: org.Status,
      authorisations: [{ member_state: authority.member_state, roles: ss.Roles }],
    },
    software_logo_uri: ss.LogoUri,
    org_status: org.Status,
    org_id: org.OrganisationId,
    org_name: org.OrganisationName,
    org_contacts: org.Contacts.map((c) => ({
      name: c.Name ?? '',
      email: c.Email ?? '',
      phone: c.Phone ?? '',
      type: c.Type ?? 'Business',
    })),
    org_jwks_endpoint: `${keystore}/${org.OrganisationId}/${org.OrganisationId}.jwks`,
    org_jwks_revoked_endpoint: `${keystore}/${org.OrganisationId}/revoked/${org.OrganisationId}.jwks`,
    software_jwks_endpoint: `${keystore}/${org.OrganisationId}/${ss.Id}.jwks`,
    software_jwks_revoked_endpoint: `${keystore}/${org.OrganisationId}/revoked/${ss.Id}.jwks`,
    software_policy_uri: ss.PolicyUri,
    software_tos_uri: ss.TermsOfServiceUri,
    software_on_behalf_of_org: ss.OnBehalfOfObOrganisation,
  };
}

/**
 * Signs the SSA with the directory key: a compact JWS (RFC 7515 §7.1) with the
 * header `{"alg":"PS256","typ":"JWT","kid":<the key's x5t>}` and the claims as
 * its payload. PS256 is RSASSA-PSS with SHA-256, MGF1 SHA-256 and a 32-byte
 * salt (RFC 7518 §3.5). The signature is made with node:crypto in its thread
 * pool: jose 6 would sign through WebCrypto, whose key conversion and job
 * dispatch cost about half as much CPU again as the signature itself.
 */
export function signSsa(ctx: DirectoryContext, claims: Record<string, unknown>): Promise<string> {
  const header = { alg: ctx.ssaKey.alg, typ: 'JWT', kid: ctx.ssaKey.kid };
  const input = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  return new Promise((resolve, reject) => {
    sign('sha256', Buffer.from(input, 'latin1'), PSS(ctx.ssaKey.privateKey), (err, signature) => {
      if (err) reject(err);
      else resolve(`${input}.${signature.toString('base64url')}`);
    });
  });
}

const PSS = (key: KeyObject) => ({
  key,
  padding: constants.RSA_PKCS1_PSS_PADDING,
  saltLength: constants.RSA_PSS_SALTLEN_DIGEST,
});

const base64url = (text: string): string => Buffer.from(text, 'utf8').toString('base64url');
