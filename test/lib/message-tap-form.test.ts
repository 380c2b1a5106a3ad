import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { messageTap, readBody, sendJson, type TappedMessage } from '../../lib/http/index.js';

// The tap masks a form's secret fields by their names as the server decodes them (audit F5):
// every spelling a form parser reads as `client_secret` is masked, and each row proves that
// the spelling is real by having two parsers — URLSearchParams (the bank's and the directory's)
// and express.urlencoded (Node's querystring, also Express's query parser) — read it.

const ADMIN = 'admin-token-for-the-tap-form-test';
const SECRET = 'SECRETsecretSECRETsecret-0123456789';
const FORM = 'application/x-www-form-urlencoded';

/** The tap in front of routes that parse the form and answer only the field names they read. */
function app() {
  const a = express();
  a.use(messageTap({ service: 'test', adminToken: ADMIN }));
  a.post('/token', readBody([FORM], 64 * 1024), (req, res) => {
    const form = new URLSearchParams((req.rawBody ?? Buffer.alloc(0)).toString('utf8'));
    sendJson(res, 200, { names: [...form.keys()] });
  });
  a.get('/query', (req, res) => sendJson(res, 200, { names: Object.keys(req.query as object) }));
  return a;
}

/** What Node's querystring (express.urlencoded, extended: false) reads of the same body. */
function querystringNames(body: string): Promise<string[]> {
  const a = express();
  a.post('/', express.urlencoded({ extended: false }), (req, res) => {
    res.json(Object.keys(req.body as object));
  });
  return request(a)
    .post('/')
    .type('form')
    .send(body)
    .then((r) => r.body as string[]);
}

async function messages(a: express.Express): Promise<TappedMessage[]> {
  const res = await request(a).get('/admin/messages').set('Authorization', `Bearer ${ADMIN}`);
  expect(res.status).toBe(200);
  return res.body.messages;
}

const shown = `${SECRET.slice(0, 4)}…`;

// [raw name, the field the server reads]
const NAMES: [string, string][] = [
  ['client_secret', 'client_secret'],
  ['client%5Fsecret', 'client_secret'],
  ['client%5fsecret', 'client_secret'],
  ['%63lient_secret', 'client_secret'],
  ['client_secre%74', 'client_secret'],
  ['client_s%65cret', 'client_secret'],
  ['%63%6C%69%65%6E%74%5F%73%65%63%72%65%74', 'client_secret'],
  ['%63%6c%69%65%6e%74%5f%73%65%63%72%65%74', 'client_secret'],
  ['client%5Fassertion', 'client_assertion'],
  ['access%5Ftoken', 'access_token'],
  ['refresh%5Ftoken', 'refresh_token'],
  ['registration%5Faccess%5Ftoken', 'registration_access_token'],
  ['registration_access%5Ftoken', 'registration_access_token'],
  ['Access%54oken', 'AccessToken'],
];

