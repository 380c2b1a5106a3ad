import { createHash, randomUUID, timingSafeEqual } from 'node:crypto';
import type { Request, Response } from 'express';
import { Forbidden } from '../../lib/errors.js';
import { sendJson } from '../../lib/http/index.js';
import { newCredential } from '../../lib/ids.js';
import { Checklist } from '../checklist.js';
import { type BankContext, limitsOf, nowSeconds } from '../context.js';
import {
  InsufficientScope,
  InvalidClientMetadata,
  InvalidToken,
  UnapprovedSoftwareStatement,
} from '../errors.js';
import { BANK_COLLECTIONS, type ClientRecord } from '../model.js';
import {
  MANAGEMENT_CHECKS,
  type ManagementCheck,
  RAT_CHECKS,
  RegistrationChecklist,
  UPDATE_CHECKS,
} from '../register/checklist.js';
import { subjectDnClaim } from '../register/claim-schema.js';
import { clientOfSoftwareNow, clientsOfSoftwareReady, noteClient } from '../register/client-by-software.js';
import { clientView, type IssuedCredentials } from '../register/client-view.js';
import {
  clientsOfOrganisationReady,
  forgetClientOfOrganisation,
  noteClientOfOrganisation,
  organisationHasRoomNow,
} from '../register/clients-of-organisation.js';
import { scopesForRoles } from '../register/eidas-roles.js';
import { requireManagementCertificate } from '../register/management-certificate.js';
import { flattenedSsa } from '../register/remembered-statements.js';
import { rememberJti } from '../register/replay.js';
import { type ValidatedRegistration, validateRegistration } from '../register/validate-registration.js';
import { bearerToken, requireAccessToken, revokeClientTokens, revokeToken } from '../token/access-token.js';
import { deleteClientConsents } from './consents-of-client.js';

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
  'backchannel_token_delivery_mode',
  'backchannel_client_notification_endpoint',
  'backchannel_authentication_request_signing_alg',
  'backchannel_user_code_parameter_supported',
  'client_name',
] as const;

/** The metadata actually registered (the request's, with defaults filled in). */
function registeredMetadata(ctx: BankContext, v: ValidatedRegistration): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const k of [...METADATA, subjectDnClaim(ctx.settings), ...Object.keys(ctx.settings.requiredClaims)]) {
    if (v.claims[k] !== undefined) out[k] = v.claims[k];
  }
  out.software_id = v.ssa.software_id;
  out.redirect_uris ??= v.ssa.software_redirect_uris;
  out.response_types ??= ['code id_token'];
  // eIDAS (switch eidasScope = roles): no scope requested → the scopes the statement's PSD2 roles grant.
  if (out.scope === undefined && ctx.settings.trustModel === 'eidas' && ctx.settings.eidasScope === 'roles') {
    out.scope = scopesForRoles(v.ssa.software_roles).join(' ');
  }
  out.software_statement = v.claims.software_statement;
  return out;
}

/**
 * A signed request's jti is single-use until its exp (JSON bodies have none).
 * Recorded only once every check passed, so a refused request can be fixed and resent.
 */
function rememberRequestJti(ctx: BankContext, claims: Record<string, unknown>): Promise<void> {
  if (typeof claims.jti !== 'string') return Promise.resolve();
  const exp = typeof claims.exp === 'number' ? claims.exp : nowSeconds(ctx) + 3600;
  return rememberJti(ctx, 'register', claims.jti, exp);
}

/** A 36-character secret (the OB schema's maximum length), never starting with `-` (lib/ids.ts). */
const newSecret = (): string => newCredential(27);
const hash = (s: string): string => createHash('sha256').update(s).digest('hex');

function sameHash(value: string, expected: string | undefined): boolean {
  if (!expected) return false;
  const a = Buffer.from(hash(value), 'hex');
  const b = Buffer.from(expected, 'hex');
  return a.length === b.length && timingSafeEqual(a, b);
}

/** A new RFC 7592 registration access token when the bank uses them. */
function registrationAccessToken(ctx: BankContext): { token?: string; ratHash?: string } {
  if (ctx.settings.managementAuth !== 'registration-access-token') return {};
  const token = newCredential(32);
  return { token, ratHash: hash(token) };
}

