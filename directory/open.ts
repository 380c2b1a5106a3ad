import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  type CertificateAuthority,
  createCsr,
  issueCertificate,
  loadOrCreateCa,
  loadOrCreateRsaKeyFile,
  parseCsr,
} from '../certs/index.js';
import { newSecret } from '../lib/ids.js';
import { createLogger, type Logger } from '../lib/logger.js';
import { readTextIfExists } from '../lib/read-text-if-exists.js';
import { FileStore, type Store } from '../lib/store/index.js';
import { hashToken } from './auth.js';
import type { DirectoryConfig } from './config.js';
import type { DirectoryContext } from './context.js';
import { CrlPublisher } from './crl-publisher.js';
import { AccessTokens } from './oauth/access-tokens.js';
import { DirectoryRepository, directoryCollections } from './repository.js';
import { loadOrCreateSsaKey } from './signing-key.js';

/** Where the directory keeps its files inside the data dir. */
export function directoryPaths(dataDir: string) {
  const root = resolve(dataDir, 'directory');
  return {
    root,
    ca: join(root, 'ca'),
    keys: join(root, 'keys'),
    db: join(root, 'db'),
    adminToken: join(root, 'admin-token'),
  };
}

async function readOrCreate(file: string, make: () => string): Promise<string> {
  const existing = await readTextIfExists(file);
  if (existing !== undefined) return existing.trim();
  const value = make();
  await writeFile(file, `${value}\n`, { mode: 0o600 });
  return value;
}

export interface OpenDirectoryOptions {
  store?: Store;
  logger?: Logger;
  now?: () => Date;
  /** The directory's external base URL (known once the port is). */
  baseUrl: string;
}

/**
 * Loads (or on first start creates) the CA, the SSA signing key, the admin
 * token and the database, and rebuilds the CRL: everything the app needs.
 */
export async function openDirectoryContext(
  config: DirectoryConfig,
  options: OpenDirectoryOptions,
): Promise<{ ctx: DirectoryContext; adminToken: string }> {
  const paths = directoryPaths(config.dataDir);
  for (const dir of [paths.root, paths.ca, paths.keys, paths.db])
    await mkdir(dir, { recursive: true, mode: 0o700 });
  const now = options.now ?? (() => new Date());
  const ca = await loadOrCreateCa(paths.ca, {
    crlUrl: `${options.baseUrl}/ca/issuing.crl`,
    ocspUrl: `${options.baseUrl}/ocsp`,
  });
  const store =
    options.store ??
    (await FileStore.open(paths.db, { collections: directoryCollections(config.certificateShards) }));
  const repo = new DirectoryRepository(store);
  const adminToken = await readOrCreate(paths.adminToken, newSecret);
  const ssaKey = await loadOrCreateSsaKey(paths.keys, ca);
  const crl = new CrlPublisher(ca, repo, paths.ca, now);
  await crl.rebuild();
  const ctx: DirectoryContext = {
    config,
    repo,
    ca,
    ssaKey,
    crl,
    adminTokenHash: hashToken(adminToken),
    oauthTokens: new AccessTokens(),
    logger: options.logger ?? createLogger(config.logLevel, { service: 'directory' }),
    baseUrl: options.baseUrl,
    now,
  };
  return { ctx, adminToken };
}

/**
 * The directory's TLS key (kept in the data dir, so no key generation on
 * restart) and a fresh server certificate for `hosts` from the local CA.
 */
export async function serverCredentials(
  ca: CertificateAuthority,
  keysDir: string,
  host: string,
): Promise<{ key: string; cert: string }> {
  const pair = await loadOrCreateRsaKeyFile(join(keysDir, 'server.key.pem'));
  const dns = [...new Set(['localhost', host].filter((h) => !/^\d+\.\d+\.\d+\.\d+$/.test(h)))];
  const ips = [...new Set(['127.0.0.1', host].filter((h) => /^\d+\.\d+\.\d+\.\d+$/.test(h)))];
  const csr = parseCsr(
    createCsr({ key: pair, subject: [{ name: 'CN', value: host }], sanDns: dns, sanIps: ips }),
  );
  const issued = issueCertificate(ca, {
    type: 'server',
    csr,
    ctx: { orgId: 'obmock', legalName: 'obmock', organisationIdentifier: '', roles: [] },
  });
  return { key: pair.privateKeyPem, cert: `${issued.pem.trim()}\n${ca.issuingCertPem.trim()}\n` };
}
