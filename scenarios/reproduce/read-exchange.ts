import { decodeJwt, decodeProtectedHeader } from 'jose';
import { ReproduceInputError } from './errors.js';

/** The registration request that failed at the real bank, decoded (its signature is not checked). */
export interface FailedRequest {
  format: 'jws' | 'json';
  /** Content-Type it was sent with. */
  mediaType: string;
  /** JOSE header of a signed request. */
  header?: Record<string, unknown>;
  claims: Record<string, unknown>;
}

/** The bank's answer to it. */
export interface BankAnswer {
  status: number;
  headers: Record<string, string>;
  /** The body: a parsed JSON value, or text. */
  body: unknown;
  /** `error` and `error_description` of an OAuth error body, when it is one. */
  error?: string;
  description?: string;
}

const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const MAX_TEXT = 64 * 1024;

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

function headerValue(headers: unknown, name: string): string | undefined {
  if (!isObject(headers)) return undefined;
  const hit = Object.entries(headers).find(([k]) => k.toLowerCase() === name);
  return typeof hit?.[1] === 'string' ? hit[1] : undefined;
}

function decodeJws(jws: string, mediaType: string): FailedRequest {
  try {
    return { format: 'jws', mediaType, header: decodeProtectedHeader(jws), claims: decodeJwt(jws) };
  } catch (err) {
    throw new ReproduceInputError(`request: not a readable JWT (${(err as Error).message})`, 'request');
  }
}

/**
 * The failed request, given as the signed JWT, the JSON body, or `{headers, body}` (the body a
 * JWT or a JSON object). Its media type: `mediaType`, else the Content-Type in `headers`, else
 * application/jose for a JWT (OB v3.2+) and application/json for a JSON body.
 */
export function readFailedRequest(input: unknown, mediaType?: string): FailedRequest {
  let value = input;
  if (typeof value === 'string') {
    const text = value.trim();
    if (text.length > MAX_TEXT)
      throw new ReproduceInputError(`request: larger than ${MAX_TEXT} bytes`, 'request');
    if (COMPACT_JWS.test(text)) return decodeJws(text, mediaType ?? 'application/jose');
    try {
      value = JSON.parse(text);
    } catch {
      throw new ReproduceInputError('request: neither a signed JWT nor JSON', 'request');
    }
  }
  if (!isObject(value)) throw new ReproduceInputError('request: must be a JWT or a JSON object', 'request');
  if ('body' in value && !('software_statement' in value)) {
    const type = mediaType ?? headerValue(value.headers, 'content-type')?.split(';')[0].trim();
    const body = value.body;
    if (typeof body === 'string' && COMPACT_JWS.test(body.trim()))
      return decodeJws(body.trim(), type ?? 'application/jose');
    return readFailedRequest(
      typeof body === 'string' ? body : JSON.stringify(body),
      type ?? 'application/json',
    );
  }
  return { format: 'json', mediaType: mediaType ?? 'application/json', claims: value };
}

/** The bank's answer as `{status, headers?, body}` (body JSON or text). */
export function readBankAnswer(input: unknown): BankAnswer {
  let value = input;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      throw new ReproduceInputError(
        'response: not JSON ({"status": 400, "headers": {…}, "body": …})',
        'response',
      );
    }
  }
  if (!isObject(value)) throw new ReproduceInputError('response: must be a JSON object', 'response');
  const status = value.status;
  if (!Number.isInteger(status) || (status as number) < 100 || (status as number) > 599)
    throw new ReproduceInputError('response: "status" must be an HTTP status (100–599)', 'response');
  const headers: Record<string, string> = {};
  if (isObject(value.headers))
    for (const [k, v] of Object.entries(value.headers))
      if (typeof v === 'string') headers[k.toLowerCase()] = v;
  let body = value.body;
  if (typeof body === 'string') {
    try {
      body = JSON.parse(body);
    } catch {
      // a text body stays text
    }
  }
  const answer: BankAnswer = { status: status as number, headers, body };
  if (isObject(body)) {
    if (typeof body.error === 'string') answer.error = body.error;
    if (typeof body.error_description === 'string') answer.description = body.error_description;
  } else if (typeof body === 'string' && body.trim()) answer.description = body.trim().slice(0, 2000);
  return answer;
}
