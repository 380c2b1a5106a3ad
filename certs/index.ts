export type { BuildCrlOptions } from './build-crl.js';
export { buildCrl } from './build-crl.js';
export { buildOcspRequest, type OcspRequest } from './build-ocsp-request.js';
export {
  buildOcspResponse,
  type OcspAnswer,
  type OcspCertStatus,
  type OcspSigner,
  ocspErrorResponse,
} from './build-ocsp-response.js';
export { certificateSubject } from './certificate-subject.js';
export { checkCsrForProfile } from './check-csr-for-profile.js';
export {
  type CheckOcspStatusOptions,
  checkOcspStatus,
  type OcspGet,
  ocspUrlOf,
} from './check-ocsp-status.js';
export type { CreateCsrOptions } from './create-csr.js';
export { createCsr } from './create-csr.js';
export { dnEquals } from './dn-equals.js';
export type { DnToStringOptions } from './dn-to-string.js';
export { dnToString } from './dn-to-string.js';
export { CertificateParseError, CrlError, CsrError, DnParseError, OcspError } from './errors.js';
export { generateEcKeyPair } from './generate-ec-key-pair.js';
export { generateRsaKeyPair, prepareRsaKeys, useKeyCache } from './generate-rsa-key-pair.js';
export { isRevoked } from './is-revoked.js';
export type { IssueRequest } from './issue-certificate.js';
export { issueCertificate, issueCertificateAsync } from './issue-certificate.js';
export { issueOcspSigner } from './issue-ocsp-signer.js';
export type { KeyPoolOptions } from './key-pool.js';
export { KeyPool } from './key-pool.js';
export type { LoadOrCreateCaOptions } from './load-or-create-ca.js';
export { CA_FILES, loadOrCreateCa } from './load-or-create-ca.js';
export { loadOrCreateEcKeyFile } from './load-or-create-ec-key-file.js';
export { loadOrCreateRsaKeyFile } from './load-or-create-key-file.js';
export { certIdFor, type OcspCertId, sameCertId } from './ocsp-cert-id.js';
export { parseCertificate } from './parse-certificate.js';
export { parseCrl } from './parse-crl.js';
export { MAX_CSR_PEM_BYTES, parseCsr } from './parse-csr.js';
export { parseDn } from './parse-dn.js';
export { toPem } from './pem.js';
export { MAX_OCSP_REQUEST_CERTS, type ParsedOcspRequest, readOcspRequest } from './read-ocsp-request.js';
export { type OcspResult, type ReadOcspResponseOptions, readOcspResponse } from './read-ocsp-response.js';
export type {
  CertificateAuthority,
  CertificateInfo,
  CertificateType,
  DnAttribute,
  IssuedCertificate,
  IssuerCache,
  KeyPair,
  KeyUsageName,
  ParsedCrl,
  ParsedCsr,
  Psd2Role,
  RevokedEntry,
  SubjectContext,
  VerifyFailureReason,
  VerifyResult,
} from './types.js';
export { CERTIFICATE_TYPES } from './types.js';
export type { VerifyCertificateOptions } from './verify-certificate.js';
export { verifyCertificate } from './verify-certificate.js';
