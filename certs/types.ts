import type { KeyObject, X509Certificate } from 'node:crypto';

/** Certificate profiles the directory CA issues (`ocspSigning`: its delegated OCSP responder, RFC 6960 §4.2.2.2). */
export type CertificateType =
  | 'obtransport'
  | 'obsigning'
  | 'obwac'
  | 'obseal'
  | 'qwac'
  | 'qseal'
  | 'server'
  | 'ocspSigning';

export const CERTIFICATE_TYPES: readonly CertificateType[] = [
  'obtransport',
  'obsigning',
  'obwac',
  'obseal',
  'qwac',
  'qseal',
  'server',
  'ocspSigning',
];

/** PSD2 roles of a payment service provider (ETSI TS 119 495). */
export type Psd2Role = 'PSP_AS' | 'PSP_PI' | 'PSP_AI' | 'PSP_IC';

/**
 * One attribute of a distinguished name. `name` is 'C', 'ST', 'L', 'O', 'OU', 'CN',
 * 'organizationIdentifier' (or another well-known short name), or the dotted OID when unknown.
 */
export interface DnAttribute {
  oid: string;
  name: string;
  value: string;
}

export interface ParsedCsr {
  /** DER of the whole CertificationRequest. */
  der: Buffer;
  /** Subject attributes in ASN.1 order (least specific first), multi-valued RDNs flattened. */
  subject: DnAttribute[];
  /** node:crypto public key. */
  publicKey: KeyObject;
  keyType: 'RSA' | 'EC';
  keyBits: number;
  sanDns: string[];
  sanIps: string[];
  /** e.g. 'sha256WithRSAEncryption', 'ecdsa-with-SHA256', 'RSASSA-PSS'. */
  signatureAlgorithm: string;
}

export interface SubjectContext {
  /** OB organisation id (18-char base62). */
  orgId: string;
  /** Software statement id, for obtransport/obsigning. */
  softwareId?: string;
  /** Organisation legal name (O= for OBWAC/OBSeal). */
  legalName: string;
  /** e.g. 'PSDGB-OB-Unknown<orgId>' for OB certs, 'PSDUK-UKBXXX-12345678' for eIDAS QWAC/QSeal. */
  organisationIdentifier: string;
  /** PSD2 roles for qcStatements. */
  roles: Psd2Role[];
  /** Default 'Financial Conduct Authority'. */
  ncaName?: string;
  /** Default 'GB-FCA'. */
  ncaId?: string;
}

export interface IssuedCertificate {
  pem: string;
  der: Buffer;
  /** Lowercase hex of the serial number, without a sign byte. */
  serialHex: string;
  notBefore: Date;
  notAfter: Date;
  subject: DnAttribute[];
  /** base64url SHA-1 of the DER. */
  x5t: string;
  /** base64url SHA-256 of the DER. */
  x5tS256: string;
  /** = x5t */
  kid: string;
}

declare const encodedName: unique symbol;
/**
 * A parsed ASN.1 Name, opaque outside certs/ (inside it is an `Asn1` node of asn1.ts): the
 * declarations of the package then need no node-forge types.
 */
export type EncodedName = { readonly [encodedName]: true };

/** What the CA caches about its issuing certificate so that issuance costs one signature. */
export interface IssuerCache {
  /** Issuing CA subject Name, parsed once, reused as the issuer of every certificate and CRL. */
  readonly name: EncodedName;
  readonly subject: DnAttribute[];
  /** Subject key identifier of the issuing CA (becomes the AKI of what it signs). */
  readonly keyId: Buffer;
  readonly notBefore: Date;
  readonly notAfter: Date;
  readonly cert: X509Certificate;
}

export interface CertificateAuthority {
  rootCertPem: string;
  issuingCertPem: string;
  /** Issuing CA then root CA. */
  bundlePem: string;
  /** Put in the CRL distribution point of every issued certificate. */
  crlUrl: string;
  /** OCSP responder named in the Authority Information Access of every issued certificate (RFC 6960). */
  ocspUrl?: string;
  /** Where the issuing CA certificate is published (AIA caIssuers), with `ocspUrl`. */
  caIssuersUrl?: string;
  /** Issuing CA private key. Only ever written to `issuing.key.pem`. */
  readonly issuingKey: KeyObject;
  readonly issuer: IssuerCache;
}

export interface KeyPair {
  privateKey: KeyObject;
  publicKey: KeyObject;
  /** PKCS#8 PEM ("PRIVATE KEY"). */
  privateKeyPem: string;
  /** SPKI PEM ("PUBLIC KEY"). */
  publicKeyPem: string;
}

export type KeyUsageName =
  | 'digitalSignature'
  | 'nonRepudiation'
  | 'keyEncipherment'
  | 'dataEncipherment'
  | 'keyAgreement'
  | 'keyCertSign'
  | 'cRLSign'
  | 'encipherOnly'
  | 'decipherOnly';

export interface CertificateInfo {
  der: Buffer;
  pem: string;
  /** Lowercase hex, no sign byte. */
  serialHex: string;
  subject: DnAttribute[];
  issuer: DnAttribute[];
  notBefore: Date;
  notAfter: Date;
  sanDns: string[];
  sanIps: string[];
  keyUsage: KeyUsageName[];
  keyUsageCritical: boolean;
  /** 'serverAuth', 'clientAuth', … or the dotted OID when unknown. */
  extKeyUsage: string[];
  basicConstraints?: { ca: boolean; pathLen?: number; critical: boolean };
  qcCompliance: boolean;
  qcType?: 'web' | 'eseal';
  psd2Roles: Psd2Role[];
  ncaName?: string;
  ncaId?: string;
  crlUrls: string[];
  /** Lowercase hex. */
  subjectKeyId?: string;
  /** Lowercase hex (keyIdentifier of the AKI). */
  authorityKeyId?: string;
  /** OIDs of all extensions present, in order. */
  extensionOids: string[];
  signatureAlgorithm: string;
  publicKey: KeyObject;
  keyType: string;
  keyBits?: number;
  x5t: string;
  x5tS256: string;
  /** node's parsed certificate, for `verify`, `checkIssued`, fingerprints. */
  x509: X509Certificate;
}

export interface RevokedEntry {
  serialHex: string;
  revokedAt: Date;
}

export interface ParsedCrl {
  der: Buffer;
  issuer: DnAttribute[];
  /** DER of the issuer Name, for exact comparison with a certificate's issuer. */
  issuerDer: Buffer;
  thisUpdate: Date;
  nextUpdate?: Date;
  crlNumber?: number;
  authorityKeyId?: string;
  /** Normalised lowercase hex serials. */
  serials: string[];
  revoked: RevokedEntry[];
  signatureAlgorithm: string;
  /** DER of the signature AlgorithmIdentifier (with parameters). */
  signatureAlgorithmDer: Buffer;
  /** DER of TBSCertList, what the signature covers. */
  tbsDer: Buffer;
  signature: Buffer;
}

export type VerifyFailureReason =
  | 'malformed'
  | 'untrusted'
  | 'expired'
  | 'not_yet_valid'
  | 'revoked'
  | 'bad_crl';

export type VerifyResult =
  | { ok: true; info: CertificateInfo }
  | { ok: false; reason: VerifyFailureReason; message: string };
