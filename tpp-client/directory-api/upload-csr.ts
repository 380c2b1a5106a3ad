import { toPem } from '../../certs/index.js';
import { DirectoryError } from '../errors.js';
import { type DirectoryConnection, directoryCall, directoryJson } from './directory-call.js';

export type SoftwareCertificateType = 'obtransport' | 'obsigning';
export type OrganisationCertificateType = 'obwac' | 'obseal' | 'qwac' | 'qseal';

/** A certificate the directory issued for a CSR (`CertificateOrKeyGetSchema`). */
export interface IssuedCertificateJwk {
  /** The key id in the keystore (OB: the certificate's x5t). */
  kid: string;
  /** The leaf certificate, PEM (from `x5c[0]`). */
  certPem: string;
  /** The rest of `x5c` (issuing CA …), PEM. */
  chainPem: string;
  /** The directory's whole answer (public members only). */
  jwk: Record<string, unknown>;
}

export interface UploadCsrTarget {
  organisationId: string;
  accessToken: string;
  /** For obtransport/obsigning: the software statement the certificate belongs to. */
  softwareStatementId?: string;
}

/**
 * Uploads a CSR (`application/x-pem-file`) and returns the certificate:
 * `POST /v2.1/organisation/{org}/software-statement/{id}/certificate/{obtransport|obsigning}` or
 * `POST /v2.1/organisation/{org}/certificate/{obwac|obseal|qwac|qseal}`.
 */
export async function uploadCsr(
  dir: DirectoryConnection,
  target: UploadCsrTarget,
  type: SoftwareCertificateType | OrganisationCertificateType,
  csrPem: string,
): Promise<IssuedCertificateJwk> {
  const step = `upload ${type} CSR`;
  const org = `/v2.1/organisation/${encodeURIComponent(target.organisationId)}`;
  const softwareType = type === 'obtransport' || type === 'obsigning';
  if (softwareType && !target.softwareStatementId) {
    throw new TypeError(`uploadCsr: a ${type} certificate needs softwareStatementId`);
  }
  const path = softwareType
    ? `${org}/software-statement/${encodeURIComponent(target.softwareStatementId!)}/certificate/${type}`
    : `${org}/certificate/${type}`;
  const res = await directoryCall(dir, step, {
    method: 'POST',
    path,
    token: target.accessToken,
    contentType: 'application/x-pem-file',
    accept: 'application/jwk+json, application/json',
    body: csrPem,
  });
  const jwk = directoryJson(step, res);
  const x5c = jwk.x5c;
  if (typeof jwk.kid !== 'string' || !Array.isArray(x5c) || typeof x5c[0] !== 'string') {
    throw new DirectoryError(step, res.status, 'invalid_response', 'the answer has no kid or x5c');
  }
  const pems = (x5c as unknown[]).map((b64) => derBase64ToPem(String(b64)));
  return { kid: jwk.kid, certPem: pems[0], chainPem: pems.slice(1).join(''), jwk };
}

function derBase64ToPem(b64: string): string {
  return toPem(Buffer.from(b64.replace(/\s+/g, ''), 'base64'), 'CERTIFICATE');
}
