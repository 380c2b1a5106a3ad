import { createPrivateKey, createPublicKey } from 'node:crypto';
import type { LookupFunction } from 'node:net';
import {
  type BankConnection,
  type BankFailure,
  buildRegistrationClaims,
  chooseAuthMethod,
  createHttpClient,
  createLegacyCsr,
  DEFAULT_GRANT_TYPES,
  type DirectoryConnection,
  type Discovery,
  deleteRegistration,
  directoryCall,
  fetchDiscovery,
  getRegistration,
  getToken,
  type HttpClient,
  type RegisteredClient,
  type RegistrationClaimsOptions,
  type RetryOptions,
  register,
  signRegistrationJwt,
  TOKEN_ENDPOINT_AUTH_METHODS,
  type TokenEndpointAuthMethod,
  type TppMaterial,
  updateRegistration,
  uploadCsr,
} from '../tpp-client/index.js';
import { boundedMessage } from './bounded-message.js';
import { otherTppSigningAlg } from './other-tpp-signing-alg.js';
import { recordingClient } from './recording-http.js';
import type { Exchange, Need, StepRecord } from './records.js';
import { validateRegistrationResponse } from './spec/validate-registration-response.js';
import type { Target } from './target.js';

/** The shared TPP of another organisation per directory (`ScenarioContext.otherOrganisation`). */
const otherOrganisations = new WeakMap<object, Promise<TppMaterial>>();

/** An expectation the bank did not meet; `rule`: the spec rule id behind it, when not the scenario's strongest. */
export class ExpectationFailed extends Error {
  constructor(
    message: string,
    readonly rule?: string,
  ) {
    super(boundedMessage(message));
  }
}

/** A scenario that cannot run against this target; `reason` says why. */
export class Skipped extends Error {
  constructor(reason: string) {
    super(boundedMessage(reason));
  }
}

/**
 * A negative scenario whose positive twin (the same request without the defect) was refused
 * in the scenario itself: its refusal proves nothing against this bank; `reason` says which.
 */
export class Blocked extends Error {
  constructor(reason: string) {
    super(boundedMessage(reason));
  }
}

/** The `error` of a refusal that happened in the TLS handshake (no HTTP answer at all). */
export const HANDSHAKE_REFUSED = 'refused in the TLS handshake';

export type AnyResult =
  | { ok: true; status: number }
  | (Pick<BankFailure, 'ok' | 'status' | 'error'> & { error_description?: string; handshake?: boolean });

/** Options of the expect* checks. */
export interface ExpectOptions {
  /** A refusal in the TLS handshake counts too (mutual TLS lets a server refuse a certificate there). */
  handshake?: boolean;
  /** The spec rule behind this expectation, when not the scenario's strongest. */
  rule?: string;
}

/**
 * Did a call die because the server refused the client certificate during the handshake? Node
 * reports it as a socket closed or reset during or just after the handshake, or a TLS alert.
 */
export function isHandshakeRefusal(err: unknown): boolean {
  const seen = new Set<unknown>();
  let e: unknown = err;
  const text: string[] = [];
  while (e && typeof e === 'object' && !seen.has(e)) {
    seen.add(e);
    const x = e as { code?: unknown; message?: unknown; cause?: unknown };
    text.push(String(x.code ?? ''), String(x.message ?? ''));
    e = x.cause;
  }
  return /ECONNRESET|EPIPE|UND_ERR_SOCKET|other side closed|socket hang up|alert|certificate required|bad certificate|unknown ca|handshake/i.test(
    text.join(' '),
  );
}

export interface RequestOptions extends Partial<RegistrationClaimsOptions> {
  /** Signing algorithm of the request; RS256 allowed here on purpose (negative scenarios). */
  alg?: 'PS256' | 'ES256' | 'RS256';
  /** Sign with another key (PEM) / kid instead of the material's. */
  signingKeyPem?: string;
  kid?: string;
}

/** A TPP as scenarios use it: material, a recording mTLS client, a bank connection. */
export class ScenarioTpp {
  readonly http: HttpClient;
  readonly bank: BankConnection;

