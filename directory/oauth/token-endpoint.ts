import { X509Certificate } from 'node:crypto';
import type { Request, Response } from 'express';
import { decodeJwt, jwtVerify } from 'jose';
import { verifyCertificate } from '../../certs/index.js';
import type { DirectoryContext } from '../context.js';
import { joseRefusal } from '../jose-refusal.js';
import type { OAuthClientRecord } from '../model.js';
import { TokenEndpointError } from './errors.js';
import { TOKEN_PATH } from './metadata.js';
import { presentedCertificate } from './presented-certificate.js';
import { DIRECTORY_SCOPES, GRANTABLE } from './scopes.js';

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';
const MAX_ASSERTION_LIFETIME_S = 300;
/** Longest client assertion jti kept for replay protection (the bank's limit too). */
const MAX_JTI_LENGTH = 256;
/** The client assertion's algorithms (the AS metadata's token_endpoint_auth_signing_alg_values_supported). */
const ASSERTION_ALGS = ['PS256'];

/** Longest parameter name quoted back in a refusal. */
const MAX_NAME_SHOWN = 40;

/** Step: RFC 6749 §3.1 — request parameters MUST NOT be included more than once (no "first one wins"). */
function singleParameters(form: URLSearchParams): void {
  const seen = new Set<string>();
  for (const name of form.keys()) {
    if (seen.has(name))
      throw new TokenEndpointError(
        'invalid_request',
        `parameter '${name.slice(0, MAX_NAME_SHOWN)}' must be given once (RFC 6749 §3.1)`,
      );
    seen.add(name);
  }
}

/** Step: the client named by client_id or by the assertion's iss. */
function identifyClient(ctx: DirectoryContext, form: URLSearchParams): OAuthClientRecord {
  const assertion = form.get('client_assertion');
  let clientId = form.get('client_id');
  if (assertion !== null) {
    let iss: unknown;
    try {
      iss = decodeJwt(assertion).iss;
    } catch {
      throw new TokenEndpointError('invalid_client', 'client_assertion is not a JWT');
    }
    if (typeof iss !== 'string')
      throw new TokenEndpointError('invalid_client', 'client_assertion has no iss');
    if (clientId !== null && clientId !== iss)
      throw new TokenEndpointError('invalid_client', 'client_id differs from the client_assertion iss');
    clientId = iss;
  }
  if (!clientId) throw new TokenEndpointError('invalid_client', 'client_id or client_assertion is required');
  const client = ctx.repo.oauthClient(clientId);
  if (!client) throw new TokenEndpointError('invalid_client', 'unknown client');
  return client;
}

/** Step: mutual TLS with the very OBWAC/QWAC the client is bound to, still valid and not revoked. */
function checkCertificate(ctx: DirectoryContext, req: Request, client: OAuthClientRecord): Buffer {
  const presented = presentedCertificate(req);
  if (!presented)
    throw new TokenEndpointError(
      'invalid_client',
      "mutual TLS with the organisation's OBWAC or QWAC is required",
    );
  if (presented.x5tS256 !== client.x5tS256)
    throw new TokenEndpointError(
      'invalid_client',
      'the TLS client certificate is not the one this client is bound to',
    );
  const record = ctx.repo.certificate(client.kid);
  const org = ctx.repo.organisation(client.OrganisationId);
  if (!record || record.status !== 'Active' || org?.Status !== 'Active')
    throw new TokenEndpointError(
      'invalid_client',
      'the client certificate or its organisation is no longer active',
    );
  const check = verifyCertificate(presented.der, {
    ca: { bundlePem: ctx.ca.bundlePem },
    crlDer: ctx.crl.der,
    now: ctx.now(),
  });
  if (!check.ok)
    throw new TokenEndpointError('invalid_client', `client certificate rejected (${check.reason})`);
  return presented.der;
}

