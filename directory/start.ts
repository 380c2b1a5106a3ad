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
 * Starts the directory over HTTPS: binds first (port 0 → a free port), then
 * loads its data with the real URL, installs a server certificate from the
 * local CA and starts answering.
 */
export async function startDirectory(
  overrides: Partial<DirectoryConfig> = {},
  options: { store?: Store; logger?: Logger; now?: () => Date } = {},
): Promise<RunningDirectory> {
  const config = resolveDirectoryConfig(overrides);
  // Clients may present a certificate (the OAuth front door's mTLS); nothing else requires one.
  const server = await listenHttps({ host: config.bindAddress, port: config.port, requestCert: true });
  try {
    const baseUrl = (config.publicUrl ?? `https://${config.host}:${server.port}`).replace(/\/+$/, '');
    const { ctx, adminToken } = await openDirectoryContext(config, { ...options, baseUrl });
    const paths = directoryPaths(config.dataDir);
    server.setCredentials(await serverCredentials(ctx.ca, paths.keys, config.host));
    server.setHandler(createDirectoryApp(ctx));
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
        await server.close();
        await ctx.repo.store.close();
      },
    };
  } catch (err) {
    await server.close();
    throw err;
  }
}
