import type { Request } from 'express';
import type { CertificateInfo } from '../../certs/index.js';
import { jsonObject } from '../../lib/http/index.js';
import type { Checklist } from '../checklist.js';
import { requireCheckedCertificate } from '../client-certificate.js';
import type { BankContext } from '../context.js';
import { InvalidClientMetadata } from '../errors.js';
import { checkTransportCertInJwks } from './check-transport-cert-in-jwks.js';
import { type RegistrationCheck, RegistrationChecklist } from './checklist.js';
import { unverifiedPayload } from './jws.js';
import {
  checkAudience,
  checkCertificateBinding,
  checkClaimTypes,
  checkIssuer,
  checkJtiFormat,
  checkRedirectUris,
  checkScope,
  checkSubjectDn,
  checkTimes,
} from './validate-claims.js';
import { verifyEidasStatement } from './verify-eidas-statement.js';
import {
  checkRequestHeader,
  type RequestHeader,
  verifyRequestSignature,
} from './verify-request-signature.js';
import { type SsaClaims, verifySsa } from './verify-ssa.js';

export interface ValidatedRegistration {
  claims: Record<string, unknown>;
  ssa: SsaClaims;
  cert: CertificateInfo;
}

/** Step: the body as claims — a signed request (OB) or an RFC 7591 JSON object (switch requestFormat). */
function parseRequest(
  ctx: BankContext,
  req: Request,
): { claims: Record<string, unknown>; jws?: string; header?: RequestHeader } {
  if (ctx.settings.requestFormat === 'json') return { claims: jsonObject(req) };
  const jws = (req.rawBody ?? Buffer.alloc(0)).toString('utf8').trim();
  const header = checkRequestHeader(ctx, jws);
  const claims = unverifiedPayload(jws);
  if (!claims) throw new InvalidClientMetadata('request payload is not a JSON object');
  return { claims, jws, header };
}

/**
 * Every check of a registration request (POST or PUT), in order:
 * authenticate the TLS client → parse → the software statement (directory
 * SSA or eIDAS self-signed) → the request signature → certificate ↔ statement
 * → claim table → claim semantics. Which checks run is the profile's to say.
 * Each outcome goes on `checks` (for the admin's message tap).
 */
export async function validateRegistration(
  ctx: BankContext,
  req: Request,
  checks: Checklist<RegistrationCheck> = new RegistrationChecklist(),
): Promise<ValidatedRegistration> {
  const s = ctx.settings;
  const off = (check: RegistrationCheck, why: string) => checks.skip(check, why);
  const cert = await requireCheckedCertificate(ctx, req, checks);
  const { claims, jws, header } = checks.step('request-format', () => parseRequest(ctx, req));
  const eidas = s.trustModel === 'eidas';
  const ssa = await checks.run('software-statement', () =>
    eidas
      ? verifyEidasStatement(ctx, claims.software_statement, cert)
      : verifySsa(ctx, claims.software_statement),
  );
  if (jws && header)
    await checks.run('request-signature', () => verifyRequestSignature(ctx, jws, header, ssa));
  else off('request-signature', 'the bank takes a JSON body (requestFormat json)');
  if (!eidas && s.checkCertificateBinding)
    checks.step('certificate-binding', () => checkCertificateBinding(cert, ssa));
  else
    off(
      'certificate-binding',
      eidas ? 'eIDAS: the statement is the certificate’s' : 'profile: checkCertificateBinding off',
    );
  if (s.requireTransportCertInJwks)
    await checks.run('transport-cert-in-jwks', () => checkTransportCertInJwks(ctx, cert, ssa));
  else off('transport-cert-in-jwks', 'profile: requireTransportCertInJwks off');
  checks.step('claim-types', () => checkClaimTypes(ctx, claims));
  if (jws) {
    if (!eidas) checks.step('issuer', () => checkIssuer(claims, ssa));
    else off('issuer', 'eIDAS: no directory software_id');
    checks.step('audience', () => checkAudience(ctx, claims));
    checks.step('times', () => checkTimes(ctx, claims));
    checks.step('jti', () => checkJtiFormat(claims));
  } else
    for (const c of ['issuer', 'audience', 'times', 'jti'] as const) off(c, 'a JSON body has no JWT claims');
  if (s.checkRedirectUris && claims.redirect_uris !== undefined)
    checks.step('redirect-uris', () => checkRedirectUris(claims, ssa, eidas));
  else
    off(
      'redirect-uris',
      s.checkRedirectUris ? 'no redirect_uris requested' : 'profile: checkRedirectUris off',
    );
  if (claims.scope !== undefined) checks.step('scope', () => checkScope(claims, ssa));
  else off('scope', 'no scope requested');
  checks.step('subject-dn', () => checkSubjectDn(ctx, claims, cert));
  return { claims, ssa, cert };
}
