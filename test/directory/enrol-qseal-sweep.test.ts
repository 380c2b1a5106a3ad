import { createHash, createHmac, type KeyObject, sign } from 'node:crypto';
import type { Server } from 'node:https';
import { join } from 'node:path';
import { exportJWK } from 'jose';
import forge from 'node-forge';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCsr, issueCertificate, loadOrCreateCa, parseCsr } from '../../certs/index.js';
import { keyPool, type TestDirectory, testDirectory } from '../helpers/directory.js';
import {
  type EnrolmentIdentity,
  enrolmentIdentity,
  enrolmentMetadata,
  httpsDirectory,
  postEnrolment,
} from './enrolment-helpers.js';
import { LIBRARY_INTERNALS } from './library-internals.js';
import { refusalProblems, stored } from './sweep-checks.js';

/**
 * The signed (QSeal-onboarding) form of eIDAS self-enrolment, part by part: its header (alg
 * incl. none and HS256, kid, typ, x5c, x5t, x5t#S256, jwk, crit), its signature (another key,
 * tampered payload or header, stripped), its claims (exp, nbf, iat), its payload, the QSealC it
 * carries (untrusted, expired, a QWAC, another organisation's), the media type and the size.
 * Each row gets a new QWAC/QSealC pair, so a wrong enrolment cannot hide the rows after it. A
 * refusal has the status and the swagger's Enrol400 code the table names (docs/directory.md,
 * "eIDAS self-enrolment"), a description naming what is wrong in the directory's words (no
 * JOSE library text, no internals), nothing stored, and `/health` still answering; what enrols
 * is 201.
 */
let d: TestDirectory;
let https: { url: string; server: Server };
let shared: EnrolmentIdentity;
const identities: EnrolmentIdentity[] = [];

const b64u = (v: unknown) => Buffer.from(typeof v === 'string' ? v : JSON.stringify(v)).toString('base64url');
const DAY_S = 86_400;
const nowS = () => Math.floor(Date.now() / 1000);

/** A compact JWS signed by hand: any header, any payload text, PS256 (or `alg`) with `key`. */
function signed(header: Record<string, unknown>, payload: string, key: KeyObject): string {
  const input = `${b64u(header)}.${b64u(payload)}`;
  const signature = sign('sha256', Buffer.from(input), {
    key,
    padding: 6 /* RSA_PKCS1_PSS_PADDING */,
    saltLength: 32,
  });
  return `${input}.${signature.toString('base64url')}`;
}

interface Build {
  who: EnrolmentIdentity;
  /** The metadata that enrols `who`. */
  meta: Record<string, unknown>;
  /** x5c = [the QSealC]. */
  x5c: string[];
  /** A JWS of `header` (alg PS256 and x5c unless given) over `payload` (the metadata unless given), signed with the QSealC's key. */
  jws: (header?: Record<string, unknown>, payload?: unknown) => string;
}

interface Row {
  name: string;
  type?: string;
  body: (b: Build) => string | Buffer;
  /** The refusal wanted (none: the statement enrols, 201). */
  want?: { status: number; error: string; names?: string };
}

const refuse = (names: string, error = 'invalid_software_statement', status = 400) => ({
  status,
  error,
  names,
});

/** Another QSealC for `who`'s organisation, or for another, issued as the test wants. */
function qseal(
  who: EnrolmentIdentity,
  opts: { identifier?: string; type?: 'qseal' | 'qwac'; now?: Date } = {},
) {
  const identifier = opts.identifier ?? who.organisationIdentifier;
  return issueCertificate(d.ctx.ca, {
    type: opts.type ?? 'qseal',
    csr: parseCsr(
      createCsr({
        key: who.key,
        subject: [
          { name: 'C', value: 'GB' },
          { name: 'O', value: 'Sweep Ltd' },
          { name: 'organizationIdentifier', value: identifier },
          { name: 'CN', value: 'sweep.example' },
        ],
      }),
    ),
    ctx: { orgId: 'x', legalName: 'Sweep Ltd', organisationIdentifier: identifier, roles: ['PSP_AI'] },
    ...(opts.now ? { now: opts.now, validityDays: 1 } : {}),
  }).der.toString('base64');
}

