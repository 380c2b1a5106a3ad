/**
 * Errors of the TPP client library. Each carries an OAuth-style `code` and, when an HTTP
 * answer caused it, the `status`. Bank calls never throw for an HTTP error answer (they
 * return a typed failure); these are thrown for network failures, timeouts, bad input and
 * failed onboarding steps.
 */
export class TppError extends Error {
  readonly code: string;
  readonly status: number | undefined;
  /** Set by `withRetry` when the call was attempted (and failed) this many times. */
  attempts: number | undefined;

  constructor(code: string, message: string, status?: number) {
    super(message);
    this.name = new.target.name;
    this.code = code;
    this.status = status;
  }
}

/** Where a call was when its time ran out. */
export type TimeoutPhase = 'connect' | 'response' | 'body';

/** No answer in time: connecting, waiting for the response headers, or reading the body. */
export class HttpTimeoutError extends TppError {
  readonly method: string;
  readonly url: string;
  readonly timeoutMs: number;
  readonly phase: TimeoutPhase;

  constructor(method: string, url: string, timeoutMs: number, phase: TimeoutPhase) {
    const what = {
      connect: 'connecting',
      response: 'waiting for the response',
      body: 'reading the response body',
    }[phase];
    super('timeout', `${method} ${url} timed out after ${timeoutMs} ms while ${what}`);
    this.method = method;
    this.url = url;
    this.timeoutMs = timeoutMs;
    this.phase = phase;
  }
}

/**
 * The request could not be completed: connection refused or reset, TLS failure (untrusted
 * server certificate, client certificate refused), response too large. `code` is the
 * underlying error code (e.g. ECONNREFUSED, UNABLE_TO_VERIFY_LEAF_SIGNATURE).
 */
export class HttpNetworkError extends TppError {
  readonly method: string;
  readonly url: string;

  constructor(method: string, url: string, code: string, detail: string, options?: { cause?: unknown }) {
    super(code, `${method} ${url} failed: ${detail}`);
    this.method = method;
    this.url = url;
    if (options?.cause !== undefined) this.cause = options.cause;
  }
}

/**
 * The TPP refused to connect to a host because of the address it resolved to: a host named
 * only by a bank's document (`field`) that resolves to an address of another class than the
 * bank's discovery host, or to a link-local, unspecified, multicast or reserved address.
 * Nothing was sent. `addressClass` is the refused address's class; the address itself is not
 * shown.
 */
export class ForbiddenAddressError extends TppError {
  readonly host: string;
  readonly addressClass: string;
  readonly field: string | undefined;
  /** The call it stopped, once the HTTP client has put it in (`forCall`). */
  readonly method: string | undefined;
  readonly url: string | undefined;

  constructor(
    message: string,
    details: { host: string; addressClass: string; field?: string; method?: string; url?: string },
  ) {
    super('forbidden_address', message);
    this.host = details.host;
    this.addressClass = details.addressClass;
    this.field = details.field;
    this.method = details.method;
    this.url = details.url;
  }

  /** The same refusal, its message led by the call it stopped. */
  forCall(method: string, url: string): ForbiddenAddressError {
    const { host, addressClass, field } = this;
    return new ForbiddenAddressError(`${method} ${url} refused: ${this.message}`, {
      host,
      addressClass,
      ...(field !== undefined ? { field } : {}),
      method,
      url,
    });
  }
}

/**
 * A URL a bank named that the TPP will not call: its host is not the bank's discovery host, a
 * host of its domain, or one of `allowedHosts` (the name rule). Thrown before anything is sent;
 * `field` names where the bank put it, `host` its host.
 */
export class ForeignHostError extends TppError {
  readonly field: string;
  readonly host: string;

  constructor(message: string, details: { field: string; host: string }) {
    super('foreign_host', message);
    this.field = details.field;
    this.host = details.host;
  }
}

/** A response body that is not what the protocol promises (e.g. not JSON). */
export class InvalidResponseError extends TppError {
  constructor(message: string, status?: number) {
    super('invalid_response', message, status);
  }
}

/** The directory refused an onboarding step; `code`/`status` are the directory's. */
export class DirectoryError extends TppError {
  /** e.g. 'create software statement'. */
  readonly step: string;
  readonly description: string;

  constructor(step: string, status: number, code: string, description: string) {
    super(code, `directory: ${step} failed with ${status} ${code}: ${description}`, status);
    this.step = step;
    this.description = description;
  }
}

/** A discovery document that cannot be used; `field` names what is missing or wrong. */
export class DiscoveryError extends TppError {
  readonly field: string | undefined;

  constructor(message: string, options: { field?: string; status?: number } = {}) {
    super('invalid_discovery', message, options.status);
    this.field = options.field;
  }
}

/** TPP material (keys, certificates, SSA, CA bundle) that is missing, unreadable or inconsistent. */
export class MaterialError extends TppError {
  readonly field: string;

  constructor(field: string, message: string) {
    super('invalid_material', `${field}: ${message}`);
    this.field = field;
  }
}

/** A registration request or client assertion that cannot be built or signed as asked. */
export class RequestObjectError extends TppError {
  constructor(message: string, code = 'invalid_request_object') {
    super(code, message);
  }
}