  constructor(
    readonly material: TppMaterial,
    discovery: Discovery,
    record: (e: Exchange) => void,
    label: string,
    opts: { clientCertificate?: boolean; lookup?: LookupFunction } = {},
  ) {
    const base = createHttpClient({
      ...(opts.lookup ? { lookup: opts.lookup } : {}),
      ca: material.caBundlePem,
      ...(opts.clientCertificate === false
        ? {}
        : { cert: material.transport.certPem, key: material.transport.keyPem }),
      timeoutMs: 10_000,
    });
    this.http = recordingClient(base, label, record);
    this.bank = { http: this.http, discovery };
  }
}

/**
 * What a scenario's steps use: the target bank, the TPP, request builders
 * that change exactly one thing, and checks that fail the scenario with a
 * message naming what was expected and what came back.
 */
export class ScenarioContext {
  readonly steps: StepRecord[];
  private current: StepRecord | undefined;
  readonly tpp: ScenarioTpp;
  private readonly extra: ScenarioTpp[] = [];
  private readonly children: ScenarioContext[] = [];
  private readonly cleanups: (() => Promise<void> | void)[] = [];

  /** `parent`: a context for another bank within the parent's scenario (steps and exchanges go to the parent). */
  constructor(
    readonly target: Target,
    readonly discovery: Discovery,
    private readonly parent?: ScenarioContext,
  ) {
    this.steps = parent ? parent.steps : [];
    this.tpp = new ScenarioTpp(target.material, discovery, (e) => this.record(e), 'TPP', {
      lookup: target.lookup,
    });
  }

  private record(e: Exchange): void {
    if (this.parent) {
      this.parent.record(e);
      return;
    }
    (this.current ?? this.openStep('(setup)')).exchanges.push(e);
  }

  private openStep(name: string): StepRecord {
    const step: StepRecord = { name, ok: true, exchanges: [] };
    this.steps.push(step);
    this.current = step;
    return step;
  }

  /** A named step; its HTTP exchanges are grouped under it in reports. */
  async step<T>(name: string, fn: () => Promise<T>): Promise<T> {
    if (this.parent) return this.parent.step(name, fn);
    const step = this.openStep(name);
    try {
      return await fn();
    } catch (err) {
      if (!(err instanceof Skipped)) {
        step.ok = false;
        step.error = boundedMessage(String((err as Error)?.message ?? err));
      }
      throw err;
    } finally {
      this.current = undefined;
    }
  }

  skip(reason: string): never {
    throw new Skipped(reason);
  }

  /**
   * Ends a negative scenario as `blocked`: its positive twin, run here, was refused, so the
   * bank would refuse the negative request without its defect too.
   */
  block(reason: string): never {
    throw new Blocked(reason);
  }

  fail(message: string, rule?: string): never {
    throw new ExpectationFailed(message, rule);
  }

  check(condition: boolean, message: string, rule?: string): void {
    if (!condition) this.fail(message, rule);
  }

  /**
   * Runs a call that the bank may refuse in the TLS handshake: such a refusal comes back as a
   * result with `handshake: true` (status 0) instead of an exception; other errors propagate.
   */
  async attempt<T extends AnyResult>(fn: () => Promise<T>): Promise<T | (AnyResult & { ok: false })> {
    try {
      return await fn();
    } catch (err) {
      if (!isHandshakeRefusal(err)) throw err;
      return {
        ok: false,
        status: 0,
        error: HANDSHAKE_REFUSED,
        error_description: (err as Error).message,
        handshake: true,
      };
    }
  }

  /**
   * Polls `fn` until `done` holds for its result, up to the target's revocation wait
   * (`revocationWaitMs`, default 30 s), for expectations that depend on time (a revocation
   * noticed through a CRL the bank caches). Returns the last result.
   */
  async eventually<T>(fn: () => Promise<T>, done: (r: T) => boolean, intervalMs = 500): Promise<T> {
    const limit = Date.now() + (this.target.revocationWaitMs ?? 30_000);
    for (;;) {
      const r = await fn();
      if (done(r) || Date.now() + intervalMs > limit) return r;
      await new Promise((resolve) => setTimeout(resolve, intervalMs));
    }
  }

