import { createHash, timingSafeEqual } from 'node:crypto';
import express, { type Express, type NextFunction, type Request, type Response } from 'express';
import { BadRequest, HttpError, MethodNotAllowed, Unauthorized } from '../../lib/errors.js';
import {
  errorHandler,
  hostHeader,
  jsonObject,
  messageTap,
  notFoundHandler,
  readBody,
  requestLog,
  singleHeaders,
} from '../../lib/http/index.js';
import type { Logger } from '../../lib/logger.js';
import type { RegistrationStore, TppRegistration } from './registrations.js';
import { upstreamFailure } from './upstream-failure.js';

export type RegisterOutcome =
  | { ok: true; registration: TppRegistration }
  | { ok: false; status: number; error: string; error_description?: string };

export interface TppServiceDeps {
  logger: Logger;
  adminToken: string;
  registrations: RegistrationStore;
  /** The TPP's public JWKS (signing key and transport certificate), empty before onboarding. */
  jwks(): { keys: Record<string, unknown>[] };
  /** Onboard once, then register at `bank` (a bank id or a discovery URL). */
  register(bank: string, options: { tokenEndpointAuthMethod?: string }): Promise<RegisterOutcome>;
}

const mask = (secret: string | undefined): string | undefined =>
  secret ? `${secret.slice(0, 4)}…` : undefined;

/** What the API shows of a registration: never a secret in full. */
export function registrationView(r: TppRegistration): Record<string, unknown> {
  return {
    id: r.id,
    bank: r.bank,
    discovery: r.discovery,
    client_id: r.clientId,
    token_endpoint_auth_method: r.tokenEndpointAuthMethod,
    status: r.status,
    registered_at: r.registeredAt,
    ...(r.clientSecret ? { client_secret: mask(r.clientSecret) } : {}),
    ...(r.registrationAccessToken ? { registration_access_token: mask(r.registrationAccessToken) } : {}),
  };
}

function requireAdmin(adminToken: string) {
  const expected = createHash('sha256').update(adminToken).digest();
  return (req: Request, _res: Response, next: NextFunction): void => {
    const m = /^Bearer[ ]+(\S+)$/i.exec(req.headers.authorization ?? '');
    if (!m) {
      next(new Unauthorized('the admin token is required (Authorization: Bearer …)'));
      return;
    }
    const got = createHash('sha256').update(m[1]).digest();
    // RFC 6750 §3.1: a token that is not valid is 401 invalid_token (403 is for a valid one lacking scope).
    next(timingSafeEqual(got, expected) ? undefined : new Unauthorized('the admin token is not valid'));
  };
}

const other = (allowed: string[]) => (_req: Request, _res: Response, next: NextFunction) =>
  next(new MethodNotAllowed(allowed));

/**
 * The TPP service: its JWKS (for banks that fetch keys from the TPP), a
 * redirect endpoint, and a small JSON API to register at banks.
 */
export function createTppServiceApp(deps: TppServiceDeps): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestLog(deps.logger));
  // before the tap: its own read endpoint, too, answers only requests with one valid Host
  app.use(hostHeader);
  app.use(singleHeaders());
  app.use(messageTap({ service: 'tpp', adminToken: deps.adminToken }));
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app
    .route('/jwks')
    .get((_req, res) => {
      res.set('Cache-Control', 'max-age=60').json(deps.jwks());
    })
    .all(other(['GET']));
  app
    .route('/callback')
    .get((req, res) => {
      const q = req.query as Record<string, unknown>;
      const pick = (k: string) => (typeof q[k] === 'string' ? (q[k] as string).slice(0, 2048) : undefined);
      res.json({
        received: {
          code: pick('code'),
          state: pick('state'),
          id_token: pick('id_token'),
          error: pick('error'),
          error_description: pick('error_description'),
        },
      });
    })
    .all(other(['GET']));
  const admin = requireAdmin(deps.adminToken);
  app
    .route('/api/registrations')
    .post(admin, readBody(['application/json'], 16 * 1024), async (req, res) => {
      const body = jsonObject(req);
      if (typeof body.bank !== 'string' || body.bank === '' || body.bank.length > 2048) {
        throw new BadRequest('bank is required: a bank id or a discovery URL');
      }
      const method = body.token_endpoint_auth_method;
      if (method !== undefined && typeof method !== 'string')
        throw new BadRequest('token_endpoint_auth_method must be a string');
      let outcome: RegisterOutcome;
      try {
        outcome = await deps.register(body.bank, { tokenEndpointAuthMethod: method as string | undefined });
      } catch (err) {
        if (err instanceof HttpError) throw err;
        // The bank or directory could not be reached or answered nonsense: say so (it is not an
        // internal error), without what answered at the URL; the detail goes to the log.
        deps.logger.warn('registration failed upstream', {
          bank: body.bank.slice(0, 2048),
          error: String((err as Error)?.message ?? err).slice(0, 2000),
        });
        res.status(502).json({ error: 'upstream_error', error_description: upstreamFailure(err, body.bank) });
        return;
      }
      if (!outcome.ok) {
        res.status(502).json({
          error: 'registration_refused',
          error_description:
            `the bank answered ${outcome.status} ${outcome.error}${outcome.error_description ? `: ${outcome.error_description}` : ''}`.slice(
              0,
              500,
            ),
          bank_status: outcome.status,
          bank_error: outcome.error,
        });
        return;
      }
      res.status(201).json(registrationView(outcome.registration));
    })
    .get(admin, (_req, res) => {
      res.json(deps.registrations.list().map(registrationView));
    })
    .all(other(['GET', 'POST']));
  app.use(notFoundHandler);
  app.use(errorHandler(deps.logger));
  return app;
}
