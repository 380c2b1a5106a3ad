import { BankRegistration } from './bank/bank-registration.js';
import { type CreateConsentOptions, createConsent } from './bank/create-consent.js';
import { deleteRegistration } from './bank/delete-registration.js';
import { getConsent } from './bank/get-consent.js';
import { getRegistration, type ManagementCallOptions } from './bank/get-registration.js';
import { type GetTokenOptions, getToken } from './bank/get-token.js';
import { type RegisterOptions, register } from './bank/register.js';
import { refuseRegistrationClientUri } from './bank/registration-client-uri-refusal.js';
import { updateRegistration } from './bank/update-registration.js';
import { refreshSsa } from './directory-api/refresh-ssa.js';
import { fetchBankProfile } from './discovery/fetch-bank-profile.js';
import { fetchDiscovery } from './discovery/fetch-discovery.js';
import type { HttpClient, HttpClientOptions } from './http/create-http-client.js';
import { httpClientForMaterial } from './http/http-client-for-material.js';
import type { RetryOptions } from './http/with-retry.js';
import {
  audienceFor,
  type BankOptions,
  hintsFromProfile,
  optionsForBank,
  type ResolvedBankOptions,
} from './registration/bank-options.js';
import {
  buildRegistrationClaims,
  type RegistrationClaims,
} from './registration/build-registration-claims.js';
import { decodeSsa } from './registration/decode-ssa.js';
import type {
  RegisterAtOptions,
  RegistrationBody,
  RegistrationRequestOptions,
} from './registration/register-at-options.js';
import { signRegistrationJwt } from './registration/sign-registration-jwt.js';
import type {
  BankConnection,
  BankFailure,
  ConsentResult,
  DeleteRegistrationResult,
  Discovery,
  RegisteredClient,
  RegistrationResult,
  TokenResult,
  TppMaterial,
} from './types.js';

export type { RegisterAtOptions, RegistrationBody, RegistrationRequestOptions };

export interface TppClientOptions extends Omit<HttpClientOptions, 'ca' | 'cert' | 'key' | 'timeoutMs'> {
  /** Per-call deadline; default 10 s. */
  timeoutMs?: number;
  /**
   * Retry policy of every bank call (see `withRetry`): by default 3 retries, 200 ms base
   * back-off with full jitter, 5 s cap, Retry-After honoured; POST /register, /token and
   * consents only on 429/503, GET/PUT/DELETE also on 502/504 and network failures.
   * `false`: one attempt.
   */
  retry?: RetryOptions | false;
  /**
   * Where software statements come from when there is no directory SSA (eIDAS): called for
   * each registration request with the bank's discovery, e.g. `buildSelfSignedStatement`.
   * Default: the material's SSA.
   */
  softwareStatement?: (discovery: Discovery) => string | Promise<string>;
  /**
   * Host names a bank may name for the URLs the TPP calls (its discovery document's issuer,
   * registration and token endpoints and their aliases; a registration's
   * `registration_client_uri`) besides the discovery URL's host and the hosts of its domain
   * (see `checkEndpointHosts`).
   */
  allowedHosts?: string[];
}

export type RegisterAtResult =
  | (Extract<RegistrationResult, { ok: true }> & { registration: BankRegistration })
  | BankFailure;

/** Refresh an SSA this long before the bank's limit. */
const SSA_AGE_MARGIN_SECONDS = 30;

/**
 * One TPP (its material and mTLS client) talking to any number of banks, each given by its
 * discovery document. A thin layer over the functions of this library: it fills in the SSA,
 * the transport certificate, the signing key and kid, the bank's `aud` and auth method, and
 * retries calls a real TPP would retry.
 */
export class TppClient {
  readonly http: HttpClient;
  readonly retry: RetryOptions | false;
  private current: TppMaterial;
  private readonly statementSource: TppClientOptions['softwareStatement'];
  /** The `allowedHosts` option: further hosts a bank may name (the name rule). */
  readonly allowedHosts: readonly string[];

  constructor(material: TppMaterial, options: TppClientOptions = {}) {
    const { retry, softwareStatement, allowedHosts, ...httpOptions } = options;
    this.current = material;
    this.retry = retry ?? {};
    this.statementSource = softwareStatement;
    this.allowedHosts = allowedHosts ?? [];
    this.http = httpClientForMaterial(material, httpOptions);
  }

  get material(): TppMaterial {
    return this.current;
  }

  /** The bank as the bank-call functions take it: this client's mTLS connection and retry policy. */
  bank(discovery: Discovery): BankConnection {
    return { http: this.http, discovery, retry: this.retry };
  }

