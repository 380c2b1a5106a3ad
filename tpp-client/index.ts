export { accountAccessConsentsUrl } from './bank/account-access-consents-url.js';
export type { ManagementTokenResult } from './bank/bank-registration.js';
export { BankRegistration } from './bank/bank-registration.js';
export type { BankCallOptions } from './bank/bank-request.js';
export { bankRequest } from './bank/bank-request.js';
export { failureFrom, invalidResponse, jsonObjectOf } from './bank/bank-response.js';
export type { ClientAssertionOptions } from './bank/build-client-assertion.js';
export { buildClientAssertion } from './bank/build-client-assertion.js';
export { clientRegistrationUrl } from './bank/client-registration-url.js';
export type { CreateConsentOptions } from './bank/create-consent.js';
export { createConsent } from './bank/create-consent.js';
export {
  type DeleteRegisteredClientResult,
  deleteRegisteredClient,
} from './bank/delete-registered-client.js';
export { deleteRegistration } from './bank/delete-registration.js';
export { getConsent } from './bank/get-consent.js';
export type { ManagementCallOptions } from './bank/get-registration.js';
export { getRegistration } from './bank/get-registration.js';
export type { GetTokenOptions } from './bank/get-token.js';
export { getToken } from './bank/get-token.js';
export { type ManagementBearerResult, managementBearer } from './bank/management-bearer.js';
export { epochSeconds, normaliseClient } from './bank/normalise-client.js';
export type { RegisterOptions } from './bank/register.js';
export { register } from './bank/register.js';
export { registrationClientUriRefusal } from './bank/registration-client-uri-refusal.js';
export { updateRegistration } from './bank/update-registration.js';
export type { CreatedOrganisation, NewOrganisation } from './directory-api/create-organisation.js';
export { createOrganisation } from './directory-api/create-organisation.js';
export type {
  CreatedSoftwareStatement,
  NewSoftwareStatement,
} from './directory-api/create-software-statement.js';
export { createSoftwareStatement } from './directory-api/create-software-statement.js';
export type { DirectoryCall, DirectoryConnection } from './directory-api/directory-call.js';
export { directoryCall } from './directory-api/directory-call.js';
export { fetchSsa } from './directory-api/fetch-ssa.js';
export type { DirectoryToken, DirectoryTokenOptions } from './directory-api/get-directory-token.js';
export { getDirectoryToken } from './directory-api/get-directory-token.js';
export type { BankListing } from './directory-api/list-banks.js';
export { listBanks } from './directory-api/list-banks.js';
export type { OnboardOptions } from './directory-api/onboard.js';
export { onboardAtDirectory } from './directory-api/onboard.js';
export { refreshSsa } from './directory-api/refresh-ssa.js';
export type {
  IssuedCertificateJwk,
  OrganisationCertificateType,
  SoftwareCertificateType,
  UploadCsrTarget,
} from './directory-api/upload-csr.js';
export { uploadCsr } from './directory-api/upload-csr.js';
export { checkEndpointAddresses } from './discovery/check-endpoint-addresses.js';
export { discoveryUrl } from './discovery/discovery-url.js';
export { fetchBankProfile } from './discovery/fetch-bank-profile.js';
export { fetchDiscovery } from './discovery/fetch-discovery.js';
export { mtlsEndpoint } from './discovery/mtls-endpoint.js';
export { validateDiscovery } from './discovery/validate-discovery.js';
export type { SelfSignedStatementOptions } from './eidas/build-self-signed-statement.js';
export { buildSelfSignedStatement } from './eidas/build-self-signed-statement.js';
export type { JwksDocument, ServedJwks, ServeJwksOptions } from './eidas/serve-jwks.js';
export { serveJwks } from './eidas/serve-jwks.js';
export type { TimeoutPhase } from './errors.js';
export {
  DirectoryError,
  DiscoveryError,
  ForbiddenAddressError,
  ForeignHostError,
  HttpNetworkError,
  HttpTimeoutError,
  InvalidResponseError,
  MaterialError,
  RequestObjectError,
  TppError,
} from './errors.js';
export { type AddressClass, addressClass } from './http/address-class.js';
export type {
  HttpClient,
  HttpClientOptions,
  HttpRequestOptions,
  HttpResponse,
} from './http/create-http-client.js';
export { createHttpClient } from './http/create-http-client.js';
export { httpClientForMaterial } from './http/http-client-for-material.js';
export type { RetryEvent, RetryOn, RetryOptions, StatusLike } from './http/with-retry.js';
export {
  backoff,
  isRetryableNetworkError,
  parseRetryAfter,
  RETRY_IDEMPOTENT,
  RETRY_UNPROCESSED,
  RETRYABLE_NETWORK_CODES,
  retryOnFor,
  withRetry,
} from './http/with-retry.js';
export type { LegacyCsrSubject } from './keys/create-legacy-csr.js';
export { createLegacyCsr } from './keys/create-legacy-csr.js';
export type { OrganisationCsrSubject } from './keys/create-organisation-csr.js';
export { createOrganisationCsr } from './keys/create-organisation-csr.js';
export type { GenerateTppKeyOptions } from './keys/generate-tpp-key.js';
export { generateTppKey } from './keys/generate-tpp-key.js';
export type { CertificateJwkOptions } from './keys/jwk-for-certificate.js';
export { jwkForCertificate } from './keys/jwk-for-certificate.js';
export { certificateBlocks } from './material/certificate-blocks.js';
export { checkMaterial } from './material/check-material.js';
export { keystoreUrlFromSsa } from './material/keystore-url-from-ssa.js';
export { loadMaterial } from './material/load-material.js';
export type { SuppliedMaterialFiles } from './material/load-supplied-material.js';
export { loadSuppliedMaterial } from './material/load-supplied-material.js';
export { MATERIAL_FILES, MATERIAL_FORMAT } from './material/material-files.js';
export type { SuppliedMaterial } from './material/material-from-supplied.js';
export { materialFromSupplied } from './material/material-from-supplied.js';
export { saveMaterial } from './material/save-material.js';
export type {
  AudienceForm,
  BankOptions,
  BankProfileDocument,
  ManagementAuth,
  RegistrationMediaType,
  ResolvedBankOptions,
  SubjectDnForm,
} from './registration/bank-options.js';
export {
  audienceFor,
  chooseMediaType,
  hintsFromProfile,
  optionsForBank,
  REGISTRATION_MEDIA_TYPES,
} from './registration/bank-options.js';
export type {
  DcrSpecVersion,
  RegistrationClaims,
  RegistrationClaimsOptions,
  RegistrationRequestFormat,
} from './registration/build-registration-claims.js';
export {
  buildRegistrationClaims,
  DEFAULT_GRANT_TYPES,
  DEFAULT_RESPONSE_TYPES,
} from './registration/build-registration-claims.js';
export { chooseAuthMethod, DEFAULT_AUTH_METHOD_PREFERENCE } from './registration/choose-auth-method.js';
export { chooseSigningAlg } from './registration/choose-signing-alg.js';
export { decodeSsa } from './registration/decode-ssa.js';
export { SCOPE_FOR_ROLE, scopeForRoles } from './registration/scope-for-roles.js';
export type { SignJwtOptions } from './registration/sign-jwt.js';
export { signJwt } from './registration/sign-jwt.js';
export { signRegistrationJwt } from './registration/sign-registration-jwt.js';
export type {
  RegisterAtOptions,
  RegisterAtResult,
  RegistrationBody,
  RegistrationRequestOptions,
  TppClientOptions,
} from './tpp-client.js';
export { ssaAgeSeconds, TppClient } from './tpp-client.js';
export type {
  CheckServerCertificateOptions,
  RevocationCheck,
  ServerCertificateCheck,
} from './trust/check-server-certificate.js';
export { checkServerCertificate } from './trust/check-server-certificate.js';
export type {
  AccountAccessConsent,
  BankConnection,
  BankFailure,
  ConsentResult,
  DeleteRegistrationResult,
  Discovery,
  RegisteredClient,
  RegistrationResult,
  SigningAlg,
  SsaClaims,
  TokenAuthMethod,
  TokenEndpointAuthMethod,
  TokenResponse,
  TokenResult,
  TppMaterial,
} from './types.js';
export { SIGNING_ALGS, TOKEN_AUTH_METHODS, TOKEN_ENDPOINT_AUTH_METHODS } from './types.js';
