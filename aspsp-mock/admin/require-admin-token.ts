import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { Unauthorized } from '../../lib/errors.js';

const sha256 = (s: string): Buffer => createHash('sha256').update(s).digest();

/**
 * 401 unless the request carries `Authorization: Bearer <adminToken>`; always
 * 401 when no admin token is configured. A TPP's access token, client secret or
 * registration access token is never an admin token, so a TPP cannot use the
 * bank's admin routes.
 */
export function requireAdminToken(adminToken: string | undefined) {
  const expected = adminToken ? sha256(adminToken) : undefined;
  return (req: Request, _res: Response, next: NextFunction): void => {
    const match = /^Bearer[ ]+(\S+)\s*$/i.exec(req.headers.authorization ?? '');
    if (!match) {
      next(new Unauthorized('the admin token is required'));
      return;
    }
    if (!expected || !timingSafeEqual(sha256(match[1]), expected)) {
      next(new Unauthorized('the admin token is not valid'));
      return;
    }
    next();
  };
}
