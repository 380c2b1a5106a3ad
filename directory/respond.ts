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

/** Sends JSON as the first of `offered` the client accepts (the OB media type first, then application/json). */
export function sendJson(
  req: Request,
  res: Response,
  status: number,
  body: unknown,
  offered: string[],
): void {
  res.status(status).type(negotiate(req, offered)).send(JSON.stringify(body));
}

/** Terminal handler for a route's other methods: 405 with Allow. */
export function otherMethods(allowed: string[]): RequestHandler {
  return (_req: Request, _res: Response, next: NextFunction) => next(new MethodNotAllowed(allowed));
}

export const nowIso = (d: Date): string => d.toISOString();
