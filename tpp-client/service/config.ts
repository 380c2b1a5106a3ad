import type { LogLevel } from '../../lib/logger.js';

/** Everything the TPP service can be told; defaults in TPP_SERVICE_DEFAULTS. */
export interface TppServiceConfig {
  dataDir: string;
  host: string;
  bindAddress: string;
  port: number;
  /** The directory the TPP onboards at: base URL, CA bundle, and the admin token (to create the TPP's organisation). */
  directory: { url: string; caBundlePem: string; adminToken: string };
  /** Known banks by id → discovery URL, so `POST /api/registrations {"bank":"default"}` works. */
  banks: Record<string, string>;
  /** Redirect URIs of the TPP's software statement. Banks refuse localhost, so the first is a public-looking name. */
  redirectUris?: string[];
  logLevel: LogLevel;
}

export const TPP_SERVICE_DEFAULTS: Omit<TppServiceConfig, 'directory'> = {
  dataDir: '.obmock',
  host: 'localhost',
  bindAddress: '127.0.0.1',
  port: 8445,
  banks: {},
  logLevel: 'info',
};
