import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import express from 'express';
import request from 'supertest';
import { describe, expect, it } from 'vitest';
import { loadOrCreateCa } from '../../certs/index.js';
import { messageTap, readBody, type TappedMessage } from '../../lib/http/index.js';
import { ecIdentity } from '../helpers/ec-identity.js';

const ADMIN = 'admin-token-for-the-tap-test';

function app(options: { capacity?: number; bodyLimit?: number } = {}) {
  const a = express();
  a.use(messageTap({ service: 'test', adminToken: ADMIN, ...options }));
  a.post(
    '/echo',
    readBody(['application/json', 'application/x-www-form-urlencoded'], 1024 * 1024),
    (req, res) => {
      res.type(req.headers['content-type'] ?? 'text/plain').send(req.rawBody);
    },
  );
  a.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  return a;
}

async function messages(a: express.Express, after = 0): Promise<TappedMessage[]> {
  const res = await request(a).get(`/admin/messages?after=${after}`).set('Authorization', `Bearer ${ADMIN}`);
  expect(res.status).toBe(200);
  return res.body.messages;
}

describe('message tap', () => {
  it('keeps at most `capacity` exchanges, the newest', async () => {
    const a = app({ capacity: 5 });
    for (let i = 0; i < 12; i++) await request(a).post('/echo').type('json').send({ i });
    const kept = await messages(a);
    expect(kept.map((m) => m.seq)).toEqual([8, 9, 10, 11, 12]);
    expect(JSON.parse(kept[4].requestBody!)).toEqual({ i: 11 });
    expect((await messages(a, 10)).map((m) => m.seq)).toEqual([11, 12]);
  });

  it('cuts bodies to `bodyLimit` and says so', async () => {
    const a = app({ bodyLimit: 100 });
    await request(a)
      .post('/echo')
      .type('json')
      .send({ big: 'x'.repeat(10_000) });
    const [m] = await messages(a);
    expect(m.requestBody!.length).toBe(100);
    expect(m.responseBody!.length).toBe(100);
    expect(m.truncated).toBe(true);
    expect(m.status).toBe(200);
  });

  it.each([
    ['{"client_secret":"s3cr3t-value-1234"}', 's3cr3t-value-1234'],
    ['{"access_token":"tok-abcdefghijkl"}', 'tok-abcdefghijkl'],
    ['{"registration_access_token":"rat-abcdefghijkl"}', 'rat-abcdefghijkl'],
    ['{"AccessToken":"org-credential-xyz"}', 'org-credential-xyz'],
  ])('masks secret fields in bodies: %s', async (body, secret) => {
    const a = app();
    await request(a).post('/echo').type('json').send(body);
    const [m] = await messages(a);
    expect(JSON.stringify(m)).not.toContain(secret);
    expect(m.requestBody).toContain(`${secret.slice(0, 4)}…`);
  });

  it('masks credentials in headers and form bodies', async () => {
    const a = app();
    await request(a)
      .post('/echo')
      .set('Authorization', 'Basic Y2xpZW50OnNlY3JldA==')
      .set('Cookie', 'session=abcdefgh')
      .type('form')
      .send('grant_type=client_credentials&client_secret=form-secret-123&client_assertion=eyJhbGciOi.x.y');
    const [m] = await messages(a);
    const all = JSON.stringify(m);
    for (const secret of ['Y2xpZW50OnNlY3JldA==', 'abcdefgh', 'form-secret-123', 'eyJhbGciOi.x.y']) {
      expect(all).not.toContain(secret);
    }
    expect(m.requestHeaders.authorization).toBe('Basic Y2xp…');
  });

  it.each([
    [undefined],
    ['Bearer wrong'],
    [`bearer ${ADMIN}x`],
    [`Basic ${ADMIN}`],
    ['Bearer'],
  ])('refuses readers without the admin token (%s)', async (auth) => {
    const a = app();
    await request(a).post('/echo').type('json').send({ secret: 'not for you' });
    const req = request(a).get('/admin/messages');
    const res = await (auth ? req.set('Authorization', auth) : req);
    expect(res.status).toBe(401);
    expect(res.text).not.toContain('not for you');
  });

  it('with no admin token configured nobody reads it', async () => {
    const a = express();
    a.use(messageTap({ service: 'test' }));
    const res = await request(a).get('/admin/messages').set('Authorization', 'Bearer ');
    expect(res.status).toBe(401);
  });

  it('does not record its own reads or health checks', async () => {
    const a = app();
    await request(a).get('/health');
    await messages(a);
    await request(a).post('/echo').type('json').send({});
    expect((await messages(a)).map((m) => m.path)).toEqual(['/echo']);
  });

  it('streams as Server-Sent Events, resuming after Last-Event-ID', async () => {
    const a = app();
    for (let i = 0; i < 3; i++) await request(a).post('/echo').type('json').send({ i });
    const server = a.listen(0, '127.0.0.1');
    await new Promise((r) => server.once('listening', r));
    const { port } = server.address() as { port: number };
    const controller = new AbortController();
    try {
      const res = await fetch(`http://127.0.0.1:${port}/admin/messages`, {
        headers: { authorization: `Bearer ${ADMIN}`, accept: 'text/event-stream', 'last-event-id': '1' },
        signal: controller.signal,
      });
      expect(res.status).toBe(200);
      expect(res.headers.get('content-type')).toBe('text/event-stream');
      const reader = res.body!.getReader();
      let text = '';
      await fetch(`http://127.0.0.1:${port}/echo`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: '{"live":true}',
      });
      while ((text.match(/\n\n/g) ?? []).length < 3)
        text += new TextDecoder().decode((await reader.read()).value);
      const ids = [...text.matchAll(/^id: (\d+)$/gm)].map((m) => Number(m[1]));
      expect(ids).toEqual([2, 3, 4]);
      expect(text).toContain('{\\"live\\":true}');
    } finally {
      controller.abort();
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });

  it('keeps the certificate a client presented over mutual TLS, as PEM, decoded when read', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'obmock-tap-'));
    const ca = await loadOrCreateCa(dir, { crlUrl: 'https://localhost/crl', rootKeyBits: 2048 });
    const identity = (cn: string) => ecIdentity(ca, { cn, sanIps: ['127.0.0.1'] });

    const server = identity('localhost');
    const client = identity('tap-client');
    const a = app();
    const s = https.createServer({ ...server, requestCert: true, rejectUnauthorized: false }, a);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const { port } = s.address() as AddressInfo;
    const call = (path: string, withCert: boolean, headers: Record<string, string> = {}) =>
      new Promise<{ status: number; body: string }>((resolve, reject) => {
        const req = https.request(
          {
            host: '127.0.0.1',
            port,
            path,
            method: path === '/echo' ? 'POST' : 'GET',
            ca: ca.issuingCertPem,
            checkServerIdentity: () => undefined,
            rejectUnauthorized: false,
            agent: false,
            headers: { 'content-type': 'application/json', ...headers },
            ...(withCert ? client : {}),
          },
          (res) => {
            let body = '';
            res.on('data', (c) => {
              body += c;
            });
            res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
          },
        );
        req.on('error', reject);
        req.end(path === '/echo' ? '{"mtls":true}' : undefined);
      });
    try {
      expect((await call('/echo', true)).status).toBe(200);
      expect((await call('/echo', false)).status).toBe(200);
      const read = await call('/admin/messages', false, { authorization: `Bearer ${ADMIN}` });
      expect(read.status).toBe(200);
      const [withCert, without] = JSON.parse(read.body).messages as TappedMessage[];
      expect(withCert.requestBody).toBe('{"mtls":true}');
      expect(withCert.clientCertificate).toMatch(
        /^-----BEGIN CERTIFICATE-----\n[A-Za-z0-9+/=\n]+-----END CERTIFICATE-----\n$/,
      );
      expect(new X509Certificate(withCert.clientCertificate!).fingerprint256).toBe(
        new X509Certificate(client.cert).fingerprint256,
      );
      expect(without.clientCertificate).toBeUndefined();
    } finally {
      s.closeAllConnections();
      await new Promise((r) => s.close(r));
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
