import { X509Certificate } from 'node:crypto';
import https from 'node:https';
import net, { type AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createHttpClient,
  HttpNetworkError,
  HttpTimeoutError,
  httpClientForMaterial,
  InvalidResponseError,
  type TppMaterial,
} from '../../tpp-client/index.js';
import {
  keyPool,
  onboardTestTpp,
  type StubServer,
  sendJson,
  serverCredentials,
  startStubServer,
  startTestDirectory,
  type TestDirectory,
} from './helpers.js';

let t: TestDirectory;
let material: TppMaterial;
let credentials: { key: string; cert: string };
let stub: StubServer;

beforeAll(async () => {
  t = await startTestDirectory();
  material = await onboardTestTpp(t);
  credentials = await serverCredentials(t.dir.ctx.ca);
  stub = await startStubServer(credentials, t.caBundlePem, (req, res) => {
    if (req.path === '/silent') return; // never answers
    if (req.path === '/stall-body') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.write('{"partial":');
      return; // never ends
    }
    if (req.path === '/big') {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('x'.repeat(4096));
      return;
    }
    if (req.path === '/text') {
      res.writeHead(502, { 'Content-Type': 'text/html' });
      res.end('<html>bad gateway</html>');
      return;
    }
    const peer = req.peerCertDer ? new X509Certificate(req.peerCertDer) : undefined;
    sendJson(
      res,
      201,
      {
        method: req.method,
        path: req.path,
        contentType: req.headers['content-type'] ?? null,
        body: req.body,
        peerSubject: peer?.subject ?? null,
        peerAuthorized: req.peerAuthorized,
      },
      { 'X-Test': 'yes' },
    );
  });
});
afterAll(async () => {
  await stub.close();
  await t.close();
  keyPool.close();
});

describe('createHttpClient over mutual TLS', () => {
  it('presents the transport certificate; the server sees it and it chains to the directory CA', async () => {
    const http = httpClientForMaterial(material, { timeoutMs: 5_000 });
    try {
      const res = await http.request('POST', `${stub.url}/echo?x=1`, {
        headers: { 'Content-Type': 'application/jose' },
        body: 'a.b.c',
      });
      expect(res.status).toBe(201);
      expect(res.headers['x-test']).toBe('yes');
      expect(res.headers['content-type']).toBe('application/json');
      expect(res.json()).toEqual({
        method: 'POST',
        path: '/echo?x=1',
        contentType: 'application/jose',
        body: 'a.b.c',
        peerSubject: `C=GB\nO=OpenBanking\nOU=${material.organisationId}\nCN=${material.softwareStatementId}`,
        peerAuthorized: true,
      });
      const last = stub.requests.at(-1)!;
      expect(last.peerCertDer!.equals(new X509Certificate(material.transport.certPem).raw)).toBe(true);
    } finally {
      await http.close();
    }
  });

  it('sends no certificate when given none', async () => {
    const http = createHttpClient({ ca: t.caBundlePem, timeoutMs: 5_000 });
    try {
      const res = await http.request('GET', `${stub.url}/echo`);
      expect(res.json()).toMatchObject({ peerSubject: null, peerAuthorized: false });
    } finally {
      await http.close();
    }
  });

  it('sends its userAgent with every call unless the call names its own; none without the option', async () => {
    const uaOf = (i: number) => stub.requests[stub.requests.length - i].headers['user-agent'];
    const named = httpClientForMaterial(material, {
      timeoutMs: 5_000,
      userAgent: 'obmock-console TPP (session 7)',
    });
    const plain = createHttpClient({ ca: t.caBundlePem, timeoutMs: 5_000 });
    try {
      await named.request('GET', `${stub.url}/echo`);
      expect(uaOf(1)).toBe('obmock-console TPP (session 7)');
      await named.request('POST', `${stub.url}/echo`, { headers: { 'User-Agent': 'own/1' }, body: '{}' });
      expect(uaOf(1)).toBe('own/1');
      await plain.request('GET', `${stub.url}/echo`);
      expect(uaOf(1)).toBeUndefined();
    } finally {
      await named.close();
      await plain.close();
    }
    expect(() =>
      createHttpClient({ ca: t.caBundlePem, timeoutMs: 1_000, userAgent: 'a\r\nX-Injected: 1' }),
    ).toThrow('userAgent must be 1 to 200 printable ASCII characters');
  });

  it('keeps the connection alive across calls', async () => {
    const http = httpClientForMaterial(material, { timeoutMs: 5_000 });
    try {
      const before = stub.connections();
      // back to back: the client waits for undici to free the connection before returning
      for (let i = 0; i < 3; i++) expect((await http.request('GET', `${stub.url}/echo`)).status).toBe(201);
      // at most one new connection: none when an earlier client of the same identity left one open
      expect(stub.connections() - before).toBeLessThanOrEqual(1);
    } finally {
      await http.close();
    }
  });

  it('throws InvalidResponseError from json() on a body that is not JSON, but returns any status', async () => {
    const http = createHttpClient({ ca: t.caBundlePem, timeoutMs: 5_000 });
    try {
      const res = await http.request('GET', `${stub.url}/text`);
      expect(res.status).toBe(502);
      expect(res.text).toBe('<html>bad gateway</html>');
      expect(() => res.json()).toThrow(InvalidResponseError);
    } finally {
      await http.close();
    }
  });
});

