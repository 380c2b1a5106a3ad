import type { LookupFunction } from 'node:net';
import { rootCertificates } from 'node:tls';
import { type Dispatcher, errors as undiciErrors } from 'undici';
import {
  ForbiddenAddressError,
  HttpNetworkError,
  HttpTimeoutError,
  InvalidResponseError,
  type TimeoutPhase,
  TppError,
} from '../errors.js';
import { dispatchRequest } from './dispatch-request.js';
import { acquireAgent } from './shared-agent.js';

export interface HttpClientOptions {
  /** PEM CA certificate(s) trusted for servers. Replaces the system CAs unless `trustSystemCas`. */
  ca: string | string[];
  /** Client certificate (PEM, leaf first, chain may follow) for mutual TLS. */
  cert?: string;
  /** Private key (PEM) of `cert`. */
  key?: string;
  /** Deadline of each call: connecting, sending, headers and body together, in milliseconds. */
  timeoutMs: number;
  /** Connect (TCP + TLS handshake) limit; default `timeoutMs`. */
  connectTimeoutMs?: number;
  /** TLS SNI / name checked in the server certificate, when it differs from the URL's host. */
  servername?: string;
  /** Also trust Node's bundled public CAs (real bank sandboxes often use public server certificates). */
  trustSystemCas?: boolean;
  /** Largest response body accepted; default 1 MiB. */
  maxResponseBytes?: number;
  /** Idle keep-alive sockets are closed after this long, and so is the identity's shared agent once no client uses it; default 10 s. */
  keepAliveTimeoutMs?: number;
  /**
   * The resolver of every connection's host (`dns.lookup`'s shape; default `dns.lookup`), under
   * the address rule of `guardedLookup`: a host named only by a bank's document must resolve to
   * addresses of its discovery host's class. Tests give one to need no DNS server.
   */
  lookup?: LookupFunction;
  /** `User-Agent` sent with every call that does not set its own (none by default). */
  userAgent?: string;
}

export interface HttpRequestOptions {
  headers?: Record<string, string>;
  body?: string | Buffer;
  /** This call's deadline instead of the client's. */
  timeoutMs?: number;
}

export interface HttpResponse {
  status: number;
  /** Lower-case names; repeated headers joined with ', '. */
  headers: Record<string, string>;
  text: string;
  /** The body parsed as JSON; throws InvalidResponseError when it is not JSON. */
  json(): unknown;
}

export interface HttpClient {
  readonly timeoutMs: number;
  request(method: string, url: string, options?: HttpRequestOptions): Promise<HttpResponse>;
  /** Lets go of the identity's agent: its connections close once no client uses it and it has been idle `keepAliveTimeoutMs`. */
  close(): Promise<void>;
}

const DEFAULT_MAX_RESPONSE_BYTES = 1024 * 1024;

/**
 * An HTTP(S) client on the undici Agent of its TPP identity (see acquireAgent: clients with the
 * same CAs, certificate and key share keep-alive connections and TLS sessions): keep-alive connection pools per origin, optional client
 * certificate for mutual TLS, server certificates verified against `ca`, and a deadline on
 * every call (connect, headers and body timeouts plus an overall abort). Throws
 * HttpTimeoutError / HttpNetworkError; any HTTP status is a normal response.
 */
