import { mkdtempSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryTrust } from '../../../aspsp-mock/trust/directory-trust.js';
import {
  buildCrl,
  type CertificateAuthority,
  createCsr,
  generateRsaKeyPair,
  issueCertificate,
  loadOrCreateCa,
  parseCsr,
  type RevokedEntry,
} from '../../../certs/index.js';
import { crlParseStats } from '../../../certs/verify-certificate.js';

/**
 * The bank refetches the directory's CRL every `crlCacheSeconds`. A refetch that brings the same
 * bytes must not parse the CRL again (a big CRL is hundreds of KB); a changed CRL is parsed, and
 * a revocation is seen once the cached CRL is older than `crlCacheSeconds`.
 */
let work: string;
let ca: CertificateAuthority;
let server: https.Server;
let origin = '';
let dispatcher: Agent;
let leaf: { der: Buffer; serialHex: string };
let worldNow = 0;
let fetches = 0;
/** What the directory lists; its CRL is built once per change, so unchanged fetches give the same bytes. */
let revoked: RevokedEntry[] = [];
let served: { revoked: RevokedEntry[]; der: Buffer } | undefined;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'obmock-crl-refetch-'));
  ca = await loadOrCreateCa(work, { crlUrl: 'https://127.0.0.1/ca/issuing.crl', rootKeyBits: 2048 });
  const key = await generateRsaKeyPair(2048);
  const csr = parseCsr(
    createCsr({
      key,
      subject: [{ name: 'CN', value: 'localhost' }],
      sanDns: ['localhost'],
      sanIps: ['127.0.0.1'],
    }),
  );
  const ctx = { orgId: 'x', legalName: 'x', organisationIdentifier: '', roles: [] };
  worldNow = Math.floor(Date.now() / 1000) * 1000;
  leaf = issueCertificate(ca, { type: 'server', csr, ctx, now: new Date(worldNow - 60_000) });
  revoked = Array.from({ length: 3000 }, (_, i) => ({
    serialHex: `7e${i.toString(16).padStart(8, '0')}`,
    revokedAt: new Date(worldNow - 120_000),
  }));
  const serverCert = issueCertificate(ca, { type: 'server', csr, ctx });
  server = https.createServer(
    { key: key.privateKeyPem, cert: serverCert.pem + ca.issuingCertPem },
    (_req, res) => {
      fetches++;
      if (served?.revoked !== revoked) {
        const now = new Date(worldNow - 1000);
        served = { revoked, der: buildCrl(ca, revoked, { crlNumber: revoked.length, now }).der };
      }
      res.setHeader('content-type', 'application/pkix-crl');
      res.end(served.der);
    },
  );
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

describe('the bank and a refetched CRL', () => {
  it('parses an unchanged CRL once across refetches and sees a revocation after crlCacheSeconds', async () => {
    const trust = new DirectoryTrust(
      origin,
      ca.bundlePem,
      dispatcher,
      () => 1,
      () => worldNow,
    );
    const check = () => trust.checkClientCertificate(leaf.der, () => new Date(worldNow));
    const parsesAtStart = crlParseStats.parses;

    expect(await check()).toMatchObject({ ok: true });
    expect(fetches).toBe(1);
    for (let i = 0; i < 3; i++) {
      worldNow += 1500; // past crlCacheSeconds: the bank fetches again, the bytes are the same
      expect(await check()).toMatchObject({ ok: true });
    }
    expect(fetches).toBe(4);
    expect(crlParseStats.parses - parsesAtStart).toBe(1);

    // The directory revokes the certificate: within crlCacheSeconds the cached CRL still answers…
    revoked = [...revoked, { serialHex: leaf.serialHex, revokedAt: new Date(worldNow) }];
    worldNow += 500;
    expect(await check()).toMatchObject({ ok: true });
    expect(fetches).toBe(4);
    // …and once it is older than that, the new CRL is fetched, parsed and the revocation seen.
    worldNow += 1000;
    expect(await check()).toMatchObject({ ok: false, reason: 'revoked' });
    expect(fetches).toBe(5);
    expect(crlParseStats.parses - parsesAtStart).toBe(2);
    worldNow += 1500;
    expect(await check()).toMatchObject({ ok: false, reason: 'revoked' });
    expect(crlParseStats.parses - parsesAtStart).toBe(2);
  });
});
