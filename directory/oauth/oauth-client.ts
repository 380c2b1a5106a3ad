import type { Request, Response } from 'express';
import { dnToString } from '../../certs/index.js';
import { BadRequest } from '../../lib/errors.js';
import { base62Id } from '../../lib/ids.js';
import { organisationInPath } from '../auth.js';
import type { DirectoryContext } from '../context.js';
import type { OAuthClientRecord } from '../model.js';
import { MEDIA, sendJson } from '../respond.js';
import { pemCertificateOfBody } from '../routes/pem-certificate-body.js';

/** OAuthClientSchema of the swagger. */
const view = (c: OAuthClientRecord) => ({
  ClientID: c.ClientID,
  ClientCertIssuerDn: c.ClientCertIssuerDn,
  ClientCertSubjectDn: c.ClientCertSubjectDn,
});

/** GET /v2.1/oauth/{OrganisationId}: the organisation's OAuth client, or 204 when it has none. */
export function getOAuthClient(ctx: DirectoryContext) {
  return (req: Request, res: Response): void => {
    const org = organisationInPath(ctx, req, 'read');
    const client = ctx.repo.oauthClientOf(org.OrganisationId);
    if (!client) {
      res.status(204).end();
      return;
    }
    sendJson(req, res, 200, view(client), [MEDIA.json]);
  };
}

/**
 * PUT /v2.1/oauth/{OrganisationId} with the PEM of one of the organisation's
 * active OBWAC or QWAC certificates: creates the organisation's OAuth client
 * (or rebinds it, keeping its ClientID) to that certificate. Its key signs
 * the client's private_key_jwt assertions; tokens work only over it.
 */
export function putOAuthClient(ctx: DirectoryContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const org = organisationInPath(ctx, req, 'write');
    const { info, x5tS256 } = pemCertificateOfBody(req);
    const record = ctx.repo
      .certificatesOfOrganisation(org.OrganisationId)
      .find((c) => c.x5tS256 === x5tS256 && (c.type === 'obwac' || c.type === 'qwac'));
    if (!record)
      throw new BadRequest('body: the certificate is not an OBWAC or QWAC issued to this organisation');
    if (record.status !== 'Active') throw new BadRequest('body: the certificate is revoked');
    const previous = ctx.repo.oauthClientOf(org.OrganisationId);
    const client: OAuthClientRecord = {
      ClientID: previous?.ClientID ?? base62Id(22),
      OrganisationId: org.OrganisationId,
      ClientCertSubjectDn: dnToString(info.subject),
      ClientCertIssuerDn: dnToString(info.issuer),
      kid: record.kid,
      x5tS256,
      CreatedAt: previous?.CreatedAt ?? ctx.now().toISOString(),
    };
    await ctx.repo.putOAuthClient(client);
    sendJson(req, res, 200, view(client), [MEDIA.json]);
  };
}
