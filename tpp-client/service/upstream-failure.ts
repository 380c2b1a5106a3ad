import {
  DirectoryError,
  DiscoveryError,
  HttpNetworkError,
  HttpTimeoutError,
  InvalidResponseError,
} from '../errors.js';

/**
 * What the registration API tells its caller when a registration could not be made: the kind of
 * failure and the URL asked for, never what answered there. `bank` may be any https URL, so
 * the raw error (connection refused, a TLS failure naming a certificate, the status an internal
 * service answered) would turn the API into a probe of the service's network; that detail goes
 * to the service's log instead. The directory is the sandbox's own: its refusals are shown.
 */
const KINDS: readonly [new (...args: never[]) => Error, (bank: string) => string][] = [
  [HttpTimeoutError, (bank) => `the bank at ${bank} did not answer in time`],
  [HttpNetworkError, (bank) => `the bank at ${bank} could not be reached`],
  [DiscoveryError, (bank) => `${bank} did not give a usable discovery document`],
  [
    InvalidResponseError,
    (bank) => `the bank at ${bank} gave an answer that is not what the protocol promises`,
  ],
];

/** The 502 description for `err`, thrown while registering at `bank` (a discovery URL). */
export function upstreamFailure(err: unknown, bank: string): string {
  if (err instanceof DirectoryError) return err.message.slice(0, 500);
  const shown = bank.length > 200 ? `${bank.slice(0, 200)}…` : bank;
  for (const [kind, describe] of KINDS)
    if (err instanceof kind) return `${describe(shown)} (the TPP service's log says why)`;
  return `the registration at ${shown} could not be completed (the TPP service's log says why)`;
}
