import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { promisify } from 'node:util';
import { SignJWT } from 'jose';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { bankFromSpec } from '../../aspsp-mock/index.js';
import type { KeyPair } from '../../certs/index.js';
import { onboardEidasTpp } from '../helpers/eidas-tpp.js';
import { call, sandboxKeys, startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

/**
 * The rfc7591-eidas profile: RFC 7591 JSON body, software statement signed by
 * the TPP's own QSeal key (RS256 here), keys served by the TPP over TLS with
 * its QWAC, mTLS with that QWAC, client_secret_post at the token endpoint.
 */
const run = promisify(execFile);
const OI = 'PSDUK-UKBXXX-12345678';
let sb: TestSandbox;
let jwksServer: https.Server;
let jwksUrl = '';
let qwac = { certPem: '', key: undefined as unknown as KeyPair };
let qseal = { kid: '', key: undefined as unknown as KeyPair, jwk: {} as Record<string, unknown> };
let mtls: Agent;
let bank: TestSandbox['bank'];
let echoBank: TestSandbox['bank'];

beforeAll(async () => {
  const echo = bankFromSpec('echo=rfc7591-eidas');
  sb = await startTestSandbox({
    banks: [
      bankFromSpec('eidas=rfc7591-eidas'),
      { ...echo, settings: { ...echo.settings, eidasScope: 'echo-statement' } },
    ],
  });
  bank = sb.bank;
  echoBank = sb.aspsp.banks[1];
  ({ qwac, qseal } = await onboardEidasTpp(sb, {
    organisationIdentifier: OI,
    organisationName: 'EU TPP',
    legalName: 'EU TPP GmbH',
    roles: ['AISP'],
    commonName: 'tpp.localhost',
  }));
  // The TPP hosts its own JWKS over TLS with its QWAC.
  jwksServer = https.createServer(
    { key: qwac.key.privateKeyPem, cert: qwac.certPem + sb.caBundle },
    (_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [qseal.jwk] }));
    },
  );
  await new Promise<void>((r) => jwksServer.listen(0, '127.0.0.1', r));
  jwksUrl = `https://localhost:${(jwksServer.address() as AddressInfo).port}/jwks`;
  mtls = new Agent({ connect: { ca: sb.caBundle, cert: qwac.certPem, key: qwac.key.privateKeyPem } });
});
afterAll(async () => {
  await mtls?.close();
  jwksServer?.close();
  await sb?.close();
});

function statement(
  overrides: Record<string, unknown> = {},
  alg = 'RS256',
  key = qseal.key.privateKey,
): Promise<string> {
  return new SignJWT({
    iss: OI,
    aud: bank.issuer,
    iat: Math.floor(Date.now() / 1000),
    jti: randomUUID(),
    software_id: 'eu-tpp-app',
    software_client_name: 'EU TPP app',
    software_jwks_endpoint: jwksUrl,
    software_redirect_uris: ['https://eu-tpp.example/cb'],
    software_roles: ['AISP'],
    ...overrides,
  })
    .setProtectedHeader({ alg, kid: qseal.kid, typ: 'JWT' })
    .sign(key);
}

const registerJson = (body: Record<string, unknown>, agent = mtls, issuer = bank.issuer) =>
  call(agent, 'POST', `${issuer}/register`, {
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });

const tokenRequest = (client: Record<string, unknown>, scope: string, issuer = bank.issuer) =>
  call(mtls, 'POST', `${issuer}/token`, {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: String(client.client_id),
      client_secret: String(client.client_secret),
      scope,
    }).toString(),
  });

/** The published walkthrough's statement: PSD2 roles as `scope` objects, no software_roles. */
const walkthroughRoles = {
  software_roles: undefined,
  scope: [
    { role: 'AIS', authorities: ['GB-FCA'] },
    { role: 'PIS', authorities: ['GB-FCA'] },
  ],
};

