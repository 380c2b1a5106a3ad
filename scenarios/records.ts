/**
 * What a run records, independent of how scenarios run: levels, rules, HTTP exchanges, steps.
 * (The context and the scenario types both use these; neither imports the other for them.)
 */

/** RFC 2119 requirement level of the sentence behind an expectation. */
export type Level = 'MUST' | 'SHOULD' | 'MAY';

/** One sentence of a specification a scenario checks. */
export interface SpecRule {
  /** Stable id, e.g. `reg.request-signature`. */
  id: string;
  /** MUST: a failure; SHOULD or MAY: a warning. */
  level: Level;
  /** Where the sentence is: spec, version, section (e.g. `OB DCR v3.3 §Data Model — exp`, `RFC 6749 §5.2`). */
  source: string;
  /** The sentence, quoted. */
  quote: string;
}

/** What a scenario needs from the target; unmet needs skip it (never pass it). */
export type Need =
  | 'our-directory' // revoking, suspending, onboarding more TPPs: only with the sandbox's own directory
  | 'management-get'
  | 'management-put'
  | 'management-delete'
  | 'tls_client_auth'
  | 'private_key_jwt'
  | 'client_secret_basic'
  | 'client_secret_post'
  | 'consents'
  | 'fault-injection' // our bank's admin fault API
  | 'jws-requests' // the target takes OB signed requests (not RFC 7591 JSON bodies)
  | 'rsa-signing-key' // the TPP signs with an RSA key (not EC P-256 for an ES256-only bank)
  | 'ob-directory-trust';

/** One HTTP call made during a scenario, for reports (secrets masked, JWTs decoded). */
export interface Exchange {
  from: string;
  to: string;
  method: string;
  url: string;
  requestHeaders: Record<string, string>;
  requestBody?: string;
  status?: number;
  responseHeaders?: Record<string, string>;
  responseBody?: string;
  error?: string;
  ms: number;
  /** JWTs found in the request or response, decoded (header and payload; signature left out). */
  jwts: { where: string; header: unknown; payload: unknown }[];
}

/** The expectation a failed step did not meet, with the level and sentence behind it. */
export interface FailedExpectation {
  message: string;
  level: Level;
  rule?: SpecRule;
}

export interface StepRecord {
  name: string;
  ok: boolean;
  error?: string;
  /** Set on the step whose expectation was not met (the failing step). */
  expectation?: FailedExpectation;
  exchanges: Exchange[];
}
