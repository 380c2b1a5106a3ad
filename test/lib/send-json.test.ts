import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { describe, expect, it } from 'vitest';
import { sendJson } from '../../lib/http/index.js';

describe('sendJson', () => {
  it('answers the status, a non-cacheable UTF-8 JSON body and its byte length', async () => {
    const body = { client_id: 'c1', client_name: 'Zoë’s app', redirect_uris: ['https://tpp.example/cb'] };
    const server = createServer((_req, res) => sendJson(res, 201, body));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    try {
      const { port } = server.address() as AddressInfo;
      const res = await fetch(`http://127.0.0.1:${port}/`, { method: 'POST' });
      const text = await res.text();
      expect(res.status).toBe(201);
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
      expect(res.headers.get('cache-control')).toBe('no-store');
      expect(Number(res.headers.get('content-length'))).toBe(Buffer.byteLength(text));
      expect(Buffer.byteLength(text)).toBeGreaterThan(text.length); // multi-byte characters counted as bytes
      expect(JSON.parse(text)).toEqual(body);
    } finally {
      await new Promise((r) => server.close(r));
    }
  });
});
