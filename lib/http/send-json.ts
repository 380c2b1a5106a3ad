import type { ServerResponse } from 'node:http';

/**
 * Answers `status` with `body` as `application/json; charset=utf-8`, not
 * cacheable: what Express's `res.status().set('Cache-Control', 'no-store').json()`
 * sends, without its per-call content-type parsing and formatting, charset
 * rewriting and freshness check (for the bank's registration answers, on its
 * hot path). The body is serialised once and written as that string with its
 * UTF-8 length: Node sends headers and body in one write, with no Buffer made
 * for the body.
 */
export function sendJson(res: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  res.statusCode = status;
  res.setHeader('Cache-Control', 'no-store');
  res.setHeader('Content-Type', 'application/json; charset=utf-8');
  res.setHeader('Content-Length', Buffer.byteLength(text, 'utf8'));
  res.end(text, 'utf8');
}