/** Text no answer may echo: a fake stack frame, a path, a loopback URL, line breaks. */
const HOSTILE_NAME = `x\r\n    at evil (/home/app/src/x.ts:1:1) http://127.0.0.1:8080/internal ${'A'.repeat(2000)}`;

/** A self-signed certificate (standard base64 DER) on `key` whose subject and issuer CN are HOSTILE_NAME. */
function hostileCertificate(key: EnrolmentIdentity['key']): string {
  const cert = forge.pki.createCertificate();
  cert.publicKey = forge.pki.setRsaPublicKey(
    (forge.pki.privateKeyFromPem(key.privateKeyPem) as forge.pki.rsa.PrivateKey).n,
    (forge.pki.privateKeyFromPem(key.privateKeyPem) as forge.pki.rsa.PrivateKey).e,
  );
  cert.serialNumber = '01';
  cert.validity.notBefore = new Date(Date.now() - 60_000);
  cert.validity.notAfter = new Date(Date.now() + 86_400_000);
  const names = [{ name: 'commonName', value: HOSTILE_NAME }];
  cert.setSubject(names);
  cert.setIssuer(names);
  cert.sign(forge.pki.privateKeyFromPem(key.privateKeyPem), forge.md.sha256.create());
  return forge.util.encode64(forge.asn1.toDer(forge.pki.certificateToAsn1(cert)).getBytes());
}

let hostile: string;
let otherKey: KeyObject;
/** A QSealC of another CA. */
let selfSigned: string;

const ACCEPTED: Row[] = [
  { name: 'PS256 as application/jwt', body: (b) => b.jws() },
  { name: 'as application/jose', type: 'application/jose', body: (b) => b.jws() },
  {
    name: 'a kid the directory does not know (the swagger example ABCD1234)',
    body: (b) => b.jws({ kid: 'ABCD1234' }),
  },
  { name: 'typ JWT', body: (b) => b.jws({ typ: 'JWT' }) },
  { name: 'typ application/jose', body: (b) => b.jws({ typ: 'application/jose' }) },
  {
    name: 'x5c with the issuing and root certificates',
    body: (b) =>
      b.jws({
        x5c: [
          b.x5c[0],
          ...[d.ctx.ca.issuingCertPem, d.ctx.ca.rootCertPem].map((pem) =>
            pem.replace(/-----[^-]+-----|\s/g, ''),
          ),
        ],
      }),
  },
  {
    name: 'x5t and x5t#S256 of the QSealC',
    body: (b) =>
      b.jws({
        x5t: createHash('sha1').update(Buffer.from(b.x5c[0], 'base64')).digest('base64url'),
        'x5t#S256': createHash('sha256').update(Buffer.from(b.x5c[0], 'base64')).digest('base64url'),
      }),
  },
  {
    name: 'exp, nbf and iat in date',
    body: (b) => b.jws({}, { ...b.meta, exp: nowS() + 300, nbf: nowS() - 10, iat: nowS() }),
  },
  {
    name: 'exp 30 s ago (within the clock tolerance)',
    body: (b) => b.jws({}, { ...b.meta, exp: nowS() - 30 }),
  },
  {
    name: 'jku and x5u headers (never fetched)',
    body: (b) => b.jws({ jku: 'http://127.0.0.1:9/jwks', x5u: 'http://127.0.0.1:9/c' }),
  },
  { name: 'a line break after the JWS', body: (b) => `${b.jws()}\r\n` },
  {
    name: 'RS256',
    body: (b) => {
      const input = `${b64u({ alg: 'RS256', x5c: b.x5c })}.${b64u(b.meta)}`;
      return `${input}.${sign('sha256', Buffer.from(input), b.who.key.privateKey).toString('base64url')}`;
    },
  },
  {
    name: 'a __proto__ header member (ignored)',
    body: (b) => b.jws(JSON.parse('{"__proto__": {"polluted": true}}')),
  },
];

