import type { Schema } from '../../lib/validate.js';
import { SOFTWARE_ROLES } from '../model.js';

const DOMAINS = ['PSD2', 'Pay.UK', 'CD'] as const;

/** Admin API: POST /admin/organisations (mock-only). */
export const ORGANISATION_CREATE: Schema = {
  OrganisationName: { type: 'string', required: true, minLength: 1, maxLength: 140 },
  OrganisationType: { type: 'string', required: true, enum: ['tpp', 'aspsp'] },
  Roles: { type: 'string[]', required: true, enum: SOFTWARE_ROLES, minItems: 1, maxItems: 4 },
  OrganisationIdentifier: { type: 'string', minLength: 1, maxLength: 255 },
  LegalName: { type: 'string', minLength: 1, maxLength: 140 },
  Contacts: { type: 'object[]', maxItems: 10 },
  /** Mock-only: one of the sandbox's own services (the TPP service of `obmock up`), which may take the sandbox's host names. */
  SandboxService: { type: 'boolean' },
};

/** Fields of one entry of `Contacts`. */
export const CONTACT: Schema = {
  Name: { type: 'string', maxLength: 256 },
  Email: { type: 'string', maxLength: 256 },
  Phone: { type: 'string', maxLength: 256 },
  Type: { type: 'string', maxLength: 64 },
};

/** SoftwareStatementCreateSchema of the OB Directory API v2.1 (the fields this directory stores). */
export const SOFTWARE_STATEMENT_CREATE: Schema = {
  AuthorizationDomain: { type: 'string', enum: DOMAINS },
  ClientName: { type: 'string', required: true, minLength: 1, maxLength: 40 },
  Description: { type: 'string', maxLength: 256 },
  OnBehalfOfObOrganisation: { type: 'string', maxLength: 40 },
  PolicyUri: { type: 'string', maxLength: 256, format: 'uri' },
  ClientUri: { type: 'string', maxLength: 256, format: 'uri' },
  LogoUri: { type: 'string', maxLength: 255, format: 'uri' },
  RedirectUri: {
    type: 'string[]',
    required: true,
    minItems: 1,
    maxItems: 20,
    maxLength: 255,
    format: 'redirect-uri',
  },
  Roles: { type: 'string[]', enum: SOFTWARE_ROLES, minItems: 1, maxItems: 4 },
  TermsOfServiceUri: { type: 'string', maxLength: 256, format: 'uri' },
  Version: { type: ['string', 'number', 'integer'], maxLength: 42 },
  Mode: { type: 'string', enum: ['Live', 'Not Live'] },
};

/** PUT of a software statement: SoftwareStatementStateSchema ({Active}) and/or any create field. */
export const SOFTWARE_STATEMENT_UPDATE: Schema = {
  ...Object.fromEntries(
    Object.entries(SOFTWARE_STATEMENT_CREATE).map(([k, rule]) => [k, { ...rule, required: false }]),
  ),
  Active: { type: 'boolean' },
};

/** AuthorisationServerRequestSchema (v2.1); only the discovery URL is required here. */
export const AUTHORISATION_SERVER: Schema = {
  AuthorizationDomain: { type: 'string', enum: DOMAINS },
  AutoRegistrationSupported: { type: 'boolean' },
  BaseApiDNSUri: { type: 'string', maxLength: 2000, format: 'uri' },
  CustomerFriendlyDescription: { type: 'string', maxLength: 255 },
  CustomerFriendlyLogoUri: { type: 'string', maxLength: 255, format: 'uri' },
  CustomerFriendlyName: { type: 'string', maxLength: 255 },
  DeveloperPortalUri: { type: 'string', maxLength: 255, format: 'uri' },
  TermsOfService: { type: 'string', maxLength: 255, format: 'uri' },
  OpenIDConfigEndPointUri: { type: 'string', required: true, maxLength: 255, format: 'https-uri' },
  PayloadSigningCertLocation: { type: 'string', maxLength: 255, format: 'uri' },
  EISCDId: { type: 'string[]', maxItems: 50, maxLength: 14 },
};

/** PUT …/certificate/{type}/{kid}: CertificateOrKeyAssociationSchema. */
export const CERTIFICATE_ASSOCIATION: Schema = {
  associate: { type: 'boolean', required: true },
};
