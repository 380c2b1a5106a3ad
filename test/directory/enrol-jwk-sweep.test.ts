import { createHash, generateKeyPairSync, type KeyObject } from 'node:crypto';
import type { Server } from 'node:https';
import { exportJWK, type JWK } from 'jose';
import { request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { keyPool, type TestDirectory, testDirectory } from '../helpers/directory.js';
import {
  type EnrolmentIdentity,
  enrolmentIdentity,
  enrolmentMetadata,
  httpsDirectory,
  postEnrolment,
  qsealJws,
} from './enrolment-helpers.js';
import { refusalProblems, stored } from './sweep-checks.js';

/**
 * The JWK objects of eIDAS self-enrolment (`EnrolSchema.jwks`: an array of JWKs), member by
 * member, in both body forms (QWAC onboarding as application/json, QSeal onboarding as a JWS
 * whose payload carries the same metadata): each JWK must be a public RSA (2048 to 8192 bits) or
 * EC (P-256/384/521) key by RFC 7517/7518 — no private or symmetric key material, members of the
 * right type and encoding, an `alg` the key can serve, x5c holding the key and thumbprints
 * matching it, no two keys with one `kid` (docs/directory.md, "eIDAS self-enrolment"). A refusal is 400
 * `invalid_client_metadata` naming the member, never quoting a private value; nothing is stored,
 * `/health` answers, and Object.prototype stays clean. The keys are checked and not kept.
 */
let d: TestDirectory;
let https: { url: string; server: Server };
let shared: EnrolmentIdentity;
const fresh: EnrolmentIdentity[] = [];

let rsa: JWK;
let rsaPrivate: JWK;
let ec: JWK;
let ecPrivate: JWK;
let rsa1024: JWK;
/** The QSealC of the shared identity, whose key is `rsa`: a valid x5c for it. */
let x5c: string[];

const b64u = (bytes: Buffer) => bytes.toString('base64url');
/** A modulus of `bits` bits (top bit set), not a real key: for the size rule. */
const modulus = (bits: number) => {
  const bytes = Buffer.alloc(Math.ceil(bits / 8), 0xab);
  bytes[0] = 0x80 >> ((8 - (bits % 8)) % 8);
  return b64u(bytes);
};

beforeAll(async () => {
  d = await testDirectory();
  https = await httpsDirectory(d);
  const key = await keyPool.take();
  shared = enrolmentIdentity(d, key);
  rsa = await exportJWK(key.publicKey);
  rsaPrivate = await exportJWK(key.privateKey);
  const ecPair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  ec = await exportJWK(ecPair.publicKey as KeyObject);
  ecPrivate = await exportJWK(ecPair.privateKey as KeyObject);
  rsa1024 = await exportJWK(generateKeyPairSync('rsa', { modulusLength: 1024 }).publicKey as KeyObject);
  x5c = [shared.qsealDer.toString('base64')];
});
afterAll(async () => {
  for (const who of [shared, ...fresh]) await who?.agent.close();
  await new Promise((r) => https?.server.close(r));
  d?.cleanup();
});

interface Row {
  name: string;
  jwks: () => unknown;
  /** The member the refusal names; absent for a JWKS that enrols. */
  names?: string;
}

const x5t = (digest: string) => b64u(createHash(digest).update(shared.qsealDer).digest());
const withKid = (jwk: JWK, kid: string) => ({ ...jwk, kid });

const ACCEPTED: Row[] = [
  { name: 'no keys (an empty array)', jwks: () => [] },
  { name: 'an RSA public key', jwks: () => [rsa] },
  { name: 'an EC P-256 public key', jwks: () => [ec] },
  {
    name: 'an RSA key with every public member',
    jwks: () => [
      {
        ...rsa,
        kid: 'sig-1',
        use: 'sig',
        alg: 'PS256',
        key_ops: ['verify'],
        x5u: 'https://sweep.example/qseal.pem',
        x5c,
        x5t: x5t('sha1'),
        'x5t#S256': x5t('sha256'),
      },
    ],
  },
  { name: 'an EC key for ES256', jwks: () => [{ ...ec, alg: 'ES256', use: 'sig' }] },
  { name: 'two keys with their own kid', jwks: () => [withKid(rsa, 'a'), withKid(ec, 'b')] },
  { name: 'a member the RFCs do not name (ignored)', jwks: () => [{ ...rsa, ext: true, note: 'x' }] },
  { name: 'an RSA-OAEP encryption key', jwks: () => [{ ...rsa, use: 'enc', alg: 'RSA-OAEP-256' }] },
];

const REFUSED: Row[] = [
  // The JWK itself.
  { name: 'a string for a JWK', jwks: () => ['not a key'], names: 'jwks' },
  { name: 'null for a JWK', jwks: () => [null], names: 'jwks' },
  { name: 'a JWK Set object instead of the array', jwks: () => ({ keys: [rsa] }), names: 'jwks' },
  { name: 'an empty object', jwks: () => [{}], names: 'jwks[0].kty' },
  {
    name: 'eleven keys',
    jwks: () => Array.from({ length: 11 }, (_, i) => withKid(rsa, `k${i}`)),
    names: 'jwks',
  },
  // Private and symmetric key material.
  { name: 'an RSA private key (d, p, q, dp, dq, qi)', jwks: () => [rsaPrivate], names: 'jwks[0]' },
  { name: 'an EC private key (d)', jwks: () => [ecPrivate], names: 'jwks[0]' },
  { name: 'd alone beside a public key', jwks: () => [{ ...rsa, d: rsaPrivate.d }], names: '(d)' },
  { name: 'p beside a public key', jwks: () => [{ ...rsa, p: rsaPrivate.p }], names: '(p)' },
  { name: 'd empty', jwks: () => [{ ...rsa, d: '' }], names: '(d)' },
  { name: 'oth (multi-prime)', jwks: () => [{ ...rsa, oth: [] }], names: '(oth)' },
  {
    name: 'a symmetric key (kty oct, k)',
    jwks: () => [{ kty: 'oct', k: b64u(Buffer.alloc(32, 7)) }],
    names: '(k)',
  },
  // kty and crv.
  { name: 'kty missing', jwks: () => [{ n: rsa.n, e: rsa.e }], names: 'jwks[0].kty' },
  { name: 'kty a number', jwks: () => [{ ...rsa, kty: 1 }], names: 'jwks[0].kty' },
  { name: 'kty empty', jwks: () => [{ ...rsa, kty: '' }], names: 'jwks[0].kty' },
  { name: 'kty in lower case', jwks: () => [{ ...rsa, kty: 'rsa' }], names: 'jwks[0].kty' },
  { name: 'kty unknown', jwks: () => [{ ...rsa, kty: 'DSA' }], names: 'jwks[0].kty' },
  {
    name: 'kty OKP (not taken)',
    jwks: () => [{ kty: 'OKP', crv: 'Ed25519', x: b64u(Buffer.alloc(32, 1)) }],
    names: 'jwks[0].kty',
  },
  { name: 'crv unknown', jwks: () => [{ ...ec, crv: 'P-999' }], names: 'jwks[0].crv' },
  { name: 'crv secp256k1', jwks: () => [{ ...ec, crv: 'secp256k1' }], names: 'jwks[0].crv' },
  { name: 'crv missing', jwks: () => [{ kty: 'EC', x: ec.x, y: ec.y }], names: 'jwks[0].crv' },
  { name: 'crv an array', jwks: () => [{ ...ec, crv: ['P-256'] }], names: 'jwks[0].crv' },
  // RSA members.
  { name: 'n missing', jwks: () => [{ kty: 'RSA', e: rsa.e }], names: 'jwks[0].n' },
  { name: 'e missing', jwks: () => [{ kty: 'RSA', n: rsa.n }], names: 'jwks[0].e' },
  { name: 'n a number', jwks: () => [{ ...rsa, n: 12345 }], names: 'jwks[0].n' },
  { name: 'n empty', jwks: () => [{ ...rsa, n: '' }], names: 'jwks[0].n' },
  { name: 'n not base64url', jwks: () => [{ ...rsa, n: `${rsa.n?.slice(0, -4)}+/+/` }], names: 'jwks[0].n' },
  { name: 'n padded', jwks: () => [{ ...rsa, n: `${rsa.n}==` }], names: 'jwks[0].n' },
  {
    name: 'n with a space',
    jwks: () => [{ ...rsa, n: `${rsa.n?.slice(0, 10)} ${rsa.n?.slice(10)}` }],
    names: 'jwks[0].n',
  },
  { name: 'n of 10,000 characters', jwks: () => [{ ...rsa, n: 'A'.repeat(10_000) }], names: 'jwks[0].n' },
  { name: 'RSA 1024 bits', jwks: () => [rsa1024], names: 'jwks[0].n' },
  { name: 'RSA 2047 bits', jwks: () => [{ ...rsa, n: modulus(2047) }], names: 'jwks[0].n' },
  { name: 'RSA 8200 bits', jwks: () => [{ ...rsa, n: modulus(8200) }], names: 'jwks[0].n' },
  { name: 'n all zero', jwks: () => [{ ...rsa, n: b64u(Buffer.alloc(256)) }], names: 'jwks[0].n' },
  { name: 'e even', jwks: () => [{ ...rsa, e: b64u(Buffer.from([1, 0, 0])) }], names: 'jwks[0].e' },
  { name: 'e one', jwks: () => [{ ...rsa, e: 'AQ' }], names: 'jwks[0].e' },
  { name: 'e of 13 characters', jwks: () => [{ ...rsa, e: 'AQABAQABAQABA' }], names: 'jwks[0].e' },
  // EC members.
  { name: 'x missing', jwks: () => [{ kty: 'EC', crv: 'P-256', y: ec.y }], names: 'jwks[0].x' },
  { name: 'y a number', jwks: () => [{ ...ec, y: 7 }], names: 'jwks[0].y' },
  {
    name: 'x too short for P-256',
    jwks: () => [{ ...ec, x: b64u(Buffer.alloc(31, 1)) }],
    names: 'jwks[0].x',
  },
  { name: 'x not base64url', jwks: () => [{ ...ec, x: '!!!!' }], names: 'jwks[0].x' },
  {
    name: 'a point not on the curve',
    jwks: () => [{ ...ec, y: b64u(Buffer.alloc(32, 1)) }],
    names: 'jwks[0]',
  },
  { name: 'P-256 coordinates under P-384', jwks: () => [{ ...ec, crv: 'P-384' }], names: 'jwks[0].x' },
  // use, key_ops, alg.
  { name: 'use unknown', jwks: () => [{ ...rsa, use: 'tls' }], names: 'jwks[0].use' },
  { name: 'use an array', jwks: () => [{ ...rsa, use: ['sig'] }], names: 'jwks[0].use' },
  { name: 'key_ops a string', jwks: () => [{ ...rsa, key_ops: 'verify' }], names: 'jwks[0].key_ops' },
  { name: 'key_ops unknown value', jwks: () => [{ ...rsa, key_ops: ['fly'] }], names: 'jwks[0].key_ops' },
  {
    name: 'key_ops repeated',
    jwks: () => [{ ...rsa, key_ops: ['verify', 'verify'] }],
    names: 'jwks[0].key_ops',
  },
  { name: 'key_ops empty', jwks: () => [{ ...rsa, key_ops: [] }], names: 'jwks[0].key_ops' },
  { name: 'alg none', jwks: () => [{ ...rsa, alg: 'none' }], names: 'jwks[0].alg' },
  { name: 'alg HS256', jwks: () => [{ ...rsa, alg: 'HS256' }], names: 'jwks[0].alg' },
  { name: 'alg ES256 on an RSA key', jwks: () => [{ ...rsa, alg: 'ES256' }], names: 'jwks[0].alg' },
  { name: 'alg PS256 on an EC key', jwks: () => [{ ...ec, alg: 'PS256' }], names: 'jwks[0].alg' },
  { name: 'alg a number', jwks: () => [{ ...rsa, alg: 256 }], names: 'jwks[0].alg' },
  { name: 'alg empty', jwks: () => [{ ...rsa, alg: '' }], names: 'jwks[0].alg' },
  // kid.
  { name: 'kid a number', jwks: () => [{ ...rsa, kid: 1 }], names: 'jwks[0].kid' },
  { name: 'kid empty', jwks: () => [withKid(rsa, '')], names: 'jwks[0].kid' },
  { name: 'kid of 10,000 characters', jwks: () => [withKid(rsa, 'k'.repeat(10_000))], names: 'jwks[0].kid' },
  { name: 'kid with a NUL', jwks: () => [withKid(rsa, 'a\u0000b')], names: 'jwks[0].kid' },
  { name: 'kid with a right-to-left override', jwks: () => [withKid(rsa, 'a\u202eb')], names: 'jwks[0].kid' },
  { name: 'kid a lone surrogate', jwks: () => [withKid(rsa, '\ud800')], names: 'jwks[0].kid' },
  { name: 'duplicate kid', jwks: () => [withKid(rsa, 'same'), withKid(ec, 'same')], names: 'jwks[1].kid' },
  // x5c, x5t, x5t#S256, x5u.
  { name: 'x5c a string', jwks: () => [{ ...rsa, x5c: x5c[0] }], names: 'jwks[0].x5c' },
  { name: 'x5c empty', jwks: () => [{ ...rsa, x5c: [] }], names: 'jwks[0].x5c' },
  { name: 'x5c entry a number', jwks: () => [{ ...rsa, x5c: [1] }], names: 'jwks[0].x5c' },
  {
    name: 'x5c entry base64url',
    jwks: () => [{ ...rsa, x5c: [shared.qsealDer.toString('base64url')] }],
    names: 'jwks[0].x5c[0]',
  },
  { name: 'x5c entry not a certificate', jwks: () => [{ ...rsa, x5c: ['AAAA'] }], names: 'jwks[0].x5c[0]' },
  { name: 'x5c certificate of another key', jwks: () => [{ ...ec, x5c }], names: 'jwks[0].x5c[0]' },
  {
    name: 'x5c of 11 certificates',
    jwks: () => [{ ...rsa, x5c: Array(11).fill(x5c[0]) }],
    names: 'jwks[0].x5c',
  },
  {
    name: 'x5t not the thumbprint',
    jwks: () => [{ ...rsa, x5c, x5t: b64u(Buffer.alloc(20)) }],
    names: 'jwks[0].x5t is not the thumbprint',
  },
  {
    name: 'x5t of the wrong length',
    jwks: () => [{ ...rsa, x5t: b64u(Buffer.alloc(16)) }],
    names: 'jwks[0].x5t',
  },
  {
    name: 'x5t#S256 not the thumbprint',
    jwks: () => [{ ...rsa, x5c, 'x5t#S256': b64u(Buffer.alloc(32)) }],
    names: 'jwks[0].x5t#S256 is not the thumbprint',
  },
  {
    name: 'x5t#S256 not base64url',
    jwks: () => [{ ...rsa, 'x5t#S256': '+'.repeat(43) }],
    names: 'jwks[0].x5t#S256',
  },
  { name: 'x5u not a URL', jwks: () => [{ ...rsa, x5u: 'not a url' }], names: 'jwks[0].x5u' },
  { name: 'x5u javascript:', jwks: () => [{ ...rsa, x5u: 'javascript:alert(1)' }], names: 'jwks[0].x5u' },
  // Prototype names: refused for what else the key lacks, and nothing reaches Object.prototype.
  {
    name: '__proto__ member in place of kty',
    jwks: () => [JSON.parse('{"__proto__": {"kty": "RSA", "polluted": true}, "n": "x", "e": "AQAB"}')],
    names: 'jwks[0].kty',
  },
  {
    name: 'constructor.prototype member',
    jwks: () => [JSON.parse('{"constructor": {"prototype": {"polluted": true}}}')],
    names: 'jwks[0].kty',
  },
];

/** The metadata with `jwks`, as JSON and as a signed QSeal statement. */
const FORMS: [string, (who: EnrolmentIdentity, jwks: unknown) => Promise<[string, string]>][] = [
  ['json', async (who, jwks) => ['application/json', JSON.stringify(enrolmentMetadata(who, { jwks }))]],
  ['qseal', async (who, jwks) => ['application/jwt', await qsealJws(who, enrolmentMetadata(who, { jwks }))]],
];

/** The three paths the swagger gives the enrolment, taken in turn (one handler serves them). */
const PATHS = ['/v2.1/organisation', '/v2/organisation', '/organisation/tpp'];
let turn = 0;
const nextPath = () => PATHS[turn++ % PATHS.length];

const health = async () => (await request(`${https.url}/health`, { dispatcher: shared.agent })).statusCode;

describe('eIDAS self-enrolment: the JWKs of jwks, member by member, in both body forms', () => {
  it('public keys by RFC 7517/7518 enrol (201) and are not stored', async () => {
    const problems: string[] = [];
    for (const row of ACCEPTED)
      for (const [form, body] of FORMS) {
        const who = enrolmentIdentity(d, shared.key);
        fresh.push(who);
        const [type, text] = await body(who, row.jwks());
        const res = await postEnrolment(https.url, who, type, text, nextPath());
        if (res.status !== 201)
          problems.push(`${row.name} (${form}): ${res.status} ${res.text.slice(0, 300)}`);
      }
    expect(problems, problems.join('\n')).toEqual([]);
    // The EC key is in no certificate: had a jwks entry been kept, its x would be in a record.
    expect((await stored(d)).records.includes(String(ec.x))).toBe(false);
  }, 60_000);

  it('every other JWK is 400 invalid_client_metadata naming the member, nothing stored, the service up', async () => {
    const problems: string[] = [];
    const secrets = [rsaPrivate, ecPrivate].flatMap((k) => [k.d, k.p, k.q, k.dp, k.dq, k.qi]).filter(Boolean);
    for (const row of REFUSED)
      for (const [form, body] of FORMS) {
        // A new identity each time, so that a wrong enrolment cannot hide the rows after it.
        const who = enrolmentIdentity(d, shared.key);
        fresh.push(who);
        const before = await stored(d);
        const [type, text] = await body(who, row.jwks());
        const res = await postEnrolment(https.url, who, type, text, nextPath());
        problems.push(
          ...(await refusalProblems(
            d,
            `${row.name} (${form})`,
            res,
            { status: 400, error: 'invalid_client_metadata', names: row.names },
            before,
            secrets as string[],
            health,
          )),
        );
      }
    expect(problems, problems.join('\n')).toEqual([]);
    console.info(
      `enrolment JWKs: ${REFUSED.length * FORMS.length} refusals, ${ACCEPTED.length * FORMS.length} enrolments`,
    );
  }, 120_000);
});
