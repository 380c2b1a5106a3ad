/** A run that cannot start because of how it was asked for (flags, config file): exit 2. */
export class UsageError extends Error {
  readonly exitCode = 2;
}

/** The target cannot be reached, or its URL is not an OB discovery document: exit 3. */
export class TargetError extends Error {
  readonly exitCode = 3;
}

/**
 * Checks a `--target` URL before anything is sent: it must be an https URL. An `http://` URL
 * gets a message saying what to type instead (OB banks serve discovery over https with mutual TLS).
 */
export function checkTargetUrl(url: string): URL {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(
      `--target ${url} is not a URL: give the bank's discovery URL, e.g. https://bank.example/.well-known/openid-configuration`,
    );
  }
  if (parsed.protocol === 'http:')
    throw new UsageError(
      `--target ${url} uses http://: OB banks serve discovery over https (mutual TLS) — type https://${parsed.host}${parsed.pathname === '/' ? '/.well-known/openid-configuration' : parsed.pathname}`,
    );
  if (parsed.protocol !== 'https:')
    throw new UsageError(`--target ${url}: only https:// discovery URLs are supported`);
  return parsed;
}

/** What to say when a target URL did not give a discovery document: the issuer's discovery URL, if it looks like an issuer. */
export function discoveryHint(url: string): string {
  if (url.includes('/.well-known/')) return '';
  return ` — if ${url} is the issuer, its discovery document is at ${url.replace(/\/+$/, '')}/.well-known/openid-configuration: type that`;
}
