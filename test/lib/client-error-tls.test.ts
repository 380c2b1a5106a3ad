import { mkdtempSync, rmSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadOrCreateCa } from '../../certs/index.js';
import { answerClientError } from '../../lib/http/client-error.js';
import { ecIdentity } from '../helpers/ec-identity.js';

// An HTTPS server reports a failed or timed-out TLS handshake to its clientError listener too.
// answerClientError used to write its HTTP answer there, which waits for a handshake that never
// comes: a client that connected and sent nothing, or half a ClientHello, kept its connection
// (and a file descriptor of the service) for as long as it liked, the handshake timeout
// notwithstanding. Here the server is listenHttps's, with a handshake timeout of 0.5 s.

let dir: string;
let server: https.Server;
let port: number;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'obmock-client-error-tls-'));
  const ca = await loadOrCreateCa(dir, { crlUrl: 'https://localhost/crl', keyType: 'ec' });
  server = https.createServer(
    { ...ecIdentity(ca, { cn: 'localhost', sanIps: ['127.0.0.1'] }), handshakeTimeout: 500 },
    (_req, res) => res.end('ok'),
  );
  server.on('clientError', answerClientError);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  port = (server.address() as AddressInfo).port;
});

afterAll(async () => {
  server.closeAllConnections();
  await new Promise((r) => server.close(r));
  rmSync(dir, { recursive: true, force: true });
});

/** Connects, sends `bytes`, and resolves with how long the server took to close the connection (or 'open'). */
function closedWithin(bytes: Buffer, limitMs: number): Promise<number | 'open'> {
  return new Promise((resolve) => {
    const started = Date.now();
    const socket = net.connect(port, '127.0.0.1', () => {
      if (bytes.length) socket.write(bytes);
    });
    socket.on('error', () => {});
    const timer = setTimeout(() => {
      socket.destroy();
      resolve('open');
    }, limitMs);
    socket.once('close', () => {
      clearTimeout(timer);
      resolve(Date.now() - started);
    });
  });
}

/** The first bytes of a TLS ClientHello record (a header announcing 512 bytes, then 6 of them). */
const HALF_CLIENT_HELLO = Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]);

describe('a connection whose TLS handshake never completes is closed', () => {
  it.each([
    ['that sends nothing', Buffer.alloc(0)],
    ['that stops halfway through its ClientHello', HALF_CLIENT_HELLO],
  ])('a client %s: closed at the handshake timeout', async (_name, bytes) => {
    const ms = await closedWithin(bytes, 3000);
    expect(ms).not.toBe('open');
    expect(ms).toBeGreaterThanOrEqual(400);
  });

  it('a client that sends its whole ClientHello and then nothing (the server has answered): closed at the handshake timeout', async () => {
    // a relay that passes on the client's first flight only
    const relay = net.createServer((client) => {
      const upstream = net.connect(port, '127.0.0.1');
      let first = true;
      client.on('data', (d) => {
        if (first) upstream.write(d);
        first = false;
      });
      upstream.on('data', (d) => client.write(d));
      upstream.on('close', () => client.destroy());
      for (const s of [client, upstream]) s.on('error', () => {});
    });
    await new Promise<void>((resolve) => relay.listen(0, '127.0.0.1', resolve));
    const started = Date.now();
    const client = tls.connect({
      port: (relay.address() as AddressInfo).port,
      host: '127.0.0.1',
      rejectUnauthorized: false,
    });
    client.on('error', () => {});
    const closed = await Promise.race([
      new Promise((r) => client.once('close', () => r(Date.now() - started))),
      new Promise((r) => setTimeout(() => r('open'), 3000)),
    ]);
    client.destroy();
    relay.close();
    expect(closed).not.toBe('open');
    expect(closed).toBeGreaterThanOrEqual(400);
  });

  it('a client that sends bytes that are not TLS: closed at once', async () => {
    const ms = await closedWithin(Buffer.from('GET / HTTP/1.1\r\nHost: localhost\r\n\r\n'), 3000);
    expect(ms).not.toBe('open');
    expect(ms).toBeLessThan(400);
  });
});
