import type { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DirectoryTrust } from '../../../aspsp-mock/trust/directory-trust.js';
import { buildCrl, type CertificateAuthority } from '../../../certs/index.js';
import { type CaHttpsServer, startCaHttpsServer } from '../../helpers/ca-https-server.js';

/**
 * Finding 2: a CRL published while the bank was fetching it was judged against
 * the time taken before the fetch, so valid certificates were refused with
 * "the CRL is not valid before …". The clock is now read after the CRL arrives,
 * and the CRL's times are judged with the bank's clock-skew tolerance.
 */
let directoryServer: CaHttpsServer;
let ca: CertificateAuthority;
let origin = '';
let dispatcher: Agent;
let leaf: Buffer;
/** The "current time" of the test world, in ms (whole seconds, as CRL times are). */
let worldNow = 0;
/** What the CRL endpoint does when asked: the time moves on by this much, then a CRL is built at the new time. */
let advanceOnFetchMs = 0;
let crlOffsetMs = 0;

beforeAll(async () => {
  directoryServer = await startCaHttpsServer('obmock-trust-', (_req, res) => {
    worldNow += advanceOnFetchMs;
    res.setHeader('content-type', 'application/pkix-crl');
    res.end(buildCrl(ca, [], { crlNumber: 1, now: new Date(worldNow + crlOffsetMs) }).der);
  });
  ({ ca, origin, dispatcher } = directoryServer);
  worldNow = Math.floor(Date.now() / 1000) * 1000;
  leaf = directoryServer.issueLeaf(new Date(worldNow - 60_000)).der;
});
afterAll(() => directoryServer?.close());

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
