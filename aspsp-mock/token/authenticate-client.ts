import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { type CertificateInfo, dnEquals } from '../../certs/index.js';
import { Checklist } from '../checklist.js';
import type { BankContext } from '../context.js';
import { InvalidClient, TokenError } from '../errors.js';
import { BANK_COLLECTIONS, type ClientRecord } from '../model.js';
import { readCompactJws, signatureVerifies, unverifiedPayload } from '../register/jws.js';
import { parseDnRemembered } from '../register/parsed-dn.js';
import type { AuthMethod } from '../settings.js';
import { checkAssertionClaims } from './check-assertion-claims.js';
import { rememberAssertionJti } from './remember-assertion-jti.js';
import { TOKEN_CHECKS, type TokenCheck } from './token-checks.js';

const JWT_BEARER = 'urn:ietf:params:oauth:client-assertion-type:jwt-bearer';

function sameSecret(secret: string, hash: string | undefined): boolean {
  if (!hash) return false;
  const a = createHash('sha256').update(secret).digest();
  const b = Buffer.from(hash, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

function basicCredentials(req: Request): { id: string; secret: string } | undefined {
  const m = /^Basic[ ]+([A-Za-z0-9+/=]+)\s*$/i.exec(req.headers.authorization ?? '');
  if (!m) return undefined;
  const decoded = Buffer.from(m[1], 'base64').toString('utf8');
  const i = decoded.indexOf(':');
  if (i < 0) return undefined;
  try {
    return { id: decodeURIComponent(decoded.slice(0, i)), secret: decodeURIComponent(decoded.slice(i + 1)) };
  } catch {
    return undefined;
  }
}

function loadClient(ctx: BankContext, clientId: unknown): ClientRecord {
  if (typeof clientId !== 'string' || clientId === '') throw new InvalidClient('client_id is required');
  const client = ctx.store.get<ClientRecord>(BANK_COLLECTIONS.clients, clientId);
  if (!client) throw new InvalidClient('unknown client');
  return client;
}

function requireMethod(client: ClientRecord, used: AuthMethod): void {
  const registered = client.metadata.token_endpoint_auth_method;
  if (registered !== used) {
    throw new InvalidClient(`client is registered for ${String(registered)}, not ${used}`);
  }
}

/** The credential a token request presents, read before any client is looked up. */
type Presented =
  | { method: 'client_secret_basic'; clientId: string; secret: string }
  | { method: 'client_secret_post'; clientId: string | null; secret: string }
  | {
      method: 'private_key_jwt';
      clientId: unknown;
      assertion: string;
      header: Record<string, unknown>;
      claims: Record<string, unknown>;
    }
  | { method: 'tls_client_auth'; clientId: string | null };

/**
 * RFC 6749 §2.3: "The client MUST NOT use more than one authentication method in each
 * request." Where each credential of a request sits (the TLS client certificate is always
 * presented: it binds the token, and it authenticates only when nothing else does); more
 * than one is 400 invalid_request (§5.2: "utilizes more than one mechanism for
 * authenticating the client"). A client_id in the body beside a Basic header must name the
 * same client (§2.3.1 lets a client send it; another one is a second identity).
 */
function checkOneCredential(basic: { id: string } | undefined, form: URLSearchParams): void {
  const used = [
    ...(basic ? ['an Authorization header (client_secret_basic)'] : []),
    ...(form.has('client_secret') ? ['client_secret'] : []),
    ...(form.has('client_assertion') ? ['client_assertion'] : []),
  ];
  if (used.length > 1)
    throw new TokenError(
      'invalid_request',
      `use one client authentication method per request, not ${used.join(' and ')}`,
    );
  const clientId = form.get('client_id');
  if (basic && clientId !== null && clientId !== basic.id)
    throw new TokenError('invalid_request', 'client_id differs from the client of the Authorization header');
}

/** Step: which credential the request presents (exactly one, and well-formed). */
function presentedCredential(ctx: BankContext, req: Request, form: URLSearchParams): Presented {
  const basic = basicCredentials(req);
  if (req.headers.authorization && !basic)
    throw new InvalidClient('unsupported Authorization header', 'Basic');
  checkOneCredential(basic, form);
  if (basic) return { method: 'client_secret_basic', clientId: basic.id, secret: basic.secret };
  const assertion = form.get('client_assertion');
  if (assertion !== null) {
    if (form.get('client_assertion_type') !== JWT_BEARER)
      throw new InvalidClient(`client_assertion_type must be ${JWT_BEARER}`);
    const header = readCompactJws(assertion);
    const claims = unverifiedPayload(assertion);
    if (!header || !claims) throw new InvalidClient('client_assertion is not a signed JWT');
    const alg = String(header.alg);
    if (!ctx.settings.signingAlgs.includes(alg as never))
      throw new InvalidClient(`client_assertion alg '${alg}' is not accepted`);
    if (header.crit !== undefined)
      throw new InvalidClient(
        "client_assertion header must not have 'crit': this bank supports no critical header extension (RFC 7515 §4.1.11)",
      );
    return { method: 'private_key_jwt', clientId: claims.iss, assertion, header, claims };
  }
  const secret = form.get('client_secret');
  if (secret !== null) return { method: 'client_secret_post', clientId: form.get('client_id'), secret };
  return { method: 'tls_client_auth', clientId: form.get('client_id') };
}

/** Step (private_key_jwt): the assertion's signature by a key of the client's JWKS, then its claims. */
async function verifyAssertion(
  ctx: BankContext,
  p: Extract<Presented, { method: 'private_key_jwt' }>,
  client: ClientRecord,
  form: URLSearchParams,
  tokenEndpoint: string,
): Promise<void> {
  const { header, claims } = p;
  let key: Awaited<ReturnType<BankContext['jwks']['key']>>;
  try {
    key = await ctx.jwks.key(
      client.software_jwks_endpoint,
      typeof header.kid === 'string' ? header.kid : undefined,
      'sig',
      ctx.settings.trustModel === 'eidas', // eIDAS clients publish their keys themselves
    );
  } catch (err) {
    throw new InvalidClient(`client_assertion key: ${(err as Error).message}`);
  }
  if (!(await signatureVerifies(p.assertion, key.key, [String(header.alg)])))
    throw new InvalidClient('client_assertion signature does not verify');
  if (claims.sub !== client.client_id)
    throw new InvalidClient('client_assertion sub must equal iss (the client_id)');
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.includes(tokenEndpoint) && !aud.includes(ctx.issuer)) {
    throw new InvalidClient(`client_assertion aud must be the token endpoint ${tokenEndpoint}`);
  }
  const jti = checkAssertionClaims(ctx, claims);
  if (form.get('client_id') !== null && form.get('client_id') !== client.client_id) {
    throw new InvalidClient('client_id does not match the client_assertion');
  }
  // recorded last, once every other check passed: a refused assertion can be corrected and resent
  await rememberAssertionJti(ctx, client.client_id, jti, claims.exp as number);
}

/**
 * Step (tls_client_auth): the certificate's subject is the DN the client registered. The
 * registered DN is parsed once per exact string (bounded, as at registration); a malformed one
 * is never remembered and fails every time.
 */
function checkSubjectDn(client: ClientRecord, cert: CertificateInfo): void {
  const dn = String(client.metadata.tls_client_auth_subject_dn ?? client.metadata.tls_client_auth_dn ?? '');
  let matches = false;
  try {
    matches = dnEquals(parseDnRemembered(dn), cert.subject);
  } catch {
    matches = false;
  }
  if (!matches)
    throw new InvalidClient(
      'client certificate subject does not match the registered tls_client_auth_subject_dn',
    );
}

/** Step: the presented credential verifies for this client. */
async function verifyCredential(
  ctx: BankContext,
  p: Presented,
  client: ClientRecord,
  form: URLSearchParams,
  cert: CertificateInfo,
  tokenEndpoint: string,
): Promise<void> {
  switch (p.method) {
    case 'client_secret_basic':
      if (!sameSecret(p.secret, client.secretHash))
        throw new InvalidClient('client secret is wrong', 'Basic');
      return;
    case 'client_secret_post':
      if (!sameSecret(p.secret, client.secretHash)) throw new InvalidClient('client secret is wrong');
      return;
    case 'private_key_jwt':
      return verifyAssertion(ctx, p, client, form, tokenEndpoint);
    case 'tls_client_auth':
      return checkSubjectDn(client, cert);
  }
}

/**
 * Authenticates the client at the token endpoint by the credential it
 * presents (Basic header, client_secret, client_assertion, or the TLS
 * certificate alone), which must be the method it registered. Each step's
 * outcome goes on `checks` (for the admin's message tap).
 */
export async function authenticateClient(
  ctx: BankContext,
  req: Request,
  form: URLSearchParams,
  cert: CertificateInfo,
  tokenEndpoint: string,
  checks: Checklist<TokenCheck> = new Checklist(TOKEN_CHECKS),
): Promise<ClientRecord> {
  const presented = checks.step('client-credential', () => presentedCredential(ctx, req, form));
  const client = checks.step('client-known', () => loadClient(ctx, presented.clientId));
  checks.step('auth-method', () => requireMethod(client, presented.method));
  await checks.run('client-authenticated', () =>
    verifyCredential(ctx, presented, client, form, cert, tokenEndpoint),
  );
  return client;
}
