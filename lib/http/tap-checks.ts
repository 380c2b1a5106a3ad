import type { Response } from 'express';
import type { CheckOutcome } from '../check-outcome.js';

export type { CheckOutcome, CheckResult } from '../check-outcome.js';

/** What a route attaches: something that lists its checks' outcomes when asked (a checklist). */
export interface ChecksSource {
  outcomes(): CheckOutcome[];
}

const CHECKS = Symbol('tap checks');
type WithChecks = Response & { [CHECKS]?: ChecksSource };

/** The most outcomes the tap keeps of one exchange. */
const MAX_OUTCOMES = 40;

/**
 * Lets a route tell the message tap which checks it made; read when the
 * exchange is recorded. The source itself is kept (no closure per request).
 */
export function attachChecks(res: Response, source: ChecksSource): void {
  (res as WithChecks)[CHECKS] = source;
}

/**
 * The source of the checks a route attached to this response, if any: the
 * message tap keeps it and reads it ({@link readChecks}) only when someone
 * looks at the exchange (most exchanges are never looked at).
 */
export function attachedChecksSource(res: Response): ChecksSource | undefined {
  return (res as WithChecks)[CHECKS];
}

/** A kept source's outcomes, at most 40. */
export function readChecks(source: ChecksSource | undefined): CheckOutcome[] | undefined {
  return source?.outcomes().slice(0, MAX_OUTCOMES);
}
