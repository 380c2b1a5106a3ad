import { mkdtempSync, rmSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type CertificateAuthority, loadOrCreateCa } from '../../certs/index.js';
import { listenHttps } from '../../lib/http/index.js';
import { serveJwks } from '../../tpp-client/index.js';
import { ecIdentity } from '../helpers/ec-identity.js';

// Closing a service's HTTPS server ends every connection. Node's closeAllConnections() ends
// only those the HTTP layer was given, after the TLS handshake: a client that connected and sent
// nothing, or stopped halfway through its ClientHello, kept server.close() — and so a SIGTERM'd
// `obmock up` — waiting for as long as it stayed connected.

let dir: string;
let ca: CertificateAuthority;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'obmock-server-close-'));
  ca = await loadOrCreateCa(dir, { crlUrl: 'https://localhost/crl', keyType: 'ec' });
});

afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A connection that does `start` once connected; resolves `closed` when the server ends it. */
function holdConnection(
  port: number,
  start: (socket: net.Socket) => void,
): { closed: Promise<void>; socket: net.Socket } {
  const socket = net.connect(port, '127.0.0.1', () => start(socket));
  socket.on('error', () => {});
  const closed = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  return { closed, socket };
}

/** The first bytes of a TLS 1.2 ClientHello record (a header announcing 512 bytes, then 6 of them). */
const HALF_CLIENT_HELLO = Buffer.from([0x16, 0x03, 0x01, 0x02, 0x00, 0x01, 0x00, 0x01, 0xfc, 0x03, 0x03]);

const within = <T>(ms: number, p: Promise<T>) =>
  Promise.race([p.then(() => 'done'), new Promise((r) => setTimeout(() => r('still waiting'), ms))]);

describe('listenHttps close()', () => {
  const cases: Array<[string, (socket: net.Socket) => void]> = [
    ['a client that connected and sent nothing', () => {}],
    ['a client halfway through its ClientHello', (s) => s.write(HALF_CLIENT_HELLO)],
  ];
  it.each(cases)('ends %s, and resolves at once', async (_name, start) => {
    const identity = ecIdentity(ca, { cn: 'localhost', sanIps: ['127.0.0.1'] });
    const server = await listenHttps({
      host: '127.0.0.1',
      port: 0,
      credentials: identity,
      handler: (_req, res) => res.end('ok'),
    });
    const held = holdConnection(server.port, start);
    // a second, ordinary keep-alive connection that completed its handshake
    const handshaken = tls.connect({ host: '127.0.0.1', port: server.port, rejectUnauthorized: false });
    handshaken.on('error', () => {});
    await new Promise((r) => handshaken.once('secureConnect', r));
    await new Promise((r) => setTimeout(r, 100)); // the server has accepted both
    const closing = server.close();
    expect(await within(3000, closing)).toBe('done');
    expect(await within(3000, held.closed)).toBe('done');
    held.socket.destroy();
    handshaken.destroy();
  });
});

describe('serveJwks close() (an eIDAS TPP hosting its JWKS)', () => {
  it.each([
    ['a client that connected and sent nothing', (_s: net.Socket) => {}],
    ['a client halfway through its ClientHello', (s: net.Socket) => s.write(HALF_CLIENT_HELLO)],
  ])('ends %s, and resolves at once', async (_name, start) => {
    const identity = ecIdentity(ca, { cn: 'localhost', sanIps: ['127.0.0.1'] });
    const served = await serveJwks({ ...identity, jwks: { keys: [] } });
    const held = holdConnection(served.port, start);
    await new Promise((r) => setTimeout(r, 100)); // the server has accepted it
    expect(await within(3000, served.close())).toBe('done');
    expect(await within(3000, held.closed)).toBe('done');
    held.socket.destroy();
  });
});
