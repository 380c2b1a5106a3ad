import { describe, expect, it } from 'vitest';
import { validateRegistrationResponse } from '../../scenarios/spec/validate-registration-response.js';

/** A registration response every version accepts but for `scope`'s form (array in v3.1). */
function response(version: '3.1' | '3.2' | '3.3', extra: Record<string, unknown> = {}) {
  return {
    client_id: 'c-1',
    redirect_uris: ['https://tpp.example/cb'],
    token_endpoint_auth_method: 'private_key_jwt',
    grant_types: ['client_credentials'],
    scope: version === '3.1' ? ['openid', 'accounts'] : 'openid accounts',
    software_statement: 'a.b.c',
    application_type: 'web',
    id_token_signed_response_alg: 'PS256',
    request_object_signing_alg: 'PS256',
    ...extra,
  };
}

describe('registration response schemas (base v3.2, v3.1 and v3.3 overlays)', () => {
  it.each(['3.1', '3.2', '3.3'] as const)('v%s accepts a conforming body', (version) => {
    expect(validateRegistrationResponse(response(version), version)).toEqual([]);
  });

  it.each([
    ['3.1', { scope: 'openid accounts' }, 'scope must be array'],
    ['3.2', { scope: ['openid'] }, 'scope must be string'],
    ['3.3', { scope: ['openid'] }, 'scope must be string'],
    ['3.1', { token_endpoint_auth_method: 'client_secret_basic' }, 'token_endpoint_auth_method'],
    ['3.2', { grant_types: ['urn:openid:params:grant-type:ciba'] }, 'grant_types.0'],
    ['3.3', { grant_types: [] }, 'grant_types must NOT have fewer than 1 items'],
    ['3.2', { software_id: 'has-dash' }, 'software_id must match pattern'],
    ['3.3', { backchannel_user_code_parameter_supported: 'no' }, 'must be boolean'],
    ['3.3', { request_object_signing_alg: 'HS256' }, 'request_object_signing_alg'],
  ] as const)('v%s refuses %j', (version, change, message) => {
    const problems = validateRegistrationResponse(response(version, change), version);
    expect(problems.join('; ')).toContain(message);
  });

  it.each([
    ['3.1', 'tls_client_auth_dn'],
    ['3.2', 'tls_client_auth_subject_dn'],
    ['3.3', 'tls_client_auth_subject_dn'],
  ] as const)('v%s demands %s for tls_client_auth, and only then', (version, dn) => {
    const tls = response(version, { token_endpoint_auth_method: 'tls_client_auth' });
    expect(validateRegistrationResponse(tls, version).join('; ')).toContain(dn);
    expect(validateRegistrationResponse({ ...tls, [dn]: 'CN=x' }, version)).toEqual([]);
  });

  it.each([
    'private_key_jwt',
    'tls_client_auth',
    'client_secret_basic',
  ])('a client_secret returned to a %s client is schema-valid (RFC 7591 §3.2.1 OPTIONAL; OB lets the ASPSP issue one)', (method) => {
    const body = response('3.3', {
      token_endpoint_auth_method: method,
      tls_client_auth_subject_dn: 'CN=x',
      client_secret: 's3cret',
      client_secret_expires_at: 0,
    });
    expect(validateRegistrationResponse(body, '3.3')).toEqual([]);
  });

  it('v3.1 does not require scope; v3.2 and v3.3 do', () => {
    const { scope: _s31, ...v31 } = response('3.1');
    expect(validateRegistrationResponse(v31, '3.1')).toEqual([]);
    const { scope: _s33, ...v33 } = response('3.3');
    expect(validateRegistrationResponse(v33, '3.3').join('; ')).toContain(
      "must have required property 'scope'",
    );
  });

  it('v3.3 accepts the CIBA grant type and its metadata', () => {
    const ciba = response('3.3', {
      grant_types: ['urn:openid:params:grant-type:ciba'],
      backchannel_token_delivery_mode: 'poll',
      backchannel_authentication_request_signing_alg: 'ES256',
      backchannel_user_code_parameter_supported: false,
    });
    expect(validateRegistrationResponse(ciba, '3.3')).toEqual([]);
  });
});