/** Switch duplicateRegistration: what a second registration of the same software gets. */
function existingClient(ctx: BankContext, softwareId: string): ClientRecord | undefined {
  if (ctx.settings.duplicateRegistration === 'allow') return undefined;
  const existing = clientOfSoftwareNow(ctx.store, softwareId);
  if (existing && ctx.settings.duplicateRegistration === 'reject') {
    throw new InvalidClientMetadata(
      `software ${softwareId} is already registered at this bank (client_id ${existing.client_id})`,
    );
  }
  return existing;
}

/** POST registration endpoint: validate → record the jti → create the client → 201 (switch createStatus). */
export function registerClient(ctx: BankContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const checks = RegistrationChecklist.for(res);
    const v = await validateRegistration(ctx, req, checks);
    // The count of clients per organisation (built on first use, in slices); what follows, from
    // the software's client to the client's record, happens in one turn.
    await clientsOfOrganisationReady(ctx.store);
    if (ctx.settings.duplicateRegistration !== 'allow') await clientsOfSoftwareReady(ctx.store);
    const existing = checks.step('client-software', () => existingClient(ctx, v.ssa.software_id));
    if (existing) {
      sendJson(res, 200, clientView(ctx, existing));
      return;
    }
    checks.step('organisation-room', () => {
      const max = limitsOf(ctx).clientsPerOrganisation;
      if (!organisationHasRoomNow(ctx.store, v.ssa.org_id, max))
        throw new UnapprovedSoftwareStatement(
          `organisation ${v.ssa.org_id} has ${max} clients registered at this bank, the most it keeps for one organisation; delete one (DELETE on its registration) first`,
        );
    });
    // The replay check and the in-memory record of the jti happen here, synchronously; its
    // durable write joins the client's in one group commit, both awaited before the answer.
    const { jtiWritten } = checks.step('jti-unused', () => {
      const written = rememberRequestJti(ctx, v.claims);
      written.catch(() => undefined); // awaited below; never an unhandled rejection meanwhile
      return { jtiWritten: written };
    });
    const now = ctx.now();
    const metadata = registeredMetadata(ctx, v);
    const secret = SECRET_METHODS.has(String(metadata.token_endpoint_auth_method)) ? newSecret() : undefined;
    const rat = registrationAccessToken(ctx);
    const client: ClientRecord = {
      client_id: randomUUID(),
      ...(secret ? { secretHash: hash(secret) } : {}),
      ...(rat.ratHash ? { ratHash: rat.ratHash } : {}),
      client_id_issued_at: nowSeconds(ctx),
      software_id: v.ssa.software_id,
      org_id: v.ssa.org_id,
      metadata,
      ssaClaims: flattenedSsa(v.ssa),
      software_jwks_endpoint: v.ssa.software_jwks_endpoint,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
    noteClient(ctx.store, client);
    noteClientOfOrganisation(ctx.store, client);
    await Promise.all([jtiWritten, ctx.store.put(BANK_COLLECTIONS.clients, client.client_id, client)]);
    ctx.logger.info('client registered', {
      bank: ctx.id,
      client_id: client.client_id,
      software_id: client.software_id,
    });
    sendJson(
      res,
      ctx.settings.createStatus,
      clientView(ctx, client, { secret, registrationAccessToken: rat.token }),
    );
  };
}

interface Authorised {
  client: ClientRecord;
  /** A rotated registration access token to hand back, if the bank rotates them. */
  rotated?: { token: string; ratHash: string };
}

const MANAGED_BY_RAT = 'profile: managementAuth registration-access-token';
const MANAGED_BY_TOKEN = 'profile: management by access token';

/**
 * Authorises a management call as the bank's profile says: a bound
 * client-credentials token of that client (OB; optionally with a required
 * scope), or an RFC 7592 registration access token. Unknown or deleted client
 * → 401 (and a presented access token is revoked); another client's token → 403.
 * Each step's outcome goes on `checks` (for the admin's message tap).
 */
