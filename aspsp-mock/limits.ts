/**
 * How much one TPP may keep at a bank: every record a TPP can make with valid credentials is
 * bounded per owner, so that a TPP registering, asking for tokens or creating consents in a loop
 * cannot grow the bank's memory and store without end (docs/bank.md, "Limits per TPP").
 */
export interface BankLimits {
  /** Clients registered at once by one organisation (`org_id` of its software statements). */
  clientsPerOrganisation: number;
  /** Unexpired access tokens issued to one client. */
  liveTokensPerClient: number;
  /** Consents one client keeps; creating another deletes its oldest. */
  consentsPerClient: number;
}

export const BANK_LIMITS: Readonly<BankLimits> = Object.freeze({
  clientsPerOrganisation: 10_000,
  liveTokensPerClient: 10_000,
  consentsPerClient: 10_000,
});

/** The limit a field may be set to at most (a bound on the bound: each is kept in memory). */
const CEILING = 1_000_000;

/** The defaults with the overrides given. */
export const bankLimits = (overrides: Partial<BankLimits> = {}): BankLimits => ({
  ...BANK_LIMITS,
  ...overrides,
});

/** The first field of `overrides` that is not a whole number from 1 to 1,000,000, if any. */
export function invalidBankLimit(overrides: Partial<BankLimits> = {}): string | undefined {
  for (const [key, value] of Object.entries(bankLimits(overrides)))
    if (!Number.isInteger(value) || value < 1 || value > CEILING) return key;
  return undefined;
}
