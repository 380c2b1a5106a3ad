import http from 'node:http';
import net, { type AddressInfo } from 'node:net';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { silentLogger } from '../../lib/logger.js';
import { type RunningTppService, startTppService } from '../../tpp-client/service/index.js';
import { startTestSandbox, type TestSandbox } from '../helpers/sandbox.js';

// RFC 9112 §3.2 (audit F9): each service answers 400 to a request with more than one Host line,
// an invalid Host or (HTTP/1.1) none, with its usual error body; hand-written requests over TLS,
// since no HTTP client sends them.

let sb: TestSandbox;
let tpp: RunningTppService;
beforeAll(async () => {
  sb = await startTestSandbox();
  tpp = await startTppService(
    {
      dataDir: sb.dataDir,
      port: 0,
      banks: { default: sb.bank.discovery },
      directory: { url: sb.directory.url, caBundlePem: sb.caBundle, adminToken: sb.directory.adminToken },
    },
    { logger: silentLogger },
  );
}, 60_000);
afterAll(async () => {
  await tpp?.close();
  await sb?.close();
});

interface RawAnswer {
  status: number;
  headers: Record<string, string>;
  body: string;
}

/** Sends `head` (request line and header lines, without the blank line) and `body`, and reads the answer to the end. */
function rawRequest(url: string, head: string, body = ''): Promise<RawAnswer> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: hostname,
      port: Number(port),
      ca: sb.caBundle,
      servername: 'localhost',
    });
    const chunks: Buffer[] = [];
    socket.on('secureConnect', () => socket.write(`${head}\r\nConnection: close\r\n\r\n${body}`));
    socket.on('data', (c: Buffer) => chunks.push(c));
    socket.on('error', reject);
    socket.on('close', () => {
      const text = Buffer.concat(chunks).toString('utf8');
      const end = text.indexOf('\r\n\r\n');
      const lines = text.slice(0, end).split('\r\n');
      const headers: Record<string, string> = {};
      for (const line of lines.slice(1)) {
        const i = line.indexOf(':');
        headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
      }
      let body = text.slice(end + 4);
      if (/chunked/i.test(headers['transfer-encoding'] ?? '')) {
        let out = '';
        for (let rest = body; ; ) {
          const nl = rest.indexOf('\r\n');
          const size = Number.parseInt(rest.slice(0, nl), 16);
          if (!size) break;
          out += rest.slice(nl + 2, nl + 2 + size);
          rest = rest.slice(nl + 2 + size + 2);
        }
        body = out;
      }
      resolve({ status: Number(lines[0].split(' ')[1]), headers, body });
    });
  });
}

/** Each service, with an endpoint that answers a plain GET with 200. */
const services = (): [string, string, string][] => [
  ['directory', sb.directory.url, '/keystore/openbanking.jwks'],
  ['bank', sb.aspsp.url, `/banks/${sb.bank.id}/jwks`],
  ['tpp', tpp.url, '/jwks'],
];
const SERVICES = ['directory', 'bank', 'tpp'];
const at = (name: string) => services().find(([n]) => n === name)!;
const hostOf = (url: string) => new URL(url).host;

function expectRefusal(res: RawAnswer, description: RegExp): void {
  expect(res.status, res.body).toBe(400);
  expect(res.headers['content-type']).toMatch(/^application\/json/);
  const body = JSON.parse(res.body);
  expect(Object.keys(body).sort()).toEqual(['error', 'error_description']);
  expect(body.error).toBe('invalid_request');
  expect(body.error_description).toMatch(description);
}

