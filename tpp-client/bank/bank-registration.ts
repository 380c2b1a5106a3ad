import { ForeignHostError, RequestObjectError } from '../errors.js';
import type { ManagementAuth, ResolvedBankOptions } from '../registration/bank-options.js';
import type { RegisterAtOptions, RegistrationOwner } from '../registration/register-at-options.js';
import type {
  BankFailure,
  DeleteRegistrationResult,
  Discovery,
  RegisteredClient,
  RegistrationResult,
  TokenResult,
} from '../types.js';
import type { BankCallOptions } from './bank-request.js';
import { clientRegistrationUrl } from './client-registration-url.js';
import { deleteRegistration } from './delete-registration.js';
import { getRegistration } from './get-registration.js';
import type { GetTokenOptions } from './get-token.js';
import {
  refuseRegistrationClientUri,
  registrationClientUri,
  registrationClientUriRefusal,
} from './registration-client-uri-refusal.js';
import { updateRegistration } from './update-registration.js';

const SECRET_METHODS = new Set(['client_secret_basic', 'client_secret_post', 'client_secret_jwt']);

/** The bearer for a management call, or why there is none. */
export type ManagementTokenResult = { ok: true; token: string; attempts?: number } | BankFailure;

/**
 * One client registered at one bank, as `TppClient.registerAt` returns it: the latest client
 * metadata, and what managing it needs — where (`registration_client_uri` or
 * `{registration_endpoint}/{ClientId}`) and with which bearer (a client-credentials token,
 * scoped if the bank wants, or the RFC 7592 registration access token, the latest one when
 * the bank rotates it).
 *
 * `read`, `update` and `delete` return the bank's answer; when the management token itself
 * cannot be had, the token endpoint's failure is returned instead. To manage a registration
 * stored earlier, construct one with `optionsForBank(discovery, hints)` and the stored client
 * (its `registration_access_token` and `client_secret` included).
 *
 * A `registration_client_uri` is kept only on a host the name rule allows (the bank's discovery
 * host, a host of its domain, or the owner's `allowedHosts`: `registrationClientUriRefusal`):
 * the constructor throws ForeignHostError for a stored client naming another host, and a GET or
 * PUT answer naming one is returned as failure `invalid_response` and not kept — the
 * registration access token is never sent there.
 */
export class BankRegistration {
  readonly discovery: Discovery;
  readonly options: ResolvedBankOptions;
  /** The client as last returned (the secret kept across GET/PUT answers that leave it out). */
  client: RegisteredClient;
  /** How management calls are authorised at this bank. */
  management: ManagementAuth;
  /** RFC 7592: the latest registration access token. */
  registrationAccessToken: string | undefined;
  /** Where GET/PUT/DELETE go. */
  managementUrl: string;
  /** Set once DELETE succeeded. */
  deleted = false;
  private readonly tpp: RegistrationOwner;
  private cached: { token: string; expiresAt: number } | undefined;

  constructor(
    tpp: RegistrationOwner,
    discovery: Discovery,
    options: ResolvedBankOptions,
    client: RegisteredClient,
  ) {
    this.tpp = tpp;
    this.discovery = discovery;
    this.options = options;
    this.client = client;
    this.registrationAccessToken = client.registration_access_token;
    this.management =
      !options.managementExplicit && typeof client.registration_access_token === 'string'
        ? 'registration-access-token'
        : options.management;
    const refusal = registrationClientUriRefusal(client.registration_client_uri, discovery, tpp.allowedHosts);
    if (refusal !== undefined)
      throw new ForeignHostError(`the stored client's ${refusal}`, {
        field: 'registration_client_uri',
        host: new URL(client.registration_client_uri as string).hostname,
      });
    this.managementUrl =
      registrationClientUri(client.registration_client_uri) ??
      clientRegistrationUrl(discovery, client.client_id);
  }

  get clientId(): string {
    return this.client.client_id;
  }

  /** A client-credentials token of this client (its registered auth method); `scope` as given. */
  token(opts: GetTokenOptions = {}): Promise<TokenResult> {
    const material = this.tpp.material.signing;
    return this.tpp.getToken(this.discovery, this.client, {
      signing: { ...material, alg: this.options.signingAlg ?? material.alg },
      ...opts,
    });
  }

