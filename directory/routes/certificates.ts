import type { Request, Response } from 'express';
import {
  type CertificateType,
  CsrError,
  checkCsrForProfile,
  issueCertificateAsync,
  type ParsedCsr,
  type Psd2Role,
  parseCsr,
  type SubjectContext,
} from '../../certs/index.js';
import { BadRequest, Conflict, NotFound } from '../../lib/errors.js';
import { freeTextProblem } from '../../lib/free-text.js';
import { jsonObject } from '../../lib/http/index.js';
import { organisationInPath } from '../auth.js';
import { certificateKeyMembers } from '../certificate-key-members.js';
import { checkCertificateNames } from '../check-certificate-names.js';
import type { DirectoryContext } from '../context.js';
import type {
  CertificateRecord,
  OrganisationRecord,
  SoftwareRole,
  SoftwareStatementRecord,
} from '../model.js';
import { reserveOrganisationRecord } from '../organisation-limits.js';
import { MEDIA, sendJson } from '../respond.js';
import { CERTIFICATE_ASSOCIATION } from '../validation/schemas.js';
import { validateBody } from '../validation/validate.js';
import { certificateView } from '../views/certificate.js';
import { softwareStatementInPath } from './software-statements.js';

export const SOFTWARE_CERT_TYPES = ['obtransport', 'obsigning'] as const;
export const ORGANISATION_CERT_TYPES = ['obwac', 'obseal', 'qwac', 'qseal'] as const;

const USE: Record<CertificateType, 'tls' | 'sig'> = {
  obtransport: 'tls',
  obwac: 'tls',
  qwac: 'tls',
  server: 'tls',
  obsigning: 'sig',
  ocspSigning: 'sig',
  obseal: 'sig',
  qseal: 'sig',
};

const PSD2_ROLE: Record<SoftwareRole, Psd2Role> = {
  ASPSP: 'PSP_AS',
  PISP: 'PSP_PI',
  AISP: 'PSP_AI',
  CBPII: 'PSP_IC',
};

/** The {CertificateType} of the path, one of `allowed` (else 400). */
export function certificateTypeInPath(req: Request, allowed: readonly string[]): CertificateType {
  const type = String(req.params.CertificateType);
  if (!allowed.includes(type)) {
    throw new BadRequest(`certificate type '${type}' is not one of: ${allowed.join(', ')}`);
  }
  return type as CertificateType;
}

/** Step: parse the uploaded PEM as a CSR (signature checked); a failure names the field. */
export function parseUploadedCsr(req: Request): ParsedCsr {
  const text = (req.rawBody ?? Buffer.alloc(0)).toString('utf8');
  if (/-----BEGIN CERTIFICATE-----/.test(text) && !/CERTIFICATE REQUEST/.test(text)) {
    throw new BadRequest(
      'pem: upload a certificate signing request (CSR); this directory issues the certificate',
    );
  }
  let csr: ParsedCsr;
  try {
    csr = parseCsr(text);
  } catch (err) {
    if (err instanceof CsrError) throw new BadRequest(`CSR ${err.message}`);
    throw err;
  }
  // QWAC and QSealC subjects are copied from the CSR: its names obey the directory's free-text rule.
  for (const attribute of csr.subject) {
    const problem = freeTextProblem(attribute.value);
    if (problem) throw new BadRequest(`CSR subject: ${attribute.name} ${problem}`);
  }
  return csr;
}

function subjectContext(org: OrganisationRecord, ss?: SoftwareStatementRecord): SubjectContext {
  const roles = (ss?.Roles ?? org.Roles).map((r) => PSD2_ROLE[r]);
  return {
    orgId: org.OrganisationId,
    softwareId: ss?.Id,
    legalName: org.LegalName,
    organisationIdentifier: org.OrganisationIdentifier,
    roles,
  };
}

