import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BankDefinition } from '../../aspsp-mock/config.js';
import type { RunningBank } from '../../aspsp-mock/index.js';
import { type BankSettings, STRICT_OB_V33 } from '../../aspsp-mock/settings.js';
import { createCsr, dnToString, parseCertificate } from '../../certs/index.js';
import {
  call,
  type HttpResult,
  onboardTpp,
  registrationClaims,
  sandboxKeys,
  signRequest,
  startTestSandbox,
  type TestSandbox,
  type TestTpp,
} from '../helpers/sandbox.js';

/**
 * Every switch: the strict bank and a bank with that one switch changed,
 * given the same request, behave as documented (docs/profiles.md).
 */
const VARIANTS: Record<string, Partial<BankSettings>> = {
  v31: { specVersion: '3.1', scopeFormat: 'array' },
  v32: { specVersion: '3.2' },
  joseOnly: { registrationMediaTypes: ['application/jose'] },
  audIssuer: { audience: 'issuer' },
  audAny: { audience: 'any' },
  audFixed: { audience: 'fixed:bank-x' },
  dnString: { subjectDnMatch: 'string', subjectDnRendering: 'oid' },
  dnStringHex: { subjectDnMatch: 'string', subjectDnRendering: 'hex' },
  pkjOnly: { tokenEndpointAuthMethods: ['private_key_jwt'] },
  rs256: { signingAlgs: ['PS256', 'ES256', 'RS256'] },
  noRefresh: { grantTypes: ['client_credentials', 'authorization_code'] },
  codeIdTokenOnly: { responseTypes: ['code id_token'] },
  pairwise: { requiredClaims: { subject_type: 'pairwise' } },
  noRedirectCheck: { checkRedirectUris: false },
  genericRedirectCode: { redirectErrorCode: 'invalid_client_metadata' },
  noBinding: { checkCertificateBinding: false },
  tlsInJwks: { requireTransportCertInJwks: true },
  shapes: {
    scopeFormat: 'array',
    clientIdIssuedAtUnit: 'milliseconds',
    timestampFormat: 'string',
    createStatus: 200,
  },
  noDelete: { managementOperations: ['GET', 'PUT'] },
  scoped: { managementAuth: 'scoped-token', managementScope: 'accounts' },
  rat: { managementAuth: 'registration-access-token' },
  ratRotate: { managementAuth: 'registration-access-token', rotateRegistrationAccessToken: true },
  dupReject: { duplicateRegistration: 'reject' },
  dupExisting: { duplicateRegistration: 'return-existing' },
  paths: { registrationPath: '/as/clients.oauth2', discoveryPath: '/oidc/.well-known/openid-configuration' },
  ssaAge: { ssaMaxAgeSeconds: 1 },
  skew: { clockSkewSeconds: 120 },
  lifetime: { requestMaxLifetimeSeconds: 600 },
  tokenLife: { accessTokenLifetimeSeconds: 60 },
  jwksNoCache: { jwksCacheSeconds: 0 },
  crlLongCache: { crlCacheSeconds: 3600, jwksCacheSeconds: 3600 },
};

let sb: TestSandbox;
const banks: Record<string, RunningBank> = {};
let tpp: TestTpp;
let other: TestTpp;
let ssa = '';

beforeAll(async () => {
  const defs: BankDefinition[] = [
    { id: 'strict', profile: 'ob-v3.3', settings: STRICT_OB_V33 },
    ...Object.entries(VARIANTS).map(([id, sw]) => ({
      id,
      profile: id,
      settings: { ...STRICT_OB_V33, ...sw },
    })),
  ];
  sb = await startTestSandbox({ banks: defs });
  for (const b of sb.aspsp.banks) banks[b.id] = b;
  [tpp, other] = await Promise.all([onboardTpp(sb), onboardTpp(sb)]);
  ssa = await tpp.ssa();
}, 120_000);
afterAll(async () => {
  await tpp?.agent.close();
  await other?.agent.close();
  await sb?.close();
});

const now = () => Math.floor(Date.now() / 1000);

