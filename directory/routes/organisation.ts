import type { Request, Response } from 'express';
import { organisationInPath } from '../auth.js';
import type { DirectoryContext } from '../context.js';
import type { OrganisationRecord } from '../model.js';
import { MEDIA, sendJson } from '../respond.js';
import { scimOrganisationView } from '../views/organisation.js';

/** GET /v2.1/organisation/{OrganisationId}: the caller's own organisation as a SCIM resource. */
export function getOrganisation(ctx: DirectoryContext) {
  return (req: Request, res: Response): void => {
    const org = organisationInPath(ctx, req, 'read');
    sendJson(req, res, 200, scimOrganisationView(ctx, org, 'full'), [MEDIA.scim, MEDIA.json]);
  };
}

/**
 * GET /v2.1/organisation: "all organisations the client is authorised to
 * retrieve" — its own organisation in full, plus the public view (name,
 * status, authorisation servers) of every ASPSP, so TPPs can discover banks.
 */
export function listOrganisations(ctx: DirectoryContext) {
  return (req: Request, res: Response): void => {
    const principal = req.principal!;
    // The unversioned GET /organisation/{OrganisationType} lists one type only.
    const type = req.params.OrganisationType;
    // An organisation sees itself and the banks: read from the indexes, so that a TPP asking in a
    // loop never makes the directory read every organisation (one more with every scenario run).
    const candidates =
      principal.kind === 'admin'
        ? ctx.repo.organisations()
        : [...new Set([principal.organisationId, ...ctx.repo.aspspOrganisationIds()])]
            .map((id) => ctx.repo.organisation(id))
            .filter((o): o is OrganisationRecord => o !== undefined);
    const visible = candidates
      .filter((o) => type === undefined || o.OrganisationType === type)
      .filter(
        (o) =>
          principal.kind === 'admin' ||
          o.OrganisationId === principal.organisationId ||
          o.OrganisationType === 'aspsp',
      )
      .map((o) =>
        scimOrganisationView(
          ctx,
          o,
          principal.kind === 'admin' ||
            (principal.kind === 'organisation' && o.OrganisationId === principal.organisationId)
            ? 'full'
            : 'public',
        ),
      );
    sendJson(
      req,
      res,
      200,
      {
        schemas: ['urn:ietf:params:scim:api:messages:2.0:ListResponse'],
        totalResults: visible.length,
        itemsPerPage: visible.length,
        startIndex: 1,
        Resources: visible,
      },
      [MEDIA.scim, MEDIA.json],
    );
  };
}
