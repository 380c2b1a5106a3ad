import { describe, expect, it } from 'vitest';
import type { BankContext } from '../../aspsp-mock/context.js';
import { metadataSchema } from '../../aspsp-mock/register/claim-schema.js';
import { PARSED_DNS_KEPT, parseDnRemembered, parsedDnCount } from '../../aspsp-mock/register/parsed-dn.js';
import { checkClaimTypes } from '../../aspsp-mock/register/validate-claims.js';
import { type BankSettings, STRICT_OB_V33 } from '../../aspsp-mock/settings.js';
import { parseDn } from '../../certs/index.js';

describe('subject DNs parsed once per distinct string', () => {
  it('gives what parseDn gives, frozen, and refuses a malformed DN every time', () => {
    const dn = 'CN=0014H00001lFE7dQAG,OU=0015800001041REAAY,O=OpenBanking,C=GB';
    const first = parseDnRemembered(dn);
    expect(first).toEqual(parseDn(dn));
    expect(Object.isFrozen(first) && Object.isFrozen(first[0])).toBe(true);
    expect(parseDnRemembered(dn)).toBe(first);
    for (let i = 0; i < 2; i++) expect(() => parseDnRemembered('CN')).toThrow(/type=value/);
  });

  it(`keeps at most ${PARSED_DNS_KEPT} names`, () => {
    for (let i = 0; i < PARSED_DNS_KEPT + 50; i++) parseDnRemembered(`CN=software-${i},O=OpenBanking,C=GB`);
    expect(parsedDnCount()).toBe(PARSED_DNS_KEPT);
  });
});

describe('registration claim schema built once per switches and conditions', () => {
  const request = (method: string) => ({
    token_endpoint_auth_method: method,
    grant_types: ['client_credentials'],
  });

  it('reuses a schema for the same conditions, and builds another for other conditions', () => {
    const settings: BankSettings = { ...STRICT_OB_V33 };
    const jwt = metadataSchema(settings, request('private_key_jwt'));
    expect(metadataSchema(settings, request('private_key_jwt'))).toBe(jwt);
    expect(jwt.token_endpoint_auth_signing_alg.required).toBe(true);
    expect(jwt.tls_client_auth_subject_dn.required).toBe(false);
    const tls = metadataSchema(settings, request('tls_client_auth'));
    expect(tls.token_endpoint_auth_signing_alg.required).toBe(false);
    expect(tls.tls_client_auth_subject_dn.required).toBe(true);
  });

  it('follows a switch changed in place (a profile swap): no stale schema is served', () => {
    const settings: BankSettings = { ...STRICT_OB_V33, signingAlgs: ['PS256'] };
    const ctx = { settings } as BankContext;
    const claims = {
      iss: 'abc',
      iat: 1,
      exp: 2,
      aud: 'x',
      jti: 'j',
      token_endpoint_auth_method: 'private_key_jwt',
      token_endpoint_auth_signing_alg: 'ES256',
      grant_types: ['client_credentials'],
      scope: 'accounts',
      application_type: 'web',
      id_token_signed_response_alg: 'PS256',
      request_object_signing_alg: 'PS256',
      redirect_uris: ['https://tpp.example/cb'],
    };
    expect(() => checkClaimTypes(ctx, claims)).toThrow(/token_endpoint_auth_signing_alg/);
    Object.assign(settings, { signingAlgs: ['PS256', 'ES256'] });
    expect(() => checkClaimTypes(ctx, claims)).not.toThrow();
    Object.assign(settings, { specVersion: '3.1' });
    expect(metadataSchema(settings, claims).tls_client_auth_dn).toBeDefined();
  });
});
