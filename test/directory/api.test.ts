import { X509Certificate } from 'node:crypto';
import { createLocalJWKSet, decodeProtectedHeader, jwtVerify } from 'jose';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { parseCertificate, parseCrl, verifyCertificate } from '../../certs/index.js';
import {
  BASE_URL,
  bearer,
  createOrganisation,
  createSoftwareStatement,
  keyPool,
  legacyCsr,
  obwacCsr,
  useTestDirectory,
} from '../helpers/directory.js';

const d = useTestDirectory();

describe('admin API', () => {
  it('creates an organisation with an 18-char base62 id and a bearer credential', async () => {
    const res = await request(d.app)
      .post('/admin/organisations')
      .set(bearer(d.adminToken))
      .send({
        OrganisationName: 'Acme',
        OrganisationType: 'tpp',
        Roles: ['AISP'],
        LegalName: 'Acme Ltd',
        Contacts: [{ Name: 'Ann', Email: 'ann@acme.example', Phone: '+44 20 7946 0000', Type: 'Technical' }],
      });
    expect(res.status).toBe(201);
    expect(res.body.OrganisationId).toMatch(/^[0-9A-Za-z]{18}$/);
    expect(res.body.AccessToken).toMatch(/^[A-Za-z0-9_-]{43}$/);
    expect(res.body).toMatchObject({
      OrganisationName: 'Acme',
      OrganisationType: 'tpp',
      Roles: ['AISP'],
      LegalName: 'Acme Ltd',
      Status: 'Active',
      OrganisationIdentifier: `PSDGB-OB-Unknown${res.body.OrganisationId}`,
    });
    const list = await request(d.app).get('/admin/organisations').set(bearer(d.adminToken));
    expect(list.status).toBe(200);
    const listed = list.body.find(
      (o: { OrganisationId: string }) => o.OrganisationId === res.body.OrganisationId,
    );
    expect(listed.OrganisationName).toBe('Acme');
    expect(listed.AccessToken).toBeUndefined();
  });

  it('refuses an organisation token on the admin API (403) and no token (401)', async () => {
    const org = await createOrganisation(d);
    const forbidden = await request(d.app).get('/admin/organisations').set(bearer(org.token));
    expect(forbidden.status).toBe(403);
    expect(forbidden.body).toEqual({
      error: 'access_denied',
      error_description: 'the admin token is required',
    });
    const none = await request(d.app).get('/admin/organisations');
    expect(none.status).toBe(401);
    expect(none.body).toEqual({ error: 'invalid_token', error_description: 'a bearer token is required' });
    expect(none.headers['www-authenticate']).toBe('Bearer error="invalid_token"');
  });

  it('suspends (Withdrawn, read-only), reinstates and revokes an organisation', async () => {
    const org = await createOrganisation(d);
    const ss = await createSoftwareStatement(d, org);
    const suspended = await request(d.app)
      .post(`/admin/organisations/${org.id}/suspend`)
      .set(bearer(d.adminToken));
    expect(suspended.status).toBe(200);
    expect(suspended.body.Status).toBe('Withdrawn');
    const write = await request(d.app)
      .post(`/v2.1/organisation/${org.id}/software-statement`)
      .set(bearer(org.token))
      .send({ ClientName: 'x', RedirectUri: ['https://x.example/cb'] });
    expect(write.status).toBe(403);
    expect(write.body.error_description).toBe(
      `organisation ${org.id} is Withdrawn; only Active organisations can make changes`,
    );
    const ssa = await request(d.app)
      .get(`/v2.1/organisation/${org.id}/software-statement/${ss.Id}/software-statement-assertion`)
      .set(bearer(org.token));
    expect(ssa.status).toBe(200);
    const claims = JSON.parse(Buffer.from(ssa.text.split('.')[1], 'base64url').toString());
    expect(claims.org_status).toBe('Withdrawn');
    const reinstated = await request(d.app)
      .post(`/admin/organisations/${org.id}/reinstate`)
      .set(bearer(d.adminToken));
    expect(reinstated.body.Status).toBe('Active');

    const key = await keyPool.take();
    const cert = await request(d.app)
      .post(`/v2.1/organisation/${org.id}/software-statement/${ss.Id}/certificate/obtransport`)
      .set(bearer(org.token))
      .type('application/x-pem-file')
      .send(legacyCsr(key, org.id, ss.Id));
    expect(cert.status).toBe(201);
    const revoked = await request(d.app)
      .post(`/admin/organisations/${org.id}/revoke`)
      .set(bearer(d.adminToken));
    expect(revoked.body.Status).toBe('Revoked');
    const after = await request(d.app)
      .get(`/v2.1/organisation/${org.id}/certificate/kid/${cert.body.kid}`)
      .set(bearer(org.token));
    expect(after.body.status).toBe('Revoked');
    expect(parseCrl(d.ctx.crl.der).serials).toContain(cert.body.serialNumber);
    const again = await request(d.app)
      .post(`/admin/organisations/${org.id}/reinstate`)
      .set(bearer(d.adminToken));
    expect(again.status).toBe(400);
    expect(again.body.error_description).toBe('cannot reinstate an organisation that is Revoked');
  });

  it('rotates an organisation token: the old one stops working', async () => {
    const org = await createOrganisation(d);
    const rotated = await request(d.app)
      .post(`/admin/organisations/${org.id}/token`)
      .set(bearer(d.adminToken));
    expect(rotated.status).toBe(200);
    expect((await request(d.app).get(`/v2.1/organisation/${org.id}`).set(bearer(org.token))).status).toBe(
      401,
    );
    expect(
      (await request(d.app).get(`/v2.1/organisation/${org.id}`).set(bearer(rotated.body.AccessToken))).status,
    ).toBe(200);
  });
});

