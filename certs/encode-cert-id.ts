import { type Asn1, nul, octets, oid, seq, unsignedInteger } from './asn1.js';
import { OCSP_HASH_OIDS, type OcspCertId } from './ocsp-cert-id.js';

/** An RFC 6960 CertID as ASN.1 (kept apart from ocsp-cert-id.ts so its types stay node-forge free). */
export function encodeCertId(id: OcspCertId): Asn1 {
  return seq([
    seq([oid(OCSP_HASH_OIDS[id.hash]), nul()]),
    octets(id.issuerNameHash),
    octets(id.issuerKeyHash),
    unsignedInteger(Buffer.from(id.serialHex.length % 2 ? `0${id.serialHex}` : id.serialHex, 'hex')),
  ]);
}
