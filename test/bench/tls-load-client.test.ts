import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLoadClient, send } from '../../bench/lib/http.js';
import { createTlsLoadClient } from '../../bench/lib/tls-load-client.js';
import {
  type CertificateAuthority,
  createCsr,
  generateRsaKeyPair,
  issueCertificate,
  loadOrCreateCa,
  parseCsr,
} from '../../certs/index.js';

const CTX = { orgId: 'x', legalName: 'x', organisationIdentifier: '', roles: [] };

let work: string;
let ca: CertificateAuthority;
let serverIdentity: { key: string; cert: string };
let clientIdentity: { key: string; cert: string };

async function identity(cn: string): Promise<{ key: string; cert: string }> {
  const key = await generateRsaKeyPair(2048);
  const csr = parseCsr(
    createCsr({ key, subject: [{ name: 'CN', value: cn }], sanDns: ['localhost'], sanIps: ['127.0.0.1'] }),
  );
  const cert = issueCertificate(ca, { type: 'server', csr, ctx: CTX });
  return { key: key.privateKeyPem, cert: cert.pem + ca.issuingCertPem };
}

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'obmock-load-client-'));
  ca = await loadOrCreateCa(work, { crlUrl: 'https://127.0.0.1/ca/issuing.crl', rootKeyBits: 2048 });
  [serverIdentity, clientIdentity] = await Promise.all([identity('server'), identity('load client')]);
}, 60_000);

afterAll(() => rmSync(work, { recursive: true, force: true }));

type Handler = (req: IncomingMessage, res: ServerResponse, body: Buffer) => void;

