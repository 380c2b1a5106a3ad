import type { RequestListener } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { answerClientError } from './client-error.js';
import { refuseRenegotiation } from './peer-certificate.js';
import { trackConnections } from './track-connections.js';

export interface TlsCredentials {
  key: string;
  cert: string;
  /** CA bundle used to verify client certificates when the server requests them. */
  ca?: string;
}

export interface ListenOptions {
  host: string;
  port: number;
  /** Ask clients for a certificate (mutual TLS). Verification is left to the application. */
  requestCert?: boolean;
  /** Key and certificate from the first connection on (when the URL is known before binding). */
  credentials?: TlsCredentials;
  /** The request handler from the first request on (default: 503 until setHandler). */
  handler?: RequestListener;
  /** Connections open at once; past it a new connection is closed on arrival (default MAX_CONNECTIONS). */
  maxConnections?: number;
}

/**
 * Connections a service keeps open at once. A client that opens connections faster than the
 * handshake and header timeouts (20 s) close them would otherwise take every file descriptor of
 * the process (its store's files and its outbound fetches need some); past this many, a new
 * connection is closed as it arrives, and the service answers the others as before.
 */
export const MAX_CONNECTIONS = 4096;

export interface RunningServer {
  server: https.Server;
  port: number;
  /** Installs (or replaces) the server's key and certificate. */
  setCredentials(credentials: TlsCredentials): void;
  setHandler(handler: RequestListener): void;
  close(): Promise<void>;
}

/**
 * Binds an HTTPS server first and takes its certificate afterwards, so a
 * service listening on port 0 can put its real URL into the certificates it
 * issues before the first request is served.
 */
export function listenHttps(options: ListenOptions): Promise<RunningServer> {
  const server = https.createServer({
    requestCert: options.requestCert ?? false,
    rejectUnauthorized: false,
    minVersion: 'TLSv1.2',
    // a request without Host is refused by the app's hostHeader check, with the usual error body
    // (Node's own check would answer 400 with no body before the app sees the request)
    requireHostHeader: false,
    // a connection that has not completed its TLS handshake is closed as soon as one that has
    // not sent its request head (headersTimeout), not after Node's default 120 s
    handshakeTimeout: 20_000,
    ...(options.credentials ?? {}),
  });
  // a connection's client certificate is the one of its first handshake (peer-certificate.ts)
  server.on('secureConnection', refuseRenegotiation);
  // a request the HTTP parser refuses gets the usual JSON error body, not Node's bare status line
  server.on('clientError', answerClientError);
  // closing ends every connection, also one still in (or never starting) its TLS handshake
  const connections = trackConnections(server);
  server.maxConnections = options.maxConnections ?? MAX_CONNECTIONS;
  server.keepAliveTimeout = 30_000;
  server.headersTimeout = 20_000;
  server.requestTimeout = 30_000;
  let current: RequestListener =
    options.handler ??
    ((_req, res) => {
      res.statusCode = 503;
      res.end();
    });
  server.on('request', (req, res) => current(req, res));
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      const port = (server.address() as AddressInfo).port;
      resolve({
        server,
        port,
        setCredentials: (c) =>
          server.setSecureContext({
            key: c.key,
            cert: c.cert,
            ca: c.ca,
          }),
        setHandler: (h) => {
          current = h;
        },
        close: () =>
          new Promise<void>((res) => {
            server.close(() => res());
            server.closeAllConnections();
            connections.destroyAll();
          }),
      });
    });
  });
}
