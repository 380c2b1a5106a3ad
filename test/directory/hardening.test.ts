import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCsr, type KeyPair, parseCrl } from '../../certs/index.js';
import {
  createDirectoryApp,
  directoryPaths,
  openDirectoryContext,
  resolveDirectoryConfig,
} from '../../directory/index.js';
import { directoryCollections } from '../../directory/repository.js';
import { silentLogger } from '../../lib/logger.js';
import { MemoryStore } from '../../lib/store/index.js';
import {
  createOrganisation,
  createSoftwareStatement,
  keyPool,
  legacyCsr,
  obwacCsr,
  type TestDirectory,
  testDirectory,
} from '../helpers/directory.js';

/** A directory served as https://directory.test (a shared sandbox, not loopback). */
let shared: TestDirectory;
/** A directory served as https://localhost (a single-machine sandbox). */
let loopback: TestDirectory;
let key: KeyPair;

async function loopbackDirectory(): Promise<TestDirectory> {
  const dataDir = mkdtempSync(join(tmpdir(), 'obmock-dir-'));
  const config = resolveDirectoryConfig({ dataDir, logLevel: 'silent' });
  const { ctx, adminToken } = await openDirectoryContext(config, {
    store: new MemoryStore(Object.keys(directoryCollections(4))),
    logger: silentLogger,
    baseUrl: 'https://localhost:8443',
  });
  return {
    app: createDirectoryApp(ctx),
    ctx,
    adminToken,
    dataDir,
    cleanup: () => rmSync(dataDir, { recursive: true, force: true }),
  };
}

beforeAll(async () => {
  [shared, loopback, key] = await Promise.all([testDirectory(), loopbackDirectory(), keyPool.take()]);
});
afterAll(() => {
  shared?.cleanup();
  loopback?.cleanup();
});

const upload = (d: TestDirectory, org: { id: string; token: string }, type: string, pem: string) =>
  request(d.app)
    .post(`/v2.1/organisation/${org.id}/certificate/${type}`)
    .set('Authorization', `Bearer ${org.token}`)
    .set('Content-Type', 'application/x-pem-file')
    .send(pem);

const qwacCsr = (k: KeyPair, oi: string, cn: string, sanDns: string[] = [], sanIps: string[] = []) =>
  createCsr({
    key: k,
    subject: [
      { name: 'C', value: 'GB' },
      { name: 'O', value: 'EU TPP GmbH' },
      { name: 'organizationIdentifier', value: oi },
      { name: 'CN', value: cn },
    ],
    sanDns,
    sanIps,
  });

