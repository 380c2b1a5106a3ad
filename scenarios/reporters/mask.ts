import { maskSecret } from '../recording-http.js';
import type { RunSummary } from '../types.js';

/**
 * A second, defensive masking pass run by every reporter. The recording client has already
 * masked what it saw; this catches what slipped past it (a secret in a reason, an error
 * message, a header the recorder does not know, a field inside a decoded JWT). Masking is
 * idempotent: an already masked value (`abcd…`) stays as it is.
 */

/** Header names whose values are credentials. */
const SECRET_HEADER = /^(authorization|proxy-authorization|cookie|set-cookie|x-api-key|x-admin-token)$/i;

/** Field names (JSON keys, form fields, query parameters) whose values are credentials. */
const SECRET_FIELD_NAMES =
  'client_secret|access_token|refresh_token|registration_access_token|AccessToken|admin_token|adminToken|password';
const SECRET_FIELD = new RegExp(`^(${SECRET_FIELD_NAMES})$`, 'i');

/** `"client_secret": "x"`, `client_secret=x`, `access_token: x` inside free text. */
const SECRET_FIELD_IN_TEXT = new RegExp(
  `("?\\b(?:${SECRET_FIELD_NAMES})"?\\s*[:=]\\s*"?)([^"&,\\s}]+)`,
  'gi',
);

/** `Authorization: <token>` / `"authorization":"Basic x"` inside free text (scheme kept). */
const AUTHORIZATION_IN_TEXT =
  /("?\b(?:proxy-)?authorization"?\s*[:=]\s*"?)((?:Bearer|Basic|DPoP)\s+)?([^"\s,}&]+)(?![^"\s,}&])/gi;

/**
 * `Bearer x` / `DPoP x` (8 characters or more) and `Basic x` (when x is base64 of `id:secret`)
 * anywhere, so prose such as "Basic authentication" is left alone; a value already ending in
 * `…` is too.
 */
const SCHEME_TOKEN_IN_TEXT = /\b(Bearer|Basic|DPoP)(\s+)([A-Za-z0-9._~+/=-]+)(?![A-Za-z0-9._~+/=…-])/gi;

function looksLikeCredential(scheme: string, value: string): boolean {
  if (scheme.toLowerCase() !== 'basic') return value.length >= 8;
  return /^[A-Za-z0-9+/]+=*$/.test(value) && Buffer.from(value, 'base64').toString('latin1').includes(':');
}

/** Masks credentials found in free text (bodies, URLs, messages). */
export function maskText(text: string): string {
  return text
    .replace(SECRET_FIELD_IN_TEXT, (_m, prefix: string, value: string) => `${prefix}${maskSecret(value)}`)
    .replace(
      AUTHORIZATION_IN_TEXT,
      (_m, prefix: string, scheme: string | undefined, value: string) =>
        `${prefix}${scheme ?? ''}${maskSecret(value)}`,
    )
    .replace(SCHEME_TOKEN_IN_TEXT, (m, scheme: string, space: string, value: string) =>
      looksLikeCredential(scheme, value) ? `${scheme}${space}${maskSecret(value)}` : m,
    );
}

/** Masks one header value: `Bearer abcd…` keeps its scheme. */
export function maskHeaderValue(value: string): string {
  const [scheme, ...rest] = value.split(' ');
  return rest.length > 0 ? `${scheme} ${maskSecret(rest.join(' '))}` : maskSecret(value);
}

function maskHeaders(headers: Record<string, string>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(headers)) {
    const value = String(v);
    out[k] = SECRET_HEADER.test(k) ? maskHeaderValue(value) : maskText(value);
  }
  return out;
}

/** Masks any JSON-like value: secret fields by name, every other string as free text. */
export function maskValue(value: unknown): unknown {
  if (typeof value === 'string') return maskText(value);
  if (Array.isArray(value)) return value.map(maskValue);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const [k, v] of Object.entries(value)) {
      if (SECRET_FIELD.test(k) && (typeof v === 'string' || typeof v === 'number')) {
        out[k] = maskSecret(String(v));
      } else if (SECRET_HEADER.test(k) && typeof v === 'string') {
        out[k] = maskHeaderValue(v);
      } else if ((k === 'requestHeaders' || k === 'responseHeaders') && v && typeof v === 'object') {
        out[k] = maskHeaders(v as Record<string, string>);
      } else {
        out[k] = maskValue(v);
      }
    }
    return out;
  }
  return value;
}

/** A deep copy of the summary with every credential-looking value masked. */
export function maskSummary(summary: RunSummary): RunSummary {
  return maskValue(summary) as RunSummary;
}
