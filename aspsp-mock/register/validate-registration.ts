import type { Request } from 'express';
import type { CertificateInfo } from '../../certs/index.js';
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
import { checkRequestHeader, verifyRequestSignature } from './verify-request-signature.js';
import { type SsaClaims, verifySsa } from './verify-ssa.js';

export interface ValidatedRegistration {
  claims: Record<string, unknown>;
  ssa: SsaClaims;
  cert: CertificateInfo;
}

/**
 * Every check of a registration request (POST or PUT), in order:
 * parse → authenticate the TLS client → the request header → the SSA → the
 * request signature → certificate ↔ SSA → claim table → claim semantics.
 */
export async function validateRegistration(ctx: BankContext, req: Request): Promise<ValidatedRegistration> {
  const jws = (req.rawBody ?? Buffer.alloc(0)).toString('utf8').trim();
  const cert = await requireClientCertificate(ctx, req);
  const header = checkRequestHeader(ctx, jws);
  const claims = unverifiedPayload(jws);
  if (!claims) throw new InvalidClientMetadata('request payload is not a JSON object');
  const ssa = await verifySsa(ctx, claims.software_statement);
  await verifyRequestSignature(ctx, jws, header, ssa);
  if (ctx.settings.checkCertificateBinding) checkCertificateBinding(cert, ssa);
  if (ctx.settings.requireTransportCertInJwks) await checkTransportCertInJwks(ctx, cert, ssa);
  checkClaimTypes(ctx, claims);
  checkIssuer(claims, ssa);
  checkAudience(ctx, claims);
  checkTimes(ctx, claims);
  checkJtiFormat(claims);
  if (ctx.settings.checkRedirectUris) checkRedirectUris(claims, ssa);
  checkScope(claims, ssa);
  checkSubjectDn(ctx, claims, cert);
  return { claims, ssa, cert };
}
