import { describe, expect, it } from 'vitest';
import { maskBody } from '../../scenarios/recording-http.js';

describe('maskBody: recorded exchanges keep no secret', () => {
  it.each([
    [
      'JSON client_secret',
      '{"client_id":"abc","client_secret":"s3cr3t-value-123456"}',
      's3cr3t-value-123456',
    ],
    [
      'form client_secret',
      'grant_type=client_credentials&client_secret=formsecret987654',
      'formsecret987654',
    ],
    ['access_token', '{"access_token":"tok-abcdefghijklmnop","token_type":"Bearer"}', 'tok-abcdefghijklmnop'],
  ])('%s: the value is masked, its first characters are the value’s own', (_name, body, secret) => {
    const masked = maskBody(body) ?? '';
    expect(masked).not.toContain(secret);
    expect(masked).toContain(secret.slice(0, 4));
  });

  it('leaves a body without secrets alone', () => {
    expect(maskBody('{"client_id":"abc"}')).toBe('{"client_id":"abc"}');
  });
});
