import request from 'supertest';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import type { KeyPair } from '../../certs/index.js';
import { DIRECTORY_DEFAULTS, resolveDirectoryConfig } from '../../directory/index.js';
import {
  bearer,
  createOrganisation,
  createSoftwareStatement,
  keyPool,
  legacyCsr,
  obwacCsr,
  useTestDirectory,
} from '../helpers/directory.js';

/**
 * What one organisation may make through the API (directory/organisation-limits.ts,
 * docs/directory.md): a TPP creating software statements, uploading CSRs or adding authorisation
 * servers in a loop is refused with 409 past its limit, and nothing more is stored. The limits
 * are lowered here so that the test reaches them.
 */
const d = useTestDirectory();
let key: KeyPair;
beforeAll(async () => {
  key = await keyPool.take();
  Object.assign(d.ctx.config, {
    maxSoftwareStatementsPerOrganisation: 2,
    maxCertificatesPerOrganisation: 3,
    maxAuthorisationServersPerOrganisation: 1,
  });
});

describe('the defaults and their check', () => {
  it('1,000 software statements, 10,000 certificates and 100 authorisation servers per organisation', () => {
    expect(DIRECTORY_DEFAULTS).toMatchObject({
      maxSoftwareStatementsPerOrganisation: 1_000,
      maxCertificatesPerOrganisation: 10_000,
      maxAuthorisationServersPerOrganisation: 100,
    });
  });

  it.each([
    ['maxSoftwareStatementsPerOrganisation', 0],
    ['maxCertificatesPerOrganisation', 2.5],
    ['maxAuthorisationServersPerOrganisation', 1_000_001],
  ])('%s = %s is refused at start-up', (field, value) => {
    expect(() => resolveDirectoryConfig({ [field]: value })).toThrow(`directory config '${field}'`);
  });
});

describe('software statements per organisation', () => {
  it('the third is refused (409 too_many_software_statements) and not stored; another organisation is unaffected', async () => {
    const org = await createOrganisation(d);
    await createSoftwareStatement(d, org);
    await createSoftwareStatement(d, org);
    const third = await request(d.app)
      .post(`/v2.1/organisation/${org.id}/software-statement`)
      .set(bearer(org.token))
      .send({ ClientName: 'One too many', RedirectUri: ['https://acme.example.com/cb'] });
    expect(third.status).toBe(409);
    expect(third.body).toEqual({
      error: 'too_many_software_statements',
      error_description: `organisation ${org.id} has reached its limit of 2 software statements`,
    });
    const list = await request(d.app)
      .get(`/v2.1/organisation/${org.id}/software-statement`)
      .set(bearer(org.token));
    expect(list.status).toBe(200);
    expect(list.body).toHaveLength(2);
    await createSoftwareStatement(d, await createOrganisation(d));
  });
});

describe('certificates per organisation', () => {
  it('revoked certificates count (the CRL keeps them): upload, revoke, upload… stops at the limit, concurrent uploads included', async () => {
    const org = await createOrganisation(d);
    const ss = await createSoftwareStatement(d, org);
    const upload = () =>
      request(d.app)
        .post(`/v2.1/organisation/${org.id}/software-statement/${ss.Id}/certificate/obtransport`)
        .set(bearer(org.token))
        .set('Content-Type', 'application/x-pem-file')
        .send(legacyCsr(key, org.id, ss.Id));
    const first = await upload();
    expect(first.status, first.text).toBe(201);
    const revoke = await request(d.app)
      .delete(`/v2.1/organisation/${org.id}/certificate/kid/${first.body.kid}`)
      .set(bearer(org.token));
    expect(revoke.status).toBe(204);
    // two places left: four at once get two
    const burst = await Promise.all([upload(), upload(), upload(), upload()]);
    expect(burst.map((r) => r.status).sort()).toEqual([201, 201, 409, 409]);
    for (const r of burst.filter((b) => b.status === 409))
      expect(r.body).toEqual({
        error: 'too_many_organisation_certificates',
        error_description: `organisation ${org.id} has reached its limit of 3 certificates (revoked ones included)`,
      });
    expect(d.ctx.repo.certificatesOfOrganisation(org.id)).toHaveLength(3);
    // an organisation certificate counts the same
    const wac = await request(d.app)
      .post(`/v2.1/organisation/${org.id}/certificate/obwac`)
      .set(bearer(org.token))
      .set('Content-Type', 'application/x-pem-file')
      .send(obwacCsr(key, org.id, ['tpp.example.com']));
    expect(wac.status).toBe(409);
    expect(wac.body.error).toBe('too_many_organisation_certificates');
  });
});

