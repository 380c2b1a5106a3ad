import type { Request, Response } from 'express';
import { BadRequest, NotFound } from '../../lib/errors.js';
import { jsonObject } from '../../lib/http/index.js';
import { organisationInPath } from '../auth.js';
import type { DirectoryContext } from '../context.js';
import type { Contact } from '../model.js';
import { sendJson } from '../respond.js';
import { CONTACT_PUT, CONTACT_TYPES } from '../validation/schemas.js';
import { validateBody } from '../validation/validate.js';

export const CONTACT_MEDIA = 'application/vnd.openbanking.directory.orgcontacts-v2+json';

function contactType(req: Request): string {
  const type = String(req.params.ContactType);
  if (!CONTACT_TYPES.includes(type))
    throw new BadRequest(`ContactType must be one of ${CONTACT_TYPES.join(', ')}`);
  return type;
}

const view = (c: Contact) => ({ EmailAddress: c.Email ?? '', PhoneNumber: c.Phone ?? '' });

/** GET …/contact/{ContactType}: the organisation's contact of that type (404 when it has none). */
export function getContact(ctx: DirectoryContext) {
  return (req: Request, res: Response): void => {
    const org = organisationInPath(ctx, req, 'read');
    const type = contactType(req);
    const contact = org.Contacts.find((c) => c.Type === type);
    if (!contact) throw new NotFound(`organisation ${org.OrganisationId} has no ${type} contact`);
    sendJson(req, res, 200, view(contact), [CONTACT_MEDIA, 'application/json']);
  };
}

/** PUT …/contact/{ContactType} with {EmailAddress, PhoneNumber}: sets (or replaces) that contact. */
export function putContact(ctx: DirectoryContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const org = organisationInPath(ctx, req, 'write');
    const type = contactType(req);
    // The rules of an admin-created contact too (schemas.ts): what GET serves always obeys them.
    const body = validateBody(jsonObject(req), CONTACT_PUT);
    const email = body.EmailAddress as string;
    const phone = body.PhoneNumber as string;
    const previous = org.Contacts.find((c) => c.Type === type);
    const contact: Contact = { ...previous, Type: type, Email: email, Phone: phone };
    await ctx.repo.putOrganisation({
      ...org,
      Contacts: [...org.Contacts.filter((c) => c.Type !== type), contact],
      ModifiedAt: ctx.now().toISOString(),
    });
    sendJson(req, res, 200, view(contact), [CONTACT_MEDIA, 'application/json']);
  };
}
