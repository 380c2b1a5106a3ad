import type { SigningAlg } from '../../tpp-client/index.js';
import type { Scenario } from '../types.js';

/**
 * The keys a scenario makes for itself, beyond the main TPP's (which the target brings):
 * `rsa` RSA-2048 keys whatever the signing algorithms (transport keys, OBWAC/QWAC keys, a
 * throwaway CA); `likeMain` signing keys of the main TPP's kind (RSA when it signs PS256, EC P-256
 * for ES256); `likeOthers` signing keys of the other TPPs a scenario onboards (`otherTppSigningAlg`).
 */
export interface OwnKeys {
  rsa?: number;
  likeMain?: number;
  likeOthers?: number;
}

/** A TPP of another organisation (`t.newTpp()`): an RSA transport key and a signing key. */
const OTHER_TPP: OwnKeys = { rsa: 1, likeOthers: 1 };

/**
 * Every key a catalogue scenario makes for itself, so a run can start them all at once, at boot,
 * instead of one after another inside the scenarios. A scenario that starts making keys of its
 * own belongs here (a test runs the catalogue and compares the count with the keys made).
 */
export const OWN_KEYS: Readonly<Record<string, OwnKeys>> = {
  // a new signing key of the TPP, certified by the directory (two in the revocation scenario)
  'ROT-new-signing-key': { likeMain: 1 },
  'ROT-revoked-signing-key': { likeMain: 2 },
  // (CERT-untrusted-issuer's throwaway CA has EC P-256 keys: `loadOrCreateCa({ keyType: 'ec' })`)
  // an eIDAS TPP of its own: QWAC and QSeal keys
  'PROFILE-rfc7591-eidas': { rsa: 2 },
  // the OBWAC of an organisation's OAuth client; the onboarding one also a TPP's transport and signing keys
  'DIR-OAUTH-onboard': { rsa: 2, likeOthers: 1 },
  'DIR-OAUTH-wrong-scope': { rsa: 1 },
  'DIR-OAUTH-other-certificate': { rsa: 1 },
  // a TPP of another organisation of their own (they suspend or deactivate it); the deactivation
  // scenario onboards a second one the same way for its positive twin
  'SSA-software-deactivated': { rsa: 2 * OTHER_TPP.rsa!, likeOthers: 2 * OTHER_TPP.likeOthers! },
  'SSA-org-suspended': OTHER_TPP,
};

/** Scenarios that use the one shared key nobody trusts (`strangerKey`): one key however many run. */
export const STRANGER_KEY_USERS: readonly string[] = ['DCR-FORK-ssa-wrong-key', 'DCR-FORK-wrong-request-key'];

/**
 * Scenarios that use the one shared TPP of another organisation (`t.otherOrganisation()`): they
 * present its certificate or sign with its key and change nothing of it; one TPP however many run.
 */
export const OTHER_ORGANISATION_USERS: readonly string[] = [
  'CERT-other-organisation',
  'CERT-other-organisation-pkj',
  'CERT-token-other-organisation',
  'TOKEN-unbound-certificate',
];

const isRsa = (alg: SigningAlg) => alg !== 'ES256';

/**
 * How many RSA-2048 keys the `selected` scenarios will make for themselves, when the main TPP
 * signs with `signing.main` and the TPPs scenarios onboard sign with `signing.others`.
 */
export function catalogueRsaKeys(
  selected: readonly Pick<Scenario, 'id'>[],
  signing: { main: SigningAlg; others: SigningAlg },
): number {
  const ids = new Set(selected.map((s) => s.id));
  let n = 0;
  for (const id of ids) {
    const own = OWN_KEYS[id];
    if (!own) continue;
    n += (own.rsa ?? 0) + (isRsa(signing.main) ? (own.likeMain ?? 0) : 0);
    n += isRsa(signing.others) ? (own.likeOthers ?? 0) : 0;
  }
  if (STRANGER_KEY_USERS.some((id) => ids.has(id))) n += 1;
  if (OTHER_ORGANISATION_USERS.some((id) => ids.has(id))) n += 1 + (isRsa(signing.others) ? 1 : 0);
  return n;
}