  /** Is this need met by the target? */
  has(need: Need): boolean {
    const h = this.target.hints;
    const methods = this.discovery.token_endpoint_auth_methods_supported ?? [];
    const ops = h.managementOperations ?? ['GET', 'PUT', 'DELETE'];
    switch (need) {
      case 'our-directory':
        return this.target.directory !== undefined;
      case 'fault-injection':
        return this.target.bankAdmin !== undefined;
      case 'management-get':
        return ops.includes('GET');
      case 'management-put':
        return ops.includes('PUT');
      case 'management-delete':
        return ops.includes('DELETE');
      case 'tls_client_auth':
      case 'private_key_jwt':
      case 'client_secret_basic':
      case 'client_secret_post':
        return methods.includes(need);
      case 'consents':
        return h.resourceBaseUrl !== undefined;
      case 'rsa-signing-key':
        return this.tpp.material.signing.alg !== 'ES256';
      case 'jws-requests':
        return (h.requestFormat ?? 'jws') === 'jws';
      case 'ob-directory-trust':
        return (h.trustModel ?? 'ob-directory') === 'ob-directory';
    }
  }

  /** Another onboarded TPP (needs our directory); it signs ES256 where the bank lists it (`otherTppSigningAlg`). */
  async newTpp(label = 'TPP-2'): Promise<ScenarioTpp> {
    if (!this.target.directory) this.skip('needs the sandbox directory to onboard another TPP');
    const material = await this.target.directory.newTpp({
      signingAlg: otherTppSigningAlg(this.discovery.request_object_signing_alg_values_supported),
    });
    const tpp = new ScenarioTpp(material, this.discovery, (e) => this.record(e), label, {
      lookup: this.target.lookup,
    });
    this.extra.push(tpp);
    return tpp;
  }

  /**
   * A TPP of another organisation, onboarded once per target and shared by the scenarios that only
   * present its certificate or sign with its key (none of them changes it: `OTHER_ORGANISATION_USERS`).
   * Each scenario gets its own recording client. A scenario that changes its TPP uses `newTpp`.
   */
  async otherOrganisation(label = 'TPP of another organisation'): Promise<ScenarioTpp> {
    const powers = this.directoryPowers();
    let material = otherOrganisations.get(powers);
    if (!material) {
      material = powers.newTpp({
        signingAlg: otherTppSigningAlg(this.discovery.request_object_signing_alg_values_supported),
      });
      otherOrganisations.set(powers, material);
      // a failed onboarding is not kept: the next scenario tries again
      material.catch(() => otherOrganisations.delete(powers));
    }
    const tpp = new ScenarioTpp(await material, this.discovery, (e) => this.record(e), label, {
      lookup: this.target.lookup,
    });
    this.extra.push(tpp);
    return tpp;
  }

  /** A TPP with other material (e.g. another certificate) at the same bank; `clientCertificate: false` sends none. */
  tppWith(material: TppMaterial, label: string, opts: { clientCertificate?: boolean } = {}): ScenarioTpp {
    const tpp = new ScenarioTpp(material, this.discovery, (e) => this.record(e), label, {
      ...opts,
      lookup: this.target.lookup,
    });
    this.extra.push(tpp);
    return tpp;
  }

  /** The sandbox directory's powers; skips the scenario when the directory is not ours. */
  directoryPowers(): NonNullable<Target['directory']> {
    if (!this.target.directory) this.skip('needs the sandbox directory');
    return this.target.directory;
  }

  /** The directory's API over `tpp`'s client (recorded); skips when the directory is not ours. */
  directory(tpp: ScenarioTpp = this.tpp): DirectoryConnection {
    return { url: this.directoryPowers().url, http: tpp.http };
  }

