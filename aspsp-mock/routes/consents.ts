import { randomUUID } from 'node:crypto';
import type { Request, Response } from 'express';
import { BadRequest, NotFound } from '../../lib/errors.js';
import { jsonObject } from '../../lib/http/index.js';
import { Checklist } from '../checklist.js';
import type { BankContext } from '../context.js';
import { InsufficientScope } from '../errors.js';
import { BANK_COLLECTIONS, type ConsentRecord, type TokenRecord } from '../model.js';
import { requireAccessToken } from '../token/access-token.js';
import { CONSENT_CHECKS } from '../token/token-checks.js';

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

/** Step (POST): the consent request's Data, validated. */
function consentRequest(req: Request): { perms: string[]; expiry?: string } {
  const body = jsonObject(req);
  const data = body.Data as Record<string, unknown> | undefined;
  const perms = data?.Permissions;
  if (!data || typeof data !== 'object' || !Array.isArray(perms) || perms.length === 0) {
    throw new BadRequest('Data.Permissions must be a non-empty array', 'UK.OBIE.Field.Missing');
  }
  const unknown = perms.filter((p) => typeof p !== 'string' || !PERMISSIONS.has(p));
  if (unknown.length > 0)
    throw new BadRequest(
      `Data.Permissions: unknown ${unknown.map(String).join(', ')}`,
      'UK.OBIE.Field.Invalid',
    );
  const expiry = data.ExpirationDateTime;
  if (expiry !== undefined && (typeof expiry !== 'string' || Number.isNaN(Date.parse(expiry)))) {
    throw new BadRequest('Data.ExpirationDateTime must be an ISO 8601 date-time', 'UK.OBIE.Field.Invalid');
  }
  return { perms: perms as string[], ...(typeof expiry === 'string' ? { expiry } : {}) };
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
    const { perms, expiry } = checks.step('consent-request', () => consentRequest(req));
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
    await ctx.store.put(BANK_COLLECTIONS.consents, consent.ConsentId, consent);
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
      if (!c || c.client_id !== token.client_id) throw new NotFound('no such consent');
      return c;
    });
    res.status(200).json(view(ctx, consent));
  };
}
