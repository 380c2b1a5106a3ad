import { BANK_ID, BANK_ID_RULE } from './bank-id.js';
import type { BankDefinition } from './config.js';
import { loadProfile, ProfileError, shippedProfileNames } from './profile/load-profile.js';

export class UnknownProfile extends ProfileError {}

/**
 * `id=profile` → a bank definition; profile = shipped name or file path. A bare shipped
 * profile name is `name=name`; any other bare word is refused (it used to mean a strict bank
 * with that id, which silently ignored a mistyped profile).
 */
export function bankFromSpec(spec: string): BankDefinition {
  const i = spec.indexOf('=');
  if (i < 0) {
    if (shippedProfileNames().includes(spec)) {
      // ob-v3.1, ob-v3.2, ob-v3.3: a '.' is no bank id character, so the bank needs a name
      if (!BANK_ID.test(spec))
        throw new UnknownProfile(
          `--bank '${spec}': a bank id is ${BANK_ID_RULE}, so this profile cannot lend the bank its name: give one, e.g. ${spec.replace(/[^A-Za-z0-9_-]/g, '')}=${spec}`,
        );
      return bankFromSpec(`${spec}=${spec}`);
    }
    throw new UnknownProfile(
      `--bank '${spec}': not a shipped profile (${shippedProfileNames().join(', ')}); give id=profile, e.g. ${spec || 'mybank'}=ob-v3.3 or ${spec || 'mybank'}=./my-profile.yaml`,
    );
  }
  const id = spec.slice(0, i);
  const ref = spec.slice(i + 1);
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
