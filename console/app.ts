import { readFileSync } from 'node:fs';
import express, { type Express, type Request, type Response } from 'express';
import { singleHeaders } from '../lib/http/index.js';
import type { ConsoleContext } from './context.js';
import { html } from './html.js';
import { bankPages } from './pages/banks.js';
import { directoryPages } from './pages/directory.js';
import { layout } from './pages/layout.js';
import { livePages } from './pages/live.js';
import { scenarioPages } from './pages/scenarios.js';
import { signInPage } from './pages/sign-in.js';
import { tppPages } from './pages/tpp.js';
import {
  clearSessionCookie,
  crossOrigin,
  requireSession,
  securityHeaders,
  setSessionCookie,
} from './security.js';
import { RepeatedSessionCookie } from './session-cookie.js';
import { SessionsFull } from './sessions-full.js';

/** Everything the browser loads besides the HTML: one stylesheet, one script (the size budget is tested). */
export const ASSETS = {
  'console.css': 'text/css; charset=utf-8',
  'console.js': 'text/javascript; charset=utf-8',
} as const;

const assetDir = new URL('../../console/assets/', import.meta.url);
function loadAssets(): Record<string, Buffer> {
  // Built code runs from dist/console/; the assets ship beside the sources in console/assets/.
  const dirs = [assetDir, new URL('./assets/', import.meta.url)];
  const out: Record<string, Buffer> = {};
  for (const name of Object.keys(ASSETS)) {
    for (const dir of dirs) {
      try {
        out[name] = readFileSync(new URL(name, dir));
        break;
      } catch {
        // try the next place
      }
    }
    if (!out[name]) throw new Error(`console asset ${name} is missing`);
  }
  return out;
}

/** The console's Express app. No port is opened: tests drive it with supertest. */
export function createConsoleApp(ctx: ConsoleContext, options: { secureCookie?: boolean } = {}): Express {
  const assets = loadAssets();
  const app = express();
  app.disable('x-powered-by');
  app.set('etag', false);
  app.set('query parser', 'simple');
  app.use(securityHeaders);
  // One Content-Type (and Authorization) line, as at the services (docs/bank.md).
  app.use(singleHeaders());
  app.use(express.urlencoded({ extended: false, limit: '64kb', parameterLimit: 100 }));

  app.get('/health', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/favicon.ico', (_req, res) => {
    res.status(204).end();
  });
  app.get('/assets/:name', (req, res) => {
    const name = String(req.params.name) as keyof typeof ASSETS;
    // own names only: `constructor` or `__proto__` are not assets
    if (!Object.hasOwn(ASSETS, name)) {
      res.status(404).type('text/plain').send('not found');
      return;
    }
    res.set('Cache-Control', 'max-age=300').type(ASSETS[name]).send(assets[name]);
  });

  /** A sign-in refused because every session is in use: 503, and when to try again. */
  const refuseFull = (res: Response, err: unknown): void => {
    if (!(err instanceof SessionsFull)) throw err;
    res
      .status(503)
      .set('Retry-After', String(err.retryAfterSeconds))
      .send(
        signInPage('The console has as many sessions as it keeps, all in use: try again in a few minutes.'),
      );
  };

  app.get('/sign-in', (req: Request, res: Response) => {
    const code = typeof req.query.code === 'string' ? req.query.code : undefined;
    if (code) {
      let session: ReturnType<typeof ctx.sessions.redeemCode>;
      try {
        session = ctx.sessions.redeemCode(code.slice(0, 100));
      } catch (err) {
        refuseFull(res, err);
        return;
      }
      if (!session) {
        res.status(401).send(signInPage('That sign-in link has been used or is not valid.'));
        return;
      }
      setSessionCookie(res, session.id, options.secureCookie ?? false);
      res.redirect(303, '/live');
      return;
    }
    res.send(signInPage());
  });
  app.post('/sign-in', (req: Request, res: Response) => {
    const token = typeof req.body?.token === 'string' ? req.body.token.slice(0, 200) : '';
    let session: ReturnType<typeof ctx.sessions.signInWithAdminToken>;
    try {
      session = crossOrigin(req) ? undefined : ctx.sessions.signInWithAdminToken(token);
    } catch (err) {
      refuseFull(res, err);
      return;
    }
    if (!session) {
      res.status(401).send(signInPage('That is not the admin token.'));
      return;
    }
    setSessionCookie(res, session.id, options.secureCookie ?? false);
    res.redirect(303, '/directory');
  });

  app.use(requireSession(ctx.sessions));
  app.post('/sign-out', (req: Request, res: Response) => {
    ctx.sessions.close(req.consoleSession?.id ?? '');
    clearSessionCookie(res);
    res.redirect(303, '/sign-in');
  });
  app.get('/', (_req, res) => res.redirect(303, '/directory'));
  app.use(directoryPages(ctx));
  app.use(bankPages(ctx));
  app.use(tppPages(ctx));
  app.use(livePages(ctx));
  app.use(scenarioPages(ctx));
  app.use((req: Request, res: Response) => {
    res
      .status(404)
      .send(layout({ title: 'Not found', csrf: req.consoleSession?.csrf, body: html`<h1>Not found</h1>` }));
  });
  app.use((err: unknown, req: Request, res: Response, _next: express.NextFunction) => {
    const status = (err as { status?: number }).status;
    ctx.logger.warn('console request failed', { path: req.path, error: (err as Error).message });
    if (res.headersSent) return void res.destroy();
    res
      .status(typeof status === 'number' && status >= 400 && status < 500 ? status : 500)
      .type('text/plain')
      .send(err instanceof RepeatedSessionCookie ? err.message : 'the request could not be handled');
  });
  return app;
}