describe('timeouts', () => {
  it('a server that never answers times out within the configured time', async () => {
    const http = httpClientForMaterial(material, { timeoutMs: 300 });
    try {
      const started = performance.now();
      const err = await http.request('GET', `${stub.url}/silent`).catch((e: unknown) => e);
      const elapsed = performance.now() - started;
      expect(err).toBeInstanceOf(HttpTimeoutError);
      expect(err).toMatchObject({ code: 'timeout', phase: 'response', timeoutMs: 300, method: 'GET' });
      expect((err as Error).message).toBe(
        `GET ${stub.url}/silent timed out after 300 ms while waiting for the response`,
      );
      expect(elapsed).toBeGreaterThanOrEqual(290);
      expect(elapsed).toBeLessThan(1_300); // the limit plus scheduling slack on a loaded machine
    } finally {
      await http.close();
    }
  });

  it('a body that stalls times out in the body phase; a per-call limit wins over the client one', async () => {
    // its own identity (a response limit no other test uses): clients of one identity share kept-alive
    // connections, and one the server closed meanwhile would cost a reconnect inside the 250 ms
    const http = createHttpClient({ ca: t.caBundlePem, timeoutMs: 10_000, maxResponseBytes: 64 * 1024 });
    try {
      const started = performance.now();
      const err = await http
        .request('GET', `${stub.url}/stall-body`, { timeoutMs: 250 })
        .catch((e: unknown) => e);
      expect(err).toMatchObject({ name: 'HttpTimeoutError', phase: 'body', timeoutMs: 250 });
      expect(performance.now() - started).toBeLessThan(1_250);
    } finally {
      await http.close();
    }
  });

  it('a server that accepts TCP but never completes TLS times out while connecting', async () => {
    const sockets = new Set<net.Socket>();
    const silent = net.createServer((s) => {
      sockets.add(s);
      s.on('error', () => {});
    });
    await new Promise<void>((r) => silent.listen(0, '127.0.0.1', r));
    const port = (silent.address() as AddressInfo).port;
    const http = createHttpClient({ ca: t.caBundlePem, timeoutMs: 5_000, connectTimeoutMs: 200 });
    try {
      const started = performance.now();
      const err = await http.request('GET', `https://127.0.0.1:${port}/`).catch((e: unknown) => e);
      expect(err).toMatchObject({ name: 'HttpTimeoutError', phase: 'connect' });
      // undici enforces the connect limit with coarse timers (up to ~1 s late)
      expect(performance.now() - started).toBeLessThan(2_500);
    } finally {
      await http.close();
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => silent.close(() => r()));
    }
  });
});

describe('network failures', () => {
  it('an untrusted server certificate is a HttpNetworkError with the TLS code', async () => {
    const http = createHttpClient({ ca: material.transport.certPem, timeoutMs: 5_000 });
    try {
      const err = await http.request('GET', `${stub.url}/echo`).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HttpNetworkError);
      expect((err as HttpNetworkError).code).toMatch(
        /^(UNABLE_TO_VERIFY_LEAF_SIGNATURE|UNABLE_TO_GET_ISSUER_CERT_LOCALLY)$/,
      );
    } finally {
      await http.close();
    }
  });

  it('a refused connection is ECONNREFUSED', async () => {
    const probe = net.createServer();
    await new Promise<void>((r) => probe.listen(0, '127.0.0.1', r));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((r) => probe.close(() => r()));
    const http = createHttpClient({ ca: t.caBundlePem, timeoutMs: 2_000 });
    try {
      await expect(http.request('GET', `https://127.0.0.1:${port}/`)).rejects.toMatchObject({
        name: 'HttpNetworkError',
        code: 'ECONNREFUSED',
      });
    } finally {
      await http.close();
    }
  });

  it('a server that requires a client certificate refuses a client without one', async () => {
    const strict = https.createServer(
      { ...credentials, ca: t.caBundlePem, requestCert: true, rejectUnauthorized: true },
      (_req, res) => {
        res.end('ok');
      },
    );
    await new Promise<void>((r) => strict.listen(0, '127.0.0.1', r));
    const port = (strict.address() as AddressInfo).port;
    const anonymous = createHttpClient({ ca: t.caBundlePem, timeoutMs: 2_000 });
    const mutual = httpClientForMaterial(material, { timeoutMs: 2_000 });
    try {
      const err = await anonymous.request('GET', `https://127.0.0.1:${port}/`).catch((e: unknown) => e);
      expect(err).toBeInstanceOf(HttpNetworkError);
      expect((err as Error).message).toMatch(
        /no client certificate was presented and the server may require mutual TLS/,
      );
      expect((await mutual.request('GET', `https://127.0.0.1:${port}/`)).text).toBe('ok');
    } finally {
      await anonymous.close();
      await mutual.close();
      await new Promise<void>((r) => {
        strict.close(() => r());
        strict.closeAllConnections();
      });
    }
  });

  it('refuses a response larger than maxResponseBytes', async () => {
    const http = createHttpClient({ ca: t.caBundlePem, timeoutMs: 5_000, maxResponseBytes: 1024 });
    try {
      await expect(http.request('GET', `${stub.url}/big`)).rejects.toMatchObject({
        name: 'HttpNetworkError',
        code: 'UND_ERR_RES_EXCEEDED_MAX_SIZE',
      });
    } finally {
      await http.close();
    }
  });

  it('checks its options', () => {
    expect(() => createHttpClient({ ca: t.caBundlePem, timeoutMs: 0 })).toThrow(RangeError);
    expect(() =>
      createHttpClient({ ca: t.caBundlePem, timeoutMs: 1_000, cert: material.transport.certPem }),
    ).toThrow('createHttpClient: cert and key must be given together');
  });
});
