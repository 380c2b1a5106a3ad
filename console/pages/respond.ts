import type { NextFunction, Request, Response } from 'express';
import { html } from '../html.js';
import { UnknownName } from '../path-name.js';
import type { ConsoleSession } from '../sessions.js';
import { UpstreamError } from '../upstream.js';
import { type Flash, layout } from './layout.js';

export type Handler = (req: Request, res: Response) => Promise<void> | void;

/** A form field as a bounded string ('' when absent). */
export function field(req: Request, name: string, max = 4096): string {
  const v = (req.body as Record<string, unknown> | undefined)?.[name];
  return typeof v === 'string' ? v.slice(0, max).trim() : '';
}

/** The flash message left by the last form, shown once. */
export function flashFrom(req: Request): Flash | undefined {
  const s = req.consoleSession as ConsoleSession;
  const f = s.flash;
  s.flash = undefined;
  return f;
}

/** POST → redirect → GET, with the outcome kept for the next page. */
export function redirectWith(req: Request, res: Response, to: string, flash: Flash): void {
  if (req.consoleSession) req.consoleSession.flash = flash;
  res.redirect(303, to);
}

/** Where a failed form returns: its `_back` field (a local path) or the page above the action. */
function backFrom(req: Request): string {
  const back = field(req, '_back', 512);
  // a local path: one leading slash — `//host/…` would be another site (protocol-relative)
  if (/^\/(?!\/)[A-Za-z0-9/_-]*$/.test(back)) return back;
  return req.path.replace(/\/[^/]*$/, '') || '/';
}

/** Turns a service's refusal into the page's message; anything else into a message without internals. */
export function describe(err: unknown): string {
  if (err instanceof UpstreamError) return `The service answered ${err.status} ${err.code}: ${err.message}`;
  if (err instanceof UnknownName) return err.message;
  return 'Something went wrong; the console log has the details.';
}

/** Runs a page handler: a failed form goes back with the service's answer; a failed page shows it. */
export function page(
  handler: Handler,
  logger: { warn(msg: string, f?: Record<string, unknown>): void },
  back?: string,
) {
  return async (req: Request, res: Response, _next: NextFunction): Promise<void> => {
    try {
      await handler(req, res);
    } catch (err) {
      if (!(err instanceof UpstreamError || err instanceof UnknownName))
        logger.warn('console page failed', { path: req.path, error: (err as Error).message });
      if (res.headersSent) return;
      if (req.method === 'POST') {
        redirectWith(req, res, back ?? backFrom(req), { kind: 'error', text: describe(err) });
        return;
      }
      const status =
        err instanceof UnknownName
          ? 404
          : err instanceof UpstreamError && err.status < 500
            ? err.status
            : 502;
      res.status(status).send(
        layout({
          title: 'Not available',
          csrf: req.consoleSession?.csrf,
          flash: { kind: 'error', text: describe(err) },
          body: html`<p><a href="/directory">Back to the directory</a></p>`,
        }),
      );
    }
  };
}