describe('organisations and software statements (v2.1)', () => {
  it('returns the organisation as a SCIM resource with OB extensions', async () => {
    const org = await createOrganisation(d, { LegalName: 'Acme Ltd' });
    const res = await request(d.app).get(`/v2.1/organisation/${org.id}`).set(bearer(org.token));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/scim\+json/);
    expect(res.headers['ob-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    expect(res.body.id).toBe(org.id);
    expect(res.body['urn:openbanking:organisation:1.0']).toMatchObject({
      OBOrganisationId: org.id,
      OrganisationCommonName: 'Acme TPP',
      status: 'Active',
    });
    expect(res.body['urn:openbanking:competentauthorityclaims:1.0']).toMatchObject({
      AuthorityId: 'OBGBR',
      RegistrationId: `Unknown${org.id}`,
    });
  });

  it('creates, lists, gets and updates a software statement (vendor media type and application/json)', async () => {
    const org = await createOrganisation(d);
    const created = await request(d.app)
      .post(`/v2.1/organisation/${org.id}/software-statement`)
      .set(bearer(org.token))
      .set('Content-Type', 'application/vnd.openbanking.directory.softwarestatement-v2+json')
      .send(
        JSON.stringify({
          ClientName: 'Acme app',
          Description: 'reads accounts',
          RedirectUri: ['https://acme.example.com/cb'],
          Roles: ['AISP'],
          Version: '1.5',
          ClientUri: 'https://acme.example.com',
        }),
      );
    expect(created.status).toBe(201);
    expect(created.headers['content-type']).toMatch(
      /^application\/vnd\.openbanking\.directory\.softwarestatement-v2\+json/,
    );
    expect(created.body.Id).toMatch(/^[0-9A-Za-z]{22}$/);
    expect(created.body.ClientId).toMatch(/^[0-9A-Za-z]{22}$/);
    expect(created.body).toMatchObject({
      Active: true,
      ClientName: 'Acme app',
      Description: 'reads accounts',
      RedirectUri: ['https://acme.example.com/cb'],
      Roles: ['AISP'],
      Version: '1.5',
      Mode: 'Live',
      ObClientCreated: false,
      SigningKeyIds: [],
      TransportKeyIds: [],
    });
    const list = await request(d.app)
      .get(`/v2.1/organisation/${org.id}/software-statement`)
      .set(bearer(org.token));
    expect(list.status).toBe(200);
    expect(list.body.map((s: { Id: string }) => s.Id)).toEqual([created.body.Id]);
    const updated = await request(d.app)
      .put(`/v2.1/organisation/${org.id}/software-statement/${created.body.Id}`)
      .set(bearer(org.token))
      .send({ RedirectUri: ['https://acme.example.com/cb', 'https://acme.example.com/cb2'] });
    expect(updated.status).toBe(200);
    expect(updated.body.RedirectUri).toEqual(['https://acme.example.com/cb', 'https://acme.example.com/cb2']);
    const deactivated = await request(d.app)
      .put(`/v2.1/organisation/${org.id}/software-statement/${created.body.Id}`)
      .set(bearer(org.token))
      .send({ Active: false });
    expect(deactivated.body.Active).toBe(false);
    const ssa = await request(d.app)
      .get(`/v2.1/organisation/${org.id}/software-statement/${created.body.Id}/software-statement-assertion`)
      .set(bearer(org.token));
    expect(ssa.status).toBe(400);
    expect(ssa.body.error_description).toBe(`software statement ${created.body.Id} is not active`);
  });

  it('refuses roles the organisation does not hold', async () => {
    const org = await createOrganisation(d, { Roles: ['AISP'] });
    const res = await request(d.app)
      .post(`/v2.1/organisation/${org.id}/software-statement`)
      .set(bearer(org.token))
      .send({ ClientName: 'x', RedirectUri: ['https://x.example/cb'], Roles: ['PISP'] });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({
      error: 'invalid_request',
      error_description: `Roles: PISP not held by organisation ${org.id} (AISP)`,
    });
  });

  it('keeps organisations apart: 403 on another organisation, 404 on unknown ids', async () => {
    const a = await createOrganisation(d);
    const b = await createOrganisation(d);
    const ssA = await createSoftwareStatement(d, a);
    const other = await request(d.app)
      .get(`/v2.1/organisation/${a.id}/software-statement/${ssA.Id}`)
      .set(bearer(b.token));
    expect(other.status).toBe(403);
    expect(other.body.error).toBe('access_denied');
    const viaOwnPath = await request(d.app)
      .get(`/v2.1/organisation/${b.id}/software-statement/${ssA.Id}`)
      .set(bearer(b.token));
    expect(viaOwnPath.status).toBe(404);
    const unknown = await request(d.app)
      .get(`/v2.1/organisation/${a.id}/software-statement/AAAAAAAAAAAAAAAAAAAAAA`)
      .set(bearer(a.token));
    expect(unknown.status).toBe(404);
    expect(unknown.body).toEqual({
      error: 'not_found',
      error_description: `software statement AAAAAAAAAAAAAAAAAAAAAA not found in organisation ${a.id}`,
    });
  });
});

describe('certificates, keystore, SSA and CRL', () => {
  it('issues an OB transport certificate from a CSR and publishes it in the software JWKS', async () => {
    const org = await createOrganisation(d);
    const ss = await createSoftwareStatement(d, org);
    const key = await keyPool.take();
    const res = await request(d.app)
      .post(`/v2.1/organisation/${org.id}/software-statement/${ss.Id}/certificate/obtransport`)
      .set(bearer(org.token))
      .type('application/x-pem-file')
      .send(legacyCsr(key, org.id, ss.Id));
    expect(res.status).toBe(201);
    expect(res.headers['content-type']).toMatch(/^application\/jwk\+json/);
    expect(res.body).toMatchObject({
      obOrganisationId: org.id,
      Associations: [ss.Id],
      status: 'Active',
      keyType: 'obtransport',
      kty: 'RSA',
      use: 'tls',
      e: 'AQAB',
      x5u: `${BASE_URL}/keystore/${org.id}/${res.body.kid}.pem`,
    });
    expect(res.body.kid).toBe(res.body.x5t);
    const cert = new X509Certificate(Buffer.from(res.body.x5c[0], 'base64'));
    expect(cert.subject).toBe(`C=GB\nO=OpenBanking\nOU=${org.id}\nCN=${ss.Id}`);
    expect(cert.fingerprint256.replace(/:/g, '')).toBe(
      Buffer.from(res.body['x5t#S256'], 'base64url').toString('hex').toUpperCase(),
    );
    expect(new Date(res.body.expiryDateTime).getTime()).toBe(new Date(cert.validTo).getTime());
    expect(verifyCertificate(cert.raw, { ca: d.ctx.ca, crlDer: d.ctx.crl.der }).ok).toBe(true);

    const jwks = await request(d.app).get(`/keystore/${org.id}/${ss.Id}.jwks`);
    expect(jwks.status).toBe(200);
    expect(jwks.body.keys.map((k: { kid: string }) => k.kid)).toEqual([res.body.kid]);
    expect(jwks.body.keys[0].d).toBeUndefined();
    const pem = await request(d.app).get(`/keystore/${org.id}/${res.body.kid}.pem`);
    expect(pem.status).toBe(200);
    expect(pem.text).toContain('-----BEGIN CERTIFICATE-----');
    const ssView = await request(d.app)
      .get(`/v2.1/organisation/${org.id}/software-statement/${ss.Id}`)
      .set(bearer(org.token));
    expect(ssView.body.TransportKeyIds).toEqual([res.body.kid]);
  });

  it('issues an OBWAC with the CSR subjectAltNames and qcStatement roles', async () => {
    const org = await createOrganisation(d, { LegalName: 'Acme Ltd', Roles: ['AISP', 'PISP'] });
    const key = await keyPool.take();
    const res = await request(d.app)
      .post(`/v2.1/organisation/${org.id}/certificate/obwac`)
      .set(bearer(org.token))
      .type('application/x-pem-file')
      .send(obwacCsr(key, org.id, ['tpp.acme.example']));
    expect(res.status).toBe(201);
    const info = parseCertificate(Buffer.from(res.body.x5c[0], 'base64'));
    expect(info.sanDns).toEqual(['tpp.acme.example']);
    expect(info.qcType).toBe('web');
    expect(info.psd2Roles).toEqual(['PSP_PI', 'PSP_AI']);
    expect(info.subject.find((a) => a.name === 'organizationIdentifier')?.value).toBe(
      `PSDGB-OB-Unknown${org.id}`,
    );
    const orgJwks = await request(d.app).get(`/keystore/${org.id}/${org.id}.jwks`);
    expect(orgJwks.body.keys.map((k: { kid: string }) => k.kid)).toEqual([res.body.kid]);
  });

  it('rejects a CSR whose subject names another software statement, naming the field', async () => {
    const org = await createOrganisation(d);
    const ss = await createSoftwareStatement(d, org);
    const other = await createSoftwareStatement(d, org);
    const key = await keyPool.take();
    const res = await request(d.app)
      .post(`/v2.1/organisation/${org.id}/software-statement/${ss.Id}/certificate/obsigning`)
      .set(bearer(org.token))
      .type('application/x-pem-file')
      .send(legacyCsr(key, org.id, other.Id));
    expect(res.status).toBe(400);
    expect(res.body.error).toBe('invalid_request');
    expect(res.body.error_description).toMatch(/^CSR subject\.CN: /);
    expect(res.body.error_description).toContain(ss.Id);
  });

  it('signs SSAs with PS256 under the key in openbanking.jwks, with every OB claim', async () => {
    const org = await createOrganisation(d, {
      Contacts: [{ Name: 'Ann', Email: 'a@x.example', Phone: '+44 20 7946 0000', Type: 'Technical' }],
    });
    const ss = await createSoftwareStatement(d, org, { Roles: ['AISP'], Version: '1.5', Mode: 'Not Live' });
    const res = await request(d.app)
      .get(`/v2.1/organisation/${org.id}/software-statement/${ss.Id}/software-statement-assertion`)
      .set(bearer(org.token));
    expect(res.status).toBe(200);
    expect(res.headers['content-type']).toMatch(/^application\/jwt/);
    const header = decodeProtectedHeader(res.text);
    expect(header).toEqual({ alg: 'PS256', typ: 'JWT', kid: d.ctx.ssaKey.kid });
    const jwks = await request(d.app).get('/keystore/openbanking.jwks');
    expect(jwks.body.keys).toHaveLength(1);
    expect(jwks.body.keys[0]).toMatchObject({ kid: header.kid, use: 'sig', alg: 'PS256', kty: 'RSA' });
    expect(jwks.body.keys[0].d).toBeUndefined();
    const { payload } = await jwtVerify(res.text, createLocalJWKSet(jwks.body), {
      issuer: 'OpenBanking Ltd',
    });
    const ks = `${BASE_URL}/keystore/${org.id}`;
    expect(payload).toMatchObject({
      iss: 'OpenBanking Ltd',
      software_id: ss.Id,
      software_client_id: ss.ClientId,
      software_client_name: 'Acme app',
      software_version: 1.5,
      software_mode: 'Test',
      software_environment: 'sandbox',
      software_redirect_uris: ['https://acme.example.com/cb'],
      software_roles: ['AISP'],
      org_id: org.id,
      org_name: 'Acme TPP',
      org_status: 'Active',
      org_contacts: [{ name: 'Ann', email: 'a@x.example', phone: '+44 20 7946 0000', type: 'Technical' }],
      org_jwks_endpoint: `${ks}/${org.id}.jwks`,
      org_jwks_revoked_endpoint: `${ks}/revoked/${org.id}.jwks`,
      software_jwks_endpoint: `${ks}/${ss.Id}.jwks`,
      software_jwks_revoked_endpoint: `${ks}/revoked/${ss.Id}.jwks`,
      organisation_competent_authority_claims: {
        authority_id: 'OBGBR',
        registration_id: `Unknown${org.id}`,
        status: 'Active',
        authorisations: [{ member_state: 'GB', roles: ['AISP'] }],
      },
    });
    expect(typeof payload.iat).toBe('number');
    expect(payload.jti).toMatch(/^[0-9a-f-]{36}$/);
    for (const claim of [
      'software_client_description',
      'software_client_uri',
      'software_logo_uri',
      'software_policy_uri',
      'software_tos_uri',
      'software_on_behalf_of_org',
    ]) {
      expect(payload).toHaveProperty(claim);
    }
  });

  it('signs a back-dated SSA for the admin (?iat=, mock-only) and refuses it to the organisation', async () => {
    const org = await createOrganisation(d);
    const ss = await createSoftwareStatement(d, org);
    const path = `/v2.1/organisation/${org.id}/software-statement/${ss.Id}/software-statement-assertion`;
    const iat = Math.floor(Date.now() / 1000) - 7200;
    const res = await request(d.app).get(`${path}?iat=${iat}`).set(bearer(d.adminToken));
    expect(res.status).toBe(200);
    const jwks = await request(d.app).get('/keystore/openbanking.jwks');
    const { payload } = await jwtVerify(res.text, createLocalJWKSet(jwks.body), {
      issuer: 'OpenBanking Ltd',
      currentDate: new Date(iat * 1000),
    });
    expect(payload.iat).toBe(iat);
    expect(payload.software_id).toBe(ss.Id);
    const fresh = await request(d.app).get(path).set(bearer(d.adminToken));
    const freshIat = JSON.parse(Buffer.from(fresh.text.split('.')[1], 'base64url').toString()).iat;
    expect(Math.abs(freshIat - Date.now() / 1000)).toBeLessThan(60);

    const byOrg = await request(d.app).get(`${path}?iat=${iat}`).set(bearer(org.token));
    expect(byOrg.status).toBe(403);
    expect(byOrg.body).toEqual({
      error: 'access_denied',
      error_description: 'iat is an admin-only parameter',
    });
    for (const bad of ['yesterday', '1.5', String(iat - 20 * 365 * 86400)]) {
      const r = await request(d.app).get(`${path}?iat=${bad}`).set(bearer(d.adminToken));
      expect(r.status, bad).toBe(400);
      expect(r.body.error_description, bad).toMatch(/^iat must be/);
    }
  });

  it('revokes a certificate: 204, CRL lists it, key moves to the revoked JWKS, chain check fails', async () => {
    const org = await createOrganisation(d);
    const ss = await createSoftwareStatement(d, org);
    const key = await keyPool.take();
    const issued = await request(d.app)
      .post(`/v2.1/organisation/${org.id}/software-statement/${ss.Id}/certificate/obsigning`)
      .set(bearer(org.token))
      .type('application/x-pem-file')
      .send(legacyCsr(key, org.id, ss.Id));
    const kid = issued.body.kid;
    const del = await request(d.app)
      .delete(`/v2.1/organisation/${org.id}/certificate/kid/${kid}`)
      .set(bearer(org.token));
    expect(del.status).toBe(204);
    const active = await request(d.app).get(`/keystore/${org.id}/${ss.Id}.jwks`);
    expect(active.body.keys).toEqual([]);
    const revoked = await request(d.app).get(`/keystore/${org.id}/revoked/${ss.Id}.jwks`);
    expect(revoked.body.keys.map((k: { kid: string }) => k.kid)).toEqual([kid]);
    const crl = await request(d.app)
      .get('/ca/issuing.crl')
      .buffer(true)
      .parse((res, cb) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => cb(null, Buffer.concat(chunks)));
      });
    expect(crl.headers['content-type']).toBe('application/pkix-crl');
    expect(parseCrl(crl.body as Buffer).serials).toContain(issued.body.serialNumber);
    const check = verifyCertificate(Buffer.from(issued.body.x5c[0], 'base64'), {
      ca: d.ctx.ca,
      crlDer: crl.body as Buffer,
    });
    expect(check.ok).toBe(false);
    if (!check.ok) expect(check.reason).toBe('revoked');
  });

  it('associates an OBSeal with a software statement so it appears in the software JWKS', async () => {
    const org = await createOrganisation(d, { LegalName: 'Acme Ltd' });
    const ss = await createSoftwareStatement(d, org);
    const key = await keyPool.take();
    const seal = await request(d.app)
      .post(`/v2.1/organisation/${org.id}/certificate/obseal`)
      .set(bearer(org.token))
      .type('application/x-pem-file')
      .send(obwacCsr(key, org.id));
    expect(seal.status).toBe(201);
    expect(seal.body.use).toBe('sig');
    const assoc = await request(d.app)
      .put(`/v2.1/organisation/${org.id}/software-statement/${ss.Id}/certificate/obseal/${seal.body.kid}`)
      .set(bearer(org.token))
      .send({ associate: true });
    expect(assoc.status).toBe(200);
    expect(assoc.body.Associations).toEqual([ss.Id]);
    const jwks = await request(d.app).get(`/keystore/${org.id}/${ss.Id}.jwks`);
    expect(jwks.body.keys.map((k: { kid: string }) => k.kid)).toEqual([seal.body.kid]);
  });
});

