import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { Agent } from 'undici';
import { beforeAll, describe, expect, it } from 'vitest';
import { revokeTppCertificate } from '../helpers/revoke-certificate.js';
import { call, register, registrationClaims, signRequest, type TestTpp } from '../helpers/sandbox.js';
import { useTestSandbox, useTestTpps } from '../helpers/use-sandbox.js';

/**
 * POST /register, one change at a time from a valid request: each case gets
 * its status and OB error code. Afterwards the bank still registers a valid request.
 */
let ssa = '';
const REDIRECTS = [
  'https://tpp.example.com/cb',
  'https://tpp.example.com/cb2',
  'http://tpp.example.com/cb',
  'https://localhost/cb',
];

const sb = useTestSandbox();
const [tpp, other, revoked] = useTestTpps(sb, [{ redirectUris: REDIRECTS }, {}, {}]);

beforeAll(async () => {
  ssa = await tpp.ssa();
  // revoke the third TPP's transport certificate at the directory
  const del = await revokeTppCertificate(sb, revoked);
  expect(del.status).toBe(204);
  await new Promise((r) => setTimeout(r, 1100)); // the bank reuses a fetched CRL for 1 s
});

const header = () => ({ alg: 'PS256', kid: tpp.signing.kid, typ: 'JWT' });
const sign = (overrides: Record<string, unknown> = {}, h: Record<string, unknown> = header()) =>
  signRequest(registrationClaims(tpp, sb.bank, ssa, overrides), tpp.signing.key.privateKey, h);
const now = () => Math.floor(Date.now() / 1000);
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const tamper = (jws: string) => {
  const [h, p, s] = jws.split('.');
  const sig = Buffer.from(s, 'base64url');
  sig[10] ^= 0xff;
  return [h, p, sig.toString('base64url')].join('.');
};
const rsaKey = () => generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;

interface Case {
  name: string;
  body: () => Promise<string> | string;
  status: number;
  error: string;
  description?: RegExp;
  type?: string;
  as?: () => TestTpp | undefined;
  agent?: () => Agent;
}

const REQUIRED: [string, string][] = [
  ['iss', 'invalid_client_metadata'],
  ['iat', 'invalid_client_metadata'],
  ['exp', 'invalid_client_metadata'],
  ['aud', 'invalid_client_metadata'],
  ['jti', 'invalid_client_metadata'],
  ['redirect_uris', 'invalid_redirect_uri'],
  ['token_endpoint_auth_method', 'invalid_client_metadata'],
  ['grant_types', 'invalid_client_metadata'],
  ['scope', 'invalid_client_metadata'],
  ['software_statement', 'invalid_software_statement'],
  ['application_type', 'invalid_client_metadata'],
  ['id_token_signed_response_alg', 'invalid_client_metadata'],
  ['request_object_signing_alg', 'invalid_client_metadata'],
];

