import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { BadRequest } from '../errors.js';

/**
 * Request header fields that are not lists (RFC 9110 §5.3): a request may carry each at most
 * once. Node keeps only the first `Authorization` and `Content-Type` line in `req.headers` and
 * drops the rest, and joins repeated unknown fields with ", "; a proxy in front may keep
 * another line than Node does, so the credential or media type the service acts on would not
 * be the one that was checked upstream.
 */
export const SINGLE_HEADERS = ['authorization', 'content-type'] as const;

/**
 * Refuses, with 400 `invalid_request`, a request carrying one of `SINGLE_HEADERS` (and of
 * `extra`, lower case — e.g. the bank's client-certificate header) on more than one line.
 * Lines are counted in `rawHeaders`, whatever their case. Mount it beside `hostHeader`, before
 * anything that reads a credential or a body.
 */
export function singleHeaders(extra: readonly string[] = []): RequestHandler {
  const names = new Set<string>([...SINGLE_HEADERS, ...extra.map((n) => n.toLowerCase())]);
  return (req: Request, _res: Response, next: NextFunction): void => {
    const raw = req.rawHeaders;
    let seen: Set<string> | undefined;
    for (let i = 0; i < raw.length; i += 2) {
      const name = raw[i].toLowerCase();
      if (!names.has(name)) continue;
      seen ??= new Set();
      if (seen.has(name)) {
        next(new BadRequest(`the request must carry at most one ${name} header, not several`));
        return;
      }
      seen.add(name);
    }
    next();
  };
}
