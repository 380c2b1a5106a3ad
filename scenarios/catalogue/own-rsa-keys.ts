import type { Scenario } from '../types.js';

/**
 * RSA-2048 keys a scenario makes for itself, beyond the onboarded TPPs' keys (which come from the
 * sandbox's key pool). Kept here so a run can start them all at once, at boot, instead of one
 * after another inside the scenarios. A scenario that starts making keys of its own belongs here.
 */
export const OWN_RSA_KEYS: Readonly<Record<string, number>> = {
  // a new signing key of the TPP, certified by the directory
  'ROT-new-signing-key': 1,
  'ROT-revoked-signing-key': 1,
  // a throwaway CA: root and issuing key (`loadOrCreateCa`)
  'CERT-untrusted-issuer': 2,
  // an eIDAS TPP of its own: QWAC and QSeal keys
  'PROFILE-rfc7591-eidas': 2,
};

/** Scenarios that use the one shared key nobody trusts (`strangerKey`): one key however many run. */
export const STRANGER_KEY_USERS: readonly string[] = ['DCR-FORK-ssa-wrong-key', 'DCR-FORK-wrong-request-key'];

/** How many RSA-2048 keys the `selected` scenarios will make for themselves. */
export function catalogueRsaKeys(selected: readonly Pick<Scenario, 'id'>[]): number {
  const ids = new Set(selected.map((s) => s.id));
  let n = 0;
  for (const id of ids) n += OWN_RSA_KEYS[id] ?? 0;
  if (STRANGER_KEY_USERS.some((id) => ids.has(id))) n += 1;
  return n;
}
