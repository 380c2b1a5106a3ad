import type { Request } from 'express';
import type { Checklist } from '../checklist.js';
import { ClientCertificateRefused, requireClientCertificate } from '../client-certificate.js';
import type { BankContext } from '../context.js';
import { InvalidToken } from '../errors.js';
import type { ClientRecord } from '../model.js';
import type { ManagementCheck } from './checklist.js';
import { checkCertificateBinding } from './validate-claims.js';
import type { SsaClaims } from './verify-ssa.js';

/**
 * A management call authorised by an RFC 7592 registration access token relies on the TLS
 * client certificate as much as one authorised by a certificate-bound access token: the token
 * is not bound to a certificate, so the call itself must present one that still chains to the
 * directory CA, is valid and not revoked now (`management-certificate`), and belongs to the
 * client's software statement (`management-certificate-binding`, unless the profile's
 * checkCertificateBinding is off). Each refusal is 401 invalid_token, as for a bound token.
 */
export async function requireManagementCertificate(
  ctx: BankContext,
  req: Request,
  client: ClientRecord,
  checks: Checklist<ManagementCheck>,
): Promise<void> {
  const cert = await checks.run('management-certificate', async () => {
    try {
      return await requireClientCertificate(ctx, req);
    } catch (err) {
      if (err instanceof ClientCertificateRefused) throw new InvalidToken(err.message);
      throw err;
    }
  });
  if (!ctx.settings.checkCertificateBinding) {
    checks.skip('management-certificate-binding', 'profile: checkCertificateBinding off');
    return;
  }
  checks.step('management-certificate-binding', () => {
    try {
      checkCertificateBinding(cert, client.ssaClaims as SsaClaims);
    } catch {
      throw new InvalidToken('the client certificate does not belong to this client');
    }
  });
}
