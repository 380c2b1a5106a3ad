import { CLASS_CONTEXT, children, fromDer, readIntegerHex, readOctets, readOid, readTlv } from './asn1.js';
import { OcspError } from './errors.js';
import { OCSP_HASH_OIDS, type OcspCertId } from './ocsp-cert-id.js';
import { OID } from './oids.js';

export interface ParsedOcspRequest {
  certIds: OcspCertId[];
  /** The nonce extension exactly as sent (extnValue contents), to echo back. */
  nonce?: Buffer;
}

/** Most CertIDs answered in one request: more is refused as malformed (bounded work per request). */
export const MAX_OCSP_REQUEST_CERTS = 20;

const hashByOid = Object.fromEntries(Object.entries(OCSP_HASH_OIDS).map(([k, v]) => [v, k])) as Record<
  string,
  OcspCertId['hash']
>;

/**
 * Parses an RFC 6960 OCSPRequest (DER). Signed requests are accepted and the
 * signature ignored (this responder answers anyone, as public OCSP
 * responders do). Throws OcspError('malformedRequest') on anything else.
 */
export function readOcspRequest(der: Buffer): ParsedOcspRequest {
  try {
    readTlv(der, 0);
    const [tbs] = children(fromDer(der), 'OCSPRequest');
    const fields = children(tbs, 'TBSRequest');
    let i = 0;
    if (fields[i]?.tagClass === CLASS_CONTEXT && fields[i].type === 0) i++; // version
    if (fields[i]?.tagClass === CLASS_CONTEXT && fields[i].type === 1) i++; // requestorName
    const list = children(fields[i], 'requestList');
    if (list.length === 0 || list.length > MAX_OCSP_REQUEST_CERTS) {
      throw new OcspError('malformedRequest', `requestList must hold 1–${MAX_OCSP_REQUEST_CERTS} entries`);
    }
    const certIds = list.map((r, n) => {
      const [certId] = children(r, `Request ${n}`);
      const [alg, nameHash, keyHash, serial] = children(certId, 'CertID');
      const hash = hashByOid[readOid(children(alg, 'hashAlgorithm')[0], 'hashAlgorithm')];
      if (!hash) throw new OcspError('malformedRequest', 'CertID hash must be SHA-1 or SHA-256');
      return {
        hash,
        issuerNameHash: readOctets(nameHash, 'issuerNameHash'),
        issuerKeyHash: readOctets(keyHash, 'issuerKeyHash'),
        serialHex: readIntegerHex(serial, 'serialNumber'),
      };
    });
    let nonce: Buffer | undefined;
    const extField = fields[i + 1];
    if (extField?.tagClass === CLASS_CONTEXT && extField.type === 2 && Array.isArray(extField.value)) {
      for (const ext of children(extField.value[0], 'requestExtensions')) {
        const parts = children(ext, 'Extension');
        if (readOid(parts[0], 'extnID') === OID.ocspNonce) {
          nonce = readOctets(parts[parts.length - 1], 'nonce');
          if (nonce.length > 128) throw new OcspError('malformedRequest', 'nonce longer than 128 bytes');
        }
      }
    }
    return { certIds, ...(nonce ? { nonce } : {}) };
  } catch (err) {
    if (err instanceof OcspError) throw err;
    throw new OcspError('malformedRequest', `not an OCSP request: ${(err as Error).message}`);
  }
}
