import {
  CLASS_CONTEXT,
  children,
  fromDer,
  isTime,
  rawChildren,
  readBitString,
  readIntegerHex,
  readOctets,
  readOid,
  readSmallInteger,
  readTime,
  TAG,
  toDer,
} from './asn1.js';
import { CrlError } from './errors.js';
import { OID } from './oids.js';
import { pemBlocks } from './pem.js';
import type { ParsedCrl, RevokedEntry } from './types.js';
import { signatureAlgorithmName } from './verify-signature.js';
import { decodeName } from './x509-name.js';

/**
 * Parses a CRL (DER, or a PEM "X509 CRL" string). Does not verify the signature: verifyCertificate
 * does that against the issuing CA. Throws CrlError when the input is not a CRL.
 */
export function parseCrl(input: Buffer | string): ParsedCrl {
  let der: Buffer;
  if (typeof input === 'string' || input.subarray(0, 11).toString('latin1') === '-----BEGIN ') {
    let blocks: ReturnType<typeof pemBlocks>;
    try {
      blocks = pemBlocks(input.toString(), false);
    } catch (err) {
      throw new CrlError(`malformed CRL PEM: ${(err as Error).message}`);
    }
    if (blocks.length !== 1 || blocks[0].label !== 'X509 CRL') {
      throw new CrlError('expected one PEM block "-----BEGIN X509 CRL-----"');
    }
    der = blocks[0].der;
  } else {
    der = input;
  }
  try {
    const [tbs, sigAlg, sigValue] = children(fromDer(der), 'CertificateList');
    const [tbsDer] = rawChildren(der, 1);
    const fields = children(tbs, 'TBSCertList');
    let i = 0;
    if (fields[0]?.type === TAG.INTEGER && fields[0].tagClass === 0) {
      const v = readSmallInteger(fields[0], 'version');
      if (v !== 1) throw new Error(`version: expected v2, found ${v + 1}`);
      i = 1;
    }
    i++; // signature AlgorithmIdentifier
    const issuerNode = fields[i++];
    const issuer = decodeName(issuerNode, 'issuer');
    const thisUpdate = readTime(fields[i++], 'thisUpdate');
    let nextUpdate: Date | undefined;
    if (isTime(fields[i])) nextUpdate = readTime(fields[i++], 'nextUpdate');
    const revoked: RevokedEntry[] = [];
    if (fields[i]?.tagClass === 0 && fields[i].type === TAG.SEQUENCE) {
      for (const entry of children(fields[i++], 'revokedCertificates')) {
        const [serial, date] = children(entry, 'revokedCertificate');
        revoked.push({
          serialHex: readIntegerHex(serial, 'userCertificate'),
          revokedAt: readTime(date, 'revocationDate'),
        });
      }
    }
    let crlNumber: number | undefined;
    let authorityKeyId: string | undefined;
    const extsNode = fields[i];
    if (extsNode?.tagClass === CLASS_CONTEXT && extsNode.type === 0 && Array.isArray(extsNode.value)) {
      for (const ext of children(extsNode.value[0], 'crlExtensions')) {
        const parts = children(ext, 'extension');
        const extOid = readOid(parts[0], 'extnID');
        const value = readOctets(parts[parts.length - 1], extOid);
        if (extOid === OID.crlNumber) crlNumber = readSmallInteger(fromDer(value), 'cRLNumber');
        if (extOid === OID.authorityKeyIdentifier) {
          const keyId = children(fromDer(value), 'authorityKeyIdentifier').find(
            (n) => n.tagClass === CLASS_CONTEXT && n.type === 0,
          );
          if (keyId && typeof keyId.value === 'string')
            authorityKeyId = Buffer.from(keyId.value, 'binary').toString('hex');
        }
      }
    }
    const sig = readBitString(sigValue, 'signatureValue');
    return {
      der,
      issuer,
      issuerDer: toDer(issuerNode),
      thisUpdate,
      nextUpdate,
      crlNumber,
      authorityKeyId,
      serials: revoked.map((r) => r.serialHex),
      revoked,
      signatureAlgorithm: signatureAlgorithmName(
        readOid(children(sigAlg, 'signatureAlgorithm')[0], 'signatureAlgorithm'),
      ),
      signatureAlgorithmDer: toDer(sigAlg),
      tbsDer,
      signature: sig.bytes,
    };
  } catch (err) {
    if (err instanceof CrlError) throw err;
    throw new CrlError(`malformed CRL: ${(err as Error).message}`);
  }
}
