import { createHash } from 'node:crypto';
import type { Request, Response } from 'express';
import {
  type CertificateInfo,
  type CertificateType,
  dnToString,
  parseCertificate,
  type VerifyFailureReason,
  verifyCertificate,
} from '../../certs/index.js';
import { BadRequest } from '../../lib/errors.js';
import { jsonObject, mediaType } from '../../lib/http/index.js';
import { base62Id, newOrganisationId } from '../../lib/ids.js';
import { certificateKeyMembers } from '../certificate-key-members.js';
import type { DirectoryContext } from '../context.js';
import {
  type CertificateRecord,
  type OAuthClientRecord,
  type OrganisationRecord,
  SOFTWARE_ROLES,
  type SoftwareRole,
} from '../model.js';
import { presentedCertificate } from '../oauth/presented-certificate.js';
import { GRANTABLE } from '../oauth/scopes.js';
import { withNewOrganisationIdentifier } from '../organisation-identifiers.js';
import { MEDIA, sendJson } from '../respond.js';
import { jwkProblem } from '../validation/jwk-problem.js';
import { EMAIL_ADDRESS } from '../validation/schemas.js';
import { type DirectorySchema, validateDirectoryObject } from '../validation/validate.js';
import { EnrolmentRefused, EnrolmentUnauthenticated } from './enrol-errors.js';
import { readQsealStatement } from './read-qseal-statement.js';

/** Media types of the swagger's Enrol request body. */
export const ENROL_MEDIA = [MEDIA.json, MEDIA.jwt, 'application/jose'];

/**
 * EnrolSchema of the swagger, as a rule table. (The swagger gives
 * `tls_client_auth_subject_dn` the enum of auth methods, an evident slip:
 * it is read as the DN string its name says.)
 */
const ENROL: DirectorySchema = {
  client_name: { type: 'string', required: true, minLength: 1, maxLength: 140, text: true },
  client_uri: { type: 'string', maxLength: 2000, format: 'uri', text: true },
  /** The swagger: each `format: email`. */
  contacts: { type: 'string[]', maxItems: 10, maxLength: 255, text: true, pattern: EMAIL_ADDRESS },
  grant_types: { type: 'string[]', required: true, minItems: 1, maxItems: 1, enum: ['client_credentials'] },
  jwks: { type: 'object[]', maxItems: 10 },
  jwks_uri: { type: 'string', maxLength: 2000, format: 'uri', text: true },
  logo_uri: { type: 'string', maxLength: 2000, format: 'uri', text: true },
  policy_uri: { type: 'string', maxLength: 2000, format: 'uri', text: true },
  redirect_uris: { type: 'string[]', maxItems: 20, maxLength: 255, format: 'uri', text: true },
  response_types: { type: 'string[]', maxItems: 5, maxLength: 64, text: true },
  scope: { type: 'string', maxLength: 255, text: true },
  software_id: { type: 'string', maxLength: 255, text: true },
  software_version: { type: 'string', maxLength: 42, text: true },
  tls_client_auth_subject_dn: { type: 'string', required: true, minLength: 1, maxLength: 1024, text: true },
  token_endpoint_auth_method: {
    type: 'string',
    required: true,
    enum: ['private_key_jwt', 'tls_client_auth'],
  },
  token_endpoint_auth_signing_alg: { type: 'string', required: true, enum: ['PS256'] },
  tos_uri: { type: 'string', maxLength: 2000, format: 'uri', text: true },
};

const ROLE_OF: Record<string, SoftwareRole> = {
  PSP_AI: 'AISP',
  PSP_PI: 'PISP',
  PSP_IC: 'CBPII',
  PSP_AS: 'ASPSP',
};

const organisationIdentifierOf = (info: CertificateInfo): string | undefined =>
  info.subject.find((a) => a.name === 'organizationIdentifier')?.value;

/**
 * Why a certificate is not trusted, in the directory's words where the check's own message would
 * quote the certificate (its issuer name is the caller's text: any length, line breaks, anything).
 * The other reasons' messages name only the sandbox CA's certificates and dates.
 */
const UNTRUSTED: Partial<Record<VerifyFailureReason, string>> = {
  malformed: 'it is not an X.509 certificate that can be read',
  untrusted: "it is not issued by the sandbox's QTSP (the directory CA), or its signature does not verify",
  bad_crl: "the directory's CRL cannot be read",
};

