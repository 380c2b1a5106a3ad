import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import { MethodNotAllowed } from '../lib/errors.js';
import { negotiate } from '../lib/http/index.js';

export const MEDIA = {
  json: 'application/json',
  softwareStatement: 'application/vnd.openbanking.directory.softwarestatement-v2+json',
  softwareStatementList: 'application/vnd.openbanking.directory.softwarestatement-list-v2+json',
  authorisationServer: 'application/vnd.openbanking.directory.authorisationserver-v2+json',
  authorisationServerList: 'application/vnd.openbanking.directory.authorisationserver-list-v2+json',
  scim: 'application/scim+json',
  jwk: 'application/jwk+json',
  jwkSet: 'application/jwk-set+json',
  jwt: 'application/jwt',
  pem: 'application/x-pem-file',
} as const;

/**
 * Sends JSON as the first of `offered` the client accepts (the OB media type first, then
 * application/json). See `sendText`.
 */
export function sendJson(
  req: Request,
  res: Response,
  status: number,
  body: unknown,
  offered: string[],
): void {
  sendText(req, res, status, negotiate(req, offered), JSON.stringify(body));
}

/**
 * Sends `text` as `type; charset=utf-8` with its length: the bytes and headers Express's
 * `res.status().type().send(string)` gives, written at once without its per-call content-type
 * parsing, charset rewriting and freshness check (the directory sets no ETag or Last-Modified,
 * so no answer is ever 304). A HEAD request gets the headers without the body.
 */
export function sendText(req: Request, res: Response, status: number, type: string, text: string): void {
  const bytes = Buffer.from(text, 'utf8');
  res.statusCode = status;
  res.setHeader('Content-Type', `${type}; charset=utf-8`);
  res.setHeader('Content-Length', bytes.length);
  if (req.method === 'HEAD') res.end();
  else res.end(bytes);
}

/**
 * `sendText` of a body already encoded, in pieces: each is written once the connection has taken
 * the one before (a body of megabytes is not encrypted and queued in one go). A client that goes
 * away mid-body ends the sending, not in an error.
 */
export async function sendChunks(
  req: Request,
  res: Response,
  status: number,
  type: string,
  body: { chunks: Buffer[]; bytes: number },
): Promise<void> {
  res.statusCode = status;
  res.setHeader('Content-Type', `${type}; charset=utf-8`);
  res.setHeader('Content-Length', body.bytes);
  if (req.method === 'HEAD') {
    res.end();
    return;
  }
  try {
    await pipeline(Readable.from(body.chunks), res);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'ERR_STREAM_PREMATURE_CLOSE') throw err;
  }
}

/** Terminal handler for a route's other methods: 405 with Allow. */
export function otherMethods(allowed: string[]): RequestHandler {
  return (_req: Request, _res: Response, next: NextFunction) => next(new MethodNotAllowed(allowed));
}

export const nowIso = (d: Date): string => d.toISOString();
