import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { type CertificateInfo, CertificateParseError, parseCertificate } from '../../certs/index.js';
import { BadRequest } from '../../lib/errors.js';

/**
 * The certificate an `application/x-pem-file` body carries, parsed, with its x5t#S256.
 * A refusal quotes only certs/' own CertificateParseError wording, never another error's text.
 */
export function pemCertificateOfBody(req: Request): { info: CertificateInfo; x5tS256: string } {
  let info: CertificateInfo;
  try {
    info = parseCertificate((req.rawBody ?? Buffer.alloc(0)).toString('utf8'));
  } catch (err) {
    const why = err instanceof CertificateParseError ? err.message : 'it cannot be read';
    throw new BadRequest(`body: the certificate is not a PEM certificate (${why})`);
  }
  return { info, x5tS256: createHash('sha256').update(info.der).digest('base64url') };
}
