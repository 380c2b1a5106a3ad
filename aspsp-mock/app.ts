import { randomUUID } from 'node:crypto';
import express, { type Express, Router } from 'express';
import { MethodNotAllowed } from '../lib/errors.js';
import {
  errorHandler,
  hostHeader,
  messageTap,
  notFoundHandler,
  readBody,
  requestLog,
  singleHeaders,
} from '../lib/http/index.js';
import type { Logger } from '../lib/logger.js';
import { bankAdminRouter } from './admin/router.js';
import type { BankContext } from './context.js';
import { faultInjectingRouter } from './faults/inject.js';
import { createConsent, getConsent } from './routes/consents.js';
import { bankJwks, discovery, profileView } from './routes/discovery.js';
import { deleteClient, getClient, registerClient, updateClient } from './routes/registration.js';
import { tokenEndpoint } from './routes/token.js';

const BODY_LIMIT = 64 * 1024;

function otherMethods(allowed: string[]) {
  return (_req: express.Request, _res: express.Response, next: express.NextFunction) =>
    next(new MethodNotAllowed(allowed));
}

/**
 * Echoes the client's x-fapi-interaction-id (at most 64 characters) or sets a
 * new UUID. `setHeader` directly: Express's `res.set` would also inspect the
 * value for a content type, on every request.
 */
function interactionId(req: express.Request, res: express.Response, next: express.NextFunction): void {
  const id = req.headers['x-fapi-interaction-id'];
  res.setHeader('x-fapi-interaction-id', typeof id === 'string' && id.length <= 64 ? id : randomUUID());
  next();
}

/** The routes of one bank, relative to its issuer URL. */
export function createBankRouter(ctx: BankContext): Router {
  const r = Router();
  const jose = readBody(() => ctx.settings.registrationMediaTypes, BODY_LIMIT);
  const form = readBody(['application/x-www-form-urlencoded'], BODY_LIMIT);
  const json = readBody(['application/json'], BODY_LIMIT);
  const s = ctx.settings;
  r.route(s.discoveryPath)
    .get(discovery(ctx))
    .all(otherMethods(['GET']));
  r.route('/jwks')
    .get(bankJwks(ctx))
    .all(otherMethods(['GET']));
  r.route('/profile')
    .get(profileView(ctx))
    .all(otherMethods(['GET']));
  r.route(s.registrationPath)
    .post(jose, registerClient(ctx))
    .all(otherMethods(['POST']));
  const manage = r.route(`${s.registrationPath}/:ClientId`);
  const ops = s.managementOperations;
  if (ops.includes('GET')) manage.get(getClient(ctx));
  if (ops.includes('PUT')) manage.put(jose, updateClient(ctx));
  if (ops.includes('DELETE')) manage.delete(deleteClient(ctx));
  manage.all(otherMethods(ops));
  r.route('/token')
    .post(form, tokenEndpoint(ctx))
    .all(otherMethods(['POST']));
  r.route('/open-banking/v3.1/aisp/account-access-consents')
    .post(json, createConsent(ctx))
    .all(otherMethods(['POST']));
  r.route('/open-banking/v3.1/aisp/account-access-consents/:ConsentId')
    .get(getConsent(ctx))
    .all(otherMethods(['GET']));
  return r;
}

/** One app hosting every bank under /banks/{id}. */
export function createAspspApp(
  banks: BankContext[],
  logger: Logger,
  options: { adminToken?: string } = {},
): Express {
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.use(requestLog(logger));
  // first: every answer carries an x-fapi-interaction-id, a refused Host's too
  app.use(interactionId);
  // before the tap: its own read endpoint, too, answers only requests with one valid Host
  app.use(hostHeader);
  // Credentials, media type and (behind a gateway) the client certificate: one line each.
  app.use(singleHeaders(banks.flatMap((b) => (b.mtlsHeader ? [b.mtlsHeader] : []))));
  app.use(messageTap({ service: 'bank', adminToken: options.adminToken }));
  app.get('/health', (_req, res) => {
    res.json({ status: 'ok', banks: banks.map((b) => b.id) });
  });
  // Faults: each bank's routes behind fault injection, plus its admin API at /admin/faults (docs/faults.md).
  // Admin listings of clients, tokens and consents (docs/bank.md), never faulted.
  for (const bank of banks) {
    app.use(`/banks/${bank.id}/admin`, bankAdminRouter(bank, options.adminToken));
    app.use(`/banks/${bank.id}`, faultInjectingRouter(bank, createBankRouter, options.adminToken));
  }
  app.use(notFoundHandler);
  app.use(errorHandler(logger));
  return app;
}