describe('rfc7591-eidas profile', () => {
  it('registers an RFC 7591 JSON request with a QSeal-signed statement, and the secret works at the token endpoint', async () => {
    const res = await registerJson({
      software_statement: await statement(),
      token_endpoint_auth_method: 'client_secret_post',
      grant_types: ['client_credentials'],
      scope: 'accounts',
      client_name: 'ignored unknowns are fine',
      some_unknown_claim: { nested: true },
    });
    expect(res.status, res.text).toBe(201);
    const client = res.json();
    expect(client.redirect_uris).toEqual(['https://eu-tpp.example/cb']);
    expect(client.software_id).toBe('eu-tpp-app');
    expect(String(client.client_secret)).toHaveLength(36);
    const token = await call(mtls, 'POST', `${bank.issuer}/token`, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: String(client.client_id),
        client_secret: String(client.client_secret),
      }).toString(),
    });
    expect(token.status, token.text).toBe(200);
    expect(token.json().scope).toBe('accounts');
  });

  it('maps the walkthrough roles to scopes: scope "openid accounts payments", software_roles, tokens granted', async () => {
    const res = await registerJson({
      software_statement: await statement({ ...walkthroughRoles, aud: undefined }),
      redirect_uris: ['https://eu-tpp.example/cb'],
      token_endpoint_auth_method: 'client_secret_post',
      grant_types: ['client_credentials', 'authorization_code'],
    });
    expect(res.status, res.text).toBe(201);
    const client = res.json();
    expect(client.scope).toBe('openid accounts payments');
    expect(client.software_roles).toEqual(['AIS', 'PIS']);
    for (const scope of ['accounts', 'payments', 'openid accounts']) {
      const token = await tokenRequest(client, scope);
      expect(token.status, token.text).toBe(200);
      expect(token.json().scope).toBe(scope);
    }
    const cbpii = await tokenRequest(client, 'fundsconfirmations');
    expect(cbpii.status).toBe(400);
    expect(cbpii.json().error).toBe('invalid_scope');
  });

  it('refuses a requested scope the statement roles do not grant', async () => {
    const res = await registerJson({
      software_statement: await statement(walkthroughRoles),
      token_endpoint_auth_method: 'client_secret_post',
      grant_types: ['client_credentials'],
      scope: 'openid fundsconfirmations',
    });
    expect(res.status).toBe(400);
    expect(res.json().error).toBe('invalid_client_metadata');
  });

  it('switch eidasScope=echo-statement: role objects echoed as scope, and a token for accounts refused', async () => {
    const res = await registerJson(
      {
        software_statement: await statement({ ...walkthroughRoles, aud: echoBank.issuer }),
        token_endpoint_auth_method: 'client_secret_post',
        grant_types: ['client_credentials'],
      },
      mtls,
      echoBank.issuer,
    );
    expect(res.status, res.text).toBe(201);
    const client = res.json();
    expect(client.scope).toEqual(walkthroughRoles.scope);
    const token = await tokenRequest(client, 'accounts', echoBank.issuer);
    expect(token.status).toBe(400);
    expect(token.json()).toEqual({
      error: 'invalid_scope',
      error_description: 'scope accounts was not registered for this client',
    });
  });

  it('refuses a statement whose iss is not the QWAC organisation', async () => {
    const res = await registerJson({
      software_statement: await statement({ iss: 'PSDUK-UKBXXX-99999999' }),
      token_endpoint_auth_method: 'tls_client_auth',
      grant_types: ['client_credentials'],
      tls_client_auth_subject_dn: 'CN=tpp.localhost',
    });
    expect(res.status).toBe(400);
    expect(res.json().error).toBe('unapproved_software_statement');
  });

  it('refuses a statement signed by another key', async () => {
    const other = await sandboxKeys.take();
    const res = await registerJson({
      software_statement: await statement({}, 'RS256', other.privateKey),
      token_endpoint_auth_method: 'client_secret_post',
      grant_types: ['client_credentials'],
    });
    expect(res.status).toBe(400);
    expect(res.json()).toEqual({
      error: 'invalid_software_statement',
      error_description:
        'software_statement signature does not verify with the key at software_jwks_endpoint',
    });
  });

  it('refuses a statement for another audience, and a JWS body (JSON only)', async () => {
    const res = await registerJson({
      software_statement: await statement({ aud: 'https://other-bank.example' }),
      token_endpoint_auth_method: 'client_secret_post',
      grant_types: ['client_credentials'],
    });
    expect(res.status).toBe(400);
    expect(res.json().error_description).toMatch(/^software_statement aud must be this bank's issuer URL/);
    const jws = await call(mtls, 'POST', `${bank.issuer}/register`, {
      headers: { 'content-type': 'application/jose' },
      body: await statement(),
    });
    expect(jws.status).toBe(415);
  });

  it('refuses a redirect URI the statement does not list', async () => {
    const res = await registerJson({
      software_statement: await statement(),
      redirect_uris: ['https://evil.example/cb'],
      token_endpoint_auth_method: 'client_secret_post',
      grant_types: ['client_credentials'],
    });
    expect(res.status).toBe(400);
    expect(res.json().error).toBe('invalid_redirect_uri');
  });
});