async function reg(
  bankId: string,
  overrides: Record<string, unknown> = {},
  opts: { as?: TestTpp; alg?: string; type?: string; path?: string; ssa?: string } = {},
): Promise<HttpResult> {
  const t = opts.as ?? tpp;
  const bank = banks[bankId];
  const claims = registrationClaims(t, bank, opts.ssa ?? (t === tpp ? ssa : await t.ssa()), overrides);
  const jwt = await signRequest(claims, t.signing.key.privateKey, {
    alg: opts.alg ?? 'PS256',
    kid: t.signing.kid,
  });
  return call(t.agent, 'POST', `${bank.issuer}${opts.path ?? '/register'}`, {
    headers: { 'content-type': opts.type ?? 'application/jose' },
    body: jwt,
  });
}

async function token(bankId: string, clientId: unknown, scope?: string, as: TestTpp = tpp): Promise<string> {
  const res = await call(as.agent, 'POST', `${banks[bankId].issuer}/token`, {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams({
      grant_type: 'client_credentials',
      client_id: String(clientId),
      ...(scope ? { scope } : {}),
    }).toString(),
  });
  expect(res.status, res.text).toBe(200);
  return String(res.json().access_token);
}

const statusOf = async (p: Promise<HttpResult>) => (await p).status;