  /**
   * The same TPP over another valid transport certificate of its software: a CSR for the same
   * key, uploaded to the directory with the organisation's token. Only the certificate differs.
   */
  async otherCertificate(label = 'TPP (2nd certificate)', tpp: ScenarioTpp = this.tpp): Promise<ScenarioTpp> {
    const m = tpp.material;
    const token = m.directory?.accessToken;
    if (!token) this.skip("needs the TPP's directory access token to get another certificate");
    const privateKey = createPrivateKey(m.transport.keyPem);
    const csr = createLegacyCsr(
      { privateKey, publicKey: createPublicKey(privateKey) },
      { organisationId: m.organisationId, softwareStatementId: m.softwareStatementId },
    );
    const issued = await uploadCsr(
      this.directory(tpp),
      { organisationId: m.organisationId, accessToken: token, softwareStatementId: m.softwareStatementId },
      'obtransport',
      csr,
    );
    return this.tppWith(
      { ...m, transport: { certPem: issued.certPem, keyPem: m.transport.keyPem, kid: issued.kid } },
      label,
    );
  }

  /** An SSA of `material` signed with this `iat` (unix seconds): the directory admin's `?iat=`. */
  async ssaAt(material: TppMaterial, iat: number): Promise<string> {
    const powers = this.directoryPowers();
    if (powers.ssaAt) return powers.ssaAt(material, iat);
    const org = encodeURIComponent(material.organisationId);
    const ss = encodeURIComponent(material.softwareStatementId);
    const res = await directoryCall(this.directory(), 'fetch a dated SSA', {
      method: 'GET',
      path: `/v2.1/organisation/${org}/software-statement/${ss}/software-statement-assertion?iat=${iat}`,
      token: powers.adminToken,
      accept: 'application/jwt',
    });
    return res.text.trim();
  }

  /** Runs `fn` when the scenario ends, pass or fail (servers, temp dirs). */
  defer(fn: () => Promise<void> | void): void {
    this.cleanups.push(fn);
  }

  /**
   * A context for the target's neighbour bank of `profile` (its own discovery and hints, the
   * same TPP material); skips when the target has no such bank.
   */
  async onBank(profile: string): Promise<ScenarioContext> {
    const bank = this.target.profileBanks?.[profile];
    if (!bank) this.skip(`the target has no neighbour bank with profile ${profile}`);
    const discovery = await fetchDiscovery(this.tpp.http, bank.discoveryUrl);
    const { profileBanks: _p, bankAdmin: _b, ...rest } = this.target;
    const sub = new ScenarioContext(
      {
        ...rest,
        name: `${this.target.name} / ${profile}`,
        discoveryUrl: bank.discoveryUrl,
        hints: bank.hints,
      },
      discovery,
      this,
    );
    this.children.push(sub);
    return sub;
  }

  /**
   * Adds a fault at the bank (its admin API), runs `fn`, and deletes the fault whatever
   * happens, so no other request meets it later.
   */
  async withFault<T>(
    fault: Record<string, unknown>,
    fn: (fault: Record<string, unknown>) => Promise<T>,
  ): Promise<T> {
    const admin = this.target.bankAdmin;
    if (!admin) this.skip("needs the bank's fault admin API");
    const url = `${admin.issuer}/admin/faults`;
    const auth = { Authorization: `Bearer ${admin.adminToken}` };
    const stored = await this.step(`add a fault: ${JSON.stringify(fault)}`, async () => {
      const added = await this.tpp.http.request('POST', url, {
        headers: { ...auth, 'Content-Type': 'application/json', Accept: 'application/json' },
        body: JSON.stringify(fault),
      });
      if (added.status !== 201) this.fail(`the bank refused the fault: ${added.status} ${added.text}`);
      return added.json() as Record<string, unknown>;
    });
    try {
      return await fn(stored);
    } finally {
      const id = encodeURIComponent(String(stored.id));
      await this.step(`delete fault ${String(stored.id)}`, () =>
        this.tpp.http.request('DELETE', `${url}/${id}`, { headers: auth }).catch(() => undefined),
      );
    }
  }

  /** The auth method for a valid request: the bank's preference order (tls_client_auth first). */
  defaultAuthMethod(): TokenEndpointAuthMethod {
    return chooseAuthMethod(this.discovery);
  }

