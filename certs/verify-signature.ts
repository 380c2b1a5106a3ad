/** Signature verification with node:crypto for the algorithms X.509 objects use. Internal to certs/. */
import { constants, type KeyObject, verify } from 'node:crypto';
import { type Asn1, CLASS_CONTEXT, children, readOid, readSmallInteger } from './asn1.js';
import { OID, SIGNATURE_ALGORITHM_NAMES } from './oids.js';

const HASH_OF: Record<string, string> = {
  [OID.sha256WithRSAEncryption]: 'sha256',
  [OID.sha384WithRSAEncryption]: 'sha384',
  [OID.sha512WithRSAEncryption]: 'sha512',
  [OID.ecdsaWithSha256]: 'sha256',
  [OID.ecdsaWithSha384]: 'sha384',
  [OID.ecdsaWithSha512]: 'sha512',
};
const HASH_BY_OID: Record<string, string> = {
  [OID.sha256]: 'sha256',
  [OID.sha384]: 'sha384',
  [OID.sha512]: 'sha512',
  [OID.sha1]: 'sha1',
};

export class UnsupportedSignatureAlgorithm extends Error {}

export function signatureAlgorithmName(algOid: string): string {
  return SIGNATURE_ALGORITHM_NAMES[algOid] ?? algOid;
}

/**
 * Verifies `signature` over `data` with `key` per the AlgorithmIdentifier node.
 * Returns false for a wrong signature; throws UnsupportedSignatureAlgorithm for SHA-1, unknown
 * algorithms, or an algorithm that does not fit the key type.
 */
export function verifySignature(algorithm: Asn1, data: Buffer, signature: Buffer, key: KeyObject): boolean {
  const [algOidNode, params] = children(algorithm, 'signatureAlgorithm');
  const algOid = readOid(algOidNode, 'signatureAlgorithm');
  const keyType = key.asymmetricKeyType;
  if (algOid === OID.sha1WithRSAEncryption) {
    throw new UnsupportedSignatureAlgorithm(
      'SHA-1 signatures (sha1WithRSAEncryption) are not accepted; use SHA-256',
    );
  }
  if (algOid === OID.rsassaPss) {
    if (keyType !== 'rsa' && keyType !== 'rsa-pss') {
      throw new UnsupportedSignatureAlgorithm(`RSASSA-PSS signature with a ${keyType} key`);
    }
    const { hash, saltLength } = pssParams(params);
    return verify(hash, data, { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength }, signature);
  }
  const hash = HASH_OF[algOid];
  if (!hash) throw new UnsupportedSignatureAlgorithm(`unsupported signature algorithm ${algOid}`);
  const isEcdsa = algOid.startsWith('1.2.840.10045.');
  if (isEcdsa ? keyType !== 'ec' : keyType !== 'rsa') {
    throw new UnsupportedSignatureAlgorithm(
      `${signatureAlgorithmName(algOid)} signature with a ${keyType} key`,
    );
  }
  return verify(hash, data, key, signature);
}

function pssParams(params: Asn1 | undefined): { hash: string; saltLength: number } {
  let hash = 'sha1';
  let mgfHash = 'sha1';
  let saltLength = 20;
  for (const p of children(params, 'RSASSA-PSS-params')) {
    if (p.tagClass !== CLASS_CONTEXT || !Array.isArray(p.value)) continue;
    const inner = p.value[0];
    if (p.type === 0)
      hash = HASH_BY_OID[readOid(children(inner, 'hashAlgorithm')[0], 'hashAlgorithm')] ?? '?';
    if (p.type === 1) {
      const [mgfOid, mgfParams] = children(inner, 'maskGenAlgorithm');
      if (readOid(mgfOid, 'maskGenAlgorithm') !== OID.mgf1)
        throw new UnsupportedSignatureAlgorithm('PSS: MGF is not MGF1');
      mgfHash = HASH_BY_OID[readOid(children(mgfParams, 'MGF1 hash')[0], 'MGF1 hash')] ?? '?';
    }
    if (p.type === 2) saltLength = readSmallInteger(inner, 'saltLength');
  }
  if (hash === 'sha1' || hash === '?')
    throw new UnsupportedSignatureAlgorithm(`PSS with hash ${hash} is not accepted`);
  if (mgfHash !== hash)
    throw new UnsupportedSignatureAlgorithm('PSS: MGF1 hash differs from the message hash');
  return { hash, saltLength };
}
