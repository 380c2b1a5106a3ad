import { createHash } from 'node:crypto';
import { connect } from 'node:tls';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { checkServerCertificate, type RevocationCheck } from '../../tpp-client/index.js';
import { call, startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

/**
 * The TPP library checks a bank's TLS server certificate the way a bank's
 * revocationCheck switch checks client certificates: OCSP at the AIA
 * responder, the CRL, OCSP then CRL, or none — good, then revoked once the
 * directory revokes the bank's OBWAC.
 */
let sb: TestSandbox;

function serverCertificateDer(url: string): Promise<Buffer> {
  const u = new URL(url);
  return new Promise((resolve, reject) => {
    const s = connect(
      { host: u.hostname, port: Number(u.port), ca: sb.caBundle, servername: u.hostname },
      () => {
        resolve(s.getPeerCertificate(false).raw);
        s.end();
      },
    );
    s.once('error', reject);
  });
}

beforeAll(async () => {
  sb = await startTestSandbox();
});
afterAll(async () => {
  await sb?.close();
});

const MODES: RevocationCheck[] = ['ocsp', 'crl', 'ocsp-then-crl'];

describe('checkServerCertificate', () => {
  it.each(MODES)('%s: the bank server certificate is good', async (mode) => {
    const r = await checkServerCertificate(sb.bank.issuer, {
      caBundlePem: sb.caBundle,
      revocationCheck: mode,
    });
    expect(r).toMatchObject({ ok: true, revocation: 'good', via: mode === 'crl' ? 'crl' : 'ocsp' });
  });

  it('refuses a server that does not chain to the given CA', async () => {
    const other = (await import('node:tls')).rootCertificates.slice(0, 3).join('\n');
    const r = await checkServerCertificate(sb.bank.issuer, { caBundlePem: other, revocationCheck: 'none' });
    expect(r).toMatchObject({ ok: false, reason: 'untrusted' });
  });

  describe('after the directory revokes the bank certificate', () => {
    beforeAll(async () => {
      const der = await serverCertificateDer(sb.bank.issuer);
      const kid = createHash('sha1').update(der).digest('base64url');
      const agent = new Agent({ connect: { ca: sb.caBundle } });
      const del = await call(
        agent,
        'DELETE',
        `${sb.directory.url}/v2.1/organisation/${sb.bank.orgId}/certificate/kid/${kid}`,
        { headers: { authorization: `Bearer ${sb.directory.adminToken}` } },
      );
      await agent.close();
      expect(del.status, del.text).toBeLessThan(300);
    });

    it.each(MODES)('%s: revoked', async (mode) => {
      const r = await checkServerCertificate(sb.bank.issuer, {
        caBundlePem: sb.caBundle,
        revocationCheck: mode,
      });
      expect(r).toMatchObject({ ok: false, reason: 'revoked' });
    });

    it('none: not checked, accepted', async () => {
      const r = await checkServerCertificate(sb.bank.issuer, {
        caBundlePem: sb.caBundle,
        revocationCheck: 'none',
      });
      expect(r).toMatchObject({ ok: true, revocation: 'not-checked' });
    });
  });
});