/** Step: check the CSR against the profile and the sandbox's name rules, issue, store. */
async function issueAndStore(
  ctx: DirectoryContext,
  type: CertificateType,
  csr: ParsedCsr,
  org: OrganisationRecord,
  ss?: SoftwareStatementRecord,
): Promise<CertificateRecord> {
  const subject = subjectContext(org, ss);
  try {
    checkCsrForProfile(type, csr, subject);
  } catch (err) {
    if (err instanceof CsrError) throw new BadRequest(`CSR ${err.message}`);
    throw err;
  }
  checkCertificateNames(ctx, type, csr, org);
  const release = reserveOrganisationRecord(ctx, 'certificates', org.OrganisationId);
  try {
    const issued = await issueCertificateAsync(ctx.ca, {
      type,
      csr,
      ctx: subject,
      validityDays: ctx.config.certificateValidityDays,
      now: ctx.now(),
    });
    const record: CertificateRecord = {
      kid: issued.kid,
      OrganisationId: org.OrganisationId,
      ...(ss ? { SoftwareStatementId: ss.Id } : {}),
      Associations: [],
      type,
      use: USE[type],
      status: 'Active',
      pem: issued.pem,
      serialHex: issued.serialHex,
      notBefore: issued.notBefore.toISOString(),
      notAfter: issued.notAfter.toISOString(),
      ...certificateKeyMembers(csr.publicKey),
      x5tS256: issued.x5tS256,
      createdAt: ctx.now().toISOString(),
    };
    await ctx.repo.putCertificate(record);
    return record;
  } finally {
    release();
  }
}

function respondCreated(ctx: DirectoryContext, req: Request, res: Response, cert: CertificateRecord): void {
  res.location(`/v2.1/organisation/${cert.OrganisationId}/certificate/kid/${cert.kid}`);
  sendJson(req, res, 201, certificateView(ctx, cert), [MEDIA.jwk, MEDIA.json]);
}

/** Certificates being issued for a software statement, not yet stored: they count against its limit. */
const reserved = new WeakMap<DirectoryContext, Map<string, number>>();

/**
 * Step: the software statement has room for one more active certificate in its
 * keystore JWKS (config maxActiveCertificatesPerSoftware), counting issuances
 * still under way; holds the slot until `release` is called.
 */
function reserveCertificateSlot(ctx: DirectoryContext, ss: SoftwareStatementRecord): () => void {
  const pending = reserved.get(ctx) ?? new Map<string, number>();
  reserved.set(ctx, pending);
  const max = ctx.config.maxActiveCertificatesPerSoftware;
  const active = ctx.repo.activeCertificatesOfSoftware(ss.Id).length;
  const inFlight = pending.get(ss.Id) ?? 0;
  if (active + inFlight >= max) {
    throw new Conflict(
      `software statement ${ss.Id} has reached its limit of ${max} active certificates; revoke one first`,
      'too_many_certificates',
    );
  }
  pending.set(ss.Id, inFlight + 1);
  let released = false;
  return () => {
    if (released) return;
    released = true;
    const left = (pending.get(ss.Id) ?? 1) - 1;
    if (left > 0) pending.set(ss.Id, left);
    else pending.delete(ss.Id);
  };
}

/** POST …/software-statement/{id}/certificate/{obtransport|obsigning} with an application/x-pem-file CSR. */
export function uploadSoftwareCsr(ctx: DirectoryContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const org = organisationInPath(ctx, req, 'write');
    const ss = softwareStatementInPath(ctx, req, org);
    const type = certificateTypeInPath(req, SOFTWARE_CERT_TYPES);
    if (!ss.Active) throw new BadRequest(`software statement ${ss.Id} is not active`);
    const csr = parseUploadedCsr(req);
    const release = reserveCertificateSlot(ctx, ss);
    try {
      respondCreated(ctx, req, res, await issueAndStore(ctx, type, csr, org, ss));
    } finally {
      release();
    }
  };
}