const REFUSED: Row[] = [
  // alg.
  {
    name: 'alg none, no signature',
    body: (b) => `${b64u({ alg: 'none', x5c: b.x5c })}.${b64u(b.meta)}.`,
    want: refuse('compact JWS'),
  },
  { name: 'alg none with a signature', body: (b) => b.jws({ alg: 'none' }), want: refuse('none') },
  {
    name: 'alg HS256 keyed with the QSealC (key confusion)',
    body: (b) => {
      const input = `${b64u({ alg: 'HS256', x5c: b.x5c })}.${b64u(b.meta)}`;
      const mac = createHmac('sha256', Buffer.from(b.x5c[0], 'base64')).update(input).digest('base64url');
      return `${input}.${mac}`;
    },
    want: refuse('HS256'),
  },
  {
    name: 'alg missing',
    body: (b) => signed({ x5c: b.x5c }, JSON.stringify(b.meta), b.who.key.privateKey),
    want: refuse('alg'),
  },
  {
    name: 'alg a stack-frame-like text (never echoed)',
    body: (b) => b.jws({ alg: 'at evil (/home/x.ts:1)' }),
    want: refuse('not an algorithm name'),
  },
  { name: 'alg PS512 (not taken)', body: (b) => b.jws({ alg: 'PS512' }), want: refuse('PS512') },
  {
    name: 'alg ES256 over an RSA signature',
    body: (b) => b.jws({ alg: 'ES256' }),
    want: refuse("QSealC's RSA key"),
  },
  { name: 'alg a number', body: (b) => b.jws({ alg: 256 }), want: refuse('alg must be a string') },
  // kid, typ, crit, jwk.
  { name: 'kid a number', body: (b) => b.jws({ kid: 1 }), want: refuse('kid') },
  { name: 'kid empty', body: (b) => b.jws({ kid: '' }), want: refuse('kid') },
  { name: 'kid of 10,000 characters', body: (b) => b.jws({ kid: 'k'.repeat(10_000) }), want: refuse('kid') },
  { name: 'typ of another kind of token', body: (b) => b.jws({ typ: 'dpop+jwt' }), want: refuse('typ') },
  { name: 'typ a number', body: (b) => b.jws({ typ: 1 }), want: refuse('typ') },
  {
    name: 'crit naming an unknown extension',
    body: (b) => b.jws({ crit: ['zzz'], zzz: 1 }),
    want: refuse('crit'),
  },
  {
    name: 'jwk header holding a private key',
    body: (b) => b.jws({ jwk: privateJwk }),
    want: refuse('private key material'),
  },
  // x5c and its thumbprints.
  { name: 'x5c missing', body: (b) => b.jws({ x5c: undefined }), want: refuse('x5c') },
  { name: 'x5c empty', body: (b) => b.jws({ x5c: [] }), want: refuse('x5c') },
  { name: 'x5c a string', body: (b) => b.jws({ x5c: b.x5c[0] }), want: refuse('x5c') },
  {
    name: 'x5c of 4 certificates',
    body: (b) => b.jws({ x5c: Array(4).fill(b.x5c[0]) }),
    want: refuse('x5c'),
  },
  { name: 'x5c[0] a number', body: (b) => b.jws({ x5c: [1] }), want: refuse('x5c[0]') },
  { name: 'x5c[1] a number', body: (b) => b.jws({ x5c: [b.x5c[0], 1] }), want: refuse('x5c[1]') },
  {
    name: 'x5c[0] base64url, not base64',
    body: (b) => b.jws({ x5c: [Buffer.from(b.x5c[0], 'base64').toString('base64url')] }),
    want: refuse('x5c[0]'),
  },
  {
    name: 'x5c[0] with a line break',
    body: (b) => b.jws({ x5c: [`${b.x5c[0].slice(0, 64)}\n${b.x5c[0].slice(64)}`] }),
    want: refuse('x5c[0]'),
  },
  {
    name: 'x5c[0] not a certificate',
    body: (b) => b.jws({ x5c: ['AAAA'] }),
    want: refuse('x5c', 'unapproved_software_statement'),
  },
  {
    name: 'x5c[0] self-signed (not of the QTSP)',
    body: (b) => b.jws({ x5c: [selfSigned] }),
    want: refuse('x5c', 'unapproved_software_statement'),
  },
  {
    name: 'x5c[0] a certificate whose issuer name is hostile (never echoed)',
    body: (b) => b.jws({ x5c: [hostile] }),
    want: refuse('x5c', 'unapproved_software_statement'),
  },
  {
    name: 'x5c[0] a QWAC, not a QSealC',
    body: (b) => b.jws({ x5c: [qseal(b.who, { type: 'qwac' })] }),
    want: refuse('QSealC', 'unapproved_software_statement'),
  },
  {
    name: "x5c[0] another organisation's QSealC",
    body: (b) => b.jws({ x5c: [qseal(b.who, { identifier: 'PSDGB-FCA-SOMEONE' })] }),
    want: refuse('organizationIdentifier', 'unapproved_software_statement'),
  },
  {
    name: 'x5c[0] an expired QSealC',
    body: (b) => b.jws({ x5c: [qseal(b.who, { now: new Date(Date.now() - 10 * DAY_S * 1000) })] }),
    want: refuse('x5c', 'unapproved_software_statement'),
  },
  {
    name: 'x5t not the QSealC thumbprint',
    body: (b) => b.jws({ x5t: b64u('x'.repeat(20)) }),
    want: refuse('x5t'),
  },
  {
    name: 'x5t#S256 not the QSealC thumbprint',
    body: (b) => b.jws({ 'x5t#S256': b64u('x'.repeat(32)) }),
    want: refuse('x5t#S256'),
  },
  { name: 'x5t#S256 a number', body: (b) => b.jws({ 'x5t#S256': 1 }), want: refuse('x5t#S256') },
  // The signature.
  {
    name: 'signed by a key the QSealC does not certify',
    body: (b) => signed({ alg: 'PS256', x5c: b.x5c }, JSON.stringify(b.meta), otherKey),
    want: refuse('signature'),
  },
  {
    name: 'payload tampered after signing',
    body: (b) => {
      const [h, , s] = b.jws().split('.');
      return `${h}.${b64u({ ...b.meta, client_name: 'Evil' })}.${s}`;
    },
    want: refuse('signature'),
  },
  {
    name: 'header tampered after signing (kid added)',
    body: (b) => {
      const [, p, s] = b.jws().split('.');
      return `${b64u({ alg: 'PS256', x5c: b.x5c, kid: 'added' })}.${p}.${s}`;
    },
    want: refuse('signature'),
  },
  {
    name: 'signature stripped',
    body: (b) => `${b.jws().split('.').slice(0, 2).join('.')}.`,
    want: refuse('compact JWS'),
  },
  {
    name: 'signature not base64url',
    body: (b) => `${b.jws().split('.').slice(0, 2).join('.')}.a+b/c`,
    want: refuse('compact JWS'),
  },
  // The claims.
  {
    name: 'expired (exp an hour ago)',
    body: (b) => b.jws({}, { ...b.meta, exp: nowS() - 3600 }),
    want: refuse('exp'),
  },
  {
    name: 'not valid yet (nbf in an hour)',
    body: (b) => b.jws({}, { ...b.meta, nbf: nowS() + 3600 }),
    want: refuse('nbf'),
  },
  { name: 'exp a string', body: (b) => b.jws({}, { ...b.meta, exp: 'tomorrow' }), want: refuse('exp') },
  { name: 'iat a string', body: (b) => b.jws({}, { ...b.meta, iat: 'now' }), want: refuse('iat') },
  // The payload.
  {
    name: 'payload not JSON',
    body: (b) => signed({ alg: 'PS256', x5c: b.x5c }, 'not json', b.who.key.privateKey),
    want: refuse('JSON object'),
  },
  { name: 'payload a JSON array', body: (b) => b.jws({}, [b.meta]), want: refuse('JSON object') },
  {
    name: 'payload without client_name',
    body: (b) => b.jws({}, { ...b.meta, client_name: undefined }),
    want: refuse('client_name', 'invalid_client_metadata'),
  },
  {
    name: "payload naming another subject DN than the QWAC's",
    body: (b) => b.jws({}, { ...b.meta, tls_client_auth_subject_dn: 'CN=someone else' }),
    want: refuse('tls_client_auth_subject_dn', 'invalid_client_metadata'),
  },
  // The shape, media type and size of the body.
  {
    name: 'header not JSON',
    body: (b) => `${b64u('not json')}.${b.jws().split('.').slice(1).join('.')}`,
    want: refuse('header'),
  },
  { name: 'five parts (a JWE)', body: (b) => `${b.jws()}.AAAA.AAAA`, want: refuse('compact JWS') },
  {
    name: 'JWS JSON serialization',
    type: 'application/jose',
    body: (b) => {
      const [protectedHeader, payload, signature] = b.jws().split('.');
      return JSON.stringify({ payload, protected: protectedHeader, signature });
    },
    want: refuse('compact JWS'),
  },
  {
    name: 'the metadata as JSON sent as application/jwt',
    body: (b) => JSON.stringify(b.meta),
    want: refuse('compact JWS'),
  },
  {
    name: 'the JWS sent as application/json',
    type: 'application/json',
    body: (b) => b.jws(),
    want: refuse('body', 'invalid_client_metadata'),
  },
  {
    name: 'the JWS sent as text/plain',
    type: 'text/plain',
    body: (b) => b.jws(),
    want: refuse('text/plain', 'unsupported_media_type', 415),
  },
  {
    name: 'the JWS sent as application/jose+json',
    type: 'application/jose+json',
    body: (b) => b.jws(),
    want: refuse('application/jose+json', 'unsupported_media_type', 415),
  },
  {
    name: 'a JWS of 40,000 characters',
    body: (b) => b.jws({}, { ...b.meta, pad: 'a'.repeat(30_000) }),
    want: refuse('compact JWS'),
  },
  {
    name: 'a body over 64 KiB',
    body: (b) => b.jws({}, { ...b.meta, pad: 'a'.repeat(70_000) }),
    want: refuse('', 'request_too_large', 413),
  },
  { name: 'an empty body', body: () => '', want: refuse('compact JWS') },
  {
    name: 'binary junk',
    body: () => Buffer.from([0, 0xff, 0xfe, 0x2e, 0x80, 0x2e, 0x0a]),
    want: refuse('compact JWS'),
  },
];