export function createHttpClient(options: HttpClientOptions): HttpClient {
  const timeoutMs = positive(options.timeoutMs, 'timeoutMs');
  const connectTimeoutMs = positive(options.connectTimeoutMs ?? timeoutMs, 'connectTimeoutMs');
  if ((options.cert === undefined) !== (options.key === undefined)) {
    throw new TypeError('createHttpClient: cert and key must be given together');
  }
  const ca = Array.isArray(options.ca) ? options.ca : [options.ca];
  const { agent, release } = acquireAgent({
    ca: options.trustSystemCas ? [...rootCertificates, ...ca] : ca,
    ...(options.cert !== undefined ? { cert: options.cert, key: options.key } : {}),
    ...(options.servername !== undefined ? { servername: options.servername } : {}),
    connectTimeoutMs,
    keepAliveTimeoutMs: options.keepAliveTimeoutMs ?? 10_000,
    maxResponseBytes: options.maxResponseBytes ?? DEFAULT_MAX_RESPONSE_BYTES,
    ...(options.lookup ? { lookup: options.lookup } : {}),
  });
  let closed = false;
  const userAgent = options.userAgent;
  if (userAgent !== undefined && !/^[\x20-\x7e]{1,200}$/.test(userAgent)) {
    throw new TypeError('createHttpClient: userAgent must be 1 to 200 printable ASCII characters');
  }
  /** The call's headers, with the client's User-Agent unless the call names its own. */
  const headersOf = (given: Record<string, string> = {}): Record<string, string> =>
    userAgent === undefined || Object.keys(given).some((h) => h.toLowerCase() === 'user-agent')
      ? given
      : { ...given, 'user-agent': userAgent };

  async function request(method: string, url: string, opts: HttpRequestOptions = {}): Promise<HttpResponse> {
    const target = new URL(url);
    const limit = opts.timeoutMs === undefined ? timeoutMs : positive(opts.timeoutMs, 'timeoutMs');
    let timedOut = false;
    let phase: TimeoutPhase = 'response';
    let timer: NodeJS.Timeout | undefined;
    try {
      if (closed) throw new undiciErrors.ClientClosedError();
      const call = dispatchRequest(
        agent,
        {
          origin: target.origin,
          path: `${target.pathname}${target.search}`,
          method: method.toUpperCase() as Dispatcher.HttpMethod,
          headers: headersOf(opts.headers),
          body: opts.body ?? null,
          headersTimeout: limit,
          bodyTimeout: limit,
        },
        () => {
          phase = 'body';
        },
      );
      timer = setTimeout(() => {
        timedOut = true;
        call.abort(new Error(`deadline of ${limit} ms`));
      }, limit);
      const res = await call.response;
      const headers = flattenHeaders(res.headers);
      return {
        status: res.status,
        headers,
        text: res.text,
        json: () => parseJson(res.text, res.status, method, url),
      };
    } catch (err) {
      throw translate(err, {
        method: method.toUpperCase(),
        url,
        limit,
        phase,
        timedOut,
        withCertificate: options.cert !== undefined,
      });
    } finally {
      clearTimeout(timer);
    }
  }

  return {
    timeoutMs,
    request,
    close: () => {
      closed = true;
      return release();
    },
  };
}

function positive(value: number, name: string): number {
  if (!Number.isFinite(value) || value <= 0) {
    throw new RangeError(`createHttpClient: ${name} must be a positive number of milliseconds`);
  }
  return value;
}

function flattenHeaders(raw: Record<string, string | string[] | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [name, value] of Object.entries(raw)) {
    if (value === undefined) continue;
    out[name.toLowerCase()] = Array.isArray(value) ? value.join(', ') : value;
  }
  return out;
}

function parseJson(text: string, status: number, method: string, url: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    const shown = text.length > 80 ? `${text.slice(0, 80)}…` : text;
    throw new InvalidResponseError(
      `${method} ${url} answered ${status} with a body that is not JSON: ${JSON.stringify(shown)}`,
      status,
    );
  }
}

interface CallState {
  method: string;
  url: string;
  limit: number;
  phase: TimeoutPhase;
  timedOut: boolean;
  withCertificate: boolean;
}

function translate(err: unknown, s: CallState): Error {
  const refused = err instanceof ForbiddenAddressError ? err : (err as { cause?: unknown })?.cause;
  if (refused instanceof ForbiddenAddressError) return refused.forCall(s.method, s.url);
  if (err instanceof TppError) return err;
  if (err instanceof undiciErrors.ConnectTimeoutError) {
    return new HttpTimeoutError(s.method, s.url, s.limit, 'connect');
  }
  if (err instanceof undiciErrors.HeadersTimeoutError) {
    return new HttpTimeoutError(s.method, s.url, s.limit, 'response');
  }
  if (err instanceof undiciErrors.BodyTimeoutError) {
    return new HttpTimeoutError(s.method, s.url, s.limit, 'body');
  }
  if (s.timedOut) return new HttpTimeoutError(s.method, s.url, s.limit, s.phase);
  const e = err as { code?: unknown; message?: unknown; cause?: unknown };
  const inner = (e.cause ?? {}) as { code?: unknown; message?: unknown };
  const code =
    typeof inner.code === 'string' ? inner.code : typeof e.code === 'string' ? e.code : 'network_error';
  const message =
    typeof inner.message === 'string' && inner.message !== ''
      ? inner.message
      : typeof e.message === 'string'
        ? e.message
        : String(err);
  const hint =
    !s.withCertificate &&
    /^(UND_ERR_SOCKET|ECONNRESET|EPIPE)$|CERTIFICATE_REQUIRED|HANDSHAKE_FAILURE/.test(code)
      ? '; no client certificate was presented and the server may require mutual TLS'
      : '';
  return new HttpNetworkError(s.method, s.url, code, `${message} (${code})${hint}`, { cause: err });
}
