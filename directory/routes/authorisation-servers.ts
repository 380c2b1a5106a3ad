import type { Request, Response } from 'express';
import { Forbidden, NotFound } from '../../lib/errors.js';
import { jsonObject } from '../../lib/http/index.js';
import { base62Id } from '../../lib/ids.js';
import { organisationInPath } from '../auth.js';
import type { DirectoryContext } from '../context.js';
import type { AuthorisationServerRecord, OrganisationRecord } from '../model.js';
import { reserveOrganisationRecord } from '../organisation-limits.js';
import { MEDIA, sendJson } from '../respond.js';
import { AUTHORISATION_SERVER } from '../validation/schemas.js';
import { validateBody } from '../validation/validate.js';
import { authorisationServerView } from '../views/authorisation-server.js';

const AS_MEDIA = [MEDIA.authorisationServer, MEDIA.json];

function requireAspsp(org: OrganisationRecord): void {
  if (org.OrganisationType !== 'aspsp') {
    throw new Forbidden(
      `organisation ${org.OrganisationId} is not an ASPSP; only ASPSPs have authorisation servers`,
    );
  }
}

function fromBody(body: Record<string, unknown>, base: AuthorisationServerRecord): AuthorisationServerRecord {
  return { ...base, ...(body as Partial<AuthorisationServerRecord>) };
}

function serverInPath(
  ctx: DirectoryContext,
  req: Request,
  org: OrganisationRecord,
): AuthorisationServerRecord {
  const id = String(req.params.AuthorisationServerId);
  const a = ctx.repo.authorisationServer(id);
  if (!a || a.OrganisationId !== org.OrganisationId)
    throw new NotFound(`authorisation server ${id} not found`);
  return a;
}

/** POST …/authorisation-server: registers a bank's discovery URL (OpenIDConfigEndPointUri). */
export function createAuthorisationServer(ctx: DirectoryContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const org = organisationInPath(ctx, req, 'write');
    requireAspsp(org);
    const body = validateBody(jsonObject(req), AUTHORISATION_SERVER);
    const record = fromBody(body, {
      Id: base62Id(22),
      OrganisationId: org.OrganisationId,
      AuthorizationDomain: 'PSD2',
      AutoRegistrationSupported: true,
      BaseApiDNSUri: '',
      CustomerFriendlyDescription: '',
      CustomerFriendlyLogoUri: '',
      CustomerFriendlyName: org.OrganisationName,
      DeveloperPortalUri: '',
      TermsOfService: '',
      OpenIDConfigEndPointUri: '',
      PayloadSigningCertLocation: '',
      EISCDId: [],
      CreatedAt: ctx.now().toISOString(),
    });
    const release = reserveOrganisationRecord(ctx, 'authorisationServers', org.OrganisationId);
    try {
      await ctx.repo.putAuthorisationServer(record);
    } finally {
      release();
    }
    res.location(`/v2.1/organisation/${org.OrganisationId}/authorisation-server/${record.Id}`);
    sendJson(req, res, 201, authorisationServerView(record), AS_MEDIA);
  };
}

export function listAuthorisationServers(ctx: DirectoryContext) {
  return (req: Request, res: Response): void => {
    const org = organisationInPath(ctx, req, 'read');
    const list = ctx.repo.authorisationServersOf(org.OrganisationId).map(authorisationServerView);
    sendJson(req, res, 200, list, [MEDIA.authorisationServerList, MEDIA.json]);
  };
}

export function getAuthorisationServer(ctx: DirectoryContext) {
  return (req: Request, res: Response): void => {
    const org = organisationInPath(ctx, req, 'read');
    sendJson(req, res, 200, authorisationServerView(serverInPath(ctx, req, org)), AS_MEDIA);
  };
}

/** PUT → 202 Accepted with the updated server, as the swagger says. */
export function updateAuthorisationServer(ctx: DirectoryContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const org = organisationInPath(ctx, req, 'write');
    const current = serverInPath(ctx, req, org);
    const body = validateBody(jsonObject(req), AUTHORISATION_SERVER);
    const updated = fromBody(body, current);
    await ctx.repo.putAuthorisationServer(updated);
    sendJson(req, res, 202, authorisationServerView(updated), AS_MEDIA);
  };
}

export function deleteAuthorisationServer(ctx: DirectoryContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const org = organisationInPath(ctx, req, 'write');
    const current = serverInPath(ctx, req, org);
    await ctx.repo.deleteAuthorisationServer(current.Id);
    res.status(204).end();
  };
}
