import type { Request, Response } from 'express';
import { BadRequest, Conflict, NotFound } from '../../../lib/errors.js';
import { jsonObject } from '../../../lib/http/index.js';
import { newOrganisationId, newSecret } from '../../../lib/ids.js';
import { hashToken } from '../../auth.js';
import type { DirectoryContext } from '../../context.js';
import type { Contact, OrganisationRecord, OrganisationStatus, SoftwareRole } from '../../model.js';
import { withNewOrganisationIdentifier } from '../../organisation-identifiers.js';
import { MEDIA, sendJson } from '../../respond.js';
import { CONTACT, ORGANISATION_CREATE } from '../../validation/schemas.js';
import { validateBody, validateDirectoryObject } from '../../validation/validate.js';
import { adminOrganisationView } from '../../views/organisation.js';

type OrganisationInput = Omit<
  OrganisationRecord,
  'OrganisationId' | 'CreatedAt' | 'ModifiedAt' | 'Status' | 'OrganisationIdentifier'
> & { OrganisationIdentifier?: string };

/**
 * Step: each entry of `Contacts` obeys the rules `PUT …/contact/{ContactType}` applies (the
 * CONTACT table: e-mail address, phone number, a ContactTypeSchema type), one per type —
 * `GET …/contact/{ContactType}` serves it afterwards. A refusal names the entry.
 */
function parseContacts(entries: Record<string, unknown>[]): Contact[] {
  const seen = new Set<string>();
  return entries.map((entry, i) => {
    const contact = validateDirectoryObject(entry, CONTACT, (_field, message) => {
      throw new BadRequest(`Contacts[${i}].${message}`);
    }) as Contact;
    const type = contact.Type as string;
    if (seen.has(type))
      throw new BadRequest(`Contacts[${i}].Type ${type} is given twice: one contact per type`);
    seen.add(type);
    return contact;
  });
}

/**
 * The roles each organisation type may hold: a TPP holds TPP roles only (its software statements
 * and certificates carry its roles, and ASPSP is no TPP's), a bank holds ASPSP and may hold TPP
 * roles beside it.
 */
const ROLES_OF_TYPE: Record<
  OrganisationRecord['OrganisationType'],
  (roles: SoftwareRole[]) => string | undefined
> = {
  tpp: (roles) =>
    roles.includes('ASPSP')
      ? 'Roles must not hold ASPSP for a tpp organisation (AISP, PISP, CBPII)'
      : undefined,
  aspsp: (roles) => (roles.includes('ASPSP') ? undefined : 'Roles must hold ASPSP for an aspsp organisation'),
};

function parseOrganisation(req: Request): OrganisationInput {
  const body = validateBody(jsonObject(req), ORGANISATION_CREATE);
  const roles = [...new Set(body.Roles as SoftwareRole[])];
  const roleProblem = ROLES_OF_TYPE[body.OrganisationType as OrganisationRecord['OrganisationType']](roles);
  if (roleProblem) throw new BadRequest(roleProblem);
  const contacts = parseContacts((body.Contacts as Record<string, unknown>[] | undefined) ?? []);
  return {
    OrganisationName: body.OrganisationName as string,
    OrganisationType: body.OrganisationType as OrganisationRecord['OrganisationType'],
    Roles: roles,
    OrganisationIdentifier: body.OrganisationIdentifier as string | undefined,
    LegalName: (body.LegalName as string | undefined) ?? (body.OrganisationName as string),
    Contacts: contacts,
    ...(body.SandboxService === true ? { SandboxService: true as const } : {}),
  };
}

async function issueCredential(ctx: DirectoryContext, orgId: string): Promise<string> {
  const token = newSecret();
  await ctx.repo.putCredential({
    hash: hashToken(token),
    OrganisationId: orgId,
    createdAt: ctx.now().toISOString(),
  });
  return token;
}

