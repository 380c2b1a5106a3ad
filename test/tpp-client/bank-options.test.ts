import { generateKeyPairSync } from 'node:crypto';
import { decodeJwt, decodeProtectedHeader } from 'jose';
import { describe, expect, it } from 'vitest';
import {
  audienceFor,
  buildRegistrationClaims,
  buildSelfSignedStatement,
  chooseMediaType,
  type Discovery,
  epochSeconds,
  hintsFromProfile,
  normaliseClient,
  optionsForBank,
  RequestObjectError,
} from '../../tpp-client/index.js';

const discovery: Discovery = {
  issuer: 'https://bank.example/banks/a',
  registration_endpoint: 'https://bank.example/banks/a/as/clients.oauth2',
  token_endpoint: 'https://bank.example/banks/a/token',
  token_endpoint_auth_methods_supported: ['private_key_jwt', 'tls_client_auth'],
  grant_types_supported: ['client_credentials', 'authorization_code'],
  response_types_supported: ['code', 'code id_token'],
  ob_organisation_id: 'bank-org-1',
  ob_registration_media_types: ['application/jose'],
};

const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
/** Only decoded here (the bank verifies SSAs), so not signed. */
const ssa = [
  b64({ alg: 'PS256', kid: 'k' }),
  b64({
    software_id: 'sw1',
    org_id: 'org1',
    software_roles: ['AISP', 'PISP'],
    software_redirect_uris: ['https://tpp.example/cb'],
  }),
  'c2ln',
].join('.');

describe('optionsForBank', () => {
  it('derives media type, auth method, grant and response types from discovery; spec defaults for the rest', () => {
    expect(optionsForBank(discovery)).toEqual({
      specVersion: '3.3',
      mediaType: 'application/jose',
      requestFormat: 'jws',
      audience: 'org-id',
      subjectDnForm: 'name',
      authMethod: 'tls_client_auth',
      grantTypes: ['client_credentials', 'authorization_code'],
      responseTypes: ['code id_token'],
      extraClaims: {},
      management: 'client-credentials',
      managementExplicit: false,
    });
  });

  it('hints win; a management scope implies scoped-token; application/json implies the JSON format', () => {
    const o = optionsForBank(discovery, {
      specVersion: '3.1',
      audience: 'fixed:bank-x',
      managementScope: 'accounts',
      authMethodPreference: ['client_secret_basic', 'private_key_jwt'],
    });
    expect(o).toMatchObject({
      mediaType: 'application/jose', // the only one listed
      audience: 'fixed:bank-x',
      management: 'scoped-token',
      managementScope: 'accounts',
      authMethod: 'private_key_jwt', // 3.1 has no secret methods
    });
    expect(optionsForBank({ ...discovery, ob_registration_media_types: ['application/json'] })).toMatchObject(
      {
        mediaType: 'application/json',
        requestFormat: 'json',
      },
    );
    expect(optionsForBank(discovery, { requestFormat: 'json' }).mediaType).toBe('application/json');
  });

  it('media type preference by version; nothing listed → the version type', () => {
    const both = ['application/jwt', 'application/jose'];
    expect(chooseMediaType(both, '3.3')).toBe('application/jose');
    expect(chooseMediaType(both, '3.1')).toBe('application/jwt');
    expect(chooseMediaType(undefined, '3.1')).toBe('application/jwt');
    expect(chooseMediaType(['application/json', 'application/jose'], '3.3', 'jws')).toBe('application/jose');
  });

  it('aud forms', () => {
    expect(audienceFor(discovery)).toBe('bank-org-1');
    expect(audienceFor(discovery, 'issuer')).toBe(discovery.issuer);
    expect(audienceFor(discovery, 'fixed:x:y')).toBe('x:y');
    const { ob_organisation_id: _, ...noOrg } = discovery;
    expect(() => audienceFor(noOrg)).toThrow(RequestObjectError);
  });

  it('hints from an obmock profile document', () => {
    expect(
      hintsFromProfile({
        switches: {
          specVersion: '3.1',
          requestFormat: 'jws',
          registrationMediaTypes: ['application/jwt'],
          audience: 'issuer',
          subjectDnMatch: 'dn',
          subjectDnRendering: 'hex',
          requiredClaims: { subject_type: 'pairwise' },
          managementAuth: 'scoped-token',
          managementScope: 'accounts',
          ssaMaxAgeSeconds: 300,
        },
      }),
    ).toEqual({
      specVersion: '3.1',
      requestFormat: 'jws',
      mediaType: 'application/jwt',
      audience: 'issuer',
      extraClaims: { subject_type: 'pairwise' },
      management: 'scoped-token',
      managementScope: 'accounts',
      maxSsaAgeSeconds: 300,
    });
    expect(hintsFromProfile({ switches: { subjectDnMatch: 'string', subjectDnRendering: 'oid' } })).toEqual({
      subjectDnForm: 'oid',
    });
  });
});

