import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import type { CheckOutcome } from '../check-outcome.js';
import { Unauthorized } from '../errors.js';
import { maskForm } from './mask-form.js';
import { maskJson } from './mask-json.js';
import { maskValue } from './mask-value.js';
import { peerCertificateDer } from './peer-certificate.js';
import { SECRET_FIELDS } from './secret-field.js';
import { attachedChecksSource, type ChecksSource, readChecks } from './tap-checks.js';

/** One HTTP exchange a service answered, as the console's live flow shows it (secrets masked). */
export interface TappedMessage {
  /** Increasing within one service's tap. */
  seq: number;
  service: string;
  at: string;
  method: string;
  /** Path and query, as received (query values that look like secrets masked). */
  path: string;
  requestHeaders: Record<string, string>;
  requestBody?: string;
  status: number;
  responseHeaders: Record<string, string>;
  responseBody?: string;
  ms: number;
  /** The certificate the client presented over mutual TLS (PEM), if any. */
  clientCertificate?: string;
  /** Set when the body was longer than the tap keeps. */
  truncated?: boolean;
  /** The checks the service made of the request, each with its result (a bank's registration checks). */
  checks?: CheckOutcome[];
}

export interface MessageTapOptions {
  /** Label of the service in the live flow: directory, bank, tpp. */
  service: string;
  /** The admin token that may read the tap (or its SHA-256, hex); without either the endpoint always answers 401. */
  adminToken?: string;
  adminTokenSha256?: string;
  /** Exchanges kept (oldest dropped first); default 300. */
  capacity?: number;
  /** Bytes kept of each body; default 16 KiB. */
  bodyLimit?: number;
  /** Streaming readers at once; default 8 (a ninth is refused with 503). */
  maxReaders?: number;
}

export const MESSAGE_TAP_PATH = '/admin/messages';
const TAP_ROUTE = /^\/admin\/messages\/?$/i;

const SECRET_HEADERS = /^(authorization|cookie|set-cookie|proxy-authorization)$/i;
/** A secret field named outside JSON, as written: `name=value`, `name: value` (JSON members are maskJson's). */
const SECRET_TEXT = new RegExp(`((?<![\\w"])(${SECRET_FIELDS.join('|')})\\s*[:=]\\s*"?)([^"&,\\s}]+)`, 'g');
const FORM = 'application/x-www-form-urlencoded';
const KEPT_HEADERS = 64;
const READER_BUFFER_LIMIT = 8 * 1024 * 1024;

function maskHeaders(headers: Record<string, unknown>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, raw] of Object.entries(headers).slice(0, KEPT_HEADERS)) {
    if (raw === undefined) continue;
    const v = (Array.isArray(raw) ? raw.join(', ') : String(raw)).slice(0, 4096);
    if (!SECRET_HEADERS.test(k)) {
      out[k] = v;
      continue;
    }
    const [scheme, ...rest] = v.split(' ');
    out[k] = rest.length ? `${scheme} ${maskValue(rest.join(' '))}` : maskValue(v);
  }
  return out;
}

/** JSON members by their decoded names, then unquoted `name=value` in any other text. */
const maskText = (text: string): string =>
  maskJson(text).replace(
    SECRET_TEXT,
    (_m, prefix: string, _name: string, value: string) => `${prefix}${maskValue(value)}`,
  );

/** Path and query: the query masked as the form it is (names decoded as Express's query parser does). */
function maskUrl(url: string): string {
  const q = url.indexOf('?');
  return q < 0 ? maskText(url) : `${maskText(url.slice(0, q))}?${maskForm(url.slice(q + 1))}`;
}

/** Whether the request's body is a form (its media type, as readBody compares it). */
function isForm(headers: Record<string, unknown>): boolean {
  const type = headers['content-type'];
  return typeof type === 'string' && type.split(';')[0].trim().toLowerCase() === FORM;
}

/** The response's kept chunks as one Buffer (a character split between two chunks decodes whole). */
function bytesOf(chunks: (Buffer | string)[]): Buffer {
  if (chunks.length === 1 && Buffer.isBuffer(chunks[0])) return chunks[0];
  return Buffer.concat(chunks.map((c) => (typeof c === 'string' ? Buffer.from(c, 'utf8') : c)));
}

/**
 * The request body as the ring keeps it: the body itself when it is within
 * `limit` and holds no larger allocation alive (the body reader made it for
 * this request and nothing writes to it), else a copy of its first `limit` bytes.
 */
function keptBody(raw: Buffer | undefined, limit: number): Buffer | undefined {
  if (!raw || raw.length === 0) return undefined;
  if (raw.length <= limit && raw.buffer.byteLength <= limit) return raw;
  return Buffer.from(raw.subarray(0, limit));
}

