import type { Request, Response } from 'express';
import { negotiate } from '../../lib/http/index.js';
import { organisationInPath } from '../auth.js';
import type { DirectoryContext } from '../context.js';
import { type KeptListings, keptListings } from '../kept-listings.js';
import { MEDIA, sendChunks } from '../respond.js';
import { certificateView } from '../views/certificate.js';
import { certificateTypeInPath, ORGANISATION_CERT_TYPES, SOFTWARE_CERT_TYPES } from './certificates.js';
import { softwareStatementInPath } from './software-statements.js';

/**
 * Bytes of certificate listings kept over all organisations: about 19,000 certificates' views
 * (each ≈3.4 KB with its x5c), so the whole listing of an organisation at its default limit of
 * 10,000 (34 MB) and more.
 */
export const MAX_KEPT_LISTING_BYTES = 64 * 1024 * 1024;

const listingsOf = new WeakMap<DirectoryContext, KeptListings>();

/** The directory's kept certificate listings (one set per directory, whichever route asks). */
export function certificateListings(ctx: DirectoryContext): KeptListings {
  let listings = listingsOf.get(ctx);
  if (!listings) {
    listings = keptListings({ maxBytes: MAX_KEPT_LISTING_BYTES });
    listingsOf.set(ctx, listings);
  }
  return listings;
}

/**
 * Sends `{"keys": [CertificateOrKeyGetSchema…]}` of the certificates `kids` names (those of
 * `type` only, when given), in the order given. An organisation may hold thousands of
 * certificates, revoked ones included, so the listing is built in slices and kept while none of
 * the organisation's certificates is written: a caller asking for it in a loop costs a lookup.
 */
async function sendListing(
  ctx: DirectoryContext,
  req: Request,
  res: Response,
  orgId: string,
  key: string,
  kids: () => string[],
  type: string | undefined,
): Promise<void> {
  const listing = await certificateListings(ctx).listing({
    key: `${orgId}/${key}/${type ?? ''}`,
    revision: ctx.repo.certificatesRevisionOf(orgId),
    items: kids,
    render: (kid) => {
      const cert = ctx.repo.certificate(kid);
      if (!cert || (type && cert.type !== type)) return undefined;
      return JSON.stringify(certificateView(ctx, cert));
    },
    member: 'keys',
  });
  await sendChunks(req, res, 200, negotiate(req, [MEDIA.jwkSet, MEDIA.json]), listing);
}

/** GET /v2.1/organisation/{id}/certificate[/{type}]: every certificate of the organisation (all types). */
export function listOrganisationCertificates(ctx: DirectoryContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const org = organisationInPath(ctx, req, 'read');
    const type = req.params.CertificateType ? certificateTypeInPath(req, ORGANISATION_CERT_TYPES) : undefined;
    const orgId = org.OrganisationId;
    await sendListing(
      ctx,
      req,
      res,
      orgId,
      'organisation',
      () => ctx.repo.certificateKidsOfOrganisation(orgId),
      type,
    );
  };
}

/** GET …/software-statement/{id}/certificate[/{type}]: its certificates and the organisation certificates associated with it. */
export function listSoftwareCertificates(ctx: DirectoryContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const org = organisationInPath(ctx, req, 'read');
    const ss = softwareStatementInPath(ctx, req, org);
    const type = req.params.CertificateType ? certificateTypeInPath(req, SOFTWARE_CERT_TYPES) : undefined;
    await sendListing(
      ctx,
      req,
      res,
      org.OrganisationId,
      `software/${ss.Id}`,
      () => ctx.repo.certificateKidsOfSoftware(ss.Id),
      type,
    );
  };
}
