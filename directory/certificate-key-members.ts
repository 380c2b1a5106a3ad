import type { KeyObject } from 'node:crypto';
import type { CertificateRecord } from './model.js';

/**
 * The public-key members a certificate record keeps for the keystore's JWK: `n` and `e` of an RSA
 * key (empty for EC), and `crv`, `x`, `y` of an EC key (signing and sealing certificates may carry
 * one). Every path that stores a certificate takes them from here.
 */
export function certificateKeyMembers(
  publicKey: KeyObject,
): Pick<CertificateRecord, 'kty' | 'n' | 'e' | 'crv' | 'x' | 'y'> {
  const jwk = publicKey.export({ format: 'jwk' });
  return {
    kty: String(jwk.kty),
    n: String(jwk.n ?? ''),
    e: String(jwk.e ?? ''),
    ...(jwk.kty === 'EC' ? { crv: String(jwk.crv), x: String(jwk.x), y: String(jwk.y) } : {}),
  };
}
