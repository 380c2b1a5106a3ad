import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import tls from 'node:tls';
import { Agent } from 'undici';
import { loadOrCreateRsaKeyFile } from '../certs/index.js';
import { listenHttps } from '../lib/http/index.js';
import { createLogger, type Logger } from '../lib/logger.js';
import { FileStore } from '../lib/store/index.js';
import { trackListings } from './admin/listings.js';
import { createAspspApp } from './app.js';
import { type AspspConfig, resolveAspspConfig } from './config.js';
import type { BankContext } from './context.js';
import { enrolBank } from './enrol.js';
import { createBankFaults } from './faults/setup.js';
import { bankLimits } from './limits.js';
import { bankCollections } from './model.js';
import { schedulePurge } from './purge-expired.js';
import { DirectoryTrust } from './trust/directory-trust.js';
import { JwksFetcher } from './trust/jwks-fetcher.js';
import { parseOriginRule } from './trust/origin-rules.js';

export interface RunningBank {
  id: string;
  issuer: string;
  discovery: string;
  orgId: string;
  profile: string;
  ctx: BankContext;
}

export interface RunningAspsp {
  url: string;
  port: number;
  banks: RunningBank[];
  close(): Promise<void>;
}

const firstCertificate = (bundle: string): string =>
  /-----BEGIN CERTIFICATE-----[\s\S]+?-----END CERTIFICATE-----/.exec(bundle)?.[0] ?? '';

/**
 * Starts the bank process: binds (port 0 → a free port), enrols every bank at
 * the directory over HTTPS, then serves them all under /banks/{id} with the
 * first bank's OBWAC as the TLS certificate, asking clients for theirs.
 */
export async function startAspsp(
  overrides: Partial<AspspConfig> & Pick<AspspConfig, 'directory'>,
  options: { logger?: Logger; now?: () => Date } = {},
): Promise<RunningAspsp> {
  const config = resolveAspspConfig(overrides);
  // Faults: one fault state per bank, checked before anything starts.
  const faults = new Map(config.banks.map((def) => [def.id, createBankFaults(def)]));
  const logger = options.logger ?? createLogger(config.logLevel, { service: 'bank' });
  const now = options.now ?? (() => new Date());
  const server = await listenHttps({ host: config.bindAddress, port: config.port, requestCert: true });
  // The directory CA, plus the system roots for TPP-hosted (eIDAS) JWKS served with public certificates.
  // One TLS context made once: parsing those ~150 CA certificates took tens of milliseconds of the
  // event loop on every new outbound connection (JWKS, CRL, OCSP fetches).
  const dispatcher = new Agent({
    connect: {
      secureContext: tls.createSecureContext({ ca: [config.directory.caBundlePem, ...tls.rootCertificates] }),
    },
    keepAliveTimeout: 10_000,
  });
  const stores: FileStore[] = [];
  try {
    const base = (config.publicUrl ?? `https://${config.host}:${server.port}`).replace(/\/+$/, '');
    const directoryUrl = config.directory.url.replace(/\/+$/, '');
    const directoryOrigin = new URL(directoryUrl).origin;
    const ownOrigins = [directoryOrigin, new URL(base).origin];
    const tppOrigins = config.tppJwksOrigins.map(parseOriginRule);
    const banks: RunningBank[] = [];
    let tls: { key: string; cert: string } | undefined;
    // One TLS server serves every bank, so the banks share its key (RSA 2048: each bank's OBWAC
    // certifies it, and OB certificates are RSA). Banks enrol at the directory concurrently.
    await mkdir(resolve(config.dataDir, 'aspsp'), { recursive: true, mode: 0o700 });
    const serverKey = await loadOrCreateRsaKeyFile(resolve(config.dataDir, 'aspsp', 'server.key.pem'));
    const enrolled = await Promise.all(
      config.banks.map(async (def) => {
        const dir = resolve(config.dataDir, 'aspsp', def.id);
        await mkdir(dir, { recursive: true, mode: 0o700 });
        const issuer = `${base}/banks/${def.id}`;
        const discovery = `${issuer}${def.settings.discoveryPath}`;
        const identity = await enrolBank({
          directory: { url: directoryUrl, adminToken: config.directory.adminToken, dispatcher },
          dir,
          bankId: def.id,
          host: config.host,
          discoveryUrl: discovery,
          serverKey,
          sealKey: def.sealKey ?? 'rsa',
        });
        const store = await FileStore.open(join(dir, 'db'), { collections: bankCollections() });
        stores.push(store);
        return { def, dir, issuer, discovery, identity, store };
      }),
    );
    for (const { def, issuer, discovery, identity, store } of enrolled) {
      tls ??= {
        key: identity.serverKeyPem,
        cert: `${identity.serverCertPem.trim()}\n${firstCertificate(config.directory.caBundlePem)}\n`,
      };
      const settings = { ...def.settings };
      const nowMs = () => now().getTime();
      const ctx: BankContext = {
        id: def.id,
        issuer,
        orgId: identity.orgId,
        profile: def.profile,
        profileDescription: def.description ?? '',
        profileChain: def.chain ?? [def.profile],
        settings,
        store: trackListings(store),
        trust: new DirectoryTrust(
          directoryUrl,
          config.directory.caBundlePem,
          dispatcher,
          () => settings.crlCacheSeconds,
          nowMs,
          () => settings.revocationCheck,
        ),
        jwks: new JwksFetcher({
          dispatcher,
          trustedOrigins: () => [directoryOrigin, ...config.trustedJwksOrigins],
          tppOrigins: () => tppOrigins,
          ownOrigins: () => ownOrigins,
          logger: logger.child({ bank: def.id }),
          timeoutMs: config.jwksTimeoutMs,
          maxBytes: config.jwksMaxBytes,
          cacheSeconds: () => settings.jwksCacheSeconds,
          now: nowMs,
        }),
        publicJwks: { keys: [identity.signingJwk] },
        mtlsHeader: config.mtlsHeader,
        logger: logger.child({ bank: def.id }),
        now,
        faults: faults.get(def.id)!,
        limits: bankLimits(config.limits),
      };
      banks.push({ id: def.id, issuer, discovery, orgId: identity.orgId, profile: def.profile, ctx });
    }
    server.setCredentials({ ...tls!, ca: config.directory.caBundlePem });
    server.setHandler(
      createAspspApp(
        banks.map((b) => b.ctx),
        logger,
        { adminToken: config.directory.adminToken }, // the faults admin API takes the directory's admin token
      ),
    );
    const stopPurges = banks.map((b) => schedulePurge(b.ctx));
    logger.info('bank listening', { url: base, banks: banks.map((b) => b.id) });
    return {
      url: base,
      port: server.port,
      banks,
      close: async () => {
        // no purge may write to a store being closed
        await Promise.all(stopPurges.map((stop) => stop()));
        await server.close();
        await Promise.all(stores.map((s) => s.close()));
        await dispatcher.close();
      },
    };
  } catch (err) {
    await server.close();
    await dispatcher.close();
    throw err;
  }
}