  /**
   * The bearer of management calls: the registration access token (RFC 7592), or a
   * client-credentials token (with `managementScope` for scoped-token banks), reused until
   * 30 s before it expires.
   */
  async managementToken(opts: { retry?: BankCallOptions['retry'] } = {}): Promise<ManagementTokenResult> {
    if (this.management === 'registration-access-token') {
      if (this.registrationAccessToken === undefined) {
        throw new RequestObjectError(
          'the bank returned no registration_access_token, which its management calls need',
          'no_registration_access_token',
        );
      }
      return { ok: true, token: this.registrationAccessToken };
    }
    if (this.cached && this.cached.expiresAt > Date.now()) return { ok: true, token: this.cached.token };
    const scope = this.management === 'scoped-token' ? this.options.managementScope : undefined;
    const res = await this.token({
      ...(scope ? { scope } : {}),
      ...(opts.retry !== undefined ? { retry: opts.retry } : {}),
    });
    if (!res.ok) return res;
    const lifetime = typeof res.token.expires_in === 'number' ? res.token.expires_in : 300;
    this.cached = {
      token: res.token.access_token,
      expiresAt: Date.now() + Math.max(0, lifetime - 30) * 1000,
    };
    return { ok: true, token: res.token.access_token, attempts: res.attempts ?? 1 };
  }

  /**
   * GET the registration; the answer (and a rotated registration access token) is kept, unless
   * it moves `registration_client_uri` to a host the name rule refuses (failure
   * `invalid_response`, nothing kept).
   */
  async read(opts: BankCallOptions = {}): Promise<RegistrationResult> {
    const bearer = await this.managementToken(opts);
    if (!bearer.ok) return bearer;
    const res = this.vetted(
      await getRegistration(this.tpp.bank(this.discovery), this.clientId, bearer.token, {
        ...opts,
        url: this.managementUrl,
      }),
    );
    if (res.ok) this.absorb(res.client);
    return res;
  }

  /**
   * PUT a full new registration request built with this bank's options (plus `changes`, e.g. a
   * new scope or redirect URIs); the answer is kept, as `read` keeps it.
   */
  async update(changes: RegisterAtOptions = {}, opts: BankCallOptions = {}): Promise<RegistrationResult> {
    const bearer = await this.managementToken(opts);
    if (!bearer.ok) return bearer;
    const { managementExplicit: _m, ...hints } = this.options;
    const { body, mediaType } = await this.tpp.registrationBody(this.discovery, {
      ...hints,
      authMethod: this.client.token_endpoint_auth_method as ResolvedBankOptions['authMethod'],
      ...changes,
    });
    const res = this.vetted(
      await updateRegistration(this.tpp.bank(this.discovery), this.clientId, bearer.token, body, {
        ...opts,
        mediaType,
        url: this.managementUrl,
      }),
    );
    if (res.ok) this.absorb(res.client);
    return res;
  }

  /** DELETE the registration (204 at a spec bank; 405 where the bank has no DELETE). */
  async delete(opts: BankCallOptions = {}): Promise<DeleteRegistrationResult> {
    const bearer = await this.managementToken(opts);
    if (!bearer.ok) return bearer;
    const res = await deleteRegistration(this.tpp.bank(this.discovery), this.clientId, bearer.token, {
      ...opts,
      url: this.managementUrl,
    });
    if (res.ok) this.deleted = true;
    return res;
  }

  /** A GET/PUT answer, or failure `invalid_response` when its `registration_client_uri` is refused. */
  private vetted(res: RegistrationResult): RegistrationResult {
    return refuseRegistrationClientUri(res, this.discovery, this.tpp.allowedHosts);
  }

  private absorb(next: RegisteredClient): void {
    const keepSecret =
      next.client_secret === undefined &&
      this.client.client_secret !== undefined &&
      SECRET_METHODS.has(String(next.token_endpoint_auth_method ?? this.client.token_endpoint_auth_method));
    if (typeof next.registration_access_token === 'string') {
      this.registrationAccessToken = next.registration_access_token;
    }
    const uri = registrationClientUri(next.registration_client_uri);
    if (uri) this.managementUrl = uri;
    this.client = {
      ...next,
      ...(keepSecret
        ? {
            client_secret: this.client.client_secret,
            ...(this.client.client_secret_expires_at !== undefined
              ? { client_secret_expires_at: this.client.client_secret_expires_at }
              : {}),
          }
        : {}),
      ...(this.registrationAccessToken !== undefined
        ? { registration_access_token: this.registrationAccessToken }
        : {}),
    };
  }
}
