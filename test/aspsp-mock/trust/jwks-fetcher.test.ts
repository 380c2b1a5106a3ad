import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { JwksError, JwksFetcher } from '../../../aspsp-mock/trust/jwks-fetcher.js';
import {
  createCsr,
  generateRsaKeyPair,
  issueCertificate,
  loadOrCreateCa,
  parseCsr,
} from '../../../certs/index.js';

/** The bank's JWKS fetcher: trusted origins only, a deadline, a size cap, caching with one refetch on an unknown kid. */
let server: https.Server;
let origin = '';
let dispatcher: Agent;
let work: string;
let hits = 0;
let mode: 'ok' | 'huge' | 'slow' | 'rotated' = 'ok';
const jwk = (kid: string) => ({
  ...generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ format: 'jwk' }),
  kid,
  use: 'sig',
});
const first = jwk('k1');
const second = jwk('k2');

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'obmock-jwks-'));
  const ca = await loadOrCreateCa(work, { crlUrl: 'https://127.0.0.1/crl', rootKeyBits: 2048 });
  const key = await generateRsaKeyPair(2048);
  const cert = issueCertificate(ca, {
    type: 'server',
    csr: parseCsr(
      createCsr({
        key,
        subject: [{ name: 'CN', value: 'localhost' }],
        sanDns: ['localhost'],
        sanIps: ['127.0.0.1'],
      }),
    ),
    ctx: { orgId: 'x', legalName: 'x', organisationIdentifier: '', roles: [] },
  });
  server = https.createServer({ key: key.privateKeyPem, cert: cert.pem + ca.issuingCertPem }, (_req, res) => {
    hits++;
    if (mode === 'slow') return; // never answers
    res.setHeader('content-type', 'application/json');
    if (mode === 'huge') {
      res.end(JSON.stringify({ keys: [first], padding: 'x'.repeat(300_000) }));
      return;
    }
    res.end(JSON.stringify({ keys: mode === 'rotated' ? [first, second] : [first] }));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  origin = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
  dispatcher = new Agent({ connect: { ca: ca.bundlePem } });
});
afterAll(async () => {
  await dispatcher?.close();
  server?.closeAllConnections();
  server?.close();
  rmSync(work, { recursive: true, force: true });
});

const fetcher = (trusted: string[], cacheSeconds = 60) =>
  new JwksFetcher({
    dispatcher,
    trustedOrigins: () => trusted,
    timeoutMs: 500,
    maxBytes: 64 * 1024,
    cacheSeconds: () => cacheSeconds,
    now: () => Date.now(),
  });

describe('JwksFetcher', () => {
  it('refuses an untrusted origin without sending a request', async () => {
    mode = 'ok';
    const before = hits;
    await expect(fetcher(['https://directory.example']).keys(`${origin}/jwks`)).rejects.toMatchObject({
      kind: 'untrusted_host',
    });
    await expect(fetcher([origin]).keys(`http://127.0.0.1:1/jwks`)).rejects.toBeInstanceOf(JwksError);
    expect(hits).toBe(before);
  });

  it('fetches, caches, and refetches exactly once for an unknown kid (rotation)', async () => {
    mode = 'ok';
    const f = fetcher([origin]);
    const before = hits;
    expect((await f.key(`${origin}/jwks`, 'k1', 'sig')).jwk.kid).toBe('k1');
    expect((await f.key(`${origin}/jwks`, 'k1', 'sig')).jwk.kid).toBe('k1');
    expect(hits - before).toBe(1);
    mode = 'rotated';
    expect((await f.key(`${origin}/jwks`, 'k2', 'sig')).jwk.kid).toBe('k2');
    expect(hits - before).toBe(2);
    await expect(f.key(`${origin}/jwks`, 'k3', 'sig')).rejects.toMatchObject({ kind: 'unknown_kid' });
    expect(hits - before).toBe(3);
  });

  it('stops reading past the size cap', async () => {
    mode = 'huge';
    await expect(fetcher([origin]).keys(`${origin}/jwks`)).rejects.toMatchObject({
      kind: 'unreachable',
      message: expect.stringMatching(/larger than 65536 bytes/),
    });
  });

  it('gives up after the deadline', async () => {
    mode = 'slow';
    await expect(fetcher([origin]).keys(`${origin}/jwks`)).rejects.toMatchObject({
      kind: 'unreachable',
      message: expect.stringMatching(/no answer within 500 ms/),
    });
    mode = 'ok';
  });
});
