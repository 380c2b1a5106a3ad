import { isAbsolute } from 'node:path';
import type { LogLevel } from '../lib/logger.js';

/**
 * Everything the directory can be told, with its default. `obmock up` flags
 * map onto these; `resolveDirectoryConfig` checks them once at start-up.
 */
export interface DirectoryConfig {
  /** Folder for the CA, keys, admin token and database. Deleting it resets the directory. */
  dataDir: string;
  /** Host name used in the directory's URLs and put in its server certificate's subjectAltName. */
  host: string;
  /** Address the server binds to. Loopback by default: nothing here is meant for a public network. */
  bindAddress: string;
  /** TCP port; 0 picks a free one (tests). */
  port: number;
  /** External base URL when it differs from https://host:port (e.g. behind docker port mapping). */
  publicUrl?: string;
  /** Validity of issued certificates, in days. */
  certificateValidityDays: number;
  /** Largest request body accepted, in bytes (larger → 413). */
  bodyLimitBytes: number;
  /** `software_environment` claim of issued SSAs. */
  ssaEnvironment: string;
  /** Shard files per store collection (lowdb rewrites a whole file per write). */
  certificateShards: number;
  /**
   * Most active certificates a software statement may have in its keystore
   * JWKS (its own transport/signing certificates plus associated organisation
   * certificates). 20 keeps the JWKS near 60 KiB, well inside the 256 KiB a
   * bank fetches; beyond it a CSR upload or an association is refused with 409.
   */
  maxActiveCertificatesPerSoftware: number;
  /**
   * Most records one organisation may make through the API (directory/organisation-limits.ts):
   * software statements, certificates (revoked ones included: the CRL keeps them), authorisation
   * servers. Past one, the create is refused with 409 and nothing is stored.
   */
  maxSoftwareStatementsPerOrganisation: number;
  maxCertificatesPerOrganisation: number;
  maxAuthorisationServersPerOrganisation: number;
  logLevel: LogLevel;
}

export const DIRECTORY_DEFAULTS: DirectoryConfig = {
  dataDir: '.obmock',
  host: 'localhost',
  bindAddress: '127.0.0.1',
  port: 8443,
  certificateValidityDays: 730,
  bodyLimitBytes: 64 * 1024,
  ssaEnvironment: 'sandbox',
  certificateShards: 128,
  maxActiveCertificatesPerSoftware: 20,
  maxSoftwareStatementsPerOrganisation: 1_000,
  maxCertificatesPerOrganisation: 10_000,
  maxAuthorisationServersPerOrganisation: 100,
  logLevel: 'info',
};

export class ConfigError extends Error {}

const HOST =
  /^(?=.{1,253}$)([A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)(\.[A-Za-z0-9]([A-Za-z0-9-]{0,61}[A-Za-z0-9])?)*$/;
const IPV4 = /^(\d{1,3})(\.\d{1,3}){3}$/;
const LEVELS: LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

/** Merges overrides onto the defaults and checks every field, naming the first bad one. */
export function resolveDirectoryConfig(overrides: Partial<DirectoryConfig> = {}): DirectoryConfig {
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  const c: DirectoryConfig = { ...DIRECTORY_DEFAULTS, ...defined };
  const fail = (key: keyof DirectoryConfig, why: string): never => {
    throw new ConfigError(`directory config '${key}': ${why} (got ${JSON.stringify(c[key])})`);
  };
  if (typeof c.dataDir !== 'string' || c.dataDir === '') fail('dataDir', 'must be a folder path');
  if (typeof c.host !== 'string' || !(HOST.test(c.host) || IPV4.test(c.host)))
    fail('host', 'must be a host name or IPv4 address');
  if (typeof c.bindAddress !== 'string' || c.bindAddress === '') fail('bindAddress', 'must be an address');
  if (!Number.isInteger(c.port) || c.port < 0 || c.port > 65535) fail('port', 'must be an integer 0–65535');
  if (c.publicUrl !== undefined) {
    let url: URL | undefined;
    try {
      url = new URL(c.publicUrl);
    } catch {
      fail('publicUrl', 'must be an absolute URL');
    }
    if (url && url.protocol !== 'https:') fail('publicUrl', 'must be an https URL');
  }
  if (
    !Number.isInteger(c.certificateValidityDays) ||
    c.certificateValidityDays < 1 ||
    c.certificateValidityDays > 3650
  )
    fail('certificateValidityDays', 'must be an integer 1–3650');
  if (!Number.isInteger(c.bodyLimitBytes) || c.bodyLimitBytes < 1024 || c.bodyLimitBytes > 10 * 1024 * 1024)
    fail('bodyLimitBytes', 'must be an integer 1024–10485760');
  if (typeof c.ssaEnvironment !== 'string' || c.ssaEnvironment.length > 256)
    fail('ssaEnvironment', 'must be a string');
  if (!Number.isInteger(c.certificateShards) || c.certificateShards < 1 || c.certificateShards > 4096)
    fail('certificateShards', 'must be an integer 1–4096');
  if (
    !Number.isInteger(c.maxActiveCertificatesPerSoftware) ||
    c.maxActiveCertificatesPerSoftware < 1 ||
    c.maxActiveCertificatesPerSoftware > 60
  )
    fail('maxActiveCertificatesPerSoftware', 'must be an integer 1–60');
  for (const key of [
    'maxSoftwareStatementsPerOrganisation',
    'maxCertificatesPerOrganisation',
    'maxAuthorisationServersPerOrganisation',
  ] as const) {
    const v = c[key];
    if (!Number.isInteger(v) || v < 1 || v > 1_000_000) fail(key, 'must be an integer 1–1000000');
  }
  if (!LEVELS.includes(c.logLevel)) fail('logLevel', `must be one of ${LEVELS.join(', ')}`);
  if (isAbsolute(c.dataDir) === false && c.dataDir.includes('\0')) fail('dataDir', 'must be a folder path');
  return c;
}