describe.each(SERVICES)('%s: the Host header (RFC 9112 §3.2)', (name) => {
  it('a request with one Host gets its usual answer', async () => {
    const [, url, path] = at(name);
    const res = await rawRequest(url, `GET ${path} HTTP/1.1\r\nHost: ${hostOf(url)}`);
    expect(res.status, res.body).toBe(200);
    expect(JSON.parse(res.body)).toHaveProperty('keys');
  });

  it.each([
    ['two Host lines', (h: string) => `Host: ${h}\r\nHost: ${h}`],
    ['two different Hosts', (h: string) => `Host: ${h}\r\nHost: evil.example`],
    ['two Hosts spelled in different cases', (h: string) => `host: ${h}\r\nHOST: other.example`],
    ['a Host line between others, twice', (h: string) => `Host: ${h}\r\nAccept: */*\r\nhOsT: ${h}`],
  ])('%s: 400 invalid_request', async (_what, hosts) => {
    const [, url, path] = at(name);
    const res = await rawRequest(url, `GET ${path} HTTP/1.1\r\n${hosts(hostOf(url))}`);
    expectRefusal(res, /one Host header/);
  });

  it('no Host in HTTP/1.1: 400 invalid_request with the usual body (Node would answer with none)', async () => {
    const [, url, path] = at(name);
    expectRefusal(await rawRequest(url, `GET ${path} HTTP/1.1`), /carry a Host header/);
  });

  it('no Host in HTTP/1.0 (which did not require one): the usual answer', async () => {
    const [, url, path] = at(name);
    const res = await rawRequest(url, `GET ${path} HTTP/1.0`);
    expect(res.status, res.body).toBe(200);
  });

  it.each([
    ['a space', 'local host'],
    ['userinfo', 'user@localhost'],
    ['empty', ''],
    ['a path', 'localhost/x'],
    ['a non-numeric port', 'localhost:https'],
    ['a bad IPv6 literal', '[::g]:443'],
    ['a bad escape', 'local%zzhost'],
  ])('an invalid Host (%s): 400 invalid_request', async (_what, host) => {
    const [, url, path] = at(name);
    const res = await rawRequest(url, `GET ${path} HTTP/1.1\r\nHost: ${host}`);
    expectRefusal(res, /Host header must be a host name/);
  });

  it.each([
    ['a name and port', 'localhost:8443'],
    ['an IPv4 address', '127.0.0.1'],
    ['an IPv6 literal', '[::1]:443'],
    ['a name without port', 'bank.example'],
  ])('a valid Host (%s) is served', async (_what, host) => {
    const [, url, path] = at(name);
    const res = await rawRequest(url, `GET ${path} HTTP/1.1\r\nHost: ${host}`);
    expect(res.status, res.body).toBe(200);
  });

  it("the message tap's read endpoint refuses two Hosts too (the check comes before the tap)", async () => {
    const [, url] = at(name);
    const h = hostOf(url);
    const res = await rawRequest(
      url,
      `GET /admin/messages HTTP/1.1\r\nHost: ${h}\r\nHost: ${h}\r\nAuthorization: Bearer ${sb.directory.adminToken}`,
    );
    expectRefusal(res, /one Host header/);
  });

  it('keeps serving after the refusals', async () => {
    const [, url, path] = at(name);
    const res = await rawRequest(url, `GET ${path} HTTP/1.1\r\nHost: ${hostOf(url)}`);
    expect(res.status).toBe(200);
  });
});

describe("the bank's OAuth endpoints refuse two Hosts in the OAuth error shape", () => {
  it.each(['/token', '/register'])('POST %s', async (path) => {
    const h = hostOf(sb.aspsp.url);
    const body = 'grant_type=client_credentials&client_id=x';
    const res = await rawRequest(
      sb.aspsp.url,
      `POST /banks/${sb.bank.id}${path} HTTP/1.1\r\nHost: ${h}\r\nHost: ${h}\r\n` +
        `Content-Type: application/x-www-form-urlencoded\r\nContent-Length: ${body.length}`,
      body,
    );
    expectRefusal(res, /one Host header/);
    // FAPI 1.0 Baseline §6.2.1 (11): every answer carries an x-fapi-interaction-id, a UUID when none came
    expect(res.headers['x-fapi-interaction-id']).toMatch(
      /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/,
    );
  });

  it("echoes the client's x-fapi-interaction-id on a refused Host", async () => {
    const h = hostOf(sb.aspsp.url);
    const id = '93bac548-d2de-4546-b106-880a5018460d';
    const res = await rawRequest(
      sb.aspsp.url,
      `GET /banks/${sb.bank.id}/jwks HTTP/1.1\r\nHost: ${h}\r\nHost: ${h}\r\nx-fapi-interaction-id: ${id}`,
    );
    expectRefusal(res, /one Host header/);
    expect(res.headers['x-fapi-interaction-id']).toBe(id);
  });
});