/** POST /admin/organisations → 201 with OrganisationId and the organisation's AccessToken. */
export function createOrganisation(ctx: DirectoryContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const input = parseOrganisation(req);
    // The unversioned POST /organisation/{OrganisationType} names the type in its path too.
    const inPath = req.params.OrganisationType;
    if (inPath !== undefined && inPath !== input.OrganisationType)
      throw new BadRequest(
        `OrganisationType ${input.OrganisationType} is not the type in the path (${inPath})`,
      );
    const id = newOrganisationId();
    const now = ctx.now().toISOString();
    const org: OrganisationRecord = {
      ...input,
      OrganisationId: id,
      OrganisationIdentifier: input.OrganisationIdentifier ?? `PSDGB-OB-Unknown${id}`,
      Status: 'Active',
      CreatedAt: now,
      ModifiedAt: now,
    };
    // Both writes join one group commit (one fsync) and are durable before the answer; the
    // organisation is queued first, so a crash can lose its credential but never keep a
    // credential without its organisation.
    const [, token] = await withNewOrganisationIdentifier(
      ctx,
      org.OrganisationIdentifier,
      (holder) =>
        new Conflict(
          `OrganisationIdentifier ${org.OrganisationIdentifier} is ${holder ? `the identifier of organisation ${holder}` : 'being given to another organisation'} already`,
        ),
      () => Promise.all([ctx.repo.putOrganisation(org), issueCredential(ctx, id)]),
    );
    res.location(`/admin/organisations/${id}`);
    sendJson(req, res, 201, { ...adminOrganisationView(org), AccessToken: token }, [MEDIA.json]);
  };
}

export function listOrganisations(ctx: DirectoryContext) {
  return (req: Request, res: Response): void => {
    sendJson(req, res, 200, ctx.repo.organisations().map(adminOrganisationView), [MEDIA.json]);
  };
}

function organisationOr404(ctx: DirectoryContext, req: Request): OrganisationRecord {
  const org = ctx.repo.organisation(String(req.params.OrganisationId));
  if (!org) throw new NotFound(`organisation ${String(req.params.OrganisationId)} not found`);
  return org;
}

export function getOrganisation(ctx: DirectoryContext) {
  return (req: Request, res: Response): void => {
    sendJson(req, res, 200, adminOrganisationView(organisationOr404(ctx, req)), [MEDIA.json]);
  };
}

const TRANSITIONS: Record<string, { to: OrganisationStatus; from: OrganisationStatus[] }> = {
  suspend: { to: 'Withdrawn', from: ['Active', 'Withdrawn'] },
  reinstate: { to: 'Active', from: ['Active', 'Withdrawn'] },
  revoke: { to: 'Revoked', from: ['Active', 'Withdrawn', 'Revoked'] },
};

/**
 * POST /admin/organisations/{id}/suspend|reinstate|revoke. Suspension
 * (status Withdrawn) is reversible; revocation is final and revokes every
 * certificate of the organisation (they appear on the CRL).
 */
export function setOrganisationStatus(ctx: DirectoryContext, action: keyof typeof TRANSITIONS) {
  return async (req: Request, res: Response): Promise<void> => {
    const org = organisationOr404(ctx, req);
    const t = TRANSITIONS[action];
    if (!t.from.includes(org.Status)) {
      throw new BadRequest(`cannot ${action} an organisation that is ${org.Status}`);
    }
    const updated: OrganisationRecord = { ...org, Status: t.to, ModifiedAt: ctx.now().toISOString() };
    await ctx.repo.putOrganisation(updated);
    if (t.to === 'Revoked') {
      const revokedAt = ctx.now().toISOString();
      const active = ctx.repo
        .certificatesOfOrganisation(org.OrganisationId)
        .filter((c) => c.status === 'Active');
      await Promise.all(active.map((c) => ctx.repo.putCertificate({ ...c, status: 'Revoked', revokedAt })));
      if (active.length > 0) await ctx.crl.rebuild();
    }
    sendJson(req, res, 200, adminOrganisationView(updated), [MEDIA.json]);
  };
}

/** POST /admin/organisations/{id}/token: a new AccessToken; the old ones stop working. */
export function rotateOrganisationToken(ctx: DirectoryContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const org = organisationOr404(ctx, req);
    for (const c of ctx.repo.credentialsOf(org.OrganisationId)) await ctx.repo.deleteCredential(c.hash);
    const token = await issueCredential(ctx, org.OrganisationId);
    sendJson(req, res, 200, { OrganisationId: org.OrganisationId, AccessToken: token }, [MEDIA.json]);
  };
}
