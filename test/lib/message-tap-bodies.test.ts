import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { messageTap, readBody, sendJson, type TappedMessage } from '../../lib/http/index.js';

// The tap keeps strings as written and copies Buffers; what it shows must be the bytes that went
// out, in order, cut at bodyLimit (in bytes).

const ADMIN = 'admin-token-for-the-tap-bodies-test';

function app(bodyLimit = 16 * 1024) {
  const a = express();
  a.use(messageTap({ service: 'test', adminToken: ADMIN, bodyLimit }));
  a.get('/strings', (_req, res) => {
    res.setHeader('Content-Type', 'text/plain; charset=utf-8');
    res.write('héllo ');
    res.write('wörld ');
    res.end('€nd');
  });
  a.get('/mixed', (_req, res) => {
    res.write(Buffer.from('first'));
    res.write(' sécond', 'utf8');
    res.end(Buffer.from(' third'));
  });
  a.get('/json', (_req, res) => sendJson(res, 201, { client_id: 'c-1', note: 'ünïcode' }));
  a.post('/echo', readBody(['application/json'], 64 * 1024), (req, res) =>
    sendJson(res, 200, { n: req.rawBody?.length }),
  );
  return a;
}

async function messages(a: express.Express): Promise<TappedMessage[]> {
  const res = await request(a).get('/admin/messages').set('Authorization', `Bearer ${ADMIN}`);
  expect(res.status).toBe(200);
  return res.body.messages;
}

describe('message tap: bodies as written', () => {
  it('joins string writes, multi-byte characters included', async () => {
    const a = app();
    expect((await request(a).get('/strings')).text).toBe('héllo wörld €nd');
    const [m] = await messages(a);
    expect(m.responseBody).toBe('héllo wörld €nd');
    expect(m.truncated).toBeUndefined();
  });

  it('joins Buffer and string writes in order', async () => {
    const a = app();
    expect((await request(a).get('/mixed')).text).toBe('first sécond third');
    const [m] = await messages(a);
    expect(m.responseBody).toBe('first sécond third');
  });

  it('keeps a sendJson answer and a request body, and cuts both at bodyLimit in bytes', async () => {
    const a = app();
    const res = await request(a).get('/json');
    expect(res.status).toBe(201);
    expect(res.headers['content-length']).toBe(String(Buffer.byteLength(res.text)));
    const small = app(10);
    await request(small).get('/strings');
    await request(small)
      .post('/echo')
      .type('json')
      .send({ big: 'x'.repeat(100) });
    const [json] = await messages(a);
    expect(JSON.parse(json.responseBody!)).toEqual({ client_id: 'c-1', note: 'ünïcode' });
    const [strings, echo] = await messages(small);
    // 10 bytes of 'héllo wörld €nd': 'héllo wö' is 10 bytes (é and ö are two each)
    expect(strings.responseBody).toBe('héllo wö');
    expect(strings.truncated).toBe(true);
    expect(echo.requestBody).toBe('{"big":"xx');
    expect(echo.truncated).toBe(true);
  });

  it('serves its read endpoint as the route did: GET or HEAD, any case, one trailing slash', async () => {
    const a = app();
    await request(a).get('/strings');
    for (const path of ['/admin/messages', '/ADMIN/Messages/', '/admin/messages?after=0']) {
      const res = await request(a).get(path).set('Authorization', `Bearer ${ADMIN}`);
      expect(res.status, path).toBe(200);
      expect(res.body.service).toBe('test');
    }
    expect((await request(a).head('/admin/messages').set('Authorization', `Bearer ${ADMIN}`)).status).toBe(
      200,
    );
    expect((await request(a).get('/admin/messages')).status).toBe(401);
    expect((await request(a).get('/admin/messages//').set('Authorization', `Bearer ${ADMIN}`)).status).toBe(
      404,
    );
    expect((await request(a).post('/admin/messages').set('Authorization', `Bearer ${ADMIN}`)).status).toBe(
      404,
    );
  });
});
