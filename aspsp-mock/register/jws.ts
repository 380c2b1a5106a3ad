import { constants, type KeyObject, verify } from 'node:crypto';
import { decodeProtectedHeader, type ProtectedHeaderParameters } from 'jose';

const COMPACT = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;

/** The protected header of a compact JWS, or undefined when it is not one. */
export function readCompactJws(text: string): ProtectedHeaderParameters | undefined {
  if (!COMPACT.test(text)) return undefined;
  try {
    return decodeProtectedHeader(text);
  } catch {
    return undefined;
  }
}

/** The unverified JSON payload of a compact JWS, or undefined. */
export function unverifiedPayload(text: string): Record<string, unknown> | undefined {
  try {
    // the second part, as text.split('.')[1] gives it, without splitting the whole (≈5 KiB) text
    const first = text.indexOf('.');
    if (first < 0) return undefined;
    const second = text.indexOf('.', first + 1);
    const part = second < 0 ? text.slice(first + 1) : text.slice(first + 1, second);
    const json = JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
    return typeof json === 'object' && json !== null && !Array.isArray(json) ? json : undefined;
  } catch {
    return undefined;
  }
}

/** What each accepted JWS alg (RFC 7518 §3) needs from the key and the signature. */
const ALGS: Record<string, { hash: string; rsa?: 'pss' | 'pkcs1'; curve?: string; signatureBytes?: number }> =
  {
    PS256: { hash: 'sha256', rsa: 'pss' },
    PS384: { hash: 'sha384', rsa: 'pss' },
    PS512: { hash: 'sha512', rsa: 'pss' },
    RS256: { hash: 'sha256', rsa: 'pkcs1' },
    RS384: { hash: 'sha384', rsa: 'pkcs1' },
    RS512: { hash: 'sha512', rsa: 'pkcs1' },
    ES256: { hash: 'sha256', curve: 'prime256v1', signatureBytes: 64 },
    ES384: { hash: 'sha384', curve: 'secp384r1', signatureBytes: 96 },
    ES512: { hash: 'sha512', curve: 'secp521r1', signatureBytes: 132 },
  };
const HASH_BYTES: Record<string, number> = { sha256: 32, sha384: 48, sha512: 64 };

/** Whether `key` is a public key of the kind `alg` signs with (RSA ≥ 2048 bits, or EC on its curve). */
function keyFits(key: KeyObject, alg: (typeof ALGS)[string]): boolean {
  if (key.type !== 'public') return false;
  const details = key.asymmetricKeyDetails ?? {};
  if (alg.rsa) {
    const type = key.asymmetricKeyType;
    return (type === 'rsa' || type === 'rsa-pss') && (details.modulusLength ?? 0) >= 2048;
  }
  return key.asymmetricKeyType === 'ec' && details.namedCurve === alg.curve;
}

/**
 * Verifies a compact JWS's signature with `key`, only for `algorithms`;
 * resolves false on any failure. The header is read by jose (or passed in by a
 * caller that has just read it with {@link readCompactJws} from the same
 * text); the signature is checked with node:crypto directly (jose 6 goes
 * through WebCrypto, whose job dispatch cost more than the RSA verification
 * itself on the bank's hot path), in libuv's thread pool: under the
 * registration load the bank's event loop, which bounds its rate, spent
 * ≈0.1 ms less per registration than verifying on it (docs/speed.md, "Fourth
 * round"). Refused as jose refuses them:
 * an alg outside `algorithms` or unknown (none, HMAC), a key that does not
 * fit the alg, any `crit` extension (none is understood) or `b64`, a
 * PSS salt other than the hash length (RFC 7518 §3.5), an EC signature that
 * is not R‖S of the curve's size (§3.4).
 */
export async function signatureVerifies(
  jws: string,
  key: KeyObject,
  algorithms: string[],
  header: ProtectedHeaderParameters | undefined = readCompactJws(jws),
): Promise<boolean> {
  if (!header) return false;
  const name = header.alg;
  if (typeof name !== 'string' || !algorithms.includes(name) || !Object.hasOwn(ALGS, name)) return false;
  if (header.crit !== undefined || header.b64 !== undefined) return false;
  const alg = ALGS[name];
  if (!keyFits(key, alg)) return false;
  const dot = jws.lastIndexOf('.');
  const signature = Buffer.from(jws.slice(dot + 1), 'base64url');
  if (alg.signatureBytes !== undefined && signature.length !== alg.signatureBytes) return false;
  return new Promise((resolve) => {
    try {
      verify(
        alg.hash,
        Buffer.from(jws.slice(0, dot), 'ascii'),
        alg.rsa === 'pss'
          ? { key, padding: constants.RSA_PKCS1_PSS_PADDING, saltLength: HASH_BYTES[alg.hash] }
          : alg.rsa === 'pkcs1'
            ? { key, padding: constants.RSA_PKCS1_PADDING }
            : { key, dsaEncoding: 'ieee-p1363' },
        signature,
        (err, ok) => resolve(err === null && ok === true),
      );
    } catch {
      resolve(false);
    }
  });
}

/** Header members that embed or point at a key: a registration request must use none of them. */
export const KEY_CARRYING_HEADERS = ['x5c', 'x5u', 'jwk', 'jku'] as const;
