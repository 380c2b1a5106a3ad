import type { CertificateInfo } from '../../certs/index.js';
import type { BankContext } from '../context.js';
import { InvalidSoftwareStatement, UnapprovedSoftwareStatement } from '../errors.js';
import type { SsaClaims } from './verify-ssa.js';

/**
 * Step (switch requireTransportCertInJwks): the TLS certificate is published
 * with use=tls in the software JWKS, matched by its SHA-256 thumbprint.
 */
export async function checkTransportCertInJwks(
  ctx: BankContext,
  cert: CertificateInfo,
  ssa: SsaClaims,
): Promise<void> {
  let keys: Record<string, unknown>[];
  try {
    keys = await ctx.jwks.keys(ssa.software_jwks_endpoint);
  } catch (err) {
    throw new InvalidSoftwareStatement(`software_jwks_endpoint: ${(err as Error).message}`);
  }
  const listed = keys.some((k) => k.use === 'tls' && k['x5t#S256'] === cert.x5tS256);
  if (!listed) {
    throw new UnapprovedSoftwareStatement(
      'the client certificate is not published with use=tls in the software JWKS',
    );
  }
}
