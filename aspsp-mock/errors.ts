import { HttpError } from '../lib/errors.js';

/** A 400 from the registration endpoint with one of the four OB DCR error codes. */
export class RegistrationError extends HttpError {
  constructor(
    code:
      | 'invalid_redirect_uri'
      | 'invalid_client_metadata'
      | 'invalid_software_statement'
      | 'unapproved_software_statement',
    description: string,
    status = 400,
  ) {
    super(status, code, description);
  }
}

export class InvalidClientMetadata extends RegistrationError {
  constructor(description: string, status = 400) {
    super('invalid_client_metadata', description, status);
  }
}

export class InvalidRedirectUri extends RegistrationError {
  constructor(description: string) {
    super('invalid_redirect_uri', description);
  }
}

export class InvalidSoftwareStatement extends RegistrationError {
  constructor(description: string) {
    super('invalid_software_statement', description);
  }
}

export class UnapprovedSoftwareStatement extends RegistrationError {
  constructor(description: string) {
    super('unapproved_software_statement', description);
  }
}

/** 401 for a caller whose TLS client certificate or client credentials are missing or not trusted. */
export class InvalidClient extends HttpError {
  constructor(description: string, wwwAuthenticate?: string) {
    super(401, 'invalid_client', description, wwwAuthenticate ? { 'WWW-Authenticate': wwwAuthenticate } : {});
  }
}

/** RFC 6749 §5.2 token endpoint errors (400 unless stated). */
export class TokenError extends HttpError {
  constructor(
    code:
      | 'invalid_request'
      | 'invalid_grant'
      | 'unauthorized_client'
      | 'unsupported_grant_type'
      | 'invalid_scope',
    description: string,
  ) {
    super(400, code, description);
  }
}

/** RFC 6750 errors for protected resources and registration management. */
export class InvalidToken extends HttpError {
  constructor(description: string) {
    super(401, 'invalid_token', description, { 'WWW-Authenticate': `Bearer error="invalid_token"` });
  }
}

export class InsufficientScope extends HttpError {
  constructor(description: string) {
    super(403, 'insufficient_scope', description, {
      'WWW-Authenticate': `Bearer error="insufficient_scope"`,
    });
  }
}

/**
 * 429 from the token endpoint: the client holds as many unexpired access tokens as the bank keeps
 * for one (limits.liveTokensPerClient). RFC 6749 §5.2 has no code for it; `temporarily_unavailable`
 * (RFC 6749 §4.1.2.1: "currently unable to handle the request due to a temporary overloading")
 * with `Retry-After` (RFC 6585 §4, RFC 9110 §10.2.3) says when the oldest one expires.
 */
export class TooManyTokens extends HttpError {
  constructor(description: string, retryAfterSeconds: number) {
    super(429, 'temporarily_unavailable', description, { 'Retry-After': String(retryAfterSeconds) });
  }
}