/** An HTTPS server on 127.0.0.1 answering with `handler`; counts the TCP connections it accepted. */
async function serve(handler: Handler, options: https.ServerOptions = {}) {
  const server = https.createServer({ ...serverIdentity, ...options }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => handler(req, res, Buffer.concat(chunks)));
  });
  let connections = 0;
  server.on('secureConnection', () => connections++);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  return {
    server,
    origin: `https://127.0.0.1:${(server.address() as AddressInfo).port}`,
    connections: () => connections,
    async close() {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

const echo: Handler = (req, res, body) => {
  const text = JSON.stringify({
    method: req.method,
    url: req.url,
    type: req.headers['content-type'],
    body: body.toString(),
  });
  res.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
  res.end(text);
};

describe('the load generator client', () => {
  it('sends method, path, headers and body, and reads a Content-Length answer, over one kept-alive connection', async () => {
    const s = await serve(echo);
    const client = createLoadClient(s.origin, ca.bundlePem, 1);
    try {
      for (let i = 0; i < 20; i++) {
        const res = await send(
          client,
          {
            method: 'POST',
            path: `/x?i=${i}`,
            headers: { 'content-type': 'text/plain' },
            body: `é body ${i}`,
          },
          200,
        );
        expect(JSON.parse(res.body)).toEqual({
          method: 'POST',
          url: `/x?i=${i}`,
          type: 'text/plain',
          body: `é body ${i}`,
        });
        expect(res.headers['content-type']).toBe('application/json');
      }
      expect(s.connections()).toBe(1);
    } finally {
      await client.close();
      await s.close();
    }
  });

  it('throws the expected-status error with the answer for any other status', async () => {
    const s = await serve((_req, res) => {
      res.writeHead(400, { 'content-type': 'application/json' });
      res.end('{"error":"invalid_client_metadata"}');
    });
    const client = createLoadClient(s.origin, ca.bundlePem, 1);
    try {
      await expect(send(client, { method: 'GET', path: '/r' }, 201)).rejects.toThrow(
        'GET /r: expected 201, got 400: {"error":"invalid_client_metadata"}',
      );
    } finally {
      await client.close();
      await s.close();
    }
  });

  it('reads a chunked answer, a 204 and the answer to HEAD', async () => {
    const s = await serve((req, res) => {
      if (req.url === '/empty') {
        res.writeHead(204);
        res.end();
        return;
      }
      res.write('ab');
      setTimeout(() => {
        res.write('c'.repeat(70_000));
        res.end('d');
      }, 10);
    });
    const client = createLoadClient(s.origin, ca.bundlePem, 1);
    try {
      const res = await send(client, { method: 'GET', path: '/chunked' }, 200);
      expect(res.headers['transfer-encoding']).toBe('chunked');
      expect(res.body).toBe(`ab${'c'.repeat(70_000)}d`);
      expect((await send(client, { method: 'DELETE', path: '/empty' }, 204)).body).toBe('');
      const head = await send(client, { method: 'HEAD', path: '/chunked' }, 200);
      expect(head.body).toBe('');
      expect((await send(client, { method: 'GET', path: '/chunked' }, 200)).body).toHaveLength(70_003);
      expect(s.connections()).toBe(1);
    } finally {
      await client.close();
      await s.close();
    }
  });

  it('keeps at most `connections` requests in flight, each on its own connection', async () => {
    let inFlight = 0;
    let most = 0;
    const s = await serve((req, res, body) => {
      inFlight++;
      most = Math.max(most, inFlight);
      setTimeout(() => {
        inFlight--;
        echo(req, res, body);
      }, 30);
    });
    const client = createLoadClient(s.origin, ca.bundlePem, 3);
    try {
      const answers = await Promise.all(
        Array.from({ length: 10 }, (_, i) => send(client, { method: 'GET', path: `/p${i}` }, 200)),
      );
      expect(answers.map((a) => JSON.parse(a.body).url)).toEqual(
        Array.from({ length: 10 }, (_, i) => `/p${i}`),
      );
      expect(most).toBe(3);
      expect(s.connections()).toBe(3);
    } finally {
      await client.close();
      await s.close();
    }
  });

  it('opens a new connection after `Connection: close`, and before the server’s keep-alive time runs out', async () => {
    const s = await serve((req, res, body) => {
      if (req.url === '/close') res.setHeader('connection', 'close');
      echo(req, res, body);
    });
    s.server.keepAliveTimeout = 1_500; // announced as timeout=1: reused for at most 0 s
    const client = createLoadClient(s.origin, ca.bundlePem, 1);
    try {
      await send(client, { method: 'GET', path: '/close' }, 200);
      await send(client, { method: 'GET', path: '/a' }, 200);
      expect(s.connections()).toBe(2);
      await new Promise((r) => setTimeout(r, 20));
      await send(client, { method: 'GET', path: '/b' }, 200);
      expect(s.connections()).toBe(3);
    } finally {
      await client.close();
      await s.close();
    }
  });

  it('presents its certificate for mutual TLS, and fails without one where the server requires it', async () => {
    const s = await serve(
      (req, res) => {
        const cn = String((req.socket as TLSSocket).getPeerCertificate().subject.CN);
        res.writeHead(200, { 'content-length': Buffer.byteLength(cn) });
        res.end(cn);
      },
      { requestCert: true, rejectUnauthorized: true, ca: ca.bundlePem },
    );
    const mtls = createTlsLoadClient({
      origin: s.origin,
      connections: 1,
      tls: { ca: ca.bundlePem, ...clientIdentity },
    });
    const anonymous = createLoadClient(s.origin, ca.bundlePem, 1);
    try {
      expect((await send(mtls, { method: 'GET', path: '/' }, 200)).body).toBe('load client');
      await expect(send(anonymous, { method: 'GET', path: '/' }, 200)).rejects.toThrow();
    } finally {
      await mtls.close();
      await anonymous.close();
      await s.close();
    }
  });

  it('refuses a server its CA did not issue', async () => {
    const s = await serve(echo);
    const other = mkdtempSync(join(tmpdir(), 'obmock-load-client-other-'));
    try {
      const otherCa = await loadOrCreateCa(other, { crlUrl: 'https://127.0.0.1/x.crl', keyType: 'ec' });
      const client = createLoadClient(s.origin, otherCa.bundlePem, 1);
      await expect(send(client, { method: 'GET', path: '/' }, 200)).rejects.toThrow(/certificate/i);
      await client.close();
    } finally {
      rmSync(other, { recursive: true, force: true });
      await s.close();
    }
  });

  it.each([
    [
      'an HTTP/1.0 status line',
      'HTTP/1.0 200 OK\r\ncontent-length: 0\r\n\r\n',
      /not an HTTP\/1\.1 status line/,
    ],
    ['no framing header', 'HTTP/1.1 200 OK\r\nx: y\r\n\r\nabc', /without Content-Length or chunked/],
    [
      'a malformed Content-Length',
      'HTTP/1.1 200 OK\r\ncontent-length: 1e3\r\n\r\n',
      /malformed Content-Length/,
    ],
    [
      'more bytes than announced',
      'HTTP/1.1 200 OK\r\ncontent-length: 1\r\n\r\nabc',
      /more bytes than Content-Length/,
    ],
    [
      'a malformed chunk size',
      'HTTP/1.1 200 OK\r\ntransfer-encoding: chunked\r\n\r\nzz\r\n',
      /malformed chunk size/,
    ],
    ['a head over 64 KiB', `HTTP/1.1 200 OK\r\nx: ${'y'.repeat(70_000)}`, /answer head too large/],
    ['an interim answer', 'HTTP/1.1 100 Continue\r\n\r\n', /interim answer 100/],
  ])('refuses an answer with %s, and the next request gets a new connection', async (_name, raw, error) => {
    const s = await serve((req, res, body) => {
      if (req.url === '/raw') {
        req.socket.write(raw);
        return;
      }
      echo(req, res, body);
    });
    const client = createLoadClient(s.origin, ca.bundlePem, 1);
    try {
      await expect(send(client, { method: 'GET', path: '/raw' }, 200)).rejects.toThrow(error);
      expect(JSON.parse((await send(client, { method: 'GET', path: '/ok' }, 200)).body).url).toBe('/ok');
      expect(s.connections()).toBe(2);
    } finally {
      await client.close();
      await s.close();
    }
  });

  it('gives up on an answer that does not come within its time, and carries on', async () => {
    const s = await serve((req, res, body) => {
      if (req.url !== '/never') echo(req, res, body);
    });
    const client = createTlsLoadClient({
      origin: s.origin,
      connections: 1,
      tls: { ca: ca.bundlePem },
      timeoutMs: 200,
    });
    try {
      await expect(send(client, { method: 'GET', path: '/never' }, 200)).rejects.toThrow(
        'GET /never: no answer in 200 ms',
      );
      expect((await send(client, { method: 'GET', path: '/ok' }, 200)).status).toBe(200);
    } finally {
      await client.close();
      await s.close();
    }
  });

  it('fails a request in flight when the server drops the connection', async () => {
    const s = await serve((req, res, body) => {
      if (req.url === '/drop') req.socket.destroy();
      else echo(req, res, body);
    });
    const client = createLoadClient(s.origin, ca.bundlePem, 1);
    try {
      await expect(send(client, { method: 'GET', path: '/drop' }, 200)).rejects.toThrow(
        /closed the connection/,
      );
      expect((await send(client, { method: 'GET', path: '/ok' }, 200)).status).toBe(200);
    } finally {
      await client.close();
      await s.close();
    }
  });

  it('speaks HTTPS only', () => {
    expect(() => createLoadClient('http://127.0.0.1:1', ca.bundlePem, 1)).toThrow('HTTPS only');
  });
});
