import { createHash, createPublicKey, X509Certificate } from 'node:crypto';
import { canonicalBase64, canonicalBase64url } from './base64.js';
import { type DirectorySchema, validateDirectoryObject } from './validate.js';

/**
 * The rules of one public JWK a caller sends the directory (RFC 7517, RFC 7518 §6): the
 * enrolment's `jwks` entries and a QSeal JWS header's `jwk`. Refusals name the member
 * (`jwks[0].n …`) and never quote a key's value.
 */

/** Private (and symmetric) key members (RFC 7518 §6.2.2, §6.3.2, §6.4.1): never to be sent. */
const PRIVATE_MEMBERS = ['d', 'p', 'q', 'dp', 'dq', 'qi', 'oth', 'k'] as const;

/** key_ops values (RFC 7517 §4.3). */
const KEY_OPS = ['sign', 'verify', 'encrypt', 'decrypt', 'wrapKey', 'unwrapKey', 'deriveKey', 'deriveBits'];

const RSA_ALGS = ['PS256', 'PS384', 'PS512', 'RS256', 'RS384', 'RS512', 'RSA-OAEP', 'RSA-OAEP-256'];
const ECDH_ALGS = ['ECDH-ES', 'ECDH-ES+A128KW', 'ECDH-ES+A192KW', 'ECDH-ES+A256KW'];

/** The key types taken, with their members and the algorithms a key of the type can serve. */
const KEY_TYPES: Record<
  string,
  { members: DirectorySchema; algs: (jwk: Record<string, unknown>) => string[] }
> = {
  RSA: {
    members: {
      n: { type: 'string', required: true, minLength: 1, maxLength: 2048 },
      e: { type: 'string', required: true, minLength: 1, maxLength: 12 },
    },
    algs: () => RSA_ALGS,
  },
  EC: {
    members: {
      crv: { type: 'string', required: true, enum: ['P-256', 'P-384', 'P-521'] },
      x: { type: 'string', required: true, minLength: 1, maxLength: 88 },
      y: { type: 'string', required: true, minLength: 1, maxLength: 88 },
    },
    algs: (jwk) => [CURVES[String(jwk.crv)].alg, ...ECDH_ALGS],
  },
};

/** Each curve's coordinate length in bytes and its signature algorithm (RFC 7518 §3.4, §6.2.1). */
const CURVES: Record<string, { bytes: number; alg: string }> = {
  'P-256': { bytes: 32, alg: 'ES256' },
  'P-384': { bytes: 48, alg: 'ES384' },
  'P-521': { bytes: 66, alg: 'ES512' },
};

/** RSA modulus sizes taken, in bits (below 2048 is refused by OB and FAPI; above 8192 is no real key). */
const RSA_BITS = { min: 2048, max: 8192 };

/** The members every key type may carry (RFC 7517 §4). */
const COMMON: DirectorySchema = {
  kty: { type: 'string', required: true, enum: Object.keys(KEY_TYPES) },
  use: { type: 'string', enum: ['sig', 'enc'] },
  key_ops: { type: 'string[]', minItems: 1, maxItems: KEY_OPS.length, enum: KEY_OPS },
  alg: { type: 'string', minLength: 1, maxLength: 20 },
  kid: { type: 'string', minLength: 1, maxLength: 255, text: true },
  x5u: { type: 'string', maxLength: 2000, format: 'uri', text: true },
  x5c: { type: 'string[]', minItems: 1, maxItems: 10, maxLength: 16_384 },
  x5t: { type: 'string', minLength: 1, maxLength: 64 },
  'x5t#S256': { type: 'string', minLength: 1, maxLength: 64 },
};

/** Digest and length of each thumbprint member. */
const THUMBPRINTS: [member: 'x5t' | 'x5t#S256', digest: string, bytes: number][] = [
  ['x5t', 'sha1', 20],
  ['x5t#S256', 'sha256', 32],
];

function bitLength(bytes: Buffer): number {
  let i = 0;
  while (i < bytes.length && bytes[i] === 0) i++;
  if (i === bytes.length) return 0;
  return (bytes.length - i - 1) * 8 + (32 - Math.clz32(bytes[i]));
}

class JwkRefused extends Error {}

