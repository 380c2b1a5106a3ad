import type { RunSummary } from '../scenarios/index.js';

/** What fails a run of `obmock scenarios`: failures only (default), or SHOULD warnings too. */
export type FailOn = 'failure' | 'warning';

/**
 * The exit code of a finished run: 1 when a scenario failed; 2 when nothing failed but the run
 * could not test the bank (`configurationProblem`); 1 with `--fail-on warning` when a SHOULD was
 * not met; else 0. A MAY not met is reported as a warning but never fails the run:
 * a bank that does not take an option the spec leaves to it (validating `aud`, bounding a
 * request's lifetime) breaks no rule, so a CI job enforcing the SHOULDs must not fail for it.
 */
export function scenariosExitCode(summary: RunSummary, failOn: FailOn): number {
  if (summary.failed > 0) return 1;
  // the run could not test the bank (its guessed aud was refused): a configuration error
  if (summary.configurationProblem) return 2;
  if (failOn !== 'warning') return 0;
  const shouldNotMet = summary.results.some(
    (r) => r.outcome === 'warning' && (r.expectation?.level ?? r.level) !== 'MAY',
  );
  return shouldNotMet ? 1 : 0;
}
