import { mkdtempSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { type CertificateAuthority, loadOrCreateCa } from '../../certs/index.js';
import { createHttpClient, HttpNetworkError } from '../../tpp-client/index.js';
import { ecIdentity } from '../helpers/ec-identity.js';

/**
 * The TPP's HTTPS client checks that the server's certificate names the host it called (Node's
 * checkServerIdentity, run on the leaf certificate only: tpp-client/http/leaf-identity-check.ts).
 * A server whose certificate is for another name is refused, over a first connection (no session
 * to resume) of a new identity each time.
 */
let dir: string;
let ca: CertificateAuthority;
const servers: https.Server[] = [];

function serverIdentity(san: { dns?: string[]; ips?: string[] }, cn = 'bank'): { key: string; cert: string } {
  const id = ecIdentity(ca, {
    cn,
    ...(san.dns ? { sanDns: san.dns } : {}),
    ...(san.ips ? { sanIps: san.ips } : {}),
  });
  return { key: id.key, cert: `${id.cert}${ca.issuingCertPem}` };
}

/** An HTTPS server on 127.0.0.1 with a certificate for `san` (and the issuing CA in its chain). */
async function serverFor(san: { dns?: string[]; ips?: string[] }, cn?: string): Promise<number> {
  const server = https.createServer(serverIdentity(san, cn), (_req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end('{"ok":true}');
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return (server.address() as AddressInfo).port;
}

let identities = 0;

/** A new client identity per call (its own agent: nothing to resume), trusting the test CA. */
async function get(url: string, servername?: string): Promise<unknown> {
  const client = createHttpClient({
    ca: ca.bundlePem,
    timeoutMs: 5_000,
    // a distinct identity each time: the keep-alive limit is part of it
    keepAliveTimeoutMs: 1_000 + ++identities,
    ...(servername !== undefined ? { servername } : {}),
  });
  try {
    return (await client.request('GET', url)).json();
  } finally {
    await client.close();
  }
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'obmock-server-identity-'));
  ca = await loadOrCreateCa(dir, { crlUrl: 'https://localhost/crl', rootKeyBits: 2048 });
});

afterAll(async () => {
  for (const s of servers) {
    s.closeAllConnections();
    await new Promise<void>((r) => s.close(() => r()));
  }
  rmSync(dir, { recursive: true, force: true });
});

describe("the server's name is checked on every new TLS session", () => {
  it('accepts a certificate whose DNS or IP subjectAltName is the host called', async () => {
    const port = await serverFor({ dns: ['localhost'], ips: ['127.0.0.1'] });
    expect(await get(`https://localhost:${port}/`)).toEqual({ ok: true });
    expect(await get(`https://127.0.0.1:${port}/`)).toEqual({ ok: true });
  });

  it.each([
    ['a DNS name it does not list', { dns: ['bank.example'], ips: ['127.0.0.1'] }, 'https://localhost'],
    ['an IP address it does not list', { dns: ['localhost'] }, 'https://127.0.0.1'],
    ['a wildcard one label too deep', { dns: ['*.example'] }, 'https://localhost'],
  ])('refuses a certificate for %s', async (_what, san, base) => {
    const port = await serverFor(san);
    const err = await get(`${base}:${port}/`).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(HttpNetworkError);
    expect((err as HttpNetworkError).code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('checks the name given as servername, not the address connected to', async () => {
    const port = await serverFor({ dns: ['bank.example'] });
    expect(await get(`https://127.0.0.1:${port}/`, 'bank.example')).toEqual({ ok: true });
    const err = await get(`https://127.0.0.1:${port}/`, 'other.example').catch((e: unknown) => e);
    expect((err as HttpNetworkError).code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it('falls back to the subject CN only when the certificate names no DNS host (as Node does)', async () => {
    const port = await serverFor({}, 'localhost');
    expect(await get(`https://localhost:${port}/`)).toEqual({ ok: true });
    const other = await serverFor({}, 'bank.example');
    const err = await get(`https://localhost:${other}/`).catch((e: unknown) => e);
    expect((err as HttpNetworkError).code).toBe('ERR_TLS_CERT_ALTNAME_INVALID');
  });

  it("reads only the leaf for the check: the server's chain is not decoded again", async () => {
    const port = await serverFor({ dns: ['localhost'] });
    const spy = vi.spyOn(TLSSocket.prototype, 'getPeerCertificate');
    try {
      expect(await get(`https://localhost:${port}/`)).toEqual({ ok: true });
      expect(spy).toHaveBeenCalled();
      expect(spy.mock.calls.every(([detailed]) => detailed !== true)).toBe(true);
    } finally {
      spy.mockRestore();
    }
  });
});