let privateJwk: Record<string, unknown>;

beforeAll(async () => {
  d = await testDirectory();
  https = await httpsDirectory(d);
  shared = enrolmentIdentity(d, await keyPool.take());
  otherKey = (await keyPool.take()).privateKey;
  hostile = hostileCertificate(shared.key);
  privateJwk = (await exportJWK(shared.key.privateKey)) as Record<string, unknown>;
  // A QSealC of a CA made here, not of the sandbox's QTSP.
  const foreign = await loadOrCreateCa(join(d.dataDir, 'foreign-ca'), {
    crlUrl: 'https://foreign.example/crl',
    rootKeyBits: 2048,
  });
  selfSigned = issueCertificate(foreign, {
    type: 'qseal',
    csr: parseCsr(
      createCsr({
        key: shared.key,
        subject: [
          { name: 'organizationIdentifier', value: 'PSDGB-FCA-FOREIGN' },
          { name: 'CN', value: 'foreign.example' },
        ],
      }),
    ),
    ctx: { orgId: 'x', legalName: 'x', organisationIdentifier: 'PSDGB-FCA-FOREIGN', roles: ['PSP_AI'] },
  }).der.toString('base64');
});
afterAll(async () => {
  for (const who of [shared, ...identities]) await who?.agent.close();
  await new Promise((r) => https?.server.close(r));
  d?.cleanup();
});