/** DER → PEM, 64 characters a line (the console decodes it). */
function pemOf(der: Buffer): string {
  const b64 = der.toString('base64').replace(/.{64}/g, '$&\n');
  return `-----BEGIN CERTIFICATE-----\n${b64}${b64.endsWith('\n') ? '' : '\n'}-----END CERTIFICATE-----\n`;
}

/**
 * An exchange as answered: only copies and references, no decoding or masking.
 * The tap turns it into a {@link TappedMessage} when someone reads it (the
 * console is usually closed, so most exchanges are never decoded).
 */
interface RawExchange {
  seq: number;
  at: number;
  method: string;
  url: string;
  requestHeaders: Record<string, unknown>;
  requestBody?: Buffer;
  requestTruncated: boolean;
  status: number;
  responseHeaders: Record<string, unknown>;
  /** What the response wrote, at most bodyLimit bytes: strings as written, Buffers copied. */
  responseBody: (Buffer | string)[];
  responseTotal: number;
  ms: number;
  clientCertificate?: Buffer;
  /** Read when the exchange is first decoded. */
  checks?: ChecksSource;
  view?: TappedMessage;
}

function sameToken(expected: Buffer | undefined, header: string | undefined): boolean {
  const m = /^Bearer[ ]+(\S+)$/i.exec(header ?? '');
  if (!m || !expected || expected.length !== 32) return false;
  return timingSafeEqual(createHash('sha256').update(m[1]).digest(), expected);
}

/**
 * A bounded record of the exchanges a service answers, for the console's live
 * flow: a ring buffer of the last `capacity` exchanges (bodies capped, secrets
 * masked) and `GET /admin/messages` for the admin — JSON (`?after=SEQ`) or a
 * Server-Sent Events stream (`Accept: text/event-stream`, resuming after
 * `Last-Event-ID`). Mount it before the service's routes.
 */
