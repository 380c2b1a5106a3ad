import type { NextFunction, Request, Response } from 'express';
import { BadRequest, PayloadTooLarge, UnsupportedMediaType } from '../errors.js';

/** The media type of a request without parameters, lower-cased ('' when absent). */
export function mediaType(req: Request): string {
  const raw = req.headers['content-type'];
  if (!raw) return '';
  return raw.split(';')[0].trim().toLowerCase();
}

declare global {
  namespace Express {
    interface Request {
      rawBody?: Buffer;
    }
  }
}

/**
 * Reads the whole body into `req.rawBody`, refusing other media types (415)
 * and bodies over `limit` bytes (413) without buffering them.
 */
export function readBody(acceptedTypes: string[] | (() => string[]), limit: number | (() => number)) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const accepted = typeof acceptedTypes === 'function' ? acceptedTypes() : acceptedTypes;
    const max = typeof limit === 'function' ? limit() : limit;
    const type = mediaType(req);
    if (!accepted.includes(type)) {
      next(new UnsupportedMediaType(req.headers['content-type'], accepted));
      return;
    }
    const declared = Number(req.headers['content-length'] ?? '0');
    if (declared > max) {
      req.resume();
      next(new PayloadTooLarge(max));
      return;
    }
    const chunks: Buffer[] = [];
    let size = 0;
    let failed = false;
    req.on('data', (chunk: Buffer) => {
      if (failed) return;
      size += chunk.length;
      if (size > max) {
        failed = true;
        next(new PayloadTooLarge(max));
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (failed) return;
      // a body that came in one chunk is that chunk (a read of the socket nobody else holds): no copy
      req.rawBody = chunks.length === 1 ? chunks[0] : Buffer.concat(chunks, size);
      next();
    });
    req.on('error', (err) => {
      if (failed) return;
      failed = true;
      next(err);
    });
  };
}

/** Parses `req.rawBody` as a JSON object; anything else is a 400 naming the problem. */
export function jsonObject(req: Request): Record<string, unknown> {
  const text = (req.rawBody ?? Buffer.alloc(0)).toString('utf8');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BadRequest('request body is not valid JSON');
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new BadRequest('request body must be a JSON object');
  }
  return value as Record<string, unknown>;
}
