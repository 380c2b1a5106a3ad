import { hash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, Response } from 'express';
import { Forbidden, NotFound, Unauthorized } from '../lib/errors.js';
import type { DirectoryContext } from './context.js';
import type { OrganisationRecord } from './model.js';
import { presentedCertificate } from './oauth/presented-certificate.js';

/**
 * Who is calling. An organisation authenticated by an OAuth access token of
 * the directory's authorisation server carries its `scopes`; one using a
 * simple-mode bearer token (from the admin API) carries none and is not
 * limited by scopes.
 */
export type Principal =
  | { kind: 'admin' }
  | { kind: 'organisation'; organisationId: string; scopes?: string[] };

declare global {
  namespace Express {
    interface Request {
      principal?: Principal;
    }
  }
}

export const hashToken = (token: string): string => hash('sha256', token, 'hex');

function bearerToken(req: Request): string | undefined {
  const header = req.headers.authorization;
  if (!header) return undefined;
  const match = /^Bearer[ ]+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(header);
  return match ? match[1] : undefined;
}

function sameHash(a: string, b: string): boolean {
  const x = Buffer.from(a, 'hex');
  const y = Buffer.from(b, 'hex');
  return x.length === y.length && timingSafeEqual(x, y);
}

/** Resolves the bearer token to the admin or an organisation; 401 otherwise. */
export function authenticate(ctx: DirectoryContext) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const token = bearerToken(req);
    if (!token) {
      next(new Unauthorized('a bearer token is required'));
      return;
    }
    const hash = hashToken(token);
    if (sameHash(hash, ctx.adminTokenHash)) {
      req.principal = { kind: 'admin' };
      next();
      return;
    }
    const credential = ctx.repo.credential(hash);
    if (credential && ctx.repo.organisation(credential.OrganisationId)) {
      req.principal = { kind: 'organisation', organisationId: credential.OrganisationId };
      next();
      return;
    }
    const grant = ctx.oauthTokens.lookup(token, ctx.now().getTime());
    if (!grant || !ctx.repo.organisation(grant.organisationId)) {
      next(new Unauthorized('the bearer token is not valid'));
      return;
    }
    // RFC 8705: an access token of the authorisation server works only over its certificate.
    const presented = presentedCertificate(req);
    if (presented?.x5tS256 !== grant.x5tS256) {
      next(
        new Unauthorized(
          presented
            ? 'the access token is bound to another client certificate (cnf.x5t#S256)'
            : 'no client certificate was presented; the access token is bound to one (cnf.x5t#S256)',
        ),
      );
      return;
    }
    req.principal = { kind: 'organisation', organisationId: grant.organisationId, scopes: grant.scopes };
    next();
  };
}

export function requireAdmin(req: Request, _res: Response, next: NextFunction): void {
  next(req.principal?.kind === 'admin' ? undefined : new Forbidden('the admin token is required'));
}

/**
 * The organisation named by `:OrganisationId`, if the caller may act on it:
 * the admin may act on any; an organisation only on itself (403 otherwise,
 * without saying whether the other organisation exists). Changes need an
 * Active organisation.
 */
export function organisationInPath(
  ctx: DirectoryContext,
  req: Request,
  mode: 'read' | 'write',
): OrganisationRecord {
  const id = String(req.params.OrganisationId);
  const principal = req.principal;
  if (!principal) throw new Unauthorized();
  if (principal.kind === 'organisation' && principal.organisationId !== id) {
    throw new Forbidden('this token belongs to another organisation');
  }
  const org = ctx.repo.organisation(id);
  if (!org) throw new NotFound(`organisation ${id} not found`);
  if (mode === 'write' && org.Status !== 'Active' && principal.kind !== 'admin') {
    throw new Forbidden(`organisation ${id} is ${org.Status}; only Active organisations can make changes`);
  }
  return org;
}
