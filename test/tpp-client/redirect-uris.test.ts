import { describe, expect, it } from 'vitest';
import { buildRegistrationClaims, RequestObjectError } from '../../tpp-client/index.js';

/** An unsigned SSA: buildRegistrationClaims only decodes it (the bank verifies it). */
const ssa = (redirects: string[]) =>
  [
    Buffer.from(JSON.stringify({ alg: 'none' })).toString('base64url'),
    Buffer.from(
      JSON.stringify({ software_id: 'abc123', software_roles: ['AISP'], software_redirect_uris: redirects }),
    ).toString('base64url'),
    '',
  ].join('.');

const claims = (redirects: string[], extra: { redirectUris?: string[]; requestFormat?: 'json' } = {}) =>
  buildRegistrationClaims({
    softwareStatement: ssa(redirects),
    tokenEndpointAuthMethod: 'private_key_jwt',
    aud: 'bank',
    ...extra,
  });

describe('redirect_uris: only what a valid registration needs unless asked', () => {
  it.each([
    [['https://tpp.example.com/cb'], ['https://tpp.example.com/cb']],
    [
      [
        'https://tpp.example.com/cb',
        'http://tpp.example.com/cb',
        'https://localhost/cb',
        'https://a.localhost/cb',
      ],
      ['https://tpp.example.com/cb'],
    ],
    [
      [`https://tpp.example.com/${'x'.repeat(240)}`, 'https://tpp.example.com/cb2'],
      ['https://tpp.example.com/cb2'],
    ],
    [['https://tpp.example.com/cb', 'not a url'], ['https://tpp.example.com/cb']],
  ])('SSA %j → %j', (listed, sent) => {
    expect(claims(listed).redirect_uris).toEqual(sent);
  });

  it('sends what the caller asks for, even a URI a bank must refuse (negative tests)', () => {
    expect(
      claims(['https://tpp.example.com/cb', 'http://tpp.example.com/cb'], {
        redirectUris: ['http://tpp.example.com/cb'],
      }).redirect_uris,
    ).toEqual(['http://tpp.example.com/cb']);
  });

  it('refuses to build a JWT request when the SSA lists no registrable URI', () => {
    expect(() => claims(['http://tpp.example.com/cb'])).toThrow(RequestObjectError);
    expect(() => claims(['http://tpp.example.com/cb'])).toThrow('the SSA lists no https redirect URI');
  });

  it('an RFC 7591 JSON request without one leaves redirect_uris out (the bank uses the statement)', () => {
    expect(claims(['http://tpp.example.com/cb'], { requestFormat: 'json' })).not.toHaveProperty(
      'redirect_uris',
    );
  });
});
