import type { Request, Response } from 'express';
import { BadRequest, NotFound } from '../../lib/errors.js';
import { jsonObject } from '../../lib/http/index.js';
import { newSoftwareId } from '../../lib/ids.js';
import { organisationInPath } from '../auth.js';
import type { DirectoryContext } from '../context.js';
import type { OrganisationRecord, SoftwareRole, SoftwareStatementRecord } from '../model.js';
import { reserveOrganisationRecord } from '../organisation-limits.js';
import { MEDIA, sendJson } from '../respond.js';
import { SOFTWARE_STATEMENT_CREATE, SOFTWARE_STATEMENT_UPDATE } from '../validation/schemas.js';
import { validateBody } from '../validation/validate.js';
import { softwareStatementView } from '../views/software-statement.js';

const SS_MEDIA = [MEDIA.softwareStatement, MEDIA.json];

/** The software statement in the path, which must belong to the organisation in the path (404 otherwise). */
export function softwareStatementInPath(
  ctx: DirectoryContext,
  req: Request,
  org: OrganisationRecord,
): SoftwareStatementRecord {
  const id = String(req.params.SoftwareStatementId);
  const ss = ctx.repo.softwareStatement(id);
  if (!ss || ss.OrganisationId !== org.OrganisationId) {
    throw new NotFound(`software statement ${id} not found in organisation ${org.OrganisationId}`);
  }
  return ss;
}

/** Roles must be among the organisation's, and ASPSP cannot be mixed with others (swagger rule). */
function checkRoles(roles: SoftwareRole[], org: OrganisationRecord): void {
  const missing = roles.filter((r) => !org.Roles.includes(r));
  if (missing.length > 0) {
    throw new BadRequest(
      `Roles: ${missing.join(', ')} not held by organisation ${org.OrganisationId} (${org.Roles.join(', ')})`,
    );
  }
  if (roles.includes('ASPSP') && roles.length > 1)
    throw new BadRequest('Roles: ASPSP cannot be combined with other roles');
}

function applyFields(base: SoftwareStatementRecord, body: Record<string, unknown>): SoftwareStatementRecord {
  const next = { ...base };
  for (const [key, value] of Object.entries(body)) {
    if (key === 'Version') next.Version = String(value);
    else if (key === 'Roles') next.Roles = [...new Set(value as SoftwareRole[])];
    else (next as Record<string, unknown>)[key] = value;
  }
  return next;
}

/** POST …/software-statement → 201 SoftwareStatementSchema with a 22-char Id and ClientId. */
export function createSoftwareStatement(ctx: DirectoryContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const org = organisationInPath(ctx, req, 'write');
    const body = validateBody(jsonObject(req), SOFTWARE_STATEMENT_CREATE);
    const now = ctx.now().toISOString();
    const defaults: SoftwareStatementRecord = {
      Id: newSoftwareId(),
      OrganisationId: org.OrganisationId,
      ClientId: newSoftwareId(),
      Active: true,
      AuthorizationDomain: 'PSD2',
      ClientName: '',
      Description: '',
      OnBehalfOfObOrganisation: '',
      PolicyUri: '',
      ClientUri: '',
      LogoUri: '',
      TermsOfServiceUri: '',
      RedirectUri: [],
      Roles:
        org.Roles.filter((r) => r !== 'ASPSP').length > 0
          ? org.Roles.filter((r) => r !== 'ASPSP')
          : org.Roles,
      Version: '1.0',
      Mode: 'Live',
      CreatedAt: now,
      ModifiedAt: now,
    };
    const ss = applyFields(defaults, body);
    checkRoles(ss.Roles, org);
    const release = reserveOrganisationRecord(ctx, 'softwareStatements', org.OrganisationId);
    try {
      await ctx.repo.putSoftwareStatement(ss);
    } finally {
      release();
    }
    res.location(`/v2.1/organisation/${org.OrganisationId}/software-statement/${ss.Id}`);
    sendJson(req, res, 201, softwareStatementView(ctx, ss), SS_MEDIA);
  };
}

export function listSoftwareStatements(ctx: DirectoryContext) {
  return (req: Request, res: Response): void => {
    const org = organisationInPath(ctx, req, 'read');
    const list = ctx.repo
      .softwareStatementsOf(org.OrganisationId)
      .map((ss) => softwareStatementView(ctx, ss));
    sendJson(req, res, 200, list, [MEDIA.softwareStatementList, MEDIA.json]);
  };
}

export function getSoftwareStatement(ctx: DirectoryContext) {
  return (req: Request, res: Response): void => {
    const org = organisationInPath(ctx, req, 'read');
    sendJson(req, res, 200, softwareStatementView(ctx, softwareStatementInPath(ctx, req, org)), SS_MEDIA);
  };
}

/** PUT …/software-statement/{id}: `{"Active": false}` deactivates (swagger), other create fields update. */
export function updateSoftwareStatement(ctx: DirectoryContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const org = organisationInPath(ctx, req, 'write');
    const ss = softwareStatementInPath(ctx, req, org);
    const body = validateBody(jsonObject(req), SOFTWARE_STATEMENT_UPDATE);
    if (Object.keys(body).length === 0) throw new BadRequest('request body names no field to update');
    const updated = { ...applyFields(ss, body), ModifiedAt: ctx.now().toISOString() };
    checkRoles(updated.Roles, org);
    await ctx.repo.putSoftwareStatement(updated);
    sendJson(req, res, 200, softwareStatementView(ctx, updated), SS_MEDIA);
  };
}
