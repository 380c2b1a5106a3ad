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

/** AlgorithmIdentifier { ecdsa-with-SHA256 }, parameters absent (RFC 5758 §3.2). */
export const ecdsaWithSha256Algorithm = (): Asn1 => seq([oid(OID.ecdsaWithSha256)]);

/**
 * The signature AlgorithmIdentifier of a CA key: sha256WithRSAEncryption for RSA, ecdsa-with-SHA256
 * for EC P-256 (a throwaway CA whose keys cost no RSA generation). Other keys are refused.
 */
export function signatureAlgorithmFor(key: KeyObject): Asn1 {
  if (key.asymmetricKeyType === 'rsa') return sha256WithRsaAlgorithm();
  if (key.asymmetricKeyType === 'ec' && key.asymmetricKeyDetails?.namedCurve === 'prime256v1')
    return ecdsaWithSha256Algorithm();
  throw new TypeError('signing key must be an RSA or EC P-256 private key');
}

function checkSigningKey(key: KeyObject): Buffer {
  if (key.type !== 'private') throw new TypeError('signing key must be a private key');
  return toDer(signatureAlgorithmFor(key));
}

/**
 * Signs the DER of a TBSCertificate / TBSCertList with SHA-256 and the key's algorithm (RSA
 * PKCS#1 v1.5, or ECDSA P-256 with the DER Ecdsa-Sig-Value X.509 wants: node's default).
 */
export function signSha256(tbsDer: Buffer, key: KeyObject): Buffer {
  const algorithm = checkSigningKey(key);
  return wrapDer(0x30, [tbsDer, algorithm, toDer(bitString(sign('sha256', tbsDer, key)))]);
}

/** signSha256 with the private-key operation in node's thread pool. */
export function signSha256Async(tbsDer: Buffer, key: KeyObject): Promise<Buffer> {
  let algorithm: Buffer;
  try {
    algorithm = checkSigningKey(key);
  } catch (err) {
    return Promise.reject(err);
  }
  return new Promise((resolve, reject) => {
    sign('sha256', tbsDer, key, (err, signature) => {
      if (err) reject(err);
      else resolve(wrapDer(0x30, [tbsDer, algorithm, toDer(bitString(signature))]));
    });
  });
}
