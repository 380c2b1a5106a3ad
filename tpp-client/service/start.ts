import { createPublicKey, randomUUID, X509Certificate } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { listenHttps } from '../../lib/http/index.js';
import { createLogger, type Logger } from '../../lib/logger.js';
import { FileStore } from '../../lib/store/index.js';
import type { DirectoryConnection } from '../directory-api/directory-call.js';
import { onboardAtDirectory } from '../directory-api/onboard.js';
import { createHttpClient } from '../http/create-http-client.js';
import { loadMaterial } from '../material/load-material.js';
import { saveMaterial } from '../material/save-material.js';
import { TppClient } from '../tpp-client.js';
import type { TppMaterial } from '../types.js';
import { createTppServiceApp, type RegisterOutcome } from './app.js';
import { bankDiscoveryUrl } from './bank-discovery-url.js';
import { TPP_SERVICE_DEFAULTS, type TppServiceConfig } from './config.js';
import { materialAtDirectory } from './material-at-directory.js';
import { RegistrationStore } from './registrations.js';
import { loadOrCreateServiceIdentity } from './service-identity.js';

export interface RunningTppService {
  url: string;
  port: number;
  close(): Promise<void>;
}

function publicJwks(material: TppMaterial | undefined): { keys: Record<string, unknown>[] } {
  if (!material) return { keys: [] };
  const keys: Record<string, unknown>[] = [];
  const signing = createPublicKey(material.signing.keyPem).export({ format: 'jwk' });
  keys.push({ ...signing, kid: material.signing.kid, use: 'sig', alg: material.signing.alg });
  const leaf = /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(
    material.transport.certPem,
  )?.[0];
  if (leaf) {
    const cert = new X509Certificate(leaf);
    keys.push({
      ...cert.publicKey.export({ format: 'jwk' }),
      kid: material.transport.kid ?? 'transport',
      use: 'tls',
      x5c: [cert.raw.toString('base64')],
    });
  }
  return { keys };
}

/**
 * The TPP as a service: on start its organisation and TLS certificate (an
 * OBWAC) come from the directory; the first registration onboards a
 * software statement (transport and signing certificates, SSA), kept in the
 * data dir and reused.
 */
export async function startTppService(
  overrides: Partial<TppServiceConfig> & Pick<TppServiceConfig, 'directory'>,
  options: { logger?: Logger } = {},
): Promise<RunningTppService> {
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  const config: TppServiceConfig = { ...TPP_SERVICE_DEFAULTS, ...defined } as TppServiceConfig;
  const logger = options.logger ?? createLogger(config.logLevel, { service: 'tpp' });
  const folder = resolve(config.dataDir, 'tpp');
  await mkdir(folder, { recursive: true, mode: 0o700 });
  const server = await listenHttps({ host: config.bindAddress, port: config.port });
  const http = createHttpClient({ ca: config.directory.caBundlePem, timeoutMs: 15_000 });
  const store = await FileStore.open(join(folder, 'db'), { collections: { registrations: 2 } });
  try {
    const url = `https://${config.host}:${server.port}`;
    const directory: DirectoryConnection = { url: config.directory.url, http };
    const identity = await loadOrCreateServiceIdentity(
      directory,
      config.directory.adminToken,
      folder,
      config.host,
    );
    server.setCredentials({ key: identity.keyPem, cert: identity.certPem });
    const materialDir = join(folder, 'material');
    const saved = await loadMaterial(materialDir).catch(() => undefined);
    let material: TppMaterial | undefined = saved && materialAtDirectory(saved, config.directory.url);
    let onboarding: Promise<TppMaterial> | undefined;
    const ensureMaterial = (): Promise<TppMaterial> => {
      if (material) return Promise.resolve(material);
      onboarding ??= (async () => {
        const m = await onboardAtDirectory({
          directoryUrl: config.directory.url,
          caBundlePem: config.directory.caBundlePem,
          organisation: { id: identity.organisationId, accessToken: identity.accessToken },
          softwareStatement: {
            ClientName: 'obmock TPP app',
            RedirectUri: config.redirectUris ?? ['https://tpp.obmock.example/callback', `${url}/callback`],
            Roles: ['AISP', 'PISP', 'CBPII'],
          },
        });
        await saveMaterial(materialDir, m);
        material = m;
        return m;
      })().finally(() => {
        onboarding = undefined;
      });
      return onboarding;
    };
    const registrations = new RegistrationStore(store);
    const dropped = await registrations.dropUnusable();
    if (dropped > 0)
      logger.warn('stored registrations dropped', {
        count: dropped,
        reason: 'a value the bank returned is not an identifier (see registered-client rules)',
      });
    const register = async (
      bank: string,
      opts: { tokenEndpointAuthMethod?: string },
    ): Promise<RegisterOutcome> => {
      const discoveryUrl = bankDiscoveryUrl(config.banks, bank);
      const m = await ensureMaterial();
      const client = new TppClient(m);
      try {
        material = await client.refreshSsa();
        await saveMaterial(materialDir, material);
        const discovery = await client.discover(discoveryUrl);
        const jwt = await client.registrationRequest(discovery, {
          redirectUris: [(config.redirectUris ?? ['https://tpp.obmock.example/callback'])[0]],
          ...(opts.tokenEndpointAuthMethod
            ? { tokenEndpointAuthMethod: opts.tokenEndpointAuthMethod as never }
            : {}),
        });
        const result = await client.register(discovery, jwt);
        if (!result.ok)
          return {
            ok: false,
            status: result.status,
            error: result.error,
            error_description: result.error_description,
          };
        const registration = {
          id: randomUUID(),
          bank,
          discovery: discoveryUrl,
          clientId: result.client.client_id,
          tokenEndpointAuthMethod: String(result.client.token_endpoint_auth_method),
          status: result.status,
          registeredAt: new Date().toISOString(),
          ...(result.client.client_secret ? { clientSecret: result.client.client_secret } : {}),
          ...(typeof result.client.registration_access_token === 'string'
            ? { registrationAccessToken: result.client.registration_access_token }
            : {}),
        };
        await registrations.put(registration);
        logger.info('registered at bank', { bank, client_id: registration.clientId });
        return { ok: true, registration };
      } finally {
        await client.close();
      }
    };
    server.setHandler(
      createTppServiceApp({
        logger,
        adminToken: config.directory.adminToken,
        registrations,
        jwks: () => publicJwks(material),
        register,
      }),
    );
    logger.info('tpp listening', { url });
    return {
      url,
      port: server.port,
      close: async () => {
        await server.close();
        await store.close();
        await http.close();
      },
    };
  } catch (err) {
    await server.close();
    await http.close();
    throw err;
  }
}
