import { decodeJwt } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BankDefinition } from '../../aspsp-mock/config.js';
import { bankFromSpec, type RunningBank, shippedProfileNames } from '../../aspsp-mock/index.js';
import { dnToString, parseCertificate } from '../../certs/index.js';
import {
  type BankOptions,
  type BankRegistration,
  buildSelfSignedStatement,
  createHttpClient,
  createOrganisation,
  createOrganisationCsr,
  type Discovery,
  fetchBankProfile,
  hintsFromProfile,
  jwkForCertificate,
  onboardAtDirectory,
  optionsForBank,
  type RegisterAtOptions,
  type ServedJwks,
  serveJwks,
  TppClient,
  type TppMaterial,
  uploadCsr,
} from '../../tpp-client/index.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';
import { keyPool } from './helpers.js';

/**
 * The TPP library registers at every shipped bank profile — one sandbox hosting all of them —
 * gets a token, uses it, and reads, updates and deletes the registration where the bank allows.
 * What each bank needs beyond its discovery document is written down once, as a real TPP would
 * keep it from the bank's documentation (HINTS), and checked against the bank's own /profile.
 */
const PROFILES = shippedProfileNames();
const bankId = (profile: string) => profile.replace(/[^A-Za-z0-9_-]/g, '-');

/** What discovery cannot tell, per bank (its "developer portal"). */
const HINTS: Record<string, BankOptions> = {
  'gateway-checks-versioned-paths': { subjectDnForm: 'hex', maxSsaAgeSeconds: 300 },
  'jose-only-issuer-aud': { audience: 'issuer', subjectDnForm: 'oid' },
  'legacy-response-shapes': {},
  'no-refresh-pairwise-scoped': { extraClaims: { subject_type: 'pairwise' }, managementScope: 'accounts' },
  'ob-v3.1': { specVersion: '3.1' },
  'ob-v3.2': { specVersion: '3.2' },
  'ob-v3.3': {},
  pingfederate: { audience: 'issuer', management: 'registration-access-token' },
  'rfc7591-eidas': { audience: 'issuer' },
  'single-client-no-delete': {},
};

/** What each bank answers, exactly. */
const EXPECTED: Record<
  string,
  { create: 200 | 201; mediaType: string; delete: 204 | 405; management: BankRegistration['management'] }
> = {
  'gateway-checks-versioned-paths': {
    create: 201,
    mediaType: 'application/jose',
    delete: 204,
    management: 'client-credentials',
  },
  'jose-only-issuer-aud': {
    create: 201,
    mediaType: 'application/jose',
    delete: 204,
    management: 'client-credentials',
  },
  'legacy-response-shapes': {
    create: 200,
    mediaType: 'application/jose',
    delete: 204,
    management: 'client-credentials',
  },
  'no-refresh-pairwise-scoped': {
    create: 201,
    mediaType: 'application/jose',
    delete: 204,
    management: 'scoped-token',
  },
  'ob-v3.1': { create: 201, mediaType: 'application/jwt', delete: 204, management: 'client-credentials' },
  'ob-v3.2': { create: 201, mediaType: 'application/jose', delete: 204, management: 'client-credentials' },
  'ob-v3.3': { create: 201, mediaType: 'application/jose', delete: 204, management: 'client-credentials' },
  pingfederate: {
    create: 201,
    mediaType: 'application/jose',
    delete: 204,
    management: 'registration-access-token',
  },
  'rfc7591-eidas': {
    create: 201,
    mediaType: 'application/json',
    delete: 204,
    management: 'client-credentials',
  },
  'single-client-no-delete': {
    create: 201,
    mediaType: 'application/jose',
    delete: 405,
    management: 'client-credentials',
  },
};

const EIDAS_OI = 'PSDUK-UKBXXX-12345678';
const EIDAS_SOFTWARE = 'eu-tpp-app';

let sb: TestSandbox;
const banks: Record<string, RunningBank> = {};
const discoveries: Record<string, Discovery> = {};
let material: TppMaterial;
let ob: TppClient;
let eidas: TppClient;
let eidasJwks: ServedJwks;

