import { type CreateConsentOptions, createConsent } from './bank/create-consent.js';
import { deleteRegistration } from './bank/delete-registration.js';
import { getConsent } from './bank/get-consent.js';
import { getRegistration } from './bank/get-registration.js';
import { type GetTokenOptions, getToken } from './bank/get-token.js';
import { type RegisterOptions, register } from './bank/register.js';
import { updateRegistration } from './bank/update-registration.js';
import { refreshSsa } from './directory-api/refresh-ssa.js';
import { fetchDiscovery } from './discovery/fetch-discovery.js';
import { RequestObjectError } from './errors.js';
import type { HttpClient, HttpClientOptions } from './http/create-http-client.js';
import { httpClientForMaterial } from './http/http-client-for-material.js';
import {
  buildRegistrationClaims,
  type RegistrationClaims,
  type RegistrationClaimsOptions,
} from './registration/build-registration-claims.js';
import { chooseAuthMethod } from './registration/choose-auth-method.js';
import { signRegistrationJwt } from './registration/sign-registration-jwt.js';
import type {
  ConsentResult,
  DeleteRegistrationResult,
  Discovery,
  RegisteredClient,
  RegistrationResult,
  SigningAlg,
  TokenEndpointAuthMethod,
  TokenResult,
  TppMaterial,
} from './types.js';

export interface TppClientOptions extends Omit<HttpClientOptions, 'ca' | 'cert' | 'key' | 'timeoutMs'> {
  /** Per-call deadline; default 10 s. */
  timeoutMs?: number;
}

/** Registration request options; everything the material and discovery provide is optional. */
export type RegistrationRequestOptions = Partial<RegistrationClaimsOptions> & {
  /** Order to pick `token_endpoint_auth_method` from the bank's list, when not given. */
  authMethodPreference?: readonly TokenEndpointAuthMethod[];
  /** Header alg; default the material's signing alg. */
  alg?: SigningAlg;
  allowRs256?: boolean;
  /** Header kid; default the material's signing kid. */
  kid?: string;
};

/**
 * One TPP (its material and mTLS client) talking to any number of banks, each given by its
 * discovery document. A thin layer over the functions of this library: it fills in the SSA,
 * the transport certificate, the signing key and kid, the bank's `aud` and auth method.
 */
export class TppClient {
  readonly http: HttpClient;
  private current: TppMaterial;

  constructor(material: TppMaterial, options: TppClientOptions = {}) {
    this.current = material;
    this.http = httpClientForMaterial(material, options);
  }

  get material(): TppMaterial {
    return this.current;
  }

  /** GET the bank's discovery document over mTLS and validate it. */
  discover(url: string): Promise<Discovery> {
    return fetchDiscovery(this.http, url);
  }

  /**
   * The registration claims for this bank: `aud` = discovery `ob_organisation_id`, auth method
   * chosen from the bank's list, `tls_client_auth_subject_dn` from the transport certificate,
   * `token_endpoint_auth_signing_alg` = the material's alg.
   */
  registrationClaims(discovery: Discovery, opts: RegistrationRequestOptions = {}): RegistrationClaims {
    const aud = opts.aud ?? discovery.ob_organisation_id;
    if (aud === undefined && !Object.hasOwn(opts.overrides ?? {}, 'aud')) {
      throw new RequestObjectError('the discovery has no ob_organisation_id: give aud (the bank OB org id)');
    }
    const { authMethodPreference, alg: _alg, allowRs256: _rs, kid: _kid, ...claimOpts } = opts;
    return buildRegistrationClaims({
      softwareStatement: this.current.ssa,
      transportCertPem: this.current.transport.certPem,
      tokenEndpointAuthSigningAlg: this.current.signing.alg,
      ...claimOpts,
      aud: aud ?? '',
      tokenEndpointAuthMethod:
        opts.tokenEndpointAuthMethod ?? chooseAuthMethod(discovery, authMethodPreference),
    });
  }

  /** `registrationClaims` signed with the material's signing key. */
  async registrationRequest(discovery: Discovery, opts: RegistrationRequestOptions = {}): Promise<string> {
    return signRegistrationJwt(this.registrationClaims(discovery, opts), this.current.signing.keyPem, {
      alg: opts.alg ?? this.current.signing.alg,
      kid: opts.kid ?? this.current.signing.kid,
      ...(opts.allowRs256 !== undefined ? { allowRs256: opts.allowRs256 } : {}),
    });
  }

  register(discovery: Discovery, jwt: string, opts?: RegisterOptions): Promise<RegistrationResult> {
    return register({ http: this.http, discovery }, jwt, opts);
  }

  getRegistration(
    discovery: Discovery,
    clientId: string,
    accessToken: string | undefined,
  ): Promise<RegistrationResult> {
    return getRegistration({ http: this.http, discovery }, clientId, accessToken);
  }

  updateRegistration(
    discovery: Discovery,
    clientId: string,
    accessToken: string | undefined,
    jwt: string,
    opts?: { mediaType?: string },
  ): Promise<RegistrationResult> {
    return updateRegistration({ http: this.http, discovery }, clientId, accessToken, jwt, opts);
  }

  deleteRegistration(
    discovery: Discovery,
    clientId: string,
    accessToken: string | undefined,
  ): Promise<DeleteRegistrationResult> {
    return deleteRegistration({ http: this.http, discovery }, clientId, accessToken);
  }

  /** A client-credentials token; private_key_jwt assertions are signed with the material's signing key. */
  getToken(
    discovery: Discovery,
    client: Pick<RegisteredClient, 'client_id' | 'client_secret' | 'token_endpoint_auth_method'>,
    opts: GetTokenOptions = {},
  ): Promise<TokenResult> {
    return getToken({ http: this.http, discovery }, client, { signing: this.current.signing, ...opts });
  }

  createConsent(
    discovery: Discovery,
    accessToken: string,
    opts?: CreateConsentOptions,
  ): Promise<ConsentResult> {
    return createConsent({ http: this.http, discovery }, accessToken, opts);
  }

  getConsent(discovery: Discovery, accessToken: string, consentId: string): Promise<ConsentResult> {
    return getConsent({ http: this.http, discovery }, accessToken, consentId);
  }

  /** Replaces the material's SSA with a fresh one from its directory; returns the new material. */
  async refreshSsa(): Promise<TppMaterial> {
    this.current = await refreshSsa(this.current, { timeoutMs: this.http.timeoutMs });
    return this.current;
  }

  close(): Promise<void> {
    return this.http.close();
  }
}