describe('each switch changes exactly what it documents', () => {
  it('specVersion 3.1: tls_client_auth_dn and scope as an array', async () => {
    const v31 = {
      tls_client_auth_subject_dn: undefined,
      tls_client_auth_dn: `CN=${tpp.softwareId},OU=${tpp.orgId},O=OpenBanking,C=GB`,
      scope: ['accounts', 'openid'],
    };
    const strict = await reg('strict', v31);
    expect(strict.status).toBe(400);
    expect(strict.json().error_description).toBe('scope must be of type string');
    expect((await reg('strict', { ...v31, scope: 'accounts openid' })).json().error_description).toMatch(
      /^tls_client_auth_subject_dn is required/,
    );
    const switched = await reg('v31', v31);
    expect(switched.status, switched.text).toBe(201);
    expect(switched.json().scope).toEqual(['accounts', 'openid']);
    expect(switched.json().tls_client_auth_dn).toBe(v31.tls_client_auth_dn);
    // v3.1's swagger: each scope 1 to 32 characters
    for (const scope of [
      ['accounts', 'a'.repeat(33)],
      ['accounts', ''],
    ]) {
      const res = await reg('v31', { ...v31, scope });
      expect(res.status, res.text).toBe(400);
      expect(res.json().error).toBe('invalid_client_metadata');
      expect(res.json().error_description).toMatch(/^scope\[1\] must be at (most 32|least 1) characters/);
    }
    expect(
      (
        await reg('v31', {
          token_endpoint_auth_method: 'client_secret_basic',
          tls_client_auth_subject_dn: undefined,
          scope: ['accounts'],
        })
      ).status,
    ).toBe(400);
  });

  it('specVersion 3.2: no CIBA grant', async () => {
    const ciba = {
      grant_types: ['client_credentials', 'urn:openid:params:grant-type:ciba'],
      backchannel_token_delivery_mode: 'poll',
      backchannel_authentication_request_signing_alg: 'PS256',
    };
    expect(await statusOf(reg('strict', ciba))).toBe(201);
    expect(await statusOf(reg('v32', ciba))).toBe(400);
  });

  it('registrationMediaTypes [application/jose]: application/jwt → 415', async () => {
    expect(await statusOf(reg('strict', {}, { type: 'application/jwt' }))).toBe(201);
    const switched = await reg('joseOnly', {}, { type: 'application/jwt' });
    expect(switched.status).toBe(415);
    expect(switched.json().error).toBe('unsupported_media_type');
  });

  it('audience issuer / any / fixed', async () => {
    expect(await statusOf(reg('strict', { aud: banks.strict.issuer }))).toBe(400);
    expect(await statusOf(reg('audIssuer', { aud: banks.audIssuer.issuer }))).toBe(201);
    expect(await statusOf(reg('audIssuer', { aud: banks.audIssuer.orgId }))).toBe(400);
    expect(await statusOf(reg('strict', { aud: 'anything' }))).toBe(400);
    expect(await statusOf(reg('audAny', { aud: 'anything' }))).toBe(201);
    expect(await statusOf(reg('strict', { aud: 'bank-x' }))).toBe(400);
    expect(await statusOf(reg('audFixed', { aud: 'bank-x' }))).toBe(201);
  });

  it('subjectDnMatch string: the DN must be the exact rendering; strict compares as a DN', async () => {
    const spaced = `CN=${tpp.softwareId}, OU=${tpp.orgId}, O=OpenBanking, C=GB`;
    expect(await statusOf(reg('strict', { tls_client_auth_subject_dn: spaced }))).toBe(201);
    const switched = await reg('dnString', { tls_client_auth_subject_dn: spaced });
    expect(switched.status).toBe(400);
    expect(switched.json().error_description).toBe(
      `tls_client_auth_subject_dn must be exactly 'CN=${tpp.softwareId},OU=${tpp.orgId},O=OpenBanking,C=GB'`,
    );
  });

  it('subjectDnRendering oid vs hex for an OBWAC subject', async () => {
    const wac = await obwacTpp();
    const info = parseCertificate(wac.transport.certPem);
    const forms = {
      name: dnToString(info.subject, { oiForm: 'name' }),
      oid: dnToString(info.subject, { oiForm: 'oid' }),
      hex: dnToString(info.subject, { oiForm: 'hex' }),
    };
    for (const dn of Object.values(forms))
      expect(await statusOf(reg('strict', { tls_client_auth_subject_dn: dn }, { as: wac }))).toBe(201);
    expect(await statusOf(reg('dnString', { tls_client_auth_subject_dn: forms.oid }, { as: wac }))).toBe(201);
    expect(await statusOf(reg('dnString', { tls_client_auth_subject_dn: forms.name }, { as: wac }))).toBe(
      400,
    );
    expect(await statusOf(reg('dnStringHex', { tls_client_auth_subject_dn: forms.hex }, { as: wac }))).toBe(
      201,
    );
    expect(await statusOf(reg('dnStringHex', { tls_client_auth_subject_dn: forms.oid }, { as: wac }))).toBe(
      400,
    );
  });

  it('tokenEndpointAuthMethods [private_key_jwt]: tls_client_auth refused, and not advertised', async () => {
    expect(await statusOf(reg('strict'))).toBe(201);
    expect(await statusOf(reg('pkjOnly'))).toBe(400);
    const disco = (await call(tpp.agent, 'GET', banks.pkjOnly.discovery)).json();
    expect(disco.token_endpoint_auth_methods_supported).toEqual(['private_key_jwt']);
  });

  it('signingAlgs with RS256: an RS256 request is accepted', async () => {
    expect(await statusOf(reg('strict', {}, { alg: 'RS256' }))).toBe(400);
    expect(await statusOf(reg('rs256', {}, { alg: 'RS256' }))).toBe(201);
  });

  it('grantTypes without refresh_token; responseTypes code id_token only', async () => {
    expect(await statusOf(reg('strict', { grant_types: ['client_credentials', 'refresh_token'] }))).toBe(201);
    expect(await statusOf(reg('noRefresh', { grant_types: ['client_credentials', 'refresh_token'] }))).toBe(
      400,
    );
    expect(await statusOf(reg('strict', { response_types: ['code'] }))).toBe(201);
    expect(await statusOf(reg('codeIdTokenOnly', { response_types: ['code'] }))).toBe(400);
  });

  it('requiredClaims subject_type pairwise', async () => {
    expect(await statusOf(reg('strict'))).toBe(201);
    const missing = await reg('pairwise');
    expect(missing.status).toBe(400);
    expect(missing.json().error_description).toBe('subject_type is required');
    expect(await statusOf(reg('pairwise', { subject_type: 'public' }))).toBe(400);
    const ok = await reg('pairwise', { subject_type: 'pairwise' });
    expect(ok.status).toBe(201);
    expect(ok.json().subject_type).toBe('pairwise');
  });

  it('checkRedirectUris false accepts a redirect the SSA does not list (a broken bank)', async () => {
    expect(await statusOf(reg('strict', { redirect_uris: ['https://evil.example/cb'] }))).toBe(400);
    expect(await statusOf(reg('noRedirectCheck', { redirect_uris: ['https://evil.example/cb'] }))).toBe(201);
  });

  it('redirectErrorCode invalid_client_metadata refuses each bad redirect URI with that code instead of invalid_redirect_uri', async () => {
    for (const uris of [
      ['https://evil.example/cb'],
      ['http://tpp.example.com/cb'],
      ['https://localhost/cb'],
      ['not a url'],
    ]) {
      const strict = await reg('strict', { redirect_uris: uris });
      expect(strict.status).toBe(400);
      expect(strict.json().error).toBe('invalid_redirect_uri');
      const generic = await reg('genericRedirectCode', { redirect_uris: uris });
      expect(generic.status).toBe(400);
      expect(generic.json().error).toBe('invalid_client_metadata');
      expect(generic.json().error_description).toBe(strict.json().error_description);
    }
  });

  it("checkCertificateBinding false accepts another software's certificate (a broken bank)", async () => {
    const swap = async (bankId: string) => {
      const claims = registrationClaims(tpp, banks[bankId], ssa, {
        tls_client_auth_subject_dn: `CN=${other.softwareId},OU=${other.orgId},O=OpenBanking,C=GB`,
      });
      const jwt = await signRequest(claims, tpp.signing.key.privateKey, {
        alg: 'PS256',
        kid: tpp.signing.kid,
      });
      return call(other.agent, 'POST', `${banks[bankId].issuer}/register`, {
        headers: { 'content-type': 'application/jose' },
        body: jwt,
      });
    };
    expect((await swap('strict')).status).toBe(400);
    expect((await swap('noBinding')).status).toBe(201);
  });

  it('requireTransportCertInJwks: an OBWAC (not in the software JWKS) is refused', async () => {
    const wac = await obwacTpp();
    const dn = dnToString(parseCertificate(wac.transport.certPem).subject);
    expect(await statusOf(reg('strict', { tls_client_auth_subject_dn: dn }, { as: wac }))).toBe(201);
    const refused = await reg('tlsInJwks', { tls_client_auth_subject_dn: dn }, { as: wac });
    expect(refused.status).toBe(400);
    expect(refused.json().error_description).toBe(
      'the client certificate is not published with use=tls in the software JWKS',
    );
    expect(await statusOf(reg('tlsInJwks'))).toBe(201); // the legacy transport certificate is in the JWKS
  });

  it('response shapes: scope array, milliseconds, strings, 200', async () => {
    const strict = await reg('strict');
    expect(strict.status).toBe(201);
    expect(strict.json().scope).toBe('accounts payments openid');
    expect(strict.json().client_id_issued_at).toBeLessThan(1e11);
    const shaped = await reg('shapes');
    expect(shaped.status).toBe(200);
    expect(shaped.json().scope).toEqual(['accounts', 'payments', 'openid']);
    const issued = shaped.json().client_id_issued_at;
    expect(typeof issued).toBe('string');
    expect(Number(issued)).toBeGreaterThan(1e12);
  });

  it('managementOperations without DELETE → 405', async () => {
    for (const [bankId, expected] of [
      ['strict', 204],
      ['noDelete', 405],
    ] as const) {
      const client = (await reg(bankId)).json();
      const tok = await token(bankId, client.client_id);
      const del = await call(
        tpp.agent,
        'DELETE',
        `${banks[bankId].issuer}/register/${String(client.client_id)}`,
        { headers: { authorization: `Bearer ${tok}` } },
      );
      expect(del.status).toBe(expected);
      if (expected === 405) expect(del.headers.allow).toBe('GET, PUT');
    }
  });

  it('managementAuth scoped-token needs scope accounts', async () => {
    for (const [bankId, expected] of [
      ['strict', 200],
      ['scoped', 403],
    ] as const) {
      const client = (await reg(bankId)).json();
      const tok = await token(bankId, client.client_id, 'payments');
      const got = await call(
        tpp.agent,
        'GET',
        `${banks[bankId].issuer}/register/${String(client.client_id)}`,
        { headers: { authorization: `Bearer ${tok}` } },
      );
      expect(got.status).toBe(expected);
    }
    const client = (await reg('scoped')).json();
    const tok = await token('scoped', client.client_id, 'accounts');
    expect(
      (
        await call(tpp.agent, 'GET', `${banks.scoped.issuer}/register/${String(client.client_id)}`, {
          headers: { authorization: `Bearer ${tok}` },
        })
      ).status,
    ).toBe(200);
  });

  it('managementAuth registration-access-token (RFC 7592), with and without rotation', async () => {
    expect((await reg('strict')).json().registration_access_token).toBeUndefined();
    const client = (await reg('rat')).json();
    const uri = String(client.registration_client_uri);
    expect(uri).toBe(`${banks.rat.issuer}/register/${String(client.client_id)}`);
    const rat = String(client.registration_access_token);
    const cc = await token('rat', client.client_id);
    expect((await call(tpp.agent, 'GET', uri, { headers: { authorization: `Bearer ${cc}` } })).status).toBe(
      401,
    );
    expect((await call(tpp.agent, 'GET', uri, { headers: { authorization: `Bearer ${rat}` } })).status).toBe(
      200,
    );
    expect((await call(tpp.agent, 'GET', uri, { headers: { authorization: `Bearer ${rat}` } })).status).toBe(
      200,
    );

    const rotating = (await reg('ratRotate')).json();
    const first = String(rotating.registration_access_token);
    const got = await call(tpp.agent, 'GET', String(rotating.registration_client_uri), {
      headers: { authorization: `Bearer ${first}` },
    });
    expect(got.status).toBe(200);
    const second = String(got.json().registration_access_token);
    expect(second).not.toBe(first);
    expect(
      (
        await call(tpp.agent, 'GET', String(rotating.registration_client_uri), {
          headers: { authorization: `Bearer ${first}` },
        })
      ).status,
    ).toBe(401);
    expect(
      (
        await call(tpp.agent, 'DELETE', String(rotating.registration_client_uri), {
          headers: { authorization: `Bearer ${second}` },
        })
      ).status,
    ).toBe(204);
  });

  it('duplicateRegistration reject / return-existing', async () => {
    const a = await reg('strict');
    const b = await reg('strict');
    expect([a.status, b.status]).toEqual([201, 201]);
    expect(a.json().client_id).not.toBe(b.json().client_id);
    expect(await statusOf(reg('dupReject'))).toBe(201);
    const rejected = await reg('dupReject');
    expect(rejected.status).toBe(400);
    expect(rejected.json().error_description).toMatch(/is already registered at this bank/);
    const first = await reg('dupExisting');
    const again = await reg('dupExisting');
    expect([first.status, again.status]).toEqual([201, 200]);
    expect(again.json().client_id).toBe(first.json().client_id);
  });

  it('registrationPath and discoveryPath', async () => {
    expect(await statusOf(reg('paths', {}, { path: '/as/clients.oauth2' }))).toBe(201);
    expect(await statusOf(reg('paths'))).toBe(404);
    expect(await statusOf(reg('strict', {}, { path: '/as/clients.oauth2' }))).toBe(404);
    const disco = await call(tpp.agent, 'GET', `${banks.paths.issuer}/oidc/.well-known/openid-configuration`);
    expect(disco.status).toBe(200);
    expect(disco.json().registration_endpoint).toBe(`${banks.paths.issuer}/as/clients.oauth2`);
    expect(banks.paths.discovery).toBe(`${banks.paths.issuer}/oidc/.well-known/openid-configuration`);
    expect(
      (await call(tpp.agent, 'GET', `${banks.paths.issuer}/.well-known/openid-configuration`)).status,
    ).toBe(404);
  });

  it('clockSkewSeconds and requestMaxLifetimeSeconds', async () => {
    const early = { iat: now() + 60, exp: now() + 360 };
    expect(await statusOf(reg('strict', early))).toBe(400);
    expect(await statusOf(reg('skew', early))).toBe(201);
    const long = { exp: now() + 1800 };
    expect(await statusOf(reg('strict', long))).toBe(201);
    expect(await statusOf(reg('lifetime', long))).toBe(400);
  });

  it('accessTokenLifetimeSeconds', async () => {
    const client = (await reg('tokenLife')).json();
    const res = await call(tpp.agent, 'POST', `${banks.tokenLife.issuer}/token`, {
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        grant_type: 'client_credentials',
        client_id: String(client.client_id),
      }).toString(),
    });
    expect(res.json().expires_in).toBe(60);
  });

  it('ssaMaxAgeSeconds 1: a 2-second-old SSA is too old', async () => {
    const aged = await tpp.ssa();
    await new Promise((r) => setTimeout(r, 2100));
    expect(await statusOf(reg('strict', {}, { ssa: aged }))).toBe(201);
    const old = await reg('ssaAge', {}, { ssa: aged });
    expect(old.status).toBe(400);
    expect(old.json().error).toBe('invalid_software_statement');
  });

  it('jwksCacheSeconds 0 / crlCacheSeconds 3600: revocations seen at once / not seen', async () => {
    const t = await onboardTpp(sb);
    const tSsa = await t.ssa();
    const regAs = (bankId: string) => reg(bankId, {}, { as: t, ssa: tSsa });
    for (const id of ['strict', 'jwksNoCache', 'crlLongCache']) expect(await statusOf(regAs(id))).toBe(201);
    // (strict: JWKS reused 5 s, CRL reused 1 s)
    const plain = new Agent({ connect: { ca: sb.caBundle } });
    const auth = { authorization: `Bearer ${t.token}` };
    const certs = (
      await call(
        plain,
        'GET',
        `${sb.directory.url}/v2.1/organisation/${t.orgId}/software-statement/${t.softwareId}/certificate`,
        { headers: auth },
      )
    ).json().keys as { kid: string; keyType: string }[];
    // revoke the signing key: the no-cache bank refetches the JWKS and refuses, the long-cache bank does not notice
    const signing = certs.find((c) => c.keyType === 'obsigning')!;
    expect(
      (
        await call(
          plain,
          'DELETE',
          `${sb.directory.url}/v2.1/organisation/${t.orgId}/certificate/kid/${signing.kid}`,
          { headers: auth },
        )
      ).status,
    ).toBe(204);
    expect(await statusOf(regAs('jwksNoCache'))).toBe(400);
    expect(await statusOf(regAs('crlLongCache'))).toBe(201);
    // revoke the transport certificate: after 1.1 s the strict bank refetches the CRL, the long-cache bank does not
    const transport = certs.find((c) => c.keyType === 'obtransport')!;
    expect(
      (
        await call(
          plain,
          'DELETE',
          `${sb.directory.url}/v2.1/organisation/${t.orgId}/certificate/kid/${transport.kid}`,
          { headers: auth },
        )
      ).status,
    ).toBe(204);
    await new Promise((r) => setTimeout(r, 1100));
    expect(await statusOf(regAs('strict'))).toBe(401);
    expect(await statusOf(regAs('crlLongCache'))).toBe(201);
    await plain.close();
    await t.agent.close();
  });
});

