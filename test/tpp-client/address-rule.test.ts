import type { LookupAddress } from 'node:dns';
import type { LookupFunction } from 'node:net';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createCsr, issueCertificate, parseCsr } from '../../certs/index.js';
import { type AddressClass, aClass, addressClass } from '../../tpp-client/http/address-class.js';
import { guardedConnector } from '../../tpp-client/http/guarded-connector.js';
import { guardedLookup } from '../../tpp-client/http/guarded-lookup.js';
import { forgetNotedHosts, noteBankNamedHost, noteUserGivenHost } from '../../tpp-client/http/named-hosts.js';
import { ForbiddenAddressError, TppClient } from '../../tpp-client/index.js';
import { upstreamFailure } from '../../tpp-client/service/upstream-failure.js';
import {
  keyPool,
  onboardTestTpp,
  type StubServer,
  sendJson,
  startStubServer,
  startTestDirectory,
  type TestDirectory,
} from './helpers.js';

describe('addressClass: what an address reaches', () => {
  const rows: [string, AddressClass][] = [
    ['127.0.0.1', 'loopback'],
    ['127.255.0.9', 'loopback'],
    ['::1', 'loopback'],
    ['10.0.0.1', 'private'],
    ['172.16.0.1', 'private'],
    ['172.31.255.255', 'private'],
    ['172.32.0.1', 'public'],
    ['192.168.1.1', 'private'],
    ['100.100.100.200', 'private'],
    ['198.18.0.5', 'private'],
    ['fd00:ec2::254', 'private'],
    ['fc00::1', 'private'],
    ['169.254.169.254', 'link-local'],
    ['fe80::1', 'link-local'],
    ['fe80::1%eth0', 'link-local'],
    ['0.0.0.0', 'unspecified'],
    ['0.1.2.3', 'unspecified'],
    ['::', 'unspecified'],
    ['224.0.0.1', 'multicast'],
    ['ff02::1', 'multicast'],
    ['255.255.255.255', 'reserved'],
    ['240.0.0.1', 'reserved'],
    ['192.0.2.1', 'reserved'],
    ['192.0.0.192', 'reserved'],
    ['2001:db8::1', 'reserved'],
    ['2001:0:4136:e378:8000:63bf:3fff:fdd2', 'reserved'],
    ['100::1', 'reserved'],
    ['8.8.8.8', 'public'],
    ['93.184.215.14', 'public'],
    ['2606:4700::1111', 'public'],
    ['[2606:4700::1111]', 'public'],
    // an IPv6 address that carries an IPv4 one is classed as the IPv4 address
    ['::ffff:10.0.0.1', 'private'],
    ['::ffff:a00:1', 'private'],
    ['::ffff:127.0.0.1', 'loopback'],
    ['::ffff:169.254.169.254', 'link-local'],
    ['::ffff:0.0.0.0', 'unspecified'],
    ['::ffff:8.8.8.8', 'public'],
    ['::ffff:0:10.0.0.1', 'private'],
    ['64:ff9b::a9fe:a9fe', 'link-local'],
    ['64:ff9b::808:808', 'public'],
    ['2002:a00:1::', 'private'],
    ['2002:7f00:1::1', 'loopback'],
    ['2002:808:808::', 'public'],
    ['::10.0.0.1', 'private'],
    ['::127.0.0.1', 'loopback'],
  ];
  it.each(rows)('%s is %s', (address, cls) => {
    expect(addressClass(address)).toBe(cls);
  });
  it('a name is no address', () => {
    expect(addressClass('bank.example')).toBeUndefined();
  });
});

/** A resolver answering from a table (name → addresses), counting its calls per name. */
function fakeResolver(table: Record<string, string[] | (() => string[])>) {
  const calls: Record<string, number> = {};
  const lookup = ((host: string, options: { all?: boolean }, callback: (...a: unknown[]) => void) => {
    calls[host] = (calls[host] ?? 0) + 1;
    const entry = table[host];
    const addresses = typeof entry === 'function' ? entry() : entry;
    if (!addresses)
      return process.nextTick(() =>
        callback(Object.assign(new Error(`getaddrinfo ENOTFOUND ${host}`), { code: 'ENOTFOUND' })),
      );
    const list: LookupAddress[] = addresses.map((address) => ({
      address,
      family: address.includes(':') ? 6 : 4,
    }));
    process.nextTick(() =>
      options.all ? callback(null, list) : callback(null, list[0].address, list[0].family),
    );
  }) as unknown as LookupFunction;
  return { lookup, calls };
}