  /** The SSA's first redirect URI a bank must accept (https, not localhost): the valid request's. */
  validRedirect(tpp: ScenarioTpp = this.tpp): string[] | undefined {
    let uris: unknown;
    try {
      uris = JSON.parse(
        Buffer.from(tpp.material.ssa.split('.')[1] ?? '', 'base64url').toString(),
      ).software_redirect_uris;
    } catch {
      return undefined;
    }
    if (!Array.isArray(uris)) return undefined;
    const ok = uris.find((u) => {
      try {
        const url = new URL(String(u));
        return url.protocol === 'https:' && !/^(localhost|127\.|\[::1\])/.test(url.hostname);
      } catch {
        return false;
      }
    });
    return ok ? [String(ok)] : undefined;
  }

  /** The registration claims of a valid request for `tpp`; options change exactly one thing. */
  claims(opts: RequestOptions = {}, tpp: ScenarioTpp = this.tpp): Record<string, unknown> {
    const h = this.target.hints;
    const redirect = this.validRedirect(tpp);
    const aud = h.audience ?? this.discovery.ob_organisation_id ?? this.discovery.issuer;
    const supported = this.discovery.grant_types_supported;
    const grantTypes = supported ? DEFAULT_GRANT_TYPES.filter((g) => supported.includes(g)) : undefined;
    const { alg: _a, signingKeyPem: _k, kid: _kid, ...claimOpts } = opts;
    return buildRegistrationClaims({
      softwareStatement: tpp.material.ssa,
      aud,
      tokenEndpointAuthMethod: this.defaultAuthMethod(),
      transportCertPem: tpp.material.transport.certPem,
      subjectDnForm: h.subjectDnForm ?? 'name',
      specVersion: h.specVersion ?? '3.3',
      requestFormat: h.requestFormat ?? 'jws',
      extraClaims: h.requiredClaims,
      tokenEndpointAuthSigningAlg: tpp.material.signing.alg,
      requestObjectSigningAlg: tpp.material.signing.alg,
      ...(redirect ? { redirectUris: redirect } : {}),
      ...(grantTypes?.length ? { grantTypes } : {}),
      ...claimOpts,
    } as RegistrationClaimsOptions) as Record<string, unknown>;
  }

  /** A signed registration request (or the JSON body for json-format banks). */
  async request(opts: RequestOptions = {}, tpp: ScenarioTpp = this.tpp): Promise<string> {
    const claims = this.claims(opts, tpp);
    if ((this.target.hints.requestFormat ?? 'jws') === 'json') return JSON.stringify(claims);
    return signRegistrationJwt(claims as never, opts.signingKeyPem ?? tpp.material.signing.keyPem, {
      alg: opts.alg ?? tpp.material.signing.alg,
      kid: opts.kid ?? tpp.material.signing.kid,
      allowRs256: true,
    });
  }

  mediaType(): string {
    return this.target.hints.mediaType ?? 'application/jose';
  }

  /**
   * POST the registration endpoint (one attempt unless `retry` is given). A client the bank
   * creates is noted in the run's ledger (`target.clients`), to be deleted when the run ends.
   */
  async register(
    body: string,
    opts: { mediaType?: string; tpp?: ScenarioTpp; retry?: RetryOptions; timeoutMs?: number } = {},
  ) {
    const tpp = opts.tpp ?? this.tpp;
    const res = await register(tpp.bank, body, {
      mediaType: opts.mediaType ?? this.mediaType(),
      retry: opts.retry ?? false,
      ...(opts.timeoutMs !== undefined ? { timeoutMs: opts.timeoutMs } : {}),
    });
    if (res.ok)
      this.target.clients?.add({
        client: res.client,
        material: tpp.material,
        discovery: this.discovery,
        hints: this.target.hints,
      });
    return res;
  }

  /** A valid registration that must succeed; returns the registered client. */
  async registerValid(opts: RequestOptions = {}, tpp: ScenarioTpp = this.tpp): Promise<RegisteredClient> {
    const res = await this.register(await this.request(opts, tpp), { tpp });
    if (!res.ok)
      this.fail(
        `a valid registration was refused: ${res.status} ${res.error} ${res.error_description ?? ''}`,
      );
    const h = this.target.hints;
    // A bank allowing one client per software answers 200 with that client once it exists.
    const expected = [h.createStatus ?? 201, ...(h.duplicateRegistration === 'return-existing' ? [200] : [])];
    this.check(
      expected.includes(res.status),
      `registration answered ${res.status}, expected ${[...new Set(expected)].join(' or ')}`,
    );
    return res.client;
  }

