import type { BankDefinition } from './config.js';
import { loadProfile, ProfileError } from './profile/load-profile.js';

export class UnknownProfile extends ProfileError {}

/** `id=profile` (or just `id`, meaning the strict profile) → a bank definition; profile = shipped name or file path. */
export function bankFromSpec(spec: string): BankDefinition {
  const i = spec.indexOf('=');
  const id = i < 0 ? spec : spec.slice(0, i);
  const ref = i < 0 ? 'ob-v3.3' : spec.slice(i + 1);
  if (!id || !ref) throw new UnknownProfile(`--bank '${spec}': expected id=profile`);
  try {
    const profile = loadProfile(ref);
    return {
      id,
      profile: profile.name,
      description: profile.description,
      chain: profile.chain,
      settings: profile.settings,
      ...(profile.faults.length ? { faults: profile.faults } : {}),
    };
  } catch (err) {
    throw new UnknownProfile(`--bank '${spec}': ${(err as Error).message}`);
  }
}
