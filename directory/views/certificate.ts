import type { DirectoryContext } from '../context.js';
import type { CertificateRecord } from '../model.js';

function pemToBase64(pem: string): string {
  return pem.replace(/-----(BEGIN|END) CERTIFICATE-----/g, '').replace(/\s+/g, '');
}

/** The x5t (SHA-1 thumbprint) is the kid, as in the OB keystore. */
export function keystorePemUrl(ctx: DirectoryContext, cert: CertificateRecord): string {
  return `${ctx.baseUrl}/keystore/${cert.OrganisationId}/${cert.kid}.pem`;
}

/** A key as published in the keystore JWKS: public members only. */
export function certificateJwk(ctx: DirectoryContext, cert: CertificateRecord): Record<string, unknown> {
  return {
    kty: cert.kty,
    ...(cert.kty === 'EC' ? { crv: cert.crv, x: cert.x, y: cert.y } : { n: cert.n, e: cert.e }),
    kid: cert.kid,
    use: cert.use,
    x5c: [pemToBase64(cert.pem), pemToBase64(ctx.ca.issuingCertPem)],
    x5t: cert.kid,
    'x5t#S256': cert.x5tS256,
    x5u: keystorePemUrl(ctx, cert),
  };
}

/** CertificateOrKeyGetSchema of the OB Directory API v2.1. */
export function certificateView(ctx: DirectoryContext, cert: CertificateRecord): Record<string, unknown> {
  return {
    obOrganisationId: cert.OrganisationId,
    Associations: cert.SoftwareStatementId ? [cert.SoftwareStatementId] : cert.Associations,
    status: cert.status,
    expiryDateTime: cert.notAfter,
    keyType: cert.type,
    ...certificateJwk(ctx, cert),
    serialNumber: cert.serialHex,
  };
}
