import { type CertificateInfo, dnEquals, dnToString } from '../../certs/index.js';
import { freeTextProblem } from '../../lib/free-text.js';
import { parseUrlRemembered } from '../../lib/parsed-url.js';
import { validateObject } from '../../lib/validate.js';
import { type BankContext, nowSeconds } from '../context.js';
import { InvalidClientMetadata, UnapprovedSoftwareStatement } from '../errors.js';
import { type BankSettings, SCOPE_ROLES } from '../settings.js';
import {
  BASE62,
  FREE_TEXT_CLAIMS,
  metadataSchema,
  redirectSchema,
  subjectDnClaim,
  UUID_V4,
} from './claim-schema.js';
import { scopeOfRole } from './eidas-roles.js';
import { parseDnRemembered } from './parsed-dn.js';
import { redirectRefusal } from './redirect-refusal.js';
import type { SsaClaims } from './verify-ssa.js';

type Claims = Record<string, unknown>;

const refuseMetadata = (_field: string, message: string): never => {
  throw new InvalidClientMetadata(message);
};

/** Step: every claim has the right type, presence and allowed value; free text has no control characters (tables in claim-schema). */
export function checkClaimTypes(ctx: BankContext, claims: Claims): void {
  const schema = metadataSchema(ctx.settings, claims);
  validateObject(claims, redirectSchema(ctx.settings), (_field, message) => {
    throw redirectRefusal(ctx.settings, message);
  });
  validateObject(claims, schema, refuseMetadata);
  if (claims.backchannel_user_code_parameter_supported === true) {
    throw new InvalidClientMetadata('backchannel_user_code_parameter_supported must be false');
  }
  for (const claim of FREE_TEXT_CLAIMS) {
    const text = claims[claim];
    if (typeof text === 'string' && freeTextProblem(text) !== undefined)
      throw new InvalidClientMetadata(
        `${claim} must not contain control characters or bidirectional overrides (U+0000–U+001F, U+007F–U+009F, U+202A–U+202E, U+2066–U+2069)`,
      );
  }
}

/** Step: the request comes from the software the SSA describes. */
export function checkIssuer(claims: Claims, ssa: SsaClaims): void {
  const iss = claims.iss as string;
  if (!BASE62.test(iss))
    throw new InvalidClientMetadata(`iss '${iss}' is not a software_id (1–22 base62 characters)`);
  if (iss !== ssa.software_id)
    throw new InvalidClientMetadata(`iss '${iss}' does not match the SSA software_id`);
  if (claims.software_id !== undefined && claims.software_id !== ssa.software_id) {
    throw new InvalidClientMetadata('software_id does not match the SSA software_id');
  }
}

/** Step: aud is what the bank expects — its OB organisation id by default (switch `audience`). */
export function checkAudience(ctx: BankContext, claims: Claims): void {
  const mode = ctx.settings.audience;
  if (mode === 'any') return;
  const [expected, what] =
    mode === 'org-id'
      ? [ctx.orgId, "this bank's organisation id"]
      : mode === 'issuer'
        ? [ctx.issuer, "this bank's issuer URL"]
        : [mode.slice('fixed:'.length), 'the audience this bank expects'];
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.includes(expected)) throw new InvalidClientMetadata(`aud must be ${what} '${expected}'`);
}

/** Step: iat/exp make a current, bounded validity window. */
export function checkTimes(ctx: BankContext, claims: Claims): void {
  const now = nowSeconds(ctx);
  const skew = ctx.settings.clockSkewSeconds;
  const iat = claims.iat as number;
  const exp = claims.exp as number;
  if (now > exp + skew) throw new InvalidClientMetadata('exp: the request has expired');
  if (iat > now + skew) throw new InvalidClientMetadata('iat: the request is issued in the future');
  if (exp <= iat) throw new InvalidClientMetadata('exp must be after iat');
  if (exp - iat > ctx.settings.requestMaxLifetimeSeconds) {
    throw new InvalidClientMetadata(`exp - iat exceeds ${ctx.settings.requestMaxLifetimeSeconds} s`);
  }
  if (typeof claims.nbf === 'number' && claims.nbf > now + skew)
    throw new InvalidClientMetadata('nbf: the request is not yet valid');
}

export function checkJtiFormat(claims: Claims): void {
  if (!UUID_V4.test(claims.jti as string)) throw new InvalidClientMetadata('jti must be a UUID v4');
}

function isLocalHost(host: string): boolean {
  const h = host.replace(/^\[|\]$/g, '').toLowerCase();
  return (
    h === 'localhost' || h.endsWith('.localhost') || h.startsWith('127.') || h === '::1' || h === '0.0.0.0'
  );
}

/**
 * Step: each redirect URI is https, not localhost, and one the SSA lists
 * (`unlistedAllowed`: an eIDAS statement without software_redirect_uris lists none).
 */
