import type { Request, Response } from 'express';
import { BadRequest, Forbidden } from '../../lib/errors.js';
import { negotiate } from '../../lib/http/index.js';
import { organisationInPath } from '../auth.js';
import type { DirectoryContext } from '../context.js';
import { MEDIA, sendText } from '../respond.js';
import { signSsa, ssaClaims } from '../ssa.js';
import { softwareStatementInPath } from './software-statements.js';

/** Ten years either side of now: enough for any back- or forward-dated test SSA. */
const MAX_IAT_OFFSET_SECONDS = 10 * 365 * 86_400;

/**
 * Mock-only `?iat=<unix seconds>`: the admin may have the SSA signed with
 * that `iat` (a back-dated SSA for "too old" tests, a future one for clock
 * tests). Anyone else giving it gets 403; a malformed value 400.
 */
function requestedIat(ctx: DirectoryContext, req: Request): number | undefined {
  const raw = req.query.iat;
  if (raw === undefined) return undefined;
  if (req.principal?.kind !== 'admin') throw new Forbidden('iat is an admin-only parameter');
  if (typeof raw !== 'string' || !/^-?\d{1,12}$/.test(raw))
    throw new BadRequest('iat must be a whole number of seconds since 1970-01-01');
  const iat = Number(raw);
  const now = Math.floor(ctx.now().getTime() / 1000);
  if (Math.abs(iat - now) > MAX_IAT_OFFSET_SECONDS)
    throw new BadRequest('iat must be within ten years of now');
  return iat;
}

/**
 * GET …/software-statement/{id}/software-statement-assertion → a freshly
 * signed SSA (new iat and jti each time) as application/jwt. The SSA carries
 * the organisation's current status (a suspended organisation's SSA says
 * org_status Withdrawn, which banks must refuse). Inactive statements get 400.
 * The admin may set `iat` (`?iat=<unix seconds>`, mock-only).
 */
export function getSoftwareStatementAssertion(ctx: DirectoryContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const org = organisationInPath(ctx, req, 'read');
    const ss = softwareStatementInPath(ctx, req, org);
    const iat = requestedIat(ctx, req);
    if (!ss.Active) throw new BadRequest(`software statement ${ss.Id} is not active`);
    const claims = ssaClaims(ctx, org, ss);
    if (iat !== undefined) claims.iat = iat;
    const jwt = await signSsa(ctx, claims);
    sendText(req, res, 200, negotiate(req, [MEDIA.jwt, 'application/jws+json', 'application/jose']), jwt);
  };
}
