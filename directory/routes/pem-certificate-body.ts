import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { type CertificateInfo, parseCertificate } from '../../certs/index.js';
import { BadRequest } from '../../lib/errors.js';

/** The certificate an `application/x-pem-file` body carries, parsed, with its x5t#S256. */
export function pemCertificateOfBody(req: Request): { info: CertificateInfo; x5tS256: string } {
  let info: CertificateInfo;
  try {
    info = parseCertificate((req.rawBody ?? Buffer.alloc(0)).toString('utf8'));
  } catch (err) {
    throw new BadRequest(`body: not a PEM certificate (${(err as Error).message})`);
  }
  return { info, x5tS256: createHash('sha256').update(info.der).digest('base64url') };
}