  token(
    client: RegisteredClient,
    opts: { method?: string; scope?: string; retry?: RetryOptions } = {},
    tpp: ScenarioTpp = this.tpp,
  ) {
    // The bank's answer says how the client authenticates: one no confidential client can use
    // is the bank's failure, not the harness's ("not supported by getToken").
    const registered = client.token_endpoint_auth_method;
    if (
      !opts.method &&
      registered !== undefined &&
      !(TOKEN_ENDPOINT_AUTH_METHODS as readonly string[]).includes(String(registered))
    )
      this.fail(
        `the bank registered the client with token_endpoint_auth_method ${JSON.stringify(String(registered))}, which no confidential client can get a token with (expected one of ${TOKEN_ENDPOINT_AUTH_METHODS.join(', ')})`,
      );
    return getToken(tpp.bank, client, {
      ...(opts.method ? { method: opts.method as never } : {}),
      ...(opts.scope !== undefined ? { scope: opts.scope } : {}),
      signing: { keyPem: tpp.material.signing.keyPem, kid: tpp.material.signing.kid },
      retry: opts.retry ?? false,
    });
  }

  /** The bearer for managing `client`: its RFC 7592 token, or a client-credentials token (scoped if the bank wants). */
  async managementToken(client: RegisteredClient, tpp: ScenarioTpp = this.tpp): Promise<string> {
    if (this.target.hints.managementAuth === 'registration-access-token') {
      if (!client.registration_access_token) this.fail('the bank returned no registration_access_token');
      return client.registration_access_token;
    }
    const res = await this.token(client, { scope: this.target.hints.managementScope }, tpp);
    if (!res.ok)
      this.fail(
        `client-credentials token refused: ${res.status} ${res.error} ${res.error_description ?? ''}`,
      );
    return res.token.access_token;
  }

  getRegistration(clientId: string, token: string | undefined, tpp: ScenarioTpp = this.tpp) {
    return getRegistration(tpp.bank, clientId, token);
  }

  updateRegistration(clientId: string, token: string, body: string, tpp: ScenarioTpp = this.tpp) {
    return updateRegistration(tpp.bank, clientId, token, body, { mediaType: this.mediaType() });
  }

  /** Tells the run that `material`'s transport certificate was revoked: its clients, if the bank refuses to manage them at the end, count as left over a revoked certificate. */
  certificateRevoked(material: TppMaterial): void {
    this.target.clients?.retire(material.transport.certPem);
  }

  async deleteRegistration(clientId: string, token: string | undefined, tpp: ScenarioTpp = this.tpp) {
    const res = await deleteRegistration(tpp.bank, clientId, token);
    if (res.ok) this.target.clients?.forget(clientId);
    return res;
  }

  /** Expect an HTTP status (one of several allowed); `handshake`: a refusal in the TLS handshake counts. */
  expectStatus(
    res: AnyResult,
    expected: number | number[],
    what = 'the bank',
    opts: ExpectOptions = {},
  ): void {
    if (!res.ok && res.handshake) {
      if (opts.handshake) return;
      this.fail(`${what} ${HANDSHAKE_REFUSED} (${res.error_description ?? ''})`, opts.rule);
    }
    const allowed = Array.isArray(expected) ? expected : [expected];
    if (!allowed.includes(res.status)) {
      const detail = res.ok
        ? ''
        : ` (${res.error}${res.error_description ? `: ${res.error_description}` : ''})`;
      this.fail(`${what} answered ${res.status}${detail}; expected ${allowed.join(' or ')}`, opts.rule);
    }
  }

