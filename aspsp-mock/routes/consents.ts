import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { HttpError, ObResourceError } from '../../lib/errors.js';
import { jsonObject } from '../../lib/http/index.js';
import { Checklist } from '../checklist.js';
import type { BankContext } from '../context.js';
import { InsufficientScope } from '../errors.js';
import { BANK_COLLECTIONS, type ConsentRecord, type TokenRecord } from '../model.js';
import { requireAccessToken } from '../token/access-token.js';
import { CONSENT_CHECKS } from '../token/token-checks.js';
import { keepConsent } from './consents-of-client.js';

const PERMISSIONS = new Set([
  'ReadAccountsBasic',
  'ReadAccountsDetail',
  'ReadBalances',
  'ReadBeneficiariesBasic',
  'ReadBeneficiariesDetail',
  'ReadDirectDebits',
  'ReadProducts',
  'ReadStandingOrdersBasic',
  'ReadStandingOrdersDetail',
  'ReadTransactionsBasic',
  'ReadTransactionsCredits',
  'ReadTransactionsDebits',
  'ReadTransactionsDetail',
  'ReadOffers',
  'ReadPAN',
  'ReadParty',
  'ReadPartyPSU',
  'ReadScheduledPaymentsBasic',
  'ReadScheduledPaymentsDetail',
  'ReadStatementsBasic',
  'ReadStatementsDetail',
]);

type ConsentChecklist = Checklist<(typeof CONSENT_CHECKS)[number][0]>;

async function requireAccountsToken(
  ctx: BankContext,
  req: Request,
  checks: ConsentChecklist,
): Promise<TokenRecord> {
  const token = await requireAccessToken(ctx, req, checks);
  checks.step('token-scope', () => {
    if (!token.scope.split(' ').includes('accounts'))
      throw new InsufficientScope('the access token lacks scope accounts');
  });
  return token;
}

/** Most entries in `Data.Permissions` (21 permissions exist; duplicates are folded). */
export const MAX_PERMISSION_ENTRIES = 64;

/** The request body as a JSON object, or an OB-shaped refusal. */
function consentBody(req: Request): Record<string, unknown> {
  try {
    return jsonObject(req);
  } catch (err) {
    if (err instanceof HttpError && err.status === 400)
      throw new ObResourceError(400, 'UK.OBIE.Field.Invalid', err.message);
    throw err;
  }
}

/**
 * Step (POST): the consent request's Data, validated (OB Read/Write API v3.1,
 * OBReadConsent1: `Data.Permissions` a non-empty array of the permission codes,
 * `Data.ExpirationDateTime` an optional ISO 8601 date-time). A refusal is 400 with the
 * Read/Write API's OBErrorResponse1 naming the field. Permissions are a set: a repeated one is
 * kept once, in the order first given.
 */
function consentRequest(req: Request, now: Date): { perms: string[]; expiry?: string } {
  const body = consentBody(req);
  const data = body.Data as Record<string, unknown> | undefined;
  if (!data || typeof data !== 'object' || Array.isArray(data))
    throw new ObResourceError(400, 'UK.OBIE.Field.Missing', 'Data is required', 'Data');
  const perms = data.Permissions;
  if (perms === undefined)
    throw new ObResourceError(
      400,
      'UK.OBIE.Field.Missing',
      'Data.Permissions is required',
      'Data.Permissions',
    );
  if (!Array.isArray(perms) || perms.length === 0)
    throw new ObResourceError(
      400,
      'UK.OBIE.Field.Invalid',
      'Data.Permissions must be a non-empty array',
      'Data.Permissions',
    );
  if (perms.length > MAX_PERMISSION_ENTRIES)
    throw new ObResourceError(
      400,
      'UK.OBIE.Field.Invalid',
      `Data.Permissions must have at most ${MAX_PERMISSION_ENTRIES} entries`,
      'Data.Permissions',
    );
  const unknown = perms.filter((p) => typeof p !== 'string' || !PERMISSIONS.has(p));
  if (unknown.length > 0)
    throw new ObResourceError(
      400,
      'UK.OBIE.Field.Invalid',
      `Data.Permissions: unknown ${unknown.map((p) => JSON.stringify(p).slice(0, 60)).join(', ')}`,
      'Data.Permissions',
    );
  const expiry = data.ExpirationDateTime;
  if (expiry !== undefined && (typeof expiry !== 'string' || Number.isNaN(Date.parse(expiry))))
    throw new ObResourceError(
      400,
      'UK.OBIE.Field.Invalid',
      'Data.ExpirationDateTime must be an ISO 8601 date-time',
      'Data.ExpirationDateTime',
    );
  if (typeof expiry === 'string' && Date.parse(expiry) <= now.getTime())
    throw new ObResourceError(
      400,
      'UK.OBIE.Field.InvalidDate',
      'Data.ExpirationDateTime must be in the future',
      'Data.ExpirationDateTime',
    );
  return { perms: [...new Set(perms as string[])], ...(typeof expiry === 'string' ? { expiry } : {}) };
}

function view(ctx: BankContext, c: ConsentRecord): Record<string, unknown> {
  const self = `${ctx.issuer}/open-banking/v3.1/aisp/account-access-consents/${c.ConsentId}`;
  return {
    Data: {
      ConsentId: c.ConsentId,
      Status: c.Status,
      CreationDateTime: c.CreationDateTime,
      StatusUpdateDateTime: c.StatusUpdateDateTime,
      Permissions: c.Permissions,
      ...(c.ExpirationDateTime ? { ExpirationDateTime: c.ExpirationDateTime } : {}),
    },
    Risk: {},
    Links: { Self: self },
    Meta: { TotalPages: 1 },
  };
}

/** POST …/aisp/account-access-consents: needs a certificate-bound token with scope accounts. */
export function createConsent(ctx: BankContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const checks = new Checklist(CONSENT_CHECKS).attach(res);
    const token = await requireAccountsToken(ctx, req, checks);
    const { perms, expiry } = checks.step('consent-request', () => consentRequest(req, ctx.now()));
    checks.skip('consent-owner', 'a new consent');
    const now = ctx.now().toISOString();
    const consent: ConsentRecord = {
      ConsentId: `urn-obmock-intent-${randomUUID()}`,
      client_id: token.client_id,
      Status: 'AwaitingAuthorisation',
      Permissions: perms,
      ...(expiry ? { ExpirationDateTime: expiry } : {}),
      CreationDateTime: now,
      StatusUpdateDateTime: now,
    };
    await keepConsent(ctx, consent);
    res.status(201).json(view(ctx, consent));
  };
}

export function getConsent(ctx: BankContext) {
  return async (req: Request, res: Response): Promise<void> => {
    const checks = new Checklist(CONSENT_CHECKS).attach(res);
    const token = await requireAccountsToken(ctx, req, checks);
    checks.skip('consent-request', 'reading a consent');
    const consent = checks.step('consent-owner', () => {
      const c = ctx.store.get<ConsentRecord>(BANK_COLLECTIONS.consents, String(req.params.ConsentId));
      if (!c || c.client_id !== token.client_id)
        throw new ObResourceError(404, 'UK.OBIE.Resource.NotFound', 'no such consent', 'ConsentId');
      return c;
    });
    res.status(200).json(view(ctx, consent));
  };
}