/** Step: a certificate chaining to the sandbox's QTSP (the directory CA), in date, not revoked, of the QcType wanted. */
function trustedQualified(
  ctx: DirectoryContext,
  der: Buffer,
  qcType: 'web' | 'eseal',
  fail: (message: string) => Error,
): CertificateInfo {
  const check = verifyCertificate(der, {
    ca: { bundlePem: ctx.ca.bundlePem },
    crlDer: ctx.crl.der,
    now: ctx.now(),
  });
  if (!check.ok) throw fail(`the certificate is not trusted: ${UNTRUSTED[check.reason] ?? check.message}`);
  const info = parseCertificate(der);
  const name = qcType === 'web' ? 'QWAC' : 'QSealC';
  if (info.qcType !== qcType) throw fail(`the certificate is not a ${name} (qcStatements QcType ${qcType})`);
  if (!organisationIdentifierOf(info)) throw fail(`the ${name} has no organizationIdentifier (2.5.4.97)`);
  if (info.psd2Roles.length === 0) throw fail(`the ${name} names no PSD2 role`);
  return info;
}

/** Step: the QWAC presented over mutual TLS (401 without one). */
function presentedQwac(ctx: DirectoryContext, req: Request): CertificateInfo {
  const presented = presentedCertificate(req);
  if (!presented) throw new EnrolmentUnauthenticated('enrolment needs mutual TLS with a QWAC');
  return trustedQualified(ctx, presented.der, 'web', (m) => new EnrolmentUnauthenticated(m));
}

/** Step: the JSON body as an object; anything else is refused in the enrolment's own terms. */
function jsonMetadata(req: Request): Record<string, unknown> {
  try {
    return jsonObject(req);
  } catch (err) {
    if (!(err instanceof BadRequest)) throw err;
    throw new EnrolmentRefused('invalid_client_metadata', `body: ${err.message}`);
  }
}

/** Step: the client metadata — the JSON body, or the payload of a JWS signed with the QSealC of its x5c. */
async function enrolmentMetadata(
  ctx: DirectoryContext,
  req: Request,
  qwac: CertificateInfo,
): Promise<{ metadata: Record<string, unknown>; qseal?: CertificateInfo }> {
  if (mediaType(req) === MEDIA.json) return { metadata: jsonMetadata(req) };
  return readQsealStatement((req.rawBody ?? Buffer.alloc(0)).toString('utf8'), ctx.now(), (der) => {
    const qseal = trustedQualified(
      ctx,
      der,
      'eseal',
      (m) => new EnrolmentRefused('unapproved_software_statement', `x5c: ${m}`),
    );
    if (organisationIdentifierOf(qseal) !== organisationIdentifierOf(qwac))
      throw new EnrolmentRefused(
        'unapproved_software_statement',
        'x5c: the QSealC and the QWAC name different organisations (organizationIdentifier)',
      );
    return qseal;
  });
}

/** Step: each `jwks` entry is a public JWK by directory/validation/jwk-problem.ts, and no two share a `kid`. */
function checkJwks(jwks: unknown): void {
  if (!Array.isArray(jwks)) return;
  const kids = new Set<unknown>();
  jwks.forEach((jwk, i) => {
    const problem = jwkProblem(jwk, `jwks[${i}]`);
    if (problem) throw new EnrolmentRefused('invalid_client_metadata', problem);
    const kid = (jwk as Record<string, unknown>).kid;
    if (kid === undefined) return;
    if (kids.has(kid))
      throw new EnrolmentRefused(
        'invalid_client_metadata',
        `jwks[${i}].kid is the kid of another key in jwks`,
      );
    kids.add(kid);
  });
}

function certificateRecord(
  ctx: DirectoryContext,
  info: CertificateInfo,
  orgId: string,
  type: CertificateType,
): CertificateRecord {
  return {
    kid: info.x5t,
    OrganisationId: orgId,
    Associations: [],
    type,
    use: type === 'qwac' ? 'tls' : 'sig',
    status: 'Active',
    pem: info.pem,
    serialHex: info.serialHex,
    notBefore: info.notBefore.toISOString(),
    notAfter: info.notAfter.toISOString(),
    ...certificateKeyMembers(info.publicKey),
    x5tS256: createHash('sha256').update(info.der).digest('base64url'),
    createdAt: ctx.now().toISOString(),
  };
}

