import { UsageError } from '../scenarios/target-errors.js';

/** A command line the CLI cannot act on: exit status 2, the message and a pointer to --help. */
export { UsageError };

/** node:util parseArgs failures (unknown option, missing value…) are usage errors too. */
export function isUsageError(err: unknown): boolean {
  return err instanceof UsageError || String((err as { code?: unknown })?.code).startsWith('ERR_PARSE_ARGS');
}