export function checkRedirectUris(
  settings: BankSettings,
  claims: Claims,
  ssa: SsaClaims,
  unlistedAllowed = false,
): void {
  const refuse = (uri: string, why: string): never => {
    throw redirectRefusal(settings, `redirect_uris: '${uri}' ${why}`);
  };
  for (const uri of claims.redirect_uris as string[]) {
    const url = parseUrlRemembered(uri);
    if (!url) refuse(uri, 'is not a URL');
    else if (url.protocol !== 'https:') refuse(uri, 'must use https');
    else if (isLocalHost(url.hostname)) refuse(uri, 'must not point at localhost');
    else if (url.hash) refuse(uri, 'must not have a fragment');
    else if (
      !(unlistedAllowed && ssa.software_redirect_uris.length === 0) &&
      !ssa.software_redirect_uris.includes(uri)
    ) {
      refuse(uri, "is not in the SSA's software_redirect_uris");
    }
  }
}

/** The requested scopes, whether sent as a string (v3.2+) or an array (v3.1). */
export function scopeList(claims: Claims): string[] {
  const scope = claims.scope;
  if (Array.isArray(scope)) return scope.filter((s): s is string => typeof s === 'string');
  return typeof scope === 'string' ? scope.split(' ').filter(Boolean) : [];
}

/** Step: each requested scope is allowed by the SSA's roles (openid always). */
export function checkScope(claims: Claims, ssa: SsaClaims): void {
  const scopes = scopeList(claims);
  if (scopes.length === 0) throw new InvalidClientMetadata('scope is empty');
  for (const s of scopes) {
    if (s === 'openid') continue;
    const role = SCOPE_ROLES[s];
    if (!role) throw new InvalidClientMetadata(`scope '${s}' is not a known scope`);
    if (!ssa.software_roles.some((r) => scopeOfRole(r) === s)) {
      throw new InvalidClientMetadata(
        `scope '${s}' needs role ${role}, which the SSA's software_roles do not include`,
      );
    }
  }
}

/**
 * Step (tls_client_auth): tls_client_auth_subject_dn names the presented
 * certificate, compared as distinguished names attribute by attribute
 * (RFC 4514 string; any organizationIdentifier rendering).
 */
export function checkSubjectDn(ctx: BankContext, claims: Claims, cert: CertificateInfo): void {
  const name = subjectDnClaim(ctx.settings);
  const dn = claims[name];
  if (typeof dn !== 'string') return;
  if (ctx.settings.subjectDnMatch === 'string') {
    const expected = dnToString(cert.subject, { oiForm: ctx.settings.subjectDnRendering });
    if (dn !== expected) throw new InvalidClientMetadata(`${name} must be exactly '${expected}'`);
    return;
  }
  let parsed: ReturnType<typeof parseDnRemembered>;
  try {
    parsed = parseDnRemembered(dn);
  } catch (err) {
    throw new InvalidClientMetadata(
      `tls_client_auth_subject_dn is not an RFC 4514 DN: ${(err as Error).message}`,
    );
  }
  if (!dnEquals(parsed, cert.subject)) {
    throw new InvalidClientMetadata(
      `tls_client_auth_subject_dn '${dn}' does not match the client certificate subject '${dnToString(cert.subject)}'`,
    );
  }
}

/**
 * Step: the TLS client certificate belongs to the SSA's software:
 * legacy OB (OU = org_id, CN = software_id), or OBWAC/QWAC
 * (organizationIdentifier PSDGB-OB-Unknown<org_id> or the SSA's authority claims, CN = org_id or any for QWAC).
 */
export function checkCertificateBinding(cert: CertificateInfo, ssa: SsaClaims): void {
  const attr = (name: string) => cert.subject.filter((a) => a.name === name).map((a) => a.value);
  const ou = attr('OU');
  const cn = attr('CN');
  const oi = attr('organizationIdentifier');
  if (typeof ssa.organisation_identifier === 'string') {
    // eIDAS: the QWAC names the organisation that signed the software statement.
    if (oi.includes(ssa.organisation_identifier)) return;
    throw new UnapprovedSoftwareStatement(
      `client certificate organizationIdentifier ${oi.join('+') || '-'} is not ${ssa.organisation_identifier}`,
    );
  }
  if (oi.length === 0) {
    if (ou.includes(ssa.org_id) && cn.includes(ssa.software_id)) return;
    throw new UnapprovedSoftwareStatement(
      `client certificate (OU=${ou.join('+') || '-'}, CN=${cn.join('+') || '-'}) does not belong to software ${ssa.software_id} of organisation ${ssa.org_id}`,
    );
  }
  const authority = ssa.organisation_competent_authority_claims as
    | { authority_id?: string; registration_id?: string; authorisations?: { member_state?: string }[] }
    | undefined;
  const expected = new Set([`PSDGB-OB-Unknown${ssa.org_id}`]);
  if (authority?.authority_id && authority.registration_id) {
    for (const a of authority.authorisations ?? [{ member_state: 'GB' }]) {
      const state = a.member_state ?? 'GB';
      expected.add(`PSD${state}-${authority.authority_id}-${authority.registration_id}`);
      // The UK is written both ways in organisation identifiers (PSDGB-…, PSDUK-…).
      if (state === 'GB') expected.add(`PSDUK-${authority.authority_id}-${authority.registration_id}`);
    }
    if (authority.authority_id === 'FCA') expected.add(`PSDGB-FCA-${authority.registration_id}`);
  }
  if (!oi.some((v) => expected.has(v))) {
    throw new UnapprovedSoftwareStatement(
      `client certificate organizationIdentifier ${oi.join('+')} does not belong to organisation ${ssa.org_id}`,
    );
  }
}