  /**
   * GET the bank's discovery document over mTLS (retried as a GET) and validate it: its issuer,
   * registration and token endpoints must be on its own host or domain, or in `allowedHosts`.
   */
  discover(url: string): Promise<Discovery> {
    return fetchDiscovery(this.http, url, { retry: this.retry, allowedHosts: this.allowedHosts });
  }

  /** obmock only: the bank's switches at `GET {issuer}/profile` as BankOptions hints; undefined elsewhere. */
  async profileHints(discovery: Discovery): Promise<BankOptions | undefined> {
    const doc = await fetchBankProfile(this.http, discovery.issuer);
    return doc ? hintsFromProfile(doc) : undefined;
  }

  /**
   * The registration claims for this bank (`optionsForBank` with `opts` as hints): `aud` as
   * `audience` says (default discovery `ob_organisation_id`), auth method chosen from the bank's
   * list, the subject DN of the transport certificate in `subjectDnForm`, the DN claim and
   * scope form of `specVersion`, `extraClaims`, `token_endpoint_auth_signing_alg` = the
   * signing alg. `requestFormat` 'json' leaves out the JWT claims. The statement is
   * `opts.softwareStatement` or the material's SSA (`registrationBody` also uses the client's
   * `softwareStatement` source and refreshes an SSA that is too old).
   */
  registrationClaims(discovery: Discovery, opts: RegistrationRequestOptions = {}): RegistrationClaims {
    return this.claimsFor(discovery, opts, opts.softwareStatement ?? this.current.ssa).claims;
  }

  /** `registrationClaims` signed with the material's signing key (or, for `requestFormat` json, as JSON text). */
  async registrationRequest(discovery: Discovery, opts: RegistrationRequestOptions = {}): Promise<string> {
    return (await this.registrationBody(discovery, opts)).body;
  }

  /**
   * The registration request for this bank and its media type. The software statement is
   * `opts.softwareStatement`, else the client's `softwareStatement` source, else the
   * material's SSA — refreshed from the directory first when `maxSsaAgeSeconds` says it is
   * (nearly) too old.
   */
  async registrationBody(discovery: Discovery, opts: RegisterAtOptions = {}): Promise<RegistrationBody> {
    const { softwareStatement, retry: _r, headers: _h, ...rest } = opts;
    const statement = await this.statementFor(discovery, softwareStatement, rest.maxSsaAgeSeconds);
    const { claims, options } = this.claimsFor(discovery, rest, statement);
    const alg = opts.alg ?? opts.signingAlg ?? this.current.signing.alg;
    const body =
      options.requestFormat === 'json'
        ? JSON.stringify(claims)
        : await signRegistrationJwt(claims, this.current.signing.keyPem, {
            alg,
            kid: opts.kid ?? this.current.signing.kid,
            ...(opts.allowRs256 !== undefined ? { allowRs256: opts.allowRs256 } : {}),
          });
    return { body, mediaType: options.mediaType, claims, options };
  }

  /**
   * Registers at a bank the way it wants (`optionsForBank(discovery, opts)`): builds the
   * request, POSTs it to the discovery's `registration_endpoint` with the right media type,
   * and on success returns a `BankRegistration` to get tokens and read, update and delete it.
   * A 2xx whose `registration_client_uri` is on a host the name rule refuses is returned as
   * failure `invalid_response` naming the field, the host and `allowedHosts` (the bank's
   * answer, client included, in `raw`): no `BankRegistration` sends its registration access
   * token there.
   */
  async registerAt(discovery: Discovery, opts: RegisterAtOptions = {}): Promise<RegisterAtResult> {
    const { body, mediaType, options } = await this.registrationBody(discovery, opts);
    const result = refuseRegistrationClientUri(
      await register(this.bank(discovery), body, {
        mediaType,
        ...(opts.retry !== undefined ? { retry: opts.retry } : {}),
        ...(opts.headers ? { headers: opts.headers } : {}),
      }),
      discovery,
      this.allowedHosts,
      ' — the bank did register the client: its answer is in raw',
    );
    if (!result.ok) return result;
    return { ...result, registration: new BankRegistration(this, discovery, options, result.client) };
  }

  /** POST a registration request built elsewhere (`registrationRequest`); `opts.mediaType` default application/jose. */
  register(discovery: Discovery, jwt: string, opts?: RegisterOptions): Promise<RegistrationResult> {
    return register(this.bank(discovery), jwt, opts);
  }

  /** GET a registration with a bearer of your choosing (`BankRegistration.read` picks it for you). */
  getRegistration(
    discovery: Discovery,
    clientId: string,
    accessToken: string | undefined,
    opts?: ManagementCallOptions,
  ): Promise<RegistrationResult> {
    return getRegistration(this.bank(discovery), clientId, accessToken, opts);
  }

