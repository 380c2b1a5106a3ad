import type { Request, Response } from 'express';
import { CsrError, checkCsrForProfile, issueCertificateAsync, type Psd2Role } from '../../../certs/index.js';
import { BadRequest } from '../../../lib/errors.js';
import type { DirectoryContext } from '../../context.js';
import { MEDIA } from '../../respond.js';
import { parseUploadedCsr } from '../certificates.js';

const ROLES: readonly Psd2Role[] = ['PSP_AS', 'PSP_PI', 'PSP_AI', 'PSP_IC'];
const TYPES = ['qwac', 'qseal'] as const;

/** Step: `?roles=PSP_AI,PSP_PI` (PSD2 roles of the qcStatements); default PSP_AI and PSP_PI. */
function rolesOf(req: Request): Psd2Role[] {
  const raw = req.query.roles;
  if (raw === undefined) return ['PSP_AI', 'PSP_PI'];
  if (typeof raw !== 'string' || raw.length > 64)
    throw new BadRequest('roles: a comma-separated list of PSD2 roles');
  const roles = [...new Set(raw.split(','))];
  const bad = roles.find((r) => !ROLES.includes(r as Psd2Role));
  if (bad !== undefined) throw new BadRequest(`roles: ${bad.slice(0, 20)} is not one of ${ROLES.join(', ')}`);
  return roles as Psd2Role[];
}

/**
 * POST /admin/qtsp/{qwac|qseal} (mock-only, admin token): the sandbox's QTSP.
 * Issues a QWAC or QSealC from the directory CA for a CSR whose subject
 * carries an `organizationIdentifier` and a CN, for an organisation the
 * directory need not know yet — what an eIDAS TPP brings to self-enrolment
 * (`POST /v2.1/organisation`). The certificate is not recorded: the
 * directory learns it at enrolment. → 201 `application/x-pem-file` (leaf,
 * then the issuing CA).
 */
export function issueQualifiedCertificate(ctx: DirectoryContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const type = String(req.params.CertificateType);
    if (!(TYPES as readonly string[]).includes(type))
      throw new BadRequest(`certificate type '${type.slice(0, 20)}' is not one of: ${TYPES.join(', ')}`);
    const roles = rolesOf(req);
    const csr = parseUploadedCsr(req);
    const identifier = csr.subject.find((a) => a.name === 'organizationIdentifier')?.value;
    if (!identifier) throw new BadRequest('CSR subject: organizationIdentifier (2.5.4.97) is required');
    const subject = {
      orgId: identifier,
      legalName: csr.subject.find((a) => a.name === 'O')?.value ?? identifier,
      organisationIdentifier: identifier,
      roles,
    };
    try {
      checkCsrForProfile(type as 'qwac' | 'qseal', csr, subject);
    } catch (err) {
      if (err instanceof CsrError) throw new BadRequest(`CSR ${err.message}`);
      throw err;
    }
    if ([...csr.sanDns, ...csr.sanIps].some((n) => n.includes('*')))
      throw new BadRequest('CSR subjectAltName: no wildcard names');
    const issued = await issueCertificateAsync(ctx.ca, {
      type: type as 'qwac' | 'qseal',
      csr,
      ctx: subject,
      validityDays: ctx.config.certificateValidityDays,
      now: ctx.now(),
    });
    res.status(201).type(MEDIA.pem).send(`${issued.pem.trim()}\n${ctx.ca.issuingCertPem.trim()}\n`);
  };
}
