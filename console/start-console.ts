import { createServer } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { MAX_CONNECTIONS, trackConnections } from '../lib/http/index.js';
import type { Logger } from '../lib/logger.js';
import { createHttpClient } from '../tpp-client/index.js';
import { createAdvertisedMethods } from './advertised-methods.js';
import { createConsoleApp } from './app.js';
import type { ConsoleContext } from './context.js';
import { highestSessionNumber } from './highest-session-number.js';
import { startLiveFeed } from './live-feed.js';
import { createScenarioRuns } from './scenario-runs.js';
import { loadOrCreateConsoleIdentity } from './server-identity.js';
import { createSessionTpps } from './session-tpps.js';
import { createSessions } from './sessions.js';
import { upstream } from './upstream.js';

export interface ConsoleOptions {
  /** Host name in the console's URL (default localhost). */
  host?: string;
  /** Address to listen on (default 127.0.0.1). */
  bindAddress?: string;
  port?: number;
  directory: { url: string; adminToken: string };
  banks: { id: string; issuer: string; discovery: string; profile: string }[];
  /** The TPP service, when it runs (its messages join the live flow). */
  tpp?: { url: string };
  /** Base URL of the banks' server (its tap serves every bank), when it runs. */
  bankServerUrl?: string;
  caBundlePem: string;
  logger: Logger;
  /**
   * Serve the console over HTTPS with a server certificate from the sandbox CA,
   * kept (key in a 0600 file) in this folder; the session cookie is then `Secure`.
   */
  https?: { folder: string };
}

export interface RunningConsole {
  url: string;
  port: number;
  /** A new one-time sign-in link. */
  signInLink(): string;
  close(): Promise<void>;
}

/**
 * Starts the workshop console: an HTTP (or HTTPS) server on its own port, a client of the
 * services' HTTP APIs (with the admin token) and of their message taps.
 */
export async function startConsole(options: ConsoleOptions): Promise<RunningConsole> {
  const http = createHttpClient({ ca: options.caBundlePem, timeoutMs: 15_000 });
  // First, before anything else starts: enrolling for the HTTPS certificate may fail.
  const identity = options.https
    ? await loadOrCreateConsoleIdentity(
        { url: options.directory.url, http },
        options.directory.adminToken,
        options.https.folder,
        options.host ?? 'localhost',
      ).catch(async (err) => {
        await http.close();
        throw err;
      })
    : undefined;
  const banksForActions = options.banks.map((b) => ({ id: b.id, discovery: b.discovery }));
  const directory = upstream(http, options.directory.url, options.directory.adminToken);
  // numbers continue after those an earlier run left in the directory: `Console TPP N` stays unique
  const numberAfter = await highestSessionNumber(directory).catch((err) => {
    options.logger.warn('the console could not read the directory: session numbers start at 1', {
      error: String((err as Error)?.message ?? err).slice(0, 200),
    });
    return 0;
  });
  // a session's TPP ends with the session (signed out, closed for room, expired)
  const sessions = createSessions({
    adminToken: options.directory.adminToken,
    numberAfter,
    onEnd: (id) => {
      tpps.end(id).catch((err) => options.logger.warn('a console TPP did not close', { error: String(err) }));
    },
  });
  const live = startLiveFeed({
    sources: [
      { service: 'directory', url: options.directory.url },
      ...(options.bankServerUrl ? [{ service: 'bank', url: options.bankServerUrl }] : []),
      ...(options.tpp ? [{ service: 'tpp', url: options.tpp.url }] : []),
    ],
    adminToken: options.directory.adminToken,
    caBundlePem: options.caBundlePem,
    logger: options.logger,
  });
  const common = {
    directoryUrl: options.directory.url,
    adminToken: options.directory.adminToken,
    caBundlePem: options.caBundlePem,
    banks: banksForActions,
  };
  const advertised = createAdvertisedMethods({ caBundlePem: options.caBundlePem, banks: banksForActions });
  const tpps = createSessionTpps({
    ...common,
    advertised,
    logger: options.logger,
    max: sessions.max,
    isOpen: sessions.isOpen,
  });
  const ctx: ConsoleContext = {
    logger: options.logger,
    sessions,
    directory,
    banks: options.banks.map((b) => ({ ...b, api: upstream(http, b.issuer, options.directory.adminToken) })),
    caBundlePem: options.caBundlePem,
    http,
    adminToken: options.directory.adminToken,
    live,
    tpps,
    advertised,
    scenarios: createScenarioRuns(common),
    lanes: [
      'clients',
      'directory',
      ...options.banks.map((b) => `bank ${b.id}`),
      ...(options.tpp ? ['tpp'] : []),
    ],
  };
  const app = createConsoleApp(ctx, { secureCookie: identity !== undefined });
  const server = identity
    ? createHttpsServer({ key: identity.keyPem, cert: identity.certPem, minVersion: 'TLSv1.2' }, app)
    : createServer(app);
  server.headersTimeout = 20_000;
  server.requestTimeout = 60_000;
  // as the services: a flood of connections cannot take every file descriptor of the process
  server.maxConnections = MAX_CONNECTIONS;
  // closing ends every connection, also one still in (or never starting) its TLS handshake
  const connections = trackConnections(server);
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.bindAddress ?? '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;
  const url = `${identity ? 'https' : 'http'}://${options.host ?? 'localhost'}:${port}`;
  return {
    url,
    port,
    signInLink: () => `${url}/sign-in?code=${sessions.issueCode()}`,
    async close() {
      await live.stop();
      await tpps.close();
      await advertised.close();
      await http.close();
      await new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
        connections.destroyAll();
      });
    },
  };
}