  /** PUT a registration request built elsewhere (`BankRegistration.update` builds it for you). */
  updateRegistration(
    discovery: Discovery,
    clientId: string,
    accessToken: string | undefined,
    jwt: string,
    opts?: ManagementCallOptions & { mediaType?: string },
  ): Promise<RegistrationResult> {
    return updateRegistration(this.bank(discovery), clientId, accessToken, jwt, opts);
  }

  /** DELETE a registration with a bearer of your choosing (`BankRegistration.delete` picks it for you). */
  deleteRegistration(
    discovery: Discovery,
    clientId: string,
    accessToken: string | undefined,
    opts?: ManagementCallOptions,
  ): Promise<DeleteRegistrationResult> {
    return deleteRegistration(this.bank(discovery), clientId, accessToken, opts);
  }

  /** A client-credentials token; private_key_jwt assertions are signed with the material's signing key. */
  getToken(
    discovery: Discovery,
    client: Pick<RegisteredClient, 'client_id' | 'client_secret' | 'token_endpoint_auth_method'>,
    opts: GetTokenOptions = {},
  ): Promise<TokenResult> {
    return getToken(this.bank(discovery), client, { signing: this.current.signing, ...opts });
  }

  createConsent(
    discovery: Discovery,
    accessToken: string,
    opts?: CreateConsentOptions,
  ): Promise<ConsentResult> {
    return createConsent(this.bank(discovery), accessToken, opts);
  }

  getConsent(discovery: Discovery, accessToken: string, consentId: string): Promise<ConsentResult> {
    return getConsent(this.bank(discovery), accessToken, consentId);
  }

  /** Replaces the material's SSA with a fresh one from its directory; returns the new material. */
  async refreshSsa(): Promise<TppMaterial> {
    this.current = await refreshSsa(this.current, { timeoutMs: this.http.timeoutMs });
    return this.current;
  }

  close(): Promise<void> {
    return this.http.close();
  }

  private claimsFor(
    discovery: Discovery,
    opts: RegistrationRequestOptions,
    softwareStatement: string,
  ): { claims: RegistrationClaims; options: ResolvedBankOptions } {
    const {
      alg: _alg,
      allowRs256: _rs,
      kid: _kid,
      aud,
      audience,
      authMethod,
      authMethodPreference,
      mediaType,
      management,
      managementScope,
      maxSsaAgeSeconds,
      signingAlg,
      softwareStatement: _s,
      ...claimOpts
    } = opts;
    const options = optionsForBank(discovery, {
      ...opts,
      ...((claimOpts.tokenEndpointAuthMethod ?? authMethod)
        ? { authMethod: claimOpts.tokenEndpointAuthMethod ?? authMethod }
        : {}),
    });
    const json = options.requestFormat === 'json';
    const audValue =
      aud ??
      (json || Object.hasOwn(opts.overrides ?? {}, 'aud') ? undefined : audienceFor(discovery, audience));
    const claims = buildRegistrationClaims({
      transportCertPem: this.current.transport.certPem,
      tokenEndpointAuthSigningAlg: signingAlg ?? this.current.signing.alg,
      requestObjectSigningAlg: signingAlg ?? this.current.signing.alg,
      ...claimOpts,
      softwareStatement,
      specVersion: options.specVersion,
      requestFormat: options.requestFormat,
      subjectDnForm: options.subjectDnForm,
      grantTypes: options.grantTypes,
      responseTypes: options.responseTypes,
      extraClaims: options.extraClaims,
      ...(audValue !== undefined ? { aud: audValue } : {}),
      tokenEndpointAuthMethod: options.authMethod,
    });
    return { claims, options };
  }

  private async statementFor(
    discovery: Discovery,
    given: RegisterAtOptions['softwareStatement'],
    maxAgeSeconds: number | undefined,
  ): Promise<string> {
    if (typeof given === 'string') return given;
    if (given) return given(discovery);
    if (this.statementSource) return this.statementSource(discovery);
    if (maxAgeSeconds !== undefined) {
      const age = ssaAgeSeconds(this.current.ssa);
      if (age === undefined || age + SSA_AGE_MARGIN_SECONDS > maxAgeSeconds) await this.refreshSsa();
    }
    return this.current.ssa;
  }
}

/** Seconds since the SSA's `iat`; undefined when it has none. */
export function ssaAgeSeconds(ssa: string, now: Date = new Date()): number | undefined {
  const iat = decodeSsa(ssa).iat;
  return typeof iat === 'number' ? Math.floor(now.getTime() / 1000) - iat : undefined;
}