beforeAll(async () => {
  expect(PROFILES).toHaveLength(10);
  const pingfederate = bankFromSpec('x=pingfederate');
  const defs: BankDefinition[] = [
    ...PROFILES.map((p) => bankFromSpec(`${bankId(p)}=${p}`)),
    // pingfederate that rotates its registration access tokens (RFC 7592 section 3)
    {
      ...pingfederate,
      id: 'rotating',
      profile: 'rotating',
      settings: { ...pingfederate.settings, rotateRegistrationAccessToken: true },
    },
  ];
  sb = await startTestSandbox({ banks: defs });
  for (const b of sb.aspsp.banks) banks[b.id] = b;

  const [obMaterial, eidasSetup] = await Promise.all([
    onboardAtDirectory({
      directoryUrl: sb.directory.url,
      caBundlePem: sb.caBundle,
      organisation: {
        adminToken: sb.directory.adminToken,
        create: { OrganisationName: 'Acme TPP', Roles: ['AISP', 'PISP'], LegalName: 'Acme Ltd' },
      },
      softwareStatement: {
        ClientName: 'Acme app',
        RedirectUri: ['https://acme.example.com/cb'],
        Roles: ['AISP', 'PISP'],
      },
      keyPool,
      timeoutMs: 10_000,
    }),
    eidasTpp(),
  ]);
  material = obMaterial;
  ob = new TppClient(material, { timeoutMs: 10_000 });
  eidas = eidasSetup.client;
  eidasJwks = eidasSetup.jwks;
  for (const [id, bank] of Object.entries(banks)) {
    discoveries[id] = await (id === bankId('rfc7591-eidas') ? eidas : ob).discover(bank.discovery);
  }
}, 120_000);

afterAll(async () => {
  await ob?.close();
  await eidas?.close();
  await eidasJwks?.close();
  await sb?.close();
});

/**
 * An eIDAS TPP outside the OB directory: an organisation with an eIDAS identifier, a QWAC
 * (SAN localhost, 127.0.0.1) for mTLS and for hosting its own JWKS, a QSeal that signs its
 * software statements.
 */
async function eidasTpp(): Promise<{ client: TppClient; jwks: ServedJwks }> {
  const http = createHttpClient({ ca: sb.caBundle, timeoutMs: 10_000 });
  const dir = { url: sb.directory.url, http };
  try {
    const org = await createOrganisation(dir, sb.directory.adminToken, {
      OrganisationName: 'EU TPP',
      Roles: ['AISP'],
      LegalName: 'EU TPP GmbH',
      OrganisationIdentifier: EIDAS_OI,
    });
    const [wacKey, sealKey] = await Promise.all([keyPool.take(), keyPool.take()]);
    const subject = {
      organisationId: org.organisationId,
      legalName: 'EU TPP GmbH',
      organisationIdentifier: EIDAS_OI,
      commonName: 'tpp.localhost',
    };
    const target = { organisationId: org.organisationId, accessToken: org.accessToken };
    const qwac = await uploadCsr(
      dir,
      target,
      'qwac',
      createOrganisationCsr(wacKey, { ...subject, sanDns: ['localhost'], sanIps: ['127.0.0.1'] }),
    );
    const qseal = await uploadCsr(dir, target, 'qseal', createOrganisationCsr(sealKey, subject));
    const jwks = await serveJwks({
      key: wacKey.privateKeyPem,
      cert: qwac.certPem + (qwac.chainPem || sb.caBundle),
      jwks: { keys: [jwkForCertificate(qseal.certPem, { kid: qseal.kid, use: 'sig' })] },
    });
    const statement = (audience?: string) =>
      buildSelfSignedStatement({
        organisationIdentifier: EIDAS_OI,
        ...(audience ? { audience } : {}),
        softwareId: EIDAS_SOFTWARE,
        jwksUri: jwks.url,
        redirectUris: ['https://eu-tpp.example/cb'],
        roles: ['AISP'],
        signingKey: sealKey.privateKeyPem,
        kid: qseal.kid,
      });
    const eidasMaterial: TppMaterial = {
      organisationId: EIDAS_OI,
      softwareStatementId: EIDAS_SOFTWARE,
      transport: { certPem: qwac.certPem, keyPem: wacKey.privateKeyPem },
      signing: { keyPem: sealKey.privateKeyPem, kid: qseal.kid, certPem: qseal.certPem, alg: 'PS256' },
      ssa: await statement(),
      caBundlePem: sb.caBundle,
    };
    const client = new TppClient(eidasMaterial, {
      timeoutMs: 10_000,
      // a fresh statement for each request, addressed to the bank
      softwareStatement: (d) => statement(d.issuer),
    });
    return { client, jwks };
  } finally {
    await http.close();
  }
}

const tppFor = (profile: string) => (profile === 'rfc7591-eidas' ? eidas : ob);

async function registerAt(profile: string, extra: RegisterAtOptions = {}): Promise<BankRegistration> {
  const result = await tppFor(profile).registerAt(discoveries[bankId(profile)], {
    ...HINTS[profile],
    ...extra,
  });
  if (!result.ok) throw new Error(`${profile}: ${result.status} ${result.error} ${result.error_description}`);
  expect(result.status).toBe(EXPECTED[profile].create);
  expect(result.attempts).toBe(1);
  return result.registration;
}

