import type { RegisteredClient } from '../types.js';

/** Anything above this is taken for milliseconds (1e11 s is the year 5138). */
const MILLISECONDS_THRESHOLD = 1e11;

/**
 * A registration response body as a normalised RegisteredClient: `scope` given as an array
 * becomes a space-separated string; `client_id_issued_at` and `client_secret_expires_at`
 * given as strings are parsed, and values in milliseconds become seconds (0 stays 0, "never").
 * Unparseable timestamps are dropped; everything else is kept as received.
 */
export function normaliseClient(body: Record<string, unknown> & { client_id: string }): RegisteredClient {
  const out: Record<string, unknown> = { ...body };
  if (Array.isArray(body.scope)) {
    out.scope = body.scope.filter((s): s is string => typeof s === 'string').join(' ');
  }
  for (const name of ['client_id_issued_at', 'client_secret_expires_at'] as const) {
    if (!(name in body)) continue;
    const seconds = epochSeconds(body[name]);
    if (seconds === undefined) delete out[name];
    else out[name] = seconds;
  }
  return out as RegisteredClient;
}

/** A timestamp as whole seconds since the epoch: number or numeric string, seconds or milliseconds. */
export function epochSeconds(value: unknown): number | undefined {
  const n =
    typeof value === 'number'
      ? value
      : typeof value === 'string' && /^\s*\d+(\.\d+)?\s*$/.test(value)
        ? Number(value)
        : Number.NaN;
  if (!Number.isFinite(n) || n < 0) return undefined;
  return Math.floor(n >= MILLISECONDS_THRESHOLD ? n / 1000 : n);
}
