import type { NextFunction, Request, Response } from 'express';
import { HttpError, NotFound, toErrorResponse } from '../errors.js';
import type { Logger } from '../logger.js';
import { maskSecrets } from '../mask-secrets.js';

/** Express errors (bad URL encoding, aborted body…) carry a 4xx `status`; keep it, hide the rest. */
function normalise(err: unknown): unknown {
  if (err instanceof HttpError) return err;
  const status =
    (err as { status?: unknown; statusCode?: unknown })?.status ??
    (err as { statusCode?: unknown })?.statusCode;
  if (typeof status === 'number' && status >= 400 && status < 500) {
    return new HttpError(status, 'invalid_request', 'the request could not be understood');
  }
  return err;
}

export function errorHandler(logger: Logger) {
  return (err: unknown, req: Request, res: Response, _next: NextFunction): void => {
    const normalised = normalise(err);
    const { status, body, headers } = toErrorResponse(normalised);
    if (status >= 500) {
      logger.error('request failed', {
        method: req.method,
        path: req.path,
        error: err instanceof Error ? err.message : String(err),
      });
    } else {
      // Every refusal, with the code and description the client got (credentials masked).
      logger.info('refused', {
        method: req.method,
        path: req.path,
        status,
        error: 'error' in body ? body.error : body.Errors[0].ErrorCode,
        error_description: maskSecrets('error' in body ? body.error_description : body.Message),
      });
    }
    if (res.headersSent) {
      res.destroy();
      return;
    }
    res.status(status).set(headers).type('application/json').send(JSON.stringify(body));
  };
}

export function notFoundHandler(_req: Request, _res: Response, next: NextFunction): void {
  next(new NotFound('no such endpoint'));
}
