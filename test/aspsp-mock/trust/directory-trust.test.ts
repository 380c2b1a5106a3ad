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
} from '../../../certs/index.js';

/**
 * Finding 2: a CRL published while the bank was fetching it was judged against
 * the time taken before the fetch, so valid certificates were refused with
 * "the CRL is not valid before …". The clock is now read after the CRL arrives,
 * and the CRL's times are judged with the bank's clock-skew tolerance.
 */
let work: string;
let ca: CertificateAuthority;
let server: https.Server;
let origin = '';
let dispatcher: Agent;
let leaf: Buffer;
/** The "current time" of the test world, in ms (whole seconds, as CRL times are). */
let worldNow = 0;
/** What the CRL endpoint does when asked: the time moves on by this much, then a CRL is built at the new time. */
let advanceOnFetchMs = 0;
let crlOffsetMs = 0;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'obmock-trust-'));
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
  leaf = issueCertificate(ca, { type: 'server', csr, ctx, now: new Date(worldNow - 60_000) }).der;
  const serverCert = issueCertificate(ca, { type: 'server', csr, ctx });
  server = https.createServer(
    { key: key.privateKeyPem, cert: serverCert.pem + ca.issuingCertPem },
    (_req, res) => {
      worldNow += advanceOnFetchMs;
      res.setHeader('content-type', 'application/pkix-crl');
      res.end(buildCrl(ca, [], { crlNumber: 1, now: new Date(worldNow + crlOffsetMs) }).der);
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

const trust = () =>
  new DirectoryTrust(
    origin,
    ca.bundlePem,
    dispatcher,
    () => 0,
    () => worldNow,
  );

describe('DirectoryTrust: CRL freshness (finding 2)', () => {
  it('reads the clock after the CRL arrived: a CRL published during the fetch is not "from the future"', async () => {
    advanceOnFetchMs = 2_000; // two seconds pass while the CRL is fetched; the directory signs it at that time
    crlOffsetMs = 0;
    const check = await trust().checkClientCertificate(leaf, () => new Date(worldNow), 0);
    expect(check).toMatchObject({ ok: true });
  });

  it("accepts a CRL up to the bank's clock skew ahead, refuses one beyond", async () => {
    advanceOnFetchMs = 0;
    crlOffsetMs = 20_000; // the directory's clock is 20 s ahead of the bank's
    expect(await trust().checkClientCertificate(leaf, () => new Date(worldNow), 30)).toMatchObject({
      ok: true,
    });
    const refused = await trust().checkClientCertificate(leaf, () => new Date(worldNow), 10);
    expect(refused).toMatchObject({ ok: false, reason: 'bad_crl' });
    expect(refused.ok === false && refused.message).toMatch(/^the CRL is not valid before /);
    crlOffsetMs = 0;
  });

  it('never refuses a valid certificate while CRLs are republished concurrently', async () => {
    advanceOnFetchMs = 1_000;
    const t = trust();
    const results = await Promise.all(
      Array.from({ length: 40 }, () => t.checkClientCertificate(leaf, () => new Date(worldNow), 0)),
    );
    expect(results.filter((r) => !r.ok)).toEqual([]);
    advanceOnFetchMs = 0;
  });
});

describe('DirectoryTrust: a client certificate that does not parse', () => {
  it.each([
    ['empty', Buffer.alloc(0)],
    ['not DER', Buffer.from('hello, bank')],
    ['a truncated certificate', Buffer.from([0x30, 0x82, 0x04, 0x00, 0x30, 0x82])],
  ])('%s: refused as malformed with the same message, and a good certificate still passes', async (_n, der) => {
    advanceOnFetchMs = 0;
    crlOffsetMs = 0;
    const t = trust();
    expect(await t.checkClientCertificate(der, () => new Date(worldNow), 0)).toEqual({
      ok: false,
      reason: 'malformed',
      message: 'the client certificate cannot be parsed',
    });
    expect(await t.checkClientCertificate(leaf, () => new Date(worldNow), 0)).toMatchObject({ ok: true });
  });
});
