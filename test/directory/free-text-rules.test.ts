import { decodeJwt } from 'jose';
import request from 'supertest';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createCsr, type KeyPair } from '../../certs/index.js';
import { COLLECTIONS } from '../../directory/model.js';
import {
  bearer,
  createOrganisation,
  createSoftwareStatement,
  keyPool,
  type TestDirectory,
  type TestOrganisation,
  testDirectory,
} from '../helpers/directory.js';
import { LIBRARY_INTERNALS } from './library-internals.js';

/**
 * Free text the directory stores, signs into SSAs or puts into certificates
 * refuses control characters and bidi overrides/isolates (400 invalid_request
 * naming the field, nothing stored); contacts obey one rule table whether
 * they come through the admin API or PUT …/contact/{type}.
 */
let d: TestDirectory;
let a: TestOrganisation;
let bank: TestOrganisation;
let ssId = '';
let key: KeyPair;

beforeAll(async () => {
  d = await testDirectory();
  a = await createOrganisation(d);
  bank = await createOrganisation(d, { OrganisationType: 'aspsp', Roles: ['ASPSP'] });
  ssId = (await createSoftwareStatement(d, a)).Id;
  key = await keyPool.take();
});
afterAll(() => d.cleanup());

function storedState(): string {
  return JSON.stringify(Object.values(COLLECTIONS).map((c) => d.ctx.repo.store.list(c)));
}

const CONTROL = 'must not contain control characters (U+0000–U+001F, U+007F–U+009F)';
const BIDI = 'must not contain bidirectional override or isolate characters (U+202A–U+202E, U+2066–U+2069)';
const TYPES = 'Business, PBC, PTC, Registered, Technical';
const org = { OrganisationName: 'X', OrganisationType: 'tpp', Roles: ['AISP'] };
const contact = { Name: 'Ann', Email: 'ann@x.example', Phone: '+44 20 7946 0000', Type: 'Business' };
const ss = { ClientName: 'X', RedirectUri: ['https://x.example/cb'] };

interface Case {
  name: string;
  method: 'post' | 'put';
  path: () => string;
  token: () => string;
  type?: string;
  body: () => unknown;
  description: string;
}

const admin = () => d.adminToken;
const tokA = () => a.token;
const orgs = () => '/admin/organisations';
const LONE = 'must be well-formed Unicode (it holds a lone surrogate, which is no character)';
const ssPath = () => `/v2.1/organisation/${a.id}/software-statement`;
const ssOne = () => `/v2.1/organisation/${a.id}/software-statement/${ssId}`;
const contactPath = (type: string) => () => `/v2.1/organisation/${a.id}/contact/${type}`;