describe('every shipped profile: register, token, read, update, delete', () => {
  it.each(PROFILES)('%s', async (profile) => {
    const expected = EXPECTED[profile];
    const tpp = tppFor(profile);
    const discovery = discoveries[bankId(profile)];
    const body = await tpp.registrationBody(discovery, HINTS[profile]);
    expect(body.mediaType).toBe(expected.mediaType);

    const reg = await registerAt(profile);
    expect(reg.management).toBe(expected.management);
    expect(reg.client.token_endpoint_auth_method).toBe('tls_client_auth');
    expect(typeof reg.client.client_id_issued_at).toBe('number');
    expect(Math.abs(reg.client.client_id_issued_at! - Date.now() / 1000)).toBeLessThan(120);
    expect(typeof reg.client.scope).toBe('string');

    const token = await reg.token({ scope: 'accounts' });
    if (!token.ok) throw new Error(`token: ${token.status} ${token.error} ${token.error_description}`);
    expect(token.status).toBe(200);
    const consent = await tpp.createConsent(discovery, token.token.access_token);
    expect(consent.ok && consent.status).toBe(201);

    const read = await reg.read();
    expect(read.ok, read.ok ? '' : `${read.error} ${read.error_description}`).toBe(true);
    expect(read.status).toBe(200);
    expect(reg.client.client_id).toBe(reg.clientId);

    const updated = await reg.update({ scope: profile === 'rfc7591-eidas' ? 'accounts' : 'accounts openid' });
    expect(updated.ok, updated.ok ? '' : `${updated.error} ${updated.error_description}`).toBe(true);
    expect(updated.status).toBe(200);
    expect(reg.client.scope).toBe(profile === 'rfc7591-eidas' ? 'accounts' : 'accounts openid');

    const deleted = await reg.delete();
    expect(deleted.status).toBe(expected.delete);
    const after = await reg.read();
    if (expected.delete === 204) {
      expect(after).toMatchObject({ ok: false, status: 401 });
      expect(reg.deleted).toBe(true);
    } else {
      expect(deleted).toMatchObject({ ok: false, error: 'method_not_allowed' });
      expect(deleted.headers.allow).toBe('GET, PUT');
      expect(after).toMatchObject({ ok: true, status: 200 });
    }
  });
});

