import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type BankSettings, bankFromSpec } from '../../aspsp-mock/index.js';
import { DirectoryTrust } from '../../aspsp-mock/trust/directory-trust.js';
import { revokeTppCertificate } from '../helpers/revoke-certificate.js';
import { call, type TestTpp } from '../helpers/sandbox.js';
import { useTestSandbox, useTestTpps } from '../helpers/use-sandbox.js';

/**
 * Switch revocationCheck: a bank checking client certificates by OCSP
 * refuses a revoked certificate at once and accepts a good one; with the
 * responder down, `ocsp` fails closed, `ocsp-then-crl` lets the CRL decide,
 * `none` does not check, `crl` uses the CRL only.
 */
type Mode = BankSettings['revocationCheck'];
const bankWith = (id: string, revocationCheck: Mode) => {
  const def = bankFromSpec(`${id}=ob-v3.3`);
  return { ...def, settings: { ...def.settings, revocationCheck } };
};

const sb = useTestSandbox({
  banks: [
    bankWith('ocsp', 'ocsp'),
    bankWith('fallback', 'ocsp-then-crl'),
    bankWith('none', 'none'),
    bankWith('crl', 'crl'),
  ],
});
const [good, revoked] = useTestTpps(sb, [{}, {}]);

const der = (tpp: TestTpp) => Buffer.from(tpp.transport.certPem.replace(/-----[^-]+-----|\s/g, ''), 'base64');
const issuer = (id: string) => sb.aspsp.banks.find((b) => b.id === id)!.issuer;

/** A certificate-authenticated call: the token endpoint checks the TLS certificate before anything else. */
async function tokenCall(tpp: TestTpp, bank: string) {
  const res = await call(tpp.agent, 'POST', `${issuer(bank)}/token`, {
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: 'grant_type=client_credentials&client_id=nobody',
  });
  return { status: res.status, ...(res.json() as { error: string; error_description: string }) };
}

beforeAll(async () => {
  const del = await revokeTppCertificate(sb, revoked);
  expect(del.status, del.text).toBeLessThan(300);
});

describe('bank revocation modes over real HTTPS', () => {
  it.each([
    'ocsp',
    'fallback',
    'crl',
    'none',
  ])('%s: a good certificate passes the certificate check', async (bank) => {
    const r = await tokenCall(good, bank);
    expect(r.error_description).not.toMatch(/client certificate/);
    expect(r.status).toBe(401);
    expect(r.error).toBe('invalid_client');
  });

  it.each([
    'ocsp',
    'fallback',
    'crl',
  ])('%s: a revoked certificate is refused with 401 invalid_client', async (bank) => {
    const r = await tokenCall(revoked, bank);
    expect(r.status).toBe(401);
    expect(r.error).toBe('invalid_client');
    expect(r.error_description).toMatch(/^client certificate rejected \(revoked\)/);
  });

  it('none: a revoked certificate is accepted (the imitated bank does not check)', async () => {
    const r = await tokenCall(revoked, 'none');
    expect(r.error_description).not.toMatch(/client certificate/);
  });

  it('ocsp: the refusal names OCSP and the revocation time', async () => {
    const r = await tokenCall(revoked, 'ocsp');
    expect(r.error_description).toMatch(/OCSP responder says the certificate was revoked at \d{4}-/);
  });
});

describe('responder down', () => {
  let fake: Server;
  let fakeUrl = '';
  let dispatcher: Agent;
  let ocspHits = 0;
  let serveCrl = true;

  beforeAll(async () => {
    // A stand-in for the directory: its CRL (while serveCrl), and an OCSP responder that answers 503.
    fake = createServer((req, res) => {
      if (req.url?.startsWith('/ocsp')) {
        ocspHits++;
        res.writeHead(503).end();
      } else if (req.url === '/ca/issuing.crl' && serveCrl) {
        res.writeHead(200, { 'content-type': 'application/pkix-crl' }).end(sb.directory.ctx.crl.der);
      } else res.writeHead(404).end();
    });
    await new Promise<void>((r) => fake.listen(0, '127.0.0.1', r));
    fakeUrl = `http://127.0.0.1:${(fake.address() as AddressInfo).port}`;
    dispatcher = new Agent();
  });
  afterAll(async () => {
    await dispatcher?.close();
    await new Promise((r) => fake?.close(r));
  });

  const trust = (mode: Mode) =>
    new DirectoryTrust(
      fakeUrl,
      sb.caBundle,
      dispatcher,
      () => 0,
      Date.now,
      () => mode,
    );

  it('ocsp: fails closed — good and revoked certificates are both refused as revocation_unavailable', async () => {
    const before = ocspHits;
    for (const tpp of [good, revoked]) {
      const r = await trust('ocsp').checkClientCertificate(der(tpp), () => new Date());
      expect(r).toMatchObject({ ok: false, reason: 'revocation_unavailable' });
    }
    expect(ocspHits - before).toBe(2);
  });

  it('ocsp-then-crl: the CRL decides — good accepted, revoked refused', async () => {
    serveCrl = true;
    expect(await trust('ocsp-then-crl').checkClientCertificate(der(good), () => new Date())).toMatchObject({
      ok: true,
    });
    expect(await trust('ocsp-then-crl').checkClientCertificate(der(revoked), () => new Date())).toMatchObject(
      {
        ok: false,
        reason: 'revoked',
      },
    );
  });

  it('ocsp-then-crl with the CRL unreachable too: refused as revocation_unavailable', async () => {
    serveCrl = false;
    try {
      const r = await trust('ocsp-then-crl').checkClientCertificate(der(good), () => new Date());
      expect(r).toMatchObject({ ok: false, reason: 'revocation_unavailable' });
    } finally {
      serveCrl = true;
    }
  });

  it('none: no responder asked, the revoked certificate passes', async () => {
    const before = ocspHits;
    expect(await trust('none').checkClientCertificate(der(revoked), () => new Date())).toMatchObject({
      ok: true,
    });
    expect(ocspHits).toBe(before);
  });
});
