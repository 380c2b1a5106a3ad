import { randomBytes, type X509Certificate } from 'node:crypto';
import { explicit, octets, oid, seq, toDer } from './asn1.js';
import { encodeCertId } from './encode-cert-id.js';
import { certIdFor, type OcspCertId } from './ocsp-cert-id.js';
import { OID } from './oids.js';

export interface OcspRequest {
  der: Buffer;
  certId: OcspCertId;
  /** The nonce extension value sent (DER OCTET STRING of 16 random bytes); the answer must echo it. */
  nonce: Buffer;
}

/**
 * An unsigned OCSPRequest (RFC 6960 §4.1) for one certificate, CertID
 * hashed with SHA-1 as openssl and most responders expect, with a nonce
 * (RFC 8954: 16 random bytes).
 */
export function buildOcspRequest(leaf: X509Certificate, issuer: X509Certificate): OcspRequest {
  const certId = certIdFor(issuer, leaf.serialNumber.toLowerCase().replace(/^(00)+(?=..)/, ''), 'sha1');
  const nonce = toDer(octets(randomBytes(16)));
  const tbs = seq([
    seq([seq([encodeCertId(certId)])]),
    explicit(2, seq([seq([oid(OID.ocspNonce), octets(nonce)])])),
  ]);
  return { der: toDer(seq([tbs])), certId, nonce };
}
