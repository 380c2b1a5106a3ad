import { createHash } from 'node:crypto';
import type { Request } from 'express';
import { newCredential } from '../../lib/ids.js';
import { Checklist } from '../checklist.js';
import { checkClientCertificate, presentedCertificate } from '../client-certificate.js';
import { type BankContext, nowSeconds } from '../context.js';
import { InvalidToken } from '../errors.js';
import { BANK_COLLECTIONS, type TokenRecord } from '../model.js';
import { countNewToken, forgetClientTokens } from './live-tokens.js';
import { ACCESS_TOKEN_CHECKS, type AccessTokenCheck } from './token-checks.js';

export const hashToken = (t: string): string => createHash('sha256').update(t).digest('hex');
export const thumbprint = (der: Buffer): string => createHash('sha256').update(der).digest('base64url');

/** Issues an opaque access token bound to the client certificate (RFC 8705 cnf.x5t#S256). */
export async function issueAccessToken(
  ctx: BankContext,
  clientId: string,
  scope: string,
  certDer: Buffer,
): Promise<{ token: string; record: TokenRecord }> {
  const token = newCredential(32);
  const record: TokenRecord = {
    hash: hashToken(token),
    client_id: clientId,
    scope,
    x5tS256: thumbprint(certDer),
    expiresAt: nowSeconds(ctx) + ctx.settings.accessTokenLifetimeSeconds,
  };
  await countNewToken(ctx, clientId, record.expiresAt);
  await ctx.store.put(BANK_COLLECTIONS.tokens, record.hash, record);
  return { token, record };
}

export function bearerToken(req: Request): string | undefined {
  const m = /^Bearer[ ]+([A-Za-z0-9._~+/=-]+)\s*$/i.exec(req.headers.authorization ?? '');
  return m?.[1];
}

/**
 * Resolves the bearer token: known, not expired, and presented over the same
 * TLS client certificate it was issued to, which is still trusted and not
 * revoked at the time of this call. Anything else is 401 invalid_token. Each
 * step's outcome goes on `checks` (for the admin's message tap).
 */
export async function requireAccessToken(
  ctx: BankContext,
  req: Request,
  checks: Checklist<AccessTokenCheck> = new Checklist(ACCESS_TOKEN_CHECKS),
): Promise<TokenRecord> {
  const token = checks.step('access-token-presented', () => {
    const t = bearerToken(req);
    if (!t) throw new InvalidToken('a bearer access token is required');
    return t;
  });
  const record = checks.step('access-token-known', () => {
    const r = ctx.store.get<TokenRecord>(BANK_COLLECTIONS.tokens, hashToken(token));
    if (!r) throw new InvalidToken('the access token is not valid');
    return r;
  });
  checks.step('access-token-unexpired', () => {
    if (record.expiresAt < nowSeconds(ctx)) throw new InvalidToken('the access token has expired');
  });
  const der = checks.step('token-binding', () => {
    const d = presentedCertificate(ctx, req);
    if (!d)
      throw new InvalidToken(
        'no client certificate was presented; the access token is bound to one (cnf.x5t#S256)',
      );
    if (thumbprint(d) !== record.x5tS256)
      throw new InvalidToken('the access token is bound to another client certificate (cnf.x5t#S256)');
    return d;
  });
  await checks.run('token-certificate', async () => {
    const check = await checkClientCertificate(ctx, der);
    if (!check.ok) throw new InvalidToken(`client certificate rejected (${check.reason}): ${check.message}`);
  });
  return record;
}

export async function revokeToken(ctx: BankContext, record: TokenRecord): Promise<void> {
  await ctx.store.delete(BANK_COLLECTIONS.tokens, record.hash);
}

/** Records read between yields to the event loop while looking for a client's tokens. */
const REVOKE_BATCH = 2_000;

/**
 * Revokes every access token of a client. Reads the tokens one at a time and
 * yields every {@link REVOKE_BATCH} records, so a deletion at a bank holding
 * many tokens never holds the event loop for long (it is rare: a client's
 * deletion), and the deletes share the store's group commits.
 */
export async function revokeClientTokens(ctx: BankContext, clientId: string): Promise<void> {
  const found: TokenRecord[] = [];
  let seen = 0;
  for (const [, t] of ctx.store.entries<TokenRecord>(BANK_COLLECTIONS.tokens)) {
    if (t.client_id === clientId) found.push(t);
    if (++seen % REVOKE_BATCH === 0) await new Promise<void>((r) => setImmediate(r));
  }
  await Promise.all(found.map((t) => revokeToken(ctx, t)));
  forgetClientTokens(ctx.store, clientId);
}
