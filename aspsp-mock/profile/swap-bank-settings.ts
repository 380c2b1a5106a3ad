import type { BankContext } from '../context.js';
import type { BankSettings } from '../settings.js';
import { checkCombination, checkSwitches } from './load-profile.js';

/** Switches the bank's routes are built with at start: a swap keeps the running bank's values. */
export const FIXED_AT_START = ['registrationPath', 'discoveryPath', 'managementOperations'] as const;

/**
 * Gives a running bank other switches without restarting it (differential replay tries many
 * profiles against one bank). Every switch is checked as at start; the routes' paths and the
 * management operations stay as the bank started. Not for banks serving several clients at once:
 * a request in flight may see the new switches.
 */
export function swapBankSettings(ctx: BankContext, settings: BankSettings): void {
  checkSwitches('profile swap', settings);
  const next: BankSettings = { ...settings };
  for (const k of FIXED_AT_START) (next as unknown as Record<string, unknown>)[k] = ctx.settings[k];
  checkCombination('profile swap', next);
  Object.assign(ctx.settings, next);
}
