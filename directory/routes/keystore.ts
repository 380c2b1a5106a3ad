import type { Request, Response } from 'express';
import { NotFound } from '../../lib/errors.js';
import { negotiate } from '../../lib/http/index.js';
import type { DirectoryContext } from '../context.js';
import type { CertificateRecord } from '../model.js';
import { MEDIA, sendJson, sendText } from '../respond.js';
import { certificateJwk } from '../views/certificate.js';

/** A JWKS as application/json, cacheable for a minute (as the OB keystore's files). */
function sendJwks(req: Request, res: Response, keys: Record<string, unknown>[]): void {
  res.setHeader('Cache-Control', 'max-age=60');
  sendJson(req, res, 200, { keys }, [MEDIA.json]);
}

/** `sendJwks` of a JWKS already serialised. */
function sendJwksText(req: Request, res: Response, text: string): void {
  res.setHeader('Cache-Control', 'max-age=60');
  sendText(req, res, 200, negotiate(req, [MEDIA.json]), text);
}

/** A revoked JWKS file as built: the keys' revision it was built at, its number of keys, its text. */
interface KeptFile {
  revision: number;
  keys: number;
  text: string;
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

/** Revoked keys kept at most, over all kept revoked JWKS files of a directory (each ≈3 KB with its x5c); the oldest built go first. */
export const MAX_KEPT_REVOKED_KEYS = 20_000;

/**
 * GET /keystore/{org}/revoked/{id}.jwks: revoked keys of the organisation or of one software
 * statement. The file is public and an organisation may have thousands of revoked certificates
 * (up to its limit), each to be read and turned into a JWK, so a file once built is kept while no
 * certificate or software statement has been written since (`keysRevision`): a caller asking for
 * it in a loop costs a map lookup, not thousands of record reads.
 */
export function revokedKeystore(ctx: DirectoryContext) {
  const kept = new Map<string, KeptFile>();
  let keptKeys = 0;
  // an empty file weighs one key, so that files kept stay bounded in number too
  const weight = (f: KeptFile) => Math.max(1, f.keys);
  const keep = (key: string, file: KeptFile): void => {
    const old = kept.get(key);
    if (old) {
      kept.delete(key);
      keptKeys -= weight(old);
    }
    if (weight(file) > MAX_KEPT_REVOKED_KEYS) return;
    for (const [k, f] of kept) {
      if (keptKeys + weight(file) <= MAX_KEPT_REVOKED_KEYS) break;
      kept.delete(k);
      keptKeys -= weight(f);
    }
    kept.set(key, file);
    keptKeys += weight(file);
  };
  return (req: Request, res: Response): void => {
    const orgId = String(req.params.org);
    const match = /^(.+)\.jwks$/.exec(String(req.params.file));
    const key = `${orgId}/${match?.[1] ?? ''}`;
    const hit = kept.get(key);
    if (match && hit && hit.revision === ctx.repo.keysRevision) {
      sendJwksText(req, res, hit.text);
      return;
    }
    const revision = ctx.repo.keysRevision;
    const certs =
      match && ctx.repo.organisation(orgId) ? jwksCertificates(ctx, orgId, match[1], 'Revoked') : undefined;
    if (!certs) throw new NotFound('no such keystore file');
    const text = JSON.stringify({ keys: certs.map((c) => certificateJwk(ctx, c)) });
    keep(key, { revision, keys: certs.length, text });
    sendJwksText(req, res, text);
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
