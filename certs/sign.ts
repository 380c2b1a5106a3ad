/** Signing of to-be-signed structures with node:crypto. Internal to certs/. */
import { type KeyObject, sign } from 'node:crypto';
import { type Asn1, bitString, nul, oid, seq, toDer, wrapDer } from './asn1.js';
import { OID } from './oids.js';

/** AlgorithmIdentifier { sha256WithRSAEncryption, NULL } (fresh node: callers embed it in a tree). */
export const sha256WithRsaAlgorithm = (): Asn1 => seq([oid(OID.sha256WithRSAEncryption), nul()]);
const SHA256_WITH_RSA_DER = toDer(sha256WithRsaAlgorithm());

/**
 * Signs the DER of a TBSCertificate / TBSCertList / CertificationRequestInfo with RSA PKCS#1 v1.5
 * SHA-256 (node:crypto) and returns SEQUENCE { tbs, algorithm, BIT STRING signature } as DER.
 */
export function signSha256WithRsa(tbsDer: Buffer, key: KeyObject): Buffer {
  if (key.type !== 'private' || key.asymmetricKeyType !== 'rsa') {
    throw new TypeError('signing key must be an RSA private key');
  }
  const signature = sign('sha256', tbsDer, key);
  return wrapDer(0x30, [tbsDer, SHA256_WITH_RSA_DER, toDer(bitString(signature))]);
}

/** signSha256WithRsa with the RSA operation in node's thread pool. */
export function signSha256WithRsaAsync(tbsDer: Buffer, key: KeyObject): Promise<Buffer> {
  if (key.type !== 'private' || key.asymmetricKeyType !== 'rsa') {
    return Promise.reject(new TypeError('signing key must be an RSA private key'));
  }
  return new Promise((resolve, reject) => {
    sign('sha256', tbsDer, key, (err, signature) => {
      if (err) reject(err);
      else resolve(wrapDer(0x30, [tbsDer, SHA256_WITH_RSA_DER, toDer(bitString(signature))]));
    });
  });
}
