import { createHash } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { type NextFunction, type Request, type RequestHandler, type Response, Router } from 'express';
import { presentedCertificate } from '../client-certificate.js';
import type { BankContext } from '../context.js';
import { faultAdminRouter } from './admin.js';
import { endpointOf } from './endpoint.js';
import type { Fault } from './spec.js';
import type { FaultDecision } from './state.js';

/** x5t#S256 of the request's client certificate, computed only while a fault is limited to one. */
function certificateOf(ctx: BankContext, req: Request): string | undefined {
  if (!ctx.faults.scoped) return undefined;
  const der = presentedCertificate(ctx, req);
  return der ? createHash('sha256').update(der).digest('base64url') : undefined;
}

/** The body of a `malformed_body` fault: JSON cut off after its first member name. */
export const MALFORMED_BODY = '{"client_id": ';

type BodyRewrite = 'empty_body' | 'malformed_body' | 'wrong_content_type';

function toBuffer(chunk: unknown, encoding: unknown): Buffer {
  if (chunk === undefined || chunk === null) return Buffer.alloc(0);
  if (Buffer.isBuffer(chunk)) return chunk;
  if (chunk instanceof Uint8Array) return Buffer.from(chunk);
  return Buffer.from(String(chunk), typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8');
}

/**
 * Lets the endpoint answer as usual, then changes what goes on the wire: no
 * body, a truncated JSON body, or the same body labelled text/html. Status
 * and other headers stay as the endpoint set them.
 */
function rewriteResponse(res: Response, kind: BodyRewrite): void {
  const chunks: Buffer[] = [];
  const write = res.write;
  const end = res.end;
  res.write = ((chunk: unknown, encoding?: unknown, cb?: unknown) => {
    chunks.push(toBuffer(chunk, encoding));
    const done = typeof encoding === 'function' ? encoding : cb;
    if (typeof done === 'function') process.nextTick(done as () => void);
    return true;
  }) as Response['write'];
  res.end = ((chunk?: unknown, encoding?: unknown, cb?: unknown) => {
    let done = cb;
    if (typeof chunk === 'function') [done, chunk] = [chunk, undefined];
    else if (typeof encoding === 'function') [done, encoding] = [encoding, undefined];
    chunks.push(toBuffer(chunk, encoding));
    res.write = write;
    res.end = end;
    let body = Buffer.concat(chunks);
    if (kind === 'empty_body') body = Buffer.alloc(0);
    if (kind === 'malformed_body') {
      body = Buffer.from(MALFORMED_BODY);
      if (res.statusCode === 204 || res.statusCode === 304) res.statusCode = 200;
      res.setHeader('Content-Type', 'application/json; charset=utf-8');
    }
    if (kind === 'wrong_content_type') res.setHeader('Content-Type', 'text/html; charset=utf-8');
    if (!res.headersSent && res.statusCode !== 204 && res.statusCode !== 304)
      res.setHeader('Content-Length', body.length);
    return typeof done === 'function' ? res.end(body, done as () => void) : res.end(body);
  }) as Response['end'];
}

function errorResponse(res: Response, status: number, error: string, description: string): void {
  res
    .status(status)
    .set('Cache-Control', 'no-store')
    .type('application/json')
    .send(JSON.stringify({ error, error_description: description }));
}

/** Answers for the outcome faults that replace the endpoint; false when the endpoint must still run. */
function answered(req: Request, res: Response, fault: Fault | undefined, endpoint: string): boolean {
  switch (fault?.kind) {
    case 'status': {
      const status = fault.status ?? 500;
      const error = status === 503 ? 'temporarily_unavailable' : 'server_error';
      errorResponse(res, status, error, `injected fault ${fault.id}: ${endpoint} answered ${status}`);
      return true;
    }
    case 'rate_limit': {
      const after = fault.retryAfterSeconds ?? 1;
      res.set('Retry-After', String(after));
      errorResponse(
        res,
        429,
        'temporarily_unavailable',
        `injected fault ${fault.id}: too many requests to ${endpoint}; retry after ${after} s`,
      );
      return true;
    }
    case 'reset':
      req.socket.destroy();
      return true;
    default:
      return false;
  }
}

/** The bank as one faulted request sees it: its clock shifted, its directory JWKS fetch failing. */
function faultedContext(ctx: BankContext, d: FaultDecision): BankContext {
  const skewMs = d.skewSeconds * 1000;
  const directoryJwks = d.directoryJwks;
  const ssaJwksUrl = ctx.trust.ssaJwksUrl;
  return {
    ...ctx,
    now: skewMs === 0 ? ctx.now : () => new Date(ctx.now().getTime() + skewMs),
    jwks: directoryJwks
      ? ctx.jwks.withInjectedFault((url) => (url === ssaJwksUrl ? directoryJwks : undefined))
      : ctx.jwks,
  };
}

/** The faults admin API's mount, as Express matches `use('/admin/faults')`: case-insensitive, whole segments. */
const FAULTS_ADMIN = /^\/admin\/faults(?:\/|$)/i;

/**
 * One bank's routes behind fault injection, with the faults admin API
 * (never faulted) at /admin/faults. A request to a named endpoint gets the
 * faults `ctx.faults` chooses for it; a request with none goes straight to
 * the bank's routes. Faults that change what the bank sees (clock skew,
 * directory JWKS) serve the request from routes built on a context that
 * carries them, so nothing global changes and concurrent requests are unaffected.
 * A plain handler, not a Router of its own: a request to the bank's routes
 * passes one router level less.
 */
export function faultInjectingRouter(
  ctx: BankContext,
  buildRoutes: (ctx: BankContext) => Router,
  adminToken: string | undefined,
): RequestHandler {
  const admin = Router();
  admin.use('/admin/faults', faultAdminRouter(ctx.faults, adminToken));
  const routes = buildRoutes(ctx);
  /** A request some fault may apply to: decided, then served as the faults say. */
  const faulted = async (req: Request, res: Response, next: NextFunction): Promise<void> => {
    const endpoint = endpointOf(ctx.settings, req.path);
    const d = endpoint ? ctx.faults.decide(endpoint, certificateOf(ctx, req)) : undefined;
    if (!d || d.applied.length === 0) {
      routes(req, res, next);
      return;
    }
    ctx.logger.info('fault injected', { endpoint, faults: d.applied.map((f) => `${f.id} (${f.kind})`) });
    if (d.latencyMs > 0) await sleep(d.latencyMs);
    if (answered(req, res, d.outcome, endpoint!)) return;
    const kind = d.outcome?.kind;
    if (kind === 'empty_body' || kind === 'malformed_body' || kind === 'wrong_content_type')
      rewriteResponse(res, kind);
    const changesBank = d.skewSeconds !== 0 || d.directoryJwks !== undefined;
    (changesBank ? buildRoutes(faultedContext(ctx, d)) : routes)(req, res, next);
  };
  // With no fault set (the usual case) a request goes straight to the routes: no endpoint
  // name, no decision, no promise.
  return (req: Request, res: Response, next: NextFunction): void => {
    if (FAULTS_ADMIN.test(req.path)) admin(req, res, next);
    else if (ctx.faults.empty) routes(req, res, next);
    else faulted(req, res, next).catch(next);
  };
}