/** Findings 3, 4 and 10 through the eIDAS bank's /register: the statement names the JWKS URL, the TPP chooses it. */
describe('rfc7591-eidas profile: TPP-chosen JWKS URLs and redirect URIs', () => {
  const refused = async (jwksEndpoint: string) => {
    const res = await registerJson({
      software_statement: await statement({ software_jwks_endpoint: jwksEndpoint }),
      token_endpoint_auth_method: 'client_secret_post',
      grant_types: ['client_credentials'],
    });
    expect(res.status, res.text).toBe(400);
    expect(res.json().error).toBe('invalid_software_statement');
    return String(res.json().error_description);
  };

  it("never fetches the sandbox's own services, and says only that the origin is not allowed", async () => {
    const directory = new URL(sb.directory.url);
    const bankOrigin = new URL(bank.issuer);
    for (const url of [
      `https://localhost:${directory.port}/admin/organisations`,
      `https://127.0.0.1:${directory.port}/admin/organisations`,
      `https://localhost:${bankOrigin.port}/banks/${bank.id}/admin/faults`,
    ]) {
      const description = await refused(url);
      expect(description).toBe(`software_jwks_endpoint: JWKS ${url} is not an allowed origin`);
    }
  });

  it('refuses a JWKS URL with userinfo, though it names the right server', async () => {
    const withUser = jwksUrl.replace('https://', 'https://someone:secret@');
    const description = await refused(withUser);
    expect(description).toMatch(/must not carry userinfo$/);
    expect(description).not.toMatch(/secret/);
  });

  it('names the URL and a generic reason for a closed port or an origin off the allowlist, nothing of what answered', async () => {
    expect(await refused('https://localhost:1/jwks')).toBe(
      'software_jwks_endpoint: JWKS https://localhost:1/jwks could not be fetched',
    );
    expect(await refused('https://tpp.example.com/jwks')).toBe(
      'software_jwks_endpoint: JWKS https://tpp.example.com/jwks is not an allowed origin',
    );
  });

  it('refuses a JWKS served with a certificate that chains to no trusted CA, though its keys are right', async () => {
    // A self-signed EC certificate for localhost: trusted neither by the directory CA nor by
    // Node's root store (the bank's outbound TLS context holds both, made once at start).
    const { stdout } = await run('openssl', [
      'req',
      '-x509',
      '-newkey',
      'ec',
      '-pkeyopt',
      'ec_paramgen_curve:P-256',
      '-nodes',
      '-subj',
      '/CN=localhost',
      '-addext',
      'subjectAltName=DNS:localhost',
      '-days',
      '1',
      '-keyout',
      '-',
      '-out',
      '-',
    ]);
    const untrusted = https.createServer({ key: stdout, cert: stdout }, (_req, res) => {
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ keys: [qseal.jwk] }));
    });
    await new Promise<void>((r) => untrusted.listen(0, '127.0.0.1', r));
    try {
      const url = `https://localhost:${(untrusted.address() as AddressInfo).port}/jwks`;
      expect(await refused(url)).toBe(`software_jwks_endpoint: JWKS ${url} could not be fetched`);
      // the trusted one still works after the refusal
      const ok = await registerJson({
        software_statement: await statement(),
        token_endpoint_auth_method: 'client_secret_post',
        grant_types: ['client_credentials'],
      });
      expect(ok.status, ok.text).toBe(201);
    } finally {
      untrusted.close();
    }
  });

  it.each([
    ['CRLF', 'https://eu-tpp.example/cb\r\nSet-Cookie: a=b'],
    ['U+2028', 'https://eu-tpp.example/cb\u2028'],
    ['userinfo', 'https://user@eu-tpp.example/cb'],
  ])('refuses a statement whose software_redirect_uris holds %s', async (_name, uri) => {
    const res = await registerJson({
      software_statement: await statement({ software_redirect_uris: [uri] }),
      token_endpoint_auth_method: 'client_secret_post',
      grant_types: ['client_credentials'],
    });
    expect(res.status).toBe(400);
    expect(res.json().error).toBe('invalid_software_statement');
    expect(res.json().error_description).toMatch(/^software_redirect_uris\[0\] must /);
  });
});
