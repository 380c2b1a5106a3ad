import { execFile, execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { Agent, request } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDirectory, startDirectory } from '../../directory/index.js';
import { opensslKeyAndCsr } from '../helpers/openssl.js';
import { call } from '../helpers/sandbox.js';

const run = promisify(execFile);

/**
 * The directory's OCSP responder (RFC 6960) driven by openssl alone: the URL
 * comes from the certificate's Authority Information Access, openssl builds
 * the request with a nonce, sends it over HTTPS and verifies the signed
 * answer against the CA bundle — good, then revoked once the certificate is
 * revoked, with no wait.
 */
let dir: RunningDirectory;
let work: string;
let agent: Agent;
let orgId = '';
let token = '';
let kid = '';
const leaf = () => join(work, 'leaf.pem');

/** openssl ocsp with the server checked against the CA bundle; runs async (the server is in this process). */
async function ocsp(extra: string[] = []): Promise<string> {
  const url = execFileSync('openssl', ['x509', '-in', leaf(), '-noout', '-ocsp_uri'], {
    encoding: 'utf8',
  }).trim();
  const { stdout, stderr } = await run(
    'openssl',
    ['ocsp', '-issuer', dir.ca.issuing, '-cert', leaf(), '-url', url, '-CAfile', dir.ca.bundle, ...extra],
    { encoding: 'utf8', env: { ...process.env, SSL_CERT_FILE: dir.ca.bundle } },
  );
  return `${stdout}${stderr}`;
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'obmock-ocsp-'));
  dir = await startDirectory({ dataDir: join(work, 'data'), port: 0, logLevel: 'silent' });
  agent = new Agent({ connect: { ca: readFileSync(dir.ca.bundle, 'utf8') } });
  const org = await call(agent, 'POST', `${dir.url}/admin/organisations`, {
    headers: { authorization: `Bearer ${dir.adminToken}`, 'content-type': 'application/json' },
    body: JSON.stringify({ OrganisationName: 'OCSP TPP', OrganisationType: 'tpp', Roles: ['AISP'] }),
  });
  ({ OrganisationId: orgId, AccessToken: token } = org.json() as {
    OrganisationId: string;
    AccessToken: string;
  });
  const csr = join(work, 'wac.csr');
  opensslKeyAndCsr({
    csr,
    key: join(work, 'wac.key'),
    subject: `/C=GB/O=OCSP TPP Ltd/organizationIdentifier=PSDGB-OB-Unknown${orgId}/CN=${orgId}`,
  });
  const res = await call(agent, 'POST', `${dir.url}/v2.1/organisation/${orgId}/certificate/obwac`, {
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/x-pem-file' },
    body: readFileSync(csr, 'utf8'),
  });
  expect(res.status, res.text).toBe(201);
  kid = String(res.json().kid);
  const pem = await call(agent, 'GET', `${dir.url}/keystore/${orgId}/${kid}.pem`);
  writeFileSync(leaf(), pem.text);
});
afterAll(async () => {
  await agent?.close();
  await dir?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('OCSP responder with openssl', () => {
  it('names the responder in the Authority Information Access', () => {
    const url = execFileSync('openssl', ['x509', '-in', leaf(), '-noout', '-ocsp_uri'], { encoding: 'utf8' });
    expect(url.trim()).toBe(`${dir.url}/ocsp`);
  });

  it('answers good, with the nonce echoed', async () => {
    const out = await ocsp();
    expect(out).toContain('Response verify OK');
    expect(out).toContain(`${leaf()}: good`);
    expect(out).not.toMatch(/nonce/i);
  });

  it('signs with a delegated OCSP signing certificate the issuing CA issued (RFC 6960 §4.2.2.2)', async () => {
    const out = await ocsp(['-resp_text']);
    expect(out).toContain('Response verify OK');
    // The responder is named by its own key, and its certificate travels in the response.
    expect(out).toMatch(/Responder Id: [0-9A-F]{40}/);
    expect(out).toMatch(/Subject: .*CN\s*=\s*obmock OCSP Responder/);
    expect(out).toMatch(/Issuer: .*CN\s*=\s*obmock Issuing CA/);
    expect(out).toMatch(/X509v3 Extended Key Usage:\s*\n\s*OCSP Signing/);
    expect(out).toContain('OCSP No Check');
    expect(out).toMatch(/Public Key Algorithm: rsaEncryption[\s\S]*Public-Key: \(2048 bit\)/);
    // Only the responder certificate: openssl finds it in the response, not in -CAfile.
    expect(out).not.toMatch(/Subject: .*obmock Root CA/);
  });

  it('answers revoked right after a revocation', async () => {
    const del = await call(agent, 'DELETE', `${dir.url}/v2.1/organisation/${orgId}/certificate/kid/${kid}`, {
      headers: { authorization: `Bearer ${token}` },
    });
    expect(del.status).toBeLessThan(300);
    const out = await ocsp();
    expect(out).toContain('Response verify OK');
    expect(out).toContain(`${leaf()}: revoked`);
    expect(out).toMatch(/Revocation Time: /);
  });

  it('answers unknown for a serial it never issued', async () => {
    const out = await ocsp(['-serial', '0x0123456789abcdef']);
    expect(out).toContain('Response verify OK');
    expect(out).toMatch(/0x0123456789ABCDEF: unknown|0x0123456789abcdef: unknown/i);
  });

  it('answers a malformed request with malformedRequest, and keeps answering', async () => {
    for (const body of [Buffer.alloc(0), Buffer.from('not der'), Buffer.from([0x30, 0x82, 0xff, 0xff])]) {
      const res = await request(`${dir.url}/ocsp`, {
        method: 'POST',
        dispatcher: agent,
        headers: { 'content-type': 'application/ocsp-request' },
        body,
      });
      expect(res.statusCode).toBe(200);
      expect(res.headers['content-type']).toBe('application/ocsp-response');
      expect(Buffer.from(await res.body.arrayBuffer()).toString('hex')).toBe('30030a0101');
    }
    const wrongType = await call(agent, 'POST', `${dir.url}/ocsp`, {
      headers: { 'content-type': 'text/plain' },
      body: 'x',
    });
    expect(wrongType.status).toBe(415);
    expect((await ocsp()).toString()).toContain('Response verify OK');
  });
});
