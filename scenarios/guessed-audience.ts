import { type Discovery, mtlsEndpoint } from '../tpp-client/index.js';
import type { BaselineResult, ScenarioResult } from './types.js';

/**
 * Did the scenario send a registration (a POST to the bank's registration endpoint, or its
 * mutual-TLS alias)?
 */
export function sentRegistration(result: ScenarioResult, discovery: Discovery): boolean {
  const endpoints = new Set([
    discovery.registration_endpoint,
    mtlsEndpoint(discovery, 'registration_endpoint'),
  ]);
  return result.steps.some((s) => s.exchanges.some((e) => e.method === 'POST' && endpoints.has(e.url)));
}

/**
 * A failed scenario that registered, when the `aud` in force is obmock's guess (the bank's
 * issuer) and the bank refused a valid registration with it (`register` baseline): the request
 * obmock called valid may not be valid for this bank — OB lets it validate `aud` against its own
 * organisation id —, so the failure says nothing about the bank. It is blocked, like a negative
 * scenario whose baseline failed, with the baseline's reason.
 */
export function blockedByGuessedAudience(result: ScenarioResult, baseline: BaselineResult): ScenarioResult {
  const { expectation: _dropped, ...rest } = result;
  return {
    ...rest,
    baseline: baseline.id,
    outcome: 'blocked',
    reason: `its registration used an aud obmock guessed (the bank's issuer), and the bank refused a valid registration with it (${baseline.title}): ${baseline.reason ?? ''}`,
  };
}

/** The line that makes a run whose guessed `aud` was refused end with exit 2 (a configuration error). */
export function guessedAudienceProblem(audience: string | undefined, blocked: number): string {
  return `the bank refused a valid registration with aud ${audience ?? '(none)'}, which obmock guessed (the bank's issuer): set hints.audience in --tpp-config to the aud the bank expects (its OB organisation id, or what its documentation says); ${blocked} scenario(s) blocked, not passed or failed`;
}