/** Step (private_key_jwt): a PS256 assertion signed by the bound certificate's key, fresh and single-use. */
async function checkAssertion(
  ctx: DirectoryContext,
  form: URLSearchParams,
  client: OAuthClientRecord,
  certDer: Buffer,
): Promise<void> {
  const assertion = form.get('client_assertion');
  if (assertion === null) return; // tls_client_auth: the certificate authenticated the client
  if (form.get('client_assertion_type') !== JWT_BEARER)
    throw new TokenEndpointError('invalid_client', `client_assertion_type must be ${JWT_BEARER}`);
  const now = ctx.now();
  let payload: Awaited<ReturnType<typeof jwtVerify>>['payload'];
  try {
    ({ payload } = await jwtVerify(assertion, new X509Certificate(certDer).publicKey, {
      algorithms: ASSERTION_ALGS,
      issuer: client.ClientID,
      subject: client.ClientID,
      audience: [`${ctx.baseUrl}${TOKEN_PATH}`, ctx.baseUrl],
      requiredClaims: ['exp', 'jti'],
      clockTolerance: 30,
      currentDate: now,
    }));
  } catch (err) {
    throw new TokenEndpointError(
      'invalid_client',
      `client_assertion rejected: ${joseRefusal(err, assertion, ASSERTION_ALGS, "the bound certificate's key")}`,
    );
  }
  const exp = payload.exp as number;
  if (exp - Math.floor(now.getTime() / 1000) > MAX_ASSERTION_LIFETIME_S)
    throw new TokenEndpointError(
      'invalid_client',
      `client_assertion must expire within ${MAX_ASSERTION_LIFETIME_S} s`,
    );
  // the jti is kept until exp: a string of bounded length, as the bank's token endpoint asks
  if (typeof payload.jti !== 'string' || payload.jti.length === 0 || payload.jti.length > MAX_JTI_LENGTH)
    throw new TokenEndpointError(
      'invalid_client',
      `client_assertion jti must be a string of 1 to ${MAX_JTI_LENGTH} characters`,
    );
  if (!ctx.oauthTokens.useJti(`${client.ClientID}:${payload.jti}`, exp * 1000, now.getTime()))
    throw new TokenEndpointError('invalid_client', 'client_assertion jti was already used');
}

/** Step: the requested scopes, each one the organisation's kind may hold (all of those when none is asked). */
function grantedScopes(ctx: DirectoryContext, form: URLSearchParams, client: OAuthClientRecord): string[] {
  const org = ctx.repo.organisation(client.OrganisationId);
  const grantable = org ? GRANTABLE[org.OrganisationType] : [];
  const asked = (form.get('scope') ?? '').split(' ').filter(Boolean);
  if (asked.length === 0) return [...grantable];
  for (const s of asked) {
    if (!(DIRECTORY_SCOPES as readonly string[]).includes(s))
      throw new TokenEndpointError('invalid_scope', `unknown scope '${s}'`);
    if (!(grantable as string[]).includes(s))
      throw new TokenEndpointError(
        'invalid_scope',
        `scope '${s}' is not available to a ${org?.OrganisationType} organisation`,
      );
  }
  return [...new Set(asked)];
}

/**
 * POST {directory}/as/token.oauth2 — client credentials for an
 * organisation's OAuth client: private_key_jwt (PS256) or tls_client_auth,
 * always over mutual TLS with the bound OBWAC/QWAC; the token is bound to it.
 */
export function directoryTokenEndpoint(ctx: DirectoryContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const form = new URLSearchParams((req.rawBody ?? Buffer.alloc(0)).toString('utf8'));
    singleParameters(form);
    const grant = form.get('grant_type');
    if (!grant) throw new TokenEndpointError('invalid_request', 'grant_type is required');
    if (grant !== 'client_credentials')
      throw new TokenEndpointError('unsupported_grant_type', `grant_type '${grant}' is not supported`);
    const client = identifyClient(ctx, form);
    const certDer = checkCertificate(ctx, req, client);
    await checkAssertion(ctx, form, client, certDer);
    const scopes = grantedScopes(ctx, form, client);
    const { token, expiresIn } = ctx.oauthTokens.issue(
      { organisationId: client.OrganisationId, clientId: client.ClientID, scopes, x5tS256: client.x5tS256 },
      ctx.now().getTime(),
    );
    res
      .status(200)
      .set('Cache-Control', 'no-store')
      .set('Pragma', 'no-cache')
      .json({
        access_token: token,
        token_type: 'Bearer',
        expires_in: expiresIn,
        scope: scopes.join(' '),
      });
  };
}