/**
 * The swagger's `POST /v2.1/organisation` (and `/v2/organisation`,
 * `/organisation/tpp`): eIDAS self-enrolment of a TPP. Over mutual TLS with
 * a QWAC of the sandbox's QTSP; the body is the client metadata as JSON
 * (QWAC onboarding) or as a JWS signed with a QSealC carried in `x5c`
 * (QSeal onboarding). Creates the organisation (identifier, legal name and
 * roles from the certificate), records the QWAC (and QSealC), and creates
 * its OAuth client bound to the QWAC → 201 Enrol201CreatedResponseSchema.
 */
export function enrolOrganisation(ctx: DirectoryContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const qwac = presentedQwac(ctx, req);
    const { metadata, qseal } = await enrolmentMetadata(ctx, req, qwac);
    const body = validateDirectoryObject(metadata, ENROL, (_f, message) => {
      throw new EnrolmentRefused('invalid_client_metadata', message);
    });
    checkJwks(body.jwks);
    const identifier = organisationIdentifierOf(qwac) as string;
    const subjectDn = dnToString(qwac.subject);
    if (body.tls_client_auth_subject_dn !== subjectDn)
      throw new EnrolmentRefused(
        'invalid_client_metadata',
        `tls_client_auth_subject_dn must be the QWAC's subject DN (${subjectDn})`,
      );
    const now = ctx.now();
    const id = newOrganisationId();
    const org: OrganisationRecord = {
      OrganisationId: id,
      OrganisationName: String(body.client_name),
      OrganisationType: 'tpp',
      Roles: SOFTWARE_ROLES.filter((r) => r !== 'ASPSP' && qwac.psd2Roles.some((p) => ROLE_OF[p] === r)),
      OrganisationIdentifier: identifier,
      LegalName: qwac.subject.find((a) => a.name === 'O')?.value ?? String(body.client_name),
      Contacts: [],
      Status: 'Active',
      CreatedAt: now.toISOString(),
      ModifiedAt: now.toISOString(),
    };
    if (org.Roles.length === 0)
      throw new EnrolmentRefused(
        'invalid_client_metadata',
        'the QWAC names no TPP role (PSP_AI, PSP_PI, PSP_IC)',
      );
    const wacRecord = certificateRecord(ctx, qwac, id, 'qwac');
    const client: OAuthClientRecord = {
      ClientID: base62Id(18),
      OrganisationId: id,
      ClientCertSubjectDn: subjectDn,
      ClientCertIssuerDn: dnToString(qwac.issuer),
      kid: wacRecord.kid,
      x5tS256: wacRecord.x5tS256,
      CreatedAt: now.toISOString(),
    };
    await withNewOrganisationIdentifier(
      ctx,
      identifier,
      (holder) =>
        new EnrolmentRefused(
          'invalid_client_metadata',
          holder
            ? `organizationIdentifier ${identifier} is already enrolled as organisation ${holder}`
            : `organizationIdentifier ${identifier} is being enrolled`,
        ),
      async () => {
        await ctx.repo.putOrganisation(org);
        await ctx.repo.putCertificate(wacRecord);
        if (qseal) await ctx.repo.putCertificate(certificateRecord(ctx, qseal, id, 'qseal'));
        await ctx.repo.putOAuthClient(client);
      },
    );
    res.location(`/v2.1/organisation/${id}`);
    sendJson(
      req,
      res,
      201,
      {
        client_id: client.ClientID,
        client_id_issued_at: Math.floor(now.getTime() / 1000),
        client_secret_expires_at: 0,
        ob_org_id: id,
        client_name: org.OrganisationName,
        token_endpoint_auth_method: body.token_endpoint_auth_method,
        token_endpoint_auth_signing_alg: body.token_endpoint_auth_signing_alg,
        tls_client_auth_subject_dn: subjectDn,
        grant_types: ['client_credentials'],
        scope: GRANTABLE.tpp.join(' '),
        jwks_uri: `${ctx.baseUrl}/keystore/${id}/${id}.jwks`,
      },
      [MEDIA.json],
    );
  };
}
