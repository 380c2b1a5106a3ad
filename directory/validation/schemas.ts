import { SOFTWARE_ROLES } from '../model.js';
import type { DirectoryRule, DirectorySchema } from './validate.js';

const DOMAINS = ['PSD2', 'Pay.UK', 'CD'] as const;

/** Admin API: POST /admin/organisations (mock-only). */
export const ORGANISATION_CREATE: DirectorySchema = {
  /** The SSA's `org_name`. */
  OrganisationName: { type: 'string', required: true, minLength: 1, maxLength: 140, text: true },
  OrganisationType: { type: 'string', required: true, enum: ['tpp', 'aspsp'] },
  Roles: { type: 'string[]', required: true, enum: SOFTWARE_ROLES, minItems: 1, maxItems: 4 },
  OrganisationIdentifier: {
    type: 'string',
    minLength: 1,
    maxLength: 255,
    pattern: { re: /^[A-Za-z0-9-]+$/, says: 'letters, digits and hyphens only' },
  },
  /** The `O` of the organisation's OBWAC and OBSeal subjects, and `org_name` of certificate validation. */
  LegalName: { type: 'string', minLength: 1, maxLength: 140, text: true },
  Contacts: { type: 'object[]', maxItems: 10 },
  /** Mock-only: one of the sandbox's own services (the TPP service of `obmock up`), which may take the sandbox's host names. */
  SandboxService: { type: 'boolean' },
};

/** ContactTypeSchema of the swagger. */
export const CONTACT_TYPES = ['Business', 'PBC', 'PTC', 'Registered', 'Technical'];

/** An RFC 5322 addr-spec (dot-atom local part, domain with a TLD): no display name, no comments. */
export const EMAIL_ADDRESS: NonNullable<DirectoryRule['pattern']> = {
  re: /^[^\s@<>(),;:"[\]]{1,64}@[A-Za-z0-9.-]{1,189}\.[A-Za-z]{2,}$/,
  says: 'an e-mail address (RFC 5322 addr-spec)',
};

/** ContactSchema's EmailAddress. */
const EMAIL: DirectoryRule = {
  type: 'string',
  required: true,
  maxLength: 256,
  text: true,
  pattern: EMAIL_ADDRESS,
};

/** ContactSchema's PhoneNumber. */
const PHONE: DirectoryRule = {
  type: 'string',
  required: true,
  pattern: { re: /^\+?[0-9][0-9 ()-]{2,31}$/, says: 'digits with an optional leading + (3–32 characters)' },
};

/**
 * One contact, as `PUT …/contact/{ContactType}` takes it (ContactSchema; the type is in the path).
 * The same rules as an entry of `Contacts` in `POST /admin/organisations` (CONTACT below).
 */
export const CONTACT_PUT: DirectorySchema = {
  EmailAddress: EMAIL,
  PhoneNumber: PHONE,
};

/** One entry of `Contacts` in `POST /admin/organisations`: ContactSchema's rules, the type, a name. */
export const CONTACT: DirectorySchema = {
  Name: { type: 'string', maxLength: 256, text: true },
  Email: EMAIL,
  Phone: PHONE,
  Type: { type: 'string', required: true, enum: CONTACT_TYPES },
};

/** SoftwareStatementCreateSchema of the OB Directory API v2.1 (the fields this directory stores). */
export const SOFTWARE_STATEMENT_CREATE: DirectorySchema = {
  AuthorizationDomain: { type: 'string', enum: DOMAINS },
  /** The SSA's `software_client_name`. */
  ClientName: { type: 'string', required: true, minLength: 1, maxLength: 40, text: true },
  Description: { type: 'string', maxLength: 256, text: true },
  OnBehalfOfObOrganisation: { type: 'string', maxLength: 40, text: true },
  PolicyUri: { type: 'string', maxLength: 256, format: 'uri', text: true },
  ClientUri: { type: 'string', maxLength: 256, format: 'uri', text: true },
  LogoUri: { type: 'string', maxLength: 255, format: 'uri', text: true },
  RedirectUri: {
    type: 'string[]',
    required: true,
    minItems: 1,
    maxItems: 20,
    maxLength: 255,
    format: 'redirect-uri',
  },
  Roles: { type: 'string[]', enum: SOFTWARE_ROLES, minItems: 1, maxItems: 4 },
  TermsOfServiceUri: { type: 'string', maxLength: 256, format: 'uri', text: true },
  Version: { type: ['string', 'number', 'integer'], maxLength: 42, text: true },
  Mode: { type: 'string', enum: ['Live', 'Not Live'] },
};

/** PUT of a software statement: SoftwareStatementStateSchema ({Active}) and/or any create field. */
export const SOFTWARE_STATEMENT_UPDATE: DirectorySchema = {
  ...Object.fromEntries(
    Object.entries(SOFTWARE_STATEMENT_CREATE).map(([k, rule]) => [k, { ...rule, required: false }]),
  ),
  Active: { type: 'boolean' },
};

/** AuthorisationServerRequestSchema (v2.1); only the discovery URL is required here. */
export const AUTHORISATION_SERVER: DirectorySchema = {
  AuthorizationDomain: { type: 'string', enum: DOMAINS },
  AutoRegistrationSupported: { type: 'boolean' },
  BaseApiDNSUri: { type: 'string', maxLength: 2000, format: 'uri', text: true },
  CustomerFriendlyDescription: { type: 'string', maxLength: 255, text: true },
  CustomerFriendlyLogoUri: { type: 'string', maxLength: 255, format: 'uri', text: true },
  CustomerFriendlyName: { type: 'string', maxLength: 255, text: true },
  DeveloperPortalUri: { type: 'string', maxLength: 255, format: 'uri', text: true },
  TermsOfService: { type: 'string', maxLength: 255, format: 'uri', text: true },
  OpenIDConfigEndPointUri: {
    type: 'string',
    required: true,
    maxLength: 255,
    format: 'https-uri',
    text: true,
  },
  PayloadSigningCertLocation: { type: 'string', maxLength: 255, format: 'uri', text: true },
  /** The swagger: "Allowed lengths: 4, 6, 14" (each entry). */
  EISCDId: {
    type: 'string[]',
    maxItems: 50,
    maxLength: 14,
    text: true,
    pattern: { re: /^(?:.{4}|.{6}|.{14})$/su, says: '4, 6 or 14 characters long' },
  },
};

/** PUT …/certificate/{type}/{kid}: CertificateOrKeyAssociationSchema. */
export const CERTIFICATE_ASSOCIATION: DirectorySchema = {
  associate: { type: 'boolean', required: true },
};
