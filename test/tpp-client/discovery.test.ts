import { describe, expect, it } from 'vitest';
import {
  type Discovery,
  DiscoveryError,
  discoveryUrl,
  mtlsEndpoint,
  validateDiscovery,
} from '../../tpp-client/index.js';

const ISSUER = 'https://localhost:9443/banks/one';
const valid = {
  issuer: ISSUER,
  registration_endpoint: `${ISSUER}/register`,
  token_endpoint: `${ISSUER}/token`,
  jwks_uri: `${ISSUER}/jwks`,
  token_endpoint_auth_methods_supported: ['tls_client_auth', 'private_key_jwt'],
  id_token_signing_alg_values_supported: ['PS256'],
  tls_client_certificate_bound_access_tokens: true,
  ob_organisation_id: '0015800000jf7AeAAI',
};

function failure(doc: unknown): DiscoveryError {
  try {
    validateDiscovery(doc);
  } catch (err) {
    if (err instanceof DiscoveryError) return err;
    throw err;
  }
  throw new Error('expected a DiscoveryError');
}

describe('validateDiscovery', () => {
  it('returns a valid document unchanged', () => {
    expect(validateDiscovery(valid)).toEqual(valid);
  });

  it('names a missing registration_endpoint clearly', () => {
    const { registration_endpoint: _, ...doc } = valid;
    const err = failure(doc);
    expect(err.message).toBe('discovery document has no registration_endpoint');
    expect(err.field).toBe('registration_endpoint');
    expect(err.code).toBe('invalid_discovery');
    expect(() =>
      validateDiscovery(doc, `discovery document at ${ISSUER}/.well-known/openid-configuration`),
    ).toThrow(
      `discovery document at ${ISSUER}/.well-known/openid-configuration has no registration_endpoint`,
    );
  });

  it('requires issuer and token_endpoint too', () => {
    const { issuer: _i, ...noIssuer } = valid;
    const { token_endpoint: _t, ...noToken } = valid;
    expect(failure(noIssuer).field).toBe('issuer');
    expect(failure(noToken).field).toBe('token_endpoint');
  });

  it('refuses endpoints that are not https URLs', () => {
    expect(failure({ ...valid, token_endpoint: 'http://localhost/token' }).message).toBe(
      'discovery document: token_endpoint must be an https URL, got "http://localhost/token"',
    );
    expect(failure({ ...valid, registration_endpoint: '/register' }).message).toBe(
      'discovery document: registration_endpoint is not an absolute URL: "/register"',
    );
    expect(failure({ ...valid, issuer: 42 }).message).toBe(
      'discovery document: issuer must be a non-empty string',
    );
    expect(failure({ ...valid, jwks_uri: 'ftp://x/jwks' }).field).toBe('jwks_uri');
  });

  it('refuses lists that are not arrays of strings and a non-object document', () => {
    expect(failure({ ...valid, token_endpoint_auth_methods_supported: 'tls_client_auth' }).message).toBe(
      'discovery document: token_endpoint_auth_methods_supported must be an array of strings',
    );
    expect(failure({ ...valid, ob_organisation_id: 1 }).field).toBe('ob_organisation_id');
    expect(failure({ ...valid, mtls_endpoint_aliases: { token_endpoint: 'http://x' } }).field).toBe(
      'mtls_endpoint_aliases.token_endpoint',
    );
    expect(failure([valid]).message).toBe('discovery document is not a JSON object');
    expect(failure(null).message).toBe('discovery document is not a JSON object');
  });
});

describe('discovery helpers', () => {
  it('builds the standard discovery URL of an issuer', () => {
    expect(discoveryUrl(ISSUER)).toBe(`${ISSUER}/.well-known/openid-configuration`);
    expect(discoveryUrl(`${ISSUER}/`)).toBe(`${ISSUER}/.well-known/openid-configuration`);
  });

  it('prefers mtls_endpoint_aliases for mutual-TLS calls', () => {
    const d = validateDiscovery(valid) as Discovery;
    expect(mtlsEndpoint(d, 'token_endpoint')).toBe(`${ISSUER}/token`);
    const aliased = validateDiscovery({
      ...valid,
      mtls_endpoint_aliases: { token_endpoint: 'https://mtls.localhost:9443/token' },
    });
    expect(mtlsEndpoint(aliased, 'token_endpoint')).toBe('https://mtls.localhost:9443/token');
    expect(mtlsEndpoint(aliased, 'registration_endpoint')).toBe(`${ISSUER}/register`);
  });
});
