import { randomInt, randomUUID } from 'node:crypto';
import { type Schema, validateObject } from '../../lib/validate.js';

/** What an injected fault does to a request. */
export const FAULT_KINDS = [
  'latency',
  'status',
  'rate_limit',
  'reset',
  'empty_body',
  'malformed_body',
  'wrong_content_type',
  'clock_skew',
  'directory_jwks_unreachable',
  'directory_jwks_garbage',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Bank endpoints by name (their paths are profile switches); `*` is every one of them. */
export const FAULT_ENDPOINTS = ['register', 'manage', 'token', 'discovery', 'jwks', 'consents', '*'] as const;
export type FaultEndpoint = Exclude<(typeof FAULT_ENDPOINTS)[number], '*'>;

/** A fault as written in a bank definition or POSTed to the admin API. */
export interface FaultSpec {
  /** Assigned when absent. */
  id?: string;
  kind: FaultKind;
  endpoints: (FaultEndpoint | '*')[];
  /** Applies to the next `count` matching requests, then is spent. */
  count?: number;
  /** Or: applies to each matching request with this probability, drawn from `seed` (reproducible). */
  probability?: number;
  seed?: number;
  /** Delay before the response (the whole effect of a `latency` fault; added before any other kind's). */
  latencyMs?: number;
  /** `status`: the 5xx status to answer with. */
  status?: number;
  /** `rate_limit`: the Retry-After value. */
  retryAfterSeconds?: number;
  /** `clock_skew`: how far the bank's clock is shifted for the request (positive: ahead). */
  skewSeconds?: number;
  /**
   * Only requests presenting this client certificate: its SHA-256 thumbprint, base64url (as a
   * JWK's `x5t#S256`). Requests with another certificate or none neither match nor count.
   */
  clientCertificate?: string;
}

/** A checked fault: id assigned, defaults filled in, a seed chosen for a probability without one. */
export interface Fault extends FaultSpec {
  id: string;
}

/** A fault spec that does not pass the checks; `field` is the offending field. */
export class FaultSpecError extends Error {
  constructor(
    readonly field: string,
    message: string,
  ) {
    super(message);
    this.name = 'FaultSpecError';
  }
}

/** Kinds that decide the response; at most one applies to a request. */
export const OUTCOME_KINDS: readonly FaultKind[] = [
  'status',
  'rate_limit',
  'reset',
  'empty_body',
  'malformed_body',
  'wrong_content_type',
];

export const DEFAULT_STATUS = 500;
export const DEFAULT_RETRY_AFTER_SECONDS = 1;
export const MAX_LATENCY_MS = 60_000;
const TEN_YEARS = 10 * 365 * 86_400;

const SCHEMA: Schema = {
  id: { type: 'string' },
  kind: { type: 'string', required: true, enum: FAULT_KINDS },
  endpoints: { type: 'string[]', required: true, minItems: 1, enum: FAULT_ENDPOINTS },
  count: { type: 'integer' },
  probability: { type: 'number' },
  seed: { type: 'integer' },
  latencyMs: { type: 'integer' },
  status: { type: 'integer' },
  retryAfterSeconds: { type: 'integer' },
  skewSeconds: { type: 'integer' },
  clientCertificate: { type: 'string' },
};

/** Inclusive ranges of the numeric fields. */
const RANGES: [field: keyof FaultSpec, min: number, max: number][] = [
  ['count', 1, 1_000_000],
  ['probability', 0, 1],
  ['seed', 0, 2 ** 32 - 1],
  ['latencyMs', 0, MAX_LATENCY_MS],
  ['status', 500, 599],
  ['retryAfterSeconds', 0, 86_400],
  ['skewSeconds', -TEN_YEARS, TEN_YEARS],
];

/** Fields that belong to one kind only. */
const ONLY_FOR: [field: keyof FaultSpec, kind: FaultKind][] = [
  ['status', 'status'],
  ['retryAfterSeconds', 'rate_limit'],
  ['skewSeconds', 'clock_skew'],
];

/** Fields a kind cannot do without (and must not be 0). */
const REQUIRED_FOR: [kind: FaultKind, field: keyof FaultSpec][] = [
  ['latency', 'latencyMs'],
  ['clock_skew', 'skewSeconds'],
];

/** The directory JWKS is fetched only while verifying a software statement. */
const JWKS_ENDPOINTS: readonly string[] = ['register', 'manage', '*'];

const ID = /^[A-Za-z0-9._-]{1,64}$/;
/** A SHA-256 thumbprint in base64url: 43 characters, no padding. */
const THUMBPRINT = /^[A-Za-z0-9_-]{42}[AEIMQUYcgkosw048]$/;

const fail = (field: string, message: string): never => {
  throw new FaultSpecError(field, message);
};

/**
 * Checks a fault spec from JSON; throws FaultSpecError naming the field.
 * Unknown fields are refused (a misspelt `count` must not silently make a
 * fault that never ends).
 */
export function checkFaultSpec(input: unknown): Fault {
  if (typeof input !== 'object' || input === null || Array.isArray(input))
    fail('fault', 'a fault must be a JSON object');
  const raw = input as Record<string, unknown>;
  for (const field of Object.keys(raw)) {
    if (!(field in SCHEMA)) fail(field, `unknown field '${field.slice(0, 64)}'`);
  }
  const spec = validateObject(raw, SCHEMA, fail) as unknown as FaultSpec;
  if (spec.id !== undefined && !ID.test(spec.id))
    fail('id', `id must be 1–64 letters, digits, '.', '_' or '-'`);
  if (spec.clientCertificate !== undefined && !THUMBPRINT.test(spec.clientCertificate))
    fail('clientCertificate', 'clientCertificate must be a SHA-256 thumbprint in base64url (x5t#S256)');
  for (const [field, min, max] of RANGES) {
    const v = spec[field] as number | undefined;
    if (v !== undefined && (v < min || v > max)) fail(field, `${field} must be from ${min} to ${max}`);
  }
  for (const [field, kind] of ONLY_FOR) {
    if (spec[field] !== undefined && spec.kind !== kind)
      fail(field, `${field} applies only to kind '${kind}'`);
  }
  for (const [kind, field] of REQUIRED_FOR) {
    if (spec.kind === kind && !spec[field]) fail(field, `${field} is required (not 0) for kind '${kind}'`);
  }
  if ((spec.count === undefined) === (spec.probability === undefined))
    fail('count', 'give exactly one of count and probability');
  if (spec.seed !== undefined && spec.probability === undefined)
    fail('seed', 'seed applies only with probability');
  if (spec.kind.startsWith('directory_jwks_') && !spec.endpoints.every((e) => JWKS_ENDPOINTS.includes(e))) {
    fail('endpoints', `endpoints: kind '${spec.kind}' acts only on ${JWKS_ENDPOINTS.join(', ')}`);
  }
  const endpoints = spec.endpoints.includes('*') ? ['*' as const] : [...new Set(spec.endpoints)];
  return {
    id: spec.id ?? randomUUID(),
    kind: spec.kind,
    endpoints,
    ...(spec.count !== undefined
      ? { count: spec.count }
      : { probability: spec.probability, seed: spec.seed ?? randomInt(0, 2 ** 32 - 1) }),
    ...(spec.latencyMs !== undefined ? { latencyMs: spec.latencyMs } : {}),
    ...(spec.kind === 'status' ? { status: spec.status ?? DEFAULT_STATUS } : {}),
    ...(spec.kind === 'rate_limit'
      ? { retryAfterSeconds: spec.retryAfterSeconds ?? DEFAULT_RETRY_AFTER_SECONDS }
      : {}),
    ...(spec.kind === 'clock_skew' ? { skewSeconds: spec.skewSeconds } : {}),
    ...(spec.clientCertificate !== undefined ? { clientCertificate: spec.clientCertificate } : {}),
  };
}