describe('message tap: form bodies masked by the names the server decodes', () => {
  it.each(NAMES)('%s=… is masked (the server reads %s)', async (raw, name) => {
    const body = `grant_type=client_credentials&${raw}=${SECRET}&scope=accounts`;
    const a = app();
    const res = await request(a).post('/token').type('form').send(body);
    expect(res.body.names).toContain(name);
    expect(await querystringNames(body)).toContain(name);
    const [m] = await messages(a);
    expect(m.requestBody).toBe(`grant_type=client_credentials&${raw}=${shown}&scope=accounts`);
    expect(JSON.stringify(m)).not.toContain(SECRET.slice(4, 12));
  });

  it('masks a secret at the start of a body written with a leading ?, as URLSearchParams reads it', async () => {
    const a = app();
    const res = await request(a).post('/token').type('form').send(`?client%5Fsecret=${SECRET}&a=b`);
    expect(res.body.names).toEqual(['client_secret', 'a']);
    const [m] = await messages(a);
    expect(m.requestBody).toBe(`?client%5Fsecret=${shown}&a=b`);
  });

  it('masks every occurrence of a field given twice', async () => {
    const a = app();
    await request(a).post('/token').type('form').send(`client_secret=${SECRET}&client%5Fsecret=${SECRET}x`);
    const [m] = await messages(a);
    expect(m.requestBody).toBe(`client_secret=${shown}&client%5Fsecret=${shown}`);
  });

  it.each([
    ['percent-encoded & = %', 'ab%26cd%3Def%25gh-ijkl'],
    ['a raw =', 'abcd=efgh=ijkl'],
    ['a comma, a brace and a quote', 'abcd,efgh}ijkl"mnop'],
    ['a raw space and a +', 'abcd efgh+ijkl'],
  ])('masks a secret value holding %s in full', async (_what, value) => {
    const a = app();
    await request(a).post('/token').type('form').send(`client%5Fsecret=${value}&client_id=c-1`);
    const [m] = await messages(a);
    expect(m.requestBody).toBe(`client%5Fsecret=${value.slice(0, 4)}…&client_id=c-1`);
  });

  it('leaves every other field, and the text between fields, exactly as written', async () => {
    const body =
      'grant_type=client_credentials&client_id=c%2D1&scope=accounts+payments&client_secret_hint=visible' +
      '&note=client_secret%3Dvisible&&empty=&client_secret=&x%ZZ=1&=novalue';
    const a = app();
    await request(a).post('/token').type('form').send(body);
    const [m] = await messages(a);
    expect(m.requestBody).toBe(body);
  });

  it.each([
    'CLIENT_SECRET',
    'Client%5FSecret',
    'client_secret%5B%5D',
    'client_secret[0]',
    '+client_secret+',
  ])('errs on the side of masking: %s (no parser here reads it as client_secret) is masked too', async (raw) => {
    const a = app();
    await request(a).post('/token').type('form').send(`${raw}=${SECRET}`);
    const [m] = await messages(a);
    expect(m.requestBody).toBe(`${raw}=${shown}`);
  });

  it('masks a form whose media type is written in capitals and with parameters', async () => {
    const a = app();
    await request(a)
      .post('/token')
      .set('Content-Type', 'Application/X-WWW-Form-Urlencoded; charset=UTF-8')
      .send(`client%5Fsecret=${SECRET}`);
    const [m] = await messages(a);
    expect(m.requestBody).toBe(`client%5Fsecret=${shown}`);
  });

  it.each([
    ['access_token', 'access_token'],
    ['access%5Ftoken', 'access_token'],
    ['%61ccess_token', 'access_token'],
    ['client%5Fassertion', 'client_assertion'],
  ])('masks %s in the query string (the server reads %s)', async (raw, name) => {
    const a = app();
    const res = await request(a).get(`/query?a=1&${raw}=${SECRET}`);
    expect(res.body.names).toContain(name);
    const [m] = await messages(a);
    expect(m.path).toBe(`/query?a=1&${raw}=${shown}`);
  });

  it('still masks secret fields in JSON bodies and responses', async () => {
    const a = express();
    a.use(messageTap({ service: 'test', adminToken: ADMIN }));
    a.post('/json', readBody(['application/json'], 1024), (_req, res) =>
      sendJson(res, 200, { access_token: SECRET, token_type: 'Bearer' }),
    );
    await request(a).post('/json').type('json').send({ client_secret: SECRET, client_id: 'c-1' });
    const [m] = await messages(a);
    expect(m.requestBody).toBe(`{"client_secret":"${shown}","client_id":"c-1"}`);
    expect(m.responseBody).toBe(`{"access_token":"${shown}","token_type":"Bearer"}`);
  });
});

describe('message tap: JSON bodies masked by the member names JSON.parse reads', () => {
  it.each([
    ['an escaped name', `{"client\\u005fsecret":"${SECRET}","client_id":"c-1"}`, 'client_secret'],
    ['a fully escaped name', `{"\\u0061ccess_token":"${SECRET}"}`, 'access_token'],
    ['a value with spaces and commas', `{"client_secret": "abcd efgh, ijkl}mnop"}`, 'client_secret'],
    ['a value with escaped quotes', `{"access_token":"ab\\"cd\\"efgh-ijkl"}`, 'access_token'],
    ['a number', `{"client_secret":123456789012}`, 'client_secret'],
  ])('%s', async (_what, body, name) => {
    const a = express();
    a.use(messageTap({ service: 'test', adminToken: ADMIN }));
    a.post('/json', readBody(['application/json'], 1024), (req, res) =>
      sendJson(res, 200, { names: Object.keys(JSON.parse(String(req.rawBody))) }),
    );
    const res = await request(a).post('/json').type('json').send(body);
    expect(res.body.names).toContain(name);
    const [m] = await messages(a);
    const parsed = JSON.parse(m.requestBody!);
    const value = String(Object.values(parsed)[0]);
    const secret = String(Object.values(JSON.parse(body))[0]);
    expect(value).toBe(`${secret.slice(0, 4)}…`);
    expect(m.requestBody).not.toContain(secret.slice(4, 9));
  });

  it('leaves other members and their formatting as written', async () => {
    const body = '{ "client_id" : "c-1", "note": "client_secret", "client_secret_hint":"x", "n": [1, "a"] }';
    const a = express();
    a.use(messageTap({ service: 'test', adminToken: ADMIN }));
    a.post('/json', readBody(['application/json'], 1024), (_req, res) => sendJson(res, 200, {}));
    await request(a).post('/json').type('json').send(body);
    const [m] = await messages(a);
    expect(m.requestBody).toBe(body);
  });
});

describe('message tap: other text', () => {
  it('masks name=value and name: value outside JSON and forms', async () => {
    const a = express();
    a.use(messageTap({ service: 'test', adminToken: ADMIN }));
    a.get('/text', (_req, res) => {
      res.type('text/plain').send(`client_secret=${SECRET}\naccess_token: ${SECRET}\nnot_client_secret=kept`);
    });
    await request(a).get('/text');
    const [m] = await messages(a);
    expect(m.responseBody).toBe(`client_secret=${shown}\naccess_token: ${shown}\nnot_client_secret=kept`);
  });
});
