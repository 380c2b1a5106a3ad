import type { Request } from 'express';

export const SESSION_COOKIE = 'obmock_console';

/**
 * The request names the console's session cookie more than once, so which session it means is
 * not known. A browser sends two cookies of one name when another site of the same domain, or a
 * page under a longer path, has set its own (cookie tossing): the console picks neither.
 */
export class RepeatedSessionCookie extends Error {
  readonly status = 400;
  constructor() {
    super(
      `the request carries the ${SESSION_COOKIE} cookie more than once: clear this site's cookies in the browser and sign in again`,
    );
    this.name = 'RepeatedSessionCookie';
  }
}

/**
 * The session id the request carries, or undefined. Node joins several `Cookie` lines with "; "
 * (as RFC 9113 §8.2.3 has HTTP/2 cookie crumbs joined), so they are read as one list; the session
 * cookie may appear in it once only (`RepeatedSessionCookie` otherwise).
 */
export function sessionCookieOf(req: Request): string | undefined {
  let found: string | undefined;
  for (const part of (req.headers.cookie ?? '').split(';')) {
    const eq = part.indexOf('=');
    if (eq < 0 || part.slice(0, eq).trim() !== SESSION_COOKIE) continue;
    if (found !== undefined) throw new RepeatedSessionCookie();
    found = part.slice(eq + 1).trim();
  }
  return found;
}
