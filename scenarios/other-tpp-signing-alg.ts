import { chooseSigningAlg, type SigningAlg } from '../tpp-client/index.js';

/**
 * How the TPPs a scenario onboards besides the main one sign: ES256 (an EC P-256 key, made in
 * microseconds instead of an RSA key's ~150 ms) when the bank's discovery lists ES256, else as
 * `chooseSigningAlg` picks. None of their scenarios is about the request's algorithm: they need
 * another organisation, software statement or certificate. OB DCR and FAPI allow both PS256 and
 * ES256 for request objects; the main TPP keeps PS256 (docs/scenarios.md).
 */
export function otherTppSigningAlg(advertised: readonly string[] | undefined): SigningAlg {
  return chooseSigningAlg(advertised, 'ES256');
}
