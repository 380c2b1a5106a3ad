import type { BankDefinition } from './config.js';
import { type BankSettings, STRICT_OB_V33 } from './settings.js';

/** Shipped bank profiles by name. The strict OB v3.3 bank is the default. */
export const PROFILES: Record<string, BankSettings> = {
  'ob-v3.3': STRICT_OB_V33,
};

export class UnknownProfile extends Error {}

/** `id=profile` (or just `id`, meaning the strict profile) → a bank definition. */
export function bankFromSpec(spec: string): BankDefinition {
  const [id, profile = 'ob-v3.3', ...rest] = spec.split('=');
  if (rest.length > 0 || !id) throw new UnknownProfile(`--bank '${spec}': expected id=profile`);
  const settings = PROFILES[profile];
  if (!settings) {
    throw new UnknownProfile(
      `--bank '${spec}': unknown profile '${profile}' (known: ${Object.keys(PROFILES).join(', ')})`,
    );
  }
  return { id, profile, settings };
}
