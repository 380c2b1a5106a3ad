import request from 'supertest';
import { describe, expect, it } from 'vitest';
import {
  bearer,
  createOrganisation,
  createSoftwareStatement,
  useTestDirectory,
} from '../helpers/directory.js';

const d = useTestDirectory();

describe('directory JSON answers (written at once, as Express sent them)', () => {
  it('carries the negotiated media type with charset=utf-8, its exact byte length, and no-store', async () => {
    const org = await createOrganisation(d);
    const ss = await createSoftwareStatement(d, org, { ClientName: 'Zoë’s “app”' });
    const path = `/v2.1/organisation/${org.id}/software-statement/${ss.Id}`;
    const ob = await request(d.app).get(path).set(bearer(org.token));
    expect(ob.status).toBe(200);
    expect(ob.headers['content-type']).toBe(
      'application/vnd.openbanking.directory.softwarestatement-v2+json; charset=utf-8',
    );
    expect(ob.headers['cache-control']).toBe('no-store');
    expect(ob.headers['ob-request-id']).toMatch(/^[0-9a-f-]{36}$/);
    // Non-ASCII text: the length is of the UTF-8 bytes, not of the string.
    expect(Number(ob.headers['content-length'])).toBe(Buffer.byteLength(ob.text, 'utf8'));
    expect(Number(ob.headers['content-length'])).toBeGreaterThan(ob.text.length);
    expect(JSON.parse(ob.text).ClientName).toBe('Zoë’s “app”');

    const plain = await request(d.app).get(path).set(bearer(org.token)).set('Accept', 'application/json');
    expect(plain.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(plain.text).toBe(ob.text);
  });

  it('answers 201 with the JWK media type for a new certificate, and 200 lists for GETs', async () => {
    const org = await createOrganisation(d);
    const created = await request(d.app)
      .post('/admin/organisations')
      .set(bearer(d.adminToken))
      .send({ OrganisationName: 'B', OrganisationType: 'tpp', Roles: ['AISP'], LegalName: 'B Ltd' });
    expect(created.status).toBe(201);
    expect(created.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(created.body.OrganisationId).toMatch(/^[0-9A-Za-z]{18}$/);
    const list = await request(d.app)
      .get(`/v2.1/organisation/${org.id}/software-statement`)
      .set(bearer(org.token));
    expect(list.status).toBe(200);
    expect(list.headers['content-type']).toBe(
      'application/vnd.openbanking.directory.softwarestatement-list-v2+json; charset=utf-8',
    );
  });

  it('answers HEAD with the GET headers and no body', async () => {
    const org = await createOrganisation(d);
    const ss = await createSoftwareStatement(d, org);
    const path = `/v2.1/organisation/${org.id}/software-statement/${ss.Id}`;
    const get = await request(d.app).get(path).set(bearer(org.token));
    const head = await request(d.app).head(path).set(bearer(org.token));
    expect(head.status).toBe(200);
    expect(head.headers['content-type']).toBe(get.headers['content-type']);
    expect(head.headers['content-length']).toBe(get.headers['content-length']);
    expect(head.text ?? '').toBe('');
  });

  it('serves keystore JWKS as application/json, cacheable for a minute, HEAD without a body', async () => {
    const org = await createOrganisation(d);
    const ss = await createSoftwareStatement(d, org);
    for (const path of [
      '/keystore/openbanking.jwks',
      `/keystore/${org.id}/${ss.Id}.jwks`,
      `/keystore/${org.id}/revoked/${ss.Id}.jwks`,
    ]) {
      const res = await request(d.app).get(path);
      expect(res.status, path).toBe(200);
      expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
      expect(res.headers['cache-control']).toBe('max-age=60');
      expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.text, 'utf8'));
      expect(Array.isArray(JSON.parse(res.text).keys)).toBe(true);
      const head = await request(d.app).head(path);
      expect(head.status).toBe(200);
      expect(head.headers['content-length']).toBe(res.headers['content-length']);
      expect(head.text ?? '').toBe('');
    }
    const jwks = await request(d.app).get('/keystore/openbanking.jwks');
    expect(jwks.body.keys).toEqual([d.ctx.ssaKey.publicJwk]);
  });
});