describe('finding 5: certificate names the CA never issues to an organisation', () => {
  it.each([
    ['a wildcard', ['*.example.com'], []],
    ['a wildcard among others', ['tpp.example.com', '*.tpp.example.com'], []],
  ])('no wildcard, on any sandbox: %s', async (_name, dns, ips) => {
    for (const d of [shared, loopback]) {
      const org = await createOrganisation(d);
      const res = await upload(
        d,
        org,
        'obwac',
        createCsr({ key, subject: obwacSubject(org.id), sanDns: dns, sanIps: ips }),
      );
      expect(res.status, res.text).toBe(400);
      expect(res.body.error_description).toMatch(/is a wildcard; wildcard names are not issued$/);
    }
  });

  it.each([
    ['localhost', ['localhost'], []],
    ['LocalHost (case)', ['LocalHost'], []],
    ['a .localhost name', ['bank.localhost'], []],
    ['127.0.0.1', [], ['127.0.0.1']],
    ['::1', [], ['::1']],
    ["the directory's host name", ['directory.test'], []],
  ])("on a shared sandbox, a TPP gets no certificate for the sandbox's names: %s", async (_name, dns, ips) => {
    const org = await createOrganisation(shared);
    const res = await upload(
      shared,
      org,
      'obwac',
      createCsr({ key, subject: obwacSubject(org.id), sanDns: dns, sanIps: ips }),
    );
    expect(res.status, res.text).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    expect(res.body.error_description).toMatch(/is a name of this sandbox's directory or banks/);
  });

  it("a bank's host names, once in its certificate, are not issued to a TPP; the TPP's own names are", async () => {
    const bank = await createOrganisation(shared, { OrganisationType: 'aspsp', Roles: ['ASPSP'] });
    const bankCert = await upload(shared, bank, 'obwac', obwacCsr(key, bank.id, ['bank.test', 'localhost']));
    expect(bankCert.status, bankCert.text).toBe(201);
    const tpp = await createOrganisation(shared);
    const taken = await upload(shared, tpp, 'obwac', obwacCsr(key, tpp.id, ['bank.test']));
    expect(taken.status).toBe(400);
    expect(taken.body.error_description).toBe(
      "CSR names: 'bank.test' is a name of this sandbox's directory or banks and is not issued to organisations",
    );
    const own = await upload(shared, tpp, 'obwac', obwacCsr(key, tpp.id, ['tpp.example.com']));
    expect(own.status, own.text).toBe(201);
  });

  it("the sandbox's own TPP service (SandboxService, set by the admin) may take the sandbox's names", async () => {
    const service = await createOrganisation(shared, { SandboxService: true });
    const res = await upload(
      shared,
      service,
      'obwac',
      obwacCsr(key, service.id, ['localhost', 'directory.test']),
    );
    expect(res.status, res.text).toBe(201);
  });

  it('a QWAC whose subject CN is a sandbox name and that has no SAN is refused too', async () => {
    const oi = 'PSDUK-UKBXXX-87654321';
    const org = await createOrganisation(shared, { OrganisationIdentifier: oi, LegalName: 'EU TPP GmbH' });
    const res = await upload(shared, org, 'qwac', qwacCsr(key, oi, 'localhost'));
    expect(res.status, res.text).toBe(400);
    const ok = await upload(shared, org, 'qwac', qwacCsr(key, oi, 'tpp.example.eu', ['tpp.example.eu']));
    expect(ok.status, ok.text).toBe(201);
  });

  it('on a loopback-only sandbox a TPP can still get localhost (it hosts its eIDAS JWKS on this machine)', async () => {
    const org = await createOrganisation(loopback);
    const res = await upload(loopback, org, 'obwac', obwacCsr(key, org.id, ['localhost']));
    expect(res.status, res.text).toBe(201);
  });
});

function obwacSubject(orgId: string) {
  return [
    { name: 'C', value: 'GB' },
    { name: 'O', value: 'Acme Ltd' },
    { name: 'organizationIdentifier', value: `PSDGB-OB-Unknown${orgId}` },
    { name: 'CN', value: orgId },
  ];
}

describe('finding 7: a limit on active certificates per software statement', () => {
  it('issues up to the limit, then 409; revoking one makes room; the keystore JWKS stays far below 256 KiB', async () => {
    const org = await createOrganisation(shared);
    const ss = await createSoftwareStatement(shared, org);
    const max = shared.ctx.config.maxActiveCertificatesPerSoftware;
    expect(max).toBe(20);
    const path = `/v2.1/organisation/${org.id}/software-statement/${ss.Id}/certificate/obtransport`;
    const send = () =>
      request(shared.app)
        .post(path)
        .set('Authorization', `Bearer ${org.token}`)
        .set('Content-Type', 'application/x-pem-file')
        .send(legacyCsr(key, org.id, ss.Id));
    const kids: string[] = [];
    // Concurrent uploads cannot overshoot the limit.
    const first = await Promise.all(Array.from({ length: max + 3 }, send));
    for (const r of first) if (r.status === 201) kids.push(r.body.kid);
    expect(kids).toHaveLength(max);
    const refused = first.filter((r) => r.status !== 201);
    expect(refused).toHaveLength(3);
    for (const r of refused) {
      expect(r.status).toBe(409);
      expect(r.body).toEqual({
        error: 'too_many_certificates',
        error_description: `software statement ${ss.Id} has reached its limit of ${max} active certificates; revoke one first`,
      });
    }
    const jwks = await request(shared.app).get(`/keystore/${org.id}/${ss.Id}.jwks`);
    expect(jwks.status).toBe(200);
    expect(jwks.body.keys).toHaveLength(max);
    expect(Buffer.byteLength(jwks.text)).toBeLessThan(128 * 1024);
    const revoke = await request(shared.app)
      .delete(`/v2.1/organisation/${org.id}/certificate/kid/${kids[0]}`)
      .set('Authorization', `Bearer ${org.token}`);
    expect(revoke.status).toBe(204);
    expect((await send()).status).toBe(201);
    expect((await send()).status).toBe(409);
  });

  it('associating an organisation certificate counts against the same limit', async () => {
    const org = await createOrganisation(shared);
    const ss = await createSoftwareStatement(shared, org);
    shared.ctx.config.maxActiveCertificatesPerSoftware = 1;
    try {
      const own = await request(shared.app)
        .post(`/v2.1/organisation/${org.id}/software-statement/${ss.Id}/certificate/obtransport`)
        .set('Authorization', `Bearer ${org.token}`)
        .set('Content-Type', 'application/x-pem-file')
        .send(legacyCsr(key, org.id, ss.Id));
      expect(own.status, own.text).toBe(201);
      const wac = await upload(shared, org, 'obwac', obwacCsr(key, org.id, ['tpp.example.com']));
      expect(wac.status, wac.text).toBe(201);
      const assoc = await request(shared.app)
        .put(`/v2.1/organisation/${org.id}/software-statement/${ss.Id}/certificate/obwac/${wac.body.kid}`)
        .set('Authorization', `Bearer ${org.token}`)
        .send({ associate: true });
      expect(assoc.status).toBe(409);
      expect(assoc.body.error).toBe('too_many_certificates');
    } finally {
      shared.ctx.config.maxActiveCertificatesPerSoftware = 20;
    }
  });
});

describe('finding 8: CRL files', () => {
  it('after concurrent revocations the files on disk hold the CRL being served (same number), and parse', async () => {
    const org = await createOrganisation(shared);
    const ss = await createSoftwareStatement(shared, org);
    const kids: string[] = [];
    for (let i = 0; i < 6; i++) {
      const r = await request(shared.app)
        .post(`/v2.1/organisation/${org.id}/software-statement/${ss.Id}/certificate/obtransport`)
        .set('Authorization', `Bearer ${org.token}`)
        .set('Content-Type', 'application/x-pem-file')
        .send(legacyCsr(key, org.id, ss.Id));
      kids.push(r.body.kid);
    }
    const revoked = await Promise.all(
      kids.map((kid) =>
        request(shared.app)
          .delete(`/v2.1/organisation/${org.id}/certificate/kid/${kid}`)
          .set('Authorization', `Bearer ${org.token}`),
      ),
    );
    for (const r of revoked) expect(r.status).toBe(204);
    const served = parseCrl(shared.ctx.crl.der);
    const caDir = directoryPaths(shared.dataDir).ca;
    const der = parseCrl(readFileSync(join(caDir, 'issuing.crl')));
    const pem = parseCrl(readFileSync(join(caDir, 'issuing.crl.pem'), 'utf8'));
    expect(der.crlNumber).toBe(served.crlNumber);
    expect(pem.crlNumber).toBe(served.crlNumber);
    expect(der.revoked.length).toBeGreaterThanOrEqual(6);
  });
});

describe('finding 10: redirect URIs the directory refuses to sign into an SSA', () => {
  it.each([
    ['CRLF', 'https://a.example.com/cb\r\nSet-Cookie: x=y'],
    ['U+2028', 'https://a.example.com/cb\u2028x'],
    ['U+2029', 'https://a.example.com/cb\u2029x'],
    ['a no-break space', 'https://a.example.com/c\u00a0b'],
    ['a tab', 'https://a.example.com/c\tb'],
    ['DEL', 'https://a.example.com/cb\u007f'],
    ['userinfo', 'https://user:pw@a.example.com/cb'],
    ['userinfo, user only', 'https://attacker@a.example.com/cb'],
    ['a fragment', 'https://a.example.com/cb#x'],
    ['an empty fragment', 'https://a.example.com/cb#'],
    ['not absolute', '/cb'],
  ])('%s: 400 on create and on update, nothing stored', async (_name, uri) => {
    const org = await createOrganisation(shared);
    const created = await request(shared.app)
      .post(`/v2.1/organisation/${org.id}/software-statement`)
      .set('Authorization', `Bearer ${org.token}`)
      .send({ ClientName: 'app', RedirectUri: ['https://ok.example.com/cb', uri] });
    expect(created.status, created.text).toBe(400);
    expect(created.body.error).toBe('invalid_request');
    expect(created.body.error_description).toMatch(/^RedirectUri\[1\] must /);
    expect(shared.ctx.repo.softwareStatementsOf(org.id)).toHaveLength(0);
    const ss = await createSoftwareStatement(shared, org);
    const updated = await request(shared.app)
      .put(`/v2.1/organisation/${org.id}/software-statement/${ss.Id}`)
      .set('Authorization', `Bearer ${org.token}`)
      .send({ ...ss, RedirectUri: [uri] });
    expect(updated.status, updated.text).toBe(400);
    expect(shared.ctx.repo.softwareStatement(ss.Id)?.RedirectUri).toEqual(['https://acme.example.com/cb']);
  });
});
