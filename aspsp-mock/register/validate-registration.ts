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

/** The request as claims, with its compact JWS and protected header when it is a signed request. */
interface ParsedRequest {
  claims: Record<string, unknown>;
  jws: string | undefined;
  header: RequestHeader | undefined;
}

/** Step: the body as claims — a signed request (OB) or an RFC 7591 JSON object (switch requestFormat). */
function parseRequest(ctx: BankContext, req: Request): ParsedRequest {
  // one object shape for both formats (every field set, in one order)
  if (ctx.settings.requestFormat === 'json')
    return { claims: jsonObject(req), jws: undefined, header: undefined };
  const jws = (req.rawBody ?? Buffer.alloc(0)).toString('utf8').trim();
  const header = checkRequestHeader(ctx, jws);
  const claims = unverifiedPayload(jws);
  if (!claims) throw new InvalidClientMetadata('request payload is not a JSON object');
  return { claims, jws, header };
}

const NO_JWT_CLAIMS = 'a JSON body has no JWT claims';

/**
 * The claim checks of a registration request, after its statement, signature
 * and certificate: claim table → claim semantics. Synchronous, and apart from
 * the awaited steps, so each part is a small function V8 optimises on its own.
 */
function checkRequestClaims(
  ctx: BankContext,
  checks: Checklist<RegistrationCheck>,
  parsed: ParsedRequest,
  ssa: SsaClaims,
  cert: CertificateInfo,
  eidas: boolean,
): void {
  const s = ctx.settings;
  const claims = parsed.claims;
  checks.step('claim-types', () => checkClaimTypes(ctx, claims));
  if (parsed.jws) {
    if (!eidas) checks.step('issuer', () => checkIssuer(claims, ssa));
    else checks.skip('issuer', 'eIDAS: no directory software_id');
    checks.step('audience', () => checkAudience(ctx, claims));
    checks.step('times', () => checkTimes(ctx, claims));
    checks.step('jti', () => checkJtiFormat(claims));
  } else {
    checks.skip('issuer', NO_JWT_CLAIMS);
    checks.skip('audience', NO_JWT_CLAIMS);
    checks.skip('times', NO_JWT_CLAIMS);
    checks.skip('jti', NO_JWT_CLAIMS);
  }
  if (s.checkRedirectUris && claims.redirect_uris !== undefined)
    checks.step('redirect-uris', () => checkRedirectUris(s, claims, ssa, eidas));
  else
    checks.skip(
      'redirect-uris',
      s.checkRedirectUris ? 'no redirect_uris requested' : 'profile: checkRedirectUris off',
    );
  if (claims.scope !== undefined) checks.step('scope', () => checkScope(claims, ssa));
  else checks.skip('scope', 'no scope requested');
  checks.step('subject-dn', () => checkSubjectDn(ctx, claims, cert));
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
  const cert = await requireCheckedCertificate(ctx, req, checks);
  const parsed = checks.step('request-format', () => parseRequest(ctx, req));
  const { claims, jws, header } = parsed;
  const eidas = s.trustModel === 'eidas';
  const ssa = await checks.run('software-statement', () =>
    eidas
      ? verifyEidasStatement(ctx, claims.software_statement, cert)
      : verifySsa(ctx, claims.software_statement),
  );
  if (jws && header)
    await checks.run('request-signature', () => verifyRequestSignature(ctx, jws, header, ssa));
  else checks.skip('request-signature', 'the bank takes a JSON body (requestFormat json)');
  if (!eidas && s.checkCertificateBinding)
    checks.step('certificate-binding', () => checkCertificateBinding(cert, ssa));
  else
    checks.skip(
      'certificate-binding',
      eidas ? 'eIDAS: the statement is the certificate’s' : 'profile: checkCertificateBinding off',
    );
  if (s.requireTransportCertInJwks)
    await checks.run('transport-cert-in-jwks', () => checkTransportCertInJwks(ctx, cert, ssa));
  else checks.skip('transport-cert-in-jwks', 'profile: requireTransportCertInJwks off');
  checkRequestClaims(ctx, checks, parsed, ssa, cert, eidas);
  return { claims, ssa, cert };
}
