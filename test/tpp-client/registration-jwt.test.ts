import { createPublicKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { createLocalJWKSet, decodeJwt, decodeProtectedHeader, type JSONWebKeySet, jwtVerify } from 'jose';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  buildRegistrationClaims,
  chooseAuthMethod,
  createHttpClient,
  createOrganisationCsr,
  type RegistrationClaimsOptions,
  RequestObjectError,
  scopeForRoles,
  signRegistrationJwt,
  type TokenEndpointAuthMethod,
  type TppMaterial,
  uploadCsr,
} from '../../tpp-client/index.js';
import { keyPool, onboardTestTpp, startTestDirectory, type TestDirectory } from './helpers.js';

let t: TestDirectory;
let material: TppMaterial;
const BANK_ORG = '0015800000jf7AeAAI';
const NOW = new Date('2025-03-01T12:00:00Z');
const IAT = Math.floor(NOW.getTime() / 1000);

beforeAll(async () => {
  t = await startTestDirectory();
  material = await onboardTestTpp(t);
});
afterAll(async () => {
  await t.close();
  keyPool.close();
});

function claims(method: TokenEndpointAuthMethod, extra: Partial<RegistrationClaimsOptions> = {}) {
  return buildRegistrationClaims({
    softwareStatement: material.ssa,
    aud: BANK_ORG,
    tokenEndpointAuthMethod: method,
    transportCertPem: material.transport.certPem,
    now: NOW,
    jti: '5b3a1f8e-2c4d-4e6f-8a9b-0c1d2e3f4a5b',
    ...extra,
  });
}