const cases: Case[] = [
  ...REQUIRED.map(
    ([claim, error]): Case => ({
      name: `${claim} missing`,
      body: () => sign({ [claim]: undefined }),
      status: 400,
      error,
      description: new RegExp(
        claim === 'software_statement' ? 'software_statement is required' : `^${claim} is required`,
      ),
    }),
  ),
  {
    name: 'expired (exp in the past)',
    body: () => sign({ iat: now() - 600, exp: now() - 300 }),
    status: 400,
    error: 'invalid_client_metadata',
    description: /^exp: the request has expired/,
  },
  {
    name: 'not yet valid (iat in the future)',
    body: () => sign({ iat: now() + 600, exp: now() + 900 }),
    status: 400,
    error: 'invalid_client_metadata',
    description: /^iat: the request is issued in the future/,
  },
  {
    name: 'not yet valid (nbf in the future)',
    body: () => sign({ nbf: now() + 600 }),
    status: 400,
    error: 'invalid_client_metadata',
    description: /^nbf/,
  },
  {
    name: 'lifetime over an hour',
    body: () => sign({ exp: now() + 7200 }),
    status: 400,
    error: 'invalid_client_metadata',
    description: /exp - iat/,
  },
  {
    name: 'iss is another software id',
    body: () => sign({ iss: 'AAAAAAAAAAAAAAAAAAAAAA' }),
    status: 400,
    error: 'invalid_client_metadata',
    description: /does not match the SSA software_id/,
  },
  {
    name: 'DCR-004 iss "foo.is/invalid"',
    body: () => sign({ iss: 'foo.is/invalid' }),
    status: 400,
    error: 'invalid_client_metadata',
    description: /^iss/,
  },
  {
    name: 'DCR-004 iss empty',
    body: () => sign({ iss: '' }),
    status: 400,
    error: 'invalid_client_metadata',
    description: /^iss/,
  },
  {
    name: 'DCR-004 iss 30 characters',
    body: () => sign({ iss: 'A'.repeat(30) }),
    status: 400,
    error: 'invalid_client_metadata',
    description: /^iss/,
  },
  {
    name: 'software_id differs from the SSA',
    body: () => sign({ software_id: 'BBBBBBBBBBBBBBBBBBBBBB' }),
    status: 400,
    error: 'invalid_client_metadata',
    description: /^software_id/,
  },
  {
    name: 'wrong aud',
    body: () => sign({ aud: '0015800001041REAAY' }),
    status: 400,
    error: 'invalid_client_metadata',
    description: /^aud must be this bank's organisation id/,
  },
  {
    name: 'aud as the issuer URL (strict bank wants the org id)',
    body: () => sign({ aud: sb.bank.issuer }),
    status: 400,
    error: 'invalid_client_metadata',
    description: /^aud/,
  },
  {
    name: 'jti not a UUID v4',
    body: () => sign({ jti: 'x'.repeat(36) }),
    status: 400,
    error: 'invalid_client_metadata',
    description: /^jti must be a UUID v4/,
  },
  {
    name: 'redirect URI not in the SSA',
    body: () => sign({ redirect_uris: ['https://evil.example.com/cb'] }),
    status: 400,
    error: 'invalid_redirect_uri',
    description: /not in the SSA/,
  },
  {
    name: 'redirect URI over http',
    body: () => sign({ redirect_uris: ['http://tpp.example.com/cb'] }),
    status: 400,
    error: 'invalid_redirect_uri',
    description: /must use https/,
  },
  {
    name: 'redirect URI to localhost',
    body: () => sign({ redirect_uris: ['https://localhost/cb'] }),
    status: 400,
    error: 'invalid_redirect_uri',
    description: /localhost/,
  },
  {
    name: 'redirect_uris a string',
    body: () => sign({ redirect_uris: 'https://tpp.example.com/cb' }),
    status: 400,
    error: 'invalid_redirect_uri',
    description: /^redirect_uris must be of type string\[\]/,
  },
  {
    name: 'scope beyond the SSA roles',
    body: () => sign({ scope: 'accounts fundsconfirmations' }),
    status: 400,
    error: 'invalid_client_metadata',
    description: /^scope 'fundsconfirmations' needs role CBPII/,
  },
  {
    name: 'scope unknown',
    body: () => sign({ scope: 'accounts admin' }),
    status: 400,
    error: 'invalid_client_metadata',
    description: /^scope 'admin'/,
  },
  {
    name: 'scope as an array (v3.1 form)',
    body: () => sign({ scope: ['accounts'] }),
    status: 400,
    error: 'invalid_client_metadata',
    description: /^scope must be of type string/,
  },
  {
    name: 'unsupported auth method client_secret_jwt',
    body: () =>
      sign({ token_endpoint_auth_method: 'client_secret_jwt', token_endpoint_auth_signing_alg: 'PS256' }),
    status: 400,
    error: 'invalid_client_metadata',
    description: /^token_endpoint_auth_method must be one of/,
  },
  {
    name: 'auth method none',
    body: () => sign({ token_endpoint_auth_method: 'none' }),
    status: 400,
    error: 'invalid_client_metadata',
    description: /^token_endpoint_auth_method/,
  },
  {
    name: 'private_key_jwt without token_endpoint_auth_signing_alg',
    body: () =>
      sign({ token_endpoint_auth_method: 'private_key_jwt', tls_client_auth_subject_dn: undefined }),
    status: 400,
    error: 'invalid_client_metadata',
    description: /^token_endpoint_auth_signing_alg is required/,
  },
  {
    name: 'tls_client_auth without tls_client_auth_subject_dn',
    body: () => sign({ tls_client_auth_subject_dn: undefined }),
    status: 400,
    error: 'invalid_client_metadata',
    description: /^tls_client_auth_subject_dn is required/,
  },
  {
    name: 'tls_client_auth_subject_dn of another certificate',
    body: () =>
      sign({ tls_client_auth_subject_dn: `CN=${other.softwareId},OU=${other.orgId},O=OpenBanking,C=GB` }),
    status: 400,
    error: 'invalid_client_metadata',
    description: /^tls_client_auth_subject_dn .* does not match/,
  },
  {
    name: 'tls_client_auth_subject_dn not a DN',
    body: () => sign({ tls_client_auth_subject_dn: '=,=,=' }),
    status: 400,
    error: 'invalid_client_metadata',
    description: /^tls_client_auth_subject_dn/,
  },
  {
    name: 'DCR-011 response_types id_token token',
    body: () => sign({ response_types: ['id_token', 'token'] }),
    status: 400,
    error: 'invalid_client_metadata',
    description: /^response_types\[0\] must be one of/,
  },
  {
    name: 'grant type password',
    body: () => sign({ grant_types: ['client_credentials', 'password'] }),
    status: 400,
    error: 'invalid_client_metadata',
    description: /^grant_types\[1\]/,
  },
  {
    name: 'application_type desktop',
    body: () => sign({ application_type: 'desktop' }),
    status: 400,
    error: 'invalid_client_metadata',
    description: /^application_type must be one of: web, mobile/,
  },
  {
    name: 'id_token_signed_response_alg RS256',
    body: () => sign({ id_token_signed_response_alg: 'RS256' }),
    status: 400,
    error: 'invalid_client_metadata',
    description: /^id_token_signed_response_alg/,
  },
  {
    name: 'exp a string',
    body: () => sign({ exp: String(now() + 300) }),
    status: 400,
    error: 'invalid_client_metadata',
    description: /^exp must be of type integer/,
  },
  {
    name: 'request signed RS256 (DCR-004)',
    body: () => sign({}, { alg: 'RS256', kid: tpp.signing.kid }),
    status: 400,
    error: 'invalid_client_metadata',
    description: /^request signing alg 'RS256' is not accepted/,
  },
  {
    name: 'request alg none',
    body: () =>
      `${b64({ alg: 'none', kid: tpp.signing.kid })}.${b64(registrationClaims(tpp, sb.bank, ssa))}.`,
    status: 400,
    error: 'invalid_client_metadata',
    description: /^request signing alg 'none'/,
  },
  {
    name: 'request HS256 keyed with the public key',
    body: async () =>
      new SignJWT(registrationClaims(tpp, sb.bank, ssa))
        .setProtectedHeader({ alg: 'HS256', kid: tpp.signing.kid })
        .sign(Buffer.from(tpp.signing.key.publicKeyPem)),
    status: 400,
    error: 'invalid_client_metadata',
    description: /^request signing alg 'HS256'/,
  },
  {
    name: 'request signed by a key not in the software JWKS',
    body: () => signRequest(registrationClaims(tpp, sb.bank, ssa), rsaKey(), header()),
    status: 400,
    error: 'invalid_client_metadata',
    description: /^request signature does not verify/,
  },
  {
    name: 'request kid unknown',
    body: () => sign({}, { alg: 'PS256', kid: 'unknown-kid' }),
    status: 400,
    error: 'invalid_client_metadata',
    description: /not in the software JWKS/,
  },
  {
    name: 'request header with x5c',
    body: () => sign({}, { ...header(), x5c: ['MIIB'] }),
    status: 400,
    error: 'invalid_client_metadata',
    description: /must not carry 'x5c'/,
  },
  {
    name: 'request without kid',
    body: () => sign({}, { alg: 'PS256' }),
    status: 400,
    error: 'invalid_client_metadata',
    description: /no kid/,
  },
  {
    name: 'tampered request signature',
    body: async () => tamper(await sign()),
    status: 400,
    error: 'invalid_client_metadata',
    description: /^request signature does not verify/,
  },
  {
    name: 'SSA signed by another key (same kid)',
    body: async () => {
      const [h, p] = ssa.split('.');
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
      const forged = await new SignJWT(claims)
        .setProtectedHeader(JSON.parse(Buffer.from(h, 'base64url').toString()))
        .sign(rsaKey());
      return sign({ software_statement: forged });
    },
    status: 400,
    error: 'invalid_software_statement',
    description: /signature does not verify/,
  },
  {
    // the statement is checked before the request signature (its key comes from the statement)
    name: 'SSA signed by another key and the request signature tampered',
    body: async () => {
      const [h, p] = ssa.split('.');
      const forged = await new SignJWT(JSON.parse(Buffer.from(p, 'base64url').toString()))
        .setProtectedHeader(JSON.parse(Buffer.from(h, 'base64url').toString()))
        .sign(rsaKey());
      return tamper(await sign({ software_statement: forged }));
    },
    status: 400,
    error: 'invalid_software_statement',
    description: /signature does not verify/,
  },
  {
    name: 'SSA tampered (remembered as verified before) and the request signature tampered',
    body: async () => {
      const [h, p, s] = ssa.split('.');
      return tamper(await sign({ software_statement: `${h}.${p}.${tamper(`x.x.${s}`).split('.')[2]}` }));
    },
    status: 400,
    error: 'invalid_software_statement',
    description: /signature does not verify/,
  },
  {
    name: 'SSA alg none',
    body: () => {
      const p = ssa.split('.')[1];
      return sign({ software_statement: `${b64({ alg: 'none', typ: 'JWT' })}.${p}.` });
    },
    status: 400,
    error: 'invalid_software_statement',
    description: /alg 'none'/,
  },
  {
    name: 'SSA payload tampered (extra redirect)',
    body: () => {
      const [h, p, s] = ssa.split('.');
      const claims = JSON.parse(Buffer.from(p, 'base64url').toString());
      claims.software_redirect_uris.push('https://evil.example.com/cb');
      return sign({ software_statement: `${h}.${b64(claims)}.${s}` });
    },
    status: 400,
    error: 'invalid_software_statement',
    description: /signature does not verify/,
  },
  {
    name: 'SSA garbage',
    body: () => sign({ software_statement: 'not.a.jwt!' }),
    status: 400,
    error: 'invalid_software_statement',
    description: /not a signed JWT/,
  },
  {
    name: 'non-JWT garbage body',
    body: () => 'hello bank',
    status: 400,
    error: 'invalid_client_metadata',
    description: /not a signed JWT/,
  },
  {
    name: 'JSON body instead of a JWS',
    body: () => JSON.stringify({ iss: 'x' }),
    status: 415,
    error: 'unsupported_media_type',
    type: 'application/json',
  },
  {
    name: 'wrong media type',
    body: () => sign(),
    status: 415,
    error: 'unsupported_media_type',
    type: 'text/plain',
  },
  { name: 'oversized body', body: () => 'a'.repeat(1024 * 1024), status: 413, error: 'request_too_large' },
  {
    name: 'no client certificate',
    body: () => sign(),
    status: 401,
    error: 'invalid_client',
    description: /client certificate \(mutual TLS\) is required/,
    agent: () => new Agent({ connect: { ca: sb.caBundle } }),
  },
  {
    name: "another software statement's certificate",
    body: () => sign(),
    status: 400,
    error: 'unapproved_software_statement',
    description: /does not belong to software/,
    agent: () => other.agent,
  },
  {
    name: 'a revoked certificate',
    body: () => sign(),
    status: 401,
    error: 'invalid_client',
    description: /revoked/,
    agent: () => revoked.agent,
  },
  {
    name: 'certificate from an untrusted CA',
    body: () => sign(),
    status: 401,
    error: 'invalid_client',
    description: /untrusted/,
    agent: () => foreignAgent,
  },
];

