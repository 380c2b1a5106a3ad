import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createOrganisation,
  type TestDirectory,
  type TestOrganisation,
  testDirectory,
} from '../helpers/directory.js';

/** GET|PUT /v2.1/organisation/{OrganisationId}/contact/{ContactType}, with hostile input. */
let d: TestDirectory;
let org: TestOrganisation;
let other: TestOrganisation;
const MEDIA = 'application/vnd.openbanking.directory.orgcontacts-v2+json';
const good = { EmailAddress: 'tech@acme.example', PhoneNumber: '+44 161 496 0000' };

beforeAll(async () => {
  d = await testDirectory();
  [org, other] = [await createOrganisation(d), await createOrganisation(d)];
});
afterAll(() => d?.cleanup());

const put = (type: string, body: unknown, who = org, contentType = MEDIA) =>
  request(d.app)
    .put(`/v2.1/organisation/${org.id}/contact/${type}`)
    .set('Authorization', `Bearer ${who.token}`)
    .set('Content-Type', contentType)
    .send(typeof body === 'string' ? body : JSON.stringify(body));

describe('organisation contacts', () => {
  it('sets a contact and reads it back in the OB media type; no contact of a type → 404', async () => {
    const missing = await request(d.app)
      .get(`/v2.1/organisation/${org.id}/contact/PBC`)
      .set('Authorization', `Bearer ${org.token}`);
    expect(missing.status).toBe(404);
    const res = await put('Technical', good);
    expect(res.status).toBe(200);
    expect(res.body).toEqual(good);
    const got = await request(d.app)
      .get(`/v2.1/organisation/${org.id}/contact/Technical`)
      .set('Authorization', `Bearer ${org.token}`)
      .set('Accept', MEDIA);
    expect(got.status).toBe(200);
    expect(got.headers['content-type']).toMatch(
      /^application\/vnd\.openbanking\.directory\.orgcontacts-v2\+json/,
    );
    expect(got.body).toEqual(good);
  });

  it.each([
    ['an unknown ContactType', 'Boss', good, 400, 'invalid_request'],
    ['no EmailAddress', 'PTC', { PhoneNumber: '+441234567' }, 400, 'invalid_request'],
    [
      'a header-injection e-mail',
      'PTC',
      { ...good, EmailAddress: 'a@b.example\r\nBcc: x@y.example' },
      400,
      'invalid_request',
    ],
    ['a phone number of letters', 'PTC', { ...good, PhoneNumber: 'call me' }, 400, 'invalid_request'],
    ['a 10 kB phone number', 'PTC', { ...good, PhoneNumber: '1'.repeat(10_000) }, 400, 'invalid_request'],
    ['a JSON array', 'PTC', [good], 400, 'invalid_request'],
    ['malformed JSON', 'PTC', '{"EmailAddress":', 400, 'invalid_request'],
  ])('refuses %s', async (_what, type, body, status, error) => {
    const res = await put(type, body);
    expect(res.status).toBe(status);
    expect(res.body.error).toBe(error);
    expect(res.body.error_description).not.toMatch(/at \w+ \(|node_modules/);
  });

  it("refuses another organisation's token (403), a wrong media type (415), and keeps the stored contact", async () => {
    expect((await put('Technical', { ...good, EmailAddress: 'evil@x.example' }, other)).status).toBe(403);
    expect((await put('Technical', good, org, 'text/plain')).status).toBe(415);
    const got = await request(d.app)
      .get(`/v2.1/organisation/${org.id}/contact/Technical`)
      .set('Authorization', `Bearer ${org.token}`);
    expect(got.body).toEqual(good);
  });
});