/** A TPP whose transport certificate is an OBWAC (organisation certificate, not in the software JWKS). */
async function obwacTpp(): Promise<TestTpp> {
  const key = await sandboxKeys.take();
  const plain = new Agent({ connect: { ca: sb.caBundle } });
  const res = await call(
    plain,
    'POST',
    `${sb.directory.url}/v2.1/organisation/${tpp.orgId}/certificate/obwac`,
    {
      headers: { authorization: `Bearer ${tpp.token}`, 'content-type': 'application/x-pem-file' },
      body: createCsr({
        key,
        subject: [
          { name: 'C', value: 'GB' },
          { name: 'O', value: 'Test TPP Ltd' },
          { name: 'organizationIdentifier', value: `PSDGB-OB-Unknown${tpp.orgId}` },
          { name: 'CN', value: tpp.orgId },
        ],
      }),
    },
  );
  await plain.close();
  expect(res.status, res.text).toBe(201);
  const certPem = `-----BEGIN CERTIFICATE-----\n${(res.json().x5c as string[])[0]}\n-----END CERTIFICATE-----\n`;
  return {
    ...tpp,
    transport: { key, certPem },
    agent: new Agent({ connect: { ca: sb.caBundle, cert: certPem, key: key.privateKeyPem } }),
  };
}
