/**
 * The load phases' HTTP/1.1 client: a fixed set of keep-alive TLS connections
 * to one origin, one request in flight on each, requests and answers written
 * and read directly on the socket.
 *
 * Why not undici here: the load generator shares the machine's two cores with
 * the service it measures, and undici's per-request machinery (dispatcher,
 * handlers, body streams, promise layers) cost the bench process ≈0.3–0.6 ms
 * of CPU per request — as much as a third of what the bank spends on a
 * registration. A load generator should take as little of the machine as it
 * can; this one writes a request in one `write` and parses only the status
 * line and the two framing headers of the answer. Everything outside the load
 * phases (onboarding, set-up, the flows of `e2e_ms_p50`) still uses undici.
 *
 * It is a measuring tool, not a general client: HTTP/1.1 only, no redirects,
 * no pipelining, no 1xx answers, `Content-Length` or chunked bodies, answers
 * bounded in size and time.
 */
import { isIP } from 'node:net';
import { type ConnectionOptions, connect, type TLSSocket } from 'node:tls';
import type { BenchClient, BenchResponse } from './bench-client.js';

/** Bytes of an answer's head (status line and headers) before it is refused. */
const MAX_HEAD = 64 * 1024;
/** Bytes of an answer's body before it is refused. */
const MAX_BODY = 16 * 1024 * 1024;

export interface TlsLoadClientOptions {
  /** `https://host:port` */
  origin: string;
  /** Connections (one request in flight on each). */
  connections: number;
  /** TLS options: `ca`, and `cert`/`key` for mutual TLS, `servername`. */
  tls: ConnectionOptions;
  /** Time allowed for one exchange, connect included; default 30 s. */
  timeoutMs?: number;
}

class ProtocolError extends Error {}

interface Exchange {
  resolve(res: BenchResponse): void;
  reject(error: Error): void;
  timer: NodeJS.Timeout;
  /** A HEAD request: its answer has a head only. */
  head: boolean;
}

/** One keep-alive connection and the parse state of the answer it is reading. */
class Connection {
  socket: TLSSocket | undefined;
  /** When the server's announced keep-alive time for the idle socket runs out (less a second). */
  private reuseUntil = Number.POSITIVE_INFINITY;
  private chunks: Buffer[] = [];
  private buffered = 0;
  private head:
    | { status: number; headers: Record<string, string>; length?: number; chunked: boolean; close: boolean }
    | undefined;
  private exchange: Exchange | undefined;

  constructor(
    private readonly host: string,
    private readonly port: number,
    private readonly tls: ConnectionOptions,
  ) {}

  send(bytes: Buffer, exchange: Exchange): void {
    this.exchange = exchange;
    if (this.socket && Date.now() >= this.reuseUntil) {
      // the server may be closing it right now: a new connection rather than a lost request
      this.socket.destroy();
      this.socket = undefined;
    }
    if (!this.socket || this.socket.destroyed) this.open();
    this.socket!.write(bytes);
  }

  /** Fails the exchange in flight (if any) and drops the socket. */
  fail(error: Error): void {
    const x = this.exchange;
    this.reset();
    this.socket?.destroy();
    this.socket = undefined;
    if (x) {
      clearTimeout(x.timer);
      x.reject(error);
    }
  }

  private open(): void {
    const socket = connect({ host: this.host, port: this.port, ...this.tls });
    this.reuseUntil = Number.POSITIVE_INFINITY;
    socket.setNoDelay(true);
    socket.on('data', (chunk: Buffer) => {
      this.chunks.push(chunk);
      this.buffered += chunk.length;
      try {
        this.parse();
      } catch (error) {
        this.fail(error as Error);
      }
    });
    socket.on('error', (error) => this.fail(error));
    socket.on('close', () => {
      if (this.socket === socket) {
        this.socket = undefined;
        if (this.exchange) this.fail(new Error('the server closed the connection mid-exchange'));
      }
    });
    this.socket = socket;
  }

  private reset(): void {
    this.chunks = [];
    this.buffered = 0;
    this.head = undefined;
    this.exchange = undefined;
  }

  private bytes(): Buffer {
    if (this.chunks.length > 1) this.chunks = [Buffer.concat(this.chunks, this.buffered)];
    return this.chunks[0] ?? Buffer.alloc(0);
  }

  private parse(): void {
    if (!this.exchange) throw new ProtocolError('bytes arrived with no request in flight');
    let data = this.bytes();
    if (!this.head) {
      const end = data.indexOf('\r\n\r\n');
      if (end < 0) {
        if (data.length > MAX_HEAD) throw new ProtocolError('answer head too large');
        return;
      }
      this.head = parseHead(data.subarray(0, end).toString('latin1'));
      data = data.subarray(end + 4);
      this.chunks = [data];
      this.buffered = data.length;
    }
    const head = this.head;
    let body: Buffer | undefined;
    // RFC 9110 §6.4.1: no content in an answer to HEAD, nor in a 204 or 304
    if (this.exchange.head || head.status === 204 || head.status === 304) {
      if (data.length > 0) throw new ProtocolError('bytes after an answer that has no body');
      body = data;
    } else if (head.chunked) body = dechunk(data);
    else if (head.length !== undefined) {
      if (data.length > head.length) throw new ProtocolError('more bytes than Content-Length');
      if (data.length === head.length) body = data;
    } else throw new ProtocolError('answer without Content-Length or chunked encoding');
    if (body === undefined) {
      if (data.length > MAX_BODY) throw new ProtocolError('answer body too large');
      return;
    }
    const x = this.exchange;
    this.reset();
    clearTimeout(x.timer);
    if (head.close) {
      this.socket?.end();
      this.socket = undefined;
    } else {
      const keepAlive = /(?:^|[,\s])timeout=(\d+)/i.exec(head.headers['keep-alive'] ?? '');
      this.reuseUntil = keepAlive
        ? Date.now() + Number(keepAlive[1]) * 1000 - 1000
        : Number.POSITIVE_INFINITY;
    }
    x.resolve({ status: head.status, headers: head.headers, body: body.toString('utf8') });
  }
}

