import type { CertificateType } from '../certs/index.js';

export type OrganisationType = 'tpp' | 'aspsp';
export type OrganisationStatus = 'Active' | 'Withdrawn' | 'Revoked';
export type SoftwareRole = 'AISP' | 'PISP' | 'CBPII' | 'ASPSP';
export const SOFTWARE_ROLES: SoftwareRole[] = ['AISP', 'PISP', 'CBPII', 'ASPSP'];

export interface Contact {
  Name?: string;
  Email?: string;
  Phone?: string;
  Type?: string;
}

export interface OrganisationRecord {
  OrganisationId: string;
  OrganisationName: string;
  OrganisationType: OrganisationType;
  Roles: SoftwareRole[];
  /** organizationIdentifier (2.5.4.97) for eIDAS certificates, e.g. PSDUK-UKBXXX-12345678. */
  OrganisationIdentifier: string;
  LegalName: string;
  Contacts: Contact[];
  Status: OrganisationStatus;
  CreatedAt: string;
  ModifiedAt: string;
  /**
   * Mock-only, set by the admin: one of the sandbox's own services (the TPP
   * service of `obmock up`), which may get certificates for the sandbox's host names.
   */
  SandboxService?: true;
}

export interface SoftwareStatementRecord {
  Id: string;
  OrganisationId: string;
  ClientId: string;
  Active: boolean;
  AuthorizationDomain: 'PSD2' | 'Pay.UK' | 'CD';
  ClientName: string;
  Description: string;
  OnBehalfOfObOrganisation: string;
  PolicyUri: string;
  ClientUri: string;
  LogoUri: string;
  TermsOfServiceUri: string;
  RedirectUri: string[];
  Roles: SoftwareRole[];
  Version: string;
  Mode: 'Live' | 'Not Live';
  CreatedAt: string;
  ModifiedAt: string;
}

export type CertificateStatus = 'Active' | 'Revoked';

export interface CertificateRecord {
  kid: string;
  OrganisationId: string;
  /** Set for obtransport/obsigning certificates, which belong to one software statement. */
  SoftwareStatementId?: string;
  /** Software statements an organisation-level certificate is associated with. */
  Associations: string[];
  type: CertificateType;
  use: 'tls' | 'sig';
  status: CertificateStatus;
  pem: string;
  serialHex: string;
  notBefore: string;
  notAfter: string;
  /** RSA public key members (empty for an EC key). */
  n: string;
  e: string;
  kty: string;
  /** EC P-256 public key members (signing certificates may carry an EC key). */
  crv?: string;
  x?: string;
  y?: string;
  x5tS256: string;
  createdAt: string;
  revokedAt?: string;
}

export interface AuthorisationServerRecord {
  Id: string;
  OrganisationId: string;
  AuthorizationDomain: 'PSD2' | 'Pay.UK' | 'CD';
  AutoRegistrationSupported: boolean;
  BaseApiDNSUri: string;
  CustomerFriendlyDescription: string;
  CustomerFriendlyLogoUri: string;
  CustomerFriendlyName: string;
  DeveloperPortalUri: string;
  TermsOfService: string;
  OpenIDConfigEndPointUri: string;
  PayloadSigningCertLocation: string;
  EISCDId: string[];
  CreatedAt: string;
}

/** A bearer credential, stored only as the SHA-256 of the token. */
export interface CredentialRecord {
  hash: string;
  OrganisationId: string;
  createdAt: string;
}

export interface MetaRecord {
  crlNumber: number;
}

export const COLLECTIONS = {
  organisations: 'organisations',
  softwareStatements: 'softwareStatements',
  certificates: 'certificates',
  authorisationServers: 'authorisationServers',
  credentials: 'credentials',
  oauthClients: 'oauthClients',
  meta: 'meta',
} as const;

/** An organisation's OAuth client at the directory's authorisation server, bound to one OBWAC or QWAC. */
export interface OAuthClientRecord {
  ClientID: string;
  OrganisationId: string;
  ClientCertSubjectDn: string;
  ClientCertIssuerDn: string;
  /** kid of the bound certificate (it must stay Active). */
  kid: string;
  /** base64url SHA-256 of the bound certificate: tokens work only over it. */
  x5tS256: string;
  CreatedAt: string;
}
