import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  BankRegistration,
  DiscoveryError,
  ForeignHostError,
  optionsForBank,
  type RegisteredClient,
  TppClient,
} from '../../tpp-client/index.js';
import {
  keyPool,
  type StubServer,
  sendJson,
  serverCredentials,
  startStubServer,
  startTppAndStubBank,
  type TppAndStubBank,
} from './helpers.js';

/**
 * The name rule against a real local bank (a stub HTTPS bank on 127.0.0.1, port 0) that names
 * another host — `localhost`, where a second server records whatever reaches it — for a URL the
 * TPP calls with its credentials: its issuer, or the `registration_client_uri` of a registration.
 * `localhost` resolves to loopback as 127.0.0.1 does, so the address rule lets the TPP connect
 * there: only the name rule keeps the registration access token from it.
 */
let setup: TppAndStubBank;
let other: StubServer;
const RAT = 'rat-0123456789';
const ROTATED = 'rat-rotated-9876543210';

beforeAll(async () => {
  setup = await startTppAndStubBank((req, res) => {
    const [, mode, ...rest] = req.path.split('/');
    const base = `${setup.stub.url}/${mode}`;
    const what = `/${rest.join('/')}`;
    const elsewhere = `https://localhost:${other.port}/clients/abc`;
    if (what === '/.well-known/openid-configuration')
      return sendJson(res, 200, {
        issuer: mode === 'issuer-elsewhere' ? `https://localhost:${other.port}` : base,
        registration_endpoint: `${base}/register`,
        token_endpoint: `${base}/token`,
        token_endpoint_auth_methods_supported: ['tls_client_auth'],
        request_object_signing_alg_values_supported: ['PS256'],
        ob_organisation_id: '0015800001041REAAY',
      });
    const client = (uri: string, token = RAT) => ({
      client_id: 'abc',
      token_endpoint_auth_method: 'tls_client_auth',
      registration_access_token: token,
      registration_client_uri: uri,
    });
    // registered with a registration_client_uri on another host
    if (mode === 'rcu-elsewhere' && what === '/register' && req.method === 'POST')
      return sendJson(res, 201, client(elsewhere));
    // registered at home; a later GET moves registration_client_uri to another host
    if (mode === 'rcu-moves' && what === '/register' && req.method === 'POST')
      return sendJson(res, 201, client(`${base}/register/abc`));
    if (mode === 'rcu-moves' && what === '/register/abc' && req.method === 'GET')
      return sendJson(res, 200, client(elsewhere, ROTATED));
    if (mode === 'rcu-moves' && what === '/register/abc' && req.method === 'DELETE') {
      res.writeHead(204);
      return res.end();
    }
    sendJson(res, 400, { error: 'invalid_request', error_description: 'no' });
  });
  other = await startStubServer(
    await serverCredentials(setup.t.dir.ctx.ca),
    setup.t.caBundlePem,
    (req, res) => sendJson(res, 200, { client_id: 'abc', switches: {}, seen: req.path }),
  );
}, 120_000);
afterAll(async () => {
  await other?.close();
  await setup?.close();
  keyPool.close();
});

const discoveryUrl = (mode: string) => `${setup.stub.url}/${mode}/.well-known/openid-configuration`;

/** Runs `fn` with a TppClient of the onboarded TPP (no retries), closed afterwards. */
async function withTpp<T>(fn: (tpp: TppClient) => Promise<T>, allowedHosts?: string[]): Promise<T> {
  const tpp = new TppClient(setup.material, { retry: false, ...(allowedHosts ? { allowedHosts } : {}) });
  try {
    return await fn(tpp);
  } finally {
    await tpp.close();
  }
}

/** What reached the other host: requests, and whether any carried the registration access token. */
const reachedOther = () => ({
  requests: other.requests.length,
  connections: other.connections(),
  tokens: other.requests.filter((r) => JSON.stringify(r.headers).includes('rat-')).length,
});

