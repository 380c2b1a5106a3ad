import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
/**
 * Errors that carry an HTTP status and an OAuth-style `error` code.
 * One class per failure kind; `toErrorResponse` turns any thrown value into a response body.
 */
export class HttpError extends Error {
  readonly status: number;
  readonly code: string;
  readonly headers: Record<string, string>;

  constructor(status: number, code: string, description: string, headers: Record<string, string> = {}) {
    super(description);
    this.name = new.target.name;
    this.status = status;
    this.code = code;
    this.headers = headers;
  }
}

export class BadRequest extends HttpError {
  constructor(description: string, code = 'invalid_request') {
    super(400, code, description);
  }
}

export class Unauthorized extends HttpError {
  constructor(description = 'a valid bearer token is required', code = 'invalid_token') {
    super(401, code, description, { 'WWW-Authenticate': `Bearer error="${code}"` });
  }
}

export class Forbidden extends HttpError {
  constructor(description = 'access to this resource is not allowed', code = 'access_denied') {
    super(403, code, description);
  }
}

export class NotFound extends HttpError {
  constructor(description = 'no such resource', code = 'not_found') {
    super(404, code, description);
  }
}

export class MethodNotAllowed extends HttpError {
  constructor(allowed: string[]) {
    super(405, 'method_not_allowed', `allowed methods: ${allowed.join(', ')}`, { Allow: allowed.join(', ') });
  }
}

export class NotAcceptable extends HttpError {
  constructor(offered: string[]) {
    super(406, 'not_acceptable', `the response is available as: ${offered.join(', ')}`);
  }
}

export class Conflict extends HttpError {
  constructor(description: string, code = 'conflict') {
    super(409, code, description);
  }
}

export class PayloadTooLarge extends HttpError {
  constructor(limit: number) {
    super(413, 'request_too_large', `request body exceeds ${limit} bytes`);
  }
}

/**
 * A media type as RFC 9110 §8.3.1 writes one (type "/" subtype, token characters, optional
 * parameters), at most 100 characters: only such a Content-Type is quoted back to its caller.
 */
const MEDIA_TYPE_SHOWN =
  /^[!#$%&'*+.^_`|~0-9A-Za-z-]+\/[!#$%&'*+.^_`|~0-9A-Za-z-]+(?:\s*;\s*[!#$%&'*+.^_`|~0-9A-Za-z-]+=(?:[!#$%&'*+.^_`|~0-9A-Za-z-]+|"[^"\\]*"))*$/;

export class UnsupportedMediaType extends HttpError {
  constructor(got: string | undefined, accepted: string[]) {
    // The header is the caller's text (up to Node's 16 KiB of header): quoted only when it reads
    // as a media type, so an answer never carries back whatever a caller wrote there.
    const shown = !got
      ? '(none)'
      : got.length <= 100 && MEDIA_TYPE_SHOWN.test(got)
        ? `'${got}'`
        : '(not a media type)';
    super(
      415,
      'unsupported_media_type',
      `Content-Type ${shown} is not accepted; use one of: ${accepted.join(', ')}`,
    );
  }
}

export interface ErrorBody {
  error: string;
  error_description: string;
}

/** OB Read/Write API error codes the bank's resources use (OBErrorResponseError1Code). */
export type ObErrorCode =
  | 'UK.OBIE.Field.Missing'
  | 'UK.OBIE.Field.Invalid'
  | 'UK.OBIE.Field.InvalidDate'
  | 'UK.OBIE.Resource.NotFound';

/**
 * A refusal by an OB Read/Write API resource (the bank's account-access consents). Its body is
 * the Read/Write API's OBErrorResponse1, not an OAuth error: `Code` (the status, ≤ 40
 * characters), `Id` (this error's reference), `Message` and `Errors` (one OBError1 with the
 * `ErrorCode`, its `Message` and the `Path` of the field at fault).
 */
export class ObResourceError extends HttpError {
  constructor(
    status: number,
    readonly errorCode: ObErrorCode,
    description: string,
    readonly path?: string,
  ) {
    super(status, errorCode, description);
  }
}

/** OBErrorResponse1 of the OB Read/Write API. */
export interface ObErrorBody {
  Code: string;
  Id: string;
  Message: string;
  Errors: { ErrorCode: string; Message: string; Path?: string }[];
}

/** Longest error_description we send (the OB DCR spec caps it at 500 characters). */
export const MAX_DESCRIPTION = 500;

/**
 * The one place that turns an error into a response. 5xx never leaks internals:
 * anything that is not an HttpError becomes a generic server_error.
 */
export function toErrorResponse(err: unknown): {
  status: number;
  body: ErrorBody | ObErrorBody;
  headers: Record<string, string>;
} {
  if (err instanceof ObResourceError && err.status < 500) {
    const message = err.message.slice(0, MAX_DESCRIPTION);
    return {
      status: err.status,
      headers: err.headers,
      body: {
        Code: `${err.status} ${STATUS_CODES[err.status] ?? 'Error'}`.slice(0, 40),
        Id: randomUUID(),
        Message: message,
        Errors: [{ ErrorCode: err.errorCode, Message: message, ...(err.path ? { Path: err.path } : {}) }],
      },
    };
  }
  if (err instanceof HttpError && err.status < 500) {
    return {
      status: err.status,
      headers: err.headers,
      body: { error: err.code, error_description: err.message.slice(0, MAX_DESCRIPTION) },
    };
  }
  if (err instanceof HttpError) {
    return {
      status: err.status,
      headers: err.headers,
      body: { error: err.code, error_description: 'the server could not complete the request' },
    };
  }
  return {
    status: 500,
    headers: {},
    body: { error: 'server_error', error_description: 'the server could not complete the request' },
  };
}
