import type { NextFunction, Request, Response } from 'express';
import type { Logger } from '../logger.js';

const passThrough = (_req: Request, _res: Response, next: NextFunction): void => next();

/**
 * One line per request: method, path (never the query string or headers), status, duration.
 * A logger that does not write info lines (level warn, error or silent) gets a pass-through:
 * no clock read, listener or fields per request for a line nobody writes.
 */
export function requestLog(logger: Logger) {
  if (logger.enabled?.('info') === false) return passThrough;
  return (req: Request, res: Response, next: NextFunction): void => {
    const started = process.hrtime.bigint();
    // read now: a router mounted under a prefix (a bank under /banks/{id}) strips it from
    // req.path while it handles the request, and the response may finish in there
    const path = req.path;
    res.on('finish', () => {
      logger.info('request', {
        method: req.method,
        path,
        status: res.statusCode,
        ms: Number(process.hrtime.bigint() - started) / 1e6,
      });
    });
    next();
  };
}
