import type { NextFunction, Request, Response } from 'express';
import { NotFound } from '../../lib/errors.js';
import type { DirectoryContext } from '../context.js';

/**
 * Step of the swagger's unversioned paths (`/organisation/{OrganisationType}/…`):
 * the type is `aspsp` or `tpp`, and the organisation in the path (if any)
 * is of that type — 404 otherwise, as for a path that does not exist. Runs
 * after authentication.
 */
export function organisationTypeInPath(ctx: DirectoryContext) {
  return (req: Request, _res: Response, next: NextFunction): void => {
    const type = String(req.params.OrganisationType);
    if (type !== 'aspsp' && type !== 'tpp') {
      next(new NotFound(`OrganisationType must be aspsp or tpp, not ${type.slice(0, 40)}`));
      return;
    }
    const id = req.params.OrganisationId;
    // Another organisation's type is not revealed: organisationInPath answers 403 for it.
    const p = req.principal;
    const mine = p?.kind === 'admin' || (p?.kind === 'organisation' && p.organisationId === id);
    const org = id === undefined || !mine ? undefined : ctx.repo.organisation(String(id));
    if (org && org.OrganisationType !== type) {
      next(new NotFound(`organisation ${org.OrganisationId} is not of type ${type}`));
      return;
    }
    next();
  };
}

/** Step of `POST /organisation/{OrganisationType}`: the swagger's OrganisationTypeForQSealOnboarding is `tpp` only. */
export function enrolmentTypeInPath(req: Request, _res: Response, next: NextFunction): void {
  next(req.params.OrganisationType === 'tpp' ? undefined : new NotFound('only tpp organisations enrol here'));
}
