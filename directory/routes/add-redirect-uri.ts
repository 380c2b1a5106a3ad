import type { Request, Response } from 'express';
import { BadRequest, Conflict } from '../../lib/errors.js';
import { organisationInPath } from '../auth.js';
import type { DirectoryContext } from '../context.js';
import { MEDIA, sendJson } from '../respond.js';
import { SOFTWARE_STATEMENT_CREATE } from '../validation/schemas.js';
import { validateBody } from '../validation/validate.js';
import { softwareStatementView } from '../views/software-statement.js';
import { softwareStatementInPath } from './software-statements.js';

/** Media type of the swagger's SoftwareStatementRedirectURI request body. */
export const REDIRECT_URI_MEDIA = 'text/plain';

/** The create rules' `RedirectUri` alone: a table built once, as `validateObject` expects of a schema. */
const REDIRECT_URI_RULE = { RedirectUri: SOFTWARE_STATEMENT_CREATE.RedirectUri };

/**
 * The URIs of a `text/plain` body: one per line (the swagger's
 * SoftwareStatementRedirectURISchema is an array carried as text), blank
 * lines ignored, at least one.
 */
function urisOf(req: Request): string[] {
  const text = (req.rawBody ?? Buffer.alloc(0)).toString('utf8');
  const uris = text.split(/\r?\n/).filter((line) => line.length > 0);
  if (uris.length === 0) throw new BadRequest('body: one redirect URI per line is required');
  return uris;
}

/**
 * POST …/software-statement/{SoftwareStatementId}/redirect-uri: adds the
 * body's redirect URIs to the statement → 200 with the updated statement.
 * Each URI passes the same rules as `RedirectUri` on create (400 naming it);
 * one the statement already lists → 409 (the swagger's Conflict), nothing added.
 */
export function addRedirectUri(ctx: DirectoryContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const org = organisationInPath(ctx, req, 'write');
    const ss = softwareStatementInPath(ctx, req, org);
    const added = urisOf(req);
    const already = added.find((uri) => ss.RedirectUri.includes(uri));
    if (already !== undefined) throw new Conflict(`RedirectUri: ${already} is already registered`);
    if (new Set(added).size !== added.length) throw new BadRequest('body: a redirect URI is listed twice');
    const RedirectUri = [...ss.RedirectUri, ...added];
    validateBody({ RedirectUri }, REDIRECT_URI_RULE);
    const updated = { ...ss, RedirectUri, ModifiedAt: ctx.now().toISOString() };
    await ctx.repo.putSoftwareStatement(updated);
    sendJson(req, res, 200, softwareStatementView(ctx, updated), [MEDIA.softwareStatement, MEDIA.json]);
  };
}