describe("Node's own Host check, which listenHttps turns off", () => {
  it('answers a HTTP/1.1 request without Host 400 with an empty body, before the app runs', async () => {
    let reached = false;
    const server = http.createServer((_req, res) => {
      reached = true;
      res.end('{}');
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const answer = await new Promise<string>((resolve, reject) => {
        const socket = net.connect((server.address() as AddressInfo).port, '127.0.0.1', () =>
          socket.write('GET / HTTP/1.1\r\nConnection: close\r\n\r\n'),
        );
        let text = '';
        socket.on('data', (c: Buffer) => {
          text += c.toString('utf8');
        });
        socket.on('error', reject);
        socket.on('close', () => resolve(text));
      });
      expect(answer).toMatch(/^HTTP\/1\.1 400 /);
      expect(answer.slice(answer.indexOf('\r\n\r\n') + 4)).toMatch(/^(0\r\n\r\n)?$/);
      expect(reached).toBe(false);
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
    }
  });
});

// What Node's HTTP parser refuses never reaches an app: listenHttps's clientError listener
// (lib/http/client-error.ts) answers it with the services' usual JSON error body.
describe.each(SERVICES)('%s: a request the HTTP parser refuses', (name) => {
  function expectParserRefusal(res: RawAnswer, status: number, error: string): void {
    expect(res.status, res.body).toBe(status);
    expect(res.headers['content-type']).toBe('application/json; charset=utf-8');
    expect(res.headers.connection).toBe('close');
    expect(Number(res.headers['content-length'])).toBe(Buffer.byteLength(res.body));
    const body = JSON.parse(res.body);
    expect(Object.keys(body).sort()).toEqual(['error', 'error_description']);
    expect(body.error).toBe(error);
    expect(body.error_description).not.toMatch(/HPE_|llhttp|parse error|Invalid/i);
  }

  it.each([
    ['a header line without a colon', (h: string) => `GET / HTTP/1.1\r\nHost: ${h}\r\nno colon here`, ''],
    [
      'a Content-Length that is not a number',
      (h: string) => `POST / HTTP/1.1\r\nHost: ${h}\r\nContent-Length: abc`,
      '',
    ],
    [
      'both Content-Length and chunked',
      (h: string) => `POST / HTTP/1.1\r\nHost: ${h}\r\nContent-Length: 3\r\nTransfer-Encoding: chunked`,
      '0\r\n\r\n',
    ],
    ['a request line with no version', () => 'GET /', ''],
    [
      'a control character in a header value',
      (h: string) => `GET / HTTP/1.1\r\nHost: ${h}\r\nX-A: a\u0001b`,
      '',
    ],
  ])('%s: 400 invalid_request with a JSON body', async (_what, head, body) => {
    const [, url] = at(name);
    expectParserRefusal(await rawRequest(url, head(hostOf(url)), body), 400, 'invalid_request');
  });

  it('a request head over 16 KiB: 431 with a JSON body', async () => {
    const [, url, path] = at(name);
    const res = await rawRequest(
      url,
      `GET ${path} HTTP/1.1\r\nHost: ${hostOf(url)}\r\nX-Big: ${'a'.repeat(20_000)}`,
    );
    expectParserRefusal(res, 431, 'request_header_fields_too_large');
  });

  it('keeps serving afterwards', async () => {
    const [, url, path] = at(name);
    expect((await rawRequest(url, `GET ${path} HTTP/1.1\r\nHost: ${hostOf(url)}`)).status).toBe(200);
  });
});
