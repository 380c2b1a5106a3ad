import type { Request } from 'express';
import type { CertificateInfo } from '../../certs/index.js';
import { jsonObject } from '../../lib/http/index.js';
import { requireClientCertificate } from '../client-certificate.js';
import type { BankContext } from '../context.js';
import { InvalidClientMetadata } from '../errors.js';
import { checkTransportCertInJwks } from './check-transport-cert-in-jwks.js';
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
import { checkRequestHeader, verifyRequestSignature } from './verify-request-signature.js';
import { type SsaClaims, verifySsa } from './verify-ssa.js';

export interface ValidatedRegistration {
  claims: Record<string, unknown>;
  ssa: SsaClaims;
  cert: CertificateInfo;
}

/** Step: the body as claims — a signed request (OB) or an RFC 7591 JSON object (switch requestFormat). */
function parseRequest(ctx: BankContext, req: Request): { claims: Record<string, unknown>; jws?: string } {
  if (ctx.settings.requestFormat === 'json') return { claims: jsonObject(req) };
  const jws = (req.rawBody ?? Buffer.alloc(0)).toString('utf8').trim();
  checkRequestHeader(ctx, jws);
  const claims = unverifiedPayload(jws);
  if (!claims) throw new InvalidClientMetadata('request payload is not a JSON object');
  return { claims, jws };
}

/**
 * Every check of a registration request (POST or PUT), in order:
 * authenticate the TLS client → parse → the software statement (directory
 * SSA or eIDAS self-signed) → the request signature → certificate ↔ statement
 * → claim table → claim semantics. Which checks run is the profile's to say.
 */
export async function validateRegistration(ctx: BankContext, req: Request): Promise<ValidatedRegistration> {
  const s = ctx.settings;
  const cert = await requireClientCertificate(ctx, req);
  const { claims, jws } = parseRequest(ctx, req);
  const eidas = s.trustModel === 'eidas';
  const ssa = eidas
    ? await verifyEidasStatement(ctx, claims.software_statement, cert)
    : await verifySsa(ctx, claims.software_statement);
  if (jws) await verifyRequestSignature(ctx, jws, checkRequestHeader(ctx, jws), ssa);
  if (!eidas && s.checkCertificateBinding) checkCertificateBinding(cert, ssa);
  if (s.requireTransportCertInJwks) await checkTransportCertInJwks(ctx, cert, ssa);
  checkClaimTypes(ctx, claims);
  if (jws) {
    if (!eidas) checkIssuer(claims, ssa);
    checkAudience(ctx, claims);
    checkTimes(ctx, claims);
    checkJtiFormat(claims);
  }
  if (s.checkRedirectUris && claims.redirect_uris !== undefined) checkRedirectUris(claims, ssa, eidas);
  if (claims.scope !== undefined) checkScope(claims, ssa);
  checkSubjectDn(ctx, claims, cert);
  return { claims, ssa, cert };
}
