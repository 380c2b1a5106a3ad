import type { BankLimits } from '../aspsp-mock/index.js';
import type { DirectoryConfig } from '../directory/index.js';
import { UsageError } from './usage-error.js';
import { wholeNumber } from './whole-number.js';

/** `obmock up --limit NAME=N`: each name, the service it bounds and its setting there. */
const LIMITS = {
  'clients-per-organisation': { service: 'bank', key: 'clientsPerOrganisation' },
  'live-tokens-per-client': { service: 'bank', key: 'liveTokensPerClient' },
  'consents-per-client': { service: 'bank', key: 'consentsPerClient' },
  'software-statements-per-organisation': {
    service: 'directory',
    key: 'maxSoftwareStatementsPerOrganisation',
  },
  'certificates-per-organisation': { service: 'directory', key: 'maxCertificatesPerOrganisation' },
  'authorisation-servers-per-organisation': {
    service: 'directory',
    key: 'maxAuthorisationServersPerOrganisation',
  },
} as const;

export const LIMIT_NAMES = Object.keys(LIMITS);

export interface ServiceLimits {
  bank: Partial<BankLimits>;
  directory: Partial<
    Pick<
      DirectoryConfig,
      | 'maxSoftwareStatementsPerOrganisation'
      | 'maxCertificatesPerOrganisation'
      | 'maxAuthorisationServersPerOrganisation'
    >
  >;
}

/** `--limit NAME=N` values → the bank's and the directory's settings; a UsageError for anything else. */
export function serviceLimits(specs: string[]): ServiceLimits {
  const out: ServiceLimits = { bank: {}, directory: {} };
  for (const spec of specs) {
    const i = spec.indexOf('=');
    const name = i < 0 ? spec : spec.slice(0, i);
    const rule = Object.hasOwn(LIMITS, name) ? LIMITS[name as keyof typeof LIMITS] : undefined;
    if (!rule || i < 0)
      throw new UsageError(`--limit '${spec}': expected NAME=N, NAME one of ${LIMIT_NAMES.join(', ')}`);
    const n = wholeNumber(`limit ${name}`, spec.slice(i + 1), { min: 1, max: 1_000_000 })!;
    (out[rule.service] as Record<string, number>)[rule.key] = n;
  }
  return out;
}
