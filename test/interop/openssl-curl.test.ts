import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningDirectory, startDirectory } from '../../directory/index.js';
import { legacyOpensslSubject, openssl, opensslKeyAndCsr } from '../helpers/openssl.js';

const run = promisify(execFile);

/**
 * The server runs in this process, so external tools run asynchronously
 * (a synchronous child would block the event loop the server needs).
 * The directory driven only by real external tools: curl for HTTPS (verifying
 * the server against the CA bundle), openssl for keys, CSRs, chain and CRL checks.
 */
let dir: RunningDirectory;
let work: string;

async function curl(args: string[]): Promise<{ status: number; body: string }> {
  const { stdout: out } = await run(
    'curl',
    ['-sS', '--cacert', dir.ca.bundle, '-w', '\n%{http_code}', ...args],
    {
      encoding: 'utf8',
    },
  );
  const i = out.lastIndexOf('\n');
  return { status: Number(out.slice(i + 1)), body: out.slice(0, i) };
}

const stripZeros = (hex: string) => hex.replace(/^0+/, '').toUpperCase();

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'obmock-interop-'));
  dir = await startDirectory({ dataDir: join(work, 'data'), port: 0, logLevel: 'silent' });
});
afterAll(async () => {
  await dir.close();
  rmSync(work, { recursive: true, force: true });
});

describe('directory with curl and openssl', () => {
  let orgId = '';
  let token = '';
  let softwareId = '';
  let kid = '';
  let serial = '';

  it('onboards with curl: organisation, software statement', async () => {
    const org = await curl([
      '-X',
      'POST',
      `${dir.url}/admin/organisations`,
      '-H',
      `Authorization: Bearer ${dir.adminToken}`,
      '-H',
      'Content-Type: application/json',
      '--data',
      JSON.stringify({ OrganisationName: 'Curl TPP', OrganisationType: 'tpp', Roles: ['AISP'] }),
    ]);
    expect(org.status).toBe(201);
    ({ OrganisationId: orgId, AccessToken: token } = JSON.parse(org.body));
    const ss = await curl([
      '-X',
      'POST',
      `${dir.url}/v2.1/organisation/${orgId}/software-statement`,
      '-H',
      `Authorization: Bearer ${token}`,
      '-H',
      'Content-Type: application/vnd.openbanking.directory.softwarestatement-v2+json',
      '--data',
      JSON.stringify({ ClientName: 'Curl app', RedirectUri: ['https://curl.example/cb'] }),
    ]);
    expect(ss.status).toBe(201);
    softwareId = JSON.parse(ss.body).Id;
    expect(softwareId).toMatch(/^[0-9A-Za-z]{22}$/);
  });

  it("accepts a CSR made by OB's documented openssl command and the chain passes openssl verify", async () => {
    const csr = join(work, 'transport.csr');
    const key = join(work, 'transport.key');
    opensslKeyAndCsr({ csr, key, subject: legacyOpensslSubject(orgId, softwareId) });
    const res = await curl([
      '-X',
      'POST',
      `${dir.url}/v2.1/organisation/${orgId}/software-statement/${softwareId}/certificate/obtransport`,
      '-H',
      `Authorization: Bearer ${token}`,
      '-H',
      'Content-Type: application/x-pem-file',
      '--data-binary',
      `@${csr}`,
    ]);
    expect(res.status).toBe(201);
    const jwk = JSON.parse(res.body);
    kid = jwk.kid;
    serial = jwk.serialNumber;
    const pem = await curl([`${dir.url}/keystore/${orgId}/${kid}.pem`]);
    expect(pem.status).toBe(200);
    const leaf = join(work, 'transport.pem');
    writeFileSync(leaf, pem.body);
    const subject = openssl(['x509', '-in', leaf, '-noout', '-subject', '-nameopt', 'RFC2253']);
    expect(subject.trim()).toBe(`subject=CN=${softwareId},OU=${orgId},O=OpenBanking,C=GB`);
    const verified = openssl(['verify', '-CAfile', dir.ca.root, '-untrusted', dir.ca.issuing, leaf]);
    expect(verified.trim()).toBe(`${leaf}: OK`);
    // the issued certificate holds the key openssl generated
    const certKey = openssl(['x509', '-in', leaf, '-noout', '-pubkey']);
    const csrKey = openssl(['pkey', '-in', key, '-pubout']);
    expect(certKey).toBe(csrKey);
  });

  it('revokes with DELETE …/certificate/kid/{kid}; openssl reads the CRL and refuses the certificate', async () => {
    const del = await curl([
      '-X',
      'DELETE',
      `${dir.url}/v2.1/organisation/${orgId}/certificate/kid/${kid}`,
      '-H',
      `Authorization: Bearer ${token}`,
    ]);
    expect(del.status).toBe(204);
    const crlDer = join(work, 'issuing.crl');
    await run('curl', ['-sS', '--cacert', dir.ca.bundle, '-o', crlDer, `${dir.url}/ca/issuing.crl`]);
    const text = openssl(['crl', '-inform', 'DER', '-in', crlDer, '-noout', '-text']);
    const serials = [...text.matchAll(/Serial Number: ([0-9A-F]+)/g)].map((m) => stripZeros(m[1]));
    expect(serials).toContain(stripZeros(serial));
    const crlPem = join(work, 'issuing.crl.pem');
    writeFileSync(crlPem, openssl(['crl', '-inform', 'DER', '-in', crlDer]));
    const leaf = join(work, 'transport.pem');
    let failure = '';
    try {
      openssl([
        'verify',
        '-crl_check',
        '-CRLfile',
        crlPem,
        '-CAfile',
        dir.ca.root,
        '-untrusted',
        dir.ca.issuing,
        leaf,
      ]);
    } catch (err) {
      failure = String((err as { stdout?: string }).stdout) + String((err as { stderr?: string }).stderr);
    }
    expect(failure).toMatch(/certificate revoked/);
    const revokedJwks = await curl([`${dir.url}/keystore/${orgId}/revoked/${softwareId}.jwks`]);
    expect(JSON.parse(revokedJwks.body).keys.map((k: { kid: string }) => k.kid)).toEqual([kid]);
  });

  it('serves a CA bundle that openssl reads as root and issuing CA', async () => {
    const bundle = readFileSync(dir.ca.bundle, 'utf8');
    expect(bundle.match(/BEGIN CERTIFICATE/g)).toHaveLength(2);
    const root = openssl([
      'x509',
      '-in',
      dir.ca.root,
      '-noout',
      '-subject',
      '-issuer',
      '-nameopt',
      'RFC2253',
    ]);
    const [subject, issuer] = root.trim().split('\n');
    expect(subject.replace('subject=', '')).toBe(issuer.replace('issuer=', ''));
    const served = await curl([`${dir.url}/ca/bundle.pem`]);
    expect(served.body).toBe(bundle);
  });
});
