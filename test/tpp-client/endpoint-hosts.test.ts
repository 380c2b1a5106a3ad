import { describe, expect, it } from 'vitest';
import { checkEndpointHosts, endpointHostAllowed } from '../../tpp-client/discovery/endpoint-hosts.js';
import { validateDiscovery } from '../../tpp-client/discovery/validate-discovery.js';
import { type Discovery, DiscoveryError } from '../../tpp-client/index.js';

describe('endpointHostAllowed: where a discovery document may send the TPP', () => {
  const rows: [string, string, boolean][] = [
    // endpoint host, discovery host, allowed
    ['bank.example', 'bank.example', true],
    ['BANK.example.', 'bank.example', true],
    ['matls.bank.example', 'bank.example', true],
    ['matls-api.bank.example', 'auth.bank.example', true],
    ['bank.example', 'auth.bank.example', true],
    ['deep.matls.bank.example', 'auth.bank.example', true],
    ['mtls.localhost', 'localhost', true],
    ['localhost', 'localhost', true],
    ['127.0.0.1', '127.0.0.1', true],
    ['::1', '::1', true],
    ['127.0.0.1', 'localhost', false],
    ['localhost', '127.0.0.1', false],
    ['169.254.169.254', 'bank.example', false],
    ['169.254.169.254', 'auth.bank.example', false],
    ['10.0.0.5', 'bank.example', false],
    ['127.0.0.2', '127.0.0.1', false],
    ['fe80::1', 'bank.example', false],
    ['metadata.google.internal', 'bank.example', false],
    ['jenkins.corp.internal', 'auth.bank.example', false],
    ['bank.example.evil.example', 'bank.example', false],
    ['evilbank.example', 'bank.example', false],
    ['localhost', 'bank.example', false],
    ['example', 'auth.bank.example', false],
    // the registrable domain by the Public Suffix List, not a count of labels
    ['evil.co.uk', 'hsbc.co.uk', false],
    ['evilbank.co.uk', 'ob.hsbc.co.uk', false],
    ['api.hsbc.co.uk', 'hsbc.co.uk', true],
    ['matls.hsbc.co.uk', 'ob.hsbc.co.uk', true],
    ['secure1.natwest.com', 'auth.obie.natwest.com', true],
    ['mtls.sandbox.bank.com', 'as.aspsp.sandbox.bank.com', true],
    ['other.github.io', 'bank.github.io', false],
    ['matls.bank.github.io', 'bank.github.io', true],
    ['evil.com.au', 'bank.com.au', false],
  ];
  it.each(rows)('%s from a document at %s → %s', (host, from, allowed) => {
    expect(endpointHostAllowed(host, from)).toBe(allowed);
  });

  it('allowedHosts adds exact host names, nothing around them', () => {
    expect(
      endpointHostAllowed('matls.bank-group.example', 'auth.bank.example', ['matls.bank-group.example']),
    ).toBe(true);
    expect(
      endpointHostAllowed('x.matls.bank-group.example', 'auth.bank.example', ['matls.bank-group.example']),
    ).toBe(false);
    expect(endpointHostAllowed('10.0.0.5', 'bank.example', ['10.0.0.5'])).toBe(true);
  });
});

describe('checkEndpointHosts: each endpoint the TPP calls', () => {
  const URL = 'https://auth.bank.example/.well-known/openid-configuration';
  const doc = (extra: Partial<Discovery>): Discovery => ({
    issuer: 'https://auth.bank.example',
    registration_endpoint: 'https://auth.bank.example/register',
    token_endpoint: 'https://auth.bank.example/token',
    ...extra,
  });
  const refused: [string, Partial<Discovery>][] = [
    ['registration_endpoint', { registration_endpoint: 'https://127.0.0.1:9444/admin/delete-everything' }],
    ['token_endpoint', { token_endpoint: 'https://169.254.169.254/latest/meta-data/' }],
    [
      'mtls_endpoint_aliases.registration_endpoint',
      { mtls_endpoint_aliases: { registration_endpoint: 'https://10.1.2.3/r' } },
    ],
    [
      'mtls_endpoint_aliases.token_endpoint',
      { mtls_endpoint_aliases: { token_endpoint: 'https://[fe80::1]/t' } },
    ],
  ];
  it.each(refused)('%s elsewhere: DiscoveryError naming the field and the host', (field, extra) => {
    let err: unknown;
    try {
      checkEndpointHosts(doc(extra), URL);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(DiscoveryError);
    expect((err as DiscoveryError).field).toBe(field);
    expect((err as Error).message).toMatch(/is on host .+, not auth\.bank\.example/);
  });

  it('sibling mutual-TLS aliases of a real bank pass', () => {
    expect(() =>
      checkEndpointHosts(
        doc({
          mtls_endpoint_aliases: { token_endpoint: 'https://matls-auth.bank.example:8443/as/token.oauth2' },
        }),
        URL,
      ),
    ).not.toThrow();
  });
});

describe('validateDiscovery: URL strings a bank cannot mean', () => {
  const base = {
    issuer: 'https://bank.example',
    registration_endpoint: 'https://bank.example/register',
    token_endpoint: 'https://bank.example/token',
  };
  const rows: [string, string, string][] = [
    ['registration_endpoint', 'https://admin:s3cret@bank.example/register', 'credentials'],
    ['registration_endpoint', 'https://user@bank.example/register', 'credentials'],
    ['registration_endpoint', 'https://bank.example/register/\u001b[2J\u001b[31mPWNED', 'control'],
    ['issuer', 'https://bank.example/\u001b[31m', 'control'],
    ['token_endpoint', 'https://bank.example/to ken', 'white space'],
    ['token_endpoint', 'https://bank.example/token\u202e', 'bidirectional'],
  ];
  it.each(rows)('%s %j: refused (%s)', (field, value, why) => {
    expect(() => validateDiscovery({ ...base, [field]: value })).toThrow(why);
  });
});
