import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CertificateAuthority, loadOrCreateCa } from '../../certs/index.js';
import { agentsInUse, MAX_SHARED_AGENTS, sharedAgentCount } from '../../tpp-client/http/shared-agent.js';
import { createHttpClient, HttpNetworkError } from '../../tpp-client/index.js';
import { ecIdentity } from '../helpers/ec-identity.js';

interface Seen {
  port: number;
  resumed: boolean;
  peer: string | null;
}

let dir: string;
let ca: CertificateAuthority;
let server: https.Server;
let url: string;

/** An EC P-256 key and a certificate for it from the test CA (server profile: any CN). */
function identity(cn: string): { key: string; cert: string } {
  return ecIdentity(ca, { cn, sanDns: ['localhost'], sanIps: ['127.0.0.1'] });
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'obmock-shared-agent-'));
  ca = await loadOrCreateCa(dir, { crlUrl: 'https://localhost/crl', rootKeyBits: 2048 });
  const tls = identity('localhost');
  // TLS 1.2 and 1.3 both resume with session tickets; node's servers issue them by default
  server = https.createServer(
    { key: tls.key, cert: `${tls.cert}${ca.issuingCertPem}`, requestCert: true, rejectUnauthorized: false },
    (req, res) => {
      const socket = req.socket as TLSSocket;
      const peer = socket.getPeerX509Certificate();
      const seen: Seen = {
        port: socket.remotePort ?? 0,
        resumed: socket.isSessionReused(),
        peer: peer?.subject ?? null,
      };
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify(seen));
    },
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `https://localhost:${(server.address() as AddressInfo).port}/`;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

async function call(client: ReturnType<typeof createHttpClient>): Promise<Seen> {
  const res = await client.request('GET', url);
  expect(res.status).toBe(200);
  return res.json() as Seen;
}

describe('one agent per TPP identity', () => {
  it('calls one after the other, and a later client of the same identity, reuse the open connection', async () => {
    const me = identity('tpp-a');
    const first = createHttpClient({ ca: ca.bundlePem, ...me, timeoutMs: 5000 });
    const a = await call(first);
    // one call after the other: the same connection
    expect((await call(first)).port).toBe(a.port);
    await first.close();
    const second = createHttpClient({ ca: ca.bundlePem, ...me, timeoutMs: 5000 });
    const b = await call(second);
    await second.close();
    expect(b.port).toBe(a.port);
    expect(new X509Certificate(me.cert).subject).toBe(b.peer);
  });

  it('resumes the TLS session on a new connection, and the server still sees the client certificate', async () => {
    const me = identity('tpp-b');
    const client = createHttpClient({ ca: ca.bundlePem, ...me, timeoutMs: 5000 });
    const a = await call(client);
    expect(a.resumed).toBe(false);
    server.closeAllConnections(); // the server drops the connection
    const b = await call(client);
    await client.close();
    expect(b.port).not.toBe(a.port);
    expect(b.resumed).toBe(true);
    expect(b.peer).toBe(new X509Certificate(me.cert).subject);
  });

  it('never shares a connection or a TLS session between identities', async () => {
    const one = identity('tpp-c');
    const two = identity('tpp-d');
    const c1 = createHttpClient({ ca: ca.bundlePem, ...one, timeoutMs: 5000 });
    const a = await call(c1);
    server.closeAllConnections();
    const c2 = createHttpClient({ ca: ca.bundlePem, ...two, timeoutMs: 5000 });
    const b = await call(c2);
    await Promise.all([c1.close(), c2.close()]);
    expect(a.peer).toBe(new X509Certificate(one.cert).subject);
    expect(b.peer).toBe(new X509Certificate(two.cert).subject);
    expect(b.resumed).toBe(false);
  });

  it('a closed client refuses calls; the others of its identity go on', async () => {
    const me = identity('tpp-e');
    const closed = createHttpClient({ ca: ca.bundlePem, ...me, timeoutMs: 5000 });
    const open = createHttpClient({ ca: ca.bundlePem, ...me, timeoutMs: 5000 });
    await call(closed);
    await closed.close();
    await expect(closed.request('GET', url)).rejects.toBeInstanceOf(HttpNetworkError);
    expect((await call(open)).peer).toBe(new X509Certificate(me.cert).subject);
    await open.close();
  });

  it(`keeps at most ${MAX_SHARED_AGENTS} agents`, async () => {
    const clients = Array.from({ length: MAX_SHARED_AGENTS + 4 }, (_, i) =>
      createHttpClient({ ca: ca.bundlePem, timeoutMs: 5000, servername: `n${i}.localhost` }),
    );
    expect(sharedAgentCount()).toBeLessThanOrEqual(MAX_SHARED_AGENTS);
    // the agents of their own past the cap count as in use too, until their client closes
    const inUse = agentsInUse();
    expect(inUse).toBeGreaterThanOrEqual(MAX_SHARED_AGENTS + 4);
    await clients[MAX_SHARED_AGENTS + 3].close();
    await clients[0].close();
    expect(agentsInUse()).toBe(inUse - 2);
    await Promise.all(clients.map((c) => c.close()));
    expect(agentsInUse()).toBe(inUse - MAX_SHARED_AGENTS - 4);
    const more = createHttpClient({ ca: ca.bundlePem, timeoutMs: 5000, servername: 'more.localhost' });
    expect(sharedAgentCount()).toBeLessThanOrEqual(MAX_SHARED_AGENTS);
    await more.close();
  });
});