describe('buildRegistrationClaims', () => {
  it('sets every required OB DCR v3.3 claim from the SSA (tls_client_auth)', () => {
    const { organisationId: org, softwareStatementId: sw } = material;
    expect(claims('tls_client_auth')).toEqual({
      iss: sw,
      iat: IAT,
      exp: IAT + 300,
      aud: BANK_ORG,
      jti: '5b3a1f8e-2c4d-4e6f-8a9b-0c1d2e3f4a5b',
      redirect_uris: ['https://acme.example.com/cb'],
      token_endpoint_auth_method: 'tls_client_auth',
      tls_client_auth_subject_dn: `CN=${sw},OU=${org},O=OpenBanking,C=GB`,
      grant_types: ['client_credentials', 'authorization_code', 'refresh_token'],
      response_types: ['code id_token'],
      scope: 'accounts payments openid',
      software_statement: material.ssa,
      application_type: 'web',
      id_token_signed_response_alg: 'PS256',
      request_object_signing_alg: 'PS256',
    });
  });

  it('puts each conditional claim in exactly when its auth method needs it', () => {
    const table: [TokenEndpointAuthMethod, boolean, boolean][] = [
      ['tls_client_auth', false, true],
      ['private_key_jwt', true, false],
      ['client_secret_jwt', true, false],
      ['client_secret_basic', false, false],
      ['client_secret_post', false, false],
    ];
    for (const [method, signingAlg, subjectDn] of table) {
      const c = claims(method);
      expect(c.token_endpoint_auth_method).toBe(method);
      expect('token_endpoint_auth_signing_alg' in c, `${method} token_endpoint_auth_signing_alg`).toBe(
        signingAlg,
      );
      expect('tls_client_auth_subject_dn' in c, `${method} tls_client_auth_subject_dn`).toBe(subjectDn);
      if (signingAlg) expect(c.token_endpoint_auth_signing_alg).toBe('PS256');
    }
    expect(
      claims('private_key_jwt', { tokenEndpointAuthSigningAlg: 'ES256' }).token_endpoint_auth_signing_alg,
    ).toBe('ES256');
  });

  it('makes a fresh UUID v4 jti and a 5-minute lifetime by default', () => {
    const a = buildRegistrationClaims({
      softwareStatement: material.ssa,
      aud: BANK_ORG,
      tokenEndpointAuthMethod: 'private_key_jwt',
    });
    const b = buildRegistrationClaims({
      softwareStatement: material.ssa,
      aud: BANK_ORG,
      tokenEndpointAuthMethod: 'private_key_jwt',
    });
    expect(a.jti).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(a.jti).not.toBe(b.jti);
    expect((a.exp as number) - (a.iat as number)).toBe(300);
    expect(Math.abs((a.iat as number) - Date.now() / 1000)).toBeLessThan(5);
  });

  it('adds software_id only when asked, and takes explicit values over the SSA', () => {
    expect('software_id' in claims('tls_client_auth')).toBe(false);
    expect(claims('tls_client_auth', { includeSoftwareId: true }).software_id).toBe(
      material.softwareStatementId,
    );
    const c = claims('client_secret_basic', {
      redirectUris: ['https://acme.example.com/other'],
      scope: 'accounts',
      grantTypes: ['client_credentials'],
      responseTypes: ['code'],
      applicationType: 'mobile',
      idTokenSignedResponseAlg: 'ES256',
      requestObjectSigningAlg: 'ES256',
      lifetimeSeconds: 3600,
    });
    expect(c).toMatchObject({
      redirect_uris: ['https://acme.example.com/other'],
      scope: 'accounts',
      grant_types: ['client_credentials'],
      response_types: ['code'],
      application_type: 'mobile',
      id_token_signed_response_alg: 'ES256',
      request_object_signing_alg: 'ES256',
      exp: IAT + 3600,
    });
  });

  it('overrides remove or replace exactly one claim', () => {
    const base = claims('tls_client_auth');
    for (const claim of Object.keys(base)) {
      const removed = claims('tls_client_auth', { overrides: { [claim]: undefined } });
      const { [claim]: _gone, ...rest } = base;
      expect(removed).toEqual(rest);
      const replaced = claims('tls_client_auth', { overrides: { [claim]: 'changed' } });
      expect(replaced).toEqual({ ...base, [claim]: 'changed' });
    }
    const added = claims('tls_client_auth', { overrides: { tls_client_auth_dn: 'CN=x' } });
    expect(added).toEqual({ ...base, tls_client_auth_dn: 'CN=x' });
  });

  it('needs the transport certificate (or the DN) for tls_client_auth, unless the claim is overridden', () => {
    const opts = {
      softwareStatement: material.ssa,
      aud: BANK_ORG,
      tokenEndpointAuthMethod: 'tls_client_auth' as const,
    };
    expect(() => buildRegistrationClaims(opts)).toThrow(RequestObjectError);
    expect(() => buildRegistrationClaims(opts)).toThrow(/tls_client_auth_subject_dn/);
    expect(
      buildRegistrationClaims({ ...opts, tlsClientAuthSubjectDn: 'CN=a' }).tls_client_auth_subject_dn,
    ).toBe('CN=a');
    expect(
      'tls_client_auth_subject_dn' in
        buildRegistrationClaims({ ...opts, overrides: { tls_client_auth_subject_dn: undefined } }),
    ).toBe(false);
    expect(() => buildRegistrationClaims({ ...opts, softwareStatement: 'garbage' })).toThrow(
      RequestObjectError,
    );
  });

  it('renders organizationIdentifier of an OBWAC subject by name, OID or RFC 4514 hex', async () => {
    const org = material.organisationId;
    const http = createHttpClient({ ca: t.caBundlePem, timeoutMs: 5_000 });
    const obwac = await uploadCsr(
      { url: t.dir.url, http },
      { organisationId: org, accessToken: material.directory!.accessToken! },
      'obwac',
      createOrganisationCsr(await keyPool.take(), { organisationId: org, legalName: 'Acme Ltd' }),
    ).finally(() => http.close());
    const oi = `PSDGB-OB-Unknown${org}`;
    const dn = (form: 'name' | 'oid' | 'hex') =>
      claims('tls_client_auth', { transportCertPem: obwac.certPem, subjectDnForm: form })
        .tls_client_auth_subject_dn;
    expect(dn('name')).toBe(`CN=${org},organizationIdentifier=${oi},O=Acme Ltd,C=GB`);
    expect(dn('oid')).toBe(`CN=${org},2.5.4.97=${oi},O=Acme Ltd,C=GB`);
    const hex = `13${oi.length.toString(16).padStart(2, '0')}${Buffer.from(oi).toString('hex')}`;
    expect(dn('hex')).toBe(`CN=${org},2.5.4.97=#${hex},O=Acme Ltd,C=GB`);
  });
});

describe('scope and auth method', () => {
  it('maps roles to scopes plus openid', () => {
    expect(scopeForRoles(['AISP'])).toBe('accounts openid');
    expect(scopeForRoles(['AISP', 'PISP', 'CBPII'])).toBe('accounts payments fundsconfirmations openid');
    expect(scopeForRoles(['ASPSP'])).toBe('openid');
  });

  it('picks tls_client_auth > private_key_jwt > client_secret_basic > client_secret_post from discovery', () => {
    const all = ['client_secret_post', 'client_secret_basic', 'private_key_jwt', 'tls_client_auth'];
    expect(chooseAuthMethod({ token_endpoint_auth_methods_supported: all })).toBe('tls_client_auth');
    expect(chooseAuthMethod({ token_endpoint_auth_methods_supported: all.slice(0, 3) })).toBe(
      'private_key_jwt',
    );
    expect(chooseAuthMethod({ token_endpoint_auth_methods_supported: all.slice(0, 2) })).toBe(
      'client_secret_basic',
    );
    expect(chooseAuthMethod({ token_endpoint_auth_methods_supported: all.slice(0, 1) })).toBe(
      'client_secret_post',
    );
    expect(chooseAuthMethod({})).toBe('client_secret_basic');
    expect(
      chooseAuthMethod({ token_endpoint_auth_methods_supported: all }, [
        'client_secret_post',
        'tls_client_auth',
      ]),
    ).toBe('client_secret_post');
    expect(() => chooseAuthMethod({ token_endpoint_auth_methods_supported: ['client_secret_jwt'] })).toThrow(
      expect.objectContaining({ code: 'no_common_auth_method' }),
    );
  });
});