describe('authorisation servers', () => {
  it('lets an ASPSP register its discovery URL, visible to TPPs through GET /v2.1/organisation', async () => {
    const bank = await createOrganisation(d, {
      OrganisationName: 'Bank',
      OrganisationType: 'aspsp',
      Roles: ['ASPSP'],
    });
    const created = await request(d.app)
      .post(`/v2.1/organisation/${bank.id}/authorisation-server`)
      .set(bearer(bank.token))
      .set('Content-Type', 'application/vnd.openbanking.directory.authorisationserver-v2+json')
      .send(
        JSON.stringify({
          OpenIDConfigEndPointUri: 'https://bank.example/.well-known/openid-configuration',
          CustomerFriendlyName: 'Bank',
        }),
      );
    expect(created.status).toBe(201);
    expect(created.body).toMatchObject({
      OpenIDConfigEndPointUri: 'https://bank.example/.well-known/openid-configuration',
      CustomerFriendlyName: 'Bank',
      AutoRegistrationSupported: true,
    });
    const tpp = await createOrganisation(d);
    const all = await request(d.app).get('/v2.1/organisation').set(bearer(tpp.token));
    expect(all.status).toBe(200);
    const listed = all.body.Resources.find((r: { id: string }) => r.id === bank.id);
    expect(listed.AuthorisationServers[0].OpenIDConfigEndPointUri).toBe(
      'https://bank.example/.well-known/openid-configuration',
    );
    expect(listed['urn:openbanking:softwarestatement:1.0']).toBeUndefined();
    const tppAs = await request(d.app)
      .post(`/v2.1/organisation/${tpp.id}/authorisation-server`)
      .set(bearer(tpp.token))
      .send({ OpenIDConfigEndPointUri: 'https://tpp.example/x' });
    expect(tppAs.status).toBe(403);
    const put = await request(d.app)
      .put(`/v2.1/organisation/${bank.id}/authorisation-server/${created.body.Id}`)
      .set(bearer(bank.token))
      .send({ OpenIDConfigEndPointUri: 'https://bank2.example/.well-known/openid-configuration' });
    expect(put.status).toBe(202);
    const del = await request(d.app)
      .delete(`/v2.1/organisation/${bank.id}/authorisation-server/${created.body.Id}`)
      .set(bearer(bank.token));
    expect(del.status).toBe(204);
    const gone = await request(d.app)
      .get(`/v2.1/organisation/${bank.id}/authorisation-server/${created.body.Id}`)
      .set(bearer(bank.token));
    expect(gone.status).toBe(404);
  });
});
