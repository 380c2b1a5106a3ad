import type { Logger } from '../lib/logger.js';
import type { Store } from '../lib/store/index.js';
import type { BankFaults } from './faults/state.js';
import { BANK_LIMITS, type BankLimits } from './limits.js';
import type { BankSettings } from './settings.js';
import type { DirectoryTrust } from './trust/directory-trust.js';
import type { JwksFetcher } from './trust/jwks-fetcher.js';

/** One bank hosted by the process: its identity, settings, store and trust anchors. */
export interface BankContext {
  id: string;
  /** Issuer URL, e.g. https://localhost:8444/banks/default. */
  issuer: string;
  /** The bank's OB organisation id: the `aud` a registration request must carry. */
  orgId: string;
  profile: string;
  profileDescription: string;
  /** Profiles applied, base first (the `extends` chain). */
  profileChain: string[];
  settings: BankSettings;
  store: Store;
  trust: DirectoryTrust;
  jwks: JwksFetcher;
  /** Public JWKS of the bank's own signing key (OBSeal from the directory). */
  publicJwks: { keys: Record<string, unknown>[] };
  /** Name of a header carrying the client certificate from a trusted TLS-terminating gateway. */
  mtlsHeader?: string;
  logger: Logger;
  now(): Date;
  /** Injected faults (mock-only), set in the bank definition or through {issuer}/admin/faults. */
  faults: BankFaults;
  /** How much one TPP may keep at this bank; default {@link BANK_LIMITS}. */
  limits?: BankLimits;
}

/** The bank's limits per TPP (aspsp-mock/limits.ts). */
export const limitsOf = (ctx: BankContext): BankLimits => ctx.limits ?? BANK_LIMITS;

export const nowSeconds = (ctx: BankContext): number => Math.floor(ctx.now().getTime() / 1000);