describe('signRegistrationJwt', () => {
  it('signs PS256 with header {alg, kid, typ} only; the signature verifies with the signing certificate', async () => {
    const c = claims('private_key_jwt');
    const jwt = await signRegistrationJwt(c, material.signing.keyPem, { kid: material.signing.kid });
    expect(decodeProtectedHeader(jwt)).toEqual({ alg: 'PS256', kid: material.signing.kid, typ: 'JWT' });
    const certKey = new X509Certificate(material.signing.certPem!).publicKey;
    const { payload } = await jwtVerify(jwt, certKey, { algorithms: ['PS256'], currentDate: NOW });
    expect(payload).toEqual(c);
  });

  it('verifies through the software JWKS the SSA points at, as a bank does', async () => {
    const http = createHttpClient({ ca: t.caBundlePem, timeoutMs: 5_000 });
    try {
      const jwksUrl = decodeJwt(material.ssa).software_jwks_endpoint as string;
      const jwks = (await http.request('GET', jwksUrl)).json() as JSONWebKeySet;
      const jwt = await signRegistrationJwt(claims('tls_client_auth'), material.signing.keyPem, {
        kid: material.signing.kid,
      });
      const { protectedHeader } = await jwtVerify(jwt, createLocalJWKSet(jwks), { currentDate: NOW });
      expect(protectedHeader.kid).toBe(material.signing.kid);
    } finally {
      await http.close();
    }
  });

  it('refuses RS256 unless explicitly allowed', async () => {
    const c = claims('tls_client_auth');
    const refused = signRegistrationJwt(c, material.signing.keyPem, {
      kid: material.signing.kid,
      alg: 'RS256',
    });
    await expect(refused).rejects.toBeInstanceOf(RequestObjectError);
    await expect(refused).rejects.toMatchObject({ code: 'unsupported_alg' });
    const jwt = await signRegistrationJwt(c, material.signing.keyPem, {
      kid: material.signing.kid,
      alg: 'RS256',
      allowRs256: true,
    });
    expect(decodeProtectedHeader(jwt)).toEqual({ alg: 'RS256', kid: material.signing.kid, typ: 'JWT' });
    const certKey = new X509Certificate(material.signing.certPem!).publicKey;
    await expect(jwtVerify(jwt, certKey, { algorithms: ['RS256'], currentDate: NOW })).resolves.toBeTruthy();
  });

  it('signs ES256 with an EC P-256 key (chosen by default for an EC key)', async () => {
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const c = claims('private_key_jwt', {
      tokenEndpointAuthSigningAlg: 'ES256',
      requestObjectSigningAlg: 'ES256',
    });
    for (const alg of ['ES256', undefined] as const) {
      const jwt = await signRegistrationJwt(c, ec.privateKey, { kid: 'ec-1', ...(alg ? { alg } : {}) });
      expect(decodeProtectedHeader(jwt)).toEqual({ alg: 'ES256', kid: 'ec-1', typ: 'JWT' });
      const { payload } = await jwtVerify(jwt, ec.publicKey, { currentDate: NOW });
      expect(payload).toEqual(c);
    }
  });

  it('refuses keys that do not suit the alg, unknown algs and a missing kid', async () => {
    const c = claims('tls_client_auth');
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' });
    await expect(signRegistrationJwt(c, material.signing.keyPem, { kid: 'k', alg: 'ES256' })).rejects.toThrow(
      'ES256 needs an EC P-256 key',
    );
    await expect(signRegistrationJwt(c, p384.privateKey, { kid: 'k', alg: 'ES256' })).rejects.toThrow(
      'ES256 needs an EC P-256 key',
    );
    await expect(signRegistrationJwt(c, ec.privateKey, { kid: 'k', alg: 'PS256' })).rejects.toThrow(
      'PS256 needs an RSA key of at least 2048 bits',
    );
    for (const alg of ['none', 'HS256']) {
      await expect(
        signRegistrationJwt(c, ec.privateKey, { kid: 'k', alg: alg as never }),
      ).rejects.toMatchObject({
        code: 'unsupported_alg',
      });
    }
    await expect(signRegistrationJwt(c, material.signing.keyPem, { kid: '' })).rejects.toThrow(
      'a kid is required',
    );
    await expect(
      signRegistrationJwt(c, createPublicKey(material.signing.keyPem) as never, { kid: 'k' }),
    ).rejects.toThrow('signing needs a private key');
  });

  it('never puts x5c or x5u in the header', async () => {
    const jwt = await signRegistrationJwt(claims('tls_client_auth'), material.signing.keyPem, {
      kid: material.signing.kid,
    });
    const header = decodeProtectedHeader(jwt);
    expect(header).not.toHaveProperty('x5c');
    expect(header).not.toHaveProperty('x5u');
    expect(Object.keys(header).sort()).toEqual(['alg', 'kid', 'typ']);
  });
});