describe('a registration whose registration_client_uri is on another host', () => {
  it('registerAt fails, naming the field, the host and allowedHosts; nothing (no token) reaches that host', async () => {
    other.requests.length = 0;
    const before = other.connections();
    const result = await withTpp(async (tpp) =>
      tpp.registerAt(await tpp.discover(discoveryUrl('rcu-elsewhere'))),
    );
    expect(result.ok).toBe(false);
    if (result.ok) return;
    expect(result.status).toBe(201);
    expect(result.error).toBe('invalid_response');
    expect(result.error_description).toMatch(
      /^the registration answer's registration_client_uri is on host localhost, not 127\.0\.0\.1 or a host of its domain; if the bank really serves it there, allow that host \(allowedHosts\)/,
    );
    expect(result.error_description).toContain('the bank did register the client: its answer is in raw');
    expect(JSON.parse(result.raw).client_id).toBe('abc');
    expect('registration' in result).toBe(false);
    expect(reachedOther()).toEqual({ requests: 0, connections: before, tokens: 0 });
  });

  it('the client kept from that answer cannot be managed there either: BankRegistration refuses it before any call', async () => {
    other.requests.length = 0;
    const before = other.connections();
    const err = await withTpp(async (tpp) => {
      const discovery = await tpp.discover(discoveryUrl('rcu-elsewhere'));
      const answer = await tpp.register(discovery, await tpp.registrationRequest(discovery));
      expect(answer.ok).toBe(true); // the plain call returns the bank's answer as it is
      if (!answer.ok) return undefined;
      try {
        await new BankRegistration(tpp, discovery, optionsForBank(discovery), answer.client).read();
      } catch (e) {
        return e;
      }
      return undefined;
    });
    expect(reachedOther()).toEqual({ requests: 0, connections: before, tokens: 0 });
    expect(err).toBeInstanceOf(ForeignHostError);
    expect((err as ForeignHostError).field).toBe('registration_client_uri');
    expect((err as ForeignHostError).host).toBe('localhost');
  });

  it('allowedHosts names that host: the registration is made and managed there, with its token', async () => {
    other.requests.length = 0;
    const read = await withTpp(
      async (tpp) => {
        const result = await tpp.registerAt(await tpp.discover(discoveryUrl('rcu-elsewhere')));
        if (!result.ok) throw new Error(result.error_description);
        expect(result.registration.managementUrl).toBe(`https://localhost:${other.port}/clients/abc`);
        return result.registration.read();
      },
      ['localhost'],
    );
    expect(read.ok).toBe(true);
    expect(other.requests.map((r) => [r.method, r.path, r.headers.authorization])).toEqual([
      ['GET', '/clients/abc', `Bearer ${RAT}`],
    ]);
  });
});

describe('a GET answer that moves registration_client_uri to another host', () => {
  it('is a failure naming the field; nothing is kept, and the next call still goes to the bank', async () => {
    other.requests.length = 0;
    const before = other.connections();
    await withTpp(async (tpp) => {
      const result = await tpp.registerAt(await tpp.discover(discoveryUrl('rcu-moves')));
      if (!result.ok) throw new Error(result.error_description);
      const registration = result.registration;
      const home = registration.managementUrl;
      const read = await registration.read();
      expect(read.ok).toBe(false);
      if (read.ok) return;
      expect(read.error).toBe('invalid_response');
      expect(read.error_description).toContain('registration_client_uri is on host localhost');
      expect(read.error_description).toContain('allowedHosts');
      expect(registration.managementUrl).toBe(home);
      expect(registration.registrationAccessToken).toBe(RAT);
      expect((registration.client as RegisteredClient).registration_client_uri).toBe(home);
      expect((await registration.delete()).ok).toBe(true);
    });
    expect(setup.stub.requests.filter((r) => r.method === 'DELETE').at(-1)?.headers.authorization).toBe(
      `Bearer ${RAT}`,
    );
    expect(reachedOther()).toEqual({ requests: 0, connections: before, tokens: 0 });
  });
});

describe('a discovery document whose issuer is on another host', () => {
  it('is refused at discovery (DiscoveryError naming issuer): GET {issuer}/profile never happens', async () => {
    other.requests.length = 0;
    const before = other.connections();
    const err = await withTpp(async (tpp) => {
      const discovery = await tpp.discover(discoveryUrl('issuer-elsewhere'));
      await tpp.profileHints(discovery);
    }).catch((e: unknown) => e);
    expect(reachedOther()).toEqual({ requests: 0, connections: before, tokens: 0 });
    expect(err).toBeInstanceOf(DiscoveryError);
    expect((err as DiscoveryError).field).toBe('issuer');
    expect((err as Error).message).toContain(
      'issuer is on host localhost, not 127.0.0.1 or a host of its domain; if the bank really serves it there, allow that host (allowedHosts)',
    );
  });

  it('allowedHosts names it: the TPP calls {issuer}/profile there', async () => {
    other.requests.length = 0;
    await withTpp(
      async (tpp) => {
        await tpp.profileHints(await tpp.discover(discoveryUrl('issuer-elsewhere')));
      },
      ['localhost'],
    );
    expect(other.requests.map((r) => [r.method, r.path])).toEqual([['GET', '/profile']]);
  });
});
