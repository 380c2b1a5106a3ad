import type { HttpResponse } from '../http/create-http-client.js';
import type { BankFailure } from '../types.js';

/** The body as a JSON object, or undefined when it is empty, not JSON or not an object. */
export function jsonObjectOf(text: string): Record<string, unknown> | undefined {
  try {
    const v: unknown = JSON.parse(text);
    return v !== null && typeof v === 'object' && !Array.isArray(v)
      ? (v as Record<string, unknown>)
      : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A bank's error answer as a typed failure. `error`: the body's OAuth/DCR `error`; else the first
 * OB Read/Write `Errors[].ErrorCode`, else its `Code`; else the `error` of `WWW-Authenticate`;
 * else `http_<status>`.
 */
export function failureFrom(res: HttpResponse): BankFailure {
  const body = jsonObjectOf(res.text) ?? {};
  const first = Array.isArray(body.Errors)
    ? (body.Errors[0] as Record<string, unknown> | undefined)
    : undefined;
  const auth = parseWwwAuthenticate(res.headers['www-authenticate']);
  const error =
    str(body.error) ?? str(first?.ErrorCode) ?? str(body.Code) ?? auth.error ?? `http_${res.status}`;
  const description =
    str(body.error_description) ?? str(first?.Message) ?? str(body.Message) ?? auth.error_description;
  return {
    ok: false,
    status: res.status,
    error,
    ...(description !== undefined ? { error_description: description } : {}),
    headers: res.headers,
    raw: res.text,
  };
}

/** A 2xx answer whose body is not what the protocol promises: failure `invalid_response`. */
export function invalidResponse(res: HttpResponse, description: string): BankFailure {
  return {
    ok: false,
    status: res.status,
    error: 'invalid_response',
    error_description: description,
    headers: res.headers,
    raw: res.text,
  };
}

export const isSuccess = (status: number): boolean => status >= 200 && status <= 299;

function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

/** `Bearer error="invalid_token", error_description="…"` → its parameters. */
function parseWwwAuthenticate(header: string | undefined): { error?: string; error_description?: string } {
  if (!header) return {};
  const out: Record<string, string> = {};
  for (const m of header.matchAll(/([A-Za-z_]+)="((?:[^"\\]|\\.)*)"/g))
    out[m[1]] = m[2].replace(/\\(.)/g, '$1');
  return {
    ...(out.error !== undefined ? { error: out.error } : {}),
    ...(out.error_description !== undefined ? { error_description: out.error_description } : {}),
  };
}
