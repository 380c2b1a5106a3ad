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
  return (res as WithChecks)[CHECKS]?.().slice(0, 40);
}
