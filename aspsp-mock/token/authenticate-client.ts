import { createHash, timingSafeEqual } from 'node:crypto';
import type { Request } from 'express';
import { type CertificateInfo, dnEquals, parseDn } from '../../certs/index.js';
import { type BankContext, nowSeconds } from '../context.js';
import { InvalidClient } from '../errors.js';
import { BANK_COLLECTIONS, type ClientRecord } from '../model.js';
import { readCompactJws, signatureVerifies, unverifiedPayload } from '../register/jws.js';
import { rememberJti } from '../register/replay.js';
import type { AuthMethod } from '../settings.js';

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

async function privateKeyJwt(
  ctx: BankContext,
  assertion: string,
  tokenEndpoint: string,
): Promise<ClientRecord> {
  const header = readCompactJws(assertion);
  const claims = unverifiedPayload(assertion);
  if (!header || !claims) throw new InvalidClient('client_assertion is not a signed JWT');
  const alg = String(header.alg);
  if (!ctx.settings.signingAlgs.includes(alg as never))
    throw new InvalidClient(`client_assertion alg '${alg}' is not accepted`);
  const client = loadClient(ctx, claims.iss);
  requireMethod(client, 'private_key_jwt');
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
  if (!(await signatureVerifies(assertion, key.key, [alg])))
    throw new InvalidClient('client_assertion signature does not verify');
  if (claims.sub !== client.client_id)
    throw new InvalidClient('client_assertion sub must equal iss (the client_id)');
  const aud = Array.isArray(claims.aud) ? claims.aud : [claims.aud];
  if (!aud.includes(tokenEndpoint) && !aud.includes(ctx.issuer)) {
    throw new InvalidClient(`client_assertion aud must be the token endpoint ${tokenEndpoint}`);
  }
  const now = nowSeconds(ctx);
  if (typeof claims.exp !== 'number' || now > claims.exp + ctx.settings.clockSkewSeconds) {
    throw new InvalidClient('client_assertion has expired or has no exp');
  }
  if (typeof claims.jti !== 'string' || claims.jti === '')
    throw new InvalidClient('client_assertion jti is required');
  await rememberJti(
    ctx,
    `assertion:${client.client_id}`,
    claims.jti,
    claims.exp,
    () => new InvalidClient('client_assertion jti has already been used'),
  );
  return client;
}

/**
 * Authenticates the client at the token endpoint by the credential it
 * presents (Basic header, client_secret, client_assertion, or the TLS
 * certificate alone), which must be the method it registered.
 */
export async function authenticateClient(
  ctx: BankContext,
  req: Request,
  form: URLSearchParams,
  cert: CertificateInfo,
  tokenEndpoint: string,
): Promise<ClientRecord> {
  const basic = basicCredentials(req);
  if (req.headers.authorization && !basic)
    throw new InvalidClient('unsupported Authorization header', 'Basic');
  if (basic) {
    const client = loadClient(ctx, basic.id);
    requireMethod(client, 'client_secret_basic');
    if (!sameSecret(basic.secret, client.secretHash))
      throw new InvalidClient('client secret is wrong', 'Basic');
    return client;
  }
  const assertion = form.get('client_assertion');
  if (assertion !== null) {
    if (form.get('client_assertion_type') !== JWT_BEARER)
      throw new InvalidClient(`client_assertion_type must be ${JWT_BEARER}`);
    const client = await privateKeyJwt(ctx, assertion, tokenEndpoint);
    if (form.get('client_id') !== null && form.get('client_id') !== client.client_id) {
      throw new InvalidClient('client_id does not match the client_assertion');
    }
    return client;
  }
  const secret = form.get('client_secret');
  if (secret !== null) {
    const client = loadClient(ctx, form.get('client_id'));
    requireMethod(client, 'client_secret_post');
    if (!sameSecret(secret, client.secretHash)) throw new InvalidClient('client secret is wrong');
    return client;
  }
  const client = loadClient(ctx, form.get('client_id'));
  requireMethod(client, 'tls_client_auth');
  const dn = String(client.metadata.tls_client_auth_subject_dn ?? client.metadata.tls_client_auth_dn ?? '');
  let matches = false;
  try {
    matches = dnEquals(parseDn(dn), cert.subject);
  } catch {
    matches = false;
  }
  if (!matches)
    throw new InvalidClient(
      'client certificate subject does not match the registered tls_client_auth_subject_dn',
    );
  return client;
}
