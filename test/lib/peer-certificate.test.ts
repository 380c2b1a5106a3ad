import { X509Certificate } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import tls from 'node:tls';
import type { Request } from 'express';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { loadOrCreateCa } from '../../certs/index.js';
import { listenHttps, peerCertificateDer, type RunningServer } from '../../lib/http/index.js';
import { ecIdentity } from '../helpers/ec-identity.js';

// A connection's client certificate is read once per connection, which is only sound because
// listenHttps refuses TLS renegotiation (a TLS 1.2 client could otherwise present another
// certificate halfway through a connection).

let dir: string;
let server: RunningServer;
const ids: Record<'a' | 'b', { key: string; cert: string; subject: string }> = {} as never;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'obmock-peer-cert-'));
  const ca = await loadOrCreateCa(dir, { crlUrl: 'https://localhost/crl', keyType: 'ec' });
  const identity = (cn: string) => ({
    ...ecIdentity(ca, { cn, sanIps: ['127.0.0.1'] }),
    subject: `CN=${cn}`,
  });

  const tlsId = identity('localhost');
  ids.a = identity('client-a');
  ids.b = identity('client-b');
  server = await listenHttps({
    host: '127.0.0.1',
    port: 0,
    requestCert: true,
    credentials: { key: tlsId.key, cert: tlsId.cert },
    handler: (req, res) => {
      const der = peerCertificateDer(req as Request);
      res.setHeader('Content-Type', 'text/plain');
      res.end(der ? new X509Certificate(der).subject : 'none');
    },
  });
});

afterAll(async () => {
  await server?.close();
  rmSync(dir, { recursive: true, force: true });
});

/** One TLS 1.2 connection presenting `id` (or none). */
function connect(id?: { key: string; cert: string }): Promise<tls.TLSSocket> {
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host: '127.0.0.1',
      port: server.port,
      // what is tested is the server's view of the client; the client need not check the server
      rejectUnauthorized: false,
      maxVersion: 'TLSv1.2',
      ...(id ? { key: id.key, cert: id.cert } : {}),
    });
    socket.once('secureConnect', () => resolve(socket));
    socket.once('error', reject);
  });
}

/** A keep-alive GET on `socket`; resolves the body, or rejects when the connection ends first. */
function get(socket: tls.TLSSocket): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = '';
    const onData = (chunk: Buffer) => {
      text += chunk.toString('latin1');
      const head = text.indexOf('\r\n\r\n');
      const length = /content-length: (\d+)/i.exec(text)?.[1];
      if (head >= 0 && length !== undefined && text.length >= head + 4 + Number(length)) {
        cleanup();
        resolve(text.slice(head + 4, head + 4 + Number(length)));
      }
    };
    const onEnd = () => {
      cleanup();
      reject(new Error('connection closed'));
    };
    const cleanup = () => {
      socket.off('data', onData);
      socket.off('close', onEnd);
      socket.off('end', onEnd);
    };
    socket.on('data', onData);
    socket.once('close', onEnd);
    socket.once('end', onEnd);
    socket.write('GET / HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: keep-alive\r\n\r\n');
  });
}

describe('peerCertificateDer on a listenHttps server', () => {
  it('gives each request the certificate of its own connection, on every request of a keep-alive connection', async () => {
    const a = await connect(ids.a);
    const b = await connect(ids.b);
    const none = await connect();
    try {
      expect(await get(a)).toBe(ids.a.subject);
      expect(await get(b)).toBe(ids.b.subject);
      expect(await get(none)).toBe('none');
      expect(await get(a)).toBe(ids.a.subject);
      expect(await get(b)).toBe(ids.b.subject);
      expect(await get(none)).toBe('none');
    } finally {
      for (const s of [a, b, none]) s.destroy();
    }
  });

  it('refuses a client-initiated TLS 1.2 renegotiation: the connection is closed, no request is answered after it', async () => {
    const a = await connect(ids.a);
    a.on('error', () => undefined);
    try {
      expect(await get(a)).toBe(ids.a.subject);
      const closed = new Promise<void>((r) => a.once('close', () => r()));
      let renegotiated: Error | null | undefined;
      // the renegotiation's handshake runs with the next write: the request below
      const started = a.renegotiate({ rejectUnauthorized: false }, (err) => {
        renegotiated = err ?? null;
      });
      expect(started).toBe(true);
      await expect(get(a)).rejects.toThrow('connection closed');
      await closed;
      // never a completed renegotiation (its callback, if called at all, carries an error)
      expect(renegotiated).not.toBe(null);
    } finally {
      a.destroy();
    }
    // the server itself keeps serving new connections
    const again = await connect(ids.b);
    try {
      expect(await get(again)).toBe(ids.b.subject);
    } finally {
      again.destroy();
    }
  });

  it('reads the certificate without getPeerX509Certificate, which leaves native memory behind on a server socket', async () => {
    // Node 20: every server-side getPeerX509Certificate() keeps native memory that no GC gives
    // back (docs/bank.md, "Memory under many new connections"); a client opening a connection
    // per request would grow the process without limit. Each new connection here is read once.
    const spy = vi.spyOn(tls.TLSSocket.prototype, 'getPeerX509Certificate');
    try {
      for (const id of [ids.a, ids.b, ids.a, undefined]) {
        const socket = await connect(id);
        try {
          expect(await get(socket)).toBe(id ? id.subject : 'none');
        } finally {
          socket.destroy();
        }
      }
      expect(spy).not.toHaveBeenCalled();
    } finally {
      spy.mockRestore();
    }
  });
});
