import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { type CertificateInfo, CertificateParseError, parseCertificate } from '../../certs/index.js';
import { BadRequest } from '../../lib/errors.js';

const BEGIN_LABEL = /-----BEGIN ([^-\r\n]{1,64})-----/g;

/**
 * A PEM body holds one CERTIFICATE block and no other block (text outside it, such as the
 * `subject=` lines openssl writes, is allowed). A private key beside the certificate is refused
 * by name, so that the caller learns it sent one; its text is never quoted.
 */
function otherBlockProblem(text: string): string | undefined {
  for (const [, label] of text.matchAll(BEGIN_LABEL)) {
    if (/PRIVATE KEY/.test(label))
      return 'the body holds a private key, which must never be sent; send the certificate alone';
    if (label !== 'CERTIFICATE')
      return `the body holds a ${label.slice(0, 40)} block; send the certificate alone`;
  }
  return undefined;
}

/**
 * The certificate an `application/x-pem-file` body carries, parsed, with its x5t#S256.
 * A refusal quotes only certs/' own CertificateParseError wording, never another error's text.
 */
export function pemCertificateOfBody(req: Request): { info: CertificateInfo; x5tS256: string } {
  const text = (req.rawBody ?? Buffer.alloc(0)).toString('utf8');
  const other = otherBlockProblem(text);
  if (other) throw new BadRequest(`body: ${other}`);
  let info: CertificateInfo;
  try {
    info = parseCertificate(text);
  } catch (err) {
    const why = err instanceof CertificateParseError ? err.message : 'it cannot be read';
    throw new BadRequest(`body: the certificate is not a PEM certificate (${why})`);
  }
  return { info, x5tS256: createHash('sha256').update(info.der).digest('base64url') };
}
