import { constants, type KeyObject, sign } from 'node:crypto';
import { privateKeyFromPem } from '../../certs/private-key-from-pem.js';
import { RequestObjectError } from '../errors.js';
import { SIGNING_ALGS, type SigningAlg } from '../types.js';

export interface SignJwtOptions {
  /** Default PS256 for an RSA key, ES256 for an EC key. RS256 only with `allowRs256`. */
  alg?: SigningAlg;
  /** The key id as published in the software JWKS. */
  kid: string;
  /** RS256 is not FAPI: refused unless explicitly allowed (for quirk tests). */
  allowRs256?: boolean;
  /** Header `typ`; default 'JWT'. */
  typ?: string;
}

/**
 * Signs claims as a compact JWS (RFC 7515) with header `{alg, kid, typ}` and nothing else — never
 * `x5c` or `x5u`. PS256/RS256 need an RSA key of at least 2048 bits, ES256 an EC P-256 key;
 * 'none' and HMAC are never produced.
 *
 * The signature is made with node:crypto directly (RFC 7518: PS256 is RSASSA-PSS with SHA-256,
 * MGF1 SHA-256 and a 32-byte salt; RS256 RSASSA-PKCS1-v1_5 with SHA-256; ES256 ECDSA P-256 with
 * SHA-256, R‖S of 32 bytes each): a WebCrypto signature costs a key conversion and a thread-pool
 * round trip on every call for the same one RSA operation.
 */
export async function signJwt(
  claims: Record<string, unknown>,
  key: KeyObject | string,
  opts: SignJwtOptions,
): Promise<string> {
  const privateKey = toKeyObject(key);
  const alg = opts.alg ?? (privateKey.asymmetricKeyType === 'ec' ? 'ES256' : 'PS256');
  if (!SIGNING_ALGS.includes(alg)) {
    throw new RequestObjectError(
      `alg ${String(alg)} is not one of ${SIGNING_ALGS.join(', ')}`,
      'unsupported_alg',
    );
  }
  if (alg === 'RS256' && !opts.allowRs256) {
    throw new RequestObjectError(
      'RS256 is not allowed by FAPI; pass allowRs256: true to sign with it anyway',
      'unsupported_alg',
    );
  }
  if (typeof opts.kid !== 'string' || opts.kid === '') throw new RequestObjectError('a kid is required');
  if (claims === null || typeof claims !== 'object' || Array.isArray(claims)) {
    throw new RequestObjectError('the JWT claims must be an object');
  }
  checkKey(privateKey, alg);
  const header = { alg, kid: opts.kid, typ: opts.typ ?? 'JWT' };
  const signingInput = `${base64url(JSON.stringify(header))}.${base64url(JSON.stringify(claims))}`;
  const signature = sign('sha256', Buffer.from(signingInput, 'utf8'), keyFor(privateKey, alg));
  return `${signingInput}.${signature.toString('base64url')}`;
}

function base64url(json: string): string {
  return Buffer.from(json, 'utf8').toString('base64url');
}

type SignKey = Parameters<typeof sign>[2];

function keyFor(key: KeyObject, alg: SigningAlg): SignKey {
  switch (alg) {
    case 'PS256':
      return { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: 32 };
    case 'ES256':
      return { key, dsaEncoding: 'ieee-p1363' };
    default:
      return key;
  }
}

function toKeyObject(key: KeyObject | string): KeyObject {
  if (typeof key !== 'string') {
    if (key.type !== 'private') throw new RequestObjectError('signing needs a private key');
    return key;
  }
  try {
    return privateKeyFromPem(key);
  } catch (err) {
    throw new RequestObjectError(`the signing key is not a usable private key: ${(err as Error).message}`);
  }
}

function checkKey(key: KeyObject, alg: SigningAlg): void {
  const d = key.asymmetricKeyDetails ?? {};
  if (alg === 'ES256') {
    if (key.asymmetricKeyType !== 'ec' || d.namedCurve !== 'prime256v1') {
      throw new RequestObjectError('ES256 needs an EC P-256 key', 'unsupported_alg');
    }
    return;
  }
  if (key.asymmetricKeyType !== 'rsa' || (d.modulusLength ?? 0) < 2048) {
    throw new RequestObjectError(`${alg} needs an RSA key of at least 2048 bits`, 'unsupported_alg');
  }
}