/** What the guarded lookup answers for `host`: the addresses, or the refusal. */
function resolveGuarded(
  lookup: LookupFunction,
  host: string,
  all = true,
): Promise<LookupAddress[] | string | Error> {
  return new Promise((resolve) => {
    lookup(host, { all }, (err, address, family) => {
      if (err) resolve(err);
      else resolve(Array.isArray(address) ? address : `${address}/${family}`);
    });
  });
}

describe('guardedLookup: the addresses a connection may reach', () => {
  const PUBLIC = '93.184.215.14';
  beforeEach(() => forgetNotedHosts());

  // [discovery host resolves to, bank-named host resolves to, allowed]
  const rows: [string, string[], string[], boolean][] = [
    ['public bank, public endpoint', [PUBLIC], ['93.184.215.15'], true],
    ['public bank, loopback endpoint', [PUBLIC], ['127.0.0.1'], false],
    ['public bank, private endpoint', [PUBLIC], ['10.0.0.7'], false],
    ['public bank, CGNAT endpoint', [PUBLIC], ['100.100.100.200'], false],
    ['public bank, metadata endpoint', [PUBLIC], ['169.254.169.254'], false],
    ['public bank, IPv6 ULA endpoint', [PUBLIC], ['fd00:ec2::254'], false],
    ['public bank, mapped private endpoint', [PUBLIC], ['::ffff:10.0.0.1'], false],
    ['public bank, mapped public endpoint', [PUBLIC], ['::ffff:93.184.215.15'], true],
    ['public bank, NAT64 metadata endpoint', [PUBLIC], ['64:ff9b::a9fe:a9fe'], false],
    ['public bank, unspecified endpoint', [PUBLIC], ['0.0.0.0'], false],
    ['public bank, one of several addresses private', [PUBLIC], ['93.184.215.15', '10.0.0.1'], false],
    ['loopback bank, loopback endpoint', ['127.0.0.1'], ['127.0.0.1', '::1'], true],
    ['loopback bank, public endpoint', ['127.0.0.1'], [PUBLIC], false],
    ['loopback bank, metadata endpoint', ['127.0.0.1'], ['169.254.169.254'], false],
    ['loopback bank, unspecified endpoint (reaches this machine)', ['127.0.0.1'], ['0.0.0.0'], false],
    ['private bank, private endpoint', ['10.1.2.3'], ['10.9.9.9'], true],
    ['private bank, loopback endpoint', ['10.1.2.3'], ['127.0.0.1'], false],
    [
      'link-local bank, link-local endpoint (never for a bank-named host)',
      ['169.254.1.1'],
      ['169.254.1.2'],
      false,
    ],
    ['reserved answer', [PUBLIC], ['192.0.2.1'], false],
  ];
  it.each(rows)('%s', async (_what, bankAddresses, endpointAddresses, allowed) => {
    const { lookup } = fakeResolver({
      'bank.example': bankAddresses,
      'meta.bank.example': endpointAddresses,
    });
    noteUserGivenHost('bank.example');
    noteBankNamedHost(
      'meta.bank.example',
      'bank.example',
      'registration_endpoint',
      'the discovery document at X',
    );
    const got = await resolveGuarded(guardedLookup(lookup), 'meta.bank.example');
    if (allowed)
      expect(got).toEqual(endpointAddresses.map((a) => ({ address: a, family: a.includes(':') ? 6 : 4 })));
    else {
      expect(got).toBeInstanceOf(ForbiddenAddressError);
      const err = got as ForbiddenAddressError;
      expect(err.code).toBe('forbidden_address');
      expect(err.host).toBe('meta.bank.example');
      expect(err.field).toBe('registration_endpoint');
      expect(err.message).toContain(
        'meta.bank.example, named by registration_endpoint in the discovery document at X',
      );
      expect(err.message).toContain(`resolves to ${aClass(err.addressClass as AddressClass)} address`);
      expect(err.message).toContain('allowedHosts');
      for (const a of endpointAddresses) expect(err.message).not.toContain(a);
    }
  });

  it('a host the user gave may resolve to loopback, private and link-local addresses', async () => {
    const { lookup } = fakeResolver({
      'bank.internal': ['10.0.0.1'],
      localhost: ['127.0.0.1', '::1'],
      meta: ['169.254.169.254'],
    });
    const guarded = guardedLookup(lookup);
    expect(await resolveGuarded(guarded, 'bank.internal', false)).toBe('10.0.0.1/4');
    expect(await resolveGuarded(guarded, 'localhost')).toHaveLength(2);
    expect(await resolveGuarded(guarded, 'meta')).toHaveLength(1);
  });

  it("no host name may resolve to an unspecified, multicast or reserved address, the user's included", async () => {
    const { lookup } = fakeResolver({ a: ['0.0.0.0'], b: ['224.0.0.1'], c: ['240.0.0.1'] });
    const guarded = guardedLookup(lookup);
    for (const host of ['a', 'b', 'c'])
      expect(await resolveGuarded(guarded, host)).toBeInstanceOf(ForbiddenAddressError);
  });

  it('the user giving a host lifts the rule for it (allowedHosts)', async () => {
    const { lookup } = fakeResolver({ 'bank.example': [PUBLIC], 'matls.bank.example': ['10.0.0.1'] });
    noteBankNamedHost('matls.bank.example', 'bank.example', 'token_endpoint', 'X');
    expect(await resolveGuarded(guardedLookup(lookup), 'matls.bank.example')).toBeInstanceOf(
      ForbiddenAddressError,
    );
    noteUserGivenHost('matls.bank.example');
    expect(await resolveGuarded(guardedLookup(lookup), 'matls.bank.example')).toHaveLength(1);
  });

  it('DNS rebinding: every lookup is judged — public first, private the second time → refused', async () => {
    let n = 0;
    const { lookup, calls } = fakeResolver({
      'bank.example': [PUBLIC],
      'meta.bank.example': () => (n++ === 0 ? ['93.184.215.15'] : ['10.0.0.1']),
    });
    noteBankNamedHost('meta.bank.example', 'bank.example', 'token_endpoint', 'X');
    const guarded = guardedLookup(lookup);
    expect(await resolveGuarded(guarded, 'meta.bank.example')).toHaveLength(1);
    expect(await resolveGuarded(guarded, 'meta.bank.example')).toBeInstanceOf(ForbiddenAddressError);
    expect(calls['meta.bank.example']).toBe(2);
  });

  it("a host named by a registration response inherits its registration endpoint's discovery host", async () => {
    const { lookup } = fakeResolver({
      'bank.example': [PUBLIC],
      'reg.bank.example': [PUBLIC],
      'mgmt.bank.example': ['10.0.0.1'],
    });
    noteBankNamedHost('reg.bank.example', 'bank.example', 'registration_endpoint', 'X');
    noteBankNamedHost('mgmt.bank.example', 'reg.bank.example', 'registration_client_uri', 'Y');
    const err = await resolveGuarded(guardedLookup(lookup), 'mgmt.bank.example');
    expect(err).toBeInstanceOf(ForbiddenAddressError);
    expect((err as Error).message).toContain('discovery host bank.example (public)');
  });
});

