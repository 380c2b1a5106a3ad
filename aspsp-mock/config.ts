import type { LogLevel } from '../lib/logger.js';
import { BANK_ID, BANK_ID_RULE } from './bank-id.js';
import type { FaultSpec } from './faults/spec.js';
import { type BankLimits, invalidBankLimit } from './limits.js';
import { type BankSettings, STRICT_OB_V33 } from './settings.js';
import { parseOriginRule } from './trust/origin-rules.js';

export interface BankDefinition {
  /** Path segment of the bank's issuer URL: letters, digits, '-' and '_'. */
  id: string;
  /** Profile name; 'ob-v3.3' is the strict default. */
  profile: string;
  description?: string;
  chain?: string[];
  settings: BankSettings;
  /** Faults active from start (see docs/faults.md); more can be added through the admin API. */
  faults?: FaultSpec[];
  /**
   * Key of the bank's OBSeal, published in its JWKS: RSA 2048 (default, as OB's OBSeal
   * certificates) or EC P-256 (ES256), which costs no RSA key generation. The bank signs nothing
   * with it; the sandbox uses EC for the banks it hosts only to run one profile's scenarios.
   */
  sealKey?: 'rsa' | 'ec';
}

/** Everything the bank process can be told, with defaults; checked once at start. */
export interface AspspConfig {
  dataDir: string;
  host: string;
  bindAddress: string;
  port: number;
  publicUrl?: string;
  /** The directory this ecosystem trusts: its base URL, its CA bundle (PEM) and the admin token to enrol banks. */
  directory: { url: string; caBundlePem: string; adminToken: string };
  banks: BankDefinition[];
  /** Header carrying the client certificate from a trusted TLS-terminating gateway (off by default). */
  mtlsHeader?: string;
  /** Extra https origins JWKS may be fetched from, besides the directory's. */
  trustedJwksOrigins: string[];
  /**
   * Where a bank with self-signed (eIDAS) software statements may fetch the
   * TPP-hosted JWKS a statement names: `https://host[:port|:*]` or
   * `https://*.domain[:port|:*]`. The default allows only what `obmock up`
   * and the TPP library's `serveJwks` need: a TPP serving its keys on this
   * machine, as `https://localhost:PORT` or `https://127.0.0.1:PORT`.
   * The sandbox's own directory and bank origins are never fetched, whatever this says.
   */
  tppJwksOrigins: string[];
  jwksTimeoutMs: number;
  jwksMaxBytes: number;
  /** How much one TPP may keep at each bank (aspsp-mock/limits.ts); unset fields keep their default. */
  limits?: Partial<BankLimits>;
  logLevel: LogLevel;
}

export const DEFAULT_BANK: BankDefinition = {
  id: 'default',
  profile: 'ob-v3.3',
  description: 'Strict OB DCR v3.3.',
  chain: ['ob-v3.3'],
  settings: STRICT_OB_V33,
};

export const ASPSP_DEFAULTS: Omit<AspspConfig, 'directory'> = {
  dataDir: '.obmock',
  host: 'localhost',
  bindAddress: '127.0.0.1',
  port: 8444,
  banks: [DEFAULT_BANK],
  trustedJwksOrigins: [],
  tppJwksOrigins: ['https://localhost:*', 'https://127.0.0.1:*'],
  jwksTimeoutMs: 3_000,
  jwksMaxBytes: 256 * 1024,
  logLevel: 'info',
};

export class AspspConfigError extends Error {}

export function resolveAspspConfig(
  overrides: Partial<AspspConfig> & Pick<AspspConfig, 'directory'>,
): AspspConfig {
  const defined = Object.fromEntries(Object.entries(overrides).filter(([, v]) => v !== undefined));
  const c = { ...ASPSP_DEFAULTS, ...defined } as AspspConfig;
  const fail = (key: string, why: string): never => {
    throw new AspspConfigError(`bank config '${key}': ${why}`);
  };
  if (!Number.isInteger(c.port) || c.port < 0 || c.port > 65535) fail('port', 'must be an integer 0–65535');
  if (c.banks.length === 0) fail('banks', 'at least one bank is needed');
  const ids = new Set<string>();
  for (const b of c.banks) {
    if (!BANK_ID.test(b.id)) fail('banks', `bank id '${b.id}' must be ${BANK_ID_RULE}`);
    if (ids.has(b.id)) fail('banks', `bank id '${b.id}' is used twice`);
    ids.add(b.id);
  }
  if (c.mtlsHeader !== undefined && !/^[A-Za-z0-9-]{1,64}$/.test(c.mtlsHeader))
    fail('mtlsHeader', 'must be a header name');
  for (const o of c.trustedJwksOrigins) {
    let u: URL | undefined;
    try {
      u = new URL(o);
    } catch {
      fail('trustedJwksOrigins', `'${o}' is not a URL`);
    }
    if (u && (u.protocol !== 'https:' || u.origin !== o.replace(/\/+$/, ''))) {
      fail('trustedJwksOrigins', `'${o}' must be an https origin (scheme://host[:port])`);
    }
  }
  for (const o of c.tppJwksOrigins) {
    try {
      parseOriginRule(o);
    } catch (err) {
      fail('tppJwksOrigins', (err as Error).message);
    }
  }
  const badLimit = invalidBankLimit(c.limits);
  if (badLimit) fail(`limits.${badLimit}`, 'must be a whole number 1–1000000');
  try {
    new URL(c.directory.url);
  } catch {
    fail('directory.url', 'must be a URL');
  }
  return c;
}
