import { mkdir, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import {
  type CertificateAuthority,
  createCsr,
  issueCertificate,
  loadOrCreateCa,
  loadOrCreateEcKeyFile,
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
import { OcspSignerSource } from './ocsp-signer.js';
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

/** The value in `file`, or a new one and the function that writes it (0600). */
async function readOrMake(
  file: string,
  make: () => string,
): Promise<{ value: string; persist(): Promise<void> }> {
  const existing = await readTextIfExists(file);
  if (existing !== undefined) return { value: existing.trim(), persist: async () => {} };
  const value = make();
  return { value, persist: () => writeFile(file, `${value}\n`, { mode: 0o600 }) };
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
 * A new admin token is written by `persistAdminToken`, which the caller runs
 * once the directory answers: other processes (the bank's container) wait for
 * that file, so it must not appear before the directory is ready.
 */
export async function openDirectoryContext(
  config: DirectoryConfig,
  options: OpenDirectoryOptions,
): Promise<{ ctx: DirectoryContext; adminToken: string; persistAdminToken(): Promise<void> }> {
  const paths = directoryPaths(config.dataDir);
  for (const dir of [paths.root, paths.ca, paths.keys, paths.db])
    await mkdir(dir, { recursive: true, mode: 0o700 });
  const now = options.now ?? (() => new Date());
  // RSA 2048 root, like the issuing CA and every certificate they issue: a local test CA needs no
  // more, and a 3072-bit key would be the longest step of a cold start (~3x an RSA 2048 key).
  const ca = await loadOrCreateCa(paths.ca, {
    crlUrl: `${options.baseUrl}/ca/issuing.crl`,
    rootKeyBits: 2048,
    ocspUrl: `${options.baseUrl}/ocsp`,
  });
  const store =
    options.store ??
    (await FileStore.open(paths.db, { collections: directoryCollections(config.certificateShards) }));
  const repo = await DirectoryRepository.open(store);
  const { value: adminToken, persist: persistAdminToken } = await readOrMake(paths.adminToken, newSecret);
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
    ocspSigner: new OcspSignerSource(ca, paths.keys, now),
    logger: options.logger ?? createLogger(config.logLevel, { service: 'directory' }),
    baseUrl: options.baseUrl,
    now,
  };
  return { ctx, adminToken, persistAdminToken };
}

/**
 * The directory's TLS key (kept in the data dir, so no key generation on
 * restart) and a fresh server certificate for `hosts` from the local CA.
 * The key is EC P-256: this is our own server, not an OB certificate (those stay RSA 2048).
 */
export async function serverCredentials(
  ca: CertificateAuthority,
  keysDir: string,
  host: string,
): Promise<{ key: string; cert: string }> {
  const pair = await loadOrCreateEcKeyFile(join(keysDir, 'server.key.pem'));
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
