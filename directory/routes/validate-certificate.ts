import type { Request, Response } from 'express';
import { NotFound } from '../../lib/errors.js';
import type { DirectoryContext } from '../context.js';
import type { CertificateRecord, OrganisationRecord } from '../model.js';
import { MEDIA, sendJson } from '../respond.js';
import { competentAuthority } from '../views/organisation.js';
import { pemCertificateOfBody } from './pem-certificate-body.js';

/** ETSI profile names the answer gives per certificate type (OB's own types have none). */
const EIDAS_PROFILE: Record<string, string> = {
  qwac: 'QWAC (ETSI TS 119 495)',
  qseal: 'QSealC (ETSI TS 119 495)',
  obwac: 'OBWAC',
  obseal: 'OBSeal',
  obtransport: '',
  obsigning: '',
};
const EIDAS_TYPES = new Set(['qwac', 'qseal', 'obwac', 'obseal']);

/** The certificate of the `application/x-pem-file` body, as a record of this directory (404 if it issued no such certificate). */
function certificateOfBody(ctx: DirectoryContext, req: Request): CertificateRecord {
  const { info, x5tS256 } = pemCertificateOfBody(req);
  const record = ctx.repo.certificateBySerial(info.serialHex);
  if (!record || record.x5tS256 !== x5tS256)
    throw new NotFound('the directory issued no such certificate (its CA is the only trusted issuer)');
  return record;
}

function organisationView(ctx: DirectoryContext, org: OrganisationRecord): Record<string, unknown> {
  const authority = competentAuthority(org);
  return {
    onboarded_to_open_banking: org.Status === 'Active',
    org_name: org.LegalName,
    passports: {},
    competent_authority_claims: [
      {
        authorisation_domain: 'PSD2',
        authority_id: authority.authority_id,
        registration_id: authority.registration_id,
        status: org.Status === 'Active' ? 'Active' : org.Status,
        authorisations: org.Roles.map((role) => ({
          Active: org.Status === 'Active',
          MemberState: authority.member_state,
          Psd2Role: role,
        })),
      },
    ],
    software_statements: ctx.repo
      .softwareStatementsOf(org.OrganisationId)
      .map((ss) => ({ software_id: ss.Id })),
  };
}

/**
 * POST /v2.1/certificate/validate (and its /v2 and unversioned aliases): the
 * body is one certificate (`application/x-pem-file`); the answer says what
 * the directory knows of it — type, roles, expired, revoked — and of the
 * organisation it belongs to (CertificateValidationResponseSchemaV2.1).
 */
export function validateCertificate(ctx: DirectoryContext) {
  return (req: Request, res: Response): void => {
    const cert = certificateOfBody(ctx, req);
    const org = ctx.repo.organisation(cert.OrganisationId);
    const expired = ctx.now().getTime() > Date.parse(cert.notAfter);
    const revoked = cert.status !== 'Active';
    const good = !expired && !revoked && org?.Status === 'Active';
    const roles = cert.SoftwareStatementId
      ? (ctx.repo.softwareStatement(cert.SoftwareStatementId)?.Roles ?? [])
      : (org?.Roles ?? []);
    const body = {
      data: {
        certificate: {
          type: cert.type,
          eidas_profile: EIDAS_PROFILE[cert.type] ?? '',
          qtsp_name: 'obmock Issuing CA',
          qtsp_uri: `${ctx.baseUrl}/ca/issuing.pem`,
          roles,
          valid_eidas_certificate: good && EIDAS_TYPES.has(cert.type),
          valid_obietf_certificate: good && !EIDAS_TYPES.has(cert.type),
          expired,
          revoked,
          check_failed: false,
        },
        ...(org ? { organisation: organisationView(ctx, org) } : {}),
      },
    };
    sendJson(req, res, 200, body, [MEDIA.json]);
  };
}