const cases: Case[] = [
  // organisation names: the SSA's org_name, the O of OBWAC/OBSeal subjects
  {
    name: 'OrganisationName with NUL and U+202E',
    method: 'post',
    path: orgs,
    token: admin,
    body: () => ({ ...org, OrganisationName: 'x\u0000\u202e' }),
    description: `OrganisationName ${CONTROL}`,
  },
  {
    name: 'OrganisationName with U+202E (right-to-left override)',
    method: 'post',
    path: orgs,
    token: admin,
    body: () => ({ ...org, OrganisationName: 'Acme \u202eLtd' }),
    description: `OrganisationName ${BIDI}`,
  },
  {
    name: 'OrganisationName with U+2066 (left-to-right isolate)',
    method: 'post',
    path: orgs,
    token: admin,
    body: () => ({ ...org, OrganisationName: 'Acme \u2066Ltd' }),
    description: `OrganisationName ${BIDI}`,
  },
  {
    name: 'OrganisationName through POST /v2.1/organisation (admin token)',
    method: 'post',
    path: () => '/v2.1/organisation',
    token: admin,
    body: () => ({ ...org, OrganisationName: 'x\u202a' }),
    description: `OrganisationName ${BIDI}`,
  },
  {
    name: 'LegalName with a line break',
    method: 'post',
    path: orgs,
    token: admin,
    body: () => ({ ...org, LegalName: 'Acme\nLtd' }),
    description: `LegalName ${CONTROL}`,
  },
  {
    name: 'LegalName with DEL',
    method: 'post',
    path: orgs,
    token: admin,
    body: () => ({ ...org, LegalName: 'Acme\u007f' }),
    description: `LegalName ${CONTROL}`,
  },
  {
    name: 'LegalName with U+2069 (pop directional isolate)',
    method: 'post',
    path: orgs,
    token: admin,
    body: () => ({ ...org, LegalName: 'Acme\u2069' }),
    description: `LegalName ${BIDI}`,
  },
  {
    name: 'OrganisationIdentifier with a space',
    method: 'post',
    path: orgs,
    token: admin,
    body: () => ({ ...org, OrganisationIdentifier: 'PSD GB' }),
    description: 'OrganisationIdentifier must be letters, digits and hyphens only',
  },
  // admin contacts: the rules PUT …/contact/{type} applies
  {
    name: 'admin contact of type Zzz',
    method: 'post',
    path: orgs,
    token: admin,
    body: () => ({ ...org, Contacts: [{ ...contact, Type: 'Zzz' }] }),
    description: `Contacts[0].Type must be one of: ${TYPES}`,
  },
  {
    name: 'admin contact with e-mail "also bad"',
    method: 'post',
    path: orgs,
    token: admin,
    body: () => ({ ...org, Contacts: [contact, { ...contact, Type: 'PTC', Email: 'also bad' }] }),
    description: 'Contacts[1].Email must be an e-mail address (RFC 5322 addr-spec)',
  },
  {
    name: 'admin contact without e-mail',
    method: 'post',
    path: orgs,
    token: admin,
    body: () => ({ ...org, Contacts: [{ Name: 'Ann', Phone: '+44 20 7946 0000', Type: 'Business' }] }),
    description: 'Contacts[0].Email is required',
  },
  {
    name: 'admin contact with phone "1"',
    method: 'post',
    path: orgs,
    token: admin,
    body: () => ({ ...org, Contacts: [{ ...contact, Phone: '1' }] }),
    description: 'Contacts[0].Phone must be digits with an optional leading + (3–32 characters)',
  },
  {
    name: 'admin contact without type',
    method: 'post',
    path: orgs,
    token: admin,
    body: () => ({ ...org, Contacts: [{ Name: 'Ann', Email: 'ann@x.example', Phone: '+44 1' }] }),
    description: 'Contacts[0].Type is required',
  },
  {
    name: 'admin contact name with U+202E',
    method: 'post',
    path: orgs,
    token: admin,
    body: () => ({ ...org, Contacts: [{ ...contact, Name: 'Ann \u202e' }] }),
    description: `Contacts[0].Name ${BIDI}`,
  },
  {
    name: 'admin contact e-mail with NUL in the local part',
    method: 'post',
    path: orgs,
    token: admin,
    body: () => ({ ...org, Contacts: [{ ...contact, Email: 'a\u0000b@x.example' }] }),
    description: `Contacts[0].Email ${CONTROL}`,
  },
  {
    name: 'two admin contacts of one type',
    method: 'post',
    path: orgs,
    token: admin,
    body: () => ({ ...org, Contacts: [contact, { ...contact, Name: 'Bob' }] }),
    description: 'Contacts[1].Type Business is given twice: one contact per type',
  },
  // PUT …/contact/{type}: the same table
  {
    name: 'PUT contact with e-mail "also bad"',
    method: 'put',
    path: contactPath('Business'),
    token: tokA,
    body: () => ({ EmailAddress: 'also bad', PhoneNumber: '+44 20 7946 0000' }),
    description: 'EmailAddress must be an e-mail address (RFC 5322 addr-spec)',
  },
  {
    name: 'PUT contact with U+202E in the e-mail',
    method: 'put',
    path: contactPath('Business'),
    token: tokA,
    body: () => ({ EmailAddress: 'ann\u202e@x.example', PhoneNumber: '+44 20 7946 0000' }),
    description: `EmailAddress ${BIDI}`,
  },
  {
    name: 'PUT contact without phone',
    method: 'put',
    path: contactPath('Business'),
    token: tokA,
    body: () => ({ EmailAddress: 'ann@x.example' }),
    description: 'PhoneNumber is required',
  },
  // software statements: signed into the SSA
  {
    name: 'ClientName with NUL, U+202E and <script>',
    method: 'post',
    path: ssPath,
    token: tokA,
    body: () => ({ ...ss, ClientName: 'x\u0000\u202e<script>' }),
    description: `ClientName ${CONTROL}`,
  },
  {
    name: 'ClientName with U+202D (left-to-right override)',
    method: 'post',
    path: ssPath,
    token: tokA,
    body: () => ({ ...ss, ClientName: 'app\u202d' }),
    description: `ClientName ${BIDI}`,
  },
  {
    name: 'Description with U+0085 (C1 next line)',
    method: 'post',
    path: ssPath,
    token: tokA,
    body: () => ({ ...ss, Description: 'one\u0085two' }),
    description: `Description ${CONTROL}`,
  },
  {
    name: 'OnBehalfOfObOrganisation with U+2067',
    method: 'post',
    path: ssPath,
    token: tokA,
    body: () => ({ ...ss, OnBehalfOfObOrganisation: 'Acme\u2067' }),
    description: `OnBehalfOfObOrganisation ${BIDI}`,
  },
  {
    name: 'Version with a tab',
    method: 'post',
    path: ssPath,
    token: tokA,
    body: () => ({ ...ss, Version: '1.0\t' }),
    description: `Version ${CONTROL}`,
  },
  {
    name: 'PolicyUri with a tab (a URL parser would drop it)',
    method: 'post',
    path: ssPath,
    token: tokA,
    body: () => ({ ...ss, PolicyUri: 'https://x.example/pol\ticy' }),
    description: `PolicyUri ${CONTROL}`,
  },
  {
    name: 'PUT software statement: ClientName with U+202E',
    method: 'put',
    path: ssOne,
    token: tokA,
    body: () => ({ ClientName: '\u202eppa' }),
    description: `ClientName ${BIDI}`,
  },
  // authorisation servers: served to every TPP
  {
    name: 'authorisation server: CustomerFriendlyName with NUL',
    method: 'post',
    path: () => `/v2.1/organisation/${bank.id}/authorisation-server`,
    token: () => bank.token,
    body: () => ({
      OpenIDConfigEndPointUri: 'https://bank.example/.well-known/openid-configuration',
      CustomerFriendlyName: 'Bank\u0000',
    }),
    description: `CustomerFriendlyName ${CONTROL}`,
  },
  // CSR subjects: copied into QWAC and QSealC subjects
  {
    name: 'CSR whose subject O has U+202E',
    method: 'post',
    path: () => `/v2.1/organisation/${a.id}/certificate/obwac`,
    token: tokA,
    type: 'application/x-pem-file',
    body: () =>
      createCsr({
        key,
        subject: [
          { name: 'C', value: 'GB' },
          { name: 'O', value: 'Acme \u202eLtd' },
          { name: 'organizationIdentifier', value: `PSDGB-OB-Unknown${a.id}` },
          { name: 'CN', value: a.id },
        ],
      }),
    description: `CSR subject: O ${BIDI}`,
  },
  // Lone surrogates: no character, no UTF-8 form; also in URIs, which are signed into SSAs as sent.
  {
    name: 'RedirectUri with a lone surrogate',
    method: 'post',
    path: ssPath,
    token: tokA,
    body: () => '{"ClientName": "X", "RedirectUri": ["https://x.example/\\ud800"]}',
    description: `RedirectUri[0] ${LONE}`,
  },
  {
    name: 'ClientUri with a lone surrogate (update)',
    method: 'put',
    path: ssOne,
    token: tokA,
    body: () => '{"ClientUri": "https://x.example/\\udfff"}',
    description: `ClientUri ${LONE}`,
  },
  {
    name: 'OrganisationName with a lone surrogate',
    method: 'post',
    path: orgs,
    token: admin,
    body: () => JSON.stringify({ ...org, OrganisationName: 'Acme ' }).replace('Acme ', 'Acme \\ud83d'),
    description: `OrganisationName ${LONE}`,
  },
];