/** POST /v2.1/organisation/{id}/certificate/{obwac|obseal|qwac|qseal} with a CSR. */
export function uploadOrganisationCsr(ctx: DirectoryContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const org = organisationInPath(ctx, req, 'write');
    const type = certificateTypeInPath(req, ORGANISATION_CERT_TYPES);
    const csr = parseUploadedCsr(req);
    respondCreated(ctx, req, res, await issueAndStore(ctx, type, csr, org));
  };
}

function certificateInPath(ctx: DirectoryContext, req: Request, org: OrganisationRecord): CertificateRecord {
  const kid = String(req.params.CertificateOrKeyId);
  const cert = ctx.repo.certificate(kid);
  if (!cert || cert.OrganisationId !== org.OrganisationId) {
    throw new NotFound(`certificate ${kid} not found in organisation ${org.OrganisationId}`);
  }
  return cert;
}

export function getCertificate(ctx: DirectoryContext) {
  return (req: Request, res: Response): void => {
    const org = organisationInPath(ctx, req, 'read');
    sendJson(req, res, 200, certificateView(ctx, certificateInPath(ctx, req, org)), [MEDIA.jwk, MEDIA.json]);
  };
}

/**
 * DELETE /v2.1/organisation/{id}/certificate/kid/{kid} → 204. The certificate
 * goes on the CRL and its key moves from the JWKS to the revoked JWKS.
 * Revoking twice is a no-op 204.
 */
export function revokeCertificate(ctx: DirectoryContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const org = organisationInPath(ctx, req, 'write');
    const cert = certificateInPath(ctx, req, org);
    if (cert.status !== 'Revoked') {
      await ctx.repo.putCertificate({ ...cert, status: 'Revoked', revokedAt: ctx.now().toISOString() });
      await ctx.crl.rebuild();
    }
    res.status(204).end();
  };
}

/** GET …/software-statement/{ss}/certificate/{obwac|obseal|qwac|qseal}/{kid}. */
export function getAssociatedCertificate(ctx: DirectoryContext) {
  return (req: Request, res: Response): void => {
    const org = organisationInPath(ctx, req, 'read');
    const ss = softwareStatementInPath(ctx, req, org);
    const type = certificateTypeInPath(req, ORGANISATION_CERT_TYPES);
    const cert = certificateInPath(ctx, req, org);
    if (cert.type !== type || !cert.Associations.includes(ss.Id)) {
      throw new NotFound(
        `certificate ${cert.kid} is not a ${type} associated with software statement ${ss.Id}`,
      );
    }
    sendJson(req, res, 200, certificateView(ctx, cert), [MEDIA.jwk, MEDIA.json]);
  };
}

/**
 * PUT …/software-statement/{ss}/certificate/{type}/{kid} `{"associate": true|false}`:
 * an organisation certificate (OBWAC/OBSeal/QWAC/QSeal) joins or leaves the software's JWKS.
 */
export function associateCertificate(ctx: DirectoryContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const org = organisationInPath(ctx, req, 'write');
    const ss = softwareStatementInPath(ctx, req, org);
    const type = certificateTypeInPath(req, ORGANISATION_CERT_TYPES);
    const { associate } = validateBody(jsonObject(req), CERTIFICATE_ASSOCIATION) as { associate: boolean };
    const cert = certificateInPath(ctx, req, org);
    if (cert.type !== type) throw new BadRequest(`certificate ${cert.kid} is a ${cert.type}, not a ${type}`);
    const others = cert.Associations.filter((id) => id !== ss.Id);
    const joins = associate && !cert.Associations.includes(ss.Id) && cert.status === 'Active';
    const release = joins ? reserveCertificateSlot(ctx, ss) : () => undefined;
    const updated = { ...cert, Associations: associate ? [...others, ss.Id] : others };
    try {
      await ctx.repo.putCertificate(updated);
    } finally {
      release();
    }
    sendJson(req, res, 200, certificateView(ctx, updated), [MEDIA.jwk, MEDIA.json]);
  };
}
