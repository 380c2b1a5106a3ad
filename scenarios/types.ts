import type { ScenarioContext } from './context.js';

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
  | 'ob-directory-trust';

export interface Scenario {
  /** Stable id, e.g. DCR-004-rs256, REG-AUD-001. */
  id: string;
  title: string;
  /** The rule or behaviour checked, with its source (OB DCR section, RFC, profile switch). */
  reference: string;
  /** The public conformance-dcr case this reproduces, if any (DCR-001 … DCR-011). */
  conformanceCase?: string;
  tags: string[];
  needs?: Need[];
  /** Steps and expectations: throws (via the context's checks) on a failed expectation. */
  run(t: ScenarioContext): Promise<void>;
}

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

export interface StepRecord {
  name: string;
  ok: boolean;
  error?: string;
  exchanges: Exchange[];
}

export type Outcome = 'passed' | 'failed' | 'skipped';

export interface ScenarioResult {
  id: string;
  title: string;
  reference: string;
  conformanceCase?: string;
  tags: string[];
  outcome: Outcome;
  /** Why it failed or was skipped. */
  reason?: string;
  durationMs: number;
  steps: StepRecord[];
}

export interface RunSummary {
  target: string;
  startedAt: string;
  durationMs: number;
  passed: number;
  failed: number;
  skipped: number;
  results: ScenarioResult[];
}
