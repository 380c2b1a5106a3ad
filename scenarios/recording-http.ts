import type { HttpClient, HttpRequestOptions, HttpResponse } from '../tpp-client/index.js';
import type { Exchange } from './records.js';

const SECRET_HEADERS = /^(authorization|cookie|set-cookie)$/i;
const SECRET_FIELDS =
  /("?(client_secret|access_token|registration_access_token|AccessToken)"?\s*[:=]\s*"?)([^"&,\s}]+)/g;
const JWT = /eyJ[A-Za-z0-9_-]+\.eyJ[A-Za-z0-9_-]*\.[A-Za-z0-9_-]*/g;

/** Keeps a secret recognisable but unusable: the first 4 characters. */
export function maskSecret(value: string): string {
  return value.length <= 4 ? '****' : `${value.slice(0, 4)}…`;
}

export function maskHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    if (!SECRET_HEADERS.test(k)) {
      out[k] = v;
      continue;
    }
    const [scheme, ...rest] = v.split(' ');
    out[k] = rest.length ? `${scheme} ${maskSecret(rest.join(' '))}` : maskSecret(v);
  }
  return out;
}

export function maskBody(body: string | undefined): string | undefined {
  if (body === undefined) return undefined;
  return body.replace(
    SECRET_FIELDS,
    (_m, prefix: string, _name: string, value: string) => `${prefix}${maskSecret(value)}`,
  );
}

function decodeJwts(where: string, text: string | undefined): Exchange['jwts'] {
  if (!text) return [];
  const out: Exchange['jwts'] = [];
  for (const jwt of text.match(JWT) ?? []) {
    const [h, p] = jwt.split('.');
    try {
      out.push({
        where,
        header: JSON.parse(Buffer.from(h, 'base64url').toString('utf8')),
        payload: JSON.parse(Buffer.from(p, 'base64url').toString('utf8')),
      });
    } catch {
      // not a JWT after all
    }
    if (out.length >= 6) break;
  }
  return out;
}

/**
 * Wraps an HttpClient so every call is recorded (for the JSON/HTML/JUnit
 * reports): secrets masked, JWTs decoded beside the raw form, bodies capped.
 */
export function recordingClient(inner: HttpClient, from: string, record: (e: Exchange) => void): HttpClient {
  return {
    timeoutMs: inner.timeoutMs,
    close: () => inner.close(),
    async request(method: string, url: string, options: HttpRequestOptions = {}): Promise<HttpResponse> {
      const started = Date.now();
      const requestBody = options.body === undefined ? undefined : String(options.body).slice(0, 64 * 1024);
      const base: Omit<Exchange, 'ms'> = {
        from,
        to: new URL(url).host,
        method,
        url,
        requestHeaders: maskHeaders(options.headers ?? {}),
        requestBody: maskBody(requestBody),
        jwts: [],
      };
      try {
        const res = await inner.request(method, url, options);
        const responseBody = res.text.slice(0, 64 * 1024);
        record({
          ...base,
          status: res.status,
          responseHeaders: maskHeaders(res.headers),
          responseBody: maskBody(responseBody),
          jwts: [...decodeJwts('request', requestBody), ...decodeJwts('response', responseBody)],
          ms: Date.now() - started,
        });
        return res;
      } catch (err) {
        record({
          ...base,
          error: (err as Error).message,
          jwts: decodeJwts('request', requestBody),
          ms: Date.now() - started,
        });
        throw err;
      }
    },
  };
}
