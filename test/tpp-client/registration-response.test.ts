import { describe, expect, it } from 'vitest';
import { registrationResult } from '../../tpp-client/bank/registration-response.js';
import type { HttpResponse } from '../../tpp-client/index.js';

/** A 2xx registration answer with this body, as the HTTP client hands it over. */
function answer(body: unknown, status = 201): HttpResponse {
  const text = JSON.stringify(body);
  return { status, headers: { 'content-type': 'application/json' }, text, json: () => JSON.parse(text) };
}

const ESC = '\u001b';

describe('registrationResult: what a bank may hand back as the values the TPP keeps', () => {
  const refused: [string, Record<string, unknown>, RegExp][] = [
    [
      'a 900 KB client_id',
      { client_id: 'C'.repeat(900_000) },
      /client_id is 900000 characters long, more than 1024/,
    ],
    [
      'a client_id with escape sequences',
      { client_id: `id${ESC}[2J${ESC}[31mPWNED` },
      /client_id holds characters other than printable ASCII/,
    ],
    ['a client_id with a line break', { client_id: 'abc\r\nSet-Cookie: x' }, /client_id holds characters/],
    ['a client_id with non-ASCII', { client_id: 'clïent' }, /client_id holds characters/],
    [
      'a 2 KB client_secret',
      { client_id: 'abc', client_secret: 's'.repeat(2048) },
      /client_secret is 2048 characters long/,
    ],
    [
      'a client_secret with markup and ESC',
      { client_id: 'abc', client_secret: `<b>${ESC}[2J` },
      /client_secret holds characters/,
    ],
    [
      'a 1 MB registration_access_token',
      { client_id: 'abc', registration_access_token: 't'.repeat(1_000_000) },
      /registration_access_token is 1000000 characters long, more than 8192/,
    ],
    [
      'a registration_access_token with a space',
      { client_id: 'abc', registration_access_token: 'a b' },
      /registration_access_token holds characters/,
    ],
    ['a numeric client_secret', { client_id: 'abc', client_secret: 12345 }, /client_secret is not a string/],
    [
      'a 100 KB token_endpoint_auth_method',
      { client_id: 'abc', token_endpoint_auth_method: 'x'.repeat(100_000) },
      /token_endpoint_auth_method is 100000 characters long/,
    ],
    [
      'an auth method with ESC',
      { client_id: 'abc', token_endpoint_auth_method: `tls_client_auth${ESC}[5m` },
      /token_endpoint_auth_method holds characters/,
    ],
  ];
  it.each(
    refused,
  )('%s: invalid_response naming the field, never echoing the value', (_what, body, message) => {
    const res = registrationResult(answer(body));
    expect(res.ok).toBe(false);
    if (res.ok) return;
    expect(res.error).toBe('invalid_response');
    expect(res.error_description).toMatch(message);
    expect((res.error_description ?? '').length).toBeLessThan(200);
  });

  const accepted: [string, Record<string, unknown>][] = [
    ['a UUID client_id', { client_id: '3f1c2a9e-8b7d-4c6e-9a5f-0e1d2c3b4a59' }],
    ['a 1024-character client_id', { client_id: 'c'.repeat(1024) }],
    ['VSCHARs, space included', { client_id: 'a b~!', client_secret: '!"#$%&\'()*+,-./:;<=>?@[\\]^_`{|}~' }],
    [
      'a JWT registration_access_token',
      { client_id: 'abc', registration_access_token: 'eyJhbGciOiJQUzI1NiJ9.eyJzdWIiOiJhYmMifQ.c2ln' },
    ],
    ['no optional values at all', { client_id: 'abc', token_endpoint_auth_method: 'private_key_jwt' }],
  ];
  it.each(accepted)('%s: a registration', (_what, body) => {
    const res = registrationResult(answer(body));
    expect(res.ok).toBe(true);
  });
});
