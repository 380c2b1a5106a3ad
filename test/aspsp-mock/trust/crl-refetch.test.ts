import type { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryTrust } from '../../../aspsp-mock/trust/directory-trust.js';
import { buildCrl, type CertificateAuthority, type RevokedEntry } from '../../../certs/index.js';
import { crlParseStats } from '../../../certs/verify-certificate.js';
import { type CaHttpsServer, startCaHttpsServer } from '../../helpers/ca-https-server.js';

/**
 * The bank refetches the directory's CRL every `crlCacheSeconds`. A refetch that brings the same
 * bytes must not parse the CRL again (a big CRL is hundreds of KB); a changed CRL is parsed, and
 * a revocation is seen once the cached CRL is older than `crlCacheSeconds`.
 */
let directoryServer: CaHttpsServer;
let ca: CertificateAuthority;
let origin = '';
let dispatcher: Agent;
let leaf: { der: Buffer; serialHex: string };
let worldNow = 0;
let fetches = 0;
/** What the directory lists; its CRL is built once per change, so unchanged fetches give the same bytes. */
let revoked: RevokedEntry[] = [];
let served: { revoked: RevokedEntry[]; der: Buffer } | undefined;

beforeAll(async () => {
  directoryServer = await startCaHttpsServer('obmock-crl-refetch-', (_req, res) => {
    fetches++;
    if (served?.revoked !== revoked) {
      const now = new Date(worldNow - 1000);
      served = { revoked, der: buildCrl(ca, revoked, { crlNumber: revoked.length, now }).der };
    }
    res.setHeader('content-type', 'application/pkix-crl');
    res.end(served.der);
  });
  ({ ca, origin, dispatcher } = directoryServer);
  worldNow = Math.floor(Date.now() / 1000) * 1000;
  leaf = directoryServer.issueLeaf(new Date(worldNow - 60_000));
  revoked = Array.from({ length: 3000 }, (_, i) => ({
    serialHex: `7e${i.toString(16).padStart(8, '0')}`,
    revokedAt: new Date(worldNow - 120_000),
  }));
});
afterAll(() => directoryServer?.close());

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