/** An mTLS client whose certificate (right subject) comes from a CA the bank does not trust. */
let foreignAgent: Agent;

describe('POST /register rejects one bad thing at a time', () => {
  beforeAll(async () => {
    const { createCsr, generateRsaKeyPair, issueCertificate, loadOrCreateCa, parseCsr } = await import(
      '../../certs/index.js'
    );
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const { join } = await import('node:path');
    const foreignCa = await loadOrCreateCa(mkdtempSync(join(tmpdir(), 'obmock-foreign-ca-')), {
      crlUrl: 'https://foreign.example/crl',
      rootKeyBits: 2048,
    });
    const key = await generateRsaKeyPair(2048);
    const csr = parseCsr(
      createCsr({
        key,
        subject: [
          { name: 'C', value: 'GB' },
          { name: 'O', value: 'OpenBanking' },
          { name: 'OU', value: tpp.orgId },
          { name: 'CN', value: tpp.softwareId },
        ],
      }),
    );
    const foreignCert = issueCertificate(foreignCa, {
      type: 'obtransport',
      csr,
      ctx: {
        orgId: tpp.orgId,
        softwareId: tpp.softwareId,
        legalName: 'x',
        organisationIdentifier: '',
        roles: [],
      },
    }).pem;
    foreignAgent = new Agent({ connect: { ca: sb.caBundle, cert: foreignCert, key: key.privateKeyPem } });
  });

  it.each(cases)('$name → $status $error', async (c) => {
    const agent = c.agent?.() ?? tpp.agent;
    const res = await call(agent, 'POST', `${sb.bank.issuer}/register`, {
      headers: { 'content-type': c.type ?? 'application/jose' },
      body: await c.body(),
    });
    expect(res.status, res.text).toBe(c.status);
    const body = res.json();
    expect(Object.keys(body).sort()).toEqual(['error', 'error_description']);
    expect(body.error).toBe(c.error);
    expect(String(body.error_description).length).toBeLessThanOrEqual(500);
    if (c.description) expect(body.error_description).toMatch(c.description);
  });

  it('refuses a replayed jti', async () => {
    const jti = randomUUID();
    const first = await register(tpp, sb.bank, await sign({ jti }));
    expect(first.status, first.text).toBe(201);
    const again = await register(tpp, sb.bank, await sign({ jti }));
    expect(again.status).toBe(400);
    expect(again.json()).toEqual({
      error: 'invalid_client_metadata',
      error_description: `jti '${jti}' has already been used`,
    });
  });

  it('refuses an SSA of a suspended organisation (org_status Withdrawn)', async () => {
    const agent = new Agent({ connect: { ca: sb.caBundle } });
    const admin = { authorization: `Bearer ${sb.directory.adminToken}` };
    await call(agent, 'POST', `${sb.directory.url}/admin/organisations/${other.orgId}/suspend`, {
      headers: admin,
    });
    const suspendedSsa = await other.ssa();
    await call(agent, 'POST', `${sb.directory.url}/admin/organisations/${other.orgId}/reinstate`, {
      headers: admin,
    });
    await agent.close();
    const jwt = await signRequest(
      registrationClaims(other, sb.bank, suspendedSsa, { redirect_uris: ['https://tpp.example.com/cb'] }),
      other.signing.key.privateKey,
      { alg: 'PS256', kid: other.signing.kid },
    );
    const res = await register(other, sb.bank, jwt);
    expect(res.status).toBe(400);
    expect(res.json()).toEqual({
      error: 'unapproved_software_statement',
      error_description: `organisation ${other.orgId} is Withdrawn, not Active`,
    });
  });

  it('still registers a valid request after all of that', async () => {
    const res = await register(tpp, sb.bank, await sign());
    expect(res.status, res.text).toBe(201);
    expect(res.json().software_id).toBe(tpp.softwareId);
    const health = await call(tpp.agent, 'GET', `${sb.aspsp.url}/health`);
    expect(health.status).toBe(200);
  });
});
