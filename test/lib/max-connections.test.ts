import { mkdtempSync, rmSync } from 'node:fs';
import https from 'node:https';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CertificateAuthority, loadOrCreateCa } from '../../certs/index.js';
import { listenHttps, MAX_CONNECTIONS, type RunningServer } from '../../lib/http/index.js';
import { ecIdentity } from '../helpers/ec-identity.js';

// A client opening connections faster than the 20 s handshake and header timeouts close them
// must not take every file descriptor of the process: past the cap a new connection is closed
// as it arrives, and the service goes on answering.

let dir: string;
let ca: CertificateAuthority;
let server: RunningServer;
const CAP = 4;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'obmock-max-connections-'));
  ca = await loadOrCreateCa(dir, { crlUrl: 'https://localhost/crl', keyType: 'ec' });
  server = await listenHttps({
    host: '127.0.0.1',
    port: 0,
    credentials: ecIdentity(ca, { cn: 'localhost', sanIps: ['127.0.0.1'] }),
    handler: (_req, res) => res.end('ok'),
    maxConnections: CAP,
  });
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** A silent connection; `closed` settles with how long the server kept it (ms). */
function silent(port: number): { socket: net.Socket; opened: Promise<void>; closed: Promise<number> } {
  const started = Date.now();
  const socket = net.connect(port, '127.0.0.1');
  socket.on('error', () => {});
  const opened = new Promise<void>((resolve) => socket.once('connect', () => resolve()));
  const closed = new Promise<number>((resolve) => socket.once('close', () => resolve(Date.now() - started)));
  return { socket, opened, closed };
}

const get = (port: number) =>
  new Promise<{ status?: number; body: string }>((resolve, reject) => {
    https
      .get({ host: '127.0.0.1', port, path: '/', rejectUnauthorized: false, agent: false }, (res) => {
        let body = '';
        res.on('data', (d) => {
          body += d;
        });
        res.on('end', () => resolve({ status: res.statusCode, body }));
      })
      .on('error', reject);
  });

const within = <T>(ms: number, p: Promise<T>) =>
  Promise.race([p, new Promise<'still open'>((r) => setTimeout(() => r('still open'), ms))]);

describe('listenHttps maxConnections', () => {
  it('defaults to MAX_CONNECTIONS', async () => {
    const other = await listenHttps({ host: '127.0.0.1', port: 0, handler: (_q, r) => r.end() });
    expect(other.server.maxConnections).toBe(MAX_CONNECTIONS);
    await other.close();
  });

  it('closes a connection past the cap on arrival, keeps the others, and answers once there is room', async () => {
    const held = Array.from({ length: CAP }, () => silent(server.port));
    await Promise.all(held.map((h) => h.opened));
    await new Promise((r) => setTimeout(r, 100)); // the server has accepted them

    const extra = silent(server.port);
    expect(await within(2000, extra.closed)).toBeLessThan(2000);
    for (const h of held) expect(await within(200, h.closed)).toBe('still open');

    for (const h of held) h.socket.destroy();
    await Promise.all(held.map((h) => h.closed));
    await new Promise((r) => setTimeout(r, 100));
    await expect(get(server.port)).resolves.toEqual({ status: 200, body: 'ok' });
  });
});