describe('request shapes', () => {
  it('v3.1: tls_client_auth_dn and scope as an array', () => {
    const claims = buildRegistrationClaims({
      softwareStatement: ssa,
      aud: 'bank',
      tokenEndpointAuthMethod: 'tls_client_auth',
      tlsClientAuthSubjectDn: 'CN=sw1',
      specVersion: '3.1',
    });
    expect(claims).toMatchObject({ tls_client_auth_dn: 'CN=sw1', scope: ['accounts', 'payments', 'openid'] });
    expect(claims).not.toHaveProperty('tls_client_auth_subject_dn');
  });

  it('JSON (RFC 7591): no JWT claims, no aud needed; extra claims before overrides', () => {
    const claims = buildRegistrationClaims({
      softwareStatement: ssa,
      tokenEndpointAuthMethod: 'client_secret_post',
      requestFormat: 'json',
      extraClaims: { subject_type: 'pairwise', client_name: 'x' },
      overrides: { client_name: undefined },
    });
    for (const c of ['iss', 'iat', 'exp', 'aud', 'jti', 'client_name']) expect(claims).not.toHaveProperty(c);
    expect(claims).toMatchObject({ subject_type: 'pairwise', scope: 'accounts payments openid' });
    expect(() =>
      buildRegistrationClaims({ softwareStatement: ssa, tokenEndpointAuthMethod: 'private_key_jwt' }),
    ).toThrow(/cannot set aud/);
  });

  it('an eIDAS self-signed software statement', async () => {
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const jwt = await buildSelfSignedStatement({
      organisationIdentifier: 'PSDUK-UKBXXX-12345678',
      audience: 'https://bank.example/banks/eidas',
      softwareId: 'eu-app',
      jwksUri: 'https://tpp.example/jwks',
      redirectUris: ['https://tpp.example/cb'],
      roles: ['AISP'],
      signingKey: privateKey,
      kid: 'seal-1',
      now: new Date(1_750_000_000_000),
      lifetimeSeconds: 600,
    });
    expect(decodeProtectedHeader(jwt)).toEqual({ alg: 'ES256', kid: 'seal-1', typ: 'JWT' });
    expect(decodeJwt(jwt)).toEqual({
      iss: 'PSDUK-UKBXXX-12345678',
      aud: 'https://bank.example/banks/eidas',
      iat: 1_750_000_000,
      exp: 1_750_000_600,
      jti: expect.stringMatching(/^[0-9a-f-]{36}$/),
      software_id: 'eu-app',
      software_jwks_endpoint: 'https://tpp.example/jwks',
      software_redirect_uris: ['https://tpp.example/cb'],
      software_roles: ['AISP'],
    });
  });
});

describe('normaliseClient', () => {
  it('scope arrays, timestamps as strings and in milliseconds', () => {
    expect(
      normaliseClient({
        client_id: 'c',
        scope: ['accounts', 'openid'],
        client_id_issued_at: '1750000000123',
        client_secret_expires_at: '0',
        other: ['kept'],
      }),
    ).toEqual({
      client_id: 'c',
      scope: 'accounts openid',
      client_id_issued_at: 1_750_000_000,
      client_secret_expires_at: 0,
      other: ['kept'],
    });
    expect(normaliseClient({ client_id: 'c', scope: 'a b', client_id_issued_at: 1_750_000_000 })).toEqual({
      client_id: 'c',
      scope: 'a b',
      client_id_issued_at: 1_750_000_000,
    });
    expect(normaliseClient({ client_id: 'c', client_id_issued_at: 'yesterday' })).toEqual({ client_id: 'c' });
    expect([epochSeconds(' 12 '), epochSeconds(-1), epochSeconds(null)]).toEqual([12, undefined, undefined]);
  });
});
