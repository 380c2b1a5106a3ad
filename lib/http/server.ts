import type { RequestListener } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';

export interface HttpsServerOptions {
  key: string;
  cert: string;
  /** CA bundle used to verify client certificates when `requestCert` is set. */
  ca?: string;
  requestCert?: boolean;
  host: string;
  port: number;
}

export interface RunningServer {
  server: https.Server;
  port: number;
  close(): Promise<void>;
}

/** Starts an HTTPS server; port 0 picks a free port. Resolves once it listens. */
export function listenHttps(handler: RequestListener, options: HttpsServerOptions): Promise<RunningServer> {
  const server = https.createServer(
    {
      key: options.key,
      cert: options.cert,
      ca: options.ca,
      requestCert: options.requestCert ?? false,
      rejectUnauthorized: false,
      minVersion: 'TLSv1.2',
    },
    handler,
  );
  server.keepAliveTimeout = 30_000;
  server.headersTimeout = 20_000;
  server.requestTimeout = 30_000;
  return new Promise((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port, options.host, () => {
      server.off('error', reject);
      const port = (server.address() as AddressInfo).port;
      resolve({
        server,
        port,
        close: () =>
          new Promise<void>((res) => {
            server.close(() => res());
            server.closeAllConnections();
          }),
      });
    });
  });
}
