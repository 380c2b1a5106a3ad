import { describe, expect, it } from 'vitest';
import { noteDiscoverySource } from '../../tpp-client/discovery/discovery-source.js';
import { checkEndpointHosts, endpointHostAllowed } from '../../tpp-client/discovery/endpoint-hosts.js';
import { validateDiscovery } from '../../tpp-client/discovery/validate-discovery.js';
import {
  BankRegistration,
  type Discovery,
  DiscoveryError,
  ForeignHostError,
  optionsForBank,
  type RegisteredClient,
} from '../../tpp-client/index.js';
import type { RegistrationOwner } from '../../tpp-client/registration/register-at-options.js';

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
    // the TPP calls {issuer}/profile and, with no resourceBaseUrl, {issuer}/open-banking/v3.1
    ['issuer', { issuer: 'https://169.254.169.254/latest/meta-data' }],
    ['issuer', { issuer: 'https://bank.example.evil.example' }],
    ['issuer', { issuer: 'https://127.0.0.1:9444' }],
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

  it.each([
    'https://auth.bank.example',
    'https://bank.example/as',
    'https://ob.bank.example:8443/issuer',
  ])('issuer %s, of the discovery host or its domain, passes', (issuer) => {
    expect(() => checkEndpointHosts(doc({ issuer }), URL)).not.toThrow();
  });

  it('allowedHosts lets the issuer live elsewhere', () => {
    expect(() =>
      checkEndpointHosts(doc({ issuer: 'https://id.bank-group.example' }), URL, ['id.bank-group.example']),
    ).not.toThrow();
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

describe('registration_client_uri: where a registration may send its registration access token', () => {
  const discovery = (): Discovery => ({
    issuer: 'https://auth.bank.example',
    registration_endpoint: 'https://auth.bank.example/register',
    token_endpoint: 'https://auth.bank.example/token',
  });
  const owner = (allowedHosts: string[]): RegistrationOwner =>
    ({ material: {}, allowedHosts }) as unknown as RegistrationOwner;
  const manage = (uri: string, allowedHosts: string[] = [], d = discovery()) => {
    const client: RegisteredClient = {
      client_id: 'abc',
      registration_access_token: 'rat',
      registration_client_uri: uri,
    };
    return new BankRegistration(owner(allowedHosts), d, optionsForBank(d), client);
  };
  const rows: [string, string[], boolean][] = [
    // registration_client_uri, allowedHosts, refused
    ['https://auth.bank.example/register/abc', [], false],
    ['https://matls.bank.example:8443/as/clients.oauth2/abc', [], false],
    ['https://bank.example/clients/abc', [], false],
    ['https://x.auth.bank.example/abc', [], false],
    ['https://evil.example/register/abc', [], true],
    ['https://auth.bank.example.evil.example/abc', [], true],
    ['https://169.254.169.254/latest/meta-data/', [], true],
    ['https://127.0.0.1:9444/admin/delete-everything', [], true],
    ['https://localhost/register/abc', [], true],
    ['https://[fe80::1]/abc', [], true],
    ['https://mgmt.bank-group.example/abc', ['mgmt.bank-group.example'], false],
    ['https://x.mgmt.bank-group.example/abc', ['mgmt.bank-group.example'], true],
  ];
  it.each(rows)('%s (allowedHosts %j) → refused: %s', (uri, allowed, refused) => {
    let err: unknown;
    let registration: BankRegistration | undefined;
    try {
      registration = manage(uri, allowed);
    } catch (e) {
      err = e;
    }
    if (!refused) {
      expect(err).toBeUndefined();
      expect(registration?.managementUrl).toBe(uri);
      return;
    }
    expect(err).toBeInstanceOf(ForeignHostError);
    const e = err as ForeignHostError;
    expect(e.code).toBe('foreign_host');
    expect(e.field).toBe('registration_client_uri');
    expect(e.host).toBe(new globalThis.URL(uri).hostname);
    expect(e.message).toMatch(/registration_client_uri is on host .+, not auth\.bank\.example/);
    expect(e.message).toContain('allowedHosts');
  });

  it('measured from the host the document was fetched from, not from its issuer', () => {
    // a document at 127.0.0.1 whose issuer the user allowed: allowedHosts adds that host, not its domain
    const d = discovery();
    noteDiscoverySource(d, 'https://127.0.0.1:8443/.well-known/openid-configuration');
    const allowed = ['auth.bank.example'];
    expect(manage('https://127.0.0.1:8443/register/abc', allowed, d).managementUrl).toBe(
      'https://127.0.0.1:8443/register/abc',
    );
    expect(manage('https://auth.bank.example/register/abc', allowed, d).managementUrl).toBe(
      'https://auth.bank.example/register/abc',
    );
    expect(() => manage('https://matls.bank.example/register/abc', allowed, d)).toThrow(
      /registration_client_uri is on host matls\.bank\.example, not 127\.0\.0\.1/,
    );
    // the same document built by hand (no fetch): measured from its issuer
    expect(manage('https://matls.bank.example/register/abc', [], discovery()).managementUrl).toBe(
      'https://matls.bank.example/register/abc',
    );
    // built by hand with an issuer that is no URL: nothing to measure from, only allowedHosts pass
    const noIssuer = { ...discovery(), issuer: 'bank' };
    expect(() => manage('https://auth.bank.example/register/abc', [], noIssuer)).toThrow(ForeignHostError);
    expect(manage('https://auth.bank.example/r/abc', allowed, noIssuer).managementUrl).toBe(
      'https://auth.bank.example/r/abc',
    );
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
