import {
  DirectoryError,
  DiscoveryError,
  ForbiddenAddressError,
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
const KINDS: readonly [new (...args: never[]) => Error, (where: string) => string][] = [
  [HttpTimeoutError, (where) => `${where} did not answer in time`],
  [HttpNetworkError, (where) => `${where} could not be reached`],
  [DiscoveryError, (where) => `${where} did not give a usable discovery document`],
  [
    ForbiddenAddressError,
    (where) => `${where}, named by the bank, resolves to an address the TPP does not connect to`,
  ],
  [InvalidResponseError, (where) => `${where} gave an answer that is not what the protocol promises`],
];

/**
 * Where the failing call went: the origin of its URL when the error names one (the directory's,
 * or a bank endpoint the discovery document named on the bank's own domain), else `bank`.
 */
function whereOf(err: unknown, bank: string): string {
  const url =
    err instanceof HttpTimeoutError || err instanceof HttpNetworkError || err instanceof ForbiddenAddressError
      ? err.url
      : undefined;
  if (url === undefined) return bank;
  try {
    return new URL(url).origin;
  } catch {
    return bank;
  }
}

/** The 502 description for `err`, thrown while registering at `bank` (a discovery URL). */
export function upstreamFailure(err: unknown, bank: string): string {
  if (err instanceof DirectoryError) return err.message.slice(0, 500);
  const shown = bank.length > 200 ? `${bank.slice(0, 200)}…` : bank;
  const where = whereOf(err, shown);
  for (const [kind, describe] of KINDS)
    if (err instanceof kind) return `${describe(where)} (the TPP service's log says why)`;
  return `the registration at ${shown} could not be completed (the TPP service's log says why)`;
}
