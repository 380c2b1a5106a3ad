import { HttpNetworkError, HttpTimeoutError, TppError } from '../errors.js';

/** What a call may be retried on. */
export interface RetryOn {
  /** HTTP statuses that mean "try again later". */
  statuses: readonly number[];
  /** Also retry network failures (reset, refused, timeout): only for idempotent calls. */
  networkErrors: boolean;
}

/**
 * Idempotent calls (GET, PUT, DELETE): 429, 502, 503, 504 and network failures — repeating
 * them has the same effect as sending them once.
 */
export const RETRY_IDEMPOTENT: RetryOn = Object.freeze({
  statuses: Object.freeze([429, 502, 503, 504]),
  networkErrors: true,
});

/**
 * Calls that create something (POST /register, POST /token, POST consents): only 429 and 503,
 * the answers that say the request was not processed. A 502/504 or a reset connection may
 * come after the bank acted, so those are never retried.
 */
export const RETRY_UNPROCESSED: RetryOn = Object.freeze({
  statuses: Object.freeze([429, 503]),
  networkErrors: false,
});

const IDEMPOTENT_METHODS = new Set(['GET', 'HEAD', 'OPTIONS', 'PUT', 'DELETE']);

/** RETRY_IDEMPOTENT for GET/HEAD/OPTIONS/PUT/DELETE, RETRY_UNPROCESSED otherwise (POST, PATCH). */
export function retryOnFor(method: string): RetryOn {
  return IDEMPOTENT_METHODS.has(method.toUpperCase()) ? RETRY_IDEMPOTENT : RETRY_UNPROCESSED;
}

/** Network error codes worth another try (for idempotent calls); TLS and certificate errors are not. */
export const RETRYABLE_NETWORK_CODES: ReadonlySet<string> = new Set([
  'ECONNRESET',
  'ECONNREFUSED',
  'ECONNABORTED',
  'EPIPE',
  'ETIMEDOUT',
  'EAI_AGAIN',
  'ENETUNREACH',
  'EHOSTUNREACH',
  'UND_ERR_SOCKET',
  'UND_ERR_CLOSED',
]);

export interface RetryEvent {
  /** The attempt that failed (1 = the first). */
  attempt: number;
  /** How long the next attempt waits, ms. */
  delayMs: number;
  /** The retryable status, or undefined for a network error. */
  status?: number;
  error?: unknown;
  /** Whether the delay came from a Retry-After header. */
  fromRetryAfter: boolean;
}

export interface RetryOptions {
  /** Retries after the first attempt (so at most retries + 1 attempts); default 3. 0 disables. */
  retries?: number;
  /** Back-off base: attempt n waits a random time in [0, min(maxDelayMs, baseDelayMs·2^(n−1))); default 200. */
  baseDelayMs?: number;
  /** Longest wait between attempts, also the cap on Retry-After; default 5000. */
  maxDelayMs?: number;
  /** Default: RETRY_IDEMPOTENT or RETRY_UNPROCESSED by the call's method. */
  retryOn?: RetryOn;
  /** Waits (tests record the delays instead); default a timer. */
  sleep?: (ms: number) => Promise<void>;
  /** A number in [0, 1) for the jitter; default Math.random. */
  random?: () => number;
  /** The clock for Retry-After HTTP dates, ms since the epoch; default Date.now. */
  now?: () => number;
  /** Called before each wait. */
  onRetry?: (event: RetryEvent) => void;
}

/** Anything with an HTTP status and (lower-case) headers: HttpResponse and every bank result. */
export interface StatusLike {
  status: number;
  headers?: Record<string, string>;
}

const defaultSleep = (ms: number): Promise<void> => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Calls `fn` until it answers with a status not in `retryOn.statuses`, throws an error that
 * is not retryable, or `retries` retries are used up. Between attempts it waits the
 * `Retry-After` of the answer (seconds or an HTTP date, at most `maxDelayMs`), or else an
 * exponential back-off with full jitter. Returns the last answer with `attempts`; a final
 * thrown error gets an `attempts` property (TppError has it typed).
 */
export async function withRetry<T extends StatusLike>(
  fn: (attempt: number) => Promise<T>,
  options: RetryOptions = {},
): Promise<T & { attempts: number }> {
  const retries = nonNegative(options.retries ?? 3, 'retries');
  const base = nonNegative(options.baseDelayMs ?? 200, 'baseDelayMs');
  const max = nonNegative(options.maxDelayMs ?? 5000, 'maxDelayMs');
  const retryOn = options.retryOn ?? RETRY_IDEMPOTENT;
  const sleep = options.sleep ?? defaultSleep;
  const random = options.random ?? Math.random;
  const now = options.now ?? Date.now;

  for (let attempt = 1; ; attempt++) {
    let result: T;
    try {
      result = await fn(attempt);
    } catch (err) {
      if (attempt > retries || !retryOn.networkErrors || !isRetryableNetworkError(err)) {
        throw withAttempts(err, attempt);
      }
      const delayMs = backoff(attempt, base, max, random);
      options.onRetry?.({ attempt, delayMs, error: err, fromRetryAfter: false });
      await sleep(delayMs);
      continue;
    }
    if (attempt > retries || !retryOn.statuses.includes(result.status)) {
      return Object.assign(result, { attempts: attempt });
    }
    const after = parseRetryAfter(result.headers?.['retry-after'], now());
    const delayMs = after === undefined ? backoff(attempt, base, max, random) : Math.min(after, max);
    options.onRetry?.({ attempt, delayMs, status: result.status, fromRetryAfter: after !== undefined });
    await sleep(delayMs);
  }
}

/** Full jitter (AWS architecture blog): uniform in [0, min(max, base·2^(attempt−1))). */
export function backoff(
  attempt: number,
  baseDelayMs: number,
  maxDelayMs: number,
  random: () => number,
): number {
  const ceiling = Math.min(maxDelayMs, baseDelayMs * 2 ** (attempt - 1));
  const r = Math.min(Math.max(random(), 0), 1);
  return Math.floor(r * ceiling);
}

/**
 * `Retry-After` (RFC 9110 10.2.3) in ms: delay-seconds, or an HTTP date relative to `nowMs`
 * (a past date is 0). Undefined when absent or unparseable.
 */
export function parseRetryAfter(value: string | undefined, nowMs: number = Date.now()): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (/^\d+$/.test(v)) return Number(v) * 1000;
  if (!/[A-Za-z]/.test(v)) return undefined;
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}

/** A timeout, or a network failure whose code is in RETRYABLE_NETWORK_CODES. */
export function isRetryableNetworkError(err: unknown): boolean {
  if (err instanceof HttpTimeoutError) return true;
  if (err instanceof HttpNetworkError) return RETRYABLE_NETWORK_CODES.has(err.code);
  const code = (err as { code?: unknown } | null)?.code;
  return typeof code === 'string' && RETRYABLE_NETWORK_CODES.has(code);
}

function withAttempts(err: unknown, attempts: number): unknown {
  if (err instanceof TppError) err.attempts = attempts;
  else if (err !== null && typeof err === 'object' && Object.isExtensible(err)) {
    (err as { attempts?: number }).attempts = attempts;
  }
  return err;
}

function nonNegative(value: number, name: string): number {
  if (!Number.isFinite(value) || value < 0) throw new RangeError(`withRetry: ${name} must be a number >= 0`);
  return value;
}