describe('what each profile needed', () => {
  it('ob-v3.1: application/jwt, tls_client_auth_dn, scope as an array (answered as an array, normalised)', async () => {
    const { claims, mediaType } = await ob.registrationBody(discoveries['ob-v3-1'], HINTS['ob-v3.1']);
    expect(mediaType).toBe('application/jwt');
    expect(claims.scope).toEqual(['accounts', 'payments', 'openid']);
    expect(claims.tls_client_auth_dn).toBe(
      `CN=${material.softwareStatementId},OU=${material.organisationId},O=OpenBanking,C=GB`,
    );
    expect(claims).not.toHaveProperty('tls_client_auth_subject_dn');
    const reg = await registerAt('ob-v3.1');
    expect(reg.client.scope).toBe('accounts payments openid');
    // without the version hint the bank refuses the v3.3 shapes
    const plain = await ob.registerAt(discoveries['ob-v3-1']);
    expect(plain).toMatchObject({ ok: false, status: 400, error: 'invalid_client_metadata' });
  });

  it('jose-only-issuer-aud: the issuer as aud; without the hint the org id is refused', async () => {
    const { claims } = await ob.registrationBody(
      discoveries['jose-only-issuer-aud'],
      HINTS['jose-only-issuer-aud'],
    );
    expect(claims.aud).toBe(banks['jose-only-issuer-aud'].issuer);
    const plain = await ob.registerAt(discoveries['jose-only-issuer-aud']);
    expect(plain).toMatchObject({
      ok: false,
      status: 400,
      error: 'invalid_client_metadata',
      error_description: `aud must be this bank's issuer URL '${banks['jose-only-issuer-aud'].issuer}'`,
    });
  });

  it('jose-only-issuer-aud with an OBWAC transport certificate: only the 2.5.4.97= rendering is accepted', async () => {
    const key = await keyPool.take();
    const http = createHttpClient({ ca: sb.caBundle, timeoutMs: 10_000 });
    const obwac = await uploadCsr(
      { url: sb.directory.url, http },
      { organisationId: material.organisationId, accessToken: material.directory!.accessToken! },
      'obwac',
      createOrganisationCsr(key, { organisationId: material.organisationId, legalName: 'Acme Ltd' }),
    );
    await http.close();
    const wac = new TppClient({
      ...material,
      transport: { certPem: obwac.certPem, keyPem: key.privateKeyPem },
    });
    try {
      const d = discoveries['jose-only-issuer-aud'];
      const subject = parseCertificate(obwac.certPem).subject;
      const body = await wac.registrationBody(d, HINTS['jose-only-issuer-aud']);
      expect(body.claims.tls_client_auth_subject_dn).toBe(dnToString(subject, { oiForm: 'oid' }));
      expect(String(body.claims.tls_client_auth_subject_dn)).toContain(
        `2.5.4.97=PSDGB-OB-Unknown${material.organisationId}`,
      );
      const ok = await wac.registerAt(d, HINTS['jose-only-issuer-aud']);
      expect(ok.status).toBe(201);
      if (!ok.ok) return;
      expect((await ok.registration.token()).status).toBe(200);
      const named = await wac.registerAt(d, { ...HINTS['jose-only-issuer-aud'], subjectDnForm: 'name' });
      expect(named).toMatchObject({ ok: false, status: 400, error: 'invalid_client_metadata' });
      expect(named.ok || named.error_description).toMatch(
        /^tls_client_auth_subject_dn must be exactly '.*2\.5\.4\.97=/,
      );
    } finally {
      await wac.close();
    }
  });

  it('gateway-checks-versioned-paths: versioned registration path and DN in hex form; an SSA near the 5-minute limit is refreshed first', async () => {
    const d = discoveries['gateway-checks-versioned-paths'];
    expect(d.registration_endpoint).toBe(
      `${banks['gateway-checks-versioned-paths'].issuer}/open-banking/v3.3/register`,
    );
    const { claims } = await ob.registrationBody(d, HINTS['gateway-checks-versioned-paths']);
    const subject = parseCertificate(material.transport.certPem).subject;
    expect(claims.tls_client_auth_subject_dn).toBe(dnToString(subject, { oiForm: 'hex' }));
    const before = ob.material.ssa;
    await registerAt('gateway-checks-versioned-paths'); // fresh SSA: kept
    expect(ob.material.ssa).toBe(before);
    await registerAt('gateway-checks-versioned-paths', { maxSsaAgeSeconds: 20 }); // within 30 s of the limit
    expect(ob.material.ssa).not.toBe(before);
    expect(decodeJwt(ob.material.ssa).iat).toBeGreaterThanOrEqual(decodeJwt(before).iat!);
  });

  it('no-refresh-pairwise-scoped: no refresh_token grant (from discovery), subject_type pairwise, management token with scope accounts', async () => {
    const d = discoveries['no-refresh-pairwise-scoped'];
    const { claims } = await ob.registrationBody(d, HINTS['no-refresh-pairwise-scoped']);
    expect(claims.grant_types).toEqual(['client_credentials', 'authorization_code']);
    expect(claims.subject_type).toBe('pairwise');
    const plain = await ob.registerAt(d);
    expect(plain).toMatchObject({ ok: false, status: 400, error_description: 'subject_type is required' });
    const reg = await registerAt('no-refresh-pairwise-scoped');
    expect(reg.client.subject_type).toBe('pairwise');
    // a client-credentials token without scope accounts is refused for management
    const payments = await reg.token({ scope: 'payments' });
    if (!payments.ok) throw new Error(payments.error);
    const refused = await ob.getRegistration(d, reg.clientId, payments.token.access_token);
    expect(refused).toMatchObject({ ok: false, status: 403, error: 'insufficient_scope' });
    expect((await reg.read()).status).toBe(200);
  });

  it('legacy-response-shapes: 200, scope array, milliseconds as strings — all normalised', async () => {
    const created = await ob.registerAt(discoveries['legacy-response-shapes'], {
      authMethod: 'client_secret_basic',
    });
    if (!created.ok) throw new Error(created.error);
    expect(created.status).toBe(200);
    const sent = JSON.parse(created.raw);
    expect(sent).toMatchObject({ scope: ['accounts', 'payments', 'openid'], client_secret_expires_at: '0' });
    expect(typeof sent.client_id_issued_at).toBe('string');
    expect(Number(sent.client_id_issued_at)).toBeGreaterThan(1e12);
    const reg = created.registration;
    expect(reg.client).toMatchObject({
      scope: 'accounts payments openid',
      client_id_issued_at: Math.floor(Number(sent.client_id_issued_at) / 1000),
      client_secret_expires_at: 0,
    });
    expect(reg.client.client_secret).toHaveLength(36);
    const read = await reg.read();
    if (!read.ok) throw new Error(read.error);
    expect(JSON.parse(read.raw)).not.toHaveProperty('client_secret');
    expect(read.client.scope).toBe('accounts payments openid');
    // the secret from the create answer is kept after a GET that leaves it out, and still works
    expect(reg.client.client_secret).toBe(created.client.client_secret);
    expect((await reg.token()).status).toBe(200);
  });

  it('pingfederate: /as/clients.oauth2, RFC 7592 detected from the answer, registration_client_uri used', async () => {
    const d = discoveries.pingfederate;
    expect(d.registration_endpoint).toBe(`${banks.pingfederate.issuer}/as/clients.oauth2`);
    const result = await ob.registerAt(d, { audience: 'issuer' }); // no management hint
    if (!result.ok) throw new Error(result.error);
    const reg = result.registration;
    expect(reg.management).toBe('registration-access-token');
    expect(reg.managementUrl).toBe(`${banks.pingfederate.issuer}/as/clients.oauth2/${reg.clientId}`);
    expect(reg.registrationAccessToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect((await reg.read()).status).toBe(200);
    expect((await reg.delete()).status).toBe(204);
  });

  it('a bank that rotates registration access tokens: the latest one is kept and used', async () => {
    const result = await ob.registerAt(discoveries.rotating, { audience: 'issuer' });
    if (!result.ok) throw new Error(result.error);
    const reg = result.registration;
    const first = reg.registrationAccessToken!;
    expect((await reg.read()).status).toBe(200);
    const second = reg.registrationAccessToken!;
    expect(second).not.toBe(first);
    expect(reg.client.registration_access_token).toBe(second);
    const stale = await ob.getRegistration(discoveries.rotating, reg.clientId, first, {
      url: reg.managementUrl,
    });
    expect(stale.status).toBe(401);
    expect((await reg.update()).status).toBe(200);
    expect(reg.registrationAccessToken).not.toBe(second);
    expect((await reg.delete()).status).toBe(204);
  });

  it('single-client-no-delete: a second registration returns the same client with 200', async () => {
    const again = await ob.registerAt(discoveries['single-client-no-delete']);
    expect(again).toMatchObject({ ok: true, status: 200 });
    const third = await ob.registerAt(discoveries['single-client-no-delete']);
    expect(third.ok && again.ok && third.client.client_id).toBe(again.ok && again.client.client_id);
  });

  it('rfc7591-eidas: an RFC 7591 JSON body with a fresh QSeal-signed statement from the TPP-hosted JWKS', async () => {
    const d = discoveries[bankId('rfc7591-eidas')];
    const { body, claims, mediaType } = await eidas.registrationBody(d, HINTS['rfc7591-eidas']);
    expect(mediaType).toBe('application/json');
    const json = JSON.parse(body);
    expect(json).toEqual(claims);
    for (const jwtClaim of ['iss', 'iat', 'exp', 'aud', 'jti']) expect(json).not.toHaveProperty(jwtClaim);
    const statement = decodeJwt(String(json.software_statement));
    expect(statement).toMatchObject({
      iss: EIDAS_OI,
      aud: d.issuer,
      software_id: EIDAS_SOFTWARE,
      software_jwks_endpoint: eidasJwks.url,
    });
    expect(json.redirect_uris).toEqual(['https://eu-tpp.example/cb']);
    expect(json.scope).toBe('accounts openid');
    expect(eidasJwks.hits()).toBeGreaterThan(0);
  });
});

describe('hints from GET {issuer}/profile match the documented hints', () => {
  it.each(PROFILES)('%s', async (profile) => {
    const tpp = tppFor(profile);
    const d = discoveries[bankId(profile)];
    const doc = await fetchBankProfile(tpp.http, d.issuer);
    expect(doc?.profile).toBe(profile);
    const fromProfile = optionsForBank(d, hintsFromProfile(doc!));
    const documented = optionsForBank(d, HINTS[profile]);
    const pick = (o: typeof documented) => ({
      specVersion: o.specVersion,
      mediaType: o.mediaType,
      requestFormat: o.requestFormat,
      audience: o.audience,
      subjectDnForm: o.subjectDnForm,
      authMethod: o.authMethod,
      grantTypes: o.grantTypes,
      responseTypes: o.responseTypes,
      extraClaims: o.extraClaims,
      management: o.management,
      managementScope: o.managementScope,
    });
    expect(pick(fromProfile)).toEqual(pick(documented));
  });

  it('a bank without /profile gives no hints', async () => {
    const doc = await fetchBankProfile(ob.http, `${sb.directory.url}/nothing-here`);
    expect(doc).toBeUndefined();
  });
});
