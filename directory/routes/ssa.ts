import type { Request, Response } from 'express';
import { BadRequest } from '../../lib/errors.js';
import { negotiate } from '../../lib/http/index.js';
import { organisationInPath } from '../auth.js';
import type { DirectoryContext } from '../context.js';
import { MEDIA } from '../respond.js';
import { signSsa, ssaClaims } from '../ssa.js';
import { softwareStatementInPath } from './software-statements.js';

/**
 * GET …/software-statement/{id}/software-statement-assertion → a freshly
 * signed SSA (new iat and jti each time) as application/jwt. The SSA carries
 * the organisation's current status (a suspended organisation's SSA says
 * org_status Withdrawn, which banks must refuse). Inactive statements get 400.
 */
export function getSoftwareStatementAssertion(ctx: DirectoryContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const org = organisationInPath(ctx, req, 'read');
    const ss = softwareStatementInPath(ctx, req, org);
    if (!ss.Active) throw new BadRequest(`software statement ${ss.Id} is not active`);
    const jwt = await signSsa(ctx, ssaClaims(ctx, org, ss));
    res
      .status(200)
      .type(negotiate(req, [MEDIA.jwt, 'application/jws+json', 'application/jose']))
      .send(jwt);
  };
}
