import { DirectoryError } from '../errors.js';
import type { HttpClient, HttpResponse } from '../http/create-http-client.js';

/** A directory reached over HTTPS: its base URL (e.g. https://localhost:8443) and a client trusting its CA. */
export interface DirectoryConnection {
  url: string;
  http: HttpClient;
}

export interface DirectoryCall {
  method: 'GET' | 'POST' | 'PUT' | 'DELETE';
  /** Path below the base URL, starting with '/'. */
  path: string;
  /** Bearer credential (organisation AccessToken or admin token). */
  token?: string;
  body?: string;
  contentType?: string;
  accept?: string;
}

/**
 * One directory API call; any non-2xx answer becomes a DirectoryError naming the onboarding
 * `step` and carrying the directory's status, `error` and `error_description`.
 */
export async function directoryCall(
  dir: DirectoryConnection,
  step: string,
  call: DirectoryCall,
): Promise<HttpResponse> {
  const headers: Record<string, string> = { Accept: call.accept ?? 'application/json' };
  if (call.token !== undefined) headers.Authorization = `Bearer ${call.token}`;
  if (call.contentType !== undefined) headers['Content-Type'] = call.contentType;
  const res = await dir.http.request(call.method, `${dir.url.replace(/\/+$/, '')}${call.path}`, {
    headers,
    ...(call.body !== undefined ? { body: call.body } : {}),
  });
  if (res.status < 200 || res.status > 299) {
    let code = `http_${res.status}`;
    let description = res.text.slice(0, 500);
    try {
      const body = JSON.parse(res.text) as { error?: unknown; error_description?: unknown };
      if (typeof body.error === 'string') code = body.error;
      if (typeof body.error_description === 'string') description = body.error_description;
    } catch {
      // not JSON: keep the raw text
    }
    throw new DirectoryError(step, res.status, code, description);
  }
  return res;
}

/** The JSON object of a 2xx directory answer; a DirectoryError when it is not an object. */
export function directoryJson(step: string, res: HttpResponse): Record<string, unknown> {
  let body: unknown;
  try {
    body = JSON.parse(res.text);
  } catch {
    throw new DirectoryError(step, res.status, 'invalid_response', 'the answer is not JSON');
  }
  if (body === null || typeof body !== 'object' || Array.isArray(body)) {
    throw new DirectoryError(step, res.status, 'invalid_response', 'the answer is not a JSON object');
  }
  return body as Record<string, unknown>;
}
