import type { SigningAlg } from '../types.js';

/** FAPI's request object algorithms, in the order a TPP prefers them. */
const FAPI_ALGS: readonly SigningAlg[] = ['PS256', 'ES256'];

/**
 * The algorithm to sign request objects with at a bank, from its discovery
 * `request_object_signing_alg_values_supported`: `preferred` when the bank lists it or lists
 * nothing; otherwise PS256 or ES256 (OB DCR and FAPI allow both), the first the bank lists;
 * otherwise `preferred` (the bank's refusal then says why). A bank advertising only ES256 gets
 * ES256: the TPP needs an EC P-256 signing key for it (`onboardAtDirectory({ signingAlg })`).
 */
export function chooseSigningAlg(
  advertised: readonly string[] | undefined,
  preferred: SigningAlg = 'PS256',
): SigningAlg {
  if (!advertised || advertised.length === 0 || advertised.includes(preferred)) return preferred;
  return FAPI_ALGS.find((alg) => advertised.includes(alg)) ?? preferred;
}