async function authoriseManagement(
  ctx: BankContext,
  req: Request,
  checks: Checklist<ManagementCheck>,
): Promise<Authorised> {
  const clientId = String(req.params.ClientId);
  const client = ctx.store.get<ClientRecord>(BANK_COLLECTIONS.clients, clientId);
  if (ctx.settings.managementAuth === 'registration-access-token') {
    for (const [check] of MANAGEMENT_CHECKS) if (!RAT_CHECKS.has(check)) checks.skip(check, MANAGED_BY_RAT);
    const found = checks.step('registration-access-token', () => {
      const presented = bearerToken(req);
      if (!presented) throw new InvalidToken('a registration access token is required');
      if (!client || !sameHash(presented, client.ratHash))
        throw new InvalidToken('the registration access token is not valid');
      return client;
    });
    await requireManagementCertificate(ctx, req, found, checks);
    if (!ctx.settings.rotateRegistrationAccessToken) return { client: found };
    const next = registrationAccessToken(ctx);
    return { client: found, rotated: { token: next.token!, ratHash: next.ratHash! } };
  }
  for (const check of RAT_CHECKS) checks.skip(check, MANAGED_BY_TOKEN);
  const token = await requireAccessToken(ctx, req, checks);
  if (!client) await revokeToken(ctx, token);
  const found = checks.step('client-registered', () => {
    if (!client)
      throw new InvalidToken(`client ${clientId} is not registered; the presented token has been revoked`);
    return client;
  });
  checks.step('client-match', () => {
    if (token.client_id !== found.client_id)
      throw new Forbidden('the access token belongs to another client');
  });
  if (ctx.settings.managementAuth === 'scoped-token')
    checks.step('management-scope', () => {
      if (!token.scope.split(' ').includes(ctx.settings.managementScope))
        throw new InsufficientScope(
          `managing a registration needs a token with scope ${ctx.settings.managementScope}`,
        );
    });
  else checks.skip('management-scope', 'profile: managementAuth token (no scope required)');
  return { client: found };
}

async function applyRotation(
  ctx: BankContext,
  a: Authorised,
  client: ClientRecord,
): Promise<IssuedCredentials> {
  if (!a.rotated) return {};
  await ctx.store.put(BANK_COLLECTIONS.clients, client.client_id, { ...client, ratHash: a.rotated.ratHash });
  return { registrationAccessToken: a.rotated.token };
}

export function getClient(ctx: BankContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const a = await authoriseManagement(ctx, req, new Checklist(MANAGEMENT_CHECKS).attach(res));
    const issued = await applyRotation(ctx, a, a.client);
    res
      .status(200)
      .set('Cache-Control', 'no-store')
      .json(clientView(ctx, a.client, issued));
  };
}

/** PUT: a full signed request for the same software; the client_id stays, metadata is replaced. */
export function updateClient(ctx: BankContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const checks = new Checklist(UPDATE_CHECKS).attach(res);
    const a = await authoriseManagement(ctx, req, checks);
    const client = a.client;
    const v = await validateRegistration(ctx, req, checks);
    await checks.run('client-software', () => {
      if (v.ssa.software_id !== client.software_id)
        throw new InvalidClientMetadata(
          `the request is for software ${v.ssa.software_id}, not this client's ${client.software_id}`,
        );
    });
    checks.skip('organisation-room', 'an update adds no client');
    await checks.run('jti-unused', () => rememberRequestJti(ctx, v.claims));
    const metadata = registeredMetadata(ctx, v);
    const needsSecret = SECRET_METHODS.has(String(metadata.token_endpoint_auth_method));
    const secret = needsSecret && !client.secretHash ? newSecret() : undefined;
    const { secretHash: _old, ...rest } = client;
    const updated: ClientRecord = {
      ...rest,
      ...(needsSecret ? { secretHash: secret ? hash(secret) : client.secretHash } : {}),
      metadata,
      ssaClaims: flattenedSsa(v.ssa),
      software_jwks_endpoint: v.ssa.software_jwks_endpoint,
      updatedAt: ctx.now().toISOString(),
    };
    noteClient(ctx.store, updated);
    await ctx.store.put(BANK_COLLECTIONS.clients, updated.client_id, updated);
    const issued = await applyRotation(ctx, a, updated);
    res
      .status(200)
      .set('Cache-Control', 'no-store')
      .json(clientView(ctx, updated, { ...issued, secret }));
  };
}

export function deleteClient(ctx: BankContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const { client } = await authoriseManagement(ctx, req, new Checklist(MANAGEMENT_CHECKS).attach(res));
    await ctx.store.delete(BANK_COLLECTIONS.clients, client.client_id);
    forgetClientOfOrganisation(ctx.store, client);
    await revokeClientTokens(ctx, client.client_id);
    await deleteClientConsents(ctx, client.client_id);
    res.status(204).end();
  };
}
