import { X509Certificate } from 'node:crypto';
import type { OcspSigner } from './build-ocsp-response.js';
import { createCsr } from './create-csr.js';
import { issueCertificate } from './issue-certificate.js';
import { parseCsr } from './parse-csr.js';
import type { CertificateAuthority, KeyPair } from './types.js';

/**
 * A delegated OCSP signing certificate for `key` (RSA 2048, node:crypto),
 * issued by the issuing CA (RFC 6960 §4.2.2.2): EKU id-kp-OCSPSigning,
 * id-pkix-ocsp-nocheck, `validityDays` long.
 */
export function issueOcspSigner(
  ca: CertificateAuthority,
  key: KeyPair,
  opts: { now?: Date; validityDays?: number } = {},
): OcspSigner & { pem: string } {
  const csr = parseCsr(createCsr({ key, subject: [{ name: 'CN', value: 'obmock OCSP Responder' }] }));
  const issued = issueCertificate(ca, {
    type: 'ocspSigning',
    csr,
    ctx: { orgId: 'obmock', legalName: 'obmock', organisationIdentifier: '', roles: [] },
    validityDays: opts.validityDays ?? 30,
    ...(opts.now ? { now: opts.now } : {}),
  });
  return { key: key.privateKey, cert: new X509Certificate(issued.der), pem: issued.pem };
}