describe('revoked certificates kept for the CRL', () => {
  it('are not read by the upload check, the software statement view or the JWKS: only the active ones are', async () => {
    const limits = { ...d.ctx.config };
    d.ctx.config.maxCertificatesPerOrganisation = 100;
    try {
      const org = await createOrganisation(d);
      const ss = await createSoftwareStatement(d, org);
      const upload = () =>
        request(d.app)
          .post(`/v2.1/organisation/${org.id}/software-statement/${ss.Id}/certificate/obtransport`)
          .set(bearer(org.token))
          .set('Content-Type', 'application/x-pem-file')
          .send(legacyCsr(key, org.id, ss.Id));
      // upload, revoke, upload…: 12 revoked certificates, then one active
      for (let i = 0; i < 12; i++) {
        const up = await upload();
        expect(up.status, up.text).toBe(201);
        const revoke = await request(d.app)
          .delete(`/v2.1/organisation/${org.id}/certificate/kid/${up.body.kid}`)
          .set(bearer(org.token));
        expect(revoke.status).toBe(204);
      }
      const active = await upload();
      expect(active.status, active.text).toBe(201);
      const reads = vi.spyOn(d.ctx.repo, 'certificate');
      try {
        const jwks = await request(d.app).get(`/keystore/${org.id}/${ss.Id}.jwks`);
        expect(jwks.status).toBe(200);
        expect(jwks.body.keys.map((k: { kid: string }) => k.kid)).toEqual([active.body.kid]);
        const view = await request(d.app)
          .get(`/v2.1/organisation/${org.id}/software-statement/${ss.Id}`)
          .set(bearer(org.token));
        expect(view.status).toBe(200);
        expect(view.body.TransportKeyIds).toEqual([active.body.kid]);
        expect((await upload()).status).toBe(201);
        // one read of the active certificate per call, none of the 12 revoked ones
        expect(reads.mock.calls.length).toBeLessThanOrEqual(6);
      } finally {
        reads.mockRestore();
      }
    } finally {
      Object.assign(d.ctx.config, limits);
    }
  });
});

describe('authorisation servers per organisation', () => {
  it('the second is refused (409 too_many_authorisation_servers); deleting one makes room', async () => {
    const bank = await createOrganisation(d, {
      OrganisationName: 'Bank',
      OrganisationType: 'aspsp',
      Roles: ['ASPSP'],
    });
    const add = () =>
      request(d.app)
        .post(`/v2.1/organisation/${bank.id}/authorisation-server`)
        .set(bearer(bank.token))
        .set('Content-Type', 'application/vnd.openbanking.directory.authorisationserver-v2+json')
        .send(
          JSON.stringify({
            OpenIDConfigEndPointUri: 'https://bank.example/.well-known/openid-configuration',
          }),
        );
    const created = await add();
    expect(created.status, created.text).toBe(201);
    const second = await add();
    expect(second.status).toBe(409);
    expect(second.body).toEqual({
      error: 'too_many_authorisation_servers',
      error_description: `organisation ${bank.id} has reached its limit of 1 authorisation servers`,
    });
    const del = await request(d.app)
      .delete(`/v2.1/organisation/${bank.id}/authorisation-server/${created.body.Id}`)
      .set(bearer(bank.token));
    expect(del.status).toBeLessThan(300);
    expect((await add()).status).toBe(201);
  });
});