describe('free text and contacts: refusals', () => {
  it.each(cases)('$name → 400', async (c) => {
    const before = storedState();
    const body = c.body();
    const res = await request(d.app)
      [c.method](c.path())
      .set(bearer(c.token()))
      .type(c.type ?? 'application/json')
      .send(typeof body === 'string' ? body : JSON.stringify(body));
    expect(res.status, res.text).toBe(400);
    expect(Object.keys(res.body).sort()).toEqual(['error', 'error_description']);
    expect(res.body.error).toBe('invalid_request');
    expect(res.body.error_description).toBe(c.description);
    for (const internal of LIBRARY_INTERNALS) expect(res.body.error_description).not.toContain(internal);
    expect(storedState()).toBe(before);
  });
});

describe('free text and contacts: what is kept', () => {
  it('keeps <script> and non-ASCII names as text: stored and signed verbatim', async () => {
    const name = '<script>alert(1)</script>';
    const o = await createOrganisation(d, { OrganisationName: 'Zoë Ünïcode — Ltd ✓', LegalName: name });
    const created = await createSoftwareStatement(d, o, { ClientName: name, Description: 'שלום عربى' });
    expect(created.ClientName).toBe(name);
    expect(d.ctx.repo.softwareStatement(created.Id)?.ClientName).toBe(name);
    const ssa = await request(d.app)
      .get(`/v2.1/organisation/${o.id}/software-statement/${created.Id}/software-statement-assertion`)
      .set(bearer(o.token));
    expect(ssa.status).toBe(200);
    expect(decodeJwt(ssa.text)).toMatchObject({
      software_client_name: name,
      software_client_description: 'שלום عربى',
      org_name: 'Zoë Ünïcode — Ltd ✓',
    });
  });

  it('an admin contact that passes the table is served by GET …/contact/{type} and can be replaced by PUT', async () => {
    const o = await createOrganisation(d, {
      Contacts: [contact, { ...contact, Type: 'Technical', Name: 'Bob' }],
    });
    expect(d.ctx.repo.organisation(o.id)?.Contacts).toEqual([
      contact,
      { ...contact, Type: 'Technical', Name: 'Bob' },
    ]);
    const got = await request(d.app).get(`/v2.1/organisation/${o.id}/contact/Business`).set(bearer(o.token));
    expect(got.status).toBe(200);
    expect(got.body).toEqual({ EmailAddress: contact.Email, PhoneNumber: contact.Phone });
    const put = await request(d.app)
      .put(`/v2.1/organisation/${o.id}/contact/Business`)
      .set(bearer(o.token))
      .send({ EmailAddress: 'new@x.example', PhoneNumber: '020 7946 0001' });
    expect(put.status, put.text).toBe(200);
    expect(d.ctx.repo.organisation(o.id)?.Contacts.find((c) => c.Type === 'Business')).toMatchObject({
      Name: 'Ann',
      Email: 'new@x.example',
      Phone: '020 7946 0001',
    });
  });
});