describe('guardedConnector: an IP address a bank named (no lookup runs for one)', () => {
  beforeEach(() => forgetNotedHosts());
  const connectWith = (hostname: string) => {
    let connects = 0;
    const inner = ((_o: unknown, cb: (e: null, s: unknown) => void) => {
      connects += 1;
      cb(null, {});
    }) as never;
    const { lookup } = fakeResolver({ 'bank.example': ['93.184.215.14'] });
    return new Promise<{ err: Error | null; connects: number }>((resolve) =>
      guardedConnector(inner, lookup)(
        { hostname, host: hostname, protocol: 'https:', port: '443' } as never,
        (...args) => resolve({ err: args[0], connects }),
      ),
    );
  };
  it.each([
    ['169.254.169.254', false],
    ['::ffff:a9fe:a9fe', false],
    ['10.0.0.1', false],
    ['93.184.215.15', true],
  ])('registration_client_uri at %s: connected %s', async (ip, allowed) => {
    noteUserGivenHost('bank.example');
    noteBankNamedHost(ip, 'bank.example', 'registration_client_uri', 'the registration response of X');
    const { err, connects } = await connectWith(ip);
    expect(connects).toBe(allowed ? 1 : 0);
    if (!allowed) expect(err).toBeInstanceOf(ForbiddenAddressError);
  });
  it('an address the user gave is connected to as given', async () => {
    const { err, connects } = await connectWith('10.0.0.1');
    expect(err).toBeNull();
    expect(connects).toBe(1);
  });
});