function build(): Build {
  const who = enrolmentIdentity(d, shared.key);
  identities.push(who);
  const meta = enrolmentMetadata(who);
  const x5c = [who.qsealDer.toString('base64')];
  return {
    who,
    meta,
    x5c,
    jws: (header = {}, payload = meta) =>
      signed({ alg: 'PS256', x5c, ...header }, JSON.stringify(payload), who.key.privateKey),
  };
}

/** The three paths the swagger gives the enrolment, taken in turn (one handler serves them). */
const PATHS = ['/v2.1/organisation', '/v2/organisation', '/organisation/tpp'];
let turn = 0;
const nextPath = () => PATHS[turn++ % PATHS.length];

const health = async () => (await request(`${https.url}/health`, { dispatcher: shared.agent })).statusCode;

describe('eIDAS self-enrolment, the signed (QSeal) form, part by part', () => {
  it('well-formed statements enrol (201)', async () => {
    const problems: string[] = [];
    for (const row of ACCEPTED) {
      const b = build();
      const res = await postEnrolment(
        https.url,
        b.who,
        row.type ?? 'application/jwt',
        row.body(b),
        nextPath(),
      );
      if (res.status !== 201) problems.push(`${row.name}: ${res.status} ${res.text.slice(0, 300)}`);
    }
    expect(problems, problems.join('\n')).toEqual([]);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  }, 60_000);

  it('every other statement is refused as the table says, nothing stored, the service up', async () => {
    const problems: string[] = [];
    for (const row of REFUSED) {
      if (!row.want) throw new Error(`${row.name}: a refused row names its refusal`);
      const b = build();
      const before = await stored(d);
      const res = await postEnrolment(
        https.url,
        b.who,
        row.type ?? 'application/jwt',
        row.body(b),
        nextPath(),
      );
      problems.push(
        ...(await refusalProblems(d, row.name, res, row.want, before, [String(privateJwk.d)], health)),
      );
      if (res.text.includes('AAAAAAAAAA') || res.text.includes('evil'))
        problems.push(`${row.name}: a name from the request echoed in ${res.text.slice(0, 200)}`);
      for (const internal of LIBRARY_INTERNALS)
        if (res.text.includes(internal))
          problems.push(`${row.name}: library text "${internal}" in ${res.text}`);
    }
    expect(problems, problems.join('\n')).toEqual([]);
    console.info(`QSeal enrolment: ${REFUSED.length} refusals, ${ACCEPTED.length} enrolments`);
  }, 120_000);
});

describe('eIDAS self-enrolment over mutual TLS with a certificate whose names are hostile', () => {
  it('is 401 invalid_client, naming none of them, nothing stored', async () => {
    const pem = `-----BEGIN CERTIFICATE-----\n${hostile.match(/.{1,64}/g)?.join('\n')}\n-----END CERTIFICATE-----\n`;
    const agent = new Agent({
      connect: { ca: d.ctx.ca.bundlePem, cert: pem, key: shared.key.privateKeyPem },
    });
    try {
      const before = await stored(d);
      const res = await postEnrolment(
        https.url,
        { agent },
        'application/json',
        JSON.stringify(enrolmentMetadata(shared)),
      );
      const problems = await refusalProblems(
        d,
        'hostile QWAC',
        res,
        { status: 401, error: 'invalid_client' },
        before,
        [],
        health,
      );
      if (res.text.includes('AAAAAAAAAA') || res.text.includes('evil'))
        problems.push(`echoed: ${res.text.slice(0, 200)}`);
      expect(problems, problems.join('\n')).toEqual([]);
    } finally {
      await agent.close();
    }
  });
});
