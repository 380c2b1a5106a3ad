import { createHash } from 'node:crypto';
import { decodeProtectedHeader, type JWTPayload, jwtVerify, type ProtectedHeaderParameters } from 'jose';
import type { CertificateInfo } from '../../certs/index.js';
import { joseRefusal } from '../jose-refusal.js';
import { canonicalBase64 } from '../validation/base64.js';
import { jwkProblem } from '../validation/jwk-problem.js';
import { EnrolmentRefused } from './enrol-errors.js';

/** Algorithms of a QSeal-onboarding JWS. */
export const QSEAL_JWS_ALGS = ['PS256', 'RS256', 'ES256'];
/** The key type each of those algorithms signs with. */
const ALG_KEY_TYPE: Record<string, 'RSA' | 'EC'> = { PS256: 'RSA', RS256: 'RSA', ES256: 'EC' };
const MAX_JWS_CHARS = 32_768;
/** x5c: the QSealC, then at most its issuing and root certificates (the swagger's example). */
const MAX_X5C = 3;
/** Seconds of clock difference allowed on `exp`, `nbf` and `iat`. */
const CLOCK_TOLERANCE_S = 60;
/** `typ` values that name a signed JWT or JWS (RFC 7519 §5.1, RFC 7515 §4.1.9), compared without case. */
const TYPES = ['jwt', 'jose', 'application/jwt', 'application/jose'];

const refused = (description: string) => new EnrolmentRefused('invalid_software_statement', description);

/**
 * The header rules, in order, each naming the member it refuses. The key is the QSealC's
 * (x5c[0]): `kid`, `jku`, `x5u` and `jwk` never choose it and are never fetched.
 */
const HEADER_RULES: [member: string, problem: (h: ProtectedHeaderParameters) => string | undefined][] = [
  [
    'alg',
    (h) =>
      typeof h.alg === 'string'
        ? undefined
        : h.alg === undefined
          ? 'alg is required'
          : 'alg must be a string',
  ],
  [
    'kid',
    (h) =>
      h.kid === undefined || (typeof h.kid === 'string' && h.kid.length >= 1 && h.kid.length <= 255)
        ? undefined
        : 'kid must be a string of 1 to 255 characters',
  ],
  [
    'typ',
    (h) =>
      h.typ === undefined || (typeof h.typ === 'string' && TYPES.includes(h.typ.toLowerCase()))
        ? undefined
        : 'typ must be JWT when given (or application/jwt, application/jose)',
  ],
  [
    'x5c',
    (h) => {
      const x5c = h.x5c as unknown;
      if (!Array.isArray(x5c) || x5c.length === 0 || x5c.length > MAX_X5C)
        return `x5c with the QSealC first (at most ${MAX_X5C} certificates) is required`;
      const bad = x5c.findIndex((c) => typeof c !== 'string' || c.length > 16_384 || !canonicalBase64(c));
      return bad < 0 ? undefined : `x5c[${bad}] must be standard (padded) base64 of a DER certificate`;
    },
  ],
  ['jwk', (h) => (h.jwk === undefined ? undefined : jwkProblem(h.jwk, 'jwk'))],
];

/** `x5t` / `x5t#S256`, when given, must be the thumbprint of x5c[0] (RFC 7515 §4.1.7, §4.1.8). */
function thumbprintProblem(header: ProtectedHeaderParameters, der: Buffer): string | undefined {
  for (const [member, digest] of [
    ['x5t', 'sha1'],
    ['x5t#S256', 'sha256'],
  ] as const) {
    const value = (header as Record<string, unknown>)[member];
    if (value === undefined) continue;
    if (typeof value !== 'string' || value !== createHash(digest).update(der).digest('base64url'))
      return `${member} must be the ${digest === 'sha1' ? 'SHA-1' : 'SHA-256'} thumbprint of x5c[0]`;
  }
  return undefined;
}

/**
 * The client metadata of a QSeal-onboarding body: a compact JWS whose header passes
 * HEADER_RULES and whose x5c[0] is a QSealC `trusted` accepts (refusals there are
 * `unapproved_software_statement`), signed with that certificate's key by one of
 * QSEAL_JWS_ALGS, with `exp`, `nbf` and `iat` (each optional) in date by `now`. Anything else
 * is 400 `invalid_software_statement`.
 */
export async function readQsealStatement(
  text: string,
  now: Date,
  trusted: (der: Buffer) => CertificateInfo,
): Promise<{ metadata: JWTPayload; qseal: CertificateInfo }> {
  const jws = text.trim();
  if (jws.length > MAX_JWS_CHARS || !/^[\w-]+\.[\w-]+\.[\w-]+$/.test(jws))
    throw refused('body: not a compact JWS');
  let header: ProtectedHeaderParameters;
  try {
    header = decodeProtectedHeader(jws);
  } catch {
    throw refused('body: the JWS header is not JSON');
  }
  for (const [, problem] of HEADER_RULES) {
    const found = problem(header);
    if (found) throw refused(`JWS header: ${found}`);
  }
  const der = canonicalBase64((header.x5c as string[])[0]) as Buffer;
  const thumbprint = thumbprintProblem(header, der);
  if (thumbprint) throw refused(`JWS header: ${thumbprint}`);
  const qseal = trusted(der);
  const keyType = qseal.publicKey.asymmetricKeyType === 'ec' ? 'EC' : 'RSA';
  const fitting = QSEAL_JWS_ALGS.filter((a) => ALG_KEY_TYPE[a] === keyType);
  if (QSEAL_JWS_ALGS.includes(header.alg as string) && ALG_KEY_TYPE[header.alg as string] !== keyType)
    throw refused(
      `the JWS is refused: algorithm ${header.alg} does not fit the QSealC's ${keyType} key; use ${fitting.join(' or ')}`,
    );
  try {
    const { payload } = await jwtVerify(jws, qseal.publicKey, {
      algorithms: QSEAL_JWS_ALGS,
      currentDate: now,
      clockTolerance: CLOCK_TOLERANCE_S,
    });
    return { metadata: payload, qseal };
  } catch (err) {
    throw refused(`the JWS is refused: ${joseRefusal(err, jws, QSEAL_JWS_ALGS, 'the QSealC key')}`);
  }
}