describe('a real local bank whose discovery names a host that resolves to a forbidden address', () => {
  let t: TestDirectory;
  let bank: StubServer;
  /** Where `meta.localhost` would take the TPP: 0.0.0.0 reaches this machine's 127.0.0.1 listeners. */
  let inside: StubServer;
  let material: Awaited<ReturnType<typeof onboardTestTpp>>;
  let metaAddress = '0.0.0.0';

  beforeAll(async () => {
    t = await startTestDirectory();
    material = await onboardTestTpp(t);
    const pair = await keyPool.take();
    const csr = parseCsr(
      createCsr({
        key: pair,
        subject: [{ name: 'CN', value: 'localhost' }],
        sanDns: ['localhost', 'meta.localhost'],
        sanIps: ['127.0.0.1'],
      }),
    );
    const issued = issueCertificate(t.dir.ctx.ca, {
      type: 'server',
      csr,
      ctx: { orgId: 'test', legalName: 'test', organisationIdentifier: '', roles: [] },
    });
    const creds = {
      key: pair.privateKeyPem,
      cert: `${issued.pem.trim()}\n${t.dir.ctx.ca.issuingCertPem.trim()}\n`,
    };
    inside = await startStubServer(creds, t.caBundlePem, (_req, res) =>
      sendJson(res, 201, { client_id: 'inside' }),
    );
    bank = await startStubServer(creds, t.caBundlePem, (req, res) => {
      const base = `https://localhost:${bank.port}`;
      if (req.path === '/.well-known/openid-configuration')
        return sendJson(res, 200, {
          issuer: base,
          registration_endpoint: `https://meta.localhost:${inside.port}/register`,
          token_endpoint: `${base}/token`,
          token_endpoint_auth_methods_supported: ['tls_client_auth'],
          request_object_signing_alg_values_supported: ['PS256'],
          ob_organisation_id: '0015800001041REAAY',
        });
      sendJson(res, 404, {});
    });
  }, 120_000);
  afterAll(async () => {
    await bank?.close();
    await inside?.close();
    await t?.close();
    keyPool.close();
  });

  const resolver = () => fakeResolver({ localhost: ['127.0.0.1'], 'meta.localhost': () => [metaAddress] });

  it('the TPP refuses to register there and never connects', async () => {
    metaAddress = '0.0.0.0';
    const tpp = new TppClient(material, { lookup: resolver().lookup, retry: false });
    try {
      const discovery = await tpp.discover(`https://localhost:${bank.port}/.well-known/openid-configuration`);
      const err = await tpp.registerAt(discovery).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ForbiddenAddressError);
      const refused = err as ForbiddenAddressError;
      expect(refused.message).toMatch(
        /^POST https:\/\/meta\.localhost:\d+\/register refused: meta\.localhost, named by registration_endpoint in the discovery document at https:\/\/localhost:\d+\/\.well-known\/openid-configuration, resolves to an unspecified address/,
      );
      expect(refused.message).toContain('discovery host localhost (loopback)');
      expect(refused.stack).toBeDefined();
      expect(inside.connections()).toBe(0);
      expect(inside.requests).toHaveLength(0);
    } finally {
      await tpp.close();
    }
  });

  it('the same host resolving to loopback, as its loopback discovery host does, is called', async () => {
    metaAddress = '127.0.0.1';
    inside.requests.length = 0;
    const tpp = new TppClient(material, { lookup: resolver().lookup, retry: false });
    try {
      const discovery = await tpp.discover(`https://localhost:${bank.port}/.well-known/openid-configuration`);
      const result = await tpp.registerAt(discovery);
      expect(result.ok).toBe(true);
      expect(inside.requests.filter((r) => r.path === '/register')).toHaveLength(1);
    } finally {
      await tpp.close();
    }
  });

  it('DNS rebinding: loopback at the first connection, 0.0.0.0 at the next → the next connection is refused', async () => {
    metaAddress = '127.0.0.1';
    inside.requests.length = 0;
    const tpp = new TppClient(material, { lookup: resolver().lookup, retry: false });
    try {
      const discovery = await tpp.discover(`https://localhost:${bank.port}/.well-known/openid-configuration`);
      expect((await tpp.registerAt(discovery)).ok).toBe(true);
      const connected = inside.connections();
      // the kept-alive connection goes: the next call connects anew, and looks the name up again
      inside.server.closeIdleConnections();
      await new Promise((r) => setTimeout(r, 50));
      metaAddress = '0.0.0.0';
      const err = await tpp.registerAt(discovery).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(ForbiddenAddressError);
      expect((err as Error).message).toContain('resolves to an unspecified address');
      expect(inside.connections()).toBe(connected);
      expect(inside.requests.filter((r) => r.path === '/register')).toHaveLength(1);
    } finally {
      await tpp.close();
    }
  });
});

describe("the TPP service's registration API on a refusal", () => {
  it('502 description: where the refused call went and the kind of failure, not the class or the address', () => {
    const refused = new ForbiddenAddressError(
      'meta.bank.example, named by … resolves to a link-local address',
      {
        host: 'meta.bank.example',
        addressClass: 'link-local',
        field: 'registration_endpoint',
      },
    ).forCall('POST', 'https://meta.bank.example/register');
    expect(refused.url).toBe('https://meta.bank.example/register');
    expect(upstreamFailure(refused, 'https://bank.example/.well-known/openid-configuration')).toBe(
      "https://meta.bank.example, named by the bank, resolves to an address the TPP does not connect to (the TPP service's log says why)",
    );
  });
});
