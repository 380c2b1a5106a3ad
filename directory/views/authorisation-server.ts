import type { AuthorisationServerRecord } from '../model.js';

/** AuthorisationServerSchema of the OB Directory API v2.1. */
export function authorisationServerView(a: AuthorisationServerRecord): Record<string, unknown> {
  return {
    Id: a.Id,
    AuthorizationDomain: a.AuthorizationDomain,
    AutoRegistrationSupported: a.AutoRegistrationSupported,
    BaseApiDNSUri: a.BaseApiDNSUri,
    CustomerFriendlyDescription: a.CustomerFriendlyDescription,
    CustomerFriendlyLogoUri: a.CustomerFriendlyLogoUri,
    CustomerFriendlyName: a.CustomerFriendlyName,
    DeveloperPortalUri: a.DeveloperPortalUri,
    TermsOfService: a.TermsOfService,
    OpenIDConfigEndPointUri: a.OpenIDConfigEndPointUri,
    PayloadSigningCertLocation: a.PayloadSigningCertLocation,
    EISCDId: a.EISCDId,
  };
}
