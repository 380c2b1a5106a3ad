import type { ScenarioContext } from './context.js';
import type { ClientCleanup } from './delete-run-clients.js';
import type { Exchange, FailedExpectation, Level, Need, SpecRule, StepRecord } from './records.js';

export type { Exchange, FailedExpectation, Level, Need, SpecRule, StepRecord };

export interface Scenario {
  /** Stable id, e.g. DCR-004-rs256, REG-AUD-001. */
  id: string;
  title: string;
  /** The rule or behaviour checked, with its source (OB DCR section, RFC, profile switch). */
  reference: string;
  /**
   * Ids of the spec rules (`specRules`) this scenario checks. The strongest level among them
   * decides what an unmet expectation is: MUST a failure, SHOULD/MAY a warning.
   */
  rules: string[];
  /**
   * The positive twin this (negative) scenario is built on: it counts only if that baseline
   * passed against the same bank in the same run; otherwise it is `blocked`.
   */
  baseline?: string;
  /** The public conformance-dcr case this reproduces, if any (DCR-001 … DCR-011). */
  conformanceCase?: string;
  tags: string[];
  needs?: Need[];
  /** Steps and expectations: throws (via the context's checks) on a failed expectation. */
  run(t: ScenarioContext): Promise<void>;
}

/**
 * passed; failed (a MUST not met, or the run broke); warning (a SHOULD/MAY not met);
 * skipped (a need the target does not meet); blocked (its baseline failed).
 */
export type Outcome = 'passed' | 'failed' | 'warning' | 'skipped' | 'blocked';

export interface ScenarioResult {
  id: string;
  title: string;
  reference: string;
  /** The rules it checks, resolved from the table (level, source, quoted sentence). */
  rules: SpecRule[];
  /** The strongest level among its rules. */
  level: Level;
  baseline?: string;
  conformanceCase?: string;
  tags: string[];
  outcome: Outcome;
  /** Why it failed, warned, was skipped or blocked. */
  reason?: string;
  /** For failed and warning: the expectation not met, its level and the rule. */
  expectation?: FailedExpectation;
  durationMs: number;
  steps: StepRecord[];
}

/** A baseline: the valid request a family of negative scenarios changes one thing of. */
export interface BaselineResult {
  id: string;
  title: string;
  ok: boolean;
  /** Why it failed (the bank's answer). */
  reason?: string;
  /** What to change, when it can be told (e.g. `set hints.audience`). */
  advice?: string;
  /** Scenarios blocked by its failure. */
  blocked: string[];
}

export interface RunSummary {
  target: string;
  startedAt: string;
  durationMs: number;
  passed: number;
  failed: number;
  warnings: number;
  skipped: number;
  blocked: number;
  /** What the run learned from discovery, and the hints in force (printed at start). */
  learned?: string[];
  baselines?: BaselineResult[];
  results: ScenarioResult[];
  /**
   * Set when the run could not test the bank for a reason of its own configuration: the `aud` it
   * guessed (the bank's issuer) was refused for a valid registration, so the scenarios that
   * registered are blocked; `obmock scenarios` then exits 2 with this line.
   */
  configurationProblem?: string;
  /** The clients the run registered, deleted at its end (absent when kept: `keepClients`). */
  cleanup?: ClientCleanup;
}