function parseHead(text: string): {
  status: number;
  headers: Record<string, string>;
  length?: number;
  chunked: boolean;
  close: boolean;
} {
  const lines = text.split('\r\n');
  const m = /^HTTP\/1\.1 (\d{3})(?: .*)?$/.exec(lines[0]);
  if (!m) throw new ProtocolError(`not an HTTP/1.1 status line: ${JSON.stringify(lines[0].slice(0, 80))}`);
  const status = Number(m[1]);
  if (status < 200) throw new ProtocolError(`interim answer ${status} not supported`);
  const headers: Record<string, string> = {};
  for (const line of lines.slice(1)) {
    const colon = line.indexOf(':');
    if (colon <= 0) throw new ProtocolError('malformed header line');
    const name = line.slice(0, colon).trim().toLowerCase();
    const value = line.slice(colon + 1).trim();
    headers[name] = name in headers ? `${headers[name]}, ${value}` : value;
  }
  const te = headers['transfer-encoding'];
  const cl = headers['content-length'];
  if (cl !== undefined && !/^\d+$/.test(cl)) throw new ProtocolError('malformed Content-Length');
  return {
    status,
    headers,
    chunked: te !== undefined && /(^|,)\s*chunked\s*$/i.test(te),
    ...(cl !== undefined ? { length: Number(cl) } : {}),
    close: /(^|,)\s*close\s*(,|$)/i.test(headers.connection ?? ''),
  };
}

/** The body of a chunked answer once its last chunk has arrived, else undefined. */
function dechunk(data: Buffer): Buffer | undefined {
  const parts: Buffer[] = [];
  let at = 0;
  for (;;) {
    const eol = data.indexOf('\r\n', at);
    if (eol < 0) return undefined;
    const size = Number.parseInt(data.subarray(at, eol).toString('latin1').split(';')[0], 16);
    if (!Number.isInteger(size) || size < 0) throw new ProtocolError('malformed chunk size');
    if (size === 0) {
      // no trailers expected: the last chunk is followed by an empty line
      if (data.length < eol + 4) return undefined;
      return Buffer.concat(parts);
    }
    if (data.length < eol + 2 + size + 2) return undefined;
    parts.push(data.subarray(eol + 2, eol + 2 + size));
    at = eol + 2 + size + 2;
  }
}

/** A client of `connections` keep-alive TLS connections to `origin`. */
export function createTlsLoadClient(options: TlsLoadClientOptions): BenchClient {
  const url = new URL(options.origin);
  if (url.protocol !== 'https:') throw new TypeError('the load client speaks HTTPS only');
  const host = url.hostname;
  const port = Number(url.port || 443);
  const hostHeader = url.host;
  const timeoutMs = options.timeoutMs ?? 30_000;
  const idle: Connection[] = Array.from(
    { length: options.connections },
    () => new Connection(host, port, { ...(isIP(host) ? {} : { servername: host }), ...options.tls }),
  );
  const all = [...idle];
  const waiting: (() => void)[] = [];
  let closed = false;

  const take = async (): Promise<Connection> => {
    for (;;) {
      if (closed) throw new Error('the load client is closed');
      const c = idle.pop();
      if (c) return c;
      await new Promise<void>((resolve) => waiting.push(resolve));
    }
  };
  const give = (c: Connection): void => {
    idle.push(c);
    waiting.shift()?.();
  };

  return {
    async request(req) {
      const body =
        req.body === undefined ? undefined : Buffer.isBuffer(req.body) ? req.body : Buffer.from(req.body);
      let head = `${req.method} ${req.path} HTTP/1.1\r\nhost: ${hostHeader}\r\n`;
      for (const [k, v] of Object.entries(req.headers ?? {})) head += `${k}: ${v}\r\n`;
      if (body) head += `content-length: ${body.length}\r\n`;
      head += '\r\n';
      const bytes = body ? Buffer.concat([Buffer.from(head, 'latin1'), body]) : Buffer.from(head, 'latin1');
      const c = await take();
      try {
        return await new Promise<BenchResponse>((resolve, reject) => {
          const timer = setTimeout(
            () => c.fail(new Error(`${req.method} ${req.path}: no answer in ${timeoutMs} ms`)),
            timeoutMs,
          );
          c.send(bytes, { resolve, reject, timer, head: req.method === 'HEAD' });
        });
      } finally {
        give(c);
      }
    },
    async close() {
      closed = true;
      for (const w of waiting.splice(0)) w();
      await Promise.all(
        all.map(
          (c) =>
            new Promise<void>((resolve) => {
              const s = c.socket;
              if (!s || s.destroyed) return resolve();
              s.once('close', () => resolve());
              s.end();
              setTimeout(() => s.destroy(), 1_000).unref();
            }),
        ),
      );
    },
  };
}
