import { createHash, randomBytes, randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { Forbidden } from '../../lib/errors.js';
import { type BankContext, nowSeconds } from '../context.js';
import { InvalidClientMetadata, InvalidToken } from '../errors.js';
import { BANK_COLLECTIONS, type ClientRecord } from '../model.js';
import { clientView, flattenSsa } from '../register/client-view.js';
import { rememberJti } from '../register/replay.js';
import { type ValidatedRegistration, validateRegistration } from '../register/validate-registration.js';
import { requireAccessToken, revokeClientTokens, revokeToken } from '../token/access-token.js';

const SECRET_METHODS = new Set(['client_secret_basic', 'client_secret_post', 'client_secret_jwt']);
const METADATA = [
  'redirect_uris',
  'token_endpoint_auth_method',
  'grant_types',
  'response_types',
  'scope',
  'software_id',
  'application_type',
  'id_token_signed_response_alg',
  'request_object_signing_alg',
  'token_endpoint_auth_signing_alg',
  'tls_client_auth_subject_dn',
  'backchannel_token_delivery_mode',
  'backchannel_client_notification_endpoint',
  'backchannel_authentication_request_signing_alg',
  'backchannel_user_code_parameter_supported',
] as const;

/** The metadata actually registered (the request's, with defaults filled in). */
function registeredMetadata(v: ValidatedRegistration): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of METADATA) if (v.claims[k] !== undefined) out[k] = v.claims[k];
  out.software_id = v.ssa.software_id;
  out.response_types ??= ['code id_token'];
  out.software_statement = v.claims.software_statement;
  return out;
}

/** A 36-character secret (the OB schema's maximum length). */
const newSecret = (): string => randomBytes(27).toString('base64url');
const hashSecret = (s: string): string => createHash('sha256').update(s).digest('hex');

/** POST {issuer}/register: validate → record the jti → create the client → 201. */
export function registerClient(ctx: BankContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const v = await validateRegistration(ctx, req);
    await rememberJti(ctx, 'register', v.claims.jti as string, v.claims.exp as number);
    const now = ctx.now();
    const metadata = registeredMetadata(v);
    const secret = SECRET_METHODS.has(String(metadata.token_endpoint_auth_method)) ? newSecret() : undefined;
    const client: ClientRecord = {
      client_id: randomUUID(),
      ...(secret ? { secretHash: hashSecret(secret) } : {}),
      client_id_issued_at: nowSeconds(ctx),
      software_id: v.ssa.software_id,
      org_id: v.ssa.org_id,
      metadata,
      ssaClaims: flattenSsa(v.ssa),
      software_jwks_endpoint: v.ssa.software_jwks_endpoint,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    await ctx.store.put(BANK_COLLECTIONS.clients, client.client_id, client);
    ctx.logger.info('client registered', {
      bank: ctx.id,
      client_id: client.client_id,
      software_id: client.software_id,
    });
    res.status(201).set('Cache-Control', 'no-store').json(clientView(client, secret));
  };
}

/**
 * Authorises GET/PUT/DELETE /register/{ClientId}: a bound access token of
 * that client. An unknown or deleted client is 401 and the token is revoked;
 * another client's token is 403.
 */
async function authoriseManagement(ctx: BankContext, req: Request): Promise<ClientRecord> {
  const token = requireAccessToken(ctx, req);
  const clientId = String(req.params.ClientId);
  const client = ctx.store.get<ClientRecord>(BANK_COLLECTIONS.clients, clientId);
  if (!client) {
    await revokeToken(ctx, token);
    throw new InvalidToken(`client ${clientId} is not registered; the presented token has been revoked`);
  }
  if (token.client_id !== client.client_id) throw new Forbidden('the access token belongs to another client');
  return client;
}

export function getClient(ctx: BankContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const client = await authoriseManagement(ctx, req);
    res.status(200).set('Cache-Control', 'no-store').json(clientView(client));
  };
}

/** PUT: a full signed request for the same software; the client_id stays, metadata is replaced. */
export function updateClient(ctx: BankContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const client = await authoriseManagement(ctx, req);
    const v = await validateRegistration(ctx, req);
    if (v.ssa.software_id !== client.software_id) {
      throw new InvalidClientMetadata(
        `the request is for software ${v.ssa.software_id}, not this client's ${client.software_id}`,
      );
    }
    await rememberJti(ctx, 'register', v.claims.jti as string, v.claims.exp as number);
    const metadata = registeredMetadata(v);
    const needsSecret = SECRET_METHODS.has(String(metadata.token_endpoint_auth_method));
    const secret = needsSecret && !client.secretHash ? newSecret() : undefined;
    const updated: ClientRecord = {
      ...client,
      ...(secret ? { secretHash: hashSecret(secret) } : {}),
      ...(needsSecret ? {} : { secretHash: undefined }),
      metadata,
      ssaClaims: flattenSsa(v.ssa),
      software_jwks_endpoint: v.ssa.software_jwks_endpoint,
      updatedAt: ctx.now().toISOString(),
    };
    await ctx.store.put(BANK_COLLECTIONS.clients, updated.client_id, updated);
    res.status(200).set('Cache-Control', 'no-store').json(clientView(updated, secret));
  };
}

export function deleteClient(ctx: BankContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const client = await authoriseManagement(ctx, req);
    await ctx.store.delete(BANK_COLLECTIONS.clients, client.client_id);
    await revokeClientTokens(ctx, client.client_id);
    res.status(204).end();
  };
}
