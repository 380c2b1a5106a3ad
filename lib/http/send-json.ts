import type { ServerResponse } from 'node:http';

/**
 * Answers `status` with `body` as `application/json; charset=utf-8`, not
 * cacheable: what Express's `res.status().set('Cache-Control', 'no-store').json()`
 * sends, without its per-call content-type parsing and formatting, charset
 * rewriting and freshness check (for the bank's registration answers, on its
 * hot path). The body is serialised once and written with its length.
 */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const bytes = Buffer.from(JSON.stringify(body), 'utf8');
  res.statusCode = status;
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', bytes.length);
  res.end(bytes);
}
