import type { Request, Response } from 'express';
import { BadRequest, NotFound } from '../../lib/errors.js';
import { jsonObject } from '../../lib/http/index.js';
import { organisationInPath } from '../auth.js';
import type { DirectoryContext } from '../context.js';
import type { Contact } from '../model.js';
import { sendJson } from '../respond.js';

export const CONTACT_MEDIA = 'application/vnd.openbanking.directory.orgcontacts-v2+json';
/** ContactTypeSchema of the swagger. */
export const CONTACT_TYPES = ['Business', 'PBC', 'PTC', 'Registered', 'Technical'];
const EMAIL = /^[^\s@<>(),;:"[\]]{1,64}@[A-Za-z0-9.-]{1,189}\.[A-Za-z]{2,}$/;
const PHONE = /^\+?[0-9][0-9 ()-]{2,31}$/;

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
    const body = jsonObject(req);
    const email = body.EmailAddress;
    const phone = body.PhoneNumber;
    if (typeof email !== 'string' || !EMAIL.test(email))
      throw new BadRequest('EmailAddress: required, an e-mail address (RFC 5322 addr-spec)');
    if (typeof phone !== 'string' || !PHONE.test(phone))
      throw new BadRequest('PhoneNumber: required, digits with an optional leading + (3–32 characters)');
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