export function messageTap(options: MessageTapOptions): RequestHandler {
  const capacity = options.capacity ?? 300;
  const bodyLimit = options.bodyLimit ?? 16 * 1024;
  const maxReaders = options.maxReaders ?? 8;
  const expected = options.adminToken
    ? createHash('sha256').update(options.adminToken).digest()
    : options.adminTokenSha256
      ? Buffer.from(options.adminTokenSha256, 'hex')
      : undefined;
  const ring: RawExchange[] = [];
  const readers = new Set<(m: TappedMessage) => void>();
  let seq = 0;

  const cap = (buf: Buffer | undefined, form = false): string | undefined =>
    buf && buf.length > 0 ? (form ? maskForm : maskText)(buf.toString('utf8')) : undefined;

  /** The exchange as the console shows it, decoded and masked once, on first read. */
  const view = (x: RawExchange): TappedMessage => {
    if (x.view) return x.view;
    // a form body is masked by its fields as the server decodes them, anything else as text
    const requestBody = cap(x.requestBody, isForm(x.requestHeaders));
    const responseBody = cap(bytesOf(x.responseBody));
    x.view = {
      seq: x.seq,
      service: options.service,
      at: new Date(x.at).toISOString(),
      method: x.method,
      path: maskUrl(x.url.slice(0, 2048)),
      requestHeaders: maskHeaders(x.requestHeaders),
      ...(requestBody !== undefined ? { requestBody } : {}),
      status: x.status,
      responseHeaders: maskHeaders(x.responseHeaders),
      ...(responseBody !== undefined ? { responseBody } : {}),
      ms: x.ms,
      ...(x.clientCertificate ? { clientCertificate: pemOf(x.clientCertificate) } : {}),
      ...(x.requestTruncated || x.responseTotal > bodyLimit ? { truncated: true } : {}),
      ...(x.checks ? { checks: readChecks(x.checks) } : {}),
    };
    // the raw copies are no longer needed once decoded
    x.requestBody = undefined;
    x.responseBody = [];
    x.clientCertificate = undefined;
    x.checks = undefined;
    return x.view;
  };

  const publish = (x: RawExchange) => {
    ring.push(x);
    if (ring.length > capacity) ring.splice(0, ring.length - capacity);
    if (readers.size === 0) return;
    const m = view(x);
    for (const reader of readers) reader(m);
  };

  /** Starts recording the exchange of `req`: its response's writes are kept, and it is published when finished. */
  const record = (req: Request, res: Response): void => {
    const started = process.hrtime.bigint();
    // What the response wrote, up to bodyLimit bytes: strings as they are (immutable), Buffers
    // copied (a writer may reuse its buffer once written).
    const chunks: (Buffer | string)[] = [];
    let kept = 0;
    let total = 0;
    const keep = (chunk: unknown, encoding: unknown): void => {
      if (chunk === undefined || chunk === null || typeof chunk === 'function') return;
      const enc = typeof encoding === 'string' ? (encoding as BufferEncoding) : 'utf8';
      if (typeof chunk === 'string') {
        const bytes = Buffer.byteLength(chunk, enc);
        total += bytes;
        if (kept >= bodyLimit) return;
        if (kept + bytes <= bodyLimit && (enc === 'utf8' || enc === 'utf-8')) {
          chunks.push(chunk);
          kept += bytes;
          return;
        }
        const part = Buffer.from(Buffer.from(chunk, enc).subarray(0, bodyLimit - kept));
        chunks.push(part);
        kept += part.length;
        return;
      }
      const buf = Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk), enc);
      total += buf.length;
      if (kept >= bodyLimit) return;
      const part = Buffer.from(buf.subarray(0, bodyLimit - kept));
      chunks.push(part);
      kept += part.length;
    };
    const write = res.write;
    const end = res.end;
    // bound to res, as before, whoever calls them
    res.write = ((chunk: unknown, encoding?: unknown, cb?: unknown) => {
      keep(chunk, encoding);
      return write.call(res, chunk as string, encoding as BufferEncoding, cb as () => void);
    }) as Response['write'];
    res.end = ((chunk?: unknown, encoding?: unknown, cb?: unknown) => {
      keep(chunk, encoding);
      return end.call(res, chunk as string, encoding as BufferEncoding, cb as () => void);
    }) as Response['end'];
    let clientCertificate: Buffer | undefined;
    try {
      clientCertificate = peerCertificateDer(req);
    } catch {
      clientCertificate = undefined;
    }
    res.on('finish', () => {
      const raw = req.rawBody;
      seq += 1;
      publish({
        seq,
        at: Date.now(),
        method: req.method,
        url: req.originalUrl,
        // IncomingMessage headers do not change once parsed; getHeaders() is a copy
        requestHeaders: req.headers,
        requestBody: keptBody(raw, bodyLimit),
        requestTruncated: (raw?.length ?? 0) > bodyLimit,
        status: res.statusCode,
        responseHeaders: res.getHeaders(),
        responseBody: chunks,
        responseTotal: total,
        ms: Number(process.hrtime.bigint() - started) / 1e6,
        clientCertificate,
        checks: attachedChecksSource(res),
      });
    });
  };

  const read = (req: Request, res: Response, next: NextFunction): void => {
    if (!sameToken(expected, req.headers.authorization)) {
      next(new Unauthorized('the admin token is required'));
      return;
    }
    const after = Number(req.headers['last-event-id'] ?? req.query.after ?? 0) || 0;
    const backlog = ring.filter((m) => m.seq > after).map(view);
    res.set('Cache-Control', 'no-store');
    if (!(req.headers.accept ?? '').includes('text/event-stream')) {
      res.json({ service: options.service, messages: backlog });
      return;
    }
    if (readers.size >= maxReaders) {
      res.status(503).json({ error: 'temporarily_unavailable', error_description: 'too many readers' });
      return;
    }
    res.writeHead(200, {
      'Content-Type': 'text/event-stream',
      'Cache-Control': 'no-store',
      Connection: 'keep-alive',
    });
    const send = (m: TappedMessage) => {
      res.write(`id: ${m.seq}\nevent: message\ndata: ${JSON.stringify(m)}\n\n`);
      // A reader that does not keep up is dropped rather than buffered without end.
      if (res.writableLength > READER_BUFFER_LIMIT) res.destroy();
    };
    for (const m of backlog) send(m);
    readers.add(send);
    const ping = setInterval(() => res.write(': ping\n\n'), 15_000);
    res.on('close', () => {
      clearInterval(ping);
      readers.delete(send);
    });
  };

  // A plain middleware, not a Router: every request of the service passes here, and a nested
  // router's dispatch would cost more than the one path test it makes.
  return (req: Request, res: Response, next: NextFunction): void => {
    const path = req.path;
    if (path !== MESSAGE_TAP_PATH && path !== '/health') record(req, res);
    // the read endpoint, matched as Express matches `get(MESSAGE_TAP_PATH)`: GET or HEAD,
    // case-insensitive, one trailing slash allowed
    if ((req.method === 'GET' || req.method === 'HEAD') && TAP_ROUTE.test(path)) {
      try {
        read(req, res, next);
      } catch (err) {
        next(err);
      }
      return;
    }
    next();
  };
}