  /** Expect a refusal with this status and OAuth/OB error code (any of several, where the spec allows several). */
  expectError(
    res: AnyResult,
    status: number | number[],
    code: string | string[],
    opts: ExpectOptions = {},
  ): void {
    if (!res.ok && res.handshake && opts.handshake) return;
    this.expectStatus(res, status, 'the bank', opts);
    const codes = Array.isArray(code) ? code : [code];
    if (res.ok || !codes.includes(res.error)) {
      this.fail(
        `expected error ${codes.join(' or ')}, got ${res.ok ? 'success' : `${res.error}: ${res.error_description ?? ''}`}`,
        opts.rule,
      );
    }
  }

  /**
   * A registration response body (POST/GET/PUT) valid against the response schema of the
   * target's spec version: required members, types, enums, lengths; no secret for a client
   * that has none (rule reg.response-schema).
   */
  expectSchemaValid(raw: string, what: string): void {
    let body: unknown;
    try {
      body = JSON.parse(raw);
    } catch {
      this.fail(`the ${what} response is not JSON`, 'reg.response-schema');
    }
    const problems = validateRegistrationResponse(body, this.target.hints.specVersion ?? '3.3');
    this.check(
      problems.length === 0,
      `the ${what} response does not match the OB DCR v${this.target.hints.specVersion ?? '3.3'} schema: ${problems.join('; ')}`,
      'reg.response-schema',
    );
  }

  /**
   * A `client_secret` the bank returned to a client registered with a keyed method
   * (`private_key_jwt`, `tls_client_auth`) is allowed, but must not authenticate that client: a
   * client-credentials request with it (client_secret_basic, and client_secret_post when
   * discovery lists it) is refused (rule token.fapi-client-auth). Nothing to check without a secret.
   */
  async expectSecretUnusable(client: RegisteredClient, tpp: ScenarioTpp = this.tpp): Promise<void> {
    const method = String(client.token_endpoint_auth_method ?? '');
    if (typeof client.client_secret !== 'string' || !['private_key_jwt', 'tls_client_auth'].includes(method))
      return;
    const listed = this.discovery.token_endpoint_auth_methods_supported ?? [];
    const tries = [
      'client_secret_basic',
      ...(listed.includes('client_secret_post') ? ['client_secret_post'] : []),
    ];
    for (const via of tries) {
      const res = await this.step(
        `a token for the ${method} client with its returned client_secret (${via})`,
        () => getToken(tpp.bank, client, { method: via as never, retry: false }),
      );
      this.check(
        !res.ok,
        `the bank issued a token to a ${method} client authenticated by ${via} with the client_secret it returned`,
        'token.fapi-client-auth',
      );
    }
  }

  /**
   * Token-endpoint client authentication failed: RFC 6749 §5.2 allows 401, or 400, with
   * `invalid_client`; with `handshake`, a refusal of the certificate in the TLS handshake too.
   */
  expectInvalidClient(res: AnyResult, opts: ExpectOptions = {}): void {
    this.expectError(res, [400, 401], 'invalid_client', opts);
  }

  /**
   * An unsupported metadata value: RFC 7591 §2 lets the bank refuse it (400
   * invalid_client_metadata) or register the client with a value it does support. Accepted:
   * the refusal, or a registration whose `claim` no longer carries `bad`.
   */
  expectRefusedOrReplaced(
    res: AnyResult & { client?: RegisteredClient },
    claim: string,
    bad: string,
    opts: ExpectOptions & { errors?: string[] } = {},
  ): void {
    if (res.ok && res.client) {
      const value = (res.client as Record<string, unknown>)[claim];
      const values = Array.isArray(value)
        ? value.map(String)
        : typeof value === 'string'
          ? claim === 'scope'
            ? value.split(' ')
            : [value]
          : [];
      this.check(
        !values.includes(bad),
        `the bank registered ${claim} ${JSON.stringify(value)}: it must refuse ${JSON.stringify(bad)} or replace it (RFC 7591 §2)`,
        opts.rule,
      );
      return;
    }
    this.expectError(res, 400, opts.errors ?? ['invalid_client_metadata'], opts);
  }

  async close(): Promise<void> {
    await Promise.all(this.children.map((c) => c.close()));
    for (const fn of this.cleanups.reverse()) await Promise.resolve(fn()).catch(() => undefined);
    await Promise.all([this.tpp, ...this.extra].map((t) => t.http.close()));
  }
}
