import type { NextFunction, Request, Response } from 'express';
import { SESSION_ENDED, signInPage } from './pages/sign-in.js';
import { SESSION_COOKIE, sessionCookieOf } from './session-cookie.js';
import type { ConsoleSession, Sessions } from './sessions.js';

export { SESSION_COOKIE };

/** No inline script or style, nothing from elsewhere, no framing. */
export const CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "img-src 'self' data:",
  "connect-src 'self'",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "base-uri 'none'",
].join('; ');

declare global {
  namespace Express {
    interface Request {
      consoleSession?: ConsoleSession;
    }
  }
}

export function securityHeaders(_req: Request, res: Response, next: NextFunction): void {
  res.set({
    'Content-Security-Policy': CONTENT_SECURITY_POLICY,
    'X-Content-Type-Options': 'nosniff',
    'X-Frame-Options': 'DENY',
    // same-origin, not no-referrer: with no-referrer browsers send `Origin: null` on our own forms.
    'Referrer-Policy': 'same-origin',
    'Cross-Origin-Opener-Policy': 'same-origin',
    'Cache-Control': 'no-store',
  });
  next();
}

export function setSessionCookie(res: Response, id: string, secure: boolean): void {
  res.append(
    'Set-Cookie',
    `${SESSION_COOKIE}=${id}; Path=/; HttpOnly; SameSite=Strict${secure ? '; Secure' : ''}`,
  );
}

export function clearSessionCookie(res: Response): void {
  res.append('Set-Cookie', `${SESSION_COOKIE}=; Path=/; HttpOnly; SameSite=Strict; Max-Age=0`);
}

/** A state change from another site: its Origin (when the browser sends one) is not ours. */
function crossOrigin(req: Request): boolean {
  const origin = req.headers.origin;
  if (!origin || origin === 'null') return origin === 'null';
  try {
    return new URL(origin).host !== req.headers.host;
  } catch {
    return true;
  }
}

/**
 * Every page needs a session: without one, GET goes to the sign-in page and
 * anything else gets 401 — neither says anything about what is inside. Every
 * state change needs the session's CSRF token (form field `_csrf` or header
 * `x-csrf-token`) and no foreign Origin.
 */
export function requireSession(sessions: Sessions) {
  return (req: Request, res: Response, next: NextFunction): void => {
    let id: string | undefined;
    try {
      id = sessionCookieOf(req);
    } catch (err) {
      next(err);
      return;
    }
    const session = sessions.find(id);
    if (!session) {
      if (req.method === 'GET' || req.method === 'HEAD') res.redirect(303, '/sign-in');
      // a form sent from a page of a session that has ended (the console restarted, or signed out):
      // refused, and the sign-in form in its place rather than a bare status
      else res.status(401).type('text/html').send(signInPage(SESSION_ENDED));
      return;
    }
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      const given = (req.body as Record<string, unknown> | undefined)?._csrf ?? req.headers['x-csrf-token'];
      if (crossOrigin(req) || !sessions.checkCsrf(session, given)) {
        res
          .status(403)
          .type('text/plain')
          .send('this form has expired or came from another site: reload the page');
        return;
      }
    }
    req.consoleSession = session;
    next();
  };
}

export { crossOrigin };
