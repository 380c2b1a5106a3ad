/** Building blocks of X.509 certificates: TBSCertificate and extensions. Internal to certs/. */
import { createHash, type KeyObject, randomBytes } from 'node:crypto';
import {
  type Asn1,
  bitString,
  bool,
  explicit,
  fromDer,
  implicitConstructed,
  implicitPrimitive,
  namedBits,
  octets,
  oid,
  readTlv,
  seq,
  smallInteger,
  time,
  toDer,
  unsignedInteger,
  utf8,
} from './asn1.js';
import { KEY_USAGE_BITS, OID, PSD2_ROLE_OIDS } from './oids.js';
import { sha256WithRsaAlgorithm } from './sign.js';
import { spkiDerOf } from './spki-cache.js';
import type { KeyUsageName, Psd2Role } from './types.js';

/** 16 random bytes, positive and minimally encodable (first byte 0x01..0x7f). */
export function randomSerial(): Buffer {
  const b = randomBytes(16);
  b[0] &= 0x7f;
  if (b[0] === 0) b[0] = 0x01;
  return b;
}

export interface SubjectPublicKey {
  /** SubjectPublicKeyInfo as a forge node, ready to embed. */
  node: Asn1;
  der: Buffer;
  /** SHA-1 of the subjectPublicKey BIT STRING contents (RFC 5280 4.2.1.2, method 1). */
  keyId: Buffer;
}

export function subjectPublicKey(publicKey: KeyObject): SubjectPublicKey {
  const der = spkiDerOf(publicKey);
  // Only the small AlgorithmIdentifier goes through forge's parser; the key bits are copied as they are.
  const outer = readTlv(der, 0);
  const alg = readTlv(der, outer.contentStart);
  const bits = readTlv(der, alg.end);
  if (der[bits.start] !== 0x03 || bits.end !== outer.end) throw new Error('unexpected SubjectPublicKeyInfo');
  const node = seq([
    fromDer(der.subarray(alg.start, alg.end)),
    bitString(der.subarray(bits.contentStart + 1, bits.end), der[bits.contentStart]),
  ]);
  return { node, der, keyId: keyIdOfSpki(der) };
}

/** SHA-1 of the subjectPublicKey BIT STRING contents (without the unused-bits octet). */
export function keyIdOfSpki(spkiDer: Buffer): Buffer {
  const outer = readTlv(spkiDer, 0);
  const alg = readTlv(spkiDer, outer.contentStart);
  const bits = readTlv(spkiDer, alg.end);
  return createHash('sha1')
    .update(spkiDer.subarray(bits.contentStart + 1, bits.end))
    .digest();
}

export interface TbsCertificateParams {
  serial: Buffer;
  issuer: Asn1;
  notBefore: Date;
  notAfter: Date;
  subject: Asn1;
  spki: Asn1;
  extensions: Asn1[];
  /** The issuer's signature algorithm (`signatureAlgorithmFor`); default sha256WithRSAEncryption. */
  signatureAlgorithm?: Asn1;
}

/** DER of a v3 TBSCertificate, to be signed with `signatureAlgorithm` (default sha256WithRSAEncryption). */
export function tbsCertificateDer(p: TbsCertificateParams): Buffer {
  return toDer(
    seq([
      explicit(0, smallInteger(2)),
      unsignedInteger(p.serial),
      p.signatureAlgorithm ?? sha256WithRsaAlgorithm(),
      p.issuer,
      seq([time(p.notBefore), time(p.notAfter)]),
      p.subject,
      p.spki,
      explicit(3, seq(p.extensions)),
    ]),
  );
}

export function extension(extOid: string, critical: boolean, value: Asn1): Asn1 {
  const parts = [oid(extOid)];
  if (critical) parts.push(bool(true));
  parts.push(octets(toDer(value)));
  return seq(parts);
}

/** Always critical. */
export function basicConstraintsExt(ca: boolean, pathLen?: number): Asn1 {
  const parts: Asn1[] = [];
  if (ca) parts.push(bool(true));
  if (ca && pathLen !== undefined) parts.push(smallInteger(pathLen));
  return extension(OID.basicConstraints, true, seq(parts));
}

/** Always critical. */
export function keyUsageExt(usages: readonly KeyUsageName[]): Asn1 {
  return extension(OID.keyUsage, true, namedBits(usages.map((u) => KEY_USAGE_BITS.indexOf(u))));
}

export function extKeyUsageExt(oids: readonly string[]): Asn1 {
  return extension(OID.extKeyUsage, false, seq(oids.map(oid)));
}

export function subjectKeyIdExt(keyId: Buffer): Asn1 {
  return extension(OID.subjectKeyIdentifier, false, octets(keyId));
}

export function authorityKeyIdExt(keyId: Buffer): Asn1 {
  return extension(OID.authorityKeyIdentifier, false, seq([implicitPrimitive(0, keyId)]));
}

/** One DistributionPoint with a fullName URI. */
export function crlDistributionPointsExt(url: string): Asn1 {
  const fullName = implicitConstructed(0, [implicitPrimitive(6, Buffer.from(url, 'utf8'))]);
  return extension(OID.crlDistributionPoints, false, seq([seq([explicit(0, fullName)])]));
}

/** Authority Information Access: the OCSP responder (RFC 6960 §3.1), and where the issuer certificate is. */
export function authorityInfoAccessExt(ocspUrl: string, caIssuersUrl?: string): Asn1 {
  const access = (method: string, url: string) =>
    seq([oid(method), implicitPrimitive(6, Buffer.from(url, 'utf8'))]);
  const items = [access(OID.accessOcsp, ocspUrl)];
  if (caIssuersUrl) items.push(access(OID.accessCaIssuers, caIssuersUrl));
  return extension(OID.authorityInfoAccess, false, seq(items));
}

export function subjectAltNameExt(dns: readonly string[], ips: readonly Buffer[]): Asn1 {
  return extension(
    OID.subjectAltName,
    false,
    seq([
      ...dns.map((d) => implicitPrimitive(2, Buffer.from(d, 'ascii'))),
      ...ips.map((ip) => implicitPrimitive(7, ip)),
    ]),
  );
}

/**
 * qcStatements: QcCompliance, QcType (web or eseal) and the PSD2 statement
 * (ETSI TS 119 495: roles of the PSP, NCA name and id).
 */
export function qcStatementsExt(
  type: 'web' | 'eseal',
  roles: readonly Psd2Role[],
  ncaName: string,
  ncaId: string,
): Asn1 {
  const rolesOfPsp = seq(roles.map((r) => seq([oid(PSD2_ROLE_OIDS[r]), utf8(r)])));
  return extension(
    OID.qcStatements,
    false,
    seq([
      seq([oid(OID.qcCompliance)]),
      seq([oid(OID.qcType), seq([oid(type === 'web' ? OID.qcTypeWeb : OID.qcTypeEseal)])]),
      seq([oid(OID.psd2Statement), seq([rolesOfPsp, utf8(ncaName), utf8(ncaId)])]),
    ]),
  );
}
