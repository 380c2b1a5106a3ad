import type { Request, Response } from 'express';
import { NotFound } from '../../lib/errors.js';
import type { DirectoryContext } from '../context.js';
import type { CertificateRecord } from '../model.js';
import { MEDIA, sendJson } from '../respond.js';
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
    const certs = jwks ? jwksCertificates(ctx, orgId, jwks[1], 'Active') : undefined;
    if (!certs) throw new NotFound(`no keystore file ${file}`);
    sendJwks(
      req,
      res,
      certs.map((c) => certificateJwk(ctx, c)),
    );
  };
}

/**
 * The keys of `{id}.jwks` in an organisation's keystore: its organisation
 * certificates (id = the organisation) or one software statement's, with the
 * given status. A deactivated software statement has no active keys: all its
 * keys are listed as revoked. Undefined when there is no such file.
 */
function jwksCertificates(
  ctx: DirectoryContext,
  orgId: string,
  id: string,
  status: 'Active' | 'Revoked',
): CertificateRecord[] | undefined {
  if (id === orgId) {
    return (
      status === 'Active'
        ? ctx.repo.activeCertificatesOfOrganisation(orgId)
        : ctx.repo.certificatesOfOrganisation(orgId)
    ).filter((c) => !c.SoftwareStatementId && c.status === status);
  }
  const ss = ctx.repo.softwareStatement(id);
  if (!ss || ss.OrganisationId !== orgId) return undefined;
  if (status === 'Active') return ss.Active ? ctx.repo.activeCertificatesOfSoftware(id) : [];
  const certs = ctx.repo.certificatesOfSoftware(id);
  if (!ss.Active) return certs;
  return certs.filter((c) => c.status === status);
}

/** GET /keystore/{org}/revoked/{id}.jwks: revoked keys of the organisation or of one software statement. */
export function revokedKeystore(ctx: DirectoryContext) {
  return (req: Request, res: Response): void => {
    const orgId = String(req.params.org);
    const match = /^(.+)\.jwks$/.exec(String(req.params.file));
    const certs =
      match && ctx.repo.organisation(orgId) ? jwksCertificates(ctx, orgId, match[1], 'Revoked') : undefined;
    if (!certs) throw new NotFound('no such keystore file');
    sendJwks(
      req,
      res,
      certs.map((c) => certificateJwk(ctx, c)),
    );
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
