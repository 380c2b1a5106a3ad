import type { Response } from 'express';
import type { CheckOutcome } from '../check-outcome.js';

export type { CheckOutcome, CheckResult } from '../check-outcome.js';

const CHECKS = Symbol('tap checks');
type WithChecks = Response & { [CHECKS]?: () => CheckOutcome[] };

/** Lets a route tell the message tap which checks it made; read when the exchange is recorded. */
export function attachChecks(res: Response, outcomes: () => CheckOutcome[]): void {
  (res as WithChecks)[CHECKS] = outcomes;
}

/** The checks a route attached to this response (at most 40), if any. */
export function attachedChecks(res: Response): CheckOutcome[] | undefined {
  return attachedChecksReader(res)?.();
}

/**
 * A reader of the checks a route attached to this response (at most 40), if
 * any: the message tap keeps it and reads it only when someone looks at the
 * exchange (most exchanges are never looked at).
 */
export function attachedChecksReader(res: Response): (() => CheckOutcome[]) | undefined {
  const outcomes = (res as WithChecks)[CHECKS];
  return outcomes ? () => outcomes().slice(0, 40) : undefined;
}
