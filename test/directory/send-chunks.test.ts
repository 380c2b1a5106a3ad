import { once } from 'node:events';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Request, Response } from 'express';
import { afterEach, describe, expect, it } from 'vitest';
import { sendChunks } from '../../directory/respond.js';

/** The directory's large bodies (certificate listings, revoked JWKS) are sent a piece at a time. */
let server: http.Server | undefined;
afterEach(async () => {
  server?.close();
  server = undefined;
});

/** A server answering every request with `body` through sendChunks; `sent` settles as sendChunks does. */
async function serve(body: { chunks: Buffer[]; bytes: number }) {
  const sent: Promise<void>[] = [];
  server = http.createServer((req, res) => {
    sent.push(sendChunks(req as Request, res as Response, 200, 'application/json', body));
  });
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as AddressInfo;
  return { url: `http://127.0.0.1:${port}/`, sent };
}

describe('sendChunks', () => {
  it('sends the pieces in order, with the type and the whole length', async () => {
    const chunks = ['{"keys":[', '1,2', ',3', ']}'].map((t) => Buffer.from(t));
    const { url } = await serve({ chunks, bytes: 16 });
    const res = await fetch(url);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(res.headers.get('content-length')).toBe('16');
    expect(await res.json()).toEqual({ keys: [1, 2, 3] });
    const head = await fetch(url, { method: 'HEAD' });
    expect(head.headers.get('content-length')).toBe('16');
    expect(await head.text()).toBe('');
  });

  it('stops without an error when the client goes away mid-body', async () => {
    const piece = Buffer.alloc(256 * 1024, 0x20);
    const chunks = Array.from({ length: 200 }, () => piece); // 50 MB: more than any socket buffers
    const { url, sent } = await serve({ chunks, bytes: piece.length * chunks.length });
    await new Promise<void>((resolve, reject) => {
      const req = http.get(url, (res) => {
        res.once('data', () => {
          req.destroy();
          resolve();
        });
      });
      req.on('error', (err) => (req.destroyed ? resolve() : reject(err)));
    });
    while (sent.length === 0) await new Promise((r) => setTimeout(r, 5));
    await expect(sent[0]).resolves.toBeUndefined();
  });
});
