import { type KeyObject, randomUUID } from 'node:crypto';
import { DirectoryError } from '../errors.js';
import { signJwt } from '../registration/sign-jwt.js';
import { type DirectoryConnection, directoryJson } from './directory-call.js';

export interface DirectoryTokenOptions {
  /** RFC 8414 metadata URL of the directory's authorisation server (ready file: directory.authorisationServer). */
  authorisationServer: string;
  /** The organisation's OAuth ClientID (GET|PUT /v2.1/oauth/{OrganisationId}). */
  clientId: string;
  /**
   * The OBWAC/QWAC private key the client is bound to: signs a PS256
   * private_key_jwt assertion. Without it, tls_client_auth (the mTLS
   * certificate alone authenticates the client).
   */
  signingKey?: KeyObject | string;
  /** Space-separated, e.g. 'TPPReadAccess TPPManage'; default every scope the organisation may hold. */
  scope?: string;
  now?: Date;
}

export interface DirectoryToken {
  accessToken: string;
  scope: string;
  expiresIn: number;
}

/**
 * A client-credentials access token from the directory's own authorisation
 * server (the OAuth front door). `dir.http` must present the OBWAC/QWAC the
 * OAuth client is bound to: the token works only over that certificate, so
 * use the same connection for the v2.1 calls that carry it.
 */
export async function getDirectoryToken(
  dir: DirectoryConnection,
  opts: DirectoryTokenOptions,
): Promise<DirectoryToken> {
  const step = 'directory token';
  const metaRes = await dir.http.request('GET', opts.authorisationServer, {
    headers: { Accept: 'application/json' },
  });
  if (metaRes.status !== 200)
    throw new DirectoryError(step, metaRes.status, `http_${metaRes.status}`, 'authorisation server metadata');
  const tokenEndpoint = directoryJson(step, metaRes).token_endpoint;
  if (typeof tokenEndpoint !== 'string' || !tokenEndpoint.startsWith('https://'))
    throw new DirectoryError(
      step,
      metaRes.status,
      'invalid_response',
      'metadata has no https token_endpoint',
    );
  const form = new URLSearchParams({ grant_type: 'client_credentials' });
  if (opts.scope) form.set('scope', opts.scope);
  if (opts.signingKey) {
    const now = Math.floor((opts.now ?? new Date()).getTime() / 1000);
    const assertion = await signJwt(
      {
        iss: opts.clientId,
        sub: opts.clientId,
        aud: tokenEndpoint,
        iat: now,
        exp: now + 60,
        jti: randomUUID(),
      },
      opts.signingKey,
      { alg: 'PS256', kid: opts.clientId },
    );
    form.set('client_assertion_type', 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer');
    form.set('client_assertion', assertion);
  } else {
    form.set('client_id', opts.clientId);
  }
  const res = await dir.http.request('POST', tokenEndpoint, {
    headers: { 'Content-Type': 'application/x-www-form-urlencoded', Accept: 'application/json' },
    body: form.toString(),
  });
  let body: Record<string, unknown> = {};
  try {
    body = JSON.parse(res.text) as Record<string, unknown>;
  } catch {
    // reported below
  }
  if (res.status !== 200 || typeof body.access_token !== 'string') {
    throw new DirectoryError(
      step,
      res.status,
      typeof body.error === 'string' ? body.error : `http_${res.status}`,
      typeof body.error_description === 'string' ? body.error_description : res.text.slice(0, 300),
    );
  }
  return {
    accessToken: body.access_token,
    scope: typeof body.scope === 'string' ? body.scope : '',
    expiresIn: typeof body.expires_in === 'number' ? body.expires_in : 0,
  };
}
