import { listenHttps } from '../lib/http/index.js';
import type { Logger } from '../lib/logger.js';
import type { Store } from '../lib/store/index.js';
import { createDirectoryApp } from './app.js';
import { type DirectoryConfig, resolveDirectoryConfig } from './config.js';
import type { DirectoryContext } from './context.js';
import { METADATA_PATH } from './oauth/metadata.js';
import { directoryPaths, openDirectoryContext, serverCredentials } from './open.js';

export interface RunningDirectory {
  url: string;
  keystoreUrl: string;
  /** RFC 8414 metadata URL of the directory's authorisation server (the OAuth front door). */
  authorisationServer: string;
  adminToken: string;
  port: number;
  ca: { bundle: string; root: string; issuing: string; crl: string };
  ctx: DirectoryContext;
  close(): Promise<void>;
}

/**
 * Starts the directory over HTTPS. On a given port it loads its data, makes its
 * server certificate from the local CA and only then listens, with both in
 * place; on port 0 it binds first to learn its URL (nobody can connect to a
 * port not yet announced). Either way a new admin token file is written last,
 * once the directory answers: processes that wait for it (the bank container)
 * never find a directory that is not ready.
 */
export async function startDirectory(
  overrides: Partial<DirectoryConfig> = {},
  options: { store?: Store; logger?: Logger; now?: () => Date } = {},
): Promise<RunningDirectory> {
  const config = resolveDirectoryConfig(overrides);
  // Clients may present a certificate (the OAuth front door's mTLS); nothing else requires one.
  const bindFirst = config.port === 0;
  let server = bindFirst
    ? await listenHttps({ host: config.bindAddress, port: 0, requestCert: true })
    : undefined;
  try {
    const port = server?.port ?? config.port;
    const baseUrl = (config.publicUrl ?? `https://${config.host}:${port}`).replace(/\/+$/, '');
    const { ctx, adminToken, persistAdminToken } = await openDirectoryContext(config, {
      ...options,
      baseUrl,
    });
    const paths = directoryPaths(config.dataDir);
    const credentials = await serverCredentials(ctx.ca, paths.keys, config.host);
    const handler = createDirectoryApp(ctx);
    if (server) {
      server.setCredentials(credentials);
      server.setHandler(handler);
    } else {
      server = await listenHttps({
        host: config.bindAddress,
        port,
        credentials,
        handler,
        requestCert: true,
      }).catch(async (err: unknown) => {
        await ctx.repo.store.close();
        throw err;
      });
    }
    const running = server;
    await persistAdminToken();
    ctx.logger.info('directory listening', { url: baseUrl });
    return {
      url: baseUrl,
      keystoreUrl: baseUrl,
      authorisationServer: `${baseUrl}${METADATA_PATH}`,
      adminToken,
      port: server.port,
      ca: {
        bundle: `${paths.ca}/bundle.pem`,
        root: `${paths.ca}/root.pem`,
        issuing: `${paths.ca}/issuing.pem`,
        crl: `${paths.ca}/issuing.crl.pem`,
      },
      ctx,
      close: async () => {
        await running.close();
        await ctx.repo.store.close();
      },
    };
  } catch (err) {
    await server?.close();
    throw err;
  }
}
