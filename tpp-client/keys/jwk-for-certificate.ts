import { createHash, X509Certificate } from 'node:crypto';
import { MaterialError } from '../errors.js';
import { certificateBlocks } from '../material/certificate-blocks.js';

export interface CertificateJwkOptions {
  /** The key id to publish. */
  kid: string;
  /** 'sig' for a signing (QSeal/OBSeal) key, 'tls' for a transport certificate; default 'sig'. */
  use?: string;
  /** Optional `alg` member. */
  alg?: string;
  /** Include `x5c` with the certificate (and any chain after it); default true. */
  x5c?: boolean;
}

/**
 * The public JWK of a certificate's key, as a software JWKS publishes it: key members,
 * `kid`, `use`, `x5c` (leaf first, then the chain of `certPem`), `x5t#S256`.
 */
export function jwkForCertificate(certPem: string, opts: CertificateJwkOptions): Record<string, unknown> {
  const blocks = certificateBlocks(certPem);
  if (blocks.length === 0) throw new MaterialError('certPem', 'holds no CERTIFICATE block');
  const certs = blocks.map((b) => new X509Certificate(b));
  const jwk = certs[0].publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
  return {
    ...jwk,
    kid: opts.kid,
    use: opts.use ?? 'sig',
    ...(opts.alg !== undefined ? { alg: opts.alg } : {}),
    ...(opts.x5c === false ? {} : { x5c: certs.map((c) => c.raw.toString('base64')) }),
    'x5t#S256': createHash('sha256').update(certs[0].raw).digest('base64url'),
  };
}
