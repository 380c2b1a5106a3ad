import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { trackConnections } from '../../lib/http/track-connections.js';

export interface JwksDocument {
  keys: Record<string, unknown>[];
}

export interface ServeJwksOptions {
  /** TLS server key (PEM): an eIDAS TPP uses its QWAC's. */
  key: string;
  /** TLS server certificate (PEM, leaf then chain), with a SAN for the host banks connect to. */
  cert: string;
  /** The JWKS to serve (replace later with `setJwks`). */
  jwks: JwksDocument;
  /** Listen address; default 127.0.0.1. */
  host?: string;
  /** Default 0 (an ephemeral port). */
  port?: number;
  /** Path of the JWKS; default '/jwks'. Other paths answer 404. */
  path?: string;
  /** Host name in the returned URL (must be in the certificate); default `host`. */
  urlHost?: string;
}

export interface ServedJwks {
  /** `https://<urlHost>:<port><path>`: the `software_jwks_endpoint`. */
  url: string;
  port: number;
  /** Requests answered so far (tests check the bank fetched the keys). */
  hits(): number;
  setJwks(jwks: JwksDocument): void;
  close(): Promise<void>;
}

/**
 * Serves a JWKS over HTTPS, as an eIDAS TPP hosts its own `software_jwks_endpoint` (there is
 * no directory keystore): `GET <path>` → 200 application/json, cacheable for 60 s.
 */
export async function serveJwks(opts: ServeJwksOptions): Promise<ServedJwks> {
  const path = opts.path ?? '/jwks';
  let body = JSON.stringify(opts.jwks);
  let hits = 0;
  const server = https.createServer({ key: opts.key, cert: opts.cert }, (req, res) => {
    const url = new URL(req.url ?? '/', 'https://localhost');
    if (req.method !== 'GET' && req.method !== 'HEAD') {
      res.writeHead(405, { Allow: 'GET, HEAD' }).end();
      return;
    }
    if (url.pathname !== path) {
      res.writeHead(404, { 'Content-Type': 'application/json' }).end('{"error":"not_found"}');
      return;
    }
    hits += 1;
    res.writeHead(200, { 'Content-Type': 'application/json', 'Cache-Control': 'max-age=60' });
    res.end(req.method === 'HEAD' ? undefined : body);
  });
  // every accepted connection, so that close() also ends one still in (or never starting) its
  // TLS handshake, which closeAllConnections() does not see
  const connections = trackConnections(server);
  const host = opts.host ?? '127.0.0.1';
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(opts.port ?? 0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as AddressInfo).port;
  const urlHost = opts.urlHost ?? host;
  const hostPart = urlHost.includes(':') ? `[${urlHost}]` : urlHost;
  return {
    url: `https://${hostPart}:${port}${path}`,
    port,
    hits: () => hits,
    setJwks: (jwks) => {
      body = JSON.stringify(jwks);
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        connections.destroyAll();
      }),
  };
}
