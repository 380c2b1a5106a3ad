/** RFC 6960 CertID: which certificate of which issuer an OCSP request or answer is about. */
import { createHash, X509Certificate } from 'node:crypto';
import { readTlv, toDer } from './asn1.js';
import { OID } from './oids.js';
import { certificateStructure } from './x509-parse.js';

export interface OcspCertId {
  /** 'sha1' (what openssl and most clients send) or 'sha256'. */
  hash: 'sha1' | 'sha256';
  /** Hash of the issuer's subject Name (DER). */
  issuerNameHash: Buffer;
  /** Hash of the issuer's subjectPublicKey BIT STRING contents. */
  issuerKeyHash: Buffer;
  /** Lowercase hex, no leading zero bytes. */
  serialHex: string;
}

export const OCSP_HASH_OIDS: Record<OcspCertId['hash'], string> = { sha1: OID.sha1, sha256: OID.sha256 };

/** The issuer's subject Name DER and subjectPublicKey bits, from its certificate. */
export function issuerHashInputs(issuer: X509Certificate): { nameDer: Buffer; keyBits: Buffer } {
  const parts = certificateStructure(issuer.raw);
  const spki = parts.spkiDer;
  const outer = readTlv(spki, 0);
  const alg = readTlv(spki, outer.contentStart);
  const bits = readTlv(spki, alg.end);
  return { nameDer: toDer(parts.subjectNode), keyBits: spki.subarray(bits.contentStart + 1, bits.end) };
}

/** The CertID of `serialHex` under `issuer` with the given hash. */
export function certIdFor(
  issuer: X509Certificate,
  serialHex: string,
  hash: OcspCertId['hash'] = 'sha1',
): OcspCertId {
  const { nameDer, keyBits } = issuerHashInputs(issuer);
  const h = (b: Buffer) => createHash(hash).update(b).digest();
  return { hash, issuerNameHash: h(nameDer), issuerKeyHash: h(keyBits), serialHex };
}

export function sameCertId(a: OcspCertId, b: OcspCertId): boolean {
  return (
    a.hash === b.hash &&
    a.serialHex === b.serialHex &&
    a.issuerNameHash.equals(b.issuerNameHash) &&
    a.issuerKeyHash.equals(b.issuerKeyHash)
  );
}

export const x509Of = (pemOrDer: string | Buffer): X509Certificate => new X509Certificate(pemOrDer);
