/** What became of one check a service made of a request. */
export type CheckResult = 'passed' | 'failed' | 'not reached' | 'skipped';

/** One check a service made of a request, as the message tap records it for the admin. */
export interface CheckOutcome {
  check: string;
  label: string;
  result: CheckResult;
  detail?: string;
}