/** The key's own members: base64url values of the right size, a key node:crypto can build. */
function checkKeyValue(jwk: Record<string, unknown>, at: string, refuse: (m: string) => never): void {
  const value = (member: string): Buffer => {
    const bytes = canonicalBase64url(jwk[member] as string);
    if (!bytes) refuse(`${at}.${member} must be unpadded base64url`);
    return bytes;
  };
  if (jwk.kty === 'RSA') {
    const bits = bitLength(value('n'));
    if (bits < RSA_BITS.min)
      refuse(`${at}.n is a ${bits}-bit RSA modulus; at least ${RSA_BITS.min} bits are needed`);
    if (bits > RSA_BITS.max)
      refuse(`${at}.n is a ${bits}-bit RSA modulus; at most ${RSA_BITS.max} bits are taken`);
    const e = value('e');
    if (e.length > 8 || bitLength(e) < 2 || (e[e.length - 1] & 1) === 0)
      refuse(`${at}.e must be an odd public exponent of at most 64 bits`);
  } else {
    const size = CURVES[String(jwk.crv)].bytes;
    for (const member of ['x', 'y'])
      if (value(member).length !== size)
        refuse(`${at}.${member} must be ${size} bytes for ${String(jwk.crv)}`);
  }
  try {
    createPublicKey({ key: publicMembers(jwk), format: 'jwk' });
  } catch {
    refuse(`${at} is not a valid ${String(jwk.kty)} public key`);
  }
}

/** The members that make the public key, for node:crypto. */
function publicMembers(jwk: Record<string, unknown>): { kty: string; [k: string]: string } {
  return jwk.kty === 'RSA'
    ? { kty: 'RSA', n: String(jwk.n), e: String(jwk.e) }
    : { kty: 'EC', crv: String(jwk.crv), x: String(jwk.x), y: String(jwk.y) };
}

/** x5c (each standard base64 DER; the first certificate holds this key) and its thumbprints. */
function checkCertificates(jwk: Record<string, unknown>, at: string, refuse: (m: string) => never): void {
  const x5c = jwk.x5c as string[] | undefined;
  const ders = (x5c ?? []).map((entry, i) => {
    const der = canonicalBase64(entry);
    if (!der) refuse(`${at}.x5c[${i}] must be standard (padded) base64 of a DER certificate`);
    return der;
  });
  let leaf: X509Certificate | undefined;
  if (ders.length > 0) {
    try {
      leaf = new X509Certificate(ders[0]);
    } catch {
      refuse(`${at}.x5c[0] is not an X.509 certificate`);
    }
    const own = leaf.publicKey.export({ format: 'jwk' }) as Record<string, unknown>;
    const mine = publicMembers(jwk);
    if (Object.entries(mine).some(([k, v]) => own[k] !== v))
      refuse(`${at}.x5c[0] is the certificate of another key (RFC 7517 §4.7: it must hold this key)`);
  }
  for (const [member, digest, bytes] of THUMBPRINTS) {
    if (jwk[member] === undefined) continue;
    const thumbprint = canonicalBase64url(jwk[member] as string);
    if (!thumbprint || thumbprint.length !== bytes)
      refuse(`${at}.${member} must be the base64url of a ${bytes}-byte certificate thumbprint`);
    if (ders.length > 0 && !createHash(digest).update(ders[0]).digest().equals(thumbprint))
      refuse(`${at}.${member} is not the thumbprint of x5c[0]`);
  }
}

/**
 * What is wrong with `value` as a public JWK sent at `at` (e.g. `jwks[0]`), or undefined when
 * it is fine. Members the RFCs do not name are ignored, as RFC 7517 §4 says (never stored).
 */
export function jwkProblem(value: unknown, at: string): string | undefined {
  const refuse = (message: string): never => {
    throw new JwkRefused(message);
  };
  try {
    if (typeof value !== 'object' || value === null || Array.isArray(value))
      refuse(`${at} must be a JSON object (a JWK)`);
    const jwk = value as Record<string, unknown>;
    const secret = PRIVATE_MEMBERS.find((m) => Object.hasOwn(jwk, m));
    if (secret)
      refuse(
        `${at} holds private key material (${secret}), which must never be sent; send the public key alone`,
      );
    const fail = (_field: string, message: string): never => refuse(`${at}.${message}`);
    validateDirectoryObject(jwk, COMMON, fail);
    const type = KEY_TYPES[jwk.kty as string];
    validateDirectoryObject(jwk, type.members, fail);
    if (jwk.alg !== undefined && !type.algs(jwk).includes(jwk.alg as string))
      refuse(`${at}.alg must be one of: ${type.algs(jwk).join(', ')} for this key`);
    const ops = (jwk.key_ops as string[] | undefined) ?? [];
    if (new Set(ops).size !== ops.length) refuse(`${at}.key_ops must not repeat a value`);
    checkKeyValue(jwk, at, refuse);
    checkCertificates(jwk, at, refuse);
    return undefined;
  } catch (err) {
    if (err instanceof JwkRefused) return err.message;
    throw err;
  }
}
