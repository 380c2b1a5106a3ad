import { mtlsEndpoint } from '../discovery/mtls-endpoint.js';
import { RequestObjectError } from '../errors.js';
import type { RetryOptions } from '../http/with-retry.js';
import type {
  BankConnection,
  RegisteredClient,
  SigningAlg,
  TokenAuthMethod,
  TokenResponse,
  TokenResult,
  TppMaterial,
} from '../types.js';
import { bankRequest } from './bank-request.js';
import { failureFrom, invalidResponse, isSuccess, jsonObjectOf } from './bank-response.js';
import { buildClientAssertion } from './build-client-assertion.js';

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

export interface GetTokenOptions {
  /** Default the client's registered token_endpoint_auth_method. */
  method?: TokenAuthMethod;
  /** Omitted when undefined (a scopeless token, as OB's registration management uses). */
  scope?: string;
  /** private_key_jwt: the key, kid and alg to sign the assertion with (the material's `signing`). */
  signing?: Pick<TppMaterial['signing'], 'keyPem' | 'kid'> & { alg?: SigningAlg };
  allowRs256?: boolean;
  /** private_key_jwt `aud`; default the discovery's token_endpoint. */
  audience?: string;
  /** Extra form parameters. */
  params?: Record<string, string>;
  /** Retry policy instead of the connection's (false: one attempt). Retried only on 429/503. */
  retry?: RetryOptions | false;
}

/**
 * A client-credentials token: form-encoded `POST {token_endpoint}` over mutual TLS, the client
 * authenticated by `tls_client_auth` (client_id in the form, the certificate in TLS),
 * `private_key_jwt` (RFC 7523 assertion), `client_secret_basic` (RFC 6749 2.3.1 Basic header) or
 * `client_secret_post`. A 200 with `access_token` → `{ok: true, token}`; anything else a failure.
 * A retried call signs a fresh client assertion for each attempt (its `jti` is single-use).
 */
export async function getToken(
  bank: BankConnection,
  client: Pick<RegisteredClient, 'client_id' | 'client_secret' | 'token_endpoint_auth_method'>,
  opts: GetTokenOptions = {},
): Promise<TokenResult> {
  const method = (opts.method ?? client.token_endpoint_auth_method ?? 'tls_client_auth') as TokenAuthMethod;
  const headers: Record<string, string> = {
    'Content-Type': 'application/x-www-form-urlencoded',
    Accept: 'application/json',
  };
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  if (opts.scope !== undefined) form.set('scope', opts.scope);
  switch (method) {
    case 'tls_client_auth':
      form.set('client_id', client.client_id);
      break;
    case 'private_key_jwt':
      if (!opts.signing) throw new RequestObjectError('private_key_jwt needs the signing key (opts.signing)');
      form.set('client_id', client.client_id);
      form.set('client_assertion_type', JWT_BEARER);
      break;
    case 'client_secret_basic': {
      const secret = requireSecret(client, method);
      const pair = `${formEncode(client.client_id)}:${formEncode(secret)}`;
      headers.Authorization = `Basic ${Buffer.from(pair, 'utf8').toString('base64')}`;
      break;
    }
    case 'client_secret_post':
      form.set('client_id', client.client_id);
      form.set('client_secret', requireSecret(client, method));
      break;
    default:
      throw new RequestObjectError(
        `token endpoint auth method ${String(method)} is not supported by getToken`,
      );
  }
  for (const [name, value] of Object.entries(opts.params ?? {})) form.set(name, value);

  const signing = opts.signing;
  const res = await bankRequest(
    bank,
    'POST',
    mtlsEndpoint(bank.discovery, 'token_endpoint'),
    async () => {
      if (method !== 'private_key_jwt' || !signing) return { headers, body: form.toString() };
      const withAssertion = new URLSearchParams(form);
      withAssertion.set(
        'client_assertion',
        await buildClientAssertion({
          clientId: client.client_id,
          audience: opts.audience ?? bank.discovery.token_endpoint,
          key: signing.keyPem,
          kid: signing.kid,
          ...(signing.alg !== undefined ? { alg: signing.alg } : {}),
          ...(opts.allowRs256 !== undefined ? { allowRs256: opts.allowRs256 } : {}),
        }),
      );
      return { headers, body: withAssertion.toString() };
    },
    opts.retry,
  );
  if (!isSuccess(res.status)) return { ...failureFrom(res), attempts: res.attempts };
  const body = jsonObjectOf(res.text);
  if (!body || typeof body.access_token !== 'string' || typeof body.token_type !== 'string') {
    return {
      ...invalidResponse(res, 'the token response has no access_token or token_type'),
      attempts: res.attempts,
    };
  }
  return {
    ok: true,
    status: res.status,
    headers: res.headers,
    raw: res.text,
    token: body as TokenResponse,
    attempts: res.attempts,
  };
}

function requireSecret(client: { client_secret?: string }, method: string): string {
  if (typeof client.client_secret !== 'string') {
    throw new RequestObjectError(`${method} needs the client_secret the bank returned at registration`);
  }
  return client.client_secret;
}

/** application/x-www-form-urlencoded encoding of one value (RFC 6749 appendix B). */
function formEncode(value: string): string {
  return new URLSearchParams({ v: value }).toString().slice(2);
}
