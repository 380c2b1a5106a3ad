import { isIPv6 } from 'node:net';
import type { NextFunction, Request, Response } from 'express';
import { BadRequest } from '../errors.js';

/**
 * RFC 9110 §7.2 / RFC 3986 §3.2.2: `Host = uri-host [ ":" port ]`, uri-host an IP literal in
 * brackets, an IPv4 address or a reg-name (unreserved, %XX, sub-delims). No userinfo (`@`), no
 * spaces, no path. Empty is not valid here: every service is https, and an https URI has a host.
 */
const HOST = /^(?:\[([^\]]+)\]|(?:[A-Za-z0-9\-._~!$&'()*+,;=]|%[0-9A-Fa-f]{2})+)(?::[0-9]*)?$/;
const IP_FUTURE = /^v[0-9A-Fa-f]+\.[A-Za-z0-9\-._~!$&'()*+,;=:]+$/;

function validHost(value: string): boolean {
  const m = HOST.exec(value);
  if (!m) return false;
  return m[1] === undefined || isIPv6(m[1]) || IP_FUTURE.test(m[1]);
}

/**
 * Refuses, with 400 `invalid_request`, a request that does not carry exactly one valid `Host`
 * (RFC 9112 §3.2): more than one Host line, an invalid value, or none in HTTP/1.1 (HTTP/1.0
 * did not require one). Duplicates are counted in `rawHeaders`: Node keeps only the first
 * Host in `headers`. Mount it before anything that answers a request.
 */
export function hostHeader(req: Request, _res: Response, next: NextFunction): void {
  const raw = req.rawHeaders;
  let value: string | undefined;
  for (let i = 0; i < raw.length; i += 2) {
    const name = raw[i];
    if (name.length !== 4 || name.toLowerCase() !== 'host') continue;
    if (value !== undefined) {
      next(new BadRequest('the request must carry one Host header, not several'));
      return;
    }
    value = raw[i + 1];
  }
  if (value === undefined) {
    if (req.httpVersionMajor === 1 && req.httpVersionMinor === 0) next();
    else next(new BadRequest('the request must carry a Host header'));
    return;
  }
  if (!validHost(value)) {
    next(new BadRequest('the Host header must be a host name or address, with an optional port'));
    return;
  }
  next();
}
