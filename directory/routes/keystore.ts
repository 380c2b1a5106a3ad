import type { Request, Response } from 'express';
import { NotFound } from '../../lib/errors.js';
import { negotiate } from '../../lib/http/index.js';
import type { DirectoryContext } from '../context.js';
import { keptListings } from '../kept-listings.js';
import type { CertificateRecord } from '../model.js';
import { MEDIA, sendChunks, sendJson } from '../respond.js';
import { certificateJwk } from '../views/certificate.js';

/** A JWKS as application/json, cacheable for a minute (as the OB keystore's files). */
function sendJwks(req: Request, res: Response, keys: Record<string, unknown>[]): void {
  res.setHeader('Cache-Control', 'max-age=60');
  sendJson(req, res, 200, { keys }, [MEDIA.json]);
}

/** GET /keystore/openbanking.jwks: the directory's SSA signing key(s). */
export function directoryJwks(ctx: DirectoryContext) {
  return (req: Request, res: Response): void => {
    sendJwks(req, res, [ctx.ssaKey.publicJwk]);
  };
}

/**
 * GET /keystore/{org}/{org}.jwks (organisation certificates),
 * /keystore/{org}/{software_id}.jwks (software certificates and associated
 * organisation certificates) and /keystore/{org}/{kid}.pem. Only active keys
 * of active software statements are in a JWKS; revoked ones are in the revoked JWKS.
 */
export function organisationKeystore(ctx: DirectoryContext) {
  return (req: Request, res: Response): void => {
    const orgId = String(req.params.org);
    const file = String(req.params.file);
    const org = ctx.repo.organisation(orgId);
    if (!org) throw new NotFound(`organisation ${orgId} not found`);
    const pem = /^(.+)\.pem$/.exec(file);
    if (pem) {
      const cert = ctx.repo.certificate(pem[1]);
      if (!cert || cert.OrganisationId !== orgId) throw new NotFound(`certificate ${pem[1]} not found`);
      res.status(200).type(MEDIA.pem).send(cert.pem);
      return;
    }
    const jwks = /^(.+)\.jwks$/.exec(file);
    const certs = jwks ? jwksCertificates(ctx, orgId, jwks[1]) : undefined;
    if (!certs) throw new NotFound(`no keystore file ${file}`);
    sendJwks(
      req,
      res,
      certs.map((c) => certificateJwk(ctx, c)),
    );
  };
}

/**
 * The active keys of `{id}.jwks` in an organisation's keystore: its organisation certificates
 * (id = the organisation) or one software statement's. A deactivated software statement has no
 * active keys. Undefined when there is no such file.
 */
function jwksCertificates(ctx: DirectoryContext, orgId: string, id: string): CertificateRecord[] | undefined {
  if (id === orgId) {
    return ctx.repo.activeCertificatesOfOrganisation(orgId).filter((c) => !c.SoftwareStatementId);
  }
  const ss = ctx.repo.softwareStatement(id);
  if (!ss || ss.OrganisationId !== orgId) return undefined;
  return ss.Active ? ctx.repo.activeCertificatesOfSoftware(id) : [];
}

/**
 * The keys of `revoked/{id}.jwks`: the certificates to look at (kids, no record read) and which
 * of them are in the file. The organisation's file has its revoked organisation certificates; a
 * software statement's has its revoked ones, or all of them once it is deactivated. Undefined
 * when there is no such file.
 */
function revokedJwksKeys(
  ctx: DirectoryContext,
  orgId: string,
  id: string,
): { kids: () => string[]; listed: (cert: CertificateRecord) => boolean } | undefined {
  if (id === orgId) {
    return {
      kids: () => ctx.repo.certificateKidsOfOrganisation(orgId),
      listed: (c) => !c.SoftwareStatementId && c.status === 'Revoked',
    };
  }
  const ss = ctx.repo.softwareStatement(id);
  if (!ss || ss.OrganisationId !== orgId) return undefined;
  return {
    kids: () => ctx.repo.certificateKidsOfSoftware(id),
    listed: ss.Active ? (c) => c.status === 'Revoked' : () => true,
  };
}

/** Bytes of revoked JWKS files kept over all organisations: about 20,000 revoked keys (each ≈3 KB with its x5c). */
export const MAX_KEPT_REVOKED_BYTES = 64 * 1024 * 1024;

/**
 * GET /keystore/{org}/revoked/{id}.jwks: revoked keys of the organisation or of one software
 * statement. The file is public and an organisation may have thousands of revoked certificates
 * (up to its limit), each to be read and turned into a JWK, so a file is built in slices (the
 * event loop given back every few milliseconds) and kept while none of the organisation's
 * certificates or software statements has been written since (`keysRevisionOf`): a caller asking
 * for it in a loop costs a map lookup, not thousands of record reads, and other organisations'
 * writes leave it standing.
 */
export function revokedKeystore(ctx: DirectoryContext) {
  const kept = keptListings({ maxBytes: MAX_KEPT_REVOKED_BYTES });
  return async (req: Request, res: Response): Promise<void> => {
    const orgId = String(req.params.org);
    const id = /^(.+)\.jwks$/.exec(String(req.params.file))?.[1];
    const keys =
      id !== undefined && ctx.repo.organisation(orgId) ? revokedJwksKeys(ctx, orgId, id) : undefined;
    if (!keys) throw new NotFound('no such keystore file');
    const file = await kept.listing({
      key: `${orgId}/${id}`,
      revision: ctx.repo.keysRevisionOf(orgId),
      items: keys.kids,
      render: (kid) => {
        const cert = ctx.repo.certificate(kid);
        return cert && keys.listed(cert) ? JSON.stringify(certificateJwk(ctx, cert)) : undefined;
      },
      member: 'keys',
    });
    res.setHeader('Cache-Control', 'max-age=60');
    await sendChunks(req, res, 200, negotiate(req, [MEDIA.json]), file);
  };
}

/** GET /ca/root.pem, /ca/issuing.pem, /ca/bundle.pem, /ca/issuing.crl (DER), /ca/issuing.crl.pem. */
export function caFile(ctx: DirectoryContext, which: 'root' | 'issuing' | 'bundle' | 'crl' | 'crl.pem') {
  return (_req: Request, res: Response): void => {
    res.set('Cache-Control', 'no-cache');
    switch (which) {
      case 'root':
        res.type(MEDIA.pem).send(ctx.ca.rootCertPem);
        return;
      case 'issuing':
        res.type(MEDIA.pem).send(ctx.ca.issuingCertPem);
        return;
      case 'bundle':
        res.type(MEDIA.pem).send(ctx.ca.bundlePem);
        return;
      case 'crl':
        res.type('application/pkix-crl').send(ctx.crl.der);
        return;
      case 'crl.pem':
        res.type(MEDIA.pem).send(ctx.crl.pem);
        return;
    }
  };
}
